"""Manpower (人力): joiners, leavers, headcount, attrition, the newcomer pipeline and the supervisor span.

Pure functions of the tables and the as-of date. Definitions (the manpower page states them too):

- Manpower is the sales force (agents and supervisors), as the KPIs' headcount; a person counts in their
  unit and every unit above it.
- Employed on a day: joined on or before it (an empty join date counts as joined) and a leave date after
  it, or none: the leave date is the first day away.
- A joiner of a period: a join date within it; a leaver: a leave date within it. Nothing after the
  as-of date counts (a leave date announced for next week is not a leaver yet).
- Headcount at a month's start: employed on the day before its first day; at its end: employed on its
  last day, or on the as-of date for the as-of month. So end = start + joiners − leavers.
- Attrition rate of a month: its leavers ÷ its headcount at the start (NaN when that is 0).
- Newcomer period: a joiner is a newcomer while they joined after `newcomer_months` months before the
  day (as the newcomers-at-risk warning). Converted (转正): the period is over, they were still employed
  on its last day, and their premium and cases over the period met the newcomer standard pro rata
  (standard × days ÷ 30), as the warning holds newcomers to it.
- Supervisor span: agents ÷ supervisors employed in the unit and below.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .kpis import days_in_month, month_start, org_of, own_window_sums, period_sums, prepared_sales
from .warnings import PRO_RATA_DAYS, months_before

FLOW_COLUMNS = ("joiners_day", "leavers_day", "joiners_mtd", "leavers_mtd")
MONTH_COLUMNS = ("start", "joiners", "leavers", "end")


def recent_months(as_of: dt.date, count: int = 12) -> list[tuple[str, dt.date, dt.date]]:
    """The `count` months up to as_of's, oldest first: (YYYY-MM, first day, last day counted — as_of for its month)."""
    out = []
    first = month_start(as_of)
    for _ in range(count):
        last = min(first.replace(day=days_in_month(first)), as_of)
        out.append((f"{first.year:04d}-{first.month:02d}", first, last))
        first = month_start(first - dt.timedelta(days=1))
    return out[::-1]


def _employed(joined: np.ndarray, left: np.ndarray, day: dt.date) -> np.ndarray:
    stamp = np.datetime64(day, "D")
    return (np.isnat(joined) | (joined <= stamp)) & (np.isnat(left) | (left > stamp))


def _within(days: np.ndarray, first: dt.date, last: dt.date) -> np.ndarray:
    return ~np.isnat(days) & (days >= np.datetime64(first, "D")) & (days <= np.datetime64(last, "D"))


def monthly(tables: dict[str, pd.DataFrame], as_of: dt.date, count: int = 12) -> pd.DataFrame:
    """Headcount at start and end, joiners, leavers and attrition of every unit in each of the `count` months.

    One row per unit (depth-first) and month (oldest first); columns unit, month, start, joiners, leavers,
    end, attrition. The whole site's rows are the sums of its top units' (see site_monthly).
    """
    org = org_of(tables)
    force = org.sales_force
    months = recent_months(as_of, count)
    columns = []
    for _, first, last in months:
        columns += [
            force & _employed(org.joined_on, org.left_on, first - dt.timedelta(days=1)),
            force & _within(org.joined_on, first, last),
            force & _within(org.left_on, first, last),
            force & _employed(org.joined_on, org.left_on, last),
        ]
    rolled = org.roll(np.column_stack(columns).astype(np.int64)) if columns else np.zeros((len(org.order), 0))
    width = len(MONTH_COLUMNS)
    frames = []
    for i, (label, _, _) in enumerate(months):
        part = rolled[:, i * width:(i + 1) * width]
        frames.append(pd.DataFrame({"unit": org.order.to_numpy(dtype=object), "month": label,
                                    **{name: part[:, k] for k, name in enumerate(MONTH_COLUMNS)}}))
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["unit", "month", *MONTH_COLUMNS])
    position = {u: p for p, u in enumerate(org.order)}
    out = out.assign(_pos=out["unit"].map(position)).sort_values(["_pos", "month"], kind="mergesort")
    out = out.drop(columns="_pos").reset_index(drop=True)
    out["attrition"] = _rate(out["leavers"], out["start"])
    return out


def site_monthly(by_unit: pd.DataFrame, roots: list[str]) -> pd.DataFrame:
    """The whole site's months (month, start, joiners, leavers, end, attrition) from `monthly`: its top units summed."""
    tops = by_unit[by_unit["unit"].isin(roots)]
    out = tops.groupby("month", sort=True)[list(MONTH_COLUMNS)].sum().reset_index()
    out["attrition"] = _rate(out["leavers"], out["start"])
    return out


def _rate(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    den = denominator.astype("float64")
    return (numerator.astype("float64") / den.where(den > 0)).astype("float64")


def day_flows(tables: dict[str, pd.DataFrame], day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Joiners and leavers of the sales force on `day` and in its month up to it: per person (1 or 0, index:
    person id, sorted) and per unit (counts of the unit and below, index: unit id, depth-first)."""
    org = org_of(tables)
    force = org.sales_force
    first = month_start(day)
    values = np.column_stack([
        force & _within(org.joined_on, day, day), force & _within(org.left_on, day, day),
        force & _within(org.joined_on, first, day), force & _within(org.left_on, first, day),
    ]).astype(np.int64)
    people = pd.DataFrame(values, index=org.index, columns=list(FLOW_COLUMNS))
    units = pd.DataFrame(org.roll(values), index=org.order, columns=list(FLOW_COLUMNS))
    return people, units


def span(tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    """Agents, supervisors and the span (agents ÷ supervisors, NaN without supervisors) employed on as_of in each
    unit and below (index: unit id, depth-first)."""
    org = org_of(tables)
    employed = _employed(org.joined_on, org.left_on, as_of)
    role = org.person_columns["role"].to_numpy(dtype=object)
    values = np.column_stack([employed & (role == "agent"), employed & (role == "supervisor")]).astype(np.int64)
    rolled = org.roll(values)
    out = pd.DataFrame(rolled, index=org.order, columns=["agents", "supervisors"])
    out["span"] = _rate(out["agents"], out["supervisors"])
    return out


def newcomer_period_end(joined: dt.date, months: int) -> dt.date:
    """The last day of a newcomer period: the last day on which someone who joined on `joined` is still a newcomer
    (joined after `months` months before that day)."""
    day = months_before(joined, -months)
    while months_before(day, months) < joined:  # the month-end clip can put the same day of the month too early
        day += dt.timedelta(days=1)
    return day - dt.timedelta(days=1)


def pipeline(tables: dict[str, pd.DataFrame], as_of: dt.date, unit: str | None, months: int, premium: float,
             cases: float, count: int = 12) -> pd.DataFrame:
    """The newcomer → full-member pipeline of `unit` and below (everyone for None), by join month.

    One row per month of `recent_months(as_of, count)`: joined (sales-force joiners), still_in (employed on
    as_of), active (still in, with a case this month), in_period (still in and still newcomers), decided (their
    newcomer period is over), converted (see the module's definitions) and conversion (converted ÷ decided).
    """
    org, prepared = org_of(tables), prepared_sales(tables)
    scope = np.zeros(len(org.index), dtype=bool)
    scope[org.member_positions(unit)] = True
    employed = _employed(org.joined_on, org.left_on, as_of)
    cases_mtd = period_sums(prepared, as_of)["cases_mtd"]
    if not org.index.equals(prepared.people):
        cases_mtd = pd.Series(cases_mtd, index=prepared.people).reindex(org.index, fill_value=0).to_numpy()
    cutoff = months_before(as_of, months)
    rows = []
    for label, first, last in recent_months(as_of, count):
        chosen = np.flatnonzero(scope & org.sales_force & _within(org.joined_on, first, last))
        joins = [pd.Timestamp(org.joined_on[i]).date() for i in chosen]
        decided = [j <= cutoff for j in joins]
        converted = _converted(tables, org.index[chosen], joins, org.left_on[chosen], decided, months, premium, cases)
        still = employed[chosen]
        rows.append({
            "month": label, "joined": len(chosen), "still_in": int(still.sum()),
            "active": int((still & (cases_mtd[chosen] > 0)).sum()),
            "in_period": int((still & ~np.array(decided, dtype=bool)).sum()),
            "decided": int(sum(decided)), "converted": converted,
        })
    out = pd.DataFrame(rows, columns=["month", "joined", "still_in", "active", "in_period", "decided", "converted"])
    out["conversion"] = _rate(out["converted"], out["decided"])
    return out


def _converted(tables: dict[str, pd.DataFrame], ids: pd.Index, joins: list[dt.date], left: np.ndarray,
               decided: list[bool], months: int, premium: float, cases: float) -> int:
    """How many of the decided joiners converted: employed on their period's last day, standard met over it."""
    windows = {}
    gone_on = {}
    for person, joined, over, gone in zip(ids, joins, decided, left, strict=True):
        if over:
            windows[person] = (joined, newcomer_period_end(joined, months))
            gone_on[person] = gone
    if not windows:
        return 0
    index = pd.Index(sorted(windows), dtype=object)
    sums = own_window_sums(tables, index, [windows[p] for p in index])
    standard_cents = round(premium * 100)
    count = 0
    for i, person in enumerate(index):
        cents, done = int(sums["premium"][i]), int(sums["cases"][i])
        joined, end = windows[person]
        gone = gone_on[person]
        if not np.isnat(gone) and gone <= np.datetime64(end, "D"):
            continue
        days = (end - joined).days + 1
        # Compared as cents × 30 against standard × days, as the newcomers-at-risk warning: no rounding at the line.
        if cents * PRO_RATA_DAYS >= standard_cents * days and done * PRO_RATA_DAYS >= cases * days:
            count += 1
    return count


def unit_summary(tables: dict[str, pd.DataFrame], as_of: dt.date) -> pd.DataFrame:
    """The manpower of each unit on as_of (index: unit id, depth-first): headcount, joiners and leavers of the month
    to date, attrition of the month so far, agents, supervisors and span."""
    months = monthly(tables, as_of, 1).set_index("unit")
    out = months[["end", "joiners", "leavers", "start", "attrition"]].rename(columns={"end": "headcount"})
    return out.join(span(tables, as_of))
