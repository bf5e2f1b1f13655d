"""What the metrics derive from the loaded tables, remembered with the tables they were derived from.

Tables are read-only once loaded, and a build asks for KPIs on many dates over the same tables: what does not
depend on the date is derived once per table, not once per call. The memos travel with the tables (`Tables`,
made by the loader from the build state's `Derived`), so a metric stays a function of its arguments.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import pandas as pd

_T = TypeVar("_T")


class Derived:
    """Values derived from tables, by memo name (see `memo`); and the content keys declared for tables
    (`same_content`), so that a copy of unchanged tables, as the dev server gives each build, is answered from
    what was derived from the earlier copy."""

    def __init__(self) -> None:
        self.memos: dict[str, Memo] = {}
        self.content: dict[int, tuple[weakref.ref, str]] = {}  # id of a table: the table, a key of its content

    def memo(self, name: str, size: int = 4) -> Memo:
        """The memo called `name` (made on first use) holding what was derived from up to `size` sets of tables."""
        found = self.memos.get(name)
        if found is None:
            found = self.memos[name] = Memo(size, self)
        return found

    def same_content(self, frame: pd.DataFrame, key: str) -> None:
        """Declare that `frame` holds the content named `key` (read-only from now on, as every loaded table)."""
        for stale in [i for i, (ref, _) in self.content.items() if ref() is None]:
            del self.content[stale]
        self.content[id(frame)] = (weakref.ref(frame), key)

    def identity(self, frame: pd.DataFrame) -> int | str:
        known = self.content.get(id(frame))
        return known[1] if known is not None and known[0]() is frame else id(frame)


class Memo:
    """Values derived from tables, remembered while those very tables (same objects, same shapes) are alive, or
    tables declared to hold the same content (Derived.same_content)."""

    def __init__(self, size: int, derived: Derived | None = None) -> None:
        self._size = size
        self._derived = derived if derived is not None else Derived()
        self._entries: dict[tuple[int | str, ...], tuple[tuple[weakref.ref, ...], tuple, object]] = {}

    def _find(self, frames: tuple[pd.DataFrame, ...]) -> tuple[tuple[int | str, ...], tuple, object | None]:
        """The key and shapes of these tables, and what is remembered for them (None when nothing is)."""
        key = tuple(self._derived.identity(frame) for frame in frames)
        shapes = tuple(frame.shape for frame in frames)
        hit = self._entries.get(key)
        if hit is not None and hit[1] == shapes and all(
                ref() is frame or isinstance(k, str) for ref, frame, k in zip(hit[0], frames, key)):
            return key, shapes, hit[2]
        return key, shapes, None

    def peek(self, frames: tuple[pd.DataFrame, ...]) -> object | None:
        """What is remembered for these tables, or None (nothing is built)."""
        return self._find(frames)[2]

    def get(self, frames: tuple[pd.DataFrame, ...], build: Callable[[], _T]) -> _T:
        key, shapes, found = self._find(frames)
        if found is not None:
            return found  # type: ignore[return-value]
        value = build()
        if len(self._entries) >= self._size:
            self._entries.clear()
        self._entries[key] = (tuple(weakref.ref(frame) for frame in frames), shapes, value)
        return value


class Tables(dict[str, pd.DataFrame]):
    """A build's tables by dataset name, with the memos of what the metrics derive from them (`derived`)."""

    def __init__(self, tables: Mapping[str, pd.DataFrame], derived: Derived) -> None:
        super().__init__(tables)
        self.derived = derived

    def __reduce__(self) -> Any:
        return (dict, (dict(self),))  # pickled as the tables alone: the memos hold weak references

    def let_go(self) -> None:
        """Drop the tables and everything derived from them (the build's memos): what the sections computed
        from them no longer needs them."""
        self.clear()
        self.derived.memos.clear()
        self.derived.content.clear()


def derived_of(tables: Mapping[str, pd.DataFrame]) -> Derived:
    """The memos that go with `tables`: the build's for its Tables; for a plain mapping, fresh ones (nothing is
    remembered from one call to the next)."""
    return tables.derived if isinstance(tables, Tables) else Derived()
