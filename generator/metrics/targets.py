"""Targets of every kind: premium, FYC, cases and manpower, by month, week or span of dates, for units and people.

Pure functions of the tables and the as-of date. A target row covers its period: a month (YYYY-MM), an ISO week
(YYYY-Www, Monday to Sunday) or a span of dates (YYYY-MM-DD..YYYY-MM-DD, both days included). Several rows of the
same owner, metric and period add up. A target is current on the as-of date when its period holds that date.

Achievement of a current target: the actual from the period's first day to the as-of date ÷ the target; the
actual is the owner's premium, FYC or cases (a unit's: the people of it and below), or for manpower the unit's
headcount (sales force employed) on the as-of date. Time elapsed: days counted ÷ days of the period.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .kpis import days_in_month, org_of, text_or_none, window_sums
from .memo import derived_of

KINDS = ("premium", "fyc", "cases", "manpower")
MONEY = ("premium", "fyc")
COLUMNS = ["owner_kind", "owner", "metric", "period", "first", "last", "target", "actual", "achievement",
           "elapsed", "days", "time_progress"]


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a target period in its canonical form (see inputs/coerce.py parse_span)."""
    if ".." in period:
        start, end = period.split("..")
        return dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if "-W" in period:
        monday = dt.date.fromisocalendar(int(period[:4]), int(period[6:]), 1)
        return monday, monday + dt.timedelta(days=6)
    first = dt.date(int(period[:4]), int(period[5:7]), 1)
    return first, first.replace(day=days_in_month(first))


def _rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every target row with its owner (a person's row is the person's, else the unit's), summed per owner, metric
    and period, with the period's first and last day; once per targets table."""
    targets = tables["targets"]

    def build() -> pd.DataFrame:
        person = targets["person"].map(text_or_none)
        unit = targets["unit"].map(text_or_none)
        frame = pd.DataFrame({
            "owner_kind": np.where(person.notna(), "person", "unit"),
            "owner": person.where(person.notna(), unit).astype(object),
            "metric": targets["metric"].astype(object), "period": targets["period"].astype(object),
            "target": targets["target"].astype("float64"),
        })
        frame = frame[frame["owner"].notna()]
        summed = frame.groupby(["owner_kind", "owner", "metric", "period"], sort=True)["target"].sum().reset_index()
        bounds = [period_bounds(str(p)) for p in summed["period"]]
        summed["first"] = [b[0] for b in bounds]
        summed["last"] = [b[1] for b in bounds]
        return summed

    return derived_of(tables).memo("targets.rows").get((targets,), build)


def current_targets(tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    """Every target whose period holds `as_of`, with its actual to date, achievement and time elapsed (COLUMNS),
    ordered by owner kind (units first), owner, metric (KINDS order) and period start."""
    rows = _rows(tables)
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    now = rows[(rows["first"] <= as_of) & (rows["last"] >= as_of)].copy()
    if now.empty:
        return pd.DataFrame(columns=COLUMNS)
    org = org_of(tables)
    position = {u: i for i, u in enumerate(org.order)}
    index = org.index
    person_at = {p: i for i, p in enumerate(index)}
    windows = {str(first): (first, as_of) for first in sorted(set(now["first"]))}
    sums = window_sums(tables, index, windows)
    per_unit = {name: org.roll(sums[[c for c in sums.columns if c.endswith(f"_{name}")]].to_numpy(dtype=np.int64))
                for name in windows}
    unit_cols = {name: [c for c in sums.columns if c.endswith(f"_{name}")] for name in windows}
    employed = (org.sales_force & (np.isnat(org.joined_on) | (org.joined_on <= np.datetime64(as_of, "D")))
                & (np.isnat(org.left_on) | (org.left_on > np.datetime64(as_of, "D"))))
    headcount = org.roll(employed.astype(np.int64)[:, None])[:, 0]
    actual = []
    for kind, owner, metric, first in zip(now["owner_kind"], now["owner"], now["metric"], now["first"],
                                          strict=True):
        name = str(first)
        if metric == "manpower":
            actual.append(float(headcount[position[owner]]) if owner in position else float("nan"))
            continue
        column = f"{metric}_{name}"
        if kind == "person":
            at = person_at.get(owner)
            value = float(sums[column].to_numpy()[at]) if at is not None else float("nan")
        else:
            at = position.get(owner)
            value = (float(per_unit[name][at, unit_cols[name].index(column)]) if at is not None else float("nan"))
        actual.append(value / 100 if metric in MONEY else value)
    now["actual"] = actual
    target = now["target"].to_numpy(dtype="float64")
    now["achievement"] = np.divide(now["actual"].to_numpy(dtype="float64"), target,
                                   out=np.full(len(now), np.nan), where=target > 0)
    now["elapsed"] = [(as_of - first).days + 1 for first in now["first"]]
    now["days"] = [(last - first).days + 1 for first, last in zip(now["first"], now["last"], strict=True)]
    now["time_progress"] = now["elapsed"] / now["days"]
    now["_kind"] = now["owner_kind"].map({"unit": 0, "person": 1})
    now["_unit"] = now["owner"].map(position).fillna(len(position))
    now["_metric"] = now["metric"].map({k: i for i, k in enumerate(KINDS)})
    now = now.sort_values(["_kind", "_unit", "owner", "_metric", "first", "period"], kind="mergesort")
    return now[COLUMNS].reset_index(drop=True)
