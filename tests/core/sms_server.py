"""A local stand-in for an SMS provider's API: an ``http.server`` thread on 127.0.0.1 that
records every request the SDK sends and answers with the next queued response."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class FakeProvider:
    server: ThreadingHTTPServer
    requests: list[Received] = field(default_factory=list)
    responses: list[tuple[int, dict]] = field(default_factory=list)
    default: tuple[int, dict] = (200, {})

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def reply(self, body: dict, status: int = 200) -> None:
        self.responses.append((status, body))

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_provider(default: dict, *, content_type: str = "application/json") -> FakeProvider:
    holder: dict[str, FakeProvider] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            provider = holder["provider"]
            length = int(self.headers.get("content-length") or 0)
            url = urlsplit(self.path)
            provider.requests.append(
                Received(
                    method="POST",
                    path=url.path,
                    query=dict(parse_qsl(url.query, keep_blank_values=True)),
                    headers={key.lower(): value for key, value in self.headers.items()},
                    body=self.rfile.read(length),
                )
            )
            status, body = provider.responses.pop(0) if provider.responses else provider.default
            payload = json.dumps(body, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    provider = FakeProvider(server=server, default=(200, default))
    holder["provider"] = provider
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return provider
