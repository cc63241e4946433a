"""Fixtures of the core test suite (ontology, shapes, loader, store, queries, CLI).

Loading the shipped records costs a few seconds (most of it the ``countrycode``
look-ups of the registry, cached per process), so one session-wide load is
shared: ``loaded`` opens it read-only, ``shipped_store_copy`` hands a private
copy of it to tests that open the store themselves (the CLI).

Tests that need malformed records write them with ``synthetic``: a ``records/``
directory in ``tmp_path`` with a COPY of the shipped registry
(``records/entities``) beside the episode files the test writes.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
from rdflib import Graph

from diplograph.api import Diplograph
from diplograph.loader import LoadResult, load, record_files
from diplograph.store import EmbeddedStore

REPO = Path(__file__).resolve().parents[1]


def pytest_configure(config: pytest.Config) -> None:
    # rdflib's own parsers and serialisers use its deprecated Dataset API: not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore::DeprecationWarning:rdflib")


# ---------------------------------------------------------------------------
# Paths and fresh stores
# ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def records_dir() -> Path:
    """The shipped records/ directory of the repository (never written to)."""
    return REPO / "records"


@pytest.fixture(scope="session")
def ontology_file() -> Path:
    """The committed ontology (not a packaged copy)."""
    return REPO / "ontology" / "diplograph.ttl"


@pytest.fixture(scope="session")
def shapes_file() -> Path:
    return REPO / "ontology" / "shapes.ttl"


@pytest.fixture(scope="session")
def ontology(ontology_file: Path) -> Graph:
    """The ontology, parsed once (tests must not change it)."""
    return Graph().parse(ontology_file, format="turtle")


@pytest.fixture(scope="session")
def shapes(shapes_file: Path) -> Graph:
    """The SHACL shapes, parsed once (tests must not change it)."""
    return Graph().parse(shapes_file, format="turtle")


def _close(store: EmbeddedStore) -> None:
    if hasattr(store, "_store"):  # a test may have closed it already
        store.close()


@pytest.fixture
def store(tmp_path: Path):
    """A fresh, empty embedded store in tmp_path."""
    s = EmbeddedStore(tmp_path / "store")
    yield s
    _close(s)


@pytest.fixture
def generated(tmp_path: Path) -> Callable[..., EmbeddedStore]:
    """A function giving a store in memory loaded with acts that bench/generate.py writes
    (solidarity waves among allies, same-day acts, escalations, noise) for a seed."""

    def make(acts: int, *, seed: int) -> EmbeddedStore:
        from bench.generate import generate  # bench/ is a directory of the checkout

        dataset = generate(tmp_path / f"generated-{acts}-{seed}", acts, seed=seed)
        loaded = EmbeddedStore(None)
        assert load(loaded, [dataset.records]).ok
        return loaded

    return make


@pytest.fixture
def graph(store: EmbeddedStore) -> Diplograph:
    """The Python API over the fresh ``store``."""
    return Diplograph(store)


@pytest.fixture
def snapshot() -> Callable[[EmbeddedStore], list[str]]:
    """A function giving every quad of a store (all graphs) as sorted N-Quads lines."""

    def take(s: EmbeddedStore) -> list[str]:
        return sorted(str(quad) for quad in s.engine)

    return take


# ---------------------------------------------------------------------------
# The shipped records, loaded once per session
# ---------------------------------------------------------------------------

@dataclass
class ShippedLoad:
    """The session's load of records/.

    ``first`` is the result of loading the whole directory. If some shipped files do
    not validate (curators are editing them), they are left out, one round at a
    time, so that tests of queries and exports still run on everything else; the
    failure itself is reported by ``test_shipped_record_validates``.
    """

    path: Path
    first: LoadResult
    final: LoadResult
    excluded: list[Path] = field(default_factory=list)


@pytest.fixture(scope="session")
def shipped(tmp_path_factory: pytest.TempPathFactory, records_dir: Path) -> ShippedLoad:
    path = tmp_path_factory.mktemp("shipped") / "store"
    s = EmbeddedStore(path)
    try:
        files = record_files([records_dir])
        first = result = load(s, files)
        excluded: list[Path] = []
        while not result.ok:
            bad = {Path(m.file).resolve() for m in result.report.errors}
            drop = [f for f in files if f.resolve() in bad and f.parent.name != "entities"]
            if not drop:
                break
            excluded += drop
            files = [f for f in files if f not in drop]
            result = load(s, files)
    finally:
        s.close()
    return ShippedLoad(path=path, first=first, final=result, excluded=excluded)


@dataclass
class DryRun:
    result: LoadResult
    quads_after: list[str]


@pytest.fixture(scope="session")
def shipped_dry_run(tmp_path_factory: pytest.TempPathFactory, records_dir: Path) -> DryRun:
    """``load --dry-run`` of records/ into a fresh store, and what the store held afterwards."""
    s = EmbeddedStore(tmp_path_factory.mktemp("dry-run") / "store")
    try:
        result = load(s, [records_dir], dry_run=True)
        quads = sorted(str(quad) for quad in s.engine)
    finally:
        s.close()
    return DryRun(result=result, quads_after=quads)


@pytest.fixture
def shipped_on_disk(shipped: ShippedLoad, tmp_path: Path) -> Callable[[str], EmbeddedStore]:
    """A function giving a private store on disk, by name, holding every shipped record, not
    yet reasoned."""
    def opened(name: str) -> EmbeddedStore:
        shutil.copytree(shipped.path, tmp_path / name)
        return EmbeddedStore(tmp_path / name)
    return opened


@pytest.fixture(scope="session")
def loaded(shipped: ShippedLoad):
    """A store holding the shipped records (read-only: tests must not change it)."""
    if not shipped.final.ok:
        pytest.fail("the shipped records could not be loaded at all:\n" + str(shipped.final.report))
    s = EmbeddedStore(shipped.path, read_only=True)
    yield s
    _close(s)


@pytest.fixture(scope="session")
def loaded_graph(loaded: EmbeddedStore) -> Diplograph:
    """The Python API over ``loaded``."""
    return Diplograph(loaded)


@pytest.fixture(scope="module")
def shipped_store_copy(shipped: ShippedLoad, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy (a directory) of the loaded shipped store, for code that opens the store itself."""
    if not shipped.final.ok:
        pytest.fail("the shipped records could not be loaded at all:\n" + str(shipped.final.report))
    target = tmp_path_factory.mktemp("shipped-copy") / "store"
    shutil.copytree(shipped.path, target)
    return target


# ---------------------------------------------------------------------------
# Synthetic records
# ---------------------------------------------------------------------------

_EPISODE = """\
episode:
  id: {episode_id}
  title: A synthetic test episode
  summary: Two states expel each other's diplomats, in the curator's words.

sources:
  - id: s1
    url: https://example.org/{episode_id}/report-1
    publisher: Example News
    date: 2021-04-17

acts:
{acts}"""

_CITATION = """\
    sources:
      - source: s1
        summary: Example News reports this act, here in the curator's own words.
"""


def _yaml_value(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


class SyntheticRecords:
    """A records/ directory in tmp_path: a copy of the shipped registry plus test episodes.

    ``act()`` and ``episode_text()`` build YAML text; ``line_of()`` finds the line a
    test expects a message at, from that text, so no line number is hard-coded.
    """

    def __init__(self, root: Path, entities: Path):
        self.dir = root / "records"
        self.dir.mkdir(parents=True)
        shutil.copytree(entities, self.dir / "entities")

    @staticmethod
    def act(act_id: str, *, type: str = "staff-expulsion", actor: str = "CZ", target: str = "RU",  # noqa: A002
            announced: str = "2021-04-17", sources: str | None = "cite", extra: str = "",
            **fields: object) -> str:
        """One act as YAML (a list item under ``acts:``). ``fields`` become further
        ``key: value`` lines and ``extra`` (raw YAML lines) is added after them, indented
        as fields of the act; ``sources=None`` leaves the act without sources, any other
        string than "cite" is written as the ``sources:`` value."""
        lines = [f"  - id: {act_id}", f"    type: {type}", f"    actor: {actor}", f"    target: {target}",
                 f"    announced: {announced}"]
        lines += [f"    {key}: {_yaml_value(value)}" for key, value in fields.items()]
        lines += ["    " + line for line in textwrap.dedent(extra).splitlines() if line.strip()]
        text = "\n".join(lines) + "\n"
        if sources == "cite":
            text += _CITATION
        elif sources is not None:
            text += f"    sources: {sources}\n"
        return text

    def episode_text(self, *acts: str, episode_id: str = "test-episode") -> str:
        if not acts:
            acts = (self.act("cz-expels-ru-test", persons=18),
                    self.act("ru-expels-cz-test", actor="RU", target="CZ", announced="2021-04-18", persons=20,
                             in_response_to=["cz-expels-ru-test"]))
        return _EPISODE.format(episode_id=episode_id, acts="".join(acts))

    def write(self, name: str, text: str) -> Path:
        path = self.dir / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    def episode(self, *acts: str, name: str = "test-episode", episode_id: str | None = None) -> Path:
        """Write an episode file ``name``.yaml with these acts (default: two valid acts)."""
        return self.write(name, self.episode_text(*acts, episode_id=episode_id or name))

    @staticmethod
    def line_of(text_or_path: str | Path, needle: str, occurrence: int = 1) -> int:
        """The 1-based number of the ``occurrence``-th line that contains ``needle``."""
        text = text_or_path.read_text(encoding="utf-8") if isinstance(text_or_path, Path) else text_or_path
        seen = 0
        for number, line in enumerate(text.splitlines(), start=1):
            if needle in line:
                seen += 1
                if seen == occurrence:
                    return number
        raise AssertionError(f"{needle!r} (occurrence {occurrence}) is not in the text")

    @staticmethod
    def display(path: Path) -> str:
        """How the loader names a file in its messages (relative to the working directory)."""
        return os.path.relpath(path.resolve(), Path.cwd())


@pytest.fixture
def synthetic(tmp_path: Path, records_dir: Path) -> SyntheticRecords:
    return SyntheticRecords(tmp_path, records_dir / "entities")
