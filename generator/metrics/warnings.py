"""The early-warning lists about people: pure functions of the tables, the as-of date and the thresholds.

Definitions shared by every list:

- Employed on a day: joined on or before it (or no join date) and not left (leave date after it, or empty).
- The sales force: roles agent and supervisor.
- A sale: a sales row with at least one case. Money is compared in whole cents.
- N months before a day: the same day N calendar months earlier, clipped to the month's length
  (31 May minus three months is 28 or 29 February).
"""

from __future__ import annotations

import calendar
import datetime as dt

import numpy as np
import pandas as pd

from ..inputs.schemas import SALES_FORCE
from .kpis import month_targets, text_or_none, texts_or_none, unit_tree, window_sums
from .memo import Derived, derived_of

MAINTENANCE_MONTHS = 3  # supervisors are assessed on the premium of their last three months
PRO_RATA_DAYS = 30  # a newcomer's monthly standard is spread over 30-day months


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier, clipped to that month's length."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def employed_on(people: pd.DataFrame, day: dt.date) -> pd.Series:
    """Whether each person is employed on `day` (boolean Series aligned with `people`)."""
    stamp = pd.Timestamp(day)
    joined = people["join_date"].isna() | (people["join_date"] <= stamp)
    return (joined & (people["leave_date"].isna() | (people["leave_date"] > stamp))).astype(bool)


def _base(people: pd.DataFrame, units: pd.DataFrame, mask: pd.Series) -> pd.DataFrame:
    """person, name, unit, unit_name, role, join_date of the people selected by `mask`, sorted by id."""
    names = dict(zip(units["id"].map(text_or_none), units["name"], strict=True))
    chosen = people[mask.to_numpy()]
    out = pd.DataFrame({
        "person": chosen["id"].map(text_or_none).astype(object).to_numpy(),
        "name": chosen["name"].astype(object).to_numpy(),
        "unit": chosen["unit"].map(text_or_none).astype(object).to_numpy(),
        "role": chosen["role"].astype(object).to_numpy(),
        "join_date": chosen["join_date"].astype("datetime64[ns]").to_numpy(),
    })
    out.insert(3, "unit_name", out["unit"].map(names).astype(object))
    return out.sort_values("person", kind="mergesort").reset_index(drop=True)


def _force_employed(people: pd.DataFrame, day: dt.date) -> pd.Series:
    return people["role"].isin(SALES_FORCE) & employed_on(people, day)


def _sums(tables: dict[str, pd.DataFrame], persons: pd.Series, first: dt.date, last: dt.date) -> pd.DataFrame:
    """premium (cents) and cases of each person of `persons` from `first` to `last`, in their order."""
    index = pd.Index(sorted(set(persons)), dtype=object)
    sums = window_sums(tables, index, {"w": (first, last)})
    return sums.reindex(persons.to_numpy()).rename(columns={"premium_w": "cents", "cases_w": "cases"})


def _sums_since(tables: dict[str, pd.DataFrame], persons: pd.Series, firsts: list[dt.date], last: dt.date
                ) -> tuple[np.ndarray, np.ndarray]:
    """premium (cents) and cases of each person of `persons` from their own first day (`firsts`) to `last`, as
    int64 arrays in their order: one window per distinct first day, all summed at once."""
    starts = sorted(set(firsts))
    index = pd.Index(sorted(set(persons)), dtype=object)
    sums = window_sums(tables, index, {f"w{k}": (first, last) for k, first in enumerate(starts)})
    rows = index.get_indexer(persons.to_numpy())
    window = np.searchsorted(np.array(starts, dtype="datetime64[D]"), np.array(firsts, dtype="datetime64[D]"))
    names = [f"w{k}" for k in range(len(starts))]
    cents, cases = (sums[[f"{metric}_{name}" for name in names]].to_numpy(dtype=np.int64)[rows, window]
                    for metric in ("premium", "cases"))
    return cents, cases


def last_sales(sales: pd.DataFrame, as_of: dt.date, derived: Derived | None = None) -> pd.Series:
    """The date (Timestamp) of each person's latest sale on or before `as_of`, indexed by person id.
    `derived`: the memos of the tables (see derived_of), where each person's sale dates are sorted once."""
    people, starts, dates, values = sorted_sale_dates(sales, derived or Derived())
    if not len(people):
        return pd.Series(values[:0], index=pd.Index(people, dtype=object), name="date")
    # Each person's dates ascending: the count on or before as_of points at the latest of them.
    counts = np.add.reduceat((dates <= pd.Timestamp(as_of).as_unit("ns").value).astype(np.int64), starts)
    sold = counts > 0
    return pd.Series(values[(starts + counts - 1)[sold]], index=pd.Index(people[sold], dtype=object), name="date")


def sorted_sale_dates(sales: pd.DataFrame, derived: Derived) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each person's sale dates sorted (see _sale_dates), once for these tables' memos (`derived`): call it before
    forking workers that ask for last_sales, and they inherit them instead of each sorting the sales again."""
    return derived.memo("warnings.sale_dates").get((sales,), lambda: _sale_dates(sales))


def _sale_dates(sales: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The sellers (ids, sorted), where each one's rows start, and the dated sales (rows with a case) sorted by
    seller then date: as nanoseconds and as the column's own values."""
    cases = pd.to_numeric(sales["cases"], errors="coerce").fillna(0)
    rows = sales[(cases > 0).to_numpy() & sales["date"].notna().to_numpy()]
    person = texts_or_none(rows["person"])
    known = person.notna().to_numpy()
    codes, people = pd.factorize(person[known], sort=True)
    values = rows["date"].to_numpy()[known]
    dates = rows["date"].to_numpy(dtype="datetime64[ns]")[known].view(np.int64)
    order = np.lexsort((dates, codes))
    starts = np.flatnonzero(np.diff(codes[order], prepend=-1) != 0)
    return np.asarray(people, dtype=object), starts, dates[order], values[order]


def newcomers_at_risk(tables: dict[str, pd.DataFrame], as_of: dt.date, months: int, premium: float,
                      cases: float) -> pd.DataFrame:
    """Newcomers whose premium or cases since joining fall below the monthly standard, pro rata.

    A newcomer is in the sales force, employed on `as_of`, and joined after `months` months before it.
    With d = days since joining, the joining day and `as_of` included, the standard to date is
    `premium` × d ÷ 30 and `cases` × d ÷ 30; a newcomer below either is listed (at it is not).
    Columns: person, name, unit, unit_name, role, join_date, days, premium, cases, premium_needed,
    premium_short (yuan missing, 0 when none), cases_needed (whole cases), short_premium, short_cases.
    """
    people = tables["people"]
    cutoff = pd.Timestamp(months_before(as_of, months))
    mask = _force_employed(people, as_of) & people["join_date"].notna() & (people["join_date"] > cutoff)
    out = _base(people, tables["units"], mask)
    if out.empty:
        return _empty(out, ["days", "premium", "cases", "premium_needed", "premium_short", "cases_needed",
                            "short_premium", "short_cases"])
    joined = [j.date() for j in out["join_date"]]
    cents, done = _sums_since(tables, out["person"], joined, as_of)
    days = np.array([(as_of - j).days + 1 for j in joined], dtype=np.int64)
    # Compared as cents × 30 against standard × days, so there is no rounding at the threshold.
    standard_cents = round(premium * 100)
    out["days"] = days
    out["premium"] = cents / 100
    out["cases"] = done
    out["premium_needed"] = np.round(standard_cents * days / PRO_RATA_DAYS) / 100
    out["premium_short"] = np.maximum(standard_cents * days / PRO_RATA_DAYS - cents, 0).round() / 100
    # Cases are whole: fewer than cases × d ÷ 30 is the same as fewer than its ceiling, the figure shown.
    out["cases_needed"] = np.ceil(cases * days / PRO_RATA_DAYS - 1e-9).astype(np.int64)
    out["short_premium"] = cents * PRO_RATA_DAYS < standard_cents * days
    out["short_cases"] = done * PRO_RATA_DAYS < cases * days
    return out[out["short_premium"] | out["short_cases"]].reset_index(drop=True)


def _empty(base: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return base.reindex(columns=[*base.columns, *columns])


def supervisors_at_risk(tables: dict[str, pd.DataFrame], as_of: dt.date, per_month: float,
                        separator: str = "、") -> pd.DataFrame:
    """Supervisors whose team's premium over the last three months is below `per_month` a month.

    The window runs from the day after `as_of` minus three months to `as_of`. A supervisor's team is
    every unit they head (units.head) and everything below it; one who heads no unit is judged on
    their own premium. Listed when the window's premium < 3 × `per_month` (at it is not).
    Columns: person, name, unit, unit_name, role, join_date, basis ("team" or "own"), team (the names of the
    units headed, joined by `separator`), premium, monthly, needed, shortfall.
    """
    people, units = tables["people"], tables["units"]
    mask = (people["role"] == "supervisor") & employed_on(people, as_of)
    out = _base(people, units, mask)
    extra = ["basis", "team", "premium", "monthly", "needed", "shortfall"]
    if out.empty:
        return _empty(out, extra)
    first = months_before(as_of, MAINTENANCE_MONTHS) + dt.timedelta(days=1)
    tree = unit_tree(units)
    ids = people["id"].map(text_or_none)
    person_unit = people["unit"].map(text_or_none)
    everyone = window_sums(tables, pd.Index(sorted(set(ids.dropna())), dtype=object), {"w": (first, as_of)})
    cents = everyone["premium_w"]
    heads = units["head"].map(text_or_none)
    unit_ids = units["id"].map(text_or_none)
    names = dict(zip(unit_ids, units["name"], strict=True))
    # Who heads which units, in the units' order: once, not a pass over every unit for each supervisor.
    headed_by: dict[str, list[str]] = {}
    for unit, head in zip(unit_ids.tolist(), heads.tolist(), strict=True):
        if isinstance(head, str) and unit in tree.parent:
            headed_by.setdefault(head, []).append(unit)
    # Each unit's own people's premium, once: a team is then the sum over its units, not a pass over every
    # person for each supervisor (supervisors × people).
    own_cents: dict[str, int] = {}
    for unit, value in zip(person_unit.tolist(), cents.reindex(ids.to_numpy()).fillna(0).tolist(), strict=True):
        if isinstance(unit, str):
            own_cents[unit] = own_cents.get(unit, 0) + int(value)
    needed_cents = round(per_month * 100) * MAINTENANCE_MONTHS
    rows: list[tuple[str, str | None, int]] = []  # basis, the team's units, premium in cents
    for person in out["person"]:
        headed = headed_by.get(person, [])
        if headed:
            scope = {d for u in headed for d in tree.descendants(u)}
            team_cents = sum(own_cents.get(unit, 0) for unit in scope)
            rows.append(("team", separator.join(str(names[u]) for u in headed), team_cents))
        else:
            rows.append(("own", None, int(cents.get(person, 0))))
    out["basis"] = [r[0] for r in rows]
    out["team"] = [r[1] for r in rows]
    total = np.array([r[2] for r in rows], dtype=np.int64)
    out["premium"] = total / 100
    out["monthly"] = np.round(total / MAINTENANCE_MONTHS) / 100
    out["needed"] = needed_cents / 100
    out["shortfall"] = (needed_cents - total) / 100
    return out[total < needed_cents].reset_index(drop=True)


def zero_this_month(tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    """The sales force employed on `as_of` with no case from the first of its month to it.

    Columns: person, name, unit, unit_name, role, join_date, premium_mtd, last_sale, days_since.
    """
    people = tables["people"]
    out = _base(people, tables["units"], _force_employed(people, as_of))
    first = as_of.replace(day=1)
    sums = _sums(tables, out["person"], first, as_of) if not out.empty else pd.DataFrame(columns=["cents", "cases"])
    out = out[(sums["cases"].to_numpy() <= 0)].reset_index(drop=True)
    out["premium_mtd"] = sums["cents"].to_numpy()[sums["cases"].to_numpy() <= 0] / 100
    return _with_last_sale(out, tables, as_of)


def _with_last_sale(out: pd.DataFrame, tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    last = last_sales(tables["sales"], as_of, derived_of(tables))
    stamps = last.reindex(out["person"].to_numpy(dtype=object)).to_numpy(dtype="datetime64[ns]")
    out["last_sale"] = pd.Series(stamps, index=out.index, dtype="datetime64[ns]")
    out["days_since"] = _days_before(as_of, stamps)
    return out


def _days_before(as_of: dt.date, stamps: np.ndarray) -> pd.arrays.IntegerArray:
    """The days from each date (datetime64, NaT for none) to as_of, as Int64 (NA for none)."""
    missing = np.isnat(stamps)
    days = (np.datetime64(as_of, "D") - stamps.astype("datetime64[D]")).astype(np.int64)
    return pd.arrays.IntegerArray(np.where(missing, 0, days), missing)


def inactive(tables: dict[str, pd.DataFrame], as_of: dt.date, days: int) -> pd.DataFrame:
    """The sales force employed on `as_of` whose latest sale is `days` or more days before it.

    Days since = as_of − the date of the latest sale; with no sale on record, as_of − the join date
    (`since` says which). Someone with neither a sale nor a join date is listed with no count.
    Columns: person, name, unit, unit_name, role, join_date, last_sale, days_since, since ("sale",
    "join" or None). Longest inactive first, then by id.
    """
    people = tables["people"]
    out = _with_last_sale(_base(people, tables["units"], _force_employed(people, as_of)), tables, as_of)
    sold = out["last_sale"].notna().to_numpy()
    joined = out["join_date"].to_numpy(dtype="datetime64[ns]")
    since = np.full(len(out), None, dtype=object)
    since[~np.isnat(joined)] = "join"
    since[sold] = "sale"
    out["since"] = since.tolist()
    out["days_since"] = out["days_since"].where(sold, _days_before(as_of, joined))
    listed = out["days_since"].isna() | (out["days_since"] >= days)
    out = out[listed.to_numpy(dtype=bool, na_value=True)]
    key = out["days_since"].astype("float64").fillna(np.inf)
    order = out.assign(_key=-key).sort_values(["_key", "person"], kind="mergesort").index
    return out.loc[order].reset_index(drop=True)


def complete_months(as_of: dt.date, count: int) -> list[str]:
    """The `count` calendar months before as_of's month, oldest first, as YYYY-MM."""
    out = []
    for back in range(count, 0, -1):
        day = months_before(as_of.replace(day=1), back)
        out.append(f"{day.year:04d}-{day.month:02d}")
    return out


def _month_bounds(month: str) -> tuple[dt.date, dt.date]:
    year, number = (int(p) for p in month.split("-"))
    return dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1])


def laggards(tables: dict[str, pd.DataFrame], as_of: dt.date, percent: float, months: int) -> tuple[
        pd.DataFrame, list[str]]:
    """The sales force below `percent`% of their monthly premium target in each of the last `months` months.

    The months are the complete calendar months before as_of's month. A person's target is their own
    target for the month where given; otherwise their unit's target (the unit's own row) divided by the
    unit's headcount on the month's last day (sales force in the unit and below, employed then). A month
    without a target cannot be judged, so such a person is not listed. Only people employed on `as_of`
    who had joined by the first month's first day are considered. Listed when premium × 100 <
    `percent` × target in every month (at the threshold is not below).
    Returns the list and the months. Columns: person, name, unit, unit_name, role, join_date, then for
    each month m: premium_m, target_m, achievement_m, basis_m ("person" or "unit"); then mean_achievement.
    """
    people, units, targets = tables["people"], tables["units"], tables["targets"]
    names = complete_months(as_of, months)
    first_day = pd.Timestamp(_month_bounds(names[0])[0]) if names else pd.Timestamp(as_of)
    mask = _force_employed(people, as_of) & (people["join_date"].isna() | (people["join_date"] <= first_day))
    out = _base(people, units, mask)
    if out.empty or not names:
        return out, names
    tree = unit_tree(units)
    person_units = people["unit"].map(text_or_none)
    force = people["role"].isin(SALES_FORCE)
    below_all = np.ones(len(out), dtype=bool)
    achievements = []
    for month in names:
        start, end = _month_bounds(month)
        sums = _sums(tables, out["person"], start, end)
        cents = sums["cents"].to_numpy(dtype=np.int64)
        # The month's targets (a group-by: one per owner) as plain dicts: looked up for thousands of people.
        own = {k: float(v) for k, v in month_targets(targets, month, "person", derived_of(tables)).items()
               if pd.notna(v)}
        by_unit = {k: float(v) for k, v in month_targets(targets, month, "unit", derived_of(tables)).items()
                   if pd.notna(v)}
        # The sales force employed at the month's end, by unit: a unit's headcount sums its subtree's.
        working = person_units[(force & employed_on(people, end)).to_numpy()].value_counts().to_dict()
        headcounts: dict[str, int] = {}
        target: list[float] = []
        basis: list[str | None] = []
        for person, unit in zip(out["person"].tolist(), out["unit"].tolist(), strict=True):
            if person in own:
                target.append(own[person])
                basis.append("person")
            elif unit in by_unit and unit in tree.parent:
                if unit not in headcounts:
                    headcounts[unit] = sum(int(working.get(u, 0)) for u in tree.descendants(unit))
                headcount = headcounts[unit]
                target.append(by_unit[unit] / headcount if headcount else np.nan)
                basis.append("unit" if headcount else None)
            else:
                target.append(np.nan)
                basis.append(None)
        goal = np.array(target, dtype="float64")
        judged = goal > 0
        below = np.zeros(len(out), dtype=bool)
        below[judged] = cents[judged] * 100 < percent * goal[judged] * 100
        below_all &= below
        achievement = np.full(len(out), np.nan)
        np.divide(cents / 100, goal, out=achievement, where=judged)
        achievements.append(achievement)
        out[f"premium_{month}"] = cents / 100
        out[f"target_{month}"] = np.round(goal, 2)
        out[f"achievement_{month}"] = achievement
        out[f"basis_{month}"] = basis
    out["mean_achievement"] = np.mean(np.vstack(achievements), axis=0)
    out = out[below_all]
    order = out.sort_values(["mean_achievement", "person"], kind="mergesort").index
    return out.loc[order].reset_index(drop=True), names


def without_leapfrog_talk(laggards: pd.DataFrame, talks: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The laggards (rows of `laggards`) with no leapfrog talk (kind leapfrog) from the first of as_of's month to
    as_of, with `last_talk`: the date of their latest leapfrog talk before that, or NaT."""
    kind = talks["kind"].map(text_or_none)
    leapfrog = talks[(kind == "leapfrog").to_numpy() & talks["date"].notna().to_numpy()
                     & (talks["date"] <= pd.Timestamp(as_of)).to_numpy()]
    latest: dict[str, pd.Timestamp] = {}
    for who, day in zip(leapfrog["person"].map(text_or_none), leapfrog["date"], strict=True):
        if who is not None and (who not in latest or day > latest[who]):
            latest[who] = day
    last = pd.Series([latest.get(p, pd.NaT) for p in laggards["person"]], dtype="datetime64[ns]")
    out = laggards.assign(last_talk=last.to_numpy())
    talked = out["last_talk"].notna() & (out["last_talk"] >= pd.Timestamp(as_of.replace(day=1)))
    return out[~talked.to_numpy()].reset_index(drop=True)


def summons(units: pd.DataFrame, depth: int, count: int) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
    """The units to summon for a one-on-one debrief (述职): among the units at `depth` of the tree (0 the top)
    with a month target, the `count` best by month-to-date achievement (premium ÷ target) and the `count` worst of
    the others, ties by unit id, each with its achievement. `units` is the unit KPIs (index: unit id; columns level,
    achievement_mtd)."""
    if units.empty or count <= 0:
        return [], []
    chosen = units[(units["level"] == depth).to_numpy() & units["achievement_mtd"].notna().to_numpy()]
    ranked = sorted(zip(chosen["achievement_mtd"].astype(float).tolist(), [str(u) for u in chosen.index]),
                    key=lambda pair: (-pair[0], pair[1]))
    best = [(unit, value) for value, unit in ranked[:count]]
    chosen_best = {unit for unit, _ in best}
    rest = [(value, unit) for value, unit in ranked if unit not in chosen_best]
    worst = [(unit, value) for value, unit in sorted(rest, key=lambda pair: (pair[0], pair[1]))[:count]]
    return best, worst
