"""The current targets of every kind shown on unit and person pages: premium, FYC, cases and manpower, by month,
week or span of dates, each with its actual to date, achievement and time elapsed (metrics/targets.py)."""

from __future__ import annotations

from typing import Any

from ..metrics.targets import current_targets
from .context import Context
from .tables import Col, Table, clean, row_dicts


def _kind(metric: str) -> str:
    return "money" if metric in ("premium", "fyc") else "number"


def target_tables(ctx: Context) -> dict[tuple[str, str], Table]:
    """Each owner's current targets as a table, by (owner kind, owner id): ("unit", "HD01"), ("person", "P0001")."""
    t, fmt = ctx.t, ctx.fmt
    found = current_targets(ctx.tables, ctx.as_of)
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in row_dicts(found):
        metric = str(row["metric"])
        kind = _kind(metric)
        # Values of different metrics share the target and actual columns: shown as text each in its own format.
        shown = fmt.money if kind == "money" else fmt.number
        rows.setdefault((str(row["owner_kind"]), str(row["owner"])), []).append({
            "metric": t(f"targets.metric.{metric}"), "period": _period_text(ctx, row),
            "target": shown(clean(row["target"])), "actual": shown(clean(row["actual"])),
            "achievement": clean(row["achievement"]), "time_progress": clean(row["time_progress"]),
        })
    columns = [Col("metric", t("targets.metric")), Col("period", t("targets.period")),
               Col("target", t("targets.target")), Col("actual", t("targets.actual")),
               Col("achievement", t("targets.achievement"), "percent"),
               Col("time_progress", t("targets.time_progress"), "percent")]
    # No CSV beside it: its target and actual columns mix money and counts, written as shown.
    return {owner: Table("targets", t("targets.title"), columns, items, csv=False) for owner, items in rows.items()}


def _period_text(ctx: Context, row: dict[str, Any]) -> str:
    period = str(row["period"])
    first, last = row["first"], row["last"]
    if "-W" in period:
        return ctx.t("targets.week", year=int(period[:4]), week=int(period[6:]), first=ctx.fmt.date(first),
                     last=ctx.fmt.date(last))
    if ".." in period:
        return ctx.t("targets.span", first=ctx.fmt.date(first), last=ctx.fmt.date(last))
    return ctx.t("targets.month", year=first.year, month=first.month)
