"""``remit serve --workers 2``: each worker has a listening socket of its own on the port (``SO_REUSEPORT``),
so connections are spread over both, and SIGTERM stops every process of the server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from remit.workers import sockets_for
from tests.live.server import LiveServer, free_port


def held_by(port: int) -> dict[str, int]:
    """Established connections to ``port``, per process holding them (``ss``)."""
    done = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    )
    counts: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", done.stdout):
        counts[pid] = counts.get(pid, 0) + 1
    return counts


def session_processes(leader: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == leader:
                found.append(int(entry.name))
    return found


def test_a_socket_per_worker_on_one_port_and_a_taken_port_is_refused() -> None:
    port = free_port()
    sockets = sockets_for("127.0.0.1", port, 2)
    try:
        assert [sock.getsockname()[1] for sock in sockets] == [port, port]
        assert all(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) for sock in sockets)
        with pytest.raises(OSError):
            sockets_for("127.0.0.1", port, 1)  # no SO_REUSEPORT: another server cannot join by mistake
    finally:
        for sock in sockets:
            sock.close()


@pytest.mark.skipif(not Path("/usr/bin/ss").exists() and not Path("/bin/ss").exists(), reason="needs ss")
def test_two_workers_both_hold_connections_and_sigterm_stops_them_all(tmp_path: Path) -> None:
    server = LiveServer(f"sqlite:///{tmp_path}/remit.db", demo=False, workers=2, log=tmp_path / "server.log")
    server.start(timeout=90)
    assert server.process is not None
    leader = server.process.pid
    clients = [httpx.Client(base_url=server.url, timeout=30) for _ in range(24)]
    try:
        for client in clients:  # 24 keep-alive connections, each open after its first answer
            assert client.get("/healthz").status_code == 200
        holders = held_by(server.port)
        assert len(holders) == 2, holders  # both workers accepted some (all on one: 2 * 2**-24)
        assert str(leader) not in holders  # the supervisor holds the sockets but accepts nothing
    finally:
        for client in clients:
            client.close()
        os.killpg(leader, 15)
        server.process.wait(30)
    assert server.process.returncode == 0
    deadline = time.monotonic() + 10  # multiprocessing's resource tracker leaves when it sees the parent gone
    while session_processes(leader) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert session_processes(leader) == []
