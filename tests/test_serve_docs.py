"""The examples of docs/serving.md and docs/linked-data.md, run against a real server.

The server is started with the options of the ``diplograph serve`` line in each document's
``bash`` blocks (the same in both). Each ``console`` block is a list of ``$ command`` lines, each followed
by what it prints: every command is run with bash (``diplograph`` being this checkout's), and
its output must be what the document shows, where a line ending in ``…`` matches any line
that starts so and a line ``…`` alone stands for any number of lines. ``python`` blocks are
run as they are. The document's address, http://127.0.0.1:7879, is replaced by the server's.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from web_support import ENV, Served, diplograph_server, reasoned_store

DOCS = [Path(__file__).resolve().parents[1] / "docs" / name for name in ("serving.md", "linked-data.md")]
DOC_URL = "http://127.0.0.1:7879"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(kind: str, doc: Path | None = None) -> list[str]:
    return [body for path in ([doc] if doc else DOCS)
            for lang, body in BLOCK.findall(path.read_text(encoding="utf-8")) if lang == kind]


def serve_options() -> list[str]:
    found = []
    for doc in DOCS:
        commands = [line.split("#")[0].strip() for body in blocks("bash", doc) for line in body.splitlines()]
        first = next((c for c in commands if c.startswith("diplograph serve")), None)
        if first is not None:
            found.append(shlex.split(first)[2:])
    assert len(found) == len(DOCS) and all(f == found[0] for f in found), f"serve options differ: {found}"
    return found[0]


def examples() -> list[tuple[str, list[str]]]:
    found = []
    for body in blocks("console"):
        for chunk in re.split(r"^\$ ", body, flags=re.MULTILINE)[1:]:
            command, *output = chunk.rstrip("\n").split("\n")
            found.append((command, output))
    return found


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` is what ``expected`` shows (``…`` lines and line ends as above)."""
    def line_matches(want: str, got: str) -> bool:
        return got.startswith(want[:-1]) if want.endswith("…") else got == want

    def match(e: int, a: int) -> bool:
        if e == len(expected):
            return a == len(actual)
        if expected[e] == "…":
            return any(match(e + 1, start) for start in range(a, len(actual) + 1))
        return a < len(actual) and line_matches(expected[e], actual[a]) and match(e + 1, a + 1)

    return match(0, 0)


@pytest.fixture(scope="module")
def server(tmp_path_factory, shipped) -> Served:
    store = reasoned_store(tmp_path_factory, shipped)
    with diplograph_server(store, tmp_path_factory.mktemp("docs-serve"), *serve_options()) as served:
        yield served


def test_the_documents_have_examples():
    for doc in DOCS:
        assert len(blocks("console", doc)) >= 3, doc


@pytest.mark.parametrize("command,expected", examples(), ids=[c[:60] for c, _ in examples()])
def test_console_example(server: Served, command: str, expected: list[str]):
    url = server.url.rstrip("/")
    bin_dir = str(Path(sys.executable).parent)
    result = subprocess.run(["bash", "-c", command.replace(DOC_URL, url)], check=False, capture_output=True,
                            text=True, timeout=120, env={**ENV, "PATH": bin_dir + ":" + ENV.get("PATH", "")})
    actual = [line.rstrip("\r") for line in result.stdout.rstrip("\n").split("\n")]
    wanted = [line.replace(DOC_URL, url) for line in expected]
    assert matches(wanted, actual), (f"$ {command}\nexpected:\n" + "\n".join(wanted) + "\ngot:\n"
                                     + "\n".join(actual) + f"\nstderr:\n{result.stderr}")


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_python_example(server: Served, index: int):
    code = blocks("python")[index].replace(DOC_URL, server.url.rstrip("/"))
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120,
                            env=ENV)
    assert result.returncode == 0, result.stderr


def test_matches():
    assert matches(["a", "…", "c"], ["a", "b", "b", "c"])
    assert matches(["a…", "b"], ["abc", "b"])
    assert not matches(["a", "c"], ["a", "b", "c"])
    assert not matches(["a"], ["a", "b"])
    assert matches(["…", "b", "…"], ["a", "b", "c"])
