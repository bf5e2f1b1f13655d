"""Work spread over every core by forked processes, which inherit what they work on instead of receiving it."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .cache import workers

_T = TypeVar("_T")
_R = TypeVar("_R")

# The function forked workers run: set just before the fork, so it and everything it reads (the tables of a
# build) are inherited; only the items and the results are pickled.
_FUNCTION: Callable[[Any], Any] | None = None


def _run(chunk: Sequence[Any]) -> list[Any]:
    assert _FUNCTION is not None
    return [_FUNCTION(item) for item in chunk]


def forked_map(function: Callable[[_T], _R], items: Sequence[_T], min_items: int = 16) -> list[_R]:
    """Return [function(item) for item in items], computed by forked workers when there are enough items.

    `function` may be a closure over anything (it is not pickled); its results must pickle. Below
    `min_items`, or on one core, it runs here: starting workers would cost more than it saves.
    """
    global _FUNCTION
    n = workers()
    if len(items) < min_items or n < 2:
        return [function(item) for item in items]
    size = max(1, len(items) // (n * 6))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    _FUNCTION = function
    try:
        with multiprocessing.get_context("fork").Pool(n) as pool:
            return [result for chunk in pool.imap(_run, chunks) for result in chunk]
    finally:
        _FUNCTION = None
