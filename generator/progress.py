"""Build progress: a bar on a terminal, one line per stage with its time everywhere else (CI logs).

A build goes through the stages load, compute, render, charts and write. On a terminal a transient rich
progress bar shows the current stage (and how many pages are rendered); when output is not a terminal
nothing but the summary line of each stage is printed, so a CI log stays readable.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

STAGES = ("load", "compute", "render", "charts", "write")


class Progress:
    """Report stages of a build; a Progress() with no stream reports nothing (library use, tests)."""

    def __init__(self, stream: TextIO | None = None, bar: bool = False) -> None:
        self.stream = stream
        self.times: dict[str, float] = {}
        self.notes: dict[str, str] = {}
        self._bar: Any = None
        self._task: Any = None
        if stream is not None and bar:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as RichProgress

            console = Console(file=sys.stderr)
            self._bar = RichProgress(TextColumn("{task.description:<8}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), console=console, transient=True)

    @classmethod
    def for_terminal(cls, stream: TextIO | None = None) -> Progress:
        """A bar when stderr is a terminal; plain stage lines on `stream` (default stdout) in any case."""
        stream = stream or sys.stdout
        return cls(stream, bar=sys.stderr.isatty())

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        """Time a stage; the yielded function advances its bar by n items."""
        start = time.perf_counter()
        if self._bar is not None:
            if not self._bar.live.is_started:
                self._bar.start()
            self._task = self._bar.add_task(name, total=total)
        try:
            yield self.advance
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - start
            if self._bar is not None and self._task is not None:
                self._bar.remove_task(self._task)
                self._task = None
            if self.stream is not None:
                if self._bar is not None and name == STAGES[-1]:
                    self._bar.stop()
                note = f" ({self.notes[name]})" if name in self.notes else ""
                self._say(f"{name:<8}{self.times[name]:7.2f} s{note}")

    def _say(self, line: str) -> None:
        assert self.stream is not None
        try:
            print(line, file=self.stream, flush=True)
        except BrokenPipeError:  # the reader left (`| head`, less quit early): the build goes on, unheard
            stream, self.stream = self.stream, None
            with contextlib.suppress(OSError, ValueError, AttributeError):  # a file, not a pipe, or no descriptor
                devnull = os.open(os.devnull, os.O_WRONLY)
                try:
                    os.dup2(devnull, stream.fileno())  # what is printed later goes nowhere
                finally:
                    os.close(devnull)

    def total(self, n: int) -> None:
        """Set how many items the current stage has (when known only once it runs)."""
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, total=n)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, n)

    def note(self, stage: str, text: str) -> None:
        """Add a remark to a stage's line, e.g. how many pages came from the cache."""
        self.notes[stage] = text

    def close(self) -> None:
        if self._bar is not None and self._bar.live.is_started:
            self._bar.stop()
