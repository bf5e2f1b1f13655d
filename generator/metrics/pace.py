"""Time progress of the month and the pace of an achievement rate against it.

An achievement rate alone (月达成率 63.3%) does not say whether a team is on track: on the 20th of a 30-day
month two thirds of the time is gone, so 63.3% is a little behind. Every rate is read against the time
progress of its month, by calendar days or by working days as the site chooses ([rules] time_progress).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Collection
from typing import Literal

PROGRESS_MODES = ("calendar", "working_days")
Status = Literal["behind", "on_track", "ahead"]


def _working_days(first: dt.date, last: dt.date, holidays: Collection[dt.date]) -> int:
    """Monday to Friday from `first` to `last` (both included), holidays left out."""
    count = 0
    day = first
    while day <= last:
        if day.weekday() < 5 and day not in holidays:
            count += 1
        day += dt.timedelta(days=1)
    return count


def time_progress(as_of: dt.date, mode: str = "calendar", holidays: Collection[dt.date] = ()) -> float:
    """Return the share of `as_of`'s month that has passed by the end of `as_of` (0–1).

    calendar: the day of the month over the days in it (20 November: 20/30).
    working_days: working days (Monday to Friday, but `holidays`) up to and including `as_of` over those of the
    whole month; a month without a working day counts as over (1.0).
    """
    if mode not in PROGRESS_MODES:
        raise ValueError(f"unknown time progress mode {mode!r}; expected one of {', '.join(PROGRESS_MODES)}")
    days = calendar.monthrange(as_of.year, as_of.month)[1]
    if mode == "calendar":
        return as_of.day / days
    first, last = as_of.replace(day=1), as_of.replace(day=days)
    total = _working_days(first, last, holidays)
    if total == 0:
        return 1.0
    return _working_days(first, as_of, holidays) / total


def week_progress(day: dt.date, mode: str = "calendar", holidays: Collection[dt.date] = ()) -> float:
    """Return the share of `day`'s week (Monday–Sunday) passed by the end of `day` (0–1), counted as
    time_progress counts a month's; a week without a working day counts as over (1.0)."""
    if mode not in PROGRESS_MODES:
        raise ValueError(f"unknown time progress mode {mode!r}; expected one of {', '.join(PROGRESS_MODES)}")
    first = day - dt.timedelta(days=day.weekday())
    if mode == "calendar":
        return (day.weekday() + 1) / 7
    total = _working_days(first, first + dt.timedelta(days=6), holidays)
    if total == 0:
        return 1.0
    return _working_days(first, day, holidays) / total


def pace(achievement: float | None, progress: float, tolerance: float) -> Status | None:
    """Return how an achievement rate stands against the time progress (both shares, 0.633 for 63.3%).

    Within `tolerance` (a share: 0.05 for 5 percentage points) on either side is on track; below it is behind,
    above it ahead. None when there is no rate (no target).
    """
    if achievement is None or achievement != achievement:  # None or NaN: no target
        return None
    gap = achievement - progress
    # rounded, so that a rate exactly at the tolerance's edge is on track whatever the float error
    gap = round(gap, 9)
    if gap < -tolerance:
        return "behind"
    if gap > tolerance:
        return "ahead"
    return "on_track"


def still_needed(target: float | None, achieved: float) -> float | None:
    """The amount still needed to reach a target (还差): nothing once reached; None without a target."""
    if target is None or target != target:
        return None
    return max(float(target) - float(achieved), 0.0)


def days_left(as_of: dt.date) -> int:
    """The days of the month after `as_of` (its own sales are in)."""
    return calendar.monthrange(as_of.year, as_of.month)[1] - as_of.day


def daily_needed(target: float | None, achieved: float, as_of: dt.date) -> float | None:
    """The amount a day needed over the rest of the month to reach a target; None without a target or when the
    month has no day left."""
    needed = still_needed(target, achieved)
    left = days_left(as_of)
    if needed is None or left == 0:
        return None
    return needed / left
