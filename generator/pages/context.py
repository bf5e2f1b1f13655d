"""What every page module receives, and what it gives back.

A section builder is a function `build(ctx: Context) -> Section | None` listed in pages/__init__.py.
It returns None when its dataset is absent or the profile leaves it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import pandas as pd

from ..formats import Formatter
from ..incremental import ReadList, ReadLog
from ..inputs.content import Document
from ..metrics.battle import BattleReport
from ..metrics.kpis import UnitTree
from ..metrics.pace import Status, pace, time_progress
from ..model import Site
from ..output import Output
from ..render import Page
from .chartfiles import ChartFile


@dataclass(frozen=True)
class Pacing:
    """The time progress of the as-of month and the pace of any achievement rate against it, as every page shows
    them beside a rate (the `pace_rate` macro; a template sees it as `pacing`)."""

    progress: float  # share of the month gone, 0–1
    tolerance: float  # share either side of the progress that is on track (0.05 for 5 points)
    mode: str = "calendar"  # how the progress is counted (metrics.pace.PROGRESS_MODES)
    holidays: tuple[dt.date, ...] = ()  # days off, not working days

    def status(self, achievement: float | None) -> Status | None:
        return pace(achievement, self.progress, self.tolerance)

    def on(self, day: dt.date) -> Pacing:
        """The same rules as of another day (a past daily report reads against its own day's progress)."""
        return replace(self, progress=time_progress(day, self.mode, self.holidays))


def pacing_of(site: Site) -> Pacing:
    """The site's pacing as of its as-of date, by its [rules] time_progress and pace_tolerance."""
    rules = site.config["rules"]
    mode, holidays = rules["time_progress"], tuple(rules["holidays"])
    return Pacing(time_progress(site.as_of, mode, holidays), float(rules["pace_tolerance"]) / 100, mode, holidays)


@dataclass
class Context:
    site: Site
    t: Callable[..., str]  # the translator: t("key", **values)
    fmt: Formatter
    tree: UnitTree
    units: pd.DataFrame  # KPIs of every unit as of the as-of date (index: unit id)
    people: pd.DataFrame  # KPIs of every person as of the as-of date (index: person id)
    battle_reports: list[BattleReport]
    current_notices: list[Document]  # current notices, pinned first
    reads: set[str] = field(default_factory=set)  # the document collections looked at (see incremental.py)
    keep: Callable[[list[Output]], list[Output]] | None = None  # moves files out of memory (the build's spool)

    def kept(self, files: list[Output]) -> list[Output]:
        """Files a section makes in bulk (thousands of posters), as the build keeps them: in its spool, if any."""
        return files if self.keep is None else self.keep(files)

    @property
    def reports(self) -> list[BattleReport]:
        self.reads.add("battle")
        return self.battle_reports

    @property
    def notices(self) -> list[Document]:
        self.reads.add("notices")
        return self.current_notices

    def logged(self) -> Context:
        """A copy of this context that notes in its own `reads` which documents the caller looks at."""
        reads: set[str] = set()
        site = replace(self.site, documents=ReadLog(self.site.documents, reads),
                       problems=ReadList(self.site.problems, reads))
        return replace(self, site=site, reads=reads)

    @property
    def tables(self) -> dict[str, pd.DataFrame]:
        return self.site.tables

    @property
    def as_of(self) -> dt.date:
        return self.site.as_of

    @property
    def config(self) -> dict[str, Any]:
        return self.site.config

    @property
    def pacing(self) -> Pacing:
        return pacing_of(self.site)

    @property
    def show_people(self) -> bool:
        return not self.site.excluded("people")

    def wants(self, section: str, dataset: str | None = None) -> bool:
        """Whether a section is built: its dataset was given and the profile does not leave it out."""
        return not self.site.excluded(section) and (dataset is None or self.site.has(dataset))


@dataclass(frozen=True)
class BoardItem:
    """A count shown on the board, linking to the page that lists it (e.g. a warning list)."""

    label: str
    count: int
    href: str
    severity: str = "info"  # info, warning


@dataclass
class Section:
    name: str  # navigation entry and profile section name
    target: str | None  # link of the navigation entry, None for no entry
    pages: list[Page] = field(default_factory=list)
    files: list[Output] = field(default_factory=list)
    charts: list[ChartFile] = field(default_factory=list)
    board: list[BoardItem] = field(default_factory=list)
    payload: Any = None  # what other sections take from this one
    table_files: bool = True  # plan_site adds the CSV of every table the pages show (False: the section did)
