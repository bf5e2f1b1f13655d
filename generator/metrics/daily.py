"""The daily report, the basis of the morning follow-up meeting: forecast, projection, causes, tracker notes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from .kpis import (
    days_in_month,
    month_target,
    org_of,
    period_sums,
    prepared_sales,
    span_sums,
    text_or_none,
    unit_tree,
)
from .memo import Derived, derived_of

MODEL_WEEKS = 4

COMPARISON_DAYS = {"prev_day": 1, "same_weekday_last_week": 7}


@dataclass(frozen=True)
class Forecast:
    unit: str
    value: float
    source: str  # "tracker" or "model"


def forecasts(tables: dict[str, pd.DataFrame], as_of: dt.date, units: list[str]) -> list[Forecast]:
    """Return tomorrow's premium forecast for each unit, in the order given.

    The trackers' forecasts logged on `as_of` for a unit are summed where any exist; otherwise the
    model estimates it from the unit's own sales and everything below it: the mean of the same
    weekday over the previous MODEL_WEEKS weeks.
    """
    given = _logged_forecasts(tables["tracking"], derived_of(tables)).get(pd.Timestamp(as_of), {})
    org, prepared = org_of(tables), prepared_sales(tables)
    tomorrow = as_of + dt.timedelta(days=1)
    # Each person's premium on the four same weekdays, rolled up into every unit.
    premium = np.zeros(len(org.index), dtype=np.int64)
    for k in range(1, MODEL_WEEKS + 1):
        day = tomorrow - dt.timedelta(weeks=k)
        premium += span_sums(prepared, day, day)["premium"]
    modelled = org.roll(premium[:, None])[:, 0]
    out = []
    for unit in units:
        if unit in given:
            out.append(Forecast(unit, round(float(given[unit]), 2), "tracker"))
        else:
            where = org.position.get(unit)
            cents = int(modelled[where]) if where is not None else 0
            out.append(Forecast(unit, round(cents / 100 / MODEL_WEEKS, 2), "model"))
    return out


def _logged_forecasts(tracking: pd.DataFrame, derived: Derived) -> dict[pd.Timestamp, dict[str, float]]:
    """The trackers' forecasts summed per date and unit, once per tracking table."""

    def build() -> dict[pd.Timestamp, dict[str, float]]:
        logged = tracking[tracking["date"].notna() & tracking["forecast"].notna()]
        logged = logged.assign(unit=logged["unit"].map(text_or_none).astype(object))
        sums = logged.groupby(["date", "unit"])["forecast"].sum()
        out: dict[pd.Timestamp, dict[str, float]] = {}
        for key, value in sums.items():
            day, unit = cast(tuple[Any, str], key)  # the group keys of a two-column groupby
            out.setdefault(pd.Timestamp(day), {})[unit] = value
        return out

    return derived.memo("daily.logged").get((tracking,), build)


# ---------------------------------------------------------------------------------------------------------------
# Forecasts held to account
# ---------------------------------------------------------------------------------------------------------------

CHECK_COLUMNS = ["date", "unit", "trackers", "forecast", "actual"]


def forecast_checks(tables: dict[str, pd.DataFrame], first: dt.date, last: dt.date) -> pd.DataFrame:
    """The trackers' forecasts against what happened: one row per unit and day from `first` to `last` for which a
    forecast was logged the day before (the daily report's "tomorrow").

    Columns CHECK_COLUMNS: date (the day forecast, a date), unit, trackers (the ids who logged a part, sorted; a
    unit's forecast is their sum, as on the daily report), forecast and actual (the unit's premium that day, its
    own and everything below it), both in money. Sorted by date, unit. Model estimates are not checked: this holds
    the trackers to what they forecast.
    """
    tracking = tables["tracking"]
    logged = tracking[tracking["date"].notna() & tracking["forecast"].notna()]
    target = (pd.to_datetime(logged["date"]) + pd.Timedelta(days=1)).dt.date
    frame = pd.DataFrame({
        "date": target.to_numpy(), "unit": logged["unit"].map(text_or_none).astype(object).to_numpy(),
        "tracker": logged["tracker"].map(text_or_none).astype(object).to_numpy(),
        "forecast": logged["forecast"].astype("float64").to_numpy(),
    })
    frame = frame[(frame["date"] >= first) & (frame["date"] <= last) & frame["unit"].notna()]
    org = org_of(tables)
    frame = frame[frame["unit"].isin(org.position)]
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("forecast", "actual") else object)
                             for c in CHECK_COLUMNS})
    prepared = prepared_sales(tables)
    summed: dict[tuple[dt.date, str], tuple[set[str], float]] = {}
    for day, unit, tracker, forecast in zip(frame["date"].tolist(), frame["unit"].tolist(),
                                            frame["tracker"].tolist(), frame["forecast"].tolist(), strict=True):
        who, total = summed.get((day, str(unit)), (set(), 0.0))
        summed[(day, str(unit))] = (who | ({str(tracker)} if tracker is not None else set()), total + float(forecast))
    rows = [(day, unit, tuple(sorted(who)), round(total, 2)) for (day, unit), (who, total) in sorted(summed.items())]
    actual: dict[dt.date, np.ndarray] = {}
    for day in sorted({row[0] for row in rows}):
        actual[day] = org.roll(span_sums(prepared, day, day)["premium"][:, None])[:, 0]
    return pd.DataFrame([(day, unit, trackers, forecast, int(actual[day][org.position[unit]]) / 100)
                         for day, unit, trackers, forecast in rows], columns=CHECK_COLUMNS)


def forecast_accuracy(checks: pd.DataFrame, by: str) -> list[dict[str, Any]]:
    """Accuracy per unit (`by="unit"`), per tracker (`"tracker"`; a day counts for every tracker who logged part of
    it) or per tracker and unit (`"pair"`), sorted by key.

    - MAPE, the mean absolute percentage error: the mean over the days of |forecast − actual| ÷ actual. Days
      without premium (actual 0) cannot be divided by and are left out of it (`scored` counts the others).
    - Bias: (total forecast − total actual) ÷ total actual; above 0 the forecasts were too high, below too low.
    Either is None when nothing can be measured.
    """
    groups: dict[tuple[str, ...], list[tuple[float, float]]] = {}
    for unit, trackers, forecast, actual in zip(checks["unit"].tolist(), checks["trackers"].tolist(),
                                                checks["forecast"].tolist(), checks["actual"].tolist(), strict=True):
        keys = ([(str(unit),)] if by == "unit" else [(str(t),) for t in trackers] if by == "tracker"
                else [(str(t), str(unit)) for t in trackers])
        for key in keys:
            groups.setdefault(key, []).append((float(forecast), float(actual)))
    out = []
    for group in sorted(groups):
        pairs = groups[group]
        errors = [abs(f - a) / a for f, a in pairs if a > 0]
        forecast, actual = sum(f for f, _ in pairs), sum(a for _, a in pairs)
        entry: dict[str, Any] = dict(zip(("unit",) if by == "unit" else ("tracker",) if by == "tracker"
                                         else ("tracker", "unit"), group, strict=True))
        out.append({**entry, "days": len(pairs), "scored": len(errors),
                    "mape": sum(errors) / len(errors) if errors else None,
                    "bias": (forecast - actual) / actual if actual > 0 else None,
                    "forecast": round(forecast, 2), "actual": round(actual, 2)})
    return out


def month_end_projections(tables: dict[str, pd.DataFrame], as_of: dt.date, units: list[str | None]) -> list[dict]:
    """Project the month's premium of each of `units` (everyone for None) from its month-to-date daily average,
    in the order given.

    Keys: unit, mtd, days_elapsed, days_in_month, projection, target, projected_achievement. Target and
    achievement are NaN where the unit has no target for the month.
    """
    org, prepared = org_of(tables), prepared_sales(tables)
    premium_mtd = period_sums(prepared, as_of)["premium_mtd"]
    elapsed = as_of.day
    length = days_in_month(as_of)
    out = []
    for unit in units:
        mtd = int(premium_mtd[org.member_positions(unit)].sum()) / 100
        projection = round(mtd / elapsed * length, 2)
        target = month_target(tables, as_of, unit)
        achievement = projection / target if target > 0 else float("nan")
        out.append({
            "unit": unit,
            "mtd": mtd,
            "days_elapsed": elapsed,
            "days_in_month": length,
            "projection": projection,
            "target": target,
            "projected_achievement": achievement,
        })
    return out


@dataclass(frozen=True)
class Cause:
    kind: str  # "unit" or "person"
    id: str
    name: str
    today: float
    before: float
    change: float
    share: float  # share of the total change (NaN when the total did not change)


def causes(tables: dict[str, pd.DataFrame], as_of: dt.date, unit: str | None, against: str = "prev_day",
           top: int = 5) -> list[Cause]:
    """Return what explains the change of `unit`'s day premium against the comparison day.

    Up to `top` child units (the top units when `unit` is None), then up to `top` people in the unit
    and below, each by largest absolute change first, ties by id. Those with no change are left out.
    """
    if against not in COMPARISON_DAYS:
        raise ValueError(f"against must be one of {', '.join(COMPARISON_DAYS)}, not {against!r}")
    # The comparison days are KPI periods of as_of: the day before and the same weekday a week before.
    org, prepared = org_of(tables), prepared_sales(tables)
    sums = period_sums(prepared, as_of)
    scope = org.member_positions(unit)
    today, before = sums["premium_day"][scope], sums[f"premium_{against}"][scope]
    total = int(today.sum() - before.sum())
    children = org.tree.roots if unit is None else org.tree.children.get(unit, [])
    totals = org.unit_totals(prepared, as_of)
    at = np.array([org.position[child] for child in children], dtype=np.int64)
    unit_ids = [str(child) for child in children]
    by_id = sorted(range(len(unit_ids)), key=unit_ids.__getitem__)
    unit_rank = np.empty(len(unit_ids), dtype=np.int64)
    unit_rank[by_id] = np.arange(len(unit_ids))
    person_ids = org.index[scope]  # sorted, so the position is the order by id
    return (_largest("unit", unit_ids, unit_rank, totals["premium_day"][at], totals[f"premium_{against}"][at],
                     org.unit_names, total, top)
            + _largest("person", person_ids, np.arange(len(scope)), today, before, org.person_names, total, top))


def _largest(kind: str, ids: Sequence[str] | pd.Index, id_rank: np.ndarray, today: np.ndarray, before: np.ndarray,
             names: dict[str, str], total: int, top: int) -> list[Cause]:
    """Return the `top` of `ids` (cents) with the largest absolute change, ties by id; unchanged left out.

    `id_rank` is each id's place in the order of the ids.
    """
    change = today - before
    moved = np.flatnonzero(change != 0)
    ranked = moved[np.lexsort((id_rank[moved], -np.abs(change[moved])))]
    out = []
    for i in ranked[:top]:
        ident = str(ids[i])
        now, then = int(today[i]), int(before[i])
        out.append(Cause(kind, ident, names.get(ident, ""), now / 100, then / 100, (now - then) / 100,
                         (now - then) / total if total else float("nan")))
    return out


def tracker_notes(tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    """Return the tracking log rows of `as_of`, in the order of the unit tree, then by tracker and file row."""
    frames = (tables["tracking"], tables["people"], tables["units"])
    notes, days = derived_of(tables).memo("daily.notes").get(frames, lambda: _all_notes(tables))
    stamp = pd.Timestamp(as_of).as_unit("ns").value
    lo, hi = np.searchsorted(days, stamp, side="left"), np.searchsorted(days, stamp, side="right")
    return notes.iloc[int(lo):int(hi)].reset_index(drop=True)


def _all_notes(tables: dict[str, pd.DataFrame]) -> tuple[pd.DataFrame, np.ndarray]:
    """Every tracking row as a note, sorted by date, then as `tracker_notes` orders a day; and the sorted dates."""
    rows = tables["tracking"]
    people = tables["people"]
    units = tables["units"]
    person_names = dict(zip(people["id"].astype(str), people["name"], strict=True))
    unit_names = dict(zip(units["id"].astype(str), units["name"], strict=True))
    position = {u: i for i, u in enumerate(unit_tree(units).order)}
    notes = pd.DataFrame({
        "date": rows["date"].astype("datetime64[ns]"),
        "tracker": rows["tracker"].map(text_or_none).astype(object),
        "unit": rows["unit"].map(text_or_none).astype(object),
        "calls": rows["calls"],
        "sms": rows["sms"],
        "highlights": rows["highlights"].astype(object),
        "problems": rows["problems"].astype(object),
        "forecast": rows["forecast"].astype("float64"),
    })
    notes.insert(2, "tracker_name", notes["tracker"].map(person_names).astype(object))
    notes.insert(4, "unit_name", notes["unit"].map(unit_names).astype(object))
    row = rows["_row"] if "_row" in rows else pd.Series(np.arange(len(rows)), index=rows.index)
    # Undated rows sort first and never match a date.
    days = notes["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
    keys = pd.DataFrame({
        "day": days,
        "position": notes["unit"].map(position).fillna(len(position)).astype("int64").to_numpy(),
        "tracker": notes["tracker"].fillna("").to_numpy(dtype=object),
        "row": row.to_numpy(),
    })
    order = keys.sort_values(["day", "position", "tracker", "row"], kind="mergesort").index.to_numpy()
    notes = notes.iloc[order]
    return notes, notes["date"].to_numpy(dtype="datetime64[ns]").view(np.int64)
