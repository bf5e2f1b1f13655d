"""The trackers held to account, on tracking/ and the unit pages: their forecasts against what happened this month
(MAPE and bias, per tracker and per unit), and each tracker's scorecard — the three-calls-three-texts standard,
the log's completeness and the results of the units they follow (the seed: the tracker shares the unit's
results).

The computations are in metrics/daily.py (forecast_checks, forecast_accuracy) and metrics/tracking.py
(tracker_days, tracker_scorecard); here they become tables.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..formats import Formatter
from ..i18n import Translator
from ..metrics import daily as daily_metrics
from ..metrics import tracking as tracking_metrics
from ..metrics.kpis import UnitTree, text_or_none
from .context import Context
from .links import unit_href
from .tables import Col, Table

LOOKBACK_WEEKS = 4  # a tracker follows the units they logged in the last four weeks (as the warning rule)


def month_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """This month to date: the span forecasts and scorecards are judged on."""
    return as_of.replace(day=1), as_of


def _names(frame: pd.DataFrame) -> dict[str, str]:
    return {str(i): str(text_or_none(n) or i) for i, n in zip(frame["id"], frame["name"], strict=True)}


def accuracy_columns(t: Translator, first: Col) -> list[Col]:
    return [first, Col("days", t("accuracy.days"), "number"), Col("scored", t("accuracy.scored"), "number"),
            Col("mape", t("accuracy.mape"), "percent"), Col("bias", t("accuracy.bias"), "percent"),
            Col("forecast", t("accuracy.forecast"), "money"), Col("actual", t("accuracy.actual"), "money")]


def rule_text(t: Translator, fmt: Formatter, as_of: dt.date) -> str:
    first, last = month_window(as_of)
    return t("accuracy.rule", first=fmt.date(first, year=True), last=fmt.date(last, year=True))


def accountability(ctx: Context) -> dict[str, Any]:
    """tracking/'s forecast accuracy (per tracker, per unit) and the trackers' scorecard, with their rules."""
    t, as_of = ctx.t, ctx.as_of
    first, last = month_window(as_of)
    people, units = _names(ctx.tables["people"]), _names(ctx.tables["units"])
    checks = daily_metrics.forecast_checks(ctx.tables, first, last)
    by_tracker = daily_metrics.forecast_accuracy(checks, "tracker")
    link_units = ctx.wants("units")
    trackers = Table("forecast-accuracy-trackers", t("accuracy.by_tracker"),
                     accuracy_columns(t, Col("tracker_name", t("tracking.tracker"))),
                     [{**r, "tracker_name": people.get(r["tracker"], r["tracker"])} for r in by_tracker])
    unit_rows = [{**r, "unit_name": units.get(r["unit"], r["unit"]),
                  "_href": unit_href(r["unit"]) if link_units else None}
                 for r in daily_metrics.forecast_accuracy(checks, "unit")]
    per_unit = Table("forecast-accuracy-units", t("accuracy.by_unit"),
                     accuracy_columns(t, Col("unit_name", t("tracking.unit"))), unit_rows)
    return {"rule": rule_text(t, ctx.fmt, as_of), "trackers": trackers, "units": per_unit,
            "scorecard": _scorecard(ctx, first, last, by_tracker, people, units),
            "scorecard_rule": t("scorecard.rule", calls=ctx.config["rules"]["tracker_calls"],
                                sms=ctx.config["rules"]["tracker_sms"], weeks=LOOKBACK_WEEKS)}


def _outermost(units: list[str], tree: UnitTree) -> list[str]:
    """The units not below another of them: their results add up without counting a team twice."""
    chosen = set(units)
    return [u for u in units if not any(a in chosen for a in tree.ancestors(u)[:-1])]


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _scorecard(ctx: Context, first: dt.date, last: dt.date, accuracy: list[dict[str, Any]], people: dict[str, str],
               units: dict[str, str]) -> Table:
    t, rules = ctx.t, ctx.config["rules"]
    since, _ = tracking_metrics.recent_weeks(last, LOOKBACK_WEEKS)
    days = tracking_metrics.tracker_days(ctx.tables["tracking"], first, last, rules["tracker_calls"],
                                         rules["tracker_sms"], pairs_since=since)
    cards = tracking_metrics.tracker_scorecard(ctx.tables["tracking"], days, first, last)
    by_tracker = {r["tracker"]: r for r in accuracy}
    kpis = ctx.units
    rows = []
    for card in cards:
        tracker = str(card["tracker"])
        followed = [u for u in card["units"] if u in kpis.index] if not kpis.empty else []
        outer = _outermost(followed, ctx.tree)
        premium = float(kpis.loc[outer, "premium_mtd"].sum()) if outer else None
        target = float(kpis.loc[outer, "target_month"].fillna(0).sum()) if outer else None
        entries, met, logged, filled = (int(card[k]) for k in ("entries", "met", "logged", "filled"))
        accuracy_row = by_tracker.get(tracker, {})
        rows.append({
            "tracker_name": people.get(tracker, tracker),
            "units": t("sep.list").join(units.get(u, u) for u in card["units"]),
            "entries": entries, "met": met, "compliance": _share(met, entries), "logged": logged,
            "completeness": _share(logged, entries), "filled": _share(filled, logged),
            "mape": accuracy_row.get("mape"), "bias": accuracy_row.get("bias"),
            "premium_mtd": premium, "target_month": target or None,
            "achievement_mtd": premium / target if premium is not None and target else None,
            "_class": "flag" if met < entries else None,
        })
    return Table("tracker-scorecard", t("scorecard.title"), [
        Col("tracker_name", t("tracking.tracker")), Col("units", t("scorecard.units")),
        Col("entries", t("scorecard.entries"), "number"), Col("met", t("scorecard.met"), "number"),
        Col("compliance", t("scorecard.compliance"), "percent"), Col("logged", t("tracking.logged"), "number"),
        Col("completeness", t("scorecard.completeness"), "percent"), Col("filled", t("scorecard.filled"), "percent"),
        Col("mape", t("accuracy.mape"), "percent"), Col("bias", t("accuracy.bias"), "percent"),
        Col("premium_mtd", t("kpi.premium_mtd"), "money"), Col("target_month", t("kpi.target_month"), "money"),
        Col("achievement_mtd", t("kpi.achievement_mtd"), "percent")], rows)


def unit_forecast_tables(tables: dict[str, pd.DataFrame], as_of: dt.date, t: Translator
                         ) -> dict[str, Table]:
    """For each unit with trackers' forecasts this month: its accuracy, then each tracker's part, as a table."""
    first, last = month_window(as_of)
    checks = daily_metrics.forecast_checks(tables, first, last)
    if checks.empty:
        return {}
    people = _names(tables["people"])
    rows: dict[str, list[dict[str, Any]]] = {}
    for r in daily_metrics.forecast_accuracy(checks, "unit"):
        rows[r["unit"]] = [{**r, "who": t("accuracy.all_trackers"), "_class": "level-0"}]
    for r in daily_metrics.forecast_accuracy(checks, "pair"):
        rows[r["unit"]].append({**r, "who": people.get(r["tracker"], r["tracker"])})
    return {unit: Table("forecast-accuracy", t("accuracy.title"), accuracy_columns(t, Col("who", t("accuracy.who"))),
                        found) for unit, found in rows.items()}
