"""Work spread over every core by forked processes, which inherit what they work on instead of receiving it."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar


def workers() -> int:
    """How many processes to spread work over: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def ignore_interrupt() -> None:
    """Start a worker process deaf to Ctrl+C: the terminal sends it to every process of the build, and the
    build itself stops its workers (each of them would otherwise print its own traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Make this worker process end when its parent, the build (process `parent`), ends however it ends, a
    SIGKILL included: an orphaned worker would run on, holding memory and a core. On Linux the kernel sends
    SIGKILL when the parent dies; the parent is then checked, for one that died before this was set."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def start_worker(parent: int) -> None:
    """The initializer of every pool's workers: deaf to Ctrl+C (see ignore_interrupt), and ending with the build
    (see die_with_parent). Pass os.getpid() of the process that makes the pool."""
    die_with_parent(parent)
    ignore_interrupt()


_T = TypeVar("_T")
_R = TypeVar("_R")

# The function forked workers run: set just before the fork, so it and everything it reads (the tables of a
# build) are inherited; only the items and the results are pickled.
_FUNCTION: Callable[[Any], Any] | None = None


def _run(chunk: Sequence[Any]) -> list[Any]:
    assert _FUNCTION is not None
    return [_FUNCTION(item) for item in chunk]


def forked_map(function: Callable[[_T], _R], items: Sequence[_T], min_items: int = 16,
               done: Callable[[int], None] | None = None, keep: Callable[[_T, _R], _R] | None = None) -> list[_R]:
    """Return [function(item) for item in items], computed by forked workers when there are enough items.

    `function` may be a closure over anything (it is not pickled); the items (pass indices when they are
    large) and its results must pickle. Below `min_items`, or on one core, it runs here: starting workers
    would cost more than it saves. `done(n)` is told as each n items are finished (a progress bar). `keep(item,
    result)`, run here as each result arrives, gives what is kept of it (large results moved out of memory).
    """
    global _FUNCTION
    n = workers()
    if len(items) < min_items or n < 2:
        results = []
        for item in items:
            result = function(item)
            results.append(result if keep is None else keep(item, result))
            if done is not None:
                done(1)
        return results
    size = max(1, min(64, len(items) // (n * 8)))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    _FUNCTION = function
    try:
        with multiprocessing.get_context("fork").Pool(n, initializer=start_worker, initargs=(os.getpid(),)) as pool:
            results = []
            for items_done, chunk in zip(chunks, pool.imap(_run, chunks), strict=True):
                results.extend(chunk if keep is None else [keep(i, r) for i, r in zip(items_done, chunk, strict=True)])
                if done is not None:
                    done(len(chunk))
            return results
    finally:
        _FUNCTION = None


def settle() -> None:
    """Tell the cyclic garbage collector that the objects alive now (the loaded tables, the planned pages) live
    until the end of `settled`: it stops traversing them. Forked workers, which inherit them, then no longer
    touch (and so copy) their memory pages either."""
    gc.freeze()


def give_back_freed_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's malloc_trim): what compute and render freed stays
    in the process otherwise, and the search and write stages would carry it. Nothing where libc has no
    malloc_trim (musl, macOS)."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return
    trim(0)


# Allocations between young collections within `settled` (Python's default is 700): a build makes millions of
# short-lived objects (table cells, page rows), and at the default the collector runs, with its full
# collections over the tables, far more often than it finds anything.
YOUNG_THRESHOLD = 10_000


@contextlib.contextmanager
def settled() -> Iterator[None]:
    """Within: objects passed over by `settle` stay out of the collector's way, and young objects are collected
    less often; after: everything is collected as usual again (a long-running caller, the dev server, leaks
    nothing)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], YOUNG_THRESHOLD), *thresholds[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
