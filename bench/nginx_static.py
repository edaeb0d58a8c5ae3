"""nginx serving the status bodies Remit rendered as static files, for bench/status_surge.py: the bytes
written into a directory (with a manifest the bare ASGI app reads too), and a minimal generated config that
runs without installing anything: ``nginx -e LOG -c DIR/nginx.conf -p DIR -g 'daemon off;'`` with
``worker_processes`` = the machine's cores, no access log, sendfile, and per path the content type and the
headers Remit sent (nginx adds its own ETag and answers ``If-None-Match`` with 304)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Protocol

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


class Bodies(Protocol):
    content: dict[str, bytes]
    content_type: dict[str, str]
    headers: dict[str, dict[str, str]]
    etag: dict[str, str]


def nginx_version() -> str:
    if NGINX is None:
        return "missing"
    done = subprocess.run([NGINX, "-v"], capture_output=True, text=True, check=False)  # noqa: S603 - nginx
    return (done.stderr or done.stdout).strip().rpartition("/")[2] or "unknown"


def publish(bodies: Bodies, directory: Path, paths: dict[str, str]) -> None:
    """The bytes as files nginx (and the bare app) serve, readable by nginx's unprivileged workers."""
    public = directory / "public"
    public.mkdir(mode=0o755)
    manifest = {}
    for name, path in paths.items():
        (public / name).write_bytes(bodies.content[name])
        (public / name).chmod(0o644)
        manifest[path] = [name, bodies.content_type[name], bodies.etag[name]]
    (public / "bodies.json").write_text(json.dumps(manifest), encoding="utf-8")
    directory.chmod(0o755)
    (directory / "bodies.json").write_text(json.dumps({"headers": bodies.headers}), encoding="utf-8")


def nginx_conf(directory: Path, port: int) -> Path:
    """A minimal nginx config serving each path from its file, with Remit's content type and headers."""
    saved = json.loads((directory / "bodies.json").read_text(encoding="utf-8"))["headers"]
    manifest = json.loads((directory / "public" / "bodies.json").read_text(encoding="utf-8"))
    locations = []
    for path, (name, kind, _etag) in manifest.items():
        added = "".join(
            f'      add_header {key} "{value}" always;\n'
            for key, value in saved[name].items()
            if '"' not in value and "$" not in value
        )
        locations.append(
            f"    location = {path} {{\n      alias {directory / 'public' / name};\n"
            f'      default_type "{kind}";\n{added}    }}\n'
        )
    conf = directory / "nginx.conf"
    conf.write_text(
        f"worker_processes {os.cpu_count() or 1};\npid {directory / 'nginx.pid'};\n"
        f"error_log {directory / 'nginx-error.log'} warn;\n"
        "events { worker_connections 4096; }\n"
        "http {\n  types { }\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n"
        "  keepalive_requests 10000000;\n  server_tokens off;\n  open_file_cache max=16 inactive=60s;\n"
        + "".join(f"  {kind}_temp_path {directory / ('nginx-' + kind)};\n" for kind in TEMP_PATHS)
        + f"  server {{\n    listen 127.0.0.1:{port};\n"
        + "".join(locations)
        + "  }\n}\n",
        encoding="utf-8",
    )
    return conf
