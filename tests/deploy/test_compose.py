"""The reference deployment in deploy/ holds together (Docker itself is not run here): the
compose file parses and has every service it needs, .env.example names exactly the
variables the code reads, nginx serves what the volumes hold and keeps private uploads
private, and the backup scripts are valid shell."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

BASE = Path(settings.BASE_DIR)
DEPLOY = BASE / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def env_reads(path: Path) -> set[str]:
    """Names a Python file reads from the environment: ``env.str("X")``, ``env("X")``,
    ``os.environ.get("X")``, ``os.environ["X"]``, ``os.getenv("X")``."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and node.args:
            first, func = node.args[0], node.func
            if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                continue
            dotted = ast.unparse(func)
            if dotted in {"env", "os.getenv", "os.environ.get"} or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            ):
                names.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def env_example() -> set[str]:
    """Variables in .env.example, set (``NAME=…``) or optional (``#NAME=…``)."""
    text = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_compose_has_every_service_wired():
    compose = _compose()
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "nginx", "migrate"} <= set(services)
    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, (name, dependency)
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith("."):
                assert source in compose["volumes"], (name, source)

    assert "--appendonly" in services["redis"]["command"]
    assert (
        services["redis"]["command"][services["redis"]["command"].index("--appendonly") + 1]
        == "yes"
    )
    assert services["db"]["image"].startswith("postgres:")
    assert "deploy/gunicorn.conf.py" in services["web"]["command"]
    assert (DEPLOY / "gunicorn.conf.py").exists()
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    # web, worker and beat share one image and the environment file
    for name in ("web", "worker", "beat", "migrate"):
        assert services[name]["env_file"] == ".env"
        assert services[name]["build"]["dockerfile"] == "deploy/Dockerfile"
    assert services["web"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert "migrate --noinput" in " ".join(services["migrate"]["command"])


def test_nginx_serves_the_volumes_and_proxies_the_rest():
    services = _compose()["services"]
    mounts = dict(v.split(":")[:2] for v in services["nginx"]["volumes"])
    app_mounts = dict(v.split(":")[:2] for v in services["web"]["volumes"])
    assert app_mounts["static"] == str(settings.STATIC_ROOT).replace(str(BASE), "/app")
    assert app_mounts["media"] == str(settings.MEDIA_ROOT).replace(str(BASE), "/app")

    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    assert f"alias {mounts['static']}/;" in conf
    assert f"root {Path(mounts['media']).parent};" in conf
    assert "server web:8000;" in conf and "proxy_pass http://portal_web;" in conf
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in conf
    assert settings.SECURE_PROXY_SSL_HEADER == ("HTTP_X_FORWARDED_PROTO", "https")
    # private uploads are never served by nginx
    public = re.search(r"location ~ \^/media/\(([^)]*)\)/", conf).group(1).split("|")
    assert "hotline" not in public and "datahub" not in public
    assert re.search(r"location /media/ \{\s*return 404;", conf)
    assert conf.count("{") == conf.count("}")


def test_nginx_logs_no_query_string_or_referrer():
    """What people typed (a search for a mobile number, a form sent by GET) never reaches
    nginx's log: each server replaces the image's "combined" log with one that logs the path
    alone. The portal's own line masks the full path (tests/security/test_pii_logging.py)."""
    conf = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    fmt = re.search(r"log_format portal_access escape=json\s+((?:'[^']*'\s*)+);", conf).group(1)
    assert '"path":"$uri"' in fmt and '"request_id":"$request_id"' in fmt
    for unmasked in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$arg_"):
        assert unmasked not in fmt
    assert "$http_referer" not in fmt
    servers = re.split(r"\nserver \{", conf)[1:]
    assert len(servers) == 2
    for server in servers:
        assert "\n    access_log /dev/stdout portal_access;" in server
    assert set(re.findall(r"access_log ([^;]*);", conf)) == {"/dev/stdout portal_access", "off"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, True), ("true", True), ("false", False), ("0", False)],
    ids=["default", "true", "false", "zero"],
)
def test_gunicorn_workers_each_listen_on_their_own_socket(monkeypatch, value, expected):
    """SO_REUSEPORT per worker (the kernel spreads connections), unless turned off; the
    compose file lets queued connections move off a worker being renewed."""
    import runpy

    if value is None:
        monkeypatch.delenv("GUNICORN_REUSE_PORT", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_REUSE_PORT", value)
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["reuse_port"] is expected
    assert config["worker_class"] == "gthread" and config["preload_app"] is True
    sysctls = _compose()["services"]["web"]["sysctls"]
    assert sysctls == {"net.ipv4.tcp_migrate_req": 1}


def test_env_example_names_exactly_what_the_code_reads():
    read_by_settings = env_reads(BASE / "portal" / "settings.py") | env_reads(
        BASE / "portal" / "settings_features.py"
    )
    read_by_gunicorn = env_reads(DEPLOY / "gunicorn.conf.py")
    compose_text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", compose_text))
    example = env_example()

    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ID_NUMBER_KEYS"} <= read_by_settings
    missing = read_by_settings - example
    assert not missing, f"read by portal/settings.py but not in deploy/.env.example: {missing}"
    unknown = example - read_by_settings - read_by_gunicorn - interpolated
    assert not unknown, f"in deploy/.env.example but read by nothing: {unknown}"


def test_env_example_parses_the_way_the_settings_read_it():
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    values = dict(re.findall(r"^([A-Z][A-Z0-9_]*)=(.*)$", example, flags=re.MULTILINE))
    assert values["DEBUG"] == "false" and values["IDENTITY_DEV_KEYS"] == "false"
    password = values["POSTGRES_PASSWORD"]
    assert f":{password}@db:5432/" in values["DATABASE_URL"]
    assert values["REDIS_URL"].startswith("redis://redis:6379/")


@pytest.mark.parametrize("script", ["backup.sh", "restore.sh"])
def test_backup_scripts_are_valid_shell(script):
    bash = shutil.which("bash")
    assert bash is not None
    path = DEPLOY / script
    assert path.stat().st_mode & 0o111, f"{script} is not executable"
    subprocess.run([bash, "-n", str(path)], check=True)  # noqa: S603
    text = path.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text
