"""A real Remit server in a subprocess (`remit serve`), for tests that need one: the browser, concurrent
clients, kill -9. ``LiveServer.start`` waits until /healthz answers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

REMIT = str(Path(sys.executable).with_name("remit"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    database: str
    demo: bool = True
    workers: int = 1
    port: int = field(default_factory=free_port)
    log: Path | None = None
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> LiveServer:  # the demo's seed takes a while on a busy machine
        command = [REMIT, "--database", self.database, "serve", "--port", str(self.port)]
        command += ["--workers", str(self.workers)] + (["--demo"] if self.demo else [])
        output = self.log.open("ab") if self.log else subprocess.DEVNULL
        env = {**os.environ, "REMIT_DATABASE_URL": self.database}
        cwd = self.log.parent if self.log else None  # where it keeps its signing key and checkpoints (.remit/)
        self.process = subprocess.Popen(command, stdout=output, stderr=output, env=env, cwd=cwd, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"remit serve exited with {self.process.returncode}; see {self.log}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"remit serve did not answer on {self.url} within {timeout}s")

    def kill(self) -> None:
        """kill -9 the whole server (and its workers): no clean shutdown."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()
