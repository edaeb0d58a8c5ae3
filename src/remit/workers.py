"""``remit serve --workers N``: N uvicorn processes, each accepting on a listening socket of its own.

The sockets share one port through ``SO_REUSEPORT``, so the kernel hands each new connection to one of them
(by a hash of the client's address and port) and every worker gets its share. With one shared socket (uvicorn's
own ``--workers``) whichever worker is awake accepts, and on a busy machine one worker ends up holding almost
every keep-alive connection (BENCHMARKS.md, "Workers"). The parent binds the N sockets, so a port in use is
one clear line before any worker starts, and keeps them open: a worker that dies is replaced on the same
socket, and the connections queued on it wait for the replacement instead of being refused.

Worker ``i`` finds ``REMIT_WORKER=i`` in its environment; the schedules (the expiry sweep and the scheduled
checkpoints) run in worker 0 alone, and everything else in every worker (docs/server.md, "Workers").

Supervision is uvicorn's own (``uvicorn.supervisors.Multiprocess``: health checks, a dead worker replaced, a
worker that fails at start-up stops the server, SIGINT / SIGTERM stop every worker cleanly); only the socket
each worker is handed differs.
"""

from __future__ import annotations

import logging
import os
import socket

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

log = logging.getLogger("uvicorn.error")
BACKLOG = 2048
WORKER = "REMIT_WORKER"  # each worker's index, 0 to N-1: the schedules run in worker 0 alone (app.py)


def listening_socket(host: str, port: int, *, shared: bool) -> socket.socket:
    """A listening TCP socket on ``host:port`` with ``TCP_NODELAY`` (inherited by every accepted connection: no
    Nagle delay on small answers) and, when ``shared``, ``SO_REUSEPORT`` (the kernel spreads connections over
    every socket bound so by this user)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def sockets_for(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket per worker on the same port (an ``OSError`` if the port is taken)."""
    made: list[socket.socket] = []
    try:
        for _ in range(workers):
            made.append(listening_socket(host, port, shared=workers > 1))
    except OSError:
        for sock in made:
            sock.close()
        raise
    return made


class Spread(Multiprocess):
    """uvicorn's supervisor, handing worker ``i`` the listening socket ``sockets[i]`` alone."""

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.processes_num = len(sockets)

    def _process(self, index: int) -> Process:
        process = Process(self.config, [self.sockets[index]])
        os.environ[WORKER] = str(index)  # the child's environment is this one, as it starts
        try:
            process.start()
        finally:
            os.environ.pop(WORKER, None)
        return process

    def init_processes(self) -> None:
        self.processes = [self._process(index) for index in range(self.processes_num)]

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for index, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung or gone
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # the app cannot start: it would fail the same way again
                log.error("worker %s failed to start; stopping the server", process.pid)
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            log.warning("worker %s died; starting another on its socket", process.pid)
            self.processes[index] = self._process(index)

    def restart_all(self) -> None:  # SIGHUP: each worker replaced in turn, its socket kept
        for index, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._process(index)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                return
            old.terminate()
            old.join()
            self.processes[index] = new

    def handle_ttin(self) -> None:  # the worker count is the number of sockets, fixed at start
        log.info("SIGTTIN ignored: restart with another --workers")

    def handle_ttou(self) -> None:
        log.info("SIGTTOU ignored: restart with another --workers")
