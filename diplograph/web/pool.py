"""Query workers: a few processes that each hold the store open read-only.

A task goes to an idle worker; if no answer comes within the time limit the worker is
killed (SIGKILL: the query stops there and then) and a fresh one is started in its
place. Requests wait for an idle worker for at most the time limit and
:data:`QUEUE_ALLOWANCE`, then get 503.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection

from .errors import KINDS, Busy, ServerError, TimeLimit

#: how long a new worker may take to import and open the store
STARTUP_SECONDS = 120
#: how much longer than the time limit a request waits for an idle worker: time for a
#: worker killed at the limit to be replaced (about 1 s, more on a busy machine)
QUEUE_ALLOWANCE = 15.0
#: the environment variable that tells a worker where the store is
WORKER_STORE = "DIPLOGRAPH_WORKER_STORE"


class WorkerStartError(RuntimeError):
    pass


@dataclass(eq=False)
class Worker:
    process: subprocess.Popen
    connection: Connection
    started: float

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - SIGKILL does not wait for anything
            pass
        self.connection.close()


def start_worker(location: str, timeout: float | None) -> Worker:
    ours, theirs = socket.socketpair()
    try:
        # the location goes by the environment, not the command line: a URL may hold a
        # password, and command lines are visible to every user of the machine
        process = subprocess.Popen(
            [sys.executable, "-m", "diplograph.web.worker", str(theirs.fileno()), str(timeout) if timeout else "none"],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, env={**os.environ, WORKER_STORE: location})
    finally:
        theirs.close()
    connection = Connection(ours.detach())
    worker = Worker(process, connection, time.monotonic())
    if not connection.poll(STARTUP_SECONDS):
        worker.kill()
        raise WorkerStartError(f"a query worker did not start within {STARTUP_SECONDS} s")
    try:
        message = connection.recv()
    except EOFError:
        worker.kill()
        raise WorkerStartError(f"a query worker stopped while starting (exit {process.poll()})") from None
    if message[0] != "ready":
        worker.kill()
        raise WorkerStartError(message[1])
    return worker


class WorkerPool:
    def __init__(self, location: str, *, size: int, timeout: float):
        self.location = location
        self.size = size
        self.timeout = timeout
        self._idle: asyncio.Queue[Worker] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._all: set[Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        self.replaced = 0

    @property
    def started(self) -> bool:
        return bool(self._all)

    def start(self) -> None:
        """Start every worker (blocking); raises WorkerStartError if the store cannot be opened."""
        if self.started:
            return
        workers = [start_worker(self.location, self.timeout)]  # the first one says if the store opens at all
        workers += [start_worker(self.location, self.timeout) for _ in range(self.size - 1)]
        self._all.update(workers)
        self._pending = workers

    async def open(self) -> None:
        """Hand the started workers to the event loop that serves requests."""
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        for worker in self._pending:
            self._idle.put_nowait(worker)

    async def run(self, operation: str, **arguments):
        assert self._idle is not None and self._loop is not None, "the pool is not open"
        wait = self.timeout + QUEUE_ALLOWANCE
        try:
            worker = await asyncio.wait_for(self._idle.get(), timeout=wait)
        except asyncio.TimeoutError:
            raise Busy(f"every query worker stayed busy for {wait:g} s; try again later") from None
        # the exchange runs in a thread that also gives the worker back, so a request
        # cancelled meanwhile cannot lose a worker
        future = self._loop.run_in_executor(None, self._exchange, worker, (operation, arguments))
        status, *payload = await asyncio.shield(future)
        if status == "ok":
            return payload[0]
        kind, message = payload
        raise KINDS.get(kind, ServerError)(message)

    def _exchange(self, worker: Worker, message) -> tuple:
        try:
            worker.connection.send(message)
            if worker.connection.poll(self.timeout):
                reply = worker.connection.recv()
                self._give_back(worker)
                return reply
            self._replace(worker)
            return ("error", TimeLimit.__name__,
                    (f"the query ran past the time limit of {self.timeout:g} s and was stopped "
                     "(diplograph serve --timeout sets the limit)"))
        except (EOFError, OSError) as exc:
            code = worker.process.poll()
            self._replace(worker)
            return ("error", ServerError.__name__,
                    (f"the query worker stopped unexpectedly (exit {code}: {exc or 'no answer'}); "
                     "a new one has been started"))

    def _give_back(self, worker: Worker) -> None:
        self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)

    def _replace(self, worker: Worker) -> None:
        """Kill ``worker`` now; start its successor in the background."""
        worker.kill()
        with self._lock:
            self._all.discard(worker)
            self.replaced += 1
        if not self._closed:
            threading.Thread(target=self._start_successor, name="diplograph-worker-start", daemon=True).start()

    def _start_successor(self) -> None:
        while not self._closed:
            try:
                fresh = start_worker(self.location, self.timeout)
                break
            except WorkerStartError as exc:  # the store went away: keep trying, say so
                print(f"[ERROR] could not restart a query worker: {exc}", file=sys.stderr)
                time.sleep(5)
        else:
            return
        with self._lock:
            if self._closed:  # closed while it was starting
                fresh.kill()
                return
            self._all.add(fresh)
        self._give_back(fresh)

    def close(self) -> None:
        self._closed = True
        with self._lock:
            workers = list(self._all)
            self._all.clear()
        for worker in workers:
            worker.kill()
