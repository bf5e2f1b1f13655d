"""What one build leaves to the next in the same process: one object, passed in, never module globals.

A `trackboard build` starts from a fresh BuildState; the dev server keeps one between its rebuilds, so an edit
does not read, hash and derive again what did not change. Whatever a state holds, the output is the same: it
makes a build faster, never different.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from .cache import BackgroundSaves, KnownFiles, saves_in_background
from .inputs.datasets import KeptTables
from .metrics.memo import Derived


@dataclass
class BuildState:
    """The memos and between-builds tables of the builds of one process."""

    files: KnownFiles = field(default_factory=KnownFiles)  # the digest (and Markdown text) of every file read
    tables: KeptTables = field(default_factory=KeptTables)  # the last build's tables, when kept
    derived: Derived = field(default_factory=Derived)  # what the metrics derived from the tables
    # While a build runs: the children writing its large tables to the cache (None: written at once).
    saves: BackgroundSaves | None = None

    @classmethod
    def between_builds(cls) -> BuildState:
        """The state of a process that builds again and again (the dev server): it keeps the tables in memory."""
        return cls(tables=KeptTables(keep=True))

    @contextlib.contextmanager
    def saving_in_background(self) -> Iterator[None]:
        """Within: large tables are written to the cache by forked children (see cache.saves_in_background),
        waited for on leaving."""
        with saves_in_background() as saves:
            outer, self.saves = self.saves, saves
            try:
                yield
            finally:
                self.saves = outer

    def forget(self) -> None:
        """Let go of everything kept for the next build: a later build reads the files again."""
        self.tables.forget()
        self.files = KnownFiles()
        self.derived = Derived()
