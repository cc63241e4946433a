"""Records → checks → RDF with provenance → the store, in one transaction."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from .. import __version__
from .. import namespaces as ns
from ..collector import without_cyclic_collection
from ..namespaces import DG, Graphs
from ..store.base import GraphStore
from ..store.embedded import EmbeddedStore
from . import checks
from .pending import InMemory, Pending, Spooled
from .quads import EngineTerms, ntriples, quads
from .rdf import RecordGraphs, build
from .report import Message, Report
from .shapes import check_shapes
from .stored import Stored, acts_among
from .stored import stored as read_stored
from .workers import run_tasks
from .yamlfile import YamlDocument, YamlSyntaxError, parse

Progress = Callable[[str], None]


@dataclass
class LoadResult:
    report: Report
    files: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    acts: int = 0
    triples: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.report.ok


def _commit_update() -> str:
    return importlib_resources.files("diplograph").joinpath("sparql/commit_load.ru").read_text(encoding="utf-8")


def record_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, directories searched recursively, in a stable order."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such record file or directory: {path}")
    unique: list[Path] = []
    seen: set[Path] = set()
    for path in found:
        resolved = path.resolve()
        if resolved not in seen:
            seen.add(resolved)
            unique.append(path)
    return unique


def _records_root(path: Path) -> Path:
    """The directory record IRIs are relative to: the nearest ``records`` ancestor."""
    for parent in path.resolve().parents:
        if parent.name == "records":
            return parent
    parent = path.resolve().parent
    return parent.parent if parent.name == "entities" else parent


def _relative(path: Path) -> str:
    return path.resolve().relative_to(_records_root(path)).as_posix()


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path.resolve(), Path.cwd())
    except ValueError:
        return str(path)


# ---------------------------------------------------------------------------
# What the store already holds
# ---------------------------------------------------------------------------

def _shape_context(stored: Stored, parts: list[RecordGraphs], catalogue: checks.Catalogue | None = None) -> Graph:
    """Types of what the store holds that the files checked name, so that shapes see references
    resolve: the states and organisations, and the stored acts they name without typing them.
    ``catalogue``: a load checked batch by batch, whose other batches' states, organisations and
    acts stand beside the store's (typed as the store's are)."""
    context = Graph()
    for code, agent in stored.agents.items():
        context.add((agent, RDF.type, stored.agent_types[code]))
    typed = {s for part in parts for s, p, _ in part.asserted if p == RDF.type}
    named = {term for part in parts for s, _, o in part.asserted for term in (s, o)
             if isinstance(term, URIRef) and term not in typed}
    for act in stored.acts_among(named):
        context.add((act, RDF.type, DG.DiplomaticAct))
    if catalogue is not None:
        for codes, mint, kind in ((catalogue.states, ns.state, DG.State),
                                  (catalogue.organisations, ns.organisation, DG.InternationalOrganisation)):
            for code in codes:
                if mint(code) in named:
                    context.add((mint(code), RDF.type, kind))
        for act in acts_among(named, catalogue.acts):
            context.add((act, RDF.type, DG.DiplomaticAct))
    return context


# ---------------------------------------------------------------------------

def load(store: GraphStore, paths: Iterable[Path | str], *, dry_run: bool = False, force: bool = False,
         progress: Progress | None = None) -> LoadResult:
    """Check the record files at ``paths`` and, if every check passes, write them.

    Either every changed record lands or the store is left as it was. Unchanged
    files (same content, same software version) are not written again unless ``force``.
    """
    with without_cyclic_collection():
        return _load(store, paths, dry_run=dry_run, force=force, progress=progress)


def _load(store: GraphStore, paths: Iterable[Path | str], *, dry_run: bool, force: bool,
          progress: Progress | None) -> LoadResult:
    say = progress or (lambda _: None)
    report = Report()
    files = record_files(Path(p) for p in paths)
    result = LoadResult(report=report, files=[_display(f) for f in files], dry_run=dry_run)
    batches = _batches(files)
    several = len(batches) > 1
    stored = read_stored(store, {_relative(f) for f in files})
    catalogue = checks.Catalogue(stored=stored.ids, stored_act_dates=stored.act_dates, stored_agents=set(stored.agents))

    # First every file's ids, so that a reference to any file of the load resolves; a load of
    # several batches keeps of each only what the others are checked against, and parses it
    # again when its turn comes to be checked and built.
    kept: list[list[tuple[YamlDocument, str]]] = []
    digests: dict[str, str] = {}
    for index, batch in enumerate(batches):
        say(f"parsing {len(batch)} record files and checking their structure"
            + (f" (batch {index + 1} of {len(batches)}, ids only)" if several else ""))
        docs = _parse_batch(batch, report)
        checks.register(catalogue, (doc for doc, _ in docs), report)
        if several:
            digests.update((relative, doc.sha256) for doc, relative in docs)
            catalogue.settle()
            del docs  # before the next batch is parsed: two batches held at once double the peak
        else:
            kept.append(docs)
    agents = _agents(stored, catalogue)

    triples_built = triples_changed = 0
    with (Spooled(_spool_directory(store)) if several else InMemory()) as pending:
        for index, batch in enumerate(batches):
            if several:
                say(f"batch {index + 1} of {len(batches)}: parsing {len(batch)} record files again")
                docs = _parse_batch(batch, report, expected=digests)
            else:
                docs = kept[index]
            say("checking references" + (f" (batch {index + 1} of {len(batches)})" if several else ""))
            for doc, _ in docs:
                if not isinstance(doc.data, dict):
                    continue
                if checks.document_kind(doc) == "entities":
                    checks.check_entities(doc, catalogue, report)
                else:
                    checks.check_episode(doc, catalogue, report)
            if several:
                catalogue.settle()
            result.acts += sum(len(d.data.get("acts") or []) for d, _ in docs
                               if isinstance(d.data, dict) and checks.document_kind(d) == "episode")
            if not report.ok:
                continue  # the other batches are still checked, for every error at once
            say("building RDF")
            built = build(docs, agents)
            changed = [(d, rel) for d, rel in docs if force or not _unchanged(d, rel, stored)]
            changed_paths = {rel for _, rel in changed}
            parts = [built[rel] for _, rel in changed]
            say("checking SHACL shapes")
            # A file the store holds as it is was validated when it was loaded: its subjects are
            # not validated again, but it resolves the references of the others.
            check_shapes(parts, _shape_context(stored, parts, catalogue if several else None), report,
                         unchanged=[part for rel, part in built.items() if rel not in changed_paths],
                         fallback_file=result.files[0] if result.files else "")
            result.unchanged += [d.display for d, rel in docs if rel not in changed_paths]
            result.written += [d.display for d, _ in changed]
            # what the load asserts, and what it writes (a subject described in two files of a
            # batch counts once; in two batches, once in each)
            triples_built += len({t for part in built.values() for t in part.asserted})
            triples_changed += len({t for part in parts for t in part.asserted})
            if report.ok and not dry_run:
                pending.add(parts)
            del docs, built, parts  # before the next batch is parsed, as above
        if not report.ok:
            result.unchanged, result.written = [], []
            return result
        if dry_run or not pending.records:
            result.triples = triples_built
            return result
        result.triples = triples_changed
        say(f"writing {len(pending.records)} records")
        _write(store, pending)
    return result


#: record text of one batch: a load of more is checked and built batch by batch (about
#: 140,000 generated acts a batch), so that the memory it takes does not grow with it
BATCH_BYTES = 64_000_000


def _batches(files: list[Path]) -> list[list[Path]]:
    """The files in batches of up to BATCH_BYTES of text, in their order (a file is never split)."""
    batches: list[list[Path]] = [[]]
    size = 0
    for path in files:
        length = path.stat().st_size
        if batches[-1] and size + length > BATCH_BYTES:
            batches.append([])
            size = 0
        batches[-1].append(path)
        size += length
    return batches


def _parse_batch(files: list[Path], report: Report, *,
                 expected: dict[str, str] | None = None) -> list[tuple[YamlDocument, str]]:
    """The files of a batch parsed and their structure checked (in worker processes when it
    pays), their messages in ``report`` (which keeps one of each: a second parse adds none);
    the files that do not parse are left out. ``expected``: the digests of a first parse, which
    a file changed since contradicts."""
    # Worker processes only for a batch worth their start (a few tenths of a second)
    worthwhile = sum(path.stat().st_size for path in files) >= _BYTES_WORTH_WORKERS
    # a second parse checks no structure: the file is what it was at the first (its digest says)
    structure = expected is None
    parsed = run_tasks(lambda index: _parse_and_check_structure(files[index], structure=structure), len(files),
                       None if worthwhile else 1, batch=4)
    for doc, _, messages in parsed:
        if doc is None:  # a file that does not parse: its one error first, as it always was
            for message in messages:
                report.add(message.severity, message.file, message.line, message.subject, message.text)
    docs: list[tuple[YamlDocument, str]] = []
    for doc, relative, messages in parsed:
        if doc is None:
            continue
        docs.append((doc, relative))
        for message in messages:
            report.add(message.severity, message.file, message.line, message.subject, message.text)
        if expected is not None and expected.get(relative) != doc.sha256:
            report.error(doc.display, 1, "", "the file changed while it was being loaded: load it again")
    return docs


def _spool_directory(store: GraphStore) -> Path | None:
    """Where a load of several batches spools what it will write: the directory of an embedded
    store on disk (this process holds its lock), else the system's temporary directory."""
    if isinstance(store, EmbeddedStore) and store.location != ":memory:" and not store.read_only:
        return Path(store.location)
    return None


def _agents(stored: Stored, catalogue: checks.Catalogue) -> dict[str, URIRef]:
    """Every state and organisation the load can name: the store's and the load's own."""
    agents = dict(stored.agents)
    agents.update((code, ns.state(code)) for code in catalogue.states)
    agents.update((code, ns.organisation(code)) for code in catalogue.organisations)
    return agents


#: record text from which parsing and checking in worker processes pays (about 1,000 acts)
_BYTES_WORTH_WORKERS = 500_000


def _parse_and_check_structure(path: Path, *, structure: bool = True) -> tuple[YamlDocument | None, str, list[Message]]:
    """One record file parsed and (unless not ``structure``) checked against its JSON Schema
    (the two steps that need no other file), with the messages about it; run by the worker
    processes."""
    display = _display(path)
    report = Report()
    try:
        doc = parse(path, display)
    except YamlSyntaxError as exc:
        report.error(display, exc.line, "", exc.message)
        return None, "", report.messages
    except UnicodeDecodeError as exc:
        report.error(display, 1, "", f"not UTF-8 text: {exc}")
        return None, "", report.messages
    if structure:
        checks.check_structure(doc, report)
    doc.sha256  # noqa: B018 - the digest travels back with the document, made in the worker
    return doc, _relative(path), report.messages


def _unchanged(doc: YamlDocument, relative: str, stored: Stored) -> bool:
    previous = stored.records.get(relative)
    return previous is not None and previous == (doc.sha256, __version__)


_DROP_STAGING = (
    "DROP SILENT GRAPH <https://w3id.org/diplograph/graph/staging/ontology> ;"
    "DROP SILENT GRAPH <https://w3id.org/diplograph/graph/staging/asserted> ;"
    "DROP SILENT GRAPH <https://w3id.org/diplograph/graph/staging/provenance>"
)


def _write(store: GraphStore, pending: Pending) -> None:
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    run = ns.load_run(now.strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}")
    run_triples = [
        (run, RDF.type, DG.LoadRun),
        (run, RDFS.label, Literal(f"load of {now.isoformat()}", lang="en")),
        (run, PROV.endedAtTime, Literal(now.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)),
        (run, DG.softwareVersion, Literal(__version__)),
    ]
    run_triples.extend((record, PROV.wasGeneratedBy, run) for record in pending.records)
    terms = EngineTerms()
    ontology, asserted, provenance = (ox.NamedNode(str(g)) for g in (Graphs.ONTOLOGY, Graphs.ASSERTED, Graphs.PROVENANCE))

    def every_quad() -> Iterator[ox.Quad]:
        for triple in ox.parse(_ntriples_of_ontology(), format=ox.RdfFormat.N_TRIPLES):
            yield ox.Quad(triple.subject, triple.predicate, triple.object, ontology)
        yield from pending.asserted_quads(asserted)
        yield from pending.provenance_quads(provenance)
        yield from quads(run_triples, provenance, terms)

    # An empty store has nothing to replace: the whole load goes in by the store's bulk
    # path (the quads made as they are written: millions of them held at once would
    # cost gigabytes), without the copy from staging graphs.
    if _holds_nothing_loaded(store) and store.add_quads_in_bulk(every_quad()):
        return
    run_nt = ntriples(run_triples, terms)
    if pending.in_memory and _holds_nothing_loaded(store) and store.add_to_graphs_at_once(
            {Graphs.ONTOLOGY: _ntriples_of_ontology(), Graphs.ASSERTED: b"".join(pending.asserted_ntriples()),
             Graphs.PROVENANCE: b"".join(pending.provenance_ntriples()) + run_nt}):
        return
    store.update(_DROP_STAGING)
    try:
        store.add_to_graph(Graphs.STAGING_ONTOLOGY, _ntriples_of_ontology())
        for piece in pending.asserted_ntriples():
            store.add_to_graph(Graphs.STAGING_ASSERTED, piece)
        for piece in pending.provenance_ntriples():
            store.add_to_graph(Graphs.STAGING_PROVENANCE, piece)
        store.add_to_graph(Graphs.STAGING_PROVENANCE, run_nt)
        store.update(_commit_update())
    except BaseException:
        # The graphs in use are untouched until the commit update, which is one
        # transaction; what a failure leaves is the staging graphs (a remote store
        # takes several requests to fill them): drop them, if the store still answers.
        try:
            store.update(_DROP_STAGING)
        except Exception:  # noqa: BLE001 - the first error is the one to report
            pass
        raise
    # Dropped after the commit, in a transaction of their own: inside the commit the
    # engine would read back every quad it has just copied (several times slower).
    # Should this fail, the next load drops them before it stages anything.
    store.update(_DROP_STAGING)


_HOLDS_ANYTHING_LOADED = """
ASK { GRAPH ?g { ?s ?p ?o } VALUES ?g {
  <https://w3id.org/diplograph/graph/ontology>
  <https://w3id.org/diplograph/graph/asserted>
  <https://w3id.org/diplograph/graph/provenance>
} }"""


def _holds_nothing_loaded(store: GraphStore) -> bool:
    return not store.ask(_HOLDS_ANYTHING_LOADED)


def _ntriples_of_ontology() -> bytes:
    from ..vocabulary import ontology_graph

    return ontology_graph().serialize(format="nt", encoding="utf-8")

