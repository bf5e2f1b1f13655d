"""KPIs of every person and every unit at any depth: periods, targets, ranks, activity and changes.

Money is summed in integer cents: totals are exact to the cent whatever the order of summation, so
a parent's total is exactly the sum of its children's and its own members', and a figure computed
here matches the same figure computed by hand from the input rows.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
import pandas as pd

from .. import engine
from ..inputs.schemas import SALES_FORCE
from .memo import Derived, derived_of

# Periods summed for premium, FYC and cases; the comparison periods only for premium.
PERIODS = ("day", "wtd", "mtd", "ytd")
COMPARISONS = ("prev_day", "same_weekday_last_week", "prev_month_to_date", "last_year_month_to_date")
METRICS = ("premium", "fyc", "cases")
MONEY = ("premium", "fyc")

_T = TypeVar("_T")


@dataclass(frozen=True)
class UnitTree:
    """The organisation tree: parents, children in units-file order, depth and depth-first order."""

    parent: dict[str, str | None]
    children: dict[str, list[str]]
    depth: dict[str, int]
    order: list[str]  # depth-first, siblings in units-file order

    def ancestors(self, unit: str) -> list[str]:
        """Return the chain from the top unit down to `unit`, itself included."""
        chain: list[str] = []
        node: str | None = unit
        while node is not None:
            chain.append(node)
            node = self.parent.get(node)
        return chain[::-1]

    def descendants(self, unit: str) -> list[str]:
        """Return `unit` and every unit below it, depth-first."""
        out: list[str] = []
        stack = [unit]
        while stack:
            node = stack.pop()
            out.append(node)
            stack.extend(reversed(self.children.get(node, [])))
        return out

    @property
    def roots(self) -> list[str]:
        return [u for u in self.order if self.parent[u] is None]


def text_or_none(value: object) -> str | None:
    """Return a cell as text, or None when it is empty (None, NaN, NA or blank)."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):  # type: ignore[call-overload]  # pandas-stubs: isna takes any scalar
        return None
    text = str(value).strip()
    return text or None


def texts_or_none(values: pd.Series) -> pd.Series:
    """text_or_none of every cell of a column, worked out once per distinct value: a sales column has far fewer
    distinct values than cells."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    lookup = np.array([*(text_or_none(value) for value in uniques), None], dtype=object)
    return pd.Series(lookup[codes], index=values.index, dtype=object)  # code -1, an empty cell: the last, None


def unit_tree(units: pd.DataFrame) -> UnitTree:
    """Build the tree of the units table (validated by the loader: no cycles, parents exist)."""
    ids = [str(u) for u in units["id"]]
    known = set(ids)
    parent: dict[str, str | None] = {}
    children: dict[str, list[str]] = {u: [] for u in ids}
    for unit, raw in zip(ids, units["parent"], strict=True):
        up = text_or_none(raw)
        # A dangling parent cannot survive validation; treat it as a top unit rather than lose the unit.
        parent[unit] = up if up in known and up != unit else None
        if parent[unit] is not None:
            children[parent[unit]].append(unit)  # type: ignore[index]
    order: list[str] = []
    depth: dict[str, int] = {}
    stack = [(u, 0) for u in reversed(ids) if parent[u] is None]
    while stack:
        node, level = stack.pop()
        order.append(node)
        depth[node] = level
        stack.extend((child, level + 1) for child in reversed(children[node]))
    return UnitTree(parent=parent, children=children, depth=depth, order=order)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def days_in_month(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def periods(as_of: dt.date) -> dict[str, tuple[dt.date, dt.date]]:
    """Return the first and last day (inclusive) of every period KPIs are summed over."""
    first = month_start(as_of)
    prev_first = month_start(first - dt.timedelta(days=1))
    # The previous month "to the same day", clipped to its length (31 March compares with 1–28 February).
    prev_last = prev_first.replace(day=min(as_of.day, days_in_month(prev_first)))
    yesterday = as_of - dt.timedelta(days=1)
    last_week = as_of - dt.timedelta(days=7)
    # The same month a year before, to the same day (29 February compares with 1–28 February).
    year_first = first.replace(year=first.year - 1)
    year_last = year_first.replace(day=min(as_of.day, days_in_month(year_first)))
    return {
        "day": (as_of, as_of),
        "wtd": (as_of - dt.timedelta(days=as_of.weekday()), as_of),  # ISO week: Monday to as_of
        "mtd": (first, as_of),
        "ytd": (dt.date(as_of.year, 1, 1), as_of),
        "prev_day": (yesterday, yesterday),
        "same_weekday_last_week": (last_week, last_week),
        "prev_month_to_date": (prev_first, prev_last),
        "last_year_month_to_date": (year_first, year_last),
    }


def _days(series: pd.Series) -> np.ndarray:
    return series.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _metric_values(sales: pd.DataFrame, rows: np.ndarray) -> dict[str, np.ndarray]:
    """Each metric of the sales rows at positions `rows`, as float64 weights to sum: money in whole cents."""
    cents = {metric: np.rint(sales[metric].to_numpy(dtype="float64", na_value=0.0)[rows] * 100) for metric in MONEY}
    return {**cents, "cases": sales["cases"].to_numpy(dtype="float64", na_value=0.0)[rows]}


def _person_index(people: pd.DataFrame) -> pd.Index:
    return pd.Index(sorted(str(p) for p in people["id"]), dtype=object, name="person")


class _Lru(OrderedDict):
    """A small least-recently-used cache."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def remember(self, key: object, build: Callable[[], _T]) -> _T:
        if key in self:
            self.move_to_end(key)
            return self[key]
        return self.put(key, build())

    def put(self, key: object, value: _T) -> _T:
        self[key] = value
        self.move_to_end(key)
        if len(self) > self.size:
            self.popitem(last=False)
        return value


# The memos of what is derived from the tables (see memo.Derived), by name.
SALES, ORGS, TARGETS, SUMMED_ONCE = "kpis.sales", "kpis.orgs", "kpis.targets", "kpis.summed_once"
UNIT_DAYS = "kpis.unit_days"

# A month's per-person per-day running totals are kept only while they stay small (days × people cells).
_DENSE_MAX = 1_000_000


@dataclass(frozen=True, eq=False)
class _Sales:
    """The sales summed per person and day (engine.py), as arrays sorted by day: day number, position of the seller
    in the sorted people ids, values.

    The caches hold per-person sums in integer cents (int64 arrays over `people`): whole months, the running
    totals of recent months day by day, and the KPI periods of recent dates. Any window is then a few
    vector additions instead of a pass over the rows, and the sums are exact whatever the split.
    """

    people: pd.Index  # every person id, sorted
    days: np.ndarray  # int64 days since the epoch, ascending; undated rows and unknown sellers left out
    person: np.ndarray  # int64 position in `people`
    values: dict[str, np.ndarray]  # premium and fyc in cents, cases; float64 holding whole numbers
    month_totals: dict[tuple[int, int], dict[str, np.ndarray]] = field(default_factory=dict)
    month_running: _Lru = field(default_factory=lambda: _Lru(4))
    period_sums: _Lru = field(default_factory=lambda: _Lru(8))

    def span(self, first: dt.date, last: dt.date) -> slice:
        """Return the rows dated from `first` to `last`, inclusive."""
        lo = np.searchsorted(self.days, _day_number(first), side="left")
        hi = np.searchsorted(self.days, _day_number(last), side="right")
        return slice(int(lo), int(max(lo, hi)))


def _day_number(day: dt.date) -> int:
    return (day - dt.date(1970, 1, 1)).days


_EPOCH = dt.date(1970, 1, 1)


def prepare(tables: dict[str, pd.DataFrame]) -> None:
    """Prepare the sales for the KPIs now: before forking workers, which then inherit them instead of each
    preparing the same rows again."""
    prepared_sales(tables)
    org_of(tables)
    unit_days(tables)


def prepared_sales(tables: dict[str, pd.DataFrame]) -> _Sales:
    """The sales as sorted arrays (see _Sales), once per sales and people tables."""
    sales, people = tables["sales"], tables["people"]
    return derived_of(tables).memo(SALES).get((sales, people), lambda: _prepare(person_days(tables), people))


def person_days(tables: dict[str, pd.DataFrame]) -> engine.PersonDays:
    """The sales summed per seller and day by the engine layer: those the sales' database summed when the model
    put them beside the tables (engine.PERSON_DAYS), else DuckDB's over the checked rows (not kept: _Sales holds
    what is needed of them)."""
    sales = tables["sales"]
    summed = derived_of(tables).memo(engine.PERSON_DAYS).peek((sales,))
    return summed if isinstance(summed, engine.PersonDays) else engine.local_sums(sales)


def _prepare(summed: engine.PersonDays, people: pd.DataFrame) -> _Sales:
    """The person-day sums of the people in `people` (an unknown seller's are left out), as _Sales holds them."""
    index = _person_index(people)
    person = index.get_indexer(pd.Index(summed.ids, dtype=object))[summed.seller]
    keep = person >= 0
    # Whole cents and cases as float64 weights for bincount: exact below 2**53.
    values = {metric: getattr(summed, metric)[keep].astype("float64") for metric in METRICS}
    return _Sales(index, summed.day[keep], person[keep].astype(np.int64), values)


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    return first, first.replace(day=days_in_month(first))


def _row_sums(prepared: _Sales, first: dt.date, last: dt.date) -> dict[str, np.ndarray]:
    """Sum each metric per person over the rows dated `first` to `last`, in cents, by one pass over the rows."""
    rows = prepared.span(first, last)
    n = len(prepared.people)
    person = prepared.person[rows]
    # Sums of whole numbers in float64 are exact far beyond any branch's premium (2**53 cents).
    return {metric: np.rint(np.bincount(person, weights=prepared.values[metric][rows], minlength=n)).astype(np.int64)
            for metric in METRICS}


def _running(prepared: _Sales, year: int, month: int) -> dict[str, np.ndarray] | None:
    """Return each metric's running total per person through each day of the month, shape (days + 1, people).

    Row k holds the sums of days 1 to k (row 0 is zeros); None when the month would be too large to keep.
    """
    first, last = _month_bounds(year, month)
    length, n = last.day, len(prepared.people)
    if length * n > _DENSE_MAX:
        return None

    def build() -> dict[str, np.ndarray]:
        rows = prepared.span(first, last)
        cells = (prepared.days[rows] - _day_number(first)) * n + prepared.person[rows]
        out = {}
        for metric in METRICS:
            grid = np.bincount(cells, weights=prepared.values[metric][rows], minlength=length * n)
            running = np.zeros((length + 1, n), dtype=np.int64)
            np.cumsum(np.rint(grid).astype(np.int64).reshape(length, n), axis=0, out=running[1:])
            out[metric] = running
        return out

    return prepared.month_running.remember((year, month), build)


def _month_total(prepared: _Sales, year: int, month: int) -> dict[str, np.ndarray]:
    key = (year, month)
    if key not in prepared.month_totals:
        running = prepared.month_running.get(key)
        prepared.month_totals[key] = ({metric: running[metric][-1] for metric in METRICS} if running is not None
                                      else _row_sums(prepared, *_month_bounds(year, month)))
    return prepared.month_totals[key]


def span_sums(prepared: _Sales, first: dt.date, last: dt.date) -> dict[str, np.ndarray]:
    """Sum each metric per person of `prepared.people` from `first` to `last` (inclusive), in int64 cents."""
    n = len(prepared.people)
    out = {metric: np.zeros(n, dtype=np.int64) for metric in METRICS}
    if last < first or not len(prepared.days):
        return out
    # Only the months holding sales matter; whole months come from their totals, parts from running totals.
    data_first = _EPOCH + dt.timedelta(days=int(prepared.days[0]))
    data_last = _EPOCH + dt.timedelta(days=int(prepared.days[-1]))
    cursor = max(first, month_start(data_first))
    end = min(last, _month_bounds(data_last.year, data_last.month)[1])
    while cursor <= end:
        month_first, month_last = _month_bounds(cursor.year, cursor.month)
        stop = min(end, month_last)
        if cursor == month_first and stop == month_last:
            part = _month_total(prepared, cursor.year, cursor.month)
        else:
            running = _running(prepared, cursor.year, cursor.month)
            if running is None:
                part = _row_sums(prepared, cursor, stop)
            else:
                part = {metric: running[metric][stop.day] - running[metric][cursor.day - 1] for metric in METRICS}
        for metric in METRICS:
            out[metric] += part[metric]
        cursor = month_last + dt.timedelta(days=1)
    return out


def period_sums(prepared: _Sales, as_of: dt.date) -> dict[str, np.ndarray]:
    """Return `<metric>_<period>` sums per person of `prepared.people` for every period of `as_of` (int64 cents)."""

    def build() -> dict[str, np.ndarray]:
        out = {}
        for name, (start, end) in periods(as_of).items():
            for metric, column in span_sums(prepared, start, end).items():
                out[f"{metric}_{name}"] = column
        return out

    return prepared.period_sums.remember(as_of, build)


def _positions(prepared: _Sales, index: pd.Index) -> np.ndarray:
    """Map each person of `prepared` to their position in `index` (-1 when not in it)."""
    if index.equals(prepared.people):
        return np.arange(len(index), dtype=np.int64)
    where = np.full(len(prepared.people) + 1, -1, dtype=np.int64)
    found = prepared.people.get_indexer(index)
    where[found[found >= 0]] = np.flatnonzero(found >= 0)
    return where[:-1]


def _reindexed(values: np.ndarray, positions: np.ndarray, n: int) -> np.ndarray:
    """Carry per-person `values` of `prepared.people` over to another index through `positions`."""
    if len(positions) == n and np.array_equal(positions, np.arange(n)):
        return values
    out = np.zeros(n, dtype=values.dtype)
    known = positions >= 0
    out[positions[known]] = values[known]
    return out


def window_sums(tables: dict[str, pd.DataFrame], index: pd.Index,
                windows: dict[str, tuple[dt.date, dt.date]]) -> pd.DataFrame:
    """Sum premium, FYC (in cents) and cases per person of `index` over each window, as int64 columns.

    Columns are `<metric>_<window>`. Sales of people outside `index` are left out.
    """
    prepared = prepared_sales(tables)
    positions = _positions(prepared, index)
    n = len(index)
    out: dict[str, np.ndarray] = {}
    for name, (start, end) in windows.items():
        sums = span_sums(prepared, start, end)
        for metric in METRICS:
            out[f"{metric}_{name}"] = _reindexed(sums[metric], positions, n)
    return pd.DataFrame(out, index=index)


# Rows summed at a time by own_window_sums: its masks stay small whatever the number of sales.
_CHUNK_ROWS = 1 << 21


def own_window_sums(tables: dict[str, pd.DataFrame], index: pd.Index, windows: list[tuple[dt.date, dt.date]]
                    ) -> dict[str, np.ndarray]:
    """Sum premium, FYC (in cents) and cases per person of `index` (unique ids) over that person's own window
    (`windows[i]` for `index[i]`, inclusive), as int64 arrays in `index`'s order: one pass over the rows the windows
    cover, where window_sums with a window each would make a pass over every person for each (joiners × people)."""
    prepared = prepared_sales(tables)
    n = len(index)
    sums = {metric: np.zeros(n, dtype=np.float64) for metric in METRICS}
    if n and len(prepared.days):
        firsts = np.array([_day_number(first) for first, _ in windows], dtype=np.int64)
        lasts = np.array([_day_number(last) for _, last in windows], dtype=np.int64)
        positions = _positions(prepared, index)  # each seller's place in `index`, -1 when not in it
        rows = prepared.span(_EPOCH + dt.timedelta(days=int(firsts.min())),
                             _EPOCH + dt.timedelta(days=int(lasts.max())))
        for start in range(rows.start, rows.stop, _CHUNK_ROWS):
            part = slice(start, min(start + _CHUNK_ROWS, rows.stop))
            at = positions[prepared.person[part]]
            days = prepared.days[part]
            known = np.flatnonzero(at >= 0)
            who = at[known]
            inside = known[(days[known] >= firsts[who]) & (days[known] <= lasts[who])]
            for metric in METRICS:
                # Whole cents and cases as float64: exact sums below 2**53, as _row_sums.
                sums[metric] += np.bincount(at[inside], weights=prepared.values[metric][part][inside], minlength=n)
    return {metric: np.rint(values).astype(np.int64) for metric, values in sums.items()}


def _targets(tables: dict[str, pd.DataFrame], as_of: dt.date, by: str) -> pd.Series:
    """Return the premium targets of as_of's month per person (`by="person"`) or per unit (rows with no person).

    The result is shared between calls: read it, do not change it.
    """
    return month_targets(tables["targets"], f"{as_of.year:04d}-{as_of.month:02d}", by, derived_of(tables))


def month_targets(targets: pd.DataFrame, month: str, by: str, derived: Derived | None = None) -> pd.Series:
    """The premium targets of a month ("2026-03") per person or per unit (see _targets); shared, read-only.
    `derived`: the memos of the tables (see derived_of), where whose each row is is found once per table."""
    memo = (derived or Derived()).memo(TARGETS)
    owners, months = memo.get((targets,), lambda: (_target_owners(targets), {}))
    key = (month, by)
    if key not in months:
        months[key] = _month_targets(targets, owners, month, by)
    return months[key]


def _target_owners(targets: pd.DataFrame) -> dict[str, pd.Series] | None:
    """Whose each target row is, for each `by`; the premium rows (the only ones read) as a mask. Once per table:
    the daily reports ask for each month's targets of a large table."""
    if targets.empty:
        return None
    person = targets["person"].map(text_or_none)
    return {"person": person, "unit": targets["unit"].map(text_or_none).where(person.isna()),
            "premium": targets["metric"].astype(object) == "premium", "period": targets["period"].astype(object)}


def _month_targets(targets: pd.DataFrame, owners: dict[str, pd.Series] | None, month: str, by: str) -> pd.Series:
    if owners is None:
        return pd.Series(dtype="float64")
    owner = owners[by]
    rows = (owners["period"] == month) & owners["premium"] & owner.notna()
    # Several rows for the same owner and month add up (a target split over product lines).
    frame = pd.DataFrame({"owner": owner[rows].astype(object), "target": targets["target"][rows].astype("float64")})
    return frame.groupby("owner", sort=True)["target"].sum(min_count=1)


def _rank_within(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rank within each group (codes; -1 is no group), highest first, ties sharing the best rank (1, 1, 3).

    float64, NaN outside any group.
    """
    out = np.full(len(values), np.nan)
    members_ = np.flatnonzero(groups >= 0)
    if not len(members_):
        return out
    group, value = groups[members_], values[members_]
    order = np.lexsort((-value, group))
    group, value = group[order], value[order]
    count = len(order)
    steps = np.arange(count)
    new_group = np.ones(count, dtype=bool)
    new_group[1:] = group[1:] != group[:-1]
    new_value = new_group.copy()
    new_value[1:] |= value[1:] != value[:-1]
    group_start = np.maximum.accumulate(np.where(new_group, steps, 0))
    value_start = np.maximum.accumulate(np.where(new_value, steps, 0))
    out[members_[order]] = (value_start - group_start + 1).astype("float64")
    return out


def _employment_on(joined_on: np.ndarray, left_on: np.ndarray, as_of: dt.date) -> tuple[np.ndarray, np.ndarray]:
    """Return (employed on as_of, employed at some time in as_of's month) from join and leave days."""
    day = np.datetime64(as_of, "D")
    joined = np.isnat(joined_on) | (joined_on <= day)  # an empty join date counts as joined
    employed = joined & (np.isnat(left_on) | (left_on > day))
    in_month = joined & (np.isnat(left_on) | (left_on > np.datetime64(month_start(as_of), "D")))
    return employed, in_month


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator as float64, NaN where the denominator is not positive (or NaN)."""
    out = np.full(len(numerator), np.nan)
    np.divide(numerator, denominator, out=out, where=denominator > 0)
    return out


def _money_columns(sums: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The period sums: money from cents to yuan (float64), cases as int64."""
    out = {}
    for metric in METRICS:
        for period in PERIODS:
            column = sums[f"{metric}_{period}"]
            out[f"{metric}_{period}"] = column / 100 if metric in MONEY else column.astype(np.int64)
    return out


def reaches_back(prepared: _Sales, day: dt.date) -> bool:
    """Whether the sales go back to `day` (the first sale on or before it): before the first sale, a period's
    zero is no sales recorded, not no sales made, and is not compared with."""
    return bool(len(prepared.days)) and _EPOCH + dt.timedelta(days=int(prepared.days[0])) <= day


def _change_columns(sums: dict[str, np.ndarray], prepared: _Sales, as_of: dt.date) -> dict[str, np.ndarray]:
    """The comparison periods' premium and the changes against them; the change on the same month last year
    only where the sales reach back to it (NaN otherwise)."""
    out = {name: sums[f"premium_{name}"] / 100 for name in COMPARISONS}
    # Differences taken in cents, so a change is exact (no 0.30000000000000004).
    out["change_day"] = (sums["premium_day"] - sums["premium_prev_day"]) / 100
    out["change_week"] = (sums["premium_day"] - sums["premium_same_weekday_last_week"]) / 100
    out["change_month"] = (sums["premium_mtd"] - sums["premium_prev_month_to_date"]) / 100
    out["change_year"] = (sums["premium_mtd"] - sums["premium_last_year_month_to_date"]) / 100
    if not reaches_back(prepared, periods(as_of)["last_year_month_to_date"][1]):
        out["change_year"] = np.full(len(out["change_year"]), np.nan)
    return out


SUM_COLUMNS = tuple(f"{metric}_{name}" for name in (*PERIODS, *COMPARISONS) for metric in METRICS)
COUNT_COLUMNS = ("headcount", "active_mtd", "zero_mtd")


class _Org:
    """What the KPIs need of the people and units tables, whatever the date: derived once per pair of tables."""

    def __init__(self, people: pd.DataFrame, units: pd.DataFrame) -> None:
        self.tree = tree = unit_tree(units)
        self.index = index = _person_index(people)
        info = people.assign(id=people["id"].astype(str)).set_index("id").reindex(index)
        unit_names = dict(zip(units["id"].astype(str), units["name"], strict=True))
        unit = info["unit"].map(text_or_none).astype(object)
        role = info["role"].astype(object)
        self.person_columns = {
            "name": info["name"].astype(object),
            "unit": unit,
            "unit_name": unit.map(unit_names).astype(object),
            "role": role,
            "grade": info["grade"].astype(object),
            "join_date": info["join_date"].astype("datetime64[ns]"),
            "leave_date": info["leave_date"].astype("datetime64[ns]"),
        }
        self.joined_on = _days(info["join_date"])
        self.left_on = _days(info["leave_date"])
        self.sales_force = role.isin(SALES_FORCE).to_numpy()
        self.unit_text = np.array([u if isinstance(u, str) else None for u in unit], dtype=object)
        codes, _ = pd.factorize(pd.Series(self.unit_text, dtype=object), use_na_sentinel=True)
        self.unit_codes = codes.astype(np.int64)  # the person's unit as a group for ranking; -1 when none
        names = info["name"]
        self.person_names = {str(p): text_or_none(n) or "" for p, n in zip(index, names)}

        # Units, depth-first.
        self.order = order = pd.Index(tree.order, dtype=object, name="unit")
        self.position = position = {u: i for i, u in enumerate(tree.order)}
        by_id = units.assign(id=units["id"].astype(str)).set_index("id")
        self.unit_columns = {
            "name": by_id["name"].reindex(order).astype(object),
            "parent": pd.Series([tree.parent[u] for u in order], index=order, dtype=object),
            "level": pd.Series([tree.depth[u] for u in order], index=order, dtype="int64"),
        }
        self.unit_names = {u: text_or_none(n) or "" for u, n in zip(by_id.index, by_id["name"])}
        parent = np.array([-1 if (up := tree.parent[u]) is None else position[up] for u in tree.order],
                          dtype=np.int64)
        self.parent_codes = parent  # the unit's parent as a group for ranking; -1 for a top unit
        depth = np.array([tree.depth[u] for u in tree.order], dtype=np.int64)
        self.levels = [(np.flatnonzero(depth == level), parent[depth == level])
                       for level in range(int(depth.max(initial=0)), 0, -1)]
        # People grouped by their own unit, for the per-unit sums before rolling them up.
        own = np.array([position.get(u, -1) if u is not None else -1 for u in self.unit_text], dtype=np.int64)
        self.own = own  # each person's own unit, a position in `order`; -1 when none
        placed = np.flatnonzero(own >= 0)
        sort = np.argsort(own[placed], kind="stable")
        self.placed = placed[sort]
        own_sorted = own[self.placed]
        self.own_units, self.own_starts = np.unique(own_sorted, return_index=True)
        self.members: dict[str | None, np.ndarray] = {}
        self.totals: _Lru = _Lru(8)
        self.targets: _Lru = _Lru(8)

    def targets_on(self, targets: pd.Series, index: pd.Index) -> np.ndarray:
        """Return `targets` (a month's targets by owner) along `index` as a new float64 array, NaN where none."""
        key = (id(targets), id(index))
        hit = self.targets.get(key)
        if hit is None or hit[0] is not targets:  # the entry holds the Series, so its id is not reused meanwhile
            hit = (targets, targets.reindex(index).to_numpy(dtype="float64"))
            self.targets.put(key, hit)
        return hit[1].copy()

    def roll(self, values: np.ndarray) -> np.ndarray:
        """Sum per-person int64 columns (people × k) into every unit above each person (units × k)."""
        out = np.zeros((len(self.order), values.shape[1]), dtype=np.int64)
        if len(self.placed):
            out[self.own_units] = np.add.reduceat(values[self.placed], self.own_starts, axis=0)
        return self.roll_up(out)

    def roll_up(self, out: np.ndarray) -> np.ndarray:
        """Add each unit's int64 row (units × k: its own members' sums) into every unit above it, in place."""
        for children, parents in self.levels:  # deepest first: a unit is complete before it is added up
            np.add.at(out, parents, out[children])
        return out

    def member_positions(self, unit: str | None) -> np.ndarray:
        """Positions in `index` of the people in `unit` and below (everyone in the tree when None)."""
        if unit not in self.members:
            if unit is None or unit in self.position:  # by the people's own units' places in the tree
                inside = np.zeros(len(self.order) + 1, dtype=bool)  # the last one: the -1 of no unit
                inside[:-1] = unit is None
                if unit is not None:
                    inside[[self.position[u] for u in self.tree.descendants(unit)]] = True
                self.members[unit] = np.flatnonzero(inside[self.own]).astype(np.int64)
            else:
                self.members[unit] = np.flatnonzero([u == unit for u in self.unit_text]).astype(np.int64)
        return self.members[unit]

    def unit_totals(self, prepared: _Sales, as_of: dt.date) -> dict[str, np.ndarray]:
        """The period sums and counts of as_of, rolled up into every unit (int64 per unit of `order`)."""

        def build() -> tuple[_Sales, dict[str, np.ndarray]]:
            sums = period_sums(prepared, as_of)
            employed, _ = _employment_on(self.joined_on, self.left_on, as_of)
            force = self.sales_force & employed
            # One split of the headcount (the sales force employed on the day): active (a case this month) or
            # not yet broken zero (未破零). A leaver's or a manager's sale counts in the premium, not here, so
            # active + zero == headcount and the activity rate is active ÷ headcount.
            sold = sums["cases_mtd"] > 0
            counts = {
                "headcount": force.astype(np.int64),
                "active_mtd": (force & sold).astype(np.int64),
                "zero_mtd": (force & ~sold).astype(np.int64),
            }
            columns = [*SUM_COLUMNS, *COUNT_COLUMNS]
            values = np.column_stack([sums[c] for c in SUM_COLUMNS] + [counts[c] for c in COUNT_COLUMNS])
            rolled = self.roll(values)
            return prepared, {column: rolled[:, i] for i, column in enumerate(columns)}

        hit = self.totals.get(as_of)
        if hit is None or hit[0] is not prepared:  # the same org over other sales
            hit = build()
            self.totals.put(as_of, hit)
        return hit[1]


def org_of(tables: dict[str, pd.DataFrame]) -> _Org:
    """What the KPIs need of the people and units tables (see _Org), once per pair of tables."""
    people, units = tables["people"], tables["units"]
    return derived_of(tables).memo(ORGS).get((people, units), lambda: _Org(people, units))


def person_kpis(tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    """Return one row per person (index: person id, sorted) with their KPIs on `as_of`."""
    org, prepared = org_of(tables), prepared_sales(tables)
    sums = period_sums(prepared, as_of)
    employed, in_month = _employment_on(org.joined_on, org.left_on, as_of)
    money = _money_columns(sums)
    target = org.targets_on(_targets(tables, as_of, "person"), org.index)
    # Ranked: the sales force who worked at some time this month, so a leaver from last year does not
    # pad the ranking, while one who left mid-month keeps the place their sales earned.
    ranked = org.sales_force & in_month
    columns = {
        **org.person_columns,
        "employed": employed,
        "sales_force": org.sales_force.copy(),
        **money,
        "target_month": target,
        "achievement_mtd": _ratio(money["premium_mtd"], target),
        "rank_in_unit": _rank_within(sums["premium_mtd"], np.where(ranked, org.unit_codes, -1)),
        "broke_zero": sums["cases_mtd"] > 0,
        **_change_columns(sums, prepared, as_of),
    }
    # Every array above is the frame's own (cached ones copied; the cached Series are copied on write).
    return pd.DataFrame(columns, index=org.index, copy=False)


def unit_kpis(tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    """Return one row per unit (index: unit id, depth-first) with the KPIs of the unit and everything below it."""
    org, prepared = org_of(tables), prepared_sales(tables)
    totals = org.unit_totals(prepared, as_of)
    money = _money_columns(totals)
    target = org.targets_on(_targets(tables, as_of, "unit"), org.order)
    headcount = totals["headcount"].copy()
    columns = {
        **org.unit_columns,
        **money,
        "target_month": target,
        "achievement_mtd": _ratio(money["premium_mtd"], target),
        "rank_in_parent": _rank_within(totals["premium_mtd"], org.parent_codes),
        "headcount": headcount,
        "active_mtd": totals["active_mtd"].copy(),
        "activity_rate": _ratio(totals["active_mtd"].astype("float64"), headcount),
        "per_capita_mtd": _ratio(money["premium_mtd"], headcount),
        "zero_mtd": totals["zero_mtd"].copy(),
        **_change_columns(totals, prepared, as_of),
    }
    # Every array above is the frame's own (cached ones copied; the cached Series are copied on write).
    return pd.DataFrame(columns, index=org.order, copy=False)


# The first span this short asked of tables not prepared yet (an edit build remakes only the screens' 30-day
# trend) is summed from its own rows, which costs far less than preparing every row. The next one prepares
# them: every unit page asks for one.
_DIRECT_DAYS = 62


def _daily_sums(tables: dict[str, pd.DataFrame], unit: str | None, first: dt.date, last: dt.date
                ) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    """The days from `first` to `last`, and each metric's sum per day over them (cents for money, int64)."""
    frames = (tables["sales"], tables["people"])
    derived = derived_of(tables)
    summed_once = derived.memo(SUMMED_ONCE)
    if ((last - first).days < _DIRECT_DAYS and derived.memo(SALES).peek(frames) is None
            and summed_once.peek(frames) is None):
        summed_once.get(frames, lambda: True)
        return _daily_sums_of_rows(tables, unit, first, last)
    prepared, org = prepared_sales(tables), org_of(tables)
    if unit is None or unit in org.position:
        return _unit_span(unit_days(tables), len(org.order) if unit is None else org.position[unit], first, last)
    in_scope = np.zeros(len(org.index), dtype=bool)
    in_scope[org.member_positions(unit)] = True
    if not org.index.equals(prepared.people):
        in_scope = _positions(prepared, org.index[in_scope]) >= 0
    span = max((last - first).days + 1, 0)
    dates = pd.DatetimeIndex(pd.date_range(first, periods=span, freq="D").astype("datetime64[ns]"))
    rows = prepared.span(first, last)
    known = in_scope[prepared.person[rows]]
    offsets = prepared.days[rows][known] - _day_number(first)
    sums = {}
    for metric in METRICS:
        total = np.bincount(offsets, weights=prepared.values[metric][rows][known], minlength=span)
        sums[metric] = np.rint(total).astype(np.int64)
    return dates, sums


@dataclass(frozen=True)
class _UnitDays:
    """Each unit's sums per day (its own and everything below it; money in cents), from the first day of the sales
    to the last: one row per unit of the tree, depth-first, and a last row for everyone in the tree."""

    first: int  # the day number of the first column
    sums: dict[str, np.ndarray]  # by metric: int64, (units + 1) × days


def unit_days(tables: dict[str, pd.DataFrame]) -> _UnitDays:
    """Each unit's sums per day (see _UnitDays), once per tables: every daily report, unit page and screen shows
    a 30-day trend, which is then a slice, not a pass over the rows."""
    frames = (tables["sales"], tables["people"], tables["units"])
    return derived_of(tables).memo(UNIT_DAYS).get(frames, lambda: _unit_days(prepared_sales(tables),
                                                                             org_of(tables)))


def _unit_days(prepared: _Sales, org: _Org) -> _UnitDays:
    units = len(org.order)
    first = int(prepared.days[0]) if len(prepared.days) else 0
    span = int(prepared.days[-1]) - first + 1 if len(prepared.days) else 0
    # Each row's seller's own unit (-1: in none), the sellers being placed among org.index when it differs.
    at = (np.arange(len(prepared.people)) if org.index.equals(prepared.people)
          else org.index.get_indexer(prepared.people))
    own = np.append(org.own, -1)[at][prepared.person]
    placed = own >= 0
    cells = own[placed] * span + (prepared.days[placed] - first)
    sums = {}
    for metric in METRICS:
        grid = np.zeros((units + 1, span), dtype=np.int64)
        own_sums = np.bincount(cells, weights=prepared.values[metric][placed], minlength=units * span)
        grid[:units] = np.rint(own_sums).astype(np.int64).reshape(units, span)
        org.roll_up(grid[:units])
        grid[units] = grid[[org.position[u] for u in org.tree.roots]].sum(axis=0)
        sums[metric] = grid
    return _UnitDays(first, sums)


def _unit_span(found: _UnitDays, row: int, first: dt.date, last: dt.date
               ) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    """_daily_sums of the unit at `row` of `found` (see _UnitDays): days outside the sales are zeros."""
    span = max((last - first).days + 1, 0)
    dates = pd.DatetimeIndex(pd.date_range(first, periods=span, freq="D").astype("datetime64[ns]"))
    start = _day_number(first) - found.first
    days = next(iter(found.sums.values())).shape[1]
    lo, hi = min(max(start, 0), days), min(max(start + span, 0), days)  # the columns within the span
    out = {}
    for metric, grid in found.sums.items():
        values = np.zeros(span, dtype=np.int64)
        values[lo - start:hi - start] = grid[row, lo:hi]
        out[metric] = values
    return dates, out


def _daily_sums_of_rows(tables: dict[str, pd.DataFrame], unit: str | None, first: dt.date, last: dt.date
                        ) -> tuple[pd.DatetimeIndex, dict[str, np.ndarray]]:
    """_daily_sums from the span's own rows, the same sums (whole cents, added exactly in any order)."""
    sales, org = tables["sales"], org_of(tables)
    scope = set(org.index[org.member_positions(unit)].tolist())
    days = _days(sales["date"])  # NaT is in no span
    window = np.flatnonzero((days >= np.datetime64(first, "D")) & (days <= np.datetime64(last, "D")))
    sellers = sales["person"].to_numpy(dtype=object)[window].tolist()
    rows = window[np.fromiter((seller in scope for seller in sellers), dtype=bool, count=len(sellers))]
    span = max((last - first).days + 1, 0)
    dates = pd.DatetimeIndex(pd.date_range(first, periods=span, freq="D").astype("datetime64[ns]"))
    offsets = (days[rows] - np.datetime64(first, "D")).astype(np.int64)
    values = _metric_values(sales, rows)
    return dates, {metric: np.rint(np.bincount(offsets, weights=values[metric], minlength=span)).astype(np.int64)
                   for metric in METRICS}


def _totals_frame(dates: pd.DatetimeIndex, sums: dict[str, np.ndarray]) -> pd.DataFrame:
    return pd.DataFrame({"date": dates, **{m: sums[m] / 100 if m in MONEY else sums[m] for m in METRICS}})


def daily_totals(tables: dict[str, pd.DataFrame], as_of: dt.date, unit: str | None = None,
                 days: int = 30) -> pd.DataFrame:
    """Return date, premium, fyc and cases for each of the `days` days ending at `as_of` (zeros filled).

    Covers `unit` and everything below it, or everyone in the tree when `unit` is None.
    """
    return _totals_frame(*_daily_sums(tables, unit, as_of - dt.timedelta(days=days - 1), as_of))


def month_target(tables: dict[str, pd.DataFrame], as_of: dt.date, unit: str | None) -> float:
    """Return the premium target of as_of's month for `unit`, or for the whole tree (its top units) when None."""
    targets = _targets(tables, as_of, "unit")
    if unit is not None:
        value = targets.get(unit)
        return float("nan") if value is None or pd.isna(value) else float(value)
    roots = org_of(tables).tree.roots
    present = targets.reindex(roots).dropna()
    return float(present.sum()) if not present.empty else float("nan")


def month_to_date(tables: dict[str, pd.DataFrame], as_of: dt.date, unit: str | None = None) -> pd.DataFrame:
    """Return each day of as_of's month: date, premium of the day, cumulative premium and the target line.

    `premium` and `cumulative` stop at `as_of` (NaN after it); `target` is the month's target spread
    evenly over the days (target_month * day / days_in_month), NaN when there is no target.
    """
    first = month_start(as_of)
    last = first.replace(day=days_in_month(as_of))
    return _month_frame(tables, as_of, unit, *_daily_sums(tables, unit, first, last))


def _month_frame(tables: dict[str, pd.DataFrame], as_of: dt.date, unit: str | None, dates: pd.DatetimeIndex,
                 sums: dict[str, np.ndarray]) -> pd.DataFrame:
    cents = sums["premium"]
    length = len(cents)
    seen = np.arange(length) <= (as_of - month_start(as_of)).days
    target = month_target(tables, as_of, unit)
    return pd.DataFrame({
        "date": dates,
        "premium": np.where(seen, cents / 100, np.nan),
        "cumulative": np.where(seen, np.cumsum(np.where(seen, cents, 0)) / 100, np.nan),
        "target": target * np.arange(1, length + 1) / length,
    })


def trend_and_month(tables: dict[str, pd.DataFrame], as_of: dt.date, unit: str | None = None, days: int = 30
                    ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """daily_totals(tables, as_of, unit, days) and month_to_date(tables, as_of, unit), from one pass over the
    rows of the two spans (a unit page shows both)."""
    first = min(as_of - dt.timedelta(days=days - 1), month_start(as_of))
    month_first = month_start(as_of)
    last = month_first.replace(day=days_in_month(as_of))
    dates, sums = _daily_sums(tables, unit, first, last)
    trend = slice((as_of - first).days - days + 1, (as_of - first).days + 1)
    month = slice((month_first - first).days, None)
    return (_totals_frame(dates[trend], {m: v[trend] for m, v in sums.items()}),
            _month_frame(tables, as_of, unit, dates[month], {m: v[month] for m, v in sums.items()}))


def leaderboard(kpis: pd.DataFrame, column: str, top: int | None = None) -> pd.DataFrame:
    """Return `kpis` sorted by `column` (highest first, ties by id) with a competition `rank` (1, 1, 3).

    Rows without a value come last and have no rank.
    """
    if top is not None:
        kpis = kpis.iloc[_contenders(kpis[column], top)]
    ids = kpis.index.to_series().astype(str)
    keyed = kpis.assign(_id=ids.to_numpy(), _missing=kpis[column].isna().to_numpy())
    ordered = keyed.sort_values(["_missing", column, "_id"], ascending=[True, False, True], kind="mergesort")
    ordered = ordered.drop(columns=["_id", "_missing"])
    ordered["rank"] = ordered[column].rank(method="min", ascending=False).astype("float64")
    return ordered if top is None else ordered.head(top)


def _contenders(values: pd.Series, top: int) -> np.ndarray:
    """The positions, in order, of the rows that can be in the `top` of a leaderboard by `values` (highest first):
    those at or above the top-th highest value, when more rows than that have a value (every row else). The
    competition rank of each is then the same among them as among all (only higher values count)."""
    try:
        numbers = values.to_numpy(dtype="float64", na_value=np.nan)
    except (TypeError, ValueError):
        return np.arange(len(values))
    present = ~np.isnan(numbers)
    if top < 1 or int(present.sum()) <= top:
        return np.arange(len(values))
    threshold = np.partition(numbers[present], -top)[-top]
    return np.flatnonzero(present & (numbers >= threshold))
