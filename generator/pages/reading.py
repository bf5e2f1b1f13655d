"""What makes a page read at a glance: a 30-day trend drawn inline, the divisions' progress against target beside
the time progress, a calendar of the daily reports, and the day's top sellers."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ..formats import Formatter
from ..i18n import Translator
from .context import BoardItem, Pacing
from .links import person_href
from .tables import clean, index_dicts

# The board's counts, most severe first (a severity not listed sorts with warnings).
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}

# The inline trend's drawing box: one bar a day, a gap between.
BAR_WIDTH, BAR_GAP, TREND_HEIGHT = 8, 2, 60


def trend_bars(totals: pd.DataFrame, fmt: Formatter, t: Translator) -> dict[str, Any]:
    """A 30-day trend (daily_totals' frame: date, premium) as bars for an inline SVG, with its summary in words.

    Drawn as SVG attributes, not styles (the pages' content security policy allows no inline style), and in
    the page itself: a chart file per day would be a year of charts for a year of daily reports."""
    days = [d.date() for d in totals["date"]]
    values = [float(v) for v in totals["premium"].fillna(0.0)]
    top = max(values, default=0.0)
    bars = []
    for i, (day, value) in enumerate(zip(days, values, strict=True)):
        height = round(value / top * TREND_HEIGHT, 1) if top > 0 and value > 0 else 0.0
        bars.append({"x": i * (BAR_WIDTH + BAR_GAP), "y": round(TREND_HEIGHT - height, 1), "height": height,
                     "label": f"{fmt.date(day)} {fmt.money(value)}"})
    best = days[values.index(top)] if top > 0 else None
    summary = t("chart.trend_summary", days=len(days), total=fmt.money(sum(values)),
                best=fmt.date(best) if best else "—")
    return {"bars": bars, "width": max(len(bars) * (BAR_WIDTH + BAR_GAP) - BAR_GAP, 1), "height": TREND_HEIGHT,
            "bar_width": BAR_WIDTH, "summary": summary, "first": fmt.date(days[0]) if days else "",
            "last": fmt.date(days[-1]) if days else "", "top": fmt.money(top)}


def progress_rows(units: pd.DataFrame, ids: list[str], pacing: Pacing) -> list[dict[str, Any]]:
    """The divisions' month against target: premium, target, achievement (the bar, capped at 100%) and pace."""
    rows = []
    values = index_dicts(units.loc[ids, ["name", "premium_mtd", "target_month", "achievement_mtd"]])
    for unit_id in ids:
        row = values[unit_id]
        rate = row["achievement_mtd"]
        rate = None if rate != rate else float(rate)
        rows.append({"id": unit_id, "name": clean(row["name"]), "premium": float(row["premium_mtd"]),
                     "target": None if row["target_month"] != row["target_month"] else float(row["target_month"]),
                     "rate": rate, "bar": round(min(rate, 1.0) * 100, 1) if rate is not None else 0.0,
                     "status": pacing.status(rate)})
    return rows


def month_calendar(day: dt.date, report_days: set[dt.date]) -> list[list[dict[str, Any]]]:
    """The weeks (Monday first) of `day`'s month; each day links to its report when there is one."""
    weeks = []
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(day.year, day.month):
        weeks.append([{"day": d.day if d.month == day.month else None, "iso": d.isoformat(),
                       "href": f"daily/{d.isoformat()}/" if d.month == day.month and d in report_days else None,
                       "current": d == day} for d in week])
    return weeks


def day_top(people: pd.DataFrame, top: int, show_people: bool) -> list[dict[str, Any]]:
    """The day's best sellers: premium of the day, highest first, those who sold nothing left out."""
    premium = people["premium_day"].to_numpy(dtype="float64", na_value=np.nan)
    # The leaderboard of those who sold (see kpis.leaderboard): by premium, highest first, ties by id, with a
    # competition rank; worked out on the few who can be in the top, not on a frame of everyone.
    sold = np.flatnonzero(premium > 0)
    if len(sold) > top:
        sold = sold[premium[sold] >= np.partition(premium[sold], -top)[-top]] if top > 0 else sold[:0]
    ids = [str(pid) for pid in people.index[sold]]
    order = sorted(range(len(sold)), key=lambda i: (-premium[sold[i]], ids[i]))[:top]
    names, units, cases = (people[column].to_numpy(dtype=object) for column in ("name", "unit_name", "cases_day"))
    rows = []
    for i in order:
        at, value = sold[i], premium[sold[i]]
        rows.append({"rank": 1 + int(np.count_nonzero(premium[sold] > value)), "name": clean(names[at]),
                     "unit_name": clean(units[at]), "premium_day": float(value), "cases_day": int(cases[at]),
                     "_href": person_href(ids[i]) if show_people else None})
    return rows


def board_groups(items: list[BoardItem]) -> tuple[list[BoardItem], list[BoardItem]]:
    """The board's counts as (things to act on, most severe and then most numerous first; information), each
    without the zeros: a list of "0" reads as noise and hides the count that matters."""
    shown = [item for item in items if item.count]
    alerts = sorted((i for i in shown if i.severity != "info"),
                    key=lambda i: (SEVERITY_ORDER.get(i.severity, 1), -i.count))
    return alerts, [i for i in shown if i.severity == "info"]
