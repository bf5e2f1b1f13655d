"""posters/: the pictures to share in the work chat, one PNG each (see generator/posters.py for the drawing).

- posters/battle/<key>.png: a 喜报 for each battle report and big order (key: the report's, as on battle/);
- posters/daily/YYYY-MM-DD.png: the day's top ten by premium, for the most recent `[posters] days` report days;
- posters/stars/YYYY-MM.png: the month's stars (the awards the board shows).

The pages they belong to link them ("保存图片"): battle/, the daily reports and the board's awards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..branding import DEFAULT_PRIMARY, from_config
from ..metrics.kpis import person_kpis
from ..output import Output
from ..posters import PosterMaker, poster_days, poster_path
from .battle import report_title
from .context import Context, Section
from .daily import report_dates
from .talks import award_items

TOP = 10  # people on the day's poster

_CHUNK = 512  # posters drawn per call: enough batches for every core, few PNGs held at once


def battle_values(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """The 喜报 of every battle report: its path and what its template shows."""
    fmt, t = ctx.fmt, ctx.t
    return [(poster_path("battle", report.key), {
        "title": report_title(report, t, fmt.money), "person": report.person or "", "unit": report.unit or "",
        "amount": fmt.money(report.amount) if report.amount else "", "label": t("posters.battle_amount"),
        "date": fmt.long_date(report.date), "product": report.product or "",
    }) for report in ctx.reports]


def sellers(people: pd.DataFrame) -> pd.DataFrame:
    """The sales force who sold on the day (ranked as the leaderboard ranks)."""
    return people[people["sales_force"].fillna(False).astype(bool) & (people["premium_day"].fillna(0) > 0)]


def top_people(people: pd.DataFrame, count: int) -> pd.DataFrame:
    """The sellers of the day with the highest premium, highest first; ties by person id."""
    sold = sellers(people)
    return sold.assign(_id=sold.index.astype(str)).sort_values(["premium_day", "_id"], ascending=[False, True]
                                                                ).head(count)


def daily_values(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """The top-ten poster of each of the most recent report days."""
    fmt, t = ctx.fmt, ctx.t
    out = []
    for day in poster_days(report_dates(ctx.tables["sales"], ctx.as_of), int(ctx.config["posters"]["days"])):
        people = ctx.people if day == ctx.as_of and not ctx.people.empty else person_kpis(ctx.tables, day)
        sold = sellers(people)
        rows = [{"rank": rank, "name": str(row["name"] or pid), "unit": str(row["unit_name"] or ""),
                 "amount": fmt.money(row["premium_day"])}
                for rank, (pid, row) in enumerate(top_people(people, TOP).iterrows(), start=1)]
        total = t("posters.daily_total", amount=fmt.money(float(sold["premium_day"].sum())), count=len(sold))
        out.append((poster_path("daily", day.isoformat()), {"date": fmt.long_date(day), "rows": rows,
                                                            "total": total}))
    return out


def star_values(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """The stars poster of each month the board shows awards for."""
    months: dict[str, list[dict[str, Any]]] = {}
    for item in award_items(ctx):
        months.setdefault(item["period"], []).append({"title": item["title"], "name": item["name"],
                                                      "unit": item["unit"]})
    return [(poster_path("stars", period), {"month": ctx.fmt.month(dt.date(int(period[:4]), int(period[5:7]), 1)),
                                            "items": items}) for period, items in sorted(months.items())]


def build(ctx: Context) -> Section | None:
    """posters/: every poster the pages link to. No navigation entry: each is linked from its page."""
    if not ctx.wants("posters"):
        return None
    settings = ctx.config["posters"]
    branding = from_config(ctx.config["branding"])
    # A site's house colour is its posters' ground; the gold highlight stays, it reads on any dark colour.
    colours = {"primary": branding.primary} if branding.primary != DEFAULT_PRIMARY else None
    maker = PosterMaker(ctx.site.root, ctx.site.locale, int(settings["width"]), int(settings["height"]), colours)
    common = {"site_title": ctx.config["site"]["title"]}
    posters = [(path, kind, {**common, **value})
               for kind, wanted, values in (("battle", ctx.wants("battle"), battle_values),
                                            ("daily", ctx.wants("daily"), daily_values),
                                            ("stars", True, star_values)) if wanted
               for path, value in values(ctx)]
    files: list[Output] = []
    # A few hundred at a time, each PNG into the build's spool once drawn: a large site has thousands of posters.
    for start in range(0, len(posters), _CHUNK):
        chunk = posters[start:start + _CHUNK]
        drawn = maker.draw([(kind, value) for _, kind, value in chunk])
        files.extend(ctx.kept([Output(path, data) for (path, _, _), data in zip(chunk, drawn, strict=True)]))
    return Section("posters", None, files=files, table_files=False)
