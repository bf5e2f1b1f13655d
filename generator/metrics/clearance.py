"""Newcomers' 通关: who has passed which of the top-ten problems (the booklet's ranks 1–10), each newcomer's
progress, each unit's pass rate, and the newcomers past the set number of days without passing them all.

Pure functions of the people and clearance tables and the as-of date. Definitions:

- A newcomer is in the sales force, employed on the as-of date, and joined after [rules] newcomer_months months
  before it (as for the newcomers at risk). Days since joining count the joining day and the as-of date.
- A problem is passed on the first day a row records it passed, on or before the as-of date; a failed attempt
  passes nothing. A newcomer has cleared (通关) when all ten are passed.
- A unit's pass rate: its newcomers and those of the units below it who have cleared ÷ all of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ..inputs.schemas import SALES_FORCE
from .kpis import UnitTree, text_or_none
from .warnings import employed_on, months_before

PROBLEMS = tuple(range(1, 11))  # the ranks of the top-ten problems booklet


def passed_problems(clearance: pd.DataFrame, as_of: dt.date) -> dict[str, dict[int, dt.date]]:
    """Per person: each problem passed and the first day it was."""
    rows = clearance[(clearance["result"] == "passed").to_numpy() & clearance["date"].notna().to_numpy()
                     & (clearance["date"] <= pd.Timestamp(as_of)).to_numpy()]
    out: dict[str, dict[int, dt.date]] = {}
    for person, problem, day in zip(rows["person"].map(text_or_none), rows["problem"], rows["date"], strict=True):
        if person is None or pd.isna(problem):
            continue
        found = out.setdefault(str(person), {})
        when = pd.Timestamp(day).date()
        if int(problem) not in found or when < found[int(problem)]:
            found[int(problem)] = when
    return out


def newcomer_progress(people: pd.DataFrame, clearance: pd.DataFrame, as_of: dt.date, months: int
                      ) -> list[dict[str, Any]]:
    """Every newcomer with their unit, join date, days since joining, problems passed and whether cleared; by
    person id."""
    cutoff = pd.Timestamp(months_before(as_of, months))
    mask = (people["role"].isin(SALES_FORCE) & employed_on(people, as_of) & people["join_date"].notna()
            & (people["join_date"] > cutoff)).to_numpy()
    passed = passed_problems(clearance, as_of)
    out = []
    for person, unit, joined in zip(people.loc[mask, "id"], people.loc[mask, "unit"], people.loc[mask, "join_date"],
                                    strict=True):
        done = passed.get(str(person), {})
        count = sum(1 for p in PROBLEMS if p in done)
        out.append({"person": str(person), "unit": text_or_none(unit), "join_date": pd.Timestamp(joined).date(),
                    "days": (as_of - pd.Timestamp(joined).date()).days + 1, "passed": count,
                    "cleared": count == len(PROBLEMS)})
    return sorted(out, key=lambda r: r["person"])


def unit_pass_rates(progress: list[dict[str, Any]], tree: UnitTree) -> dict[str, dict[str, Any]]:
    """Per unit with newcomers in it or below: newcomers, cleared, and the pass rate."""
    out: dict[str, dict[str, Any]] = {}
    for row in progress:
        if row["unit"] is None or row["unit"] not in tree.parent:
            continue
        for unit in tree.ancestors(row["unit"]):
            entry = out.setdefault(unit, {"newcomers": 0, "cleared": 0})
            entry["newcomers"] += 1
            entry["cleared"] += int(row["cleared"])
    for entry in out.values():
        entry["rate"] = entry["cleared"] / entry["newcomers"]
    return out


def overdue_clearance(progress: list[dict[str, Any]], days: int) -> list[dict[str, Any]]:
    """Newcomers more than `days` days since joining who have not cleared; the longest first."""
    found = [r for r in progress if not r["cleared"] and r["days"] > days]
    return sorted(found, key=lambda r: (-r["days"], r["person"]))
