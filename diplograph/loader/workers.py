"""Worker processes for the loader's pure-Python steps (YAML, JSON Schema, pySHACL),
which one process runs on one core whatever the machine has.

Workers are forked: they start with this process's memory, so a task reads what it
needs (the parsed records, the triples of a chunk) without a copy through a pipe, and
only its result travels back. They run Python code only and touch nothing else this
process holds open (the store, files). Where fork is not available everything runs
here, one task after the other, with the same results.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Callable, TypeVar

T = TypeVar("T")

#: the environment variable that sets the number of worker processes (1: everything
#: in the loading process); by default, the processors this process may run on
WORKERS_VARIABLE = "DIPLOGRAPH_LOAD_WORKERS"

_TASK: Callable[[int], object] | None = None


def worker_count() -> int:
    configured = os.environ.get(WORKERS_VARIABLE, "").strip()
    if configured:
        try:
            return max(1, int(configured))
        except ValueError:
            raise ValueError(f"{WORKERS_VARIABLE} must be a whole number of processes, not {configured!r}") from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - platforms without affinity
        return os.cpu_count() or 1


def run_tasks(task: Callable[[int], T], count: int, processes: int | None = None, *, batch: int = 1) -> list[T]:
    """``[task(0), task(1), ... task(count - 1)]``, in up to ``processes`` forked workers
    (by default :func:`worker_count`), ``batch`` tasks handed to a worker at a time."""
    global _TASK
    processes = worker_count() if processes is None else max(1, processes)
    if processes <= 1 or count <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [task(index) for index in range(count)]
    _TASK = task
    try:
        with multiprocessing.get_context("fork").Pool(min(processes, count)) as pool:
            return list(pool.imap(_run_task, range(count), chunksize=max(1, batch)))
    finally:
        _TASK = None


def _run_task(index: int):
    assert _TASK is not None, "a worker started without its task"
    return _TASK(index)
