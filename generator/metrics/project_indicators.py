"""New projects' daily, weekly and monthly indicators (新项目的管理及开发: 紧盯每日、每周、每月的项目指标).

Pure functions of the project_indicators table, the projects register's rows and the as-of date.

Rules, stated once:

- A row gives a project's indicator for a period (day, week Monday–Sunday, or month): the target and what is done
  so far in that period up to the row's date. The current figure of an indicator is its latest row dated on or
  before the as-of date, kept only when that date lies in the as-of date's own day, week or month (a figure of an
  earlier period is no longer current); on the same date, the row further down the file wins.
- Its achievement is done ÷ target (none with a target of 0); its time progress is the share of its period gone by
  the end of the row's date (a day: all of it; a week or month: counted as the site's [rules] time_progress counts);
  its pace is the achievement against that progress within [rules] pace_tolerance (metrics/pace.py).
- A project is new from its start until `new_days` days after it (a project not yet started is new too); an open
  new project's current indicator behind its pace is a warning, since the seed asks that a slipping new project's
  indicator be taken to its manager for a remedy (倒逼解决方案) at once.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .pace import Status, pace, time_progress, week_progress

PERIODS = ("day", "week", "month")


@dataclass(frozen=True)
class Indicator:
    """A project's current figure of one indicator for one period."""

    project: str
    indicator: str
    period: str  # one of PERIODS
    date: dt.date  # the day the figure is as of
    target: float
    actual: float
    achievement: float | None  # actual ÷ target; None when the target is 0
    progress: float  # the share of the period gone by the end of `date`
    status: Status | None  # behind, on_track, ahead; None without an achievement
    row: int | None = None  # spreadsheet row

    @property
    def behind(self) -> bool:
        return self.status == "behind"


def in_period(period: str, day: dt.date, as_of: dt.date) -> bool:
    """Whether `day` lies in the as-of date's own day, ISO week or month."""
    if period == "day":
        return day == as_of
    if period == "week":
        return day.isocalendar()[:2] == as_of.isocalendar()[:2]
    return (day.year, day.month) == (as_of.year, as_of.month)


def period_progress(period: str, day: dt.date, mode: str, holidays: Collection[dt.date]) -> float:
    """The share of `day`'s period gone by the end of `day`."""
    if period == "day":
        return 1.0
    if period == "week":
        return week_progress(day, mode, holidays)
    return time_progress(day, mode, holidays)


def _number(value: Any) -> float:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return 0.0
    return float(value)


def current_indicators(frame: pd.DataFrame | None, as_of: dt.date, mode: str, holidays: Collection[dt.date],
                       tolerance: float) -> list[Indicator]:
    """Every project's current figure of each indicator and period, by project, period (day, week, month) and
    indicator. `tolerance` is a share (0.05 for 5 percentage points)."""
    latest: dict[tuple[str, str, str], dict[str, Any]] = {}
    if frame is not None and not frame.empty:
        columns = [str(c) for c in frame.columns]
        for values in frame.itertuples(index=False, name=None):
            record: dict[str, Any] = dict(zip(columns, values, strict=True))
            day = record["date"]
            day = day.date() if isinstance(day, (pd.Timestamp, dt.datetime)) else day
            if not isinstance(day, dt.date) or day > as_of:
                continue
            key = (str(record["project"]), str(record["indicator"]).strip(), str(record["period"]))
            if key not in latest or day >= latest[key]["date"]:
                latest[key] = {**record, "date": day}
    out = []
    for (project, indicator, period), record in latest.items():
        day = record["date"]
        if period not in PERIODS or not in_period(period, day, as_of):
            continue
        target, actual = _number(record["target"]), _number(record["actual"])
        achievement = actual / target if target > 0 else None
        progress = period_progress(period, day, mode, holidays)
        row = record.get("_row")
        out.append(Indicator(project, indicator, period, day, target, actual, achievement, progress,
                             pace(achievement, progress, tolerance), int(row) if row is not None else None))
    return sorted(out, key=lambda i: (i.project, PERIODS.index(i.period), i.indicator))


def is_new(start: dt.date | None, as_of: dt.date, new_days: int) -> bool:
    """A project is new until `new_days` days after its start (one not started yet is new; no start, not new)."""
    return start is not None and (as_of - start).days <= new_days


def behind_new_projects(indicators: Iterable[Indicator], projects: list[dict[str, Any]], as_of: dt.date,
                        new_days: int) -> list[Indicator]:
    """The current indicators behind their pace of the open projects that are new; `projects` are the projects
    register's rows (metrics/registers.py project_rows)."""
    chosen = {p["id"] for p in projects if not p["closed"] and is_new(p["start"], as_of, new_days)}
    return [i for i in indicators if i.behind and i.project in chosen]
