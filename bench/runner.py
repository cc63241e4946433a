"""Runs the phases of each size in processes of their own, with a time limit each, and
gathers what they measured, the peak memory the operating system reports for each, and
the machine, into one result document."""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import GENERATOR_VERSION, machine

#: phases in the order they run, with the phases whose result each one needs
PLAN: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("generate", ()),
    ("load", ("generate",)),
    ("owl", ("load",)),
    ("owlrl", ("owl",)),
    ("reason", ("load",)),
    ("floor", ("load",)),
    ("queries", ("load",)),
    ("export", ("load",)),
    ("incremental", ("reason",)),
    ("remote", ("reason",)),
)

UNREASONED = "measured on a graph the reason phase did not finish"

#: phases that measure the project itself (their peak memory is the project's)
PROJECT_PHASES = ("load", "owl", "reason", "queries", "export", "incremental")


@dataclass
class Settings:
    sizes: list[int]
    seed: int = 1
    layout: str = "month"
    workdir: Path = Path("/tmp/diplograph-bench")
    timeout: float = 1800.0
    runs: int = 5
    window: int = 30
    owlrl_max: int = 10_000
    remote_max: int = 100_000
    #: the rules inside the server (as 'reason' does by default on a remote store) cost what
    #: reasoning in place on disk costs: beyond some size, longer than a run can wait
    remote_in_server_max: int = 10_000
    export_formats: list[str] = field(default_factory=lambda: ["nquads", "trig"])
    note: str | None = None
    #: a git revision to measure instead of the working tree (other work in progress stays out)
    commit: str | None = None
    #: skip a phase at larger sizes once it reached its time limit at a smaller one
    skip_after_timeout: bool = True


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    value = int(float(text) * factor)
    if value < 10:
        raise ValueError(f"a size is a number of acts, 10 or more: {text!r}")
    return value


def label(size: int) -> str:
    if size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


REPOSITORY = Path(__file__).resolve().parent.parent


def _git(*args: str, cwd: Path = REPOSITORY) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def prepare_source(settings: Settings) -> tuple[Path, dict]:
    """The directory the phases run in (their ``import diplograph`` resolves there), and what it is.

    Without ``commit``: this checkout, as it is (its uncommitted changes counted). With it: a
    ``git archive`` of that revision under the work directory, with this ``bench/`` copied in.
    """
    if not settings.commit:
        info: dict = {"path": str(REPOSITORY), "kind": "working tree"}
        try:
            info["commit"] = _git("rev-parse", "HEAD")
            changed = _git("status", "--porcelain", "--", "diplograph", "ontology", "queries").splitlines()
            info["uncommitted_changes"] = len(changed)
        except (OSError, subprocess.CalledProcessError):
            info["commit"] = None
        return REPOSITORY, info
    commit = _git("rev-parse", "--verify", settings.commit + "^{commit}")
    source = settings.workdir / f"source-{commit[:12]}"
    if not (source / "diplograph").is_dir():
        source.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit], cwd=REPOSITORY, check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
    bench = source / "bench"
    if bench.exists():
        shutil.rmtree(bench)
    shutil.copytree(Path(__file__).resolve().parent, bench, ignore=shutil.ignore_patterns("results", "__pycache__"))
    return source, {"path": str(source), "kind": "git archive", "commit": commit}


def run_phase(name: str, config_path: Path, phase_dir: Path, timeout: float, source: Path = REPOSITORY) -> dict:
    """Run one phase; its record, status, wall time and peak memory (os.wait4's rusage)."""
    phase_dir.mkdir(parents=True, exist_ok=True)
    log = phase_dir / f"{name}.log"
    record_path = phase_dir / f"{name}.json"
    if record_path.exists():
        record_path.unlink()
    start = time.perf_counter()
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "bench.phases", name, str(config_path)],
                                   stdout=out, stderr=subprocess.STDOUT, cwd=source,
                                   start_new_session=True)
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        except BaseException:
            # interrupted (Ctrl-C, a signal): the phase runs in its own session, stop it too
            stop()
            raise
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
    wall = round(time.perf_counter() - start, 3)
    ended_at = time.time()
    record = json.loads(record_path.read_text(encoding="utf-8")) if record_path.exists() else {}
    if timed_out.is_set():
        record["status"] = "timeout"
        record["note"] = f"stopped at the time limit of {timeout:.0f} s"
    elif process.returncode != 0 or not record.get("complete"):
        record["status"] = "failed"
        record["error"] = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    else:
        record["status"] = "ok"
    record["wall_seconds"] = wall
    record["ended_at"] = ended_at
    record["peak_rss_mib"] = round(usage.ru_maxrss / 1024, 1)  # Linux reports KiB
    return record


def run_size(settings: Settings, size: int, say=print, source: Path = REPOSITORY, commit: str | None = None,
             timed_out: dict[str, int] | None = None, on_progress=None) -> dict:
    """Every phase of one size. ``timed_out``: phase -> the size at which it reached its limit;
    ``on_progress`` is called with the size's record so far after every phase."""
    timed_out = {} if timed_out is None else timed_out
    directory = settings.workdir / f"n{size}-seed{settings.seed}-{settings.layout}"
    directory.mkdir(parents=True, exist_ok=True)
    with _exclusive(directory):
        return _run_size(settings, size, directory, say, source, commit, timed_out, on_progress or (lambda _: None))


@contextmanager
def _exclusive(directory: Path):
    """Hold a size's directory for this run: two runs writing one store and one set of
    phase records would each report the other's figures."""
    with (directory / ".lock").open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RuntimeError(f"another benchmark run is using {directory}: wait for it, "
                               "or give this one its own --workdir") from None
        yield


def _run_size(settings: Settings, size: int, directory: Path, say, source: Path, commit: str | None,
              timed_out: dict[str, int], on_progress) -> dict:
    reference = size <= settings.owlrl_max
    remote = size <= settings.remote_max
    config = {"dir": str(directory), "acts": size, "seed": settings.seed, "layout": settings.layout,
              "generator_version": GENERATOR_VERSION, "source_commit": commit, "runs": settings.runs, "window": settings.window,
              "reference": reference, "export_formats": settings.export_formats,
              "remote_in_server": size <= settings.remote_in_server_max}
    config_path = directory / "config.json"
    config_path.write_text(json.dumps(config, indent=1), encoding="utf-8")
    phases: dict[str, dict] = {}
    for name, needs in PLAN:
        try:
            if name == "owlrl" and not reference:
                phases[name] = {"status": "skipped",
                                "note": f"owlrl runs up to {label(settings.owlrl_max)} acts (--owlrl-max): "
                                        "above, its closure takes more than a few minutes"}
                say(f"  {label(size)} {name}: skipped ({phases[name]['note']})")
                continue
            if name == "remote" and not remote:
                phases[name] = {"status": "skipped",
                                "note": f"the remote server is measured up to {label(settings.remote_max)} acts (--remote-max)"}
                say(f"  {label(size)} {name}: skipped ({phases[name]['note']})")
                continue
            if settings.skip_after_timeout and name in timed_out:
                phases[name] = {"status": "skipped", "note": f"reached the time limit at {label(timed_out[name])} acts"}
                say(f"  {label(size)} {name}: skipped ({phases[name]['note']})")
                continue
            missing = [need for need in needs if phases.get(need, {}).get("status") != "ok"]
            if missing:
                phases[name] = {"status": "skipped", "note": f"needs the {', '.join(missing)} phase"}
                say(f"  {label(size)} {name}: skipped ({phases[name]['note']})")
                continue
            say(f"  {label(size)} {name} ...")
            phases[name] = run_phase(name, config_path, directory / "phases", settings.timeout, source)
            record = phases[name]
            if record["status"] == "timeout":
                timed_out.setdefault(name, size)
            figure = record.get("seconds")
            say(f"  {label(size)} {name}: {record['status']}"
                + (f", {figure} s" if figure is not None else "") + f", peak {record['peak_rss_mib']} MiB")
        finally:
            on_progress({"acts": size, "label": label(size), "directory": str(directory), "phases": phases})
    if phases.get("reason", {}).get("status") != "ok":
        for name in ("floor", "queries", "export"):
            if phases.get(name, {}).get("status") == "ok":
                phases[name]["note"] = UNREASONED
    return {"acts": size, "label": label(size), "directory": str(directory), "phases": phases}


def run(settings: Settings, out: Path, say=print, command: str | None = None) -> dict:
    from . import report

    source, source_info = prepare_source(settings)
    started = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    document = {
        "schema": 1,
        "started": started.isoformat(),
        "command": command,
        "machine": machine.describe(),
        "source": source_info,
        "settings": {"sizes": settings.sizes, "seed": settings.seed, "layout": settings.layout,
                     "timeout_seconds": settings.timeout, "runs": settings.runs, "window": settings.window,
                     "owlrl_max": settings.owlrl_max, "remote_max": settings.remote_max,
                     "remote_in_server_max": settings.remote_in_server_max, "export_formats": settings.export_formats,
                     "commit": settings.commit, "skip_after_timeout": settings.skip_after_timeout},
        "note": settings.note,
        "sizes": [],
    }
    out.mkdir(parents=True, exist_ok=True)
    timed_out: dict[str, int] = {}

    def save() -> None:
        document["load_average_at_end"] = machine.load_average()
        document["finished"] = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
        report.write(document, out)

    for size in settings.sizes:
        say(f"{label(size)} acts")
        entry: dict = {"acts": size, "label": label(size), "phases": {}, "complete": False}
        document["sizes"].append(entry)

        def progress(record: dict, entry: dict = entry) -> None:
            entry.update(record)
            save()

        progress(run_size(settings, size, say, source, source_info.get("commit"), timed_out, progress))
        entry["complete"] = True
        save()
    return document
