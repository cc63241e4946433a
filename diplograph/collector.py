"""Pausing Python's cyclic garbage collector around work that makes millions of objects."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def without_cyclic_collection() -> Iterator[None]:
    """Run the block with the cyclic collector off, restored as it was afterwards. For work
    (a load, the OWL closure) that makes millions of objects forming no cycles: the collector's
    full passes over them grow with the work (a third of a load's time at 100,000 acts) and free
    nothing; reference counting frees them as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
