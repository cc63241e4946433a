"""The measured phases of a benchmark run, each in a process of its own.

``python -m bench.phases PHASE CONFIG`` runs one phase on the size described by the JSON
file CONFIG and writes what it measured to ``<dir>/phases/<PHASE>.json``, rewritten after
every step so that a phase stopped at its time limit still says how far it got. The
parent (``bench.runner``) reads the process's peak memory from the operating system.

Every figure is measured around a call of the project's own code (the loader, the
reasoner, the stored queries, the export), on a store on disk as a user has it.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import pyoxigraph as ox
import yaml

from diplograph import queries as named_queries
from diplograph.loader import load
from diplograph.namespaces import Graphs
from diplograph.reasoning import owl_entailment, owl_rules, reason, temporal_rules
from diplograph.reasoning.working_copy import working_copy
from diplograph.store import EmbeddedStore

from . import accuracy, floor
from .generate import digest, generate


class Recorder:
    """What a phase measured so far, on disk after every step."""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict = {"complete": False}
        path.parent.mkdir(parents=True, exist_ok=True)
        self.flush()

    def set(self, **values) -> None:
        self.data.update(values)
        self.flush()

    def flush(self) -> None:
        partial = self.path.with_suffix(".json.tmp")
        partial.write_text(json.dumps(self.data, indent=1, default=str), encoding="utf-8")
        os.replace(partial, self.path)


def _seconds(start: float) -> float:
    return round(time.perf_counter() - start, 4)


def _store(config: dict, *, fresh: bool = False) -> EmbeddedStore:
    path = Path(config["dir"]) / "store"
    if fresh and path.exists():
        shutil.rmtree(path)
    return EmbeddedStore(path)


def _truth(config: dict) -> dict:
    return json.loads((Path(config["dir"]) / "truth.json").read_text(encoding="utf-8"))


class RuleClock:
    """Times each rule the reasoner runs (its ``on_rule`` callback fires after each one)."""

    def __init__(self, recorder: Recorder, key: str):
        self.recorder = recorder
        self.key = key
        self.last = time.perf_counter()
        self.steps: list[dict] = []
        self.stages: dict[str, float] = {}
        self.current = "rules"
        # wall-clock time of the last rule's end, so that a phase stopped at its time limit
        # tells how long the rule it was running had run
        recorder.set(**{f"{key}_started_at": time.time()})

    def stage(self, name: str) -> None:
        """A stage of a run in a working copy begins: the time since the last event was the
        stage before (the copy into memory, the rules, the counts and checks after them)."""
        now = time.perf_counter()
        if self.current != "rules":
            self.stages[self.current] = round(self.stages.get(self.current, 0.0) + now - self.last, 4)
        self.current, self.last = name, now
        self.recorder.set(**{f"{self.key}_stages": self.stages})

    def __call__(self, rule, round_number: int) -> None:
        now = time.perf_counter()
        # a native step is of the set of the files it stands for
        kind = "owl" if (rule.stands_for or (rule,))[0].path.parent.name == "owl" else "temporal"
        self.steps.append({"rule": rule.name, "set": kind,
                           "round": round_number, "seconds": round(now - self.last, 4), "ended_at": time.time()})
        self.last = now
        self.recorder.set(**{self.key: self.steps})


def per_rule(steps: list[dict]) -> dict[str, dict]:
    """Seconds per rule, summed over its runs, and per round."""
    rules: dict[str, dict] = {}
    for step in steps:
        entry = rules.setdefault(step["rule"], {"set": step["set"], "seconds": 0.0, "runs": 0, "by_round": {}})
        entry["seconds"] = round(entry["seconds"] + step["seconds"], 4)
        entry["runs"] += 1
        by_round = entry["by_round"]
        by_round[str(step["round"])] = round(by_round.get(str(step["round"]), 0.0) + step["seconds"], 4)
    return rules


def _rule_order() -> list[str]:
    """The order of full reasoning (OWL passes, the temporal rules once, OWL passes again)."""
    owl = [r.name for r in owl_rules()]
    return owl + [r.name for r in temporal_rules()] + owl


# ---------------------------------------------------------------------------


def phase_generate(config: dict, rec: Recorder) -> None:
    directory = Path(config["dir"])
    manifest = directory / "manifest.json"
    wanted = {"acts": config["acts"], "seed": config["seed"], "layout": config["layout"],
              "generator": config["generator_version"], "source_commit": config.get("source_commit")}
    if manifest.exists() and (directory / "truth.json").exists():
        known = json.loads(manifest.read_text(encoding="utf-8"))
        if {k: known.get(k) for k in wanted} == wanted and digest(directory / "records") == known.get("digest"):
            rec.set(reused=True, seconds=known.get("seconds"), digest=known["digest"], counts=known.get("counts"))
            return
    start = time.perf_counter()
    dataset = generate(directory, config["acts"], seed=config["seed"], layout=config["layout"])
    seconds = _seconds(start)
    record_digest = digest(dataset.records)
    manifest.write_text(json.dumps({**wanted, "digest": record_digest, "seconds": seconds,
                                    "counts": dataset.truth["counts"]}), encoding="utf-8")
    rec.set(reused=False, seconds=seconds, digest=record_digest, counts=dataset.truth["counts"],
            truth_links={"retaliation": len(dataset.truth["retaliation"]), "solidarity": len(dataset.truth["solidarity"])})


def phase_load(config: dict, rec: Recorder) -> None:
    store = _store(config, fresh=True)
    marks: list[tuple[float, str]] = []
    start = time.perf_counter()

    def progress(message: str) -> None:
        marks.append((time.perf_counter() - start, message))
        rec.set(steps=_steps(marks, None))

    result = load(store, [Path(config["dir"]) / "records"], progress=progress)
    seconds = _seconds(start)
    rec.set(seconds=seconds, steps=_steps(marks, seconds), ok=result.ok, acts=result.acts,
            files=len(result.files), asserted_triples=store.count(Graphs.ASSERTED),
            provenance_triples=store.count(Graphs.PROVENANCE),
            warnings=len(result.report.warnings), errors=[str(m) for m in result.report.errors[:20]])
    store.close()
    if not result.ok:
        raise SystemExit("the generated records did not load: " + "; ".join(rec.data["errors"][:5]))


def _steps(marks: list[tuple[float, str]], end: float | None) -> list[dict]:
    """The loader's progress messages as timed steps (each lasts until the next message)."""
    steps = [{"step": "finding the record files", "seconds": round(marks[0][0], 4)}] if marks else []
    for index, (at, message) in enumerate(marks):
        until = marks[index + 1][0] if index + 1 < len(marks) else end
        steps.append({"step": message, "seconds": round(until - at, 4) if until is not None else None})
    return steps


def phase_owl(config: dict, rec: Recorder) -> None:
    """OWL 2 RL entailment alone, to its fixpoint, from the asserted graph: what owlrl computes."""
    store = _store(config)
    store.update("DROP SILENT GRAPH <https://w3id.org/diplograph/graph/inferred>")
    clock = RuleClock(rec, "steps")
    start = time.perf_counter()
    # as 'reason' runs it: in a working copy in memory when the store fits, written back
    with working_copy(store, on_stage=clock.stage) as work:
        rounds = owl_entailment(work, on_rule=clock)
    clock.stage("end")
    seconds = _seconds(start)
    rec.set(seconds=seconds, rounds=rounds, inferred_triples=store.count(Graphs.INFERRED), rules=per_rule(clock.steps))
    if config.get("reference"):
        dumps = Path(config["dir"]) / "dumps"
        dumps.mkdir(exist_ok=True)
        (dumps / "asserted.nt").write_bytes(store.dump([Graphs.ASSERTED], "nt"))
        (dumps / "owl-inferred.nt").write_bytes(store.dump([Graphs.INFERRED], "nt"))
    store.close()


def phase_owlrl(config: dict, rec: Recorder) -> None:
    """owlrl's closure on the same asserted graph, through diplograph.reasoning.reference."""
    from rdflib import Graph

    from diplograph.reasoning.reference import owlrl_inferred
    from diplograph.vocabulary import ontology_graph

    dumps = Path(config["dir"]) / "dumps"
    start = time.perf_counter()
    asserted = Graph().parse(dumps / "asserted.nt", format="nt")
    ontology = ontology_graph()
    rec.set(parse_seconds=_seconds(start), asserted_triples=len(asserted))
    start = time.perf_counter()
    entailed = owlrl_inferred(ontology, asserted)
    seconds = _seconds(start)
    rec.set(seconds=seconds, entailed_triples=len(entailed))
    ours = set(Graph().parse(dumps / "owl-inferred.nt", format="nt"))
    rec.set(agreement={"ours": len(ours), "owlrl": len(entailed), "only_ours": len(ours - entailed),
                       "only_owlrl": len(entailed - ours), "same": ours == entailed})


def phase_reason(config: dict, rec: Recorder) -> None:
    store = _store(config)
    rec.set(rule_order=_rule_order())
    clock = RuleClock(rec, "steps")
    start = time.perf_counter()
    result = reason(store, window=config["window"], on_rule=clock, on_stage=clock.stage)
    clock.stage("end")
    seconds = _seconds(start)
    rules_seconds = round(sum(step["seconds"] for step in clock.steps) + sum(clock.stages.values()), 4)
    rec.set(seconds=seconds, rounds=result.rounds, inferred_triples=result.inferred_triples,
            retaliations=result.retaliations, solidarity=result.solidarity, chains=result.chains,
            level_changes=result.level_changes, consistent=result.consistent,
            after_rules_seconds=round(seconds - rules_seconds, 4), rules=per_rule(clock.steps))
    rec.set(accuracy=accuracy.score(store.engine, _truth(config)))
    store.close()


_CANDIDATES = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?b ?a WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?b dg:ruleCandidateFor ?a } }"""


def phase_floor(config: dict, rec: Recorder) -> None:
    """The plain-Python join of the retaliation rule, and whether it agrees with the rule."""
    store = _store(config)
    start = time.perf_counter()
    acts = floor.extract(store.engine)
    rec.set(extract_seconds=_seconds(start), acts=len(acts))
    start = time.perf_counter()
    found = floor.retaliation_candidates(acts, config["window"])
    rec.set(join_seconds=_seconds(start), candidates=len(found))
    rule = {(row["b"].value, row["a"].value) for row in store.engine.query(_CANDIDATES)}
    rec.set(agreement={"rule": len(rule), "floor": len(found), "both": len(rule & found),
                       "only_rule": len(rule - found), "only_floor": len(found - rule),
                       "note": "the rule's candidates (dg:ruleCandidateFor) after the reason phase"})
    store.close()


def _parameters(query, busiest: dict) -> dict[str, str]:
    """Representative values for a stored query's required parameters."""
    values = {}
    for parameter in query.parameters:
        if not parameter.required:
            continue
        if parameter.type in ("agent", "state"):
            values[parameter.name] = {"a": busiest["dyad"][0], "b": busiest["dyad"][1]}.get(parameter.name, busiest["state"])
        elif parameter.type == "act":
            values[parameter.name] = busiest["act"]
        elif parameter.type == "episode":
            values[parameter.name] = busiest["solidarity_episode" if "solidarity" in query.name else "episode"]
        elif parameter.type == "date":
            values[parameter.name] = busiest["date"]
        elif parameter.type in ("integer", "decimal"):
            values[parameter.name] = "1"
        else:
            raise SystemExit(f"the benchmark has no representative value for '{parameter.name}' ({parameter.type}) "
                             f"of the query {query.name}: add one in bench/phases.py")
    return values


def query_scope(query) -> str:
    """``single`` for a query about one state, dyad, act or episode; ``whole`` for whole-graph aggregates."""
    narrow = any(p.required and p.type in ("agent", "state", "act", "episode") for p in query.parameters)
    return "single" if narrow else "whole"


#: a query whose first run takes longer is not run again (its first run is its figure)
SLOW_QUERY = 30.0


def phase_queries(config: dict, rec: Recorder) -> None:
    store = _store(config)
    busiest = _truth(config)["busiest"]
    results = {}
    for name, query in sorted(named_queries.library().items()):
        params = _parameters(query, busiest)
        start = time.perf_counter()
        rows = len(named_queries.run(store, name, params)[0])
        first = _seconds(start)
        times = [] if first <= SLOW_QUERY else [first]
        for _ in range(config["runs"] if first <= SLOW_QUERY else 0):
            start = time.perf_counter()
            named_queries.run(store, name, params)
            times.append(_seconds(start))
        results[name] = {"scope": query_scope(query), "parameters": params, "rows": rows, "first_seconds": first,
                         "median_seconds": round(statistics.median(times), 4), "runs": len(times),
                         "max_seconds": max(times)}
        if first > SLOW_QUERY:
            results[name]["note"] = f"run once: the first run took more than {SLOW_QUERY} s"
        rec.set(queries=results)
    store.close()


def phase_export(config: dict, rec: Recorder) -> None:
    """Each format written to a file as a user's export is (the file then deleted): N-Quads
    and TriG as the store is read, so the phase's memory is not the export's size."""
    from diplograph.export import write_export

    store = _store(config)
    results = {}
    try:
        for fmt in config["export_formats"]:
            target = Path(config["dir"]) / f"export.{fmt}"
            try:
                start = time.perf_counter()
                with open(target, "wb") as output:
                    written = write_export(store, fmt, output)
                results[fmt] = {"seconds": _seconds(start), "bytes": written}
            finally:
                target.unlink(missing_ok=True)
            rec.set(formats=results)
    finally:
        store.close()


_LINKED = """
PREFIX dg: <https://w3id.org/diplograph/ontology#>
SELECT ?act ?trigger WHERE { GRAPH <https://w3id.org/diplograph/graph/inferred> { ?act dg:retaliatesFor ?trigger } }"""


def phase_incremental(config: dict, rec: Recorder) -> None:
    """One more act in a record file, then what a user runs: load the changed file, and reason
    (which brings the last run up to date: reasoning/incremental.py). Then a full run of the same
    store, to check that the update gave what it gives, triple for triple."""
    from diplograph import namespaces as ns

    truth = _truth(config)
    extra = truth.get("incremental")
    if not extra:
        raise SystemExit("the dataset has no act set aside for the incremental addition")
    records = Path(config["dir"]) / "records"
    path = records / extra["file"]
    original = path.read_bytes()
    appended = original + yaml.safe_dump([extra["act"]], sort_keys=False, allow_unicode=True).encode("utf-8")
    store = _store(config)
    try:
        path.write_bytes(appended)
        start = time.perf_counter()
        loaded = load(store, [path])
        load_seconds = _seconds(start)
        if not loaded.ok:
            raise SystemExit("the added act did not load: " + "; ".join(str(m) for m in loaded.report.errors[:5]))
        rec.set(load_file_seconds=load_seconds, file_acts=loaded.acts)
        start = time.perf_counter()
        result = reason(store, window=config["window"])
        reason_seconds = _seconds(start)
        act = ox.NamedNode(str(ns.act(extra["act"]["id"])))
        triggers = [row["trigger"].value for row in store.engine.query(_LINKED, substitutions={ox.Variable("act"): act})]
        updated = _inferred_digest(store)
        rec.set(reason_seconds=reason_seconds, seconds=round(load_seconds + reason_seconds, 4),
                inferred_triples=result.inferred_triples, new_act_linked=bool(triggers),
                linked_to_expected=str(ns.act(extra["answers"])) in triggers,
                updated=result.incremental, region_acts=result.region_acts, full_because=result.full_because,
                method=("load of the changed file, then reason: the last run brought up to date"
                        if result.incremental else "load of the changed file, then reason (a full run)"))
        start = time.perf_counter()
        reason(store, window=config["window"], full=True)
        rec.set(full_run_seconds=_seconds(start), same_as_full_run=_inferred_digest(store) == updated)
        # the default path of a user: 'diplograph load' on the whole directory, unchanged files skipped
        path.write_bytes(original)
        load(store, [path])
        path.write_bytes(appended)
        start = time.perf_counter()
        loaded = load(store, [records])
        rec.set(load_directory_seconds=_seconds(start), directory_written=len(loaded.written))
    finally:
        path.write_bytes(original)
        store.close()


def _inferred_digest(store) -> tuple[int, int]:
    """The inferred graph's triples (the run's IRI left out) as a count and an order-free sum of
    their digests: equal for equal graphs, without holding millions of triples at once."""
    import hashlib

    from diplograph.namespaces import Graphs

    runs = {q.subject for q in store.engine.quads_for_pattern(
        None, ox.NamedNode("https://w3id.org/diplograph/ontology#isCurrentRun"), None, None)}
    total, count = 0, 0
    for quad in store.engine.quads_for_pattern(None, None, None, ox.NamedNode(str(Graphs.INFERRED))):
        obj = "RUN" if quad.object in runs else str(quad.object)
        line = f"{quad.subject} {quad.predicate} {obj}".encode("utf-8")
        total = (total + int.from_bytes(hashlib.blake2b(line, digest_size=16).digest(), "big")) % (1 << 128)
        count += 1
    return count, total


def _oxigraph_command() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise SystemExit("the 'oxigraph' command is missing: pip install -e '.[test]' (PyPI package oxigraph)")
    return found


def _free_port() -> int:
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def phase_remote(config: dict, rec: Recorder) -> None:
    """The same load and reasoning against a real ``oxigraph serve`` on 127.0.0.1."""
    import subprocess
    import urllib.request

    from diplograph.store.remote import RemoteStore

    directory = Path(config["dir"]) / "oxigraph"
    if directory.exists():
        shutil.rmtree(directory)
    directory.mkdir(parents=True)
    port = _free_port()
    with (directory / "server.log").open("wb") as log:
        server = subprocess.Popen([_oxigraph_command(), "serve", "--location", str(directory / "data"),
                                   "--bind", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"oxigraph serve did not start: see {directory / 'server.log'}") from None
                time.sleep(0.2)
        store = RemoteStore(url)
        start = time.perf_counter()
        loaded = load(store, [Path(config["dir"]) / "records"])
        rec.set(load_seconds=_seconds(start), ok=loaded.ok)
        clock = RuleClock(rec, "steps")
        start = time.perf_counter()
        result = reason(store, window=config["window"], on_rule=clock, in_memory=True)
        rec.set(seconds=_seconds(start), inferred_triples=result.inferred_triples, rounds=result.rounds,
                retaliations=result.retaliations, solidarity=result.solidarity, rules=per_rule(clock.steps),
                method="reason --in-memory: the server's graphs copied, the rules run here, the results "
                       "written back by one update")
        if config.get("remote_in_server", True):
            start = time.perf_counter()
            inside = reason(store, window=config["window"], in_memory=False)
            rec.set(in_server_seconds=_seconds(start),
                    in_server_same_counts=(inside.inferred_triples, inside.retaliations, inside.solidarity)
                    == (result.inferred_triples, result.retaliations, result.solidarity))
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


PHASES: dict[str, Callable[[dict, Recorder], None]] = {
    "generate": phase_generate,
    "load": phase_load,
    "owl": phase_owl,
    "owlrl": phase_owlrl,
    "reason": phase_reason,
    "floor": phase_floor,
    "queries": phase_queries,
    "export": phase_export,
    "incremental": phase_incremental,
    "remote": phase_remote,
}


def main(argv: list[str]) -> int:
    name, config_path = argv
    config = json.loads(Path(config_path).read_text(encoding="utf-8"))
    recorder = Recorder(Path(config["dir"]) / "phases" / f"{name}.json")
    PHASES[name](config, recorder)
    recorder.set(complete=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
