"""Campaigns and contests: the standings of people and units over a campaign's dates, its progress and its prizes.

Pure functions of the tables, a campaign and the as-of date. Definitions (the campaign pages state them too):

- Taking part: the sales force (agents and supervisors) of the campaign's units and the units below them (everyone
  when it names none), employed at some time between its first day and the last day counted.
- The last day counted is the campaign's last day, or the as-of date while it runs: a finished campaign keeps its
  final standings, and nothing after the as-of date counts.
- Values: premium, FYC and cases summed over those days; active: people with at least one case (a person's value is
  their cases); recruits: sales-force joiners of the unit and below (units only); achievement: premium ÷ target,
  where target is each person's, and a unit's is target × the people of it taking part.
- Ranks: highest first, ties sharing the best rank (1, 1, 3); units ranked are the teams (units with none below).
- Tiers: a person (for recruits, a unit) earns the highest tier whose threshold their value reaches.
- A repeating campaign starts again each week (Monday–Sunday) or month, within its start and end.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .kpis import days_in_month, leaderboard, month_start, org_of, window_sums

MONEY_METRICS = ("premium", "fyc")


@dataclass(frozen=True)
class Campaign:
    slug: str
    title: str
    start: dt.date
    end: dt.date | None  # None: a repeating campaign that runs on
    metric: str
    target: float | None
    units: tuple[str, ...]  # empty: the whole site
    tiers: tuple[tuple[str, float], ...]  # (name, threshold), lowest first
    repeat: str | None


def campaign_from(slug: str, meta: dict[str, Any]) -> Campaign:
    """A campaign from its checked front matter (inputs/schemas.py COLLECTIONS["campaigns"])."""
    target = meta.get("target")
    return Campaign(
        slug=slug, title=str(meta["title"]), start=meta["start"], end=meta.get("end"),
        metric=str(meta.get("metric") or "premium"), target=float(target) if target is not None else None,
        units=tuple(meta.get("units") or ()), tiers=tuple((t["name"], float(t["threshold"])) for t in
                                                         meta.get("tiers") or ()),
        repeat=meta.get("repeat"),
    )


def _period_of(day: dt.date, repeat: str) -> tuple[dt.date, dt.date]:
    if repeat == "weekly":
        first = day - dt.timedelta(days=day.weekday())
        return first, first + dt.timedelta(days=6)
    first = month_start(day)
    return first, first.replace(day=days_in_month(first))


def rounds(campaign: Campaign, as_of: dt.date) -> tuple[tuple[dt.date, dt.date], tuple[dt.date, dt.date] | None]:
    """The round shown now and the round before it (None when there is none): (first day, last day) each.

    A campaign that does not repeat has one round, start to end. A repeating one shows the round holding the as-of
    date (the first before it starts, the last after it ends), each clipped to start and end.
    """
    if campaign.repeat is None:
        assert campaign.end is not None  # checked on loading: a campaign that does not repeat has an end
        return (campaign.start, campaign.end), None
    day = min(max(as_of, campaign.start), campaign.end) if campaign.end else max(as_of, campaign.start)

    def clipped(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
        return max(first, campaign.start), min(last, campaign.end) if campaign.end else last

    first, last = _period_of(day, campaign.repeat)
    current = clipped(first, last)
    if current[0] <= campaign.start:
        return current, None
    return current, clipped(*_period_of(first - dt.timedelta(days=1), campaign.repeat))


def status(first: dt.date, last: dt.date, as_of: dt.date) -> str:
    """upcoming (before its first day), running, or finished (after its last day)."""
    return "upcoming" if as_of < first else ("finished" if as_of > last else "running")


@dataclass(frozen=True)
class Standing:
    first: dt.date
    last: dt.date
    counted: dt.date | None  # the last day counted; None before the round starts
    status: str
    days: int  # days of the round
    elapsed: int  # days counted
    left: int  # days after the as-of date to the last day (0 once finished)
    people: pd.DataFrame | None  # person, name, unit, value, rank, tier; None for recruits
    units: pd.DataFrame  # unit, name, value, participants, rank, tier
    total: float
    goal: float | None  # the target of the whole round in its metric (achievement: 1, i.e. 100 %)
    progress: float | None  # total ÷ goal

    @property
    def time_progress(self) -> float:
        return self.elapsed / self.days if self.days else 0.0


def _tier(value: float | None, tiers: tuple[tuple[str, float], ...]) -> str | None:
    reached = [name for name, threshold in tiers if value is not None and value >= threshold]
    return reached[-1] if reached else None


def standing(tables: dict[str, pd.DataFrame], campaign: Campaign, first: dt.date, last: dt.date,
             as_of: dt.date) -> Standing:
    """The standings of one round of a campaign, from `first` to `last`, on `as_of` (see the module's definitions)."""
    org = org_of(tables)
    state = status(first, last, as_of)
    counted = None if state == "upcoming" else min(last, as_of)
    days = (last - first).days + 1
    elapsed = 0 if counted is None else (counted - first).days + 1
    scope = np.zeros(len(org.index), dtype=bool)
    for unit in campaign.units or [None]:
        scope[org.member_positions(unit)] = True
    end = counted or first - dt.timedelta(days=1)
    joined = np.isnat(org.joined_on) | (org.joined_on <= np.datetime64(end, "D"))
    stayed = np.isnat(org.left_on) | (org.left_on > np.datetime64(first, "D"))
    taking_part = scope & org.sales_force & joined & stayed if counted is not None else np.zeros_like(scope)
    ids = org.index[taking_part]
    sums = window_sums(tables, ids, {"w": (first, end)})
    metric = campaign.metric
    money = {m: sums[f"{m}_w"].to_numpy() / 100 for m in MONEY_METRICS}
    cases = sums["cases_w"].to_numpy()
    names = org.person_names
    units_of = org.person_columns["unit"].to_numpy(dtype=object)[taking_part]
    person_value: np.ndarray
    if metric in MONEY_METRICS:
        person_value = money[metric]
    elif metric in ("cases", "active"):
        person_value = cases.astype("float64")
    else:  # achievement (recruits has no person values)
        person_value = money["premium"] / campaign.target if campaign.target else np.full(len(ids), np.nan)

    # Units: the teams in scope, each with the people of it and below taking part.
    scope_units = {u for unit in (campaign.units or org.tree.roots) for u in org.tree.descendants(unit)}
    teams = [u for u in org.tree.order if u in scope_units and not org.tree.children.get(u)]
    # Recruits: sales-force joiners of the scope over the round (they are taking part, having joined in it).
    joins = org.joined_on[taking_part]
    recruited = ~np.isnat(joins) & (joins >= np.datetime64(first, "D")) & (joins <= np.datetime64(end, "D"))
    # Each count per person over everyone (zero for those not taking part), rolled up into every unit at once.
    columns = (np.ones(len(ids), dtype=np.int64), sums["premium_w"].to_numpy(), sums["fyc_w"].to_numpy(),
               cases, (cases > 0).astype(np.int64), recruited.astype(np.int64))
    per_person = np.zeros((len(org.index), len(columns)), dtype=np.int64)
    per_person[taking_part] = np.column_stack(columns).astype(np.int64)
    rolled = org.roll(per_person)
    at = np.array([org.position[team] for team in teams], dtype=np.int64)
    participants, premium_cents, fyc_cents, team_cases, active, recruits = (rolled[at, k] for k in range(6))
    team_value = {"premium": premium_cents / 100, "fyc": fyc_cents / 100, "cases": team_cases,
                  "active": active, "recruits": recruits}.get(metric)
    if team_value is None:  # achievement: premium ÷ (target × people taking part)
        share = (campaign.target or 0.0) * participants
        team_value = np.divide(premium_cents / 100, share, out=np.full(len(teams), np.nan), where=share > 0)
    rows = [{"unit": team, "name": org.unit_names.get(team, team), "value": float(value),
             "participants": int(count)} for team, value, count in zip(teams, team_value, participants, strict=True)]
    unit_frame = pd.DataFrame(rows, columns=["unit", "name", "value", "participants"]).set_index("unit", drop=False)
    unit_frame = leaderboard(unit_frame, "value").reset_index(drop=True) if rows else unit_frame.assign(rank=[])
    unit_frame["tier"] = pd.Series([_tier(v, campaign.tiers) if metric == "recruits" else None
                                    for v in unit_frame["value"]], index=unit_frame.index, dtype=object)

    people = None
    if metric != "recruits":
        frame = pd.DataFrame({"person": ids.to_numpy(dtype=object), "name": [names.get(p, "") for p in ids],
                              "unit": units_of, "value": person_value}, index=ids)
        if metric == "active":
            frame = frame[frame["value"] > 0]
        people = leaderboard(frame, "value").reset_index(drop=True)
        people["tier"] = pd.Series([_tier(None if pd.isna(v) else float(v), campaign.tiers) for v in people["value"]],
                                   index=people.index, dtype=object)

    # Money totalled in whole cents, then yuan: exactly the sum of the rows (see metrics/kpis.py).
    if metric in MONEY_METRICS:
        total = int(sums[f"{metric}_w"].sum()) / 100
    elif metric == "cases":
        total = float(cases.sum())
    elif metric == "active":
        total = float((cases > 0).sum())
    elif metric == "recruits":
        total = float(recruited.sum())
    else:
        goal_all = (campaign.target or 0.0) * len(ids)
        total = int(sums["premium_w"].sum()) / 100 / goal_all if goal_all else float("nan")
    goal: float | None = 1.0 if metric == "achievement" else campaign.target
    progress = total / goal if goal and not np.isnan(total) else None
    return Standing(first, last, counted, state, days, elapsed, max((last - as_of).days, 0), people, unit_frame,
                    total, goal, progress)


def tier_counts(frame: pd.DataFrame | None, tiers: tuple[tuple[str, float], ...]) -> list[dict[str, Any]]:
    """How many people (or units) earned each tier, highest tier first."""
    found = frame["tier"].value_counts() if frame is not None and not frame.empty else pd.Series(dtype="int64")
    return [{"name": name, "threshold": threshold, "count": int(found.get(name, 0))} for name, threshold in
            reversed(tiers)]
