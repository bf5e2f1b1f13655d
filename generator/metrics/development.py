"""People development and resource flow: training sessions, performance talks, awards and resource batches.

Pure functions of the tables and the as-of date. Rows dated after the as-of date are left out
everywhere, so rebuilding a past day shows what was known that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pandas as pd

from ..inputs.schemas import SALES_FORCE
from .kpis import UnitTree, text_or_none

if TYPE_CHECKING:
    from pandas.api.typing import DataFrameGroupBy, NAType

TALK_CADENCES = ("monthly", "2/month", "weekly")


# ---------------------------------------------------------------------------------------------
# People and their supervisors
# ---------------------------------------------------------------------------------------------


def employed_everyone(people: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Return the people employed on `as_of`, in people-file order.

    Employed: joined on or before the day (an empty join date counts as joined) and not yet left
    (leave date after the day, or empty), as for the KPIs' headcount.
    """
    day = pd.Timestamp(as_of)
    joined = people["join_date"].isna() | (people["join_date"] <= day)
    staying = people["leave_date"].isna() | (people["leave_date"] > day)
    return people[joined & staying]


def employed_sales_force(people: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Return the sales force (agents and supervisors) employed on `as_of`, in people-file order."""
    staff = employed_everyone(people, as_of)
    return staff[staff["role"].isin(SALES_FORCE)]


def supervisor_of(person: str, unit: str | None, tree: UnitTree, heads: dict[str, str | None]) -> str | None:
    """Return a person's supervisor: the head of their unit, or, for the head themselves, of the nearest unit above."""
    if unit is None or unit not in tree.parent:
        return None
    for node in reversed(tree.ancestors(unit)):
        head = heads.get(node)
        if head is not None and head != person:
            return head
    return None


def unit_heads(units: pd.DataFrame) -> dict[str, str | None]:
    """Return each unit's head (person id), None where the unit has none."""
    return {str(u): text_or_none(h) for u, h in zip(units["id"], units["head"], strict=True)}


# ---------------------------------------------------------------------------------------------
# Training
# ---------------------------------------------------------------------------------------------


def month_of(day: pd.Timestamp | dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Return the months from `first` to `last` (YYYY-MM, both included), newest first."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out[::-1]


def _ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    num = numerator.astype("float64")
    den = denominator.astype("float64")
    return (num / den.where(den > 0)).astype("float64")


def training_sessions(training: pd.DataFrame, as_of: dt.date, min_score: float) -> pd.DataFrame:
    """Return the sessions held up to `as_of`, newest first, with month, attendance rate and a low-score flag.

    A session is low when it has a score and the score is under `min_score`; a session without a
    score is never low (nobody rated it).
    """
    held = training[training["date"] <= pd.Timestamp(as_of)].copy()
    held["month"] = pd.Series([month_of(d) for d in held["date"]], index=held.index, dtype=object)
    held["attendees"] = held["attendees"].fillna(0).astype("int64")
    held["expected"] = held["expected"].fillna(0).astype("int64")
    held["rate"] = _ratio(held["attendees"], held["expected"])
    held["low"] = (held["score"].notna() & (held["score"] < min_score)).astype(bool)
    return held.sort_values(["date", "_row"], ascending=[False, True]).reset_index(drop=True)


def teams_to_train(units: pd.DataFrame, people: pd.DataFrame, tree: UnitTree, as_of: dt.date) -> list[str]:
    """Return the units held to the training standard: teams (units with no units below) with sales staff on `as_of`."""
    staffed = set(employed_sales_force(people, as_of)["unit"].dropna().astype(str))
    return [u for u in tree.order if not tree.children.get(u) and u in staffed]


def _summary(groups: DataFrameGroupBy) -> pd.DataFrame:
    out = groups.agg(sessions=("date", "size"), attendees=("attendees", "sum"), expected=("expected", "sum"),
                     score=("score", "mean"), scored=("score", "count"))
    out["rate"] = _ratio(out["attendees"], out["expected"])
    return out


def training_by_unit(sessions: pd.DataFrame, checked: list[str], tree: UnitTree, as_of: dt.date,
                     standard: int) -> pd.DataFrame:
    """Return one row per month and unit: sessions, attendance, average score and whether it is below the standard.

    Months run from the first session's month to the as-of month, newest first. Every unit in
    `checked` has a row for every month (0 sessions when it held none); other units that held
    sessions appear in the months they held them, without a standard.
    """
    columns = ["month", "unit", "sessions", "attendees", "expected", "rate", "score", "standard", "below"]
    last = month_of(as_of)
    first = sessions["month"].min() if not sessions.empty else last
    months = months_between(min(first, last), last)
    summary = None if sessions.empty else _summary(sessions.groupby(["month", "unit"]))
    held: dict[Hashable, dict[Hashable, Any]] = {} if summary is None else summary.to_dict("index")
    held_keys: list[tuple[str, str]] = [] if summary is None else summary.index.tolist()  # (month, unit)
    position = {u: i for i, u in enumerate(tree.order)}
    rows = []
    for month in months:
        units = set(checked) | {unit for held_month, unit in held_keys if held_month == month}
        for unit in sorted(units, key=lambda u: (position.get(u, len(position)), u)):
            found = held.get((month, unit))
            count = int(found["sessions"]) if found is not None else 0
            is_checked = unit in checked
            rows.append({
                "month": month, "unit": unit, "sessions": count,
                "attendees": int(found["attendees"]) if found is not None else 0,
                "expected": int(found["expected"]) if found is not None else 0,
                "rate": _clean(found["rate"]) if found is not None else None,
                "score": _round(found["score"]) if found is not None else None,
                "standard": standard if is_checked else None,
                "below": is_checked and count < standard,
            })
    return pd.DataFrame(rows, columns=columns).astype({"standard": "Int64"})


def training_by_trainer(sessions: pd.DataFrame) -> pd.DataFrame:
    """Return one row per month and trainer (sessions without a trainer under None), newest month first."""
    columns = ["month", "trainer", "units", "sessions", "attendees", "expected", "rate", "score"]
    if sessions.empty:
        return pd.DataFrame([], columns=columns)
    frame = sessions.assign(trainer=sessions["trainer"].map(text_or_none).fillna(""))
    out = _summary(frame.groupby(["month", "trainer"]))
    units = frame.groupby(["month", "trainer"])["unit"].agg(lambda s: list(dict.fromkeys(s.sort_values())))
    rows: list[dict[str, Any]] = []
    for key, row in out.iterrows():
        month, trainer = cast(tuple[str, str], key)  # the index of a frame grouped by month and trainer
        rows.append({"month": month, "trainer": trainer or None, "units": units.loc[(month, trainer)],
                     "sessions": int(row["sessions"]), "attendees": int(row["attendees"]),
                     "expected": int(row["expected"]), "rate": _clean(row["rate"]), "score": _round(row["score"])})
    # newest month first; within a month the busiest trainer first, sessions without a trainer last
    rows.sort(key=lambda r: (-int(r["month"].replace("-", "")), -r["sessions"], r["trainer"] is None,
                             r["trainer"] or ""))
    return pd.DataFrame(rows, columns=columns)


def _clean(value: float | NAType | None) -> float | None:
    return None if pd.isna(value) else float(value)


def _round(value: float | NAType | None, digits: int = 2) -> float | None:
    number = _clean(value)
    return None if number is None else round(number, digits)


# ---------------------------------------------------------------------------------------------
# Performance talks
# ---------------------------------------------------------------------------------------------


def talk_period(as_of: dt.date, cadence: str) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the talk period containing `as_of`.

    monthly: the calendar month; 2/month: the 1st–15th or the 16th–month end; weekly: Monday–Sunday.
    """
    if cadence == "weekly":
        start = as_of - dt.timedelta(days=as_of.weekday())
        return start, start + dt.timedelta(days=6)
    next_month = (as_of.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    month_end = next_month - dt.timedelta(days=1)
    if cadence == "2/month":
        return (as_of.replace(day=1), as_of.replace(day=15)) if as_of.day <= 15 else (as_of.replace(day=16), month_end)
    if cadence != "monthly":
        raise ValueError(f"unknown talk cadence {cadence!r}; expected one of {', '.join(TALK_CADENCES)}")
    return as_of.replace(day=1), month_end


def talk_coverage(people: pd.DataFrame, units: pd.DataFrame, tree: UnitTree, talks: pd.DataFrame,
                  as_of: dt.date, cadence: str) -> pd.DataFrame:
    """Return one row per employed sales-force person: their supervisor and their talks in the current period.

    A talk counts for the person talked to whoever held it, when dated from the period's first day
    to `as_of`. Columns: person, unit, supervisor, talked, talks, talk_date, talk_by, topic (the latest
    talk of the period), last_talk (the latest talk up to `as_of`, in any period).
    """
    start, _ = talk_period(as_of, cadence)
    heads = unit_heads(units)
    staff = employed_sales_force(people, as_of)
    upto = talks[talks["date"] <= pd.Timestamp(as_of)].sort_values(["date", "_row"])
    latest = upto.groupby("person").tail(1).set_index("person")
    current = upto[upto["date"] >= pd.Timestamp(start)]
    counts = current.groupby("person").size()
    latest_current = current.groupby("person").tail(1).set_index("person")
    rows = []
    for person, unit in zip(staff["id"], staff["unit"], strict=True):
        unit = text_or_none(unit)
        talked = person in latest_current.index
        talk = latest_current.loc[person] if talked else None
        rows.append({
            "person": person, "unit": unit, "supervisor": supervisor_of(person, unit, tree, heads),
            "talked": talked, "talks": int(counts.get(person, 0)),
            "talk_date": talk["date"].date() if talk is not None else None,
            "talk_by": text_or_none(talk["supervisor"]) if talk is not None else None,
            "topic": text_or_none(talk["topic"]) if talk is not None else None,
            "last_talk": latest.loc[person, "date"].date() if person in latest.index else None,
        })
    columns = ["person", "unit", "supervisor", "talked", "talks", "talk_date", "talk_by", "topic", "last_talk"]
    return pd.DataFrame(rows, columns=columns)


def talks_in_period(talks: pd.DataFrame, as_of: dt.date, cadence: str) -> pd.DataFrame:
    """Return the talks of the current period up to `as_of`, newest first."""
    start, _ = talk_period(as_of, cadence)
    held = talks[(talks["date"] >= pd.Timestamp(start)) & (talks["date"] <= pd.Timestamp(as_of))]
    return held.sort_values(["date", "_row"], ascending=[False, True]).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Awards
# ---------------------------------------------------------------------------------------------


def award_month(period: str) -> str:
    """Return the month (YYYY-MM) of an award period; an ISO week belongs to the month of its Thursday."""
    if "-W" in period:
        year, week = int(period[:4]), int(period[6:])
        thursday = dt.date.fromisocalendar(year, week, 4)
        return month_of(thursday)
    return period


def previous_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:7])
    return f"{year - 1:04d}-12" if number == 1 else f"{year:04d}-{number - 1:02d}"


def awards_up_to(awards: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Return the awards of months up to the as-of month: newest month first, file order within a month."""
    months = pd.Series([award_month(p) for p in awards["month"]], index=awards.index, dtype=object)
    frame = awards.assign(month=months)
    frame = frame[frame["month"] <= month_of(as_of)]
    return frame.sort_values(["month", "_row"], ascending=[False, True]).reset_index(drop=True)


def current_awards(awards: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Return the current awards: those of the as-of month and of the month before."""
    frame = awards_up_to(awards, as_of)
    month = month_of(as_of)
    return frame[frame["month"].isin([month, previous_month(month)])].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Resources
# ---------------------------------------------------------------------------------------------


def resource_batches(resources: pd.DataFrame, as_of: dt.date, receive_days: int) -> pd.DataFrame:
    """Return the batches assigned up to `as_of`, newest first, with their state on that day.

    state: "received" (received on or before `as_of`), "overdue" (not received and assigned more
    than `receive_days` days before), else "pending". waited: days from assignment to receipt, or to
    `as_of` while not received. last_update: the latest of the received and updated dates up to `as_of`.
    """
    day = pd.Timestamp(as_of)
    frame = resources[resources["assigned"] <= day].copy()
    received = frame["received"].where(frame["received"] <= day)
    frame["received_on"] = received
    frame["size"] = frame["size"].fillna(0).astype("int64")
    waited_until = received.fillna(day)
    frame["waited"] = (waited_until - frame["assigned"]).dt.days.astype("int64")
    is_received = received.notna().to_numpy()
    overdue = ~is_received & (frame["waited"].to_numpy() > receive_days)
    frame["state"] = np.select([is_received, overdue], ["received", "overdue"], "pending")
    updated = frame["updated"].where(frame["updated"] <= day)
    frame["last_update"] = pd.concat([received, updated], axis=1).max(axis=1)
    return frame.sort_values(["assigned", "_row"], ascending=[False, True]).reset_index(drop=True)


def resources_by_owner(batches: pd.DataFrame) -> pd.DataFrame:
    """Return one row per owner (the person a batch was handed to), sorted by outstanding size, then id.

    Columns: batches, assigned (size), received (size), outstanding (size not yet received),
    overdue (batches), handed_out (size the owner passed to others).
    """
    columns = ["owner", "batches", "assigned", "received", "outstanding", "overdue", "handed_out"]
    if batches.empty:
        return pd.DataFrame([], columns=columns)
    frame = batches.assign(
        received_size=np.where(batches["state"] == "received", batches["size"], 0),
        overdue_batch=(batches["state"] == "overdue").astype("int64"),
    )
    out = frame.groupby("to_owner").agg(batches=("id", "size"), assigned=("size", "sum"),
                                        received=("received_size", "sum"), overdue=("overdue_batch", "sum"))
    out["outstanding"] = out["assigned"] - out["received"]
    handed = batches.dropna(subset=["from_owner"]).groupby("from_owner")["size"].sum()
    owners = sorted(set(out.index) | set(handed.index))
    rows = []
    for owner in owners:
        has = owner in out.index
        rows.append({
            "owner": owner,
            "batches": int(out.loc[owner, "batches"]) if has else 0,
            "assigned": int(out.loc[owner, "assigned"]) if has else 0,
            "received": int(out.loc[owner, "received"]) if has else 0,
            "outstanding": int(out.loc[owner, "outstanding"]) if has else 0,
            "overdue": int(out.loc[owner, "overdue"]) if has else 0,
            "handed_out": int(handed.get(owner, 0)),
        })
    rows.sort(key=lambda r: (-r["outstanding"], -r["assigned"], r["owner"]))
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class StaleTable:
    owner: str
    batches: list[str]  # ids of the owner's batches not updated in time
    size: int
    last_update: dt.date  # the latest update among those batches
    days: int  # days from that update to the as-of date


def stale_resource_tables(batches: pd.DataFrame, people: pd.DataFrame, as_of: dt.date,
                          update_days: int) -> list[StaleTable]:
    """Return, by owner, the received batches whose last update is more than `update_days` days before `as_of`.

    A batch's last update is its updated date, or its received date when later or never updated.
    Only owners employed on `as_of` are listed: a leaver's batches are reassigned, not updated.
    Longest stale first.
    """
    staff = set(employed_everyone(people, as_of)["id"])
    held = batches[(batches["state"] == "received") & batches["to_owner"].isin(staff)]
    late = held[(pd.Timestamp(as_of) - held["last_update"]).dt.days > update_days]
    out = []
    for owner, group in late.groupby("to_owner"):
        last = group["last_update"].max().date()
        out.append(StaleTable(str(owner), sorted(group["id"].astype(str)), int(group["size"].sum()), last,
                              (as_of - last).days))
    return sorted(out, key=lambda s: (-s.days, s.owner))
