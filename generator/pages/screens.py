"""Bulletin screens: full-screen slides for the TVs on the office walls.

The page holds every slide; static/screen.js rotates them, keeps the clock, and reloads when a new
build is published. Slides with nothing to show are left out here, so a screen never shows a blank.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..charts import Chart
from ..errors import TrackboardError, say
from ..formats import Formatter
from ..i18n import Translator
from ..inputs.content import Document
from ..metrics.battle import BattleReport
from ..metrics.kpis import UnitTree, daily_totals, leaderboard
from ..metrics.scope import meant_for, reaches
from ..render import Page
from .campaigns import screen_items
from .chartfiles import ChartFile
from .context import Context, Section
from .tables import Col, Table, clean, row_items
from .talks import screen_award_items

DEFAULT_SCREEN = {"name": "", "title": "", "slides": ["kpis", "leaderboard", "battle", "notices", "chart"],
                  "seconds": 15, "refresh_seconds": 60}
BATTLE_DAYS = 7  # battle reports of the last week make the battle slide
TOP = 10
LONG_TEXT = 28  # characters of a title shown before it is shortened with an ellipsis


def whole(value: object) -> int | None:
    """A rank as a whole number (ranks come as floats from pandas: 1.0 would read as a decimal on the TV)."""
    number = clean(value)
    return None if number is None else int(number)


def shorten(text: object, limit: int = LONG_TEXT) -> str:
    """Shorten a long title gracefully: cut at the limit and add an ellipsis."""
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _slides(kinds: list[str], tops: list[dict[str, Any]], people: pd.DataFrame, units: pd.DataFrame,
            tree: UnitTree, reports: list[BattleReport], notices: list[Document], as_of: dt.date,
            chart: ChartFile | None, awards: list[dict[str, Any]],
            campaigns: list[dict[str, Any]]) -> list[dict[str, Any]]:
    recent = [r for r in reports if (as_of - r.date).days < BATTLE_DAYS]
    sales_force = people[people["role"].isin(["agent", "supervisor"]) & people["employed"]] if not people.empty \
        else people
    teams = units.loc[[u for u in units.index if not tree.children.get(u)]] if not units.empty else units
    slides: list[dict[str, Any]] = []
    for kind in kinds:
        if kind == "kpis" and tops:
            first = tops[0]["id"]
            children = [{"name": shorten(units.loc[c, "name"], 10), "value": clean(units.loc[c, "premium_mtd"]),
                         "achievement": clean(units.loc[c, "achievement_mtd"])}
                        for c in tree.children.get(first, []) if c in units.index][:6]
            slides.append({"kind": kind, "units": tops[:1], "children": children})
        elif kind == "leaderboard" and not sales_force.empty:
            top_people = leaderboard(sales_force, "premium_mtd", top=TOP)
            top_teams = leaderboard(teams, "premium_mtd", top=TOP)
            unit_names = units["name"].to_dict()
            slides.append({"kind": kind, "people": [
                {"rank": whole(r["rank"]), "name": shorten(r["name"], 8),
                 "unit": shorten(unit_names.get(r["unit"], r["unit"]), 10), "value": clean(r["premium_mtd"])}
                for _, r in top_people.iterrows() if (clean(r["premium_mtd"]) or 0) > 0],
                "teams": [{"rank": whole(r["rank"]), "name": shorten(r["name"], 10), "value": clean(r["premium_mtd"])}
                          for _, r in top_teams.iterrows()]})
        elif kind == "battle" and recent:
            slides.append({"kind": kind, "reports": recent[:4]})
        elif kind == "notices" and notices:
            slides.append({"kind": kind, "notices": notices[:6]})
        elif kind == "chart" and chart is not None:
            slides.append({"kind": kind, "chart": chart})
        elif kind == "awards" and awards:
            slides.append({"kind": kind, "awards": awards})
        elif kind == "campaign":  # a slide for each running campaign
            slides.extend({"kind": kind, "campaign": item} for item in campaigns)
    return [s for s in slides if _has_content(s)]


def _has_content(slide: dict[str, Any]) -> bool:
    if slide["kind"] == "leaderboard":
        return bool(slide["people"] or slide["teams"])
    return True


def _trend_chart(tables: dict[str, pd.DataFrame], unit: dict[str, Any], path: str, as_of: dt.date, t: Translator,
                 fmt: Formatter) -> ChartFile:
    """The 30-day trend of a unit, for the chart slide."""
    trend = daily_totals(tables, as_of, unit=unit["id"], days=30)
    data = [{"date": d.date().isoformat(), "premium": round(float(v), 2)}
            for d, v in zip(trend["date"], trend["premium"], strict=True)]
    title = f"{unit['name']} · {t('chart.trend')}"
    best = max(data, key=lambda r: r["premium"]) if data else None
    best_day = fmt.date(dt.date.fromisoformat(best["date"])) if best and best["premium"] else "—"
    summary = t("chart.trend_summary", days=len(data), total=fmt.money(sum(r["premium"] for r in data)),
                best=best_day)
    table = Table("screen-chart", title, [Col("date", t("kpi.date")), Col("premium", t("kpi.premium"), "money")],
                  data, csv=False)
    # In the screens' dark colours: a white chart on a dark wall screen dazzles from across the room.
    return ChartFile(path, Chart("trend", title, data, summary, theme="dark"), table)


def report_for(report: BattleReport, unit: str, tree: UnitTree) -> bool:
    """Whether a unit's screen shows a battle report: one meant for units (`units`) when it reaches this one, else
    one of this unit's subtree (or of no unit: the whole site's)."""
    if report.units:
        return reaches(report.units, [unit], tree)
    return report.unit_id is None or report.unit_id in tree.descendants(unit)


def screen_pages(screens: list[dict[str, Any]], people: pd.DataFrame, units: pd.DataFrame, tree: UnitTree,
                 tables: dict[str, pd.DataFrame], reports: list[BattleReport], notices: list[Document],
                 as_of: dt.date, t: Translator, fmt: Formatter, site_title: str,
                 awards: list[dict[str, Any]] | None = None, campaigns: list[dict[str, Any]] | None = None
                 ) -> tuple[list[Page], list[ChartFile]]:
    """The default screen at screen/ and one page per configured screen at screen/<name>/. A screen with a `unit`
    shows that unit's subtree only: its figures and chart, its people and teams, its battle reports, the notices
    meant for it and its people's awards."""
    pages: list[Page] = []
    charts: list[ChartFile] = []
    for screen in [DEFAULT_SCREEN, *screens]:
        path = f"screen/{screen['name']}/index.html" if screen["name"] else "screen/index.html"
        unit = screen.get("unit") or None
        if unit is None:
            tops = [{**{k: clean(v) for k, v in row_items(units, u)}, "id": u} for u in tree.order
                    if tree.depth[u] == 0 and u in units.index]
            scoped_units, scoped_people, shown, said, won = units, people, reports, notices, awards or []
            chart_path = "screen/trend.svg"
        else:
            inside = tree.descendants(unit)
            tops = [{**{k: clean(v) for k, v in row_items(units, unit)}, "id": unit}] if unit in units.index else []
            scoped_units = units.loc[[u for u in inside if u in units.index]] if not units.empty else units
            scoped_people = people[people["unit"].isin(inside)] if not people.empty else people
            shown = [r for r in reports if report_for(r, unit, tree)]
            said = [n for n in notices if meant_for(n, [unit], tree)]
            won = [a for a in awards or [] if a["person"] in scoped_people.index]
            chart_path = f"screen/{screen['name']}/trend.svg"
        chart = _trend_chart(tables, tops[0], chart_path, as_of, t, fmt) if tops else None
        if chart is not None and chart.path not in {c.path for c in charts}:
            charts.append(chart)
        slides = _slides(list(screen["slides"]), tops, scoped_people, scoped_units, tree, shown, said, as_of, chart,
                         won, campaigns or [])
        pages.append(Page(path, "screen.html", screen["title"] or site_title, "screen", {
            "screen": screen, "slides": slides, "battle_keys": [r.key for r in shown[:20]],
            "others": [s for s in screens if s["name"] != screen["name"]],
        }))
    return pages, charts


def check_screens(screens: list[dict[str, Any]], tree: UnitTree, scoped: bool) -> list[dict[str, Any]]:
    """The screens to make: a screen's `unit` must be a unit id (an error naming the setting when not); in a
    scoped build (a profile's `units`), a screen of a unit outside the scope is left out."""
    kept = []
    for index, screen in enumerate(screens):
        unit = screen.get("unit")
        if unit and unit not in tree.parent:
            if scoped:
                continue
            raise TrackboardError(say("cli.screen_unit", number=index + 1, name=screen["name"], unit=unit))
        kept.append(screen)
    return kept


def build(ctx: Context) -> Section | None:
    """screen/: a page per screen of site.toml's [[screens]]."""
    if not ctx.wants("screen"):
        return None
    screens = check_screens(ctx.config["screens"], ctx.tree, bool(ctx.site.profile.get("units")))
    pages, charts = screen_pages(screens, ctx.people, ctx.units, ctx.tree, ctx.tables, ctx.reports,
                                 ctx.notices, ctx.as_of, ctx.t, ctx.fmt, ctx.config["site"]["title"],
                                 awards=screen_award_items(ctx),
                                 campaigns=screen_items(ctx) if "campaign" in _kinds(ctx) else [])
    return Section("screen", "screen/", pages, charts=charts)


def _kinds(ctx: Context) -> set[str]:
    """The slide kinds some screen shows."""
    return {kind for screen in [DEFAULT_SCREEN, *ctx.config["screens"]] for kind in screen["slides"]}
