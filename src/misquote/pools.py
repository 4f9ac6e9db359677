"""Process pools for the long jobs (ingest, reuse, PAN): forked workers that end when their parent does.

Workers are forked so that what the parent prepared before starting the pool (texts, shingle positions)
is theirs without being pickled, and each asks the kernel to kill it when the parent dies, so that an
interrupted run leaves no orphans.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import ProcessPoolExecutor


def size(workers: int | None, most: int | None = None) -> int:
    """How many workers to run: `workers` if given, else every core (at most `most`)."""
    if workers is not None:
        return max(1, workers)
    cores = os.cpu_count() or 1
    return min(cores, most) if most else cores


def forked(workers: int) -> ProcessPoolExecutor:
    """A pool of `workers` forked processes that die with this one."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=die_with_parent)


def die_with_parent() -> None:
    """Make this worker end when the process that started it is killed (Linux), leaving no orphans."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
