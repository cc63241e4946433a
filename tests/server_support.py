"""Real servers for the tests, started on 127.0.0.1 with a free port and stopped after:
the shared start/wait/stop steps and ``oxigraph serve`` (used by the backend, web and
panel tests)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_until_answering(url: str, process: subprocess.Popen, log: Path, seconds: float = 60,
                         headers: dict[str, str] | None = None) -> None:
    """Until ``url`` answers 200; the server's log in the error if it stops or never does."""
    probe = urllib.request.Request(url, headers=headers or {})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped (exit {process.returncode}):\n"
                               f"{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    stop(process)
    raise RuntimeError(f"{url} did not answer within {seconds} s:\n{log.read_text(errors='replace')[-3000:]}")


def oxigraph_command() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.fail("the 'oxigraph' command is missing: pip install -e '.[test]' (PyPI package oxigraph)")
    return found


@contextmanager
def oxigraph_server(directory: Path) -> Iterator[str]:
    """A real ``oxigraph serve`` on 127.0.0.1 (no authentication: loopback only); its base URL."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = directory / "oxigraph.log"
    with log.open("wb") as out:
        process = subprocess.Popen([oxigraph_command(), "serve", "--location", str(directory / "data"),
                                    "--bind", f"127.0.0.1:{port}"], stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(base + "/query?query=ASK%7B%7D", process, log, 30,
                             {"Accept": "application/sparql-results+json"})
        yield base
    finally:
        stop(process)
