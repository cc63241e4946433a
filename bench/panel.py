"""The balanced panel at the size researchers use: every ordered pair of about 200 states,
every year 1995–2024 (1.1 million dyad-years), built from a reasoned store and written as
CSV (with its CSV on the Web metadata) and as Parquet. Issue 8 asks for it in under a minute
and within a few GB.

    python -m bench.panel                       # 300 synthetic acts among 195 states
    python -m bench.panel --acts 1k --unit month --workdir /tmp/diplograph-bench-panel

The records come from ``bench/generate.py`` (the registry widened to the 195 states with a
Correlates of War code); they are loaded and reasoned over once and kept in ``--workdir``.
The measurement runs in a fresh process, so that its peak memory (``os.wait4``) is the
panel's alone: the time to read the graph and build the DataFrame, to write the CSV and its
metadata, and to write Parquet. The number of acts barely matters: the cost is in the rows.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from .generate import END, START, digest, generate

_MEASURE = r"""
import json, sys, time
import diplograph
from diplograph.panel import write
store, unit, start, end, out = sys.argv[1:6]
timings = {}
began = time.perf_counter()
graph = diplograph.open(store)
frame = graph.panel(unit, start=start, end=end, all_dyads=True, max_rows=None)
timings["build_s"] = time.perf_counter() - began
mark = time.perf_counter()
written = write(frame, out + "/balanced.csv")
timings["csv_s"] = time.perf_counter() - mark
mark = time.perf_counter()
try:
    write(frame, out + "/balanced.parquet")
    timings["parquet_s"] = time.perf_counter() - mark
except Exception as exc:  # pyarrow missing: say so, measure the rest
    timings["parquet_s"] = None
    timings["parquet_error"] = str(exc)
graph.close()
states = frame["iso3c1"].nunique()
print(json.dumps({"rows": len(frame), "columns": frame.shape[1], "states": int(states),
                  "periods": int(frame.groupby(["iso3c1", "iso3c2"], observed=True).size().max()),
                  "frame_mb": frame.memory_usage(deep=True).sum() / 1e6,
                  "csv_mb": __import__("os").path.getsize(out + "/balanced.csv") / 1e6, **timings}))
"""


def _size(text: str) -> int:
    text = text.strip().lower()
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text[:-1] if factor > 1 else text) * factor)


def prepare(workdir: Path, acts: int, seed: int) -> Path:
    """A store of ``acts`` synthetic acts, loaded and reasoned over (reused while the records
    are the same)."""
    import diplograph
    from diplograph.reasoning import reason

    data = workdir / f"n{acts}-seed{seed}"
    records = data / "records"
    if not records.exists():
        print(f"generating {acts} acts among about 200 states …", file=sys.stderr)
        generate(data, acts, seed=seed)
    store = data / "store"
    stamp = data / "store.digest"
    wanted = digest(records)
    if not (store.exists() and stamp.exists() and stamp.read_text() == wanted):
        import shutil

        shutil.rmtree(store, ignore_errors=True)
        with diplograph.open(store) as graph:
            started = time.perf_counter()
            result = graph.load(records)
            if not result.ok:
                raise SystemExit(f"the synthetic records do not load:\n{result.report}")
            print(f"loaded in {time.perf_counter() - started:.1f} s; reasoning …", file=sys.stderr)
            started = time.perf_counter()
            reason(graph.store)
            print(f"reasoned in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        stamp.write_text(wanted)
    return store


def measure(store: Path, unit: str, out: Path) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    began = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", _MEASURE, str(store), unit, START.isoformat(), END.isoformat(),
                                str(out)], stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - began
    output = process.stdout.read()
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the measurement failed (exit {os.waitstatus_to_exitcode(status)})")
    result = json.loads(output.strip().splitlines()[-1])
    result["wall_s"] = wall
    result["peak_rss_mb"] = usage.ru_maxrss / 1024  # Linux reports kilobytes
    return result


def table(result: dict, acts: int, unit: str) -> str:
    def seconds(value) -> str:
        return "—" if value is None else f"{value:.1f} s"

    line = (f"| balanced, {result['states']} states × {result['periods']} {unit}s ({acts} acts) | {result['rows']:,} | "
            f"{seconds(result['build_s'])} | {seconds(result['csv_s'])} ({result['csv_mb']:.0f} MB) | "
            f"{seconds(result['parquet_s'])} | {seconds(result['wall_s'])} | {result['peak_rss_mb']:.0f} MB |")
    header = "| panel | rows | build | CSV + metadata | Parquet | whole process | peak memory |"
    return f"{header}\n|---|---|---|---|---|---|---|\n{line}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.panel", description=__doc__.split("\n\n")[0])
    parser.add_argument("--acts", default="300", help="synthetic acts (300, 1k …; default 300)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--unit", default="year", choices=("year", "month"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/diplograph-bench-panel"))
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args(argv)
    acts = _size(arguments.acts)
    store = prepare(arguments.workdir, acts, arguments.seed)
    result = measure(store, arguments.unit, arguments.workdir / "out")
    result.update({"acts": acts, "unit": arguments.unit, "seed": arguments.seed})
    print(table(result, acts, arguments.unit))
    if arguments.json:
        arguments.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    goal = result["wall_s"] < 60 and result["peak_rss_mb"] < 4096
    print(f"\ngoal (under a minute, a few GB): {'met' if goal else 'NOT met'}")
    return 0 if goal else 1


if __name__ == "__main__":
    raise SystemExit(main())
