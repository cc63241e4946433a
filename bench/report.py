"""The result document as figures per stage, growth exponents, ratios to the references,
accuracy, the issue's goals (met, or short by how much) and a diagnosis, in JSON and Markdown."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

from .runner import PROJECT_PHASES, UNREASONED, label

#: rule sets of the reasoner, by the name of their directory
OWL, TEMPORAL = "owl", "temporal"


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

#: the stages of a run in a working copy (reasoning/working_copy.py)
WORKING_COPY_STAGES = ("copying the store into memory", "writing the results back")


def _ok(size: dict, phase: str) -> dict | None:
    record = size["phases"].get(phase) or {}
    return record if record.get("status") == "ok" else None


def _lower_bound(size: dict, phase: str) -> float | None:
    """For a phase stopped at its time limit: the wall time it ran (a lower bound)."""
    record = size["phases"].get(phase) or {}
    return record.get("wall_seconds") if record.get("status") == "timeout" else None


def running_rule(record: dict) -> tuple[str | None, int | None, float | None]:
    """For a reasoning phase stopped at its time limit: the rule it was running, in which
    round, and for how long at least."""
    order, steps = record.get("rule_order") or [], record.get("steps") or []
    if not order or record.get("status") != "timeout":
        return None, None, None
    rule = order[len(steps) % len(order)]
    round_number = len(steps) // len(order) + 1
    since = steps[-1].get("ended_at") if steps else record.get("steps_started_at")
    bound = round(record["ended_at"] - since, 1) if since and record.get("ended_at") else None
    return rule, round_number, bound


def figures(size: dict) -> dict:
    """The headline figures of one size, in seconds (None when not measured)."""
    f: dict = {"acts": size["acts"]}
    load, owl, owlrl, reason = (_ok(size, p) for p in ("load", "owl", "owlrl", "reason"))
    floor_, queries, export, incremental = (_ok(size, p) for p in ("floor", "queries", "export", "incremental"))
    f["load"] = load and load["seconds"]
    f["owl"] = owl and owl["seconds"]
    # the rules alone, in memory, as owlrl's figure is its closure alone (no parsing, no writing)
    f["owl_rules"] = owl and owl.get("rules") and round(sum(e["seconds"] for e in owl["rules"].values()), 4) or None
    f["owlrl"] = owlrl and owlrl["seconds"]
    f["reason"] = reason and reason["seconds"]
    f["rules"] = {name: entry["seconds"] for name, entry in (reason or {}).get("rules", {}).items()}
    f["rules_first_round"] = {name: entry["by_round"].get("1") for name, entry in (reason or {}).get("rules", {}).items()}
    f["floor_join"] = floor_ and floor_["join_seconds"]
    f["floor_extract"] = floor_ and floor_["extract_seconds"]
    qs = (queries or {}).get("queries", {})
    f["queries"] = {name: q["median_seconds"] for name, q in qs.items()}
    f["query_single_max"] = max((q["median_seconds"] for q in qs.values() if q["scope"] == "single"), default=None)
    f["query_whole_max"] = max((q["median_seconds"] for q in qs.values() if q["scope"] == "whole"), default=None)
    f["export"] = {fmt: e["seconds"] for fmt, e in (export or {}).get("formats", {}).items()}
    f["incremental"] = incremental and incremental["seconds"]
    remote = _ok(size, "remote")
    f["remote_load"] = remote and remote["load_seconds"]
    f["remote_reason"] = remote and remote["seconds"]
    f["remote_in_server"] = remote and remote.get("in_server_seconds")
    peaks = [size["phases"][p]["peak_rss_mib"] for p in PROJECT_PHASES if "peak_rss_mib" in size["phases"].get(p, {})]
    f["peak_mib"] = max(peaks) if peaks else None
    return f


def exponent(n1: int, t1: float | None, n2: int, t2: float | None) -> float | None:
    """k in t ∝ n^k between two sizes (1 is linear, 2 quadratic)."""
    if not t1 or not t2 or t1 <= 0 or t2 <= 0 or n1 == n2:
        return None
    return round(math.log(t2 / t1) / math.log(n2 / n1), 2)


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def ratios(f: dict) -> dict:
    retaliation_first = f["rules_first_round"].get("10-retaliation-candidates")
    return {
        "owlrl_over_owl": _ratio(f["owlrl"], f["owl"]),
        "owlrl_over_owl_rules": _ratio(f["owlrl"], f.get("owl_rules")),
        "owlrl_over_reason": _ratio(f["owlrl"], f["reason"]),
        "reason_over_floor": _ratio(f["reason"], f["floor_join"]),
        "retaliation_rule_over_floor": _ratio(retaliation_first, f["floor_join"]),
        "remote_over_embedded": _ratio(f["remote_reason"], f["reason"]),
    }


def growth(sizes: list[dict]) -> dict[str, list]:
    """Exponents between consecutive measured sizes for the main stages and each rule."""
    figs = [figures(s) for s in sizes]
    keys = {"load": "load", "owl": "owl", "reason": "reason", "floor join": "floor_join",
            "incremental": "incremental", "owlrl": "owlrl"}
    result: dict[str, list] = {}
    for name, key in keys.items():
        result[name] = [exponent(a["acts"], a[key], b["acts"], b[key]) for a, b in zip(figs, figs[1:])]
    rules = sorted({r for f in figs for r in f["rules"]})
    for rule in rules:
        result[f"rule {rule}"] = [exponent(a["acts"], a["rules"].get(rule), b["acts"], b["rules"].get(rule))
                                  for a, b in zip(figs, figs[1:])]
    return result


# ---------------------------------------------------------------------------
# Goals of issue 5
# ---------------------------------------------------------------------------

def _at(figs: list[dict], acts: int) -> dict | None:
    return next((f for f in figs if f["acts"] == acts), None)


def _status(value: float | None, target: float, *, smaller: bool = True) -> str:
    if value is None:
        return "not measured"
    if (value <= target) if smaller else (value >= target):
        return "met"
    factor = value / target if smaller else target / value
    return f"short: {factor:.3g}x the target"


def goals(document: dict) -> list[dict]:
    sizes = document["sizes"]
    figs = [figures(s) for s in sizes]
    out = []

    def add(goal: str, target: str, measured: str, status: str) -> None:
        out.append({"goal": goal, "target": target, "measured": measured, "status": status})

    def at_million(key: str, target: float, goal: str, unit: str = "s") -> None:
        million = _at(figs, 1_000_000)
        value = million and million[key]
        if value is not None:
            add(goal, f"{target} {unit}", f"{value} {unit} at 1M", _status(value, target))
            return
        known = [f for f in figs if f[key] is not None]
        if not known:
            add(goal, f"{target} {unit}", "not measured", "not measured")
            return
        last = known[-1]
        text = f"not run at 1M; {last[key]} {unit} at {label(last['acts'])}"
        if len(known) >= 2:
            k = exponent(known[-2]["acts"], known[-2][key], last["acts"], last[key])
            if k is not None:
                # below linear growth is noise at small sizes: project at least linearly
                used = max(k, 1.0)
                projected = last[key] * (1_000_000 / last["acts"]) ** used
                text += (f"; growth exponent {k}" + (" (taken as 1)" if used != k else "")
                         + f", so about {projected:.3g} {unit} at 1M if it holds")
                add(goal, f"{target} {unit}", text, _status(projected, target) + " (projected)")
                return
        add(goal, f"{target} {unit}", text, "not measured at 1M")

    at_million("reason", 60, "Full reasoning (OWL 2 RL + every temporal rule) on 1M acts")
    worst = max(((f["reason"] / f["floor_join"], f["acts"]) for f in figs if f["reason"] and f["floor_join"]), default=None)
    add("Full reasoning within 5x of the plain-Python floor at every size", "≤ 5x",
        ", ".join(f"{_ratio(f['reason'], f['floor_join'])}x at {label(f['acts'])}" for f in figs
                  if f["reason"] and f["floor_join"]) or "not measured",
        _status(worst[0], 5) if worst else "not measured")
    ten = _at(figs, 10_000)
    # like for like: owlrl's closure of a graph in memory against our rules over a store in
    # memory; the stage as a whole adds the copy from disk and the writing back
    owlrl_ratio = ten and _ratio(ten["owlrl"], ten.get("owl_rules"))
    whole_ratio = ten and _ratio(ten["owlrl"], ten["owl"])
    agreement = next(((s["phases"].get("owlrl") or {}).get("agreement") for s in sizes if s["acts"] == 10_000), None)
    add("OWL 2 RL entailment at 10k acts at least 100x faster than owlrl's closure", "≥ 100x",
        f"{owlrl_ratio}x, the rules alone in memory as owlrl's closure (owlrl {ten['owlrl']} s, ours "
        f"{ten['owl_rules']} s); {whole_ratio}x with the copy from disk and the writing back ({ten['owl']} s)"
        if owlrl_ratio else "not measured",
        _status(owlrl_ratio, 100, smaller=False) if owlrl_ratio else "not measured")
    if agreement:
        add("... giving the same entailed triples as owlrl at 10k", "identical",
            f"{agreement['only_ours']} only ours, {agreement['only_owlrl']} only owlrl",
            "met" if agreement["same"] else "short: the closures differ")
    base, top = _at(figs, 10_000), max((f for f in figs if f["reason"]), key=lambda f: f["acts"], default=None)
    if base and base["reason"] and top and top["acts"] > base["acts"]:
        per_act = (top["reason"] / top["acts"]) / (base["reason"] / base["acts"])
        where = "1M" if top["acts"] == 1_000_000 else f"{label(top['acts'])} (1M not run)"
        add("Near-linear: time per act at 1M ≤ 2x time per act at 10k", "≤ 2x",
            f"{per_act:.3g}x at {where}", _status(per_act, 2) + ("" if top["acts"] == 1_000_000 else " (at a smaller size)"))
    else:
        add("Near-linear: time per act at 1M ≤ 2x time per act at 10k", "≤ 2x", "not measured", "not measured")
    at_million("incremental", 1, "Incremental: one act added to a reasoned 1M-act graph, inferences updated")
    checked = [(s["acts"], _ok(s, "incremental")) for s in sizes]
    checked = [(acts, phase) for acts, phase in checked if phase and "same_as_full_run" in phase]
    if checked:
        differ = [label(acts) for acts, phase in checked if not phase["same_as_full_run"]]
        add("... with the same result as reasoning from scratch", "identical",
            "differs at " + ", ".join(differ) if differ else
            "identical at " + ", ".join(label(acts) for acts, _ in checked) + " (a full run of the same store compared)",
            "short: the update differs" if differ else "met")
    hundred = _at(figs, 100_000)
    if hundred and hundred["load"] is not None:
        add("Load of 100k acts of records", "30 s", f"{hundred['load']} s", _status(hundred["load"], 30))
    else:
        bound = next((_lower_bound(s, "load") for s in sizes if s["acts"] == 100_000), None)
        add("Load of 100k acts of records", "30 s",
            f"> {bound} s (stopped at the time limit)" if bound else "not measured",
            _status(bound, 30) if bound else "not measured")
    at_million("query_single_max", 0.1, "Named queries on 1M acts, single state or dyad: median")
    at_million("query_whole_max", 2, "Named queries on 1M acts, whole-graph aggregates: median")
    million = _at(figs, 1_000_000)
    if million and million["peak_mib"]:
        # the 6 GB, in bytes (10^9), against the peak in MiB
        add("Peak memory for 1M acts", "6 GB", f"{million['peak_mib'] * 2**20 / 1e9:.2f} GB ({million['peak_mib']} MiB)",
            _status(million["peak_mib"], 6e9 / 2**20))
    else:
        known = [f for f in figs if f["peak_mib"]]
        add("Peak memory for 1M acts", "6 GB",
            f"not run at 1M; {known[-1]['peak_mib']} MiB at {label(known[-1]['acts'])}" if known else "not measured",
            "not measured at 1M")
    remote = [(f["acts"], _ratio(f["remote_reason"], f["reason"])) for f in figs if f["remote_reason"] and f["reason"]]
    hundred_ratio = next((r for n, r in remote if n == 100_000), None)
    if hundred_ratio is not None:
        add("Reasoning against a remote Oxigraph server within 3x of embedded at 100k", "≤ 3x",
            f"{hundred_ratio}x (`reason --in-memory`: the rules run here, the server holds the graphs)",
            _status(hundred_ratio, 3))
    else:
        add("Reasoning against a remote Oxigraph server within 3x of embedded at 100k", "≤ 3x",
            ("not measured at 100k; " + ", ".join(f"{r}x at {label(n)}" for n, r in remote)) if remote else "not measured",
            "not measured at 100k")
    return out


# ---------------------------------------------------------------------------
# Markdown
# ---------------------------------------------------------------------------

def _s(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 1:
        return f"{value:.2f}"
    if value >= 0.01:
        return f"{value:.3f}"
    return f"{value:.4f}"


def _cell(size: dict, phase: str, value: float | None) -> str:
    record = size["phases"].get(phase) or {}
    if value is not None:
        return _s(value) + (" ¹" if record.get("note") == UNREASONED else "")
    if record.get("status") == "timeout":
        return f"> {record['wall_seconds']:.0f} (limit)"
    if record.get("status") == "failed":
        return "failed"
    if record.get("status") == "skipped":
        return "skipped"
    return "–"


def _heading(size: dict) -> str:
    return size["label"] + (" (run under way)" if size.get("complete") is False else "")


def _rule_cell(size: dict, rule: str) -> str:
    """One rule's time within full reasoning; when reasoning reached its time limit, what
    the rules finished before it (first round) and how long the running one had run."""
    record = size["phases"].get("reason") or {}
    if record.get("status") == "ok":
        return _s(record["rules"].get(rule, {}).get("seconds"))
    if record.get("status") == "timeout":
        running, round_number, bound = running_rule(record)
        first = [st["seconds"] for st in record.get("steps") or [] if st["rule"] == rule and st["round"] == 1]
        done = f"{_s(sum(first))} (round 1 only)" if first else ""
        if rule == running:
            at_limit = f"> {bound:.0f} in round {round_number} at the limit" if bound else "running at the limit"
            return f"{done}; {at_limit}" if done else at_limit
        return done or "–"
    return _cell(size, "reason", None)


def _exponents(values: list) -> str:
    shown = [f"{v:.2f}" for v in values if v is not None]
    return ", ".join(shown) if shown else "–"


def markdown(document: dict) -> str:
    sizes = document["sizes"]
    figs = [figures(s) for s in sizes]
    grow = growth(sizes)
    m = document["machine"]
    head = "| stage | " + " | ".join(f"{_heading(s)} acts" for s in sizes) + " | growth exponent |"
    rule = "|---|" + "---|" * len(sizes) + "---|"
    lines = [
        "# Diplograph benchmark",
        "",
        f"Measured {document['started'][:10]} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB, "
        f"{m['os']}; Python {m['python']}, pyoxigraph {m['pyoxigraph']}, rdflib {m['rdflib']}, owlrl {m['owlrl']}, "
        f"pySHACL {m['pyshacl']}, Diplograph {m['diplograph']}. Load average at start "
        f"{m.get('load_average_at_start')}, at end {document.get('load_average_at_end')}.",
        "",
        f"Command: `{document.get('command') or 'python -m bench run'}`. Synthetic records from `bench/generate.py` "
        f"(seed {document['settings']['seed']}, layout `{document['settings']['layout']}`); every phase runs in a process "
        f"of its own with a limit of {document['settings']['timeout_seconds']:.0f} s; times in seconds, queries the median "
        f"of {document['settings']['runs']} runs after a first one. The growth exponent k (time ∝ N^k) is given between "
        "consecutive sizes: 1 is linear, 2 quadratic.",
    ]
    source = document.get("source") or {}
    if source.get("kind") == "git archive":
        lines += ["", f"Code measured: commit `{source['commit'][:12]}` (a clean `git archive` of it)."]
    elif source:
        dirty = source.get("uncommitted_changes")
        lines += ["", f"Code measured: the working tree at commit `{(source.get('commit') or '?')[:12]}`"
                  + (f", with {dirty} uncommitted changes under diplograph/, ontology/, queries/." if dirty else ".")]
    if document.get("note"):
        lines += ["", f"**Note.** {document['note']}"]
    lines += ["", "## Summary", "", *summary_table(document), "", "## Stages", "", head, rule]

    def row(name: str, phase: str, values: list, growth_key: str | None = None) -> None:
        cells = [_cell(s, phase, v) for s, v in zip(sizes, values)]
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {_exponents(grow.get(growth_key, [])) if growth_key else ''} |")

    row("records → store (`load`)", "load", [f["load"] for f in figs], "load")
    by_size = [load_steps(_ok(s, "load")) for s in sizes]
    for name in dict.fromkeys(name for steps in by_size for name in steps):
        row(f"&nbsp;&nbsp;load: {name}", "load", [steps.get(name) for steps in by_size])
    row("OWL 2 RL entailment alone, to fixpoint", "owl", [f["owl"] for f in figs], "owl")
    row("&nbsp;&nbsp;of which the rules (in memory; without the copy from disk and the writing back)", "owl",
        [f.get("owl_rules") for f in figs])
    row("full reasoning (`reason`: OWL 2 RL + temporal rules to fixpoint, consistency)", "reason",
        [f["reason"] for f in figs], "reason")
    sets: dict[str, str] = {}
    for s in sizes:
        for step in (s["phases"].get("reason") or {}).get("steps") or []:
            sets.setdefault(step["rule"], step["set"])
    temporal = [n for n, kind in sets.items() if kind == TEMPORAL]
    for name in temporal:
        cells = [_rule_cell(s, name) for s in sizes]
        lines.append(f"| &nbsp;&nbsp;rule {name} (all passes) | " + " | ".join(cells)
                     + f" | {_exponents(grow.get(f'rule {name}', []))} |")
    owl_in_reason = [round(sum(v for n, v in f["rules"].items() if n not in temporal), 4) if f["rules"] else None
                     for f in figs]
    row("&nbsp;&nbsp;OWL 2 RL rules within reasoning (all passes)", "reason", owl_in_reason)
    row("&nbsp;&nbsp;after the rules (counts, consistency check)", "reason",
        [(_ok(s, "reason") or {}).get("after_rules_seconds") for s in sizes])
    stages = [stage for s in sizes for stage in ((_ok(s, "reason") or {}).get("steps_stages") or {})]
    for stage in dict.fromkeys(("copying the store into memory", "writing the results back", *stages)):
        label = f"working copy: {stage}" if stage in WORKING_COPY_STAGES else stage
        row(f"&nbsp;&nbsp;{label}", "reason",
            [((_ok(s, "reason") or {}).get("steps_stages") or {}).get(stage) for s in sizes])
    row("owlrl `DeductiveClosure(OWLRL_Semantics)` (reference)", "owlrl", [f["owlrl"] for f in figs], "owlrl")
    row("plain-Python retaliation join (floor)", "floor", [f["floor_join"] for f in figs], "floor join")
    row("&nbsp;&nbsp;extracting the acts for it (one SELECT)", "floor", [f["floor_extract"] for f in figs])
    row("named queries, single state/dyad/act/episode: slowest median", "queries", [f["query_single_max"] for f in figs])
    row("named queries, whole-graph aggregates: slowest median", "queries", [f["query_whole_max"] for f in figs])
    query_names = sorted({n for f in figs for n in f["queries"]})
    scopes = {}
    for s in sizes:
        for n, q in ((_ok(s, "queries") or {}).get("queries") or {}).items():
            scopes[n] = q["scope"]
    for name in query_names:
        row(f"&nbsp;&nbsp;query `{name}` ({scopes.get(name)})", "queries", [f["queries"].get(name) for f in figs])
    for fmt in document["settings"]["export_formats"]:
        row(f"export `{fmt}`", "export", [f["export"].get(fmt) for f in figs])
    row("incremental: one act added, `load` of its file + `reason`", "incremental", [f["incremental"] for f in figs],
        "incremental")
    for key, text in (("load_file_seconds", "load of the changed file"),
                      ("reason_seconds", "reason: the last run brought up to date"),
                      ("full_run_seconds", "(a full run instead, to check the update: the same triples)"),
                      ("load_directory_seconds", "(or `load` of the whole directory, unchanged files skipped)")):
        row(f"&nbsp;&nbsp;{text}", "incremental", [(_ok(s, "incremental") or {}).get(key) for s in sizes])
    row("remote `oxigraph serve`: `load`", "remote", [f["remote_load"] for f in figs])
    row("remote `oxigraph serve`: `reason --in-memory` (rules run here, results written back)", "remote",
        [f["remote_reason"] for f in figs])
    row("remote `oxigraph serve`: `reason`, the rules inside the server", "remote", [f["remote_in_server"] for f in figs])
    lines.append("| peak memory, MiB (largest of the project's phases) | "
                 + " | ".join(_s(f["peak_mib"]) for f in figs) + " | |")
    for phase in ("load", "owl", "reason", "queries", "export", "incremental", "owlrl", "floor"):
        lines.append(f"| &nbsp;&nbsp;peak memory of the {phase} phase | "
                     + " | ".join(_s((s["phases"].get(phase) or {}).get("peak_rss_mib")) for s in sizes) + " | |")

    if any((s["phases"].get(p) or {}).get("note") == UNREASONED for s in sizes for p in ("floor", "queries", "export")):
        lines += ["", "¹ measured on a graph whose reasoning did not finish (skipped or stopped at its limit): "
                      "the temporal links are missing, so link queries have less to return."]
    lines += ["", "## Ratios to the references", "", "| ratio | " + " | ".join(s["label"] for s in sizes) + " |",
              "|---|" + "---|" * len(sizes)]
    rs = [ratios(f) for f in figs]
    for key, text in (("owlrl_over_owl", "owlrl closure / our OWL 2 RL entailment"),
                      ("owlrl_over_owl_rules", "owlrl closure / our OWL 2 RL rules alone"),
                      ("owlrl_over_reason", "owlrl closure / our full reasoning"),
                      ("reason_over_floor", "full reasoning / plain-Python floor"),
                      ("retaliation_rule_over_floor", "retaliation rule (one pass) / plain-Python floor"),
                      ("remote_over_embedded", "reasoning on `oxigraph serve` (`--in-memory`) / embedded")):
        lines.append(f"| {text} | " + " | ".join(f"{r[key]}x" if r[key] else "–" for r in rs) + " |")
    agree = []
    for s in sizes:
        a = (_ok(s, "owlrl") or {}).get("agreement")
        agree.append("identical" if a and a["same"] else
                     (f"{a['only_ours']} only ours, {a['only_owlrl']} only owlrl" if a else "–"))
    lines.append("| owlrl and our OWL 2 RL entailment agree | " + " | ".join(agree) + " |")
    floors = []
    for s in sizes:
        a = (_ok(s, "floor") or {}).get("agreement")
        floors.append(f"{a['both']} same, {a['only_rule']} rule only, {a['only_floor']} floor only" if a else "–")
    lines.append("| floor and retaliation rule candidates | " + " | ".join(floors) + " |")

    lines += ["", "## Accuracy against the generated ground truth", "",
              "`links`: every link the reasoned graph holds; `rule`: the links the rules found themselves, against "
              "the true links the records do not assert.", "",
              "| links | " + " | ".join(f"{s['label']} precision / recall" for s in sizes) + " |",
              "|---|" + "---|" * len(sizes)]
    for kind in ("retaliation", "solidarity"):
        for view in ("links", "rule"):
            cells = []
            for s in sizes:
                acc = ((_ok(s, "reason") or {}).get("accuracy") or {}).get(kind, {}).get(view)
                cells.append(f"{acc['precision']} / {acc['recall']} ({acc['found']} found, {acc['truth']} true)"
                             if acc else "–")
            lines.append(f"| {kind}, {view} | " + " | ".join(cells) + " |")

    lines += ["", "## Goals of issue 5", "", "| goal | target | measured | status |", "|---|---|---|---|"]
    for g in goals(document):
        lines.append(f"| {g['goal']} | {g['target']} | {g['measured']} | {g['status']} |")

    lines += ["", "## Where the time goes", ""] + [f"- {line}" for line in diagnosis(document)]
    return "\n".join(lines) + "\n"


def summary_table(document: dict) -> list[str]:
    """One line per size: the headline figures (seconds, MiB), for the README."""
    lines = ["| acts | load | OWL 2 RL | full reasoning | owlrl | floor | reasoning / floor | incremental "
             "| query, one state (slowest median) | query, whole graph (slowest median) | peak MiB |",
             "|---|" + "---|" * 10]
    for size, f in zip(document["sizes"], (figures(s) for s in document["sizes"])):
        r = ratios(f)
        lines.append("| " + " | ".join([
            _heading(size), _cell(size, "load", f["load"]), _cell(size, "owl", f["owl"]),
            _cell(size, "reason", f["reason"]), _cell(size, "owlrl", f["owlrl"]), _cell(size, "floor", f["floor_join"]),
            f"{r['reason_over_floor']:.3g}x" if r["reason_over_floor"] else "–",
            _cell(size, "incremental", f["incremental"]), _cell(size, "queries", f["query_single_max"]),
            _cell(size, "queries", f["query_whole_max"]), _s(f["peak_mib"])]) + " |")
    return lines


def diagnosis(document: dict) -> list[str]:
    """Plain sentences: the largest stages and rules at the largest size, and how they grow."""
    sizes = [s for s in document["sizes"]]
    if not sizes:
        return ["nothing measured"]
    figs = [figures(s) for s in sizes]
    grow = growth(sizes)
    out = []
    for s in sizes:
        record = s["phases"].get("reason") or {}
        rule, round_number, bound = running_rule(record)
        if rule:
            out.append(f"At {s['label']} acts the reason phase reached its time limit while running rule {rule} "
                       f"in round {round_number}" + (f", after {bound:.0f} s in it." if bound else "."))
    top = max((f for f in figs if f["reason"]), key=lambda f: f["acts"], default=None)
    if top:
        ranked = sorted(top["rules"].items(), key=lambda kv: -kv[1])
        share = ", ".join(f"{name} {value:.3g} s ({100 * value / top['reason']:.0f}%)" for name, value in ranked[:4])
        out.append(f"At {label(top['acts'])} acts full reasoning takes {top['reason']:.3g} s; the largest rules: {share}.")
    for name, values in grow.items():
        known = [v for v in values if v is not None]
        if known and known[-1] >= 1.4:
            out.append(f"{name} grows super-linearly: exponent {known[-1]} between the two largest sizes measured.")
    rounds = [((_ok(s, "reason") or {}).get("rounds"), s["label"]) for s in sizes if _ok(s, "reason")]
    if rounds:
        out.append("The reasoner ran " + ", ".join(f"{r} OWL passes at {lbl}" for r, lbl in rounds)
                   + " (semi-naive: after the first pass over everything, each reads only what the one before"
                   " added; the temporal rules run once).")
    for f, s in zip(figs, sizes):
        load = _ok(s, "load")
        steps = load_steps(load)
        if steps:
            name, seconds = max(steps.items(), key=lambda item: item[1] or 0)
            out.append(f"At {s['label']} acts the load spends most in '{name}' ({seconds} s of {load['seconds']} s).")
    return out


def load_steps(load: dict | None) -> dict[str, float | None]:
    """The load's steps by kind, summed over the batches of a load in batches ("checking SHACL
    shapes (batch 3 of 8)" is "checking SHACL shapes"), counts of files as N, in their order."""
    steps: dict[str, float | None] = {}
    for step in (load or {}).get("steps", []):
        name = re.sub(r"^batch [0-9]+ of [0-9]+: | \(batch [0-9]+ of [0-9]+(, ids only)?\)", "", step["step"])
        name = re.sub(r"[0-9]+", "N", name)
        if step["seconds"] is None or steps.get(name, 0) is None:
            steps[name] = None  # a step still under way (or cut by the time limit)
        else:
            steps[name] = round(steps.get(name, 0) + step["seconds"], 4)
    return steps


def write(document: dict, out: Path, names: tuple[str, ...] | None = None) -> None:
    """``<name>.json`` and ``<name>.md`` in ``out``, for each name (by default ``latest`` and
    the run's own name)."""
    document = dict(document)
    document["figures"] = [figures(s) for s in document["sizes"]]
    document["ratios"] = [ratios(f) for f in document["figures"]]
    document["growth"] = growth(document["sizes"])
    document["goals"] = goals(document)
    document["diagnosis"] = diagnosis(document)
    text, table = json.dumps(document, indent=1, default=str) + "\n", markdown(document)
    for name in names or ("latest", run_name(document)):
        (out / f"{name}.json").write_text(text, encoding="utf-8")
        (out / f"{name}.md").write_text(table, encoding="utf-8")


def run_name(document: dict) -> str:
    """A name that tells runs apart: date, code measured, sizes (``2026-11-24-5ee5a78-1k-10k``)."""
    commit = ((document.get("source") or {}).get("commit") or "unknown")[:7]
    if (document.get("source") or {}).get("uncommitted_changes"):
        commit += "-dirty"
    sizes = "-".join(label(n) for n in document["settings"]["sizes"])
    return f"{document['started'][:10]}-{commit}-{sizes}"
