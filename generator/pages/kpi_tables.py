"""KPI tables: the columns of the unit and person tables, and the rows of a KPI frame.

The unit pages, the person pages, the leaderboard and the daily reports show the same KPIs: their columns are
named here once, so that every table of a unit or a person reads alike.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..formats import Formatter
from ..i18n import Translator
from .tables import Col, clean


def achievement_column(t: Translator, fmt: Formatter | None = None, progress: float | None = None) -> Col:
    """The month's achievement rate, read against the time progress of the table's day (named in the header:
    one figure for the table, not one per row)."""
    label = t("kpi.achievement_mtd")
    if fmt is not None and progress is not None:
        label = t("pace.column", rate=label, progress=fmt.percent(progress))
    return Col("achievement_mtd", label, "pace", progress=progress)


def unit_columns(t: Translator, fmt: Formatter | None = None, progress: float | None = None) -> list[Col]:
    return [
        Col("name", t("kpi.unit")), Col("premium_day", t("kpi.premium_day"), "money"),
        Col("premium_wtd", t("kpi.premium_wtd"), "money"), Col("premium_mtd", t("kpi.premium_mtd"), "money"),
        Col("premium_ytd", t("kpi.premium_ytd"), "money"), Col("target_month", t("kpi.target_month"), "money"),
        achievement_column(t, fmt, progress), Col("cases_mtd", t("kpi.cases_mtd"), "number"),
        Col("headcount", t("kpi.headcount"), "number"), Col("active_mtd", t("kpi.active_mtd"), "number"),
        Col("activity_rate", t("kpi.activity_rate"), "percent"),
        Col("per_capita_mtd", t("kpi.per_capita_mtd"), "money"), Col("zero_mtd", t("kpi.zero_mtd"), "number"),
        Col("change_day", t("kpi.change_day"), "change"), Col("rank_in_parent", t("kpi.rank_in_parent"), "rank"),
    ]


def person_columns(t: Translator, fmt: Formatter | None = None, progress: float | None = None) -> list[Col]:
    return [
        Col("name", t("kpi.person")), Col("premium_day", t("kpi.premium_day"), "money"),
        Col("premium_wtd", t("kpi.premium_wtd"), "money"), Col("premium_mtd", t("kpi.premium_mtd"), "money"),
        Col("premium_ytd", t("kpi.premium_ytd"), "money"), Col("fyc_mtd", t("kpi.fyc_mtd"), "money"),
        Col("cases_mtd", t("kpi.cases_mtd"), "number"), Col("target_month", t("kpi.target_month"), "money"),
        achievement_column(t, fmt, progress),
        Col("rank_in_unit", t("kpi.rank_in_unit"), "rank"),
    ]


def records(frame: pd.DataFrame, href: Any = None, columns: list[Col] | None = None,
            extra: tuple[str, ...] = ("level", "unit", "name")) -> list[dict[str, Any]]:
    """Rows of a KPI frame as plain dicts, with the id and an optional link.

    With `columns`, only those (and `extra`) are converted: a KPI frame has dozens of columns.
    """
    names = list(frame.columns) if columns is None else list(dict.fromkeys(
        [c.key for c in columns if c.key in frame.columns] + [k for k in extra if k in frame.columns]))
    # Column by column (a year of daily reports makes millions of cells), each without a frame of them all.
    values = [_plain(frame[name]) for name in names]
    out = []
    for key, row in zip(frame.index, zip(*values) if names else ((),) * len(frame), strict=True):
        item = dict(zip(names, row))
        item["id"] = key
        if href is not None:
            item["_href"] = href(key)
        out.append(item)
    return out


def _plain(column: pd.Series) -> list[Any]:
    """A column's values as plain Python (see tables.clean): a float column's NaN None, numbers and booleans as
    they are, anything else cleaned value by value."""
    dtype = column.dtype
    if dtype == np.float64:
        numbers = column.to_numpy()
        values = numbers.astype(object)
        values[np.isnan(numbers)] = None
        return values.tolist()
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        return column.to_numpy().tolist()
    return [clean(v) for v in column.astype(object).tolist()]
