"""A real Virtuoso for the tests (Debian package virtuoso-opensource: ``virtuoso-t`` and
``isql-vt``), started with its own ini on 127.0.0.1 with free ports and stopped after; the
tests that need it are skipped where it is not installed (CI installs it)."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from server_support import free_port, stop, wait_until_answering

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0
Charset = UTF-8

[SPARQL]
; Virtuoso's default: answers longer than this are cut (and flagged by X-SPARQL-MaxRows)
ResultSetMaxRows = {max_rows}
; Debian's ini refuses a request whose estimated cost exceeds 400 s: kept, so that a rule
; Virtuoso's planner misjudges fails here as it would on a server installed as shipped
MaxQueryCostEstimationTime = 400
; Debian's ini stops a request after 60 s. The slowest rule takes 13 s here on a quiet
; machine (the tit-for-tat chains, 26 s with the test suite running beside it); the
; limit is raised so that a loaded CI machine does not fail the comparison
MaxQueryExecutionTime = 600
{more_sparql}"""

VIRTUOSO_MAX_ROWS = 10_000


@dataclass
class Virtuoso:
    url: str          # the anonymous endpoint, /sparql
    auth_url: str     # the Digest-authenticated endpoint, /sparql-auth (user dba, password dba)


@contextmanager
def virtuoso_server(directory: Path, **sparql: str) -> Iterator[Virtuoso]:
    """A real Virtuoso with its own ini on loopback, anonymous SPARQL update granted (tests only);
    ``sparql``: more settings of the ini's [SPARQL] section."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if not binary or not isql:
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource: virtuoso-t, isql-vt)")
    directory.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(d=directory, sql_port=sql_port, http_port=http_port,
                                       max_rows=VIRTUOSO_MAX_ROWS,
                                       more_sparql="".join(f"{k} = {v}\n" for k, v in sparql.items())),
                   encoding="utf-8")
    log = directory / "stdout.log"
    with log.open("wb") as out:
        process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=directory,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{http_port}"
        wait_until_answering(base + "/sparql?query=ASK%7B%7D", process, log, 60,
                             {"Accept": "application/sparql-results+json"})
        granted = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", 'exec=GRANT SPARQL_UPDATE TO "SPARQL";'],
                                 check=False, capture_output=True, text=True, timeout=60)
        if granted.returncode != 0:
            raise RuntimeError(f"could not grant SPARQL_UPDATE: {granted.stdout}{granted.stderr}")
        yield Virtuoso(base + "/sparql", base + "/sparql-auth")
    finally:
        stop(process)
