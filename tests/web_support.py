"""What the tests of ``diplograph serve`` share: a store holding the shipped records,
reasoned, built once per test session; a real server started in a subprocess on
127.0.0.1 with a free port; a real ``oxigraph serve``; small HTTP helpers.

Imported by tests/test_serve*.py, test_pages*.py, test_browser*.py and
test_linked_data*.py (pytest puts tests/ on sys.path).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from server_support import free_port, stop, wait_until_answering

from diplograph.namespaces import Graphs
from diplograph.reasoning import reason
from diplograph.store import EmbeddedStore
from diplograph.store.remote import RemoteStore

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "200"}


# ---------------------------------------------------------------------------
# The shipped records, loaded and reasoned once per session
# ---------------------------------------------------------------------------

def reasoned_store(tmp_path_factory: pytest.TempPathFactory, shipped) -> Path:
    """A store directory with the shipped records loaded and reasoned, built by the first
    test module that asks and reused by the others (never written to by a test: tests
    that change a store copy it first with :func:`copy_store`)."""
    if not shipped.final.ok:
        pytest.fail("the shipped records could not be loaded:\n" + str(shipped.final.report))
    root = tmp_path_factory.getbasetemp() / "web-reasoned"
    path, done = root / "store", root / "done"
    if not done.exists():
        if root.exists():
            shutil.rmtree(root)
        root.mkdir()
        shutil.copytree(shipped.path, path)
        store = EmbeddedStore(path)
        try:
            reason(store)
        finally:
            store.close()
        done.write_text("reasoned", encoding="utf-8")
    return path


def copy_store(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------

@dataclass
class Served:
    url: str                 # http://127.0.0.1:PORT/ (with the trailing slash)
    process: subprocess.Popen
    log: Path
    store: str

    @property
    def sparql(self) -> str:
        return self.url + "sparql"

    def children(self) -> set[int]:
        """The process ids of the server's query workers (its child processes)."""
        found = set()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid and fields[0] != "Z":
                found.add(int(entry.name))
        return found


def serve_command(store: str, port: int, *options: str) -> list[str]:
    return [sys.executable, "-m", "diplograph.cli", "serve", "--store", store, "--port", str(port),
            "--log-level", "warning", *options]


@contextmanager
def diplograph_server(store: str | Path, directory: Path, *options: str) -> Iterator[Served]:
    """``diplograph serve`` on 127.0.0.1 with a free port, in a subprocess."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = directory / f"serve-{port}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(serve_command(str(store), port, *options), stdout=out,
                                   stderr=subprocess.STDOUT, env=ENV, cwd=directory)
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_answering(url + "sparql?query=ASK%7B%7D", process, log)
        yield Served(url, process, log, str(store))
    finally:
        stop(process)


def copy_to_server(source: Path, url: str) -> None:
    """Every project graph of an embedded store into a SPARQL server (Graph Store Protocol)."""
    embedded = EmbeddedStore(source, read_only=True)
    remote = RemoteStore(url, timeout=120)
    try:
        for graph in Graphs.QUERY_DATASET:
            remote.add_to_graph(graph, embedded.dump([graph], "nt"))
    finally:
        embedded.close()


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------

@dataclass
class Reply:
    status: int
    headers: dict[str, str]   # lower-case names
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self):
        return json.loads(self.body)

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def http(url: str, *, method: str | None = None, data: bytes | None = None, headers: dict[str, str] | None = None,
         timeout: float = 60) -> Reply:
    """One request; an HTTP error status is a Reply too, not an exception."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as exc:
        return Reply(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


def get(url: str, params: dict[str, str] | list[tuple[str, str]] | None = None, **options) -> Reply:
    if params:
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode(params)
    return http(url, **options)


def post_form(url: str, params: dict[str, str] | list[tuple[str, str]], **options) -> Reply:
    headers = {"Content-Type": "application/x-www-form-urlencoded", **options.pop("headers", {})}
    return http(url, data=urllib.parse.urlencode(params).encode(), headers=headers, method="POST", **options)
