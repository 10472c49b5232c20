"""Production-like environment for the load test: DEBUG off, keys generated once.

    .venv/bin/python bench/load_env.py            # prints KEY=value lines (creates var/bench.env)
    .venv/bin/python bench/load_env.py .venv/bin/python manage.py seed_scale   # runs with it

The keys are generated the way ``.ci/run`` does and kept in ``var/bench.env`` so that the
data set written by ``seed_scale`` (encrypted ID numbers) and the gunicorn serving it use the
same keys. ``DATABASE_URL``/``REDIS_URL`` are taken from the environment, defaulting to the
``scale`` database and Redis db 5 (the cache then uses db 6).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.genkeys import generate_keys  # noqa: E402 - after the path is set

ENV_FILE = ROOT / "var" / "bench.env"

DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/scale",
    "REDIS_URL": "redis://127.0.0.1:6379/5",
}


def bench_env() -> dict[str, str]:
    """The variables of a production-like run (keys from var/bench.env, made on first use)."""
    if not ENV_FILE.exists():
        ENV_FILE.parent.mkdir(exist_ok=True)
        ENV_FILE.write_text("".join(f"{k}={v}\n" for k, v in generate_keys().items()))
        ENV_FILE.chmod(0o600)
    keys = dict(line.split("=", 1) for line in ENV_FILE.read_text().splitlines() if "=" in line)
    env = {
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # No TLS proxy in front of this gunicorn: the load test sends the header such a
        # proxy adds (X-Forwarded-Proto: https), so HTTPS redirects and secure cookies
        # behave as in production.
        # Staff TOTP is a sign-in step, not a cost of each admin page; the load test signs
        # staff in by session, so the gate is off for the run.
        "STAFF_MFA_REQUIRED": "false",
        "LOG_LEVEL": "WARNING",
        **keys,
    }
    for name, default in DEFAULTS.items():
        env[name] = os.environ.get(name, default)
    return env


if __name__ == "__main__":
    if len(sys.argv) > 1:
        os.execvpe(sys.argv[1], sys.argv[1:], {**os.environ, **bench_env()})  # noqa: S606
    for name, value in bench_env().items():
        sys.stdout.write(f"{name}={value}\n")
