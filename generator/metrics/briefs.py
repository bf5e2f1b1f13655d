"""The morning brief of a unit: its figures against target and time, yesterday's forecast against the day,
its people and child units ranked, and the booklet's item of the day. Pure functions of the tables and a date."""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, TypeVar

import pandas as pd

from .daily import Forecast, forecasts
from .kpis import days_in_month, month_targets
from .memo import Derived, derived_of
from .pace import time_progress

_T = TypeVar("_T")

# A Monday: working days (Monday to Friday) are counted from it, so the booklet's rota never depends on the
# data's first date or on when the site was first built.
ROTA_EPOCH = dt.date(2001, 1, 1)


def year_progress(day: dt.date) -> float:
    """How far through its year `day` is: days elapsed (the day included) ÷ days in the year."""
    return day.timetuple().tm_yday / (366 if calendar.isleap(day.year) else 365)


def working_day_number(day: dt.date) -> int:
    """The number of working days (Monday to Friday) from ROTA_EPOCH to `day`; a Saturday or Sunday counts as
    the Friday before it (a weekend keeps Friday's item)."""
    weeks, weekday = divmod((day - ROTA_EPOCH).days, 7)
    return weeks * 5 + min(weekday, 4)


def of_the_day(items: Sequence[_T], day: dt.date) -> _T | None:
    """The item of a rota for `day`: one a working day, in the order given, starting again after the last."""
    if not items:
        return None
    return items[working_day_number(day) % len(items)]


def year_target(tables: dict[str, pd.DataFrame], day: dt.date, unit: str) -> float:
    """The premium target of `unit` for `day`'s year: its months' targets added up; NaN when no month has one."""
    targets = tables["targets"]
    derived = derived_of(tables)
    years = derived.memo("briefs.year_targets").get((targets,), dict)
    if day.year not in years:
        years[day.year] = _year_targets(targets, day.year, derived)
    return years[day.year].get(unit, math.nan)


def _year_targets(targets: pd.DataFrame, year: int, derived: Derived) -> dict[str, float]:
    """Every unit's year target (see year_target) that is not NaN, added up month by month: once per year, for the
    briefs of every unit and day."""
    given: dict[str, list[float]] = {}
    for month in range(1, 13):
        for unit, value in month_targets(targets, f"{year:04d}-{month:02d}", "unit", derived).items():
            if value is not None and not pd.isna(value):
                given.setdefault(str(unit), []).append(float(value))
    return {unit: sum(values) for unit, values in given.items()}


def ratio(value: float, whole: float) -> float:
    """value ÷ whole, NaN when whole is missing or not positive."""
    return value / whole if whole == whole and whole > 0 else math.nan


def figures(row: dict, tables: dict[str, pd.DataFrame], day: dt.date, unit: str) -> list[dict]:
    """A unit's day, month and year premium (from its KPI row on `day`) against target and time progress.

    Each: period, actual, target, achievement (actual ÷ target) and progress (the share of the period gone; for
    the day, the target is the month's spread evenly over its days and the day is wholly gone)."""
    month = float(row["target_month"]) if row["target_month"] is not None else math.nan
    daily = month / days_in_month(day) if month == month else math.nan
    year = year_target(tables, day, unit)
    out = []
    for period, actual, target, progress in (("day", row["premium_day"], daily, 1.0),
                                             ("month", row["premium_mtd"], month, time_progress(day)),
                                             ("year", row["premium_ytd"], year, year_progress(day))):
        value = float(actual or 0)
        out.append({"period": period, "actual": value, "target": target, "achievement": ratio(value, target),
                    "progress": progress})
    return out


def day_forecasts(tables: dict[str, pd.DataFrame], day: dt.date, units: list[str]) -> dict[str, Forecast]:
    """Each unit's forecast of `day`'s premium, made the day before (see daily.forecasts)."""
    return dict(zip(units, forecasts(tables, day - dt.timedelta(days=1), units), strict=True))


def forecast_check(found: Forecast, actual: float) -> dict:
    """A forecast of a day's premium against what the day made: forecast, source (tracker or model), actual,
    difference (actual − forecast) and hit (actual ÷ forecast)."""
    return {"forecast": found.value, "source": found.source, "actual": actual,
            "difference": round(actual - found.value, 2), "hit": ratio(actual, found.value)}


def ranked(items: list[tuple[str, dict[str, Any]]], column: str = "premium_mtd"
           ) -> list[tuple[int, str, dict[str, Any]]]:
    """(rank, id, row) of each (id, row), highest `column` first (none counts as 0), ties by id, with a
    competition rank (1, 1, 3)."""
    ordered = sorted(items, key=lambda item: (-(item[1][column] or 0), item[0]))
    out: list[tuple[int, str, dict[str, Any]]] = []
    for place, (key, row) in enumerate(ordered, 1):
        tied = out and (out[-1][2][column] or 0) == (row[column] or 0)
        out.append((out[-1][0] if tied else place, key, row))
    return out
