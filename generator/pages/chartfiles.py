"""A chart shown on a page (ChartFile), and the charts of unit and person pages.

A chart is drawn as an SVG file beside its page and always comes with its data as a table: the text
alternative for readers who cannot see it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..charts import Chart
from ..formats import Formatter
from ..i18n import Translator
from .tables import Col, Table, clean


@dataclass(frozen=True)
class ChartFile:
    """A chart shown on a page, written as an SVG file beside it."""

    path: str  # e.g. "units/HD01/trend.svg"
    chart: Chart
    table: Table  # the chart's data as a table: its text alternative


def trend_chart(fmt: Formatter, path: str, data: list[dict[str, Any]], title: str, t: Translator) -> ChartFile:
    """A 30-day trend from rows {"date": "YYYY-MM-DD", "premium": float}."""
    total = sum(r["premium"] for r in data)
    best = max(data, key=lambda r: r["premium"]) if data else None
    summary = t("chart.trend_summary", days=len(data), total=fmt.money(total),
                best=fmt.date(dt.date.fromisoformat(best["date"])) if best and best["premium"] else "—")
    table = Table("trend-data", title, [Col("date", t("kpi.date")), Col("premium", t("kpi.premium"), "money")], data,
                  csv=False)
    return ChartFile(path, Chart("trend", title, data, summary), table)


def iso_dates(dates: pd.Series) -> list[str]:
    """Each date of a datetime column as YYYY-MM-DD (its day, as Timestamp.date().isoformat() gives it)."""
    return np.datetime_as_string(dates.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"), unit="D").tolist()


def cumulative_chart(fmt: Formatter, path: str, mtd: pd.DataFrame, title: str, t: Translator) -> ChartFile:
    missing = [None] * len(mtd)
    data = [{"date": day, "cumulative": clean(cumulative), "target": clean(target)}
            for day, cumulative, target in zip(iso_dates(mtd["date"]), *(
                mtd[column].tolist() if column in mtd.columns else missing for column in ("cumulative", "target")),
                strict=True)]
    last = next((r for r in reversed(data) if r["cumulative"] is not None), None)
    target = next((r["target"] for r in reversed(data) if r["target"] is not None), None)
    summary = t("chart.cumulative_summary", date=fmt.date(dt.date.fromisoformat(last["date"])) if last else "—",
                value=fmt.money(last["cumulative"] if last else 0), target=fmt.money(target))
    columns = [Col("date", t("kpi.date")), Col("cumulative", t("kpi.premium_mtd"), "money"),
               Col("target", t("kpi.target_line"), "money")]
    table = Table("cumulative-data", title, columns, data, csv=False)
    return ChartFile(path, Chart("cumulative", title, data, summary), table)


def compare_chart(fmt: Formatter, path: str, children: pd.DataFrame, title: str, t: Translator) -> ChartFile:
    data: list[dict[str, Any]] = [
        {"name": str(row["name"]), "premium": round(float(clean(row["premium_mtd"]) or 0), 2)}
        for _, row in children.iterrows()]
    top = max(data, key=lambda r: r["premium"]) if data else None
    summary = t("chart.compare_summary", count=len(data), top=top["name"] if top else "—")
    table = Table("compare-data", title, [Col("name", t("kpi.unit")), Col("premium", t("kpi.premium_mtd"), "money")],
                  data, csv=False)
    return ChartFile(path, Chart("compare", title, data, summary), table)
