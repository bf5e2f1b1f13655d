"""KPIs and the daily report, checked against plain-Python computations over the same rows."""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.i18n import catalogue
from generator.inputs.datasets import empty_frame
from generator.inputs.schemas import DATASETS
from generator.metrics import daily, kpis
from generator.metrics.memo import Derived, Tables

D = dt.date


def frame(name: str, rows: list[dict]) -> pd.DataFrame:
    """Build a table with the loader's columns and dtypes (missing cells empty, like an empty cell in a file)."""
    dataset = DATASETS[name]
    columns: dict[str, pd.Series] = {}
    for column in dataset.columns:
        values = [row.get(column.name, column.default) for row in rows]
        if column.type in ("date", "datetime"):
            series = pd.Series(pd.to_datetime([v for v in values]), dtype="datetime64[ns]")
        elif column.type in ("money", "number"):
            series = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
        elif column.type == "int":
            series = pd.Series(values, dtype="Int64")
        else:
            series = pd.Series(values, dtype=object)
        columns[column.name] = series
    out = pd.DataFrame(columns, index=pd.RangeIndex(len(rows)))
    out["_row"] = pd.Series(range(2, len(rows) + 2), dtype="int64")
    return out


EMPTY = {name: empty_frame(dataset) for name, dataset in DATASETS.items()}


def site(units: list[tuple], people: list[tuple], sales: list[tuple], targets: list[tuple] = (),
         tracking: list[dict] = ()) -> dict[str, pd.DataFrame]:
    tables = dict(EMPTY)  # the datasets a test does not fill stay empty, as when their file is absent
    tables["units"] = frame("units", [{"id": i, "name": n, "parent": p} for i, n, p in units])
    tables["people"] = frame("people", [
        {"id": i, "name": n, "unit": u, "role": r, "join_date": j, "leave_date": lv} for i, n, u, r, j, lv in people
    ])
    tables["sales"] = frame("sales", [
        {"date": d, "person": p, "premium": pr, "fyc": f, "cases": c} for d, p, pr, f, c in sales
    ])
    tables["targets"] = frame("targets", [
        {"period": per, "unit": u, "person": p, "metric": m, "target": t} for per, u, p, m, t in targets
    ])
    tables["tracking"] = frame("tracking", list(tracking))
    return tables


# A branch, two divisions, three teams; the branch and division D2 also have direct members.
UNITS = [
    ("B", "分公司", None),
    ("D1", "一部", "B"),
    ("T1", "一部一组", "D1"),
    ("T2", "一部二组", "D1"),
    ("D2", "二部", "B"),
    ("T3", "二部一组", "D2"),
]
PEOPLE = [
    # id, name, unit, role, join_date, leave_date
    ("P01", "甲", "T1", "agent", "2020-01-01", None),
    ("P02", "乙", "T1", "supervisor", "2019-05-01", None),
    ("P03", "丙", "T1", "agent", "2021-01-01", "2026-03-10"),  # left this month: sales count, not headcount
    ("P04", "丁", "T2", "agent", "2026-03-15", None),  # newcomer, joined after the month began
    ("P05", "戊", "T2", "agent", "2022-01-01", None),  # ties P06 on premium_mtd
    ("P06", "己", "T2", "agent", "2022-01-01", None),
    ("P07", "庚", "T3", "agent", None, None),  # no join date: counts as joined
    ("P08", "辛", "D2", "agent", "2018-01-01", None),  # a division's direct member
    ("P09", "壬", "B", "manager", "2010-01-01", None),  # not sales force, sells a little
    ("P10", "癸", "B", "tracker", "2015-01-01", None),
    ("P11", "子", "T3", "agent", "2026-04-10", None),  # joins after as_of
    ("P12", "丑", "T1", "agent", "2020-01-01", "2026-01-15"),  # left in January
    ("P13", "寅", "T2", "supervisor", "2020-01-01", None),  # no sales at all: has not broken zero
]
AS_OF = D(2026, 3, 31)  # a Tuesday; February 2026 has 28 days

SALES = [
    # date, person, premium, fyc, cases
    ("2026-03-31", "P01", 1234.56, 300.10, 1),
    ("2026-03-31", "P01", 0.10, 0.01, 1),
    ("2026-03-31", "P01", 0.20, 0.02, 1),
    ("2026-03-31", "P04", 5000.00, 1500.00, 1),
    ("2026-03-31", "P08", 800.00, 200.00, 1),
    ("2026-03-31", "P09", 100.00, 10.00, 1),
    ("2026-03-30", "P01", 2000.00, 500.00, 1),  # Monday: in the week
    ("2026-03-30", "P07", 3000.00, 900.00, 2),
    ("2026-03-29", "P02", 4000.00, 1000.00, 1),  # Sunday: previous ISO week
    ("2026-03-24", "P05", 7000.00, 2100.00, 1),  # same weekday last week
    ("2026-03-24", "P06", 6000.00, 1800.00, 1),
    ("2026-03-20", "P06", 1000.00, 300.00, 1),  # P05 and P06 both 7,000 this month
    ("2026-03-05", "P03", 9000.00, 2700.00, 1),  # before leaving
    ("2026-03-01", "P07", 1500.00, 450.00, 1),
    ("2026-04-01", "P01", 99999.00, 9999.00, 9),  # after as_of: never counts
    ("2026-02-28", "P01", 2500.00, 700.00, 1),  # last day of February: in prev_month_to_date
    ("2026-02-27", "P08", 3300.00, 1000.00, 1),
    ("2026-02-01", "P05", 1200.00, 360.00, 1),
    ("2026-01-31", "P01", 4400.00, 1300.00, 1),  # January: ytd only
    ("2026-01-10", "P12", 8800.00, 2600.00, 2),  # the January leaver's sales count toward the units
    ("2025-12-31", "P01", 77777.00, 7777.00, 7),  # last year: nothing this year
    ("2026-03-15", "P05", 0.00, 0.00, 0),  # a zero row: not a case
]
TARGETS = [
    ("2026-03", "B", None, "premium", 100000.0),
    ("2026-03", "D1", None, "premium", 60000.0),
    ("2026-03", "D2", None, "premium", 30000.0),
    ("2026-03", "T1", None, "premium", 20000.0),
    ("2026-03", "T2", None, "premium", 20000.0),
    # T3 has no target for March: only one for another month and one for another metric
    ("2026-04", "T3", None, "premium", 9999.0),
    ("2026-03", "T3", None, "fyc", 5000.0),
    ("2026-03", None, "P01", "premium", 5000.0),
    ("2026-03", "T1", "P02", "premium", 8000.0),  # a person's target, though the unit is also filled
    ("2026-W13", None, "P04", "premium", 1000.0),  # a weekly target is not a month target
]


@pytest.fixture
def tables() -> dict[str, pd.DataFrame]:
    return site(UNITS, PEOPLE, SALES, TARGETS)


# --- the independent computation: plain loops over the rows ------------------------------------------------------


def day(text: str | None) -> dt.date | None:
    return None if text is None else dt.date.fromisoformat(text)


def in_period(date: dt.date, as_of: dt.date, period: str) -> bool:
    """Whether a sale on `date` falls in `period` of `as_of`, by calendar arithmetic written out."""
    if date > as_of and period not in ("prev_day", "same_weekday_last_week", "prev_month_to_date"):
        return False
    if period == "day":
        return date == as_of
    if period == "wtd":
        return date.isocalendar()[:2] == as_of.isocalendar()[:2]
    if period == "mtd":
        return (date.year, date.month) == (as_of.year, as_of.month)
    if period == "ytd":
        return date.year == as_of.year
    if period == "prev_day":
        return date == as_of - dt.timedelta(days=1)
    if period == "same_weekday_last_week":
        return date == as_of - dt.timedelta(days=7)
    assert period == "prev_month_to_date"
    year, month = (as_of.year, as_of.month - 1) if as_of.month > 1 else (as_of.year - 1, 12)
    # day numbers beyond the previous month's length cannot occur in it: the clip is implicit
    return (date.year, date.month) == (year, month) and date.day <= as_of.day


def expected_person(sales: list[tuple], person: str, as_of: dt.date, period: str, metric: str = "premium") -> float:
    position = {"premium": 2, "fyc": 3, "cases": 4}[metric]
    total = Decimal(0)
    for row in sales:
        if row[1] == person and in_period(day(row[0]), as_of, period):
            total += Decimal(str(row[position]))
    return int(total) if metric == "cases" else float(total)


def under(units: list[tuple], unit: str | None, top: str) -> bool:
    """Whether `unit` is `top` or below it, walking up the parents."""
    parents = {u: p for u, _, p in units}
    while unit is not None:
        if unit == top:
            return True
        unit = parents[unit]
    return False


def expected_unit(units: list[tuple], people: list[tuple], sales: list[tuple], unit: str, as_of: dt.date,
                  period: str, metric: str = "premium") -> float:
    home = {p[0]: p[2] for p in people}
    position = {"premium": 2, "fyc": 3, "cases": 4}[metric]
    total = Decimal(0)
    for row in sales:
        if row[1] in home and under(units, home[row[1]], unit) and in_period(day(row[0]), as_of, period):
            total += Decimal(str(row[position]))
    return int(total) if metric == "cases" else float(total)


def employed(person: tuple, as_of: dt.date) -> bool:
    joined, left = day(person[4]), day(person[5])
    return (joined is None or joined <= as_of) and (left is None or left > as_of)


PERIOD_METRICS = [(m, p) for m in ("premium", "fyc", "cases") for p in ("day", "wtd", "mtd", "ytd")]
COMPARISONS = ["prev_day", "same_weekday_last_week", "prev_month_to_date"]


# --- frames and the tree -----------------------------------------------------------------------------------------


def test_test_frames_have_the_loader_dtypes() -> None:
    for name in ("units", "people", "sales", "targets", "tracking"):
        built = frame(name, [])
        assert built.dtypes.to_dict() == empty_frame(DATASETS[name]).dtypes.to_dict(), name


def test_unit_tree(tables: dict[str, pd.DataFrame]) -> None:
    tree = kpis.unit_tree(tables["units"])
    assert tree.order == ["B", "D1", "T1", "T2", "D2", "T3"]
    assert tree.depth == {"B": 0, "D1": 1, "T1": 2, "T2": 2, "D2": 1, "T3": 2}
    assert tree.parent["B"] is None and tree.parent["T2"] == "D1"
    assert tree.children["D1"] == ["T1", "T2"] and tree.children["T3"] == []
    assert tree.ancestors("T2") == ["B", "D1", "T2"]
    assert tree.descendants("D1") == ["D1", "T1", "T2"]
    assert tree.descendants("B") == tree.order


def test_unit_tree_keeps_file_order_of_siblings_listed_before_their_parent() -> None:
    units = frame("units", [{"id": "X2", "name": "x2", "parent": "R"}, {"id": "R", "name": "r", "parent": None},
                            {"id": "X1", "name": "x1", "parent": "R"}, {"id": "S", "name": "s", "parent": None}])
    tree = kpis.unit_tree(units)
    assert tree.order == ["R", "X2", "X1", "S"]


# --- people ------------------------------------------------------------------------------------------------------


def test_person_kpis_match_an_independent_computation(tables: dict[str, pd.DataFrame]) -> None:
    people = kpis.person_kpis(tables, AS_OF)
    assert list(people.index) == sorted(p[0] for p in PEOPLE)
    for person in PEOPLE:
        row = people.loc[person[0]]
        assert row["name"] == person[1] and row["unit"] == person[2] and row["role"] == person[3]
        assert row["employed"] == employed(person, AS_OF)
        for metric, period in PERIOD_METRICS:
            assert row[f"{metric}_{period}"] == expected_person(SALES, person[0], AS_OF, period, metric), \
                (person[0], metric, period)
        for name in COMPARISONS:
            assert row[name] == expected_person(SALES, person[0], AS_OF, name), (person[0], name)
        assert row["broke_zero"] == (expected_person(SALES, person[0], AS_OF, "mtd", "cases") > 0)


def test_money_is_exact_to_the_cent(tables: dict[str, pd.DataFrame]) -> None:
    people = kpis.person_kpis(tables, AS_OF)
    assert people.at["P01", "premium_day"] == 1234.86  # 1234.56 + 0.10 + 0.20, not 1234.8600000000001
    assert people.at["P01", "fyc_day"] == 300.13


def test_person_targets_and_achievement(tables: dict[str, pd.DataFrame]) -> None:
    people = kpis.person_kpis(tables, AS_OF)
    assert people.at["P01", "target_month"] == 5000.0
    assert people.at["P01", "achievement_mtd"] == pytest.approx(expected_person(SALES, "P01", AS_OF, "mtd") / 5000)
    assert people.at["P02", "target_month"] == 8000.0
    assert people.at["P02", "achievement_mtd"] == pytest.approx(4000 / 8000)
    for person in ("P04", "P05", "P09"):  # P04 has only a weekly target
        assert math.isnan(people.at[person, "target_month"])
        assert math.isnan(people.at[person, "achievement_mtd"])


def test_rank_in_unit_is_competition_ranking_among_the_sales_force(tables: dict[str, pd.DataFrame]) -> None:
    people = kpis.person_kpis(tables, AS_OF)
    # T2: P05 7,000 and P06 7,000 tie, P04 5,000 comes third, P13 (nothing) fourth
    assert people.loc[["P05", "P06", "P04", "P13"], "rank_in_unit"].tolist() == [1.0, 1.0, 3.0, 4.0]
    # T1: P03 left mid-month and keeps the place their sales earned; P12 left in January and is not ranked
    assert people.loc[["P03", "P02", "P01"], "rank_in_unit"].tolist() == [1.0, 2.0, 3.0]
    assert math.isnan(people.at["P12", "rank_in_unit"])
    # not sales force: no rank
    assert math.isnan(people.at["P09", "rank_in_unit"]) and math.isnan(people.at["P10", "rank_in_unit"])


def test_leaderboard_ties_share_a_rank_and_the_next_is_skipped(tables: dict[str, pd.DataFrame]) -> None:
    people = kpis.person_kpis(tables, AS_OF)
    board = kpis.leaderboard(people[people["unit"] == "T2"], "premium_mtd")
    assert list(board.index) == ["P05", "P06", "P04", "P13"]
    assert board["rank"].tolist() == [1.0, 1.0, 3.0, 4.0]
    whole = kpis.leaderboard(people, "premium_mtd", top=3)
    assert list(whole.index) == ["P03", "P05", "P06"] and whole["rank"].tolist() == [1.0, 2.0, 2.0]


@pytest.mark.parametrize("seed", range(20))
def test_a_leaderboards_top_is_the_head_of_the_whole_board(seed: int) -> None:
    # The top is ranked among the rows that can be in it: the same rows and ranks as the whole board's head.
    rng = np.random.default_rng(seed)
    count = int(rng.integers(0, 40))
    values = rng.choice([np.nan, 0.0, 1.5, 2.0, 2.0, 7.25, -3.0], size=count)
    frame = pd.DataFrame({"value": values, "other": np.arange(count)},
                         index=pd.Index([f"P{i:02d}" for i in rng.permutation(count)], dtype=object))
    whole = kpis.leaderboard(frame, "value")
    for top in (0, 1, 3, 10, 50):
        pd.testing.assert_frame_equal(kpis.leaderboard(frame, "value", top=top), whole.head(top))


def test_leaderboard_puts_missing_values_last_unranked(tables: dict[str, pd.DataFrame]) -> None:
    people = kpis.person_kpis(tables, AS_OF)
    board = kpis.leaderboard(people, "achievement_mtd")
    assert list(board.index[:2]) == ["P01", "P02"]  # 3,234.86 / 5,000 ahead of 4,000 / 8,000
    assert board["rank"].iloc[:2].tolist() == [1.0, 2.0]
    assert board["rank"].iloc[2:].isna().all()
    assert list(board.index[2:]) == sorted(board.index[2:])


# --- units -------------------------------------------------------------------------------------------------------


def test_unit_kpis_match_an_independent_computation(tables: dict[str, pd.DataFrame]) -> None:
    units = kpis.unit_kpis(tables, AS_OF)
    assert list(units.index) == ["B", "D1", "T1", "T2", "D2", "T3"]
    for unit, name, parent in UNITS:
        row = units.loc[unit]
        assert row["name"] == name and row["parent"] == parent
        for metric, period in PERIOD_METRICS:
            assert row[f"{metric}_{period}"] == expected_unit(UNITS, PEOPLE, SALES, unit, AS_OF, period, metric), \
                (unit, metric, period)
        for comparison in COMPARISONS:
            assert row[comparison] == expected_unit(UNITS, PEOPLE, SALES, unit, AS_OF, comparison), (unit, comparison)
        inside = [p for p in PEOPLE if under(UNITS, p[2], unit)]
        force = [p for p in inside if p[3] in ("agent", "supervisor") and employed(p, AS_OF)]
        # the headcount split once: active (a case this month) or not broken zero; a leaver's sale is in neither
        active = [p for p in force if expected_person(SALES, p[0], AS_OF, "mtd", "cases") > 0]
        zero = [p for p in force if expected_person(SALES, p[0], AS_OF, "mtd", "cases") == 0]
        assert len(active) + len(zero) == len(force)
        assert row["headcount"] == len(force), unit
        assert row["active_mtd"] == len(active), unit
        assert row["zero_mtd"] == len(zero), unit
        assert row["activity_rate"] == pytest.approx(len(active) / len(force))
        assert row["per_capita_mtd"] == pytest.approx(row["premium_mtd"] / len(force))
        assert row["change_day"] == pytest.approx(row["premium_day"] - row["prev_day"], abs=1e-9)
        assert row["change_week"] == pytest.approx(row["premium_day"] - row["same_weekday_last_week"], abs=1e-9)
        assert row["change_month"] == pytest.approx(row["premium_mtd"] - row["prev_month_to_date"], abs=1e-9)


def test_levels_targets_and_ranks(tables: dict[str, pd.DataFrame]) -> None:
    units = kpis.unit_kpis(tables, AS_OF)
    assert units["level"].tolist() == [0, 1, 2, 2, 1, 2]
    assert units.at["D1", "target_month"] == 60000.0
    assert units.at["D1", "achievement_mtd"] == pytest.approx(units.at["D1", "premium_mtd"] / 60000)
    assert math.isnan(units.at["T3", "target_month"]) and math.isnan(units.at["T3", "achievement_mtd"])
    # D1 (1234.86 + 2000 + 4000 + 9000 + 5000 + 7000 + 7000 = 35234.86) ahead of D2 (800 + 3000 + 1500)
    assert units.at["D1", "rank_in_parent"] == 1.0 and units.at["D2", "rank_in_parent"] == 2.0
    assert math.isnan(units.at["B", "rank_in_parent"])
    assert units.at["T3", "rank_in_parent"] == 1.0  # an only child


def test_parent_totals_are_children_plus_own_members_exactly(tables: dict[str, pd.DataFrame]) -> None:
    units = kpis.unit_kpis(tables, AS_OF)
    people = kpis.person_kpis(tables, AS_OF)
    tree = kpis.unit_tree(tables["units"])
    for unit in tree.order:
        own = people[people["unit"] == unit]
        for column in [f"{m}_{p}" for m, p in PERIOD_METRICS] + COMPARISONS:
            expected = sum(units.at[c, column] for c in tree.children[unit]) + own[column].sum()
            # float addition here may be off in the last bit; the module's total is the exact cent
            assert units.at[unit, column] == round(expected, 2), (unit, column)
        for column in ("headcount", "active_mtd", "zero_mtd"):
            mine = [p for p in PEOPLE if p[2] == unit and _counts(p, column)]
            assert units.at[unit, column] == sum(units.at[c, column] for c in tree.children[unit]) + len(mine), \
                (unit, column)


def _counts(person: tuple, column: str) -> bool:
    force = person[3] in ("agent", "supervisor") and employed(person, AS_OF)
    cases = expected_person(SALES, person[0], AS_OF, "mtd", "cases")
    return {"headcount": force, "active_mtd": force and cases > 0, "zero_mtd": force and cases == 0}[column]


def test_a_leaver_is_out_of_headcount_but_their_sales_still_count(tables: dict[str, pd.DataFrame]) -> None:
    units = kpis.unit_kpis(tables, AS_OF)
    # T1: P01, P02 employed; P03 left on 10 March, P12 in January
    assert units.at["T1", "headcount"] == 2
    assert units.at["T1", "premium_mtd"] == 1234.86 + 2000 + 4000 + 9000
    assert units.at["T1", "premium_ytd"] == 1234.86 + 2000 + 4000 + 9000 + 2500 + 4400 + 8800
    # the leaver sold this month: in the premium, but neither active nor headcount (issue 21: out of active counts)
    assert units.at["T1", "active_mtd"] == 2


def test_a_newcomer_counts_and_a_future_hire_does_not(tables: dict[str, pd.DataFrame]) -> None:
    units = kpis.unit_kpis(tables, AS_OF)
    assert units.at["T2", "headcount"] == 4  # P04 (joined 15 March), P05, P06, P13
    assert units.at["T3", "headcount"] == 1  # P07 (no join date); P11 joins in April
    assert units.at["T2", "zero_mtd"] == 1  # P13; P05's zero row is no case but P05 has one on the 24th
    people = kpis.person_kpis(tables, AS_OF)
    assert bool(people.at["P04", "employed"]) and not bool(people.at["P11", "employed"])


def test_sales_after_as_of_never_count(tables: dict[str, pd.DataFrame]) -> None:
    units = kpis.unit_kpis(tables, AS_OF)
    without = site(UNITS, PEOPLE, [s for s in SALES if day(s[0]) <= AS_OF], TARGETS)
    pd.testing.assert_frame_equal(units, kpis.unit_kpis(without, AS_OF))
    pd.testing.assert_frame_equal(kpis.person_kpis(tables, AS_OF), kpis.person_kpis(without, AS_OF))


def test_month_boundary_as_of_the_first(tables: dict[str, pd.DataFrame]) -> None:
    first = D(2026, 4, 1)  # a Wednesday: the ISO week began on 30 March, in the previous month
    people = kpis.person_kpis(tables, first)
    assert people.at["P01", "premium_day"] == 99999.0
    assert people.at["P01", "premium_mtd"] == 99999.0
    assert people.at["P01", "premium_wtd"] == 99999.0 + 1234.86 + 2000
    assert people.at["P01", "prev_day"] == 1234.86
    assert people.at["P07", "prev_month_to_date"] == 1500.0  # 1 March only
    assert people.at["P07", "premium_wtd"] == 3000.0
    for person in PEOPLE:
        for metric, period in PERIOD_METRICS:
            assert people.at[person[0], f"{metric}_{period}"] == expected_person(SALES, person[0], first, period,
                                                                                 metric)
        for name in COMPARISONS:
            assert people.at[person[0], name] == expected_person(SALES, person[0], first, name)


def test_prev_month_to_date_on_march_31_is_all_of_february(tables: dict[str, pd.DataFrame]) -> None:
    people = kpis.person_kpis(tables, AS_OF)
    assert people.at["P01", "prev_month_to_date"] == 2500.0  # 28 February counts
    assert people.at["P08", "prev_month_to_date"] == 3300.0
    assert kpis.periods(AS_OF)["prev_month_to_date"] == (D(2026, 2, 1), D(2026, 2, 28))
    assert kpis.periods(D(2024, 3, 31))["prev_month_to_date"] == (D(2024, 2, 1), D(2024, 2, 29))
    assert kpis.periods(D(2026, 3, 27))["prev_month_to_date"] == (D(2026, 2, 1), D(2026, 2, 27))
    mid = kpis.person_kpis(tables, D(2026, 3, 27))
    assert mid.at["P01", "prev_month_to_date"] == 0.0 and mid.at["P08", "prev_month_to_date"] == 3300.0


def test_year_boundary() -> None:
    as_of = D(2026, 1, 2)  # a Friday: the ISO week began on 29 December; the previous month is December
    sales = [("2025-12-29", "P01", 100.0, 1.0, 1), ("2025-12-02", "P01", 200.0, 2.0, 1),
             ("2025-12-03", "P01", 400.0, 4.0, 1), ("2026-01-02", "P01", 50.0, 0.5, 1)]
    people = kpis.person_kpis(site(UNITS, PEOPLE, sales), as_of)
    assert people.at["P01", "premium_wtd"] == 150.0
    assert people.at["P01", "premium_ytd"] == 50.0
    assert people.at["P01", "prev_month_to_date"] == 200.0
    assert people.at["P01", "same_weekday_last_week"] == 0.0


def test_iso_week_crossing_a_month(tables: dict[str, pd.DataFrame]) -> None:
    as_of = D(2026, 4, 2)  # Thursday; Monday was 30 March
    units = kpis.unit_kpis(tables, as_of)
    assert units.at["B", "premium_wtd"] == expected_unit(UNITS, PEOPLE, SALES, "B", as_of, "wtd")
    assert units.at["B", "premium_wtd"] == 1234.86 + 5000 + 800 + 100 + 2000 + 3000 + 99999
    assert units.at["B", "premium_mtd"] == 99999.0


def test_no_sales_at_all() -> None:
    tables = site(UNITS, PEOPLE, [])
    units = kpis.unit_kpis(tables, AS_OF)
    assert (units["premium_mtd"] == 0).all() and units.at["B", "headcount"] == 8
    assert units["achievement_mtd"].isna().all()
    assert (kpis.person_kpis(tables, AS_OF)["premium_ytd"] == 0).all()
    assert kpis.daily_totals(tables, AS_OF)["premium"].sum() == 0
    assert daily.causes(tables, AS_OF, None) == []
    assert daily.tracker_notes(tables, AS_OF).empty


# --- series for charts -------------------------------------------------------------------------------------------


def test_daily_totals_fill_zeros_and_cover_the_unit_and_below(tables: dict[str, pd.DataFrame]) -> None:
    frame_ = kpis.daily_totals(tables, AS_OF, "D1", days=10)
    assert list(frame_.columns) == ["date", "premium", "fyc", "cases"]
    assert len(frame_) == 10
    assert frame_["date"].iloc[0] == pd.Timestamp("2026-03-22") and frame_["date"].iloc[-1] == pd.Timestamp(AS_OF)
    for _, row in frame_.iterrows():
        date = row["date"].date()
        home = {p[0]: p[2] for p in PEOPLE}
        expected = sum(Decimal(str(s[2])) for s in SALES
                       if day(s[0]) == date and under(UNITS, home[s[1]], "D1"))
        assert row["premium"] == float(expected), date
    assert frame_.set_index("date").at[pd.Timestamp("2026-03-25"), "premium"] == 0.0
    everyone = kpis.daily_totals(tables, AS_OF, days=30)
    assert everyone["premium"].sum() == pytest.approx(expected_unit(UNITS, PEOPLE, SALES, "B", AS_OF, "mtd")
                                                      - 1500.0)  # 1 March is the 31st day back


def test_month_to_date_series(tables: dict[str, pd.DataFrame]) -> None:
    as_of = D(2026, 3, 24)
    series = kpis.month_to_date(tables, as_of, "T2")
    assert len(series) == 31 and list(series.columns) == ["date", "premium", "cumulative", "target"]
    assert series["premium"].iloc[:24].notna().all() and series["premium"].iloc[24:].isna().all()
    assert series["cumulative"].iloc[23] == 14000.0  # 1,000 (20th) + 7,000 + 6,000 (24th)
    assert series["cumulative"].iloc[19] == 1000.0
    assert series["target"].iloc[-1] == pytest.approx(20000.0)
    assert series["target"].iloc[0] == pytest.approx(20000.0 / 31)
    assert kpis.month_to_date(tables, as_of, "T3")["target"].isna().all()
    assert kpis.month_to_date(tables, as_of)["target"].iloc[-1] == pytest.approx(100000.0)


@pytest.mark.parametrize("first,last", [(D(2026, 3, 1), D(2026, 3, 31)), (D(2026, 2, 20), D(2026, 3, 20)),
                                        (D(2026, 3, 31), D(2026, 3, 31)), (D(2025, 12, 1), D(2026, 1, 31))])
def test_a_short_span_summed_from_its_rows_is_the_span_of_the_prepared_sales(first: D, last: D) -> None:
    # Rows the prepared sales leave out must be left out here too: no date, an unknown seller, no seller.
    odd = [("", "P01", 50.0, 5.0, 1), ("2026-03-10", "NOBODY", 70.0, 7.0, 1), ("2026-03-11", "", 90.0, 9.0, 1),
           ("2026-03-12", "P05", 0.125, 0.005, 1)]
    tables = Tables(site(UNITS, PEOPLE, SALES + odd, TARGETS), Derived())
    direct = {unit: kpis._daily_sums_of_rows(tables, unit, first, last) for unit in ["B", "D1", "T2", "T3", None]}
    kpis.prepared_sales(tables)  # from now on the prepared sales answer
    for unit, (dates, sums) in direct.items():
        prepared_dates, prepared = kpis._daily_sums(tables, unit, first, last)
        assert list(dates) == list(prepared_dates)
        for metric in kpis.METRICS:
            assert sums[metric].dtype == np.int64 and sums[metric].tolist() == prepared[metric].tolist(), (unit, metric)
    assert direct[None][1]["premium"].sum() > 0 or last < D(2026, 1, 1)


def test_only_the_first_short_span_is_summed_from_its_rows_the_next_prepares_the_sales() -> None:
    # One span (an edit build's screens) should not prepare every row; a page per unit must not scan every row.
    derived = Derived()
    tables = Tables(site(UNITS, PEOPLE, SALES, TARGETS), derived)
    frames = (tables["sales"], tables["people"])
    first = kpis.daily_totals(tables, AS_OF, "D1", days=30)
    assert derived.memo(kpis.SALES).peek(frames) is None
    second = kpis.daily_totals(tables, AS_OF, "D1", days=30)
    assert derived.memo(kpis.SALES).peek(frames) is not None
    pd.testing.assert_frame_equal(first, second)


@pytest.mark.parametrize("as_of", [D(2026, 3, 24), D(2026, 3, 1), D(2026, 3, 31), D(2026, 2, 28), D(2026, 4, 2)])
@pytest.mark.parametrize("unit", ["T2", "D1", None])
def test_a_unit_pages_trend_and_month_from_one_pass_are_the_two_series(tables: dict[str, pd.DataFrame], as_of: D,
                                                                        unit: str | None) -> None:
    trend, month = kpis.trend_and_month(tables, as_of, unit, days=30)
    pd.testing.assert_frame_equal(trend, kpis.daily_totals(tables, as_of, unit, days=30))
    pd.testing.assert_frame_equal(month, kpis.month_to_date(tables, as_of, unit))
    assert trend["date"].iloc[-1] == pd.Timestamp(as_of) and len(trend) == 30


# --- the daily report --------------------------------------------------------------------------------------------


def test_forecasts_from_trackers_else_the_model(tables: dict[str, pd.DataFrame]) -> None:
    tables = dict(tables)
    tables["tracking"] = frame("tracking", [
        {"date": "2026-03-31", "tracker": "P10", "unit": "T1", "calls": 3, "sms": 3, "forecast": 6000.0},
        {"date": "2026-03-31", "tracker": "P09", "unit": "T1", "calls": 1, "sms": 0, "forecast": 1500.5},
        {"date": "2026-03-31", "tracker": "P10", "unit": "T2", "calls": 3, "sms": 3, "forecast": None},
        {"date": "2026-03-30", "tracker": "P10", "unit": "T3", "calls": 3, "sms": 3, "forecast": 9000.0},
    ])
    result = {f.unit: f for f in daily.forecasts(tables, AS_OF, ["T1", "T2", "T3", "B"])}
    assert list(result) == ["T1", "T2", "T3", "B"]
    assert result["T1"] == daily.Forecast("T1", 7500.5, "tracker")
    # tomorrow is Wednesday 1 April: the model averages Wednesdays 25, 18, 11 and 4 March
    for unit in ("T2", "T3", "B"):
        wednesdays = [D(2026, 3, 25), D(2026, 3, 18), D(2026, 3, 11), D(2026, 3, 4)]
        home = {p[0]: p[2] for p in PEOPLE}
        expected = sum(s[2] for s in SALES if day(s[0]) in wednesdays and under(UNITS, home[s[1]], unit)) / 4
        assert result[unit].source == "model" and result[unit].value == pytest.approx(expected)
    sales = [*SALES, ("2026-03-18", "P05", 400.0, 0.0, 1), ("2026-03-04", "P07", 1000.0, 0.0, 1),
             ("2026-03-03", "P07", 5000.0, 0.0, 1)]
    model = {f.unit: f.value for f in daily.forecasts(site(UNITS, PEOPLE, sales), AS_OF, ["T2", "T3", "B"])}
    assert model == {"T2": 100.0, "T3": 250.0, "B": 350.0}
    assert "四周" in catalogue("zh-CN")["daily.model_note"] and "four weeks" in catalogue("en")["daily.model_note"]


def test_month_end_projection(tables: dict[str, pd.DataFrame]) -> None:
    as_of = D(2026, 3, 24)
    result = daily.month_end_projections(tables, as_of, ["T2"])[0]
    assert result["mtd"] == 14000.0 and result["days_elapsed"] == 24 and result["days_in_month"] == 31
    assert result["projection"] == pytest.approx(14000 / 24 * 31)
    assert result["target"] == 20000.0
    assert result["projected_achievement"] == pytest.approx(14000 / 24 * 31 / 20000)
    none = daily.month_end_projections(tables, as_of, ["T3"])[0]
    assert math.isnan(none["target"]) and math.isnan(none["projected_achievement"])
    whole = daily.month_end_projections(tables, AS_OF, [None])[0]
    assert whole["mtd"] == expected_unit(UNITS, PEOPLE, SALES, "B", AS_OF, "mtd") and whole["target"] == 100000.0
    assert catalogue("zh-CN")["daily.projection_note"] and catalogue("en")["daily.projection_note"]


def test_causes_are_ordered_by_absolute_change_then_id(tables: dict[str, pd.DataFrame]) -> None:
    found = daily.causes(tables, AS_OF, "B")
    units = [c for c in found if c.kind == "unit"]
    people = [c for c in found if c.kind == "person"]
    assert found == units + people  # units first, then people
    # B's children: D1 31 March 1234.86 + 5000 vs 30 March 2000 → +4234.86; D2 800 vs 3000 → -2200
    assert [(c.id, c.change) for c in units] == [("D1", 4234.86), ("D2", -2200.0)]
    total = 4234.86 - 2200.0 + 100.0  # and the branch's own manager, +100
    assert units[0].share == pytest.approx(4234.86 / total)
    assert units[0].name == "一部" and units[0].today == 6234.86 and units[0].before == 2000.0
    assert [(c.id, c.change) for c in people] == [
        ("P04", 5000.0), ("P07", -3000.0), ("P08", 800.0), ("P01", -765.14), ("P09", 100.0)]
    assert sum(c.share for c in people) == pytest.approx(1.0)


def test_causes_against_the_same_weekday_last_week_with_ties(tables: dict[str, pd.DataFrame]) -> None:
    sales = [*SALES, ("2026-03-31", "P05", 1000.0, 0.0, 1), ("2026-03-24", "P04", 12000.0, 0.0, 1)]
    found = daily.causes(site(UNITS, PEOPLE, sales, TARGETS), AS_OF, "T2", against="same_weekday_last_week", top=3)
    assert [c.kind for c in found] == ["person"] * 3  # a team has no child units
    # P04 5000 - 12000 = -7000, P06 0 - 6000 = -6000, P05 1000 - 7000 = -6000: the tie goes by id
    assert [(c.id, c.change) for c in found] == [("P04", -7000.0), ("P05", -6000.0), ("P06", -6000.0)]
    with pytest.raises(ValueError, match="against"):
        daily.causes(tables, AS_OF, "T2", against="last_year")


def test_tracker_notes(tables: dict[str, pd.DataFrame]) -> None:
    tables = dict(tables)
    tables["tracking"] = frame("tracking", [
        {"date": "2026-03-31", "tracker": "P10", "unit": "T3", "calls": 2, "sms": 4, "problems": "拜访量不足"},
        {"date": "2026-03-30", "tracker": "P10", "unit": "T1", "calls": 3, "sms": 3},
        {"date": "2026-03-31", "tracker": "P10", "unit": "D1", "calls": 5, "sms": 3, "highlights": "新人首单",
         "forecast": 8000.0},
    ])
    notes = daily.tracker_notes(tables, AS_OF)
    assert list(notes.columns) == ["date", "tracker", "tracker_name", "unit", "unit_name", "calls", "sms",
                                   "highlights", "problems", "forecast"]
    assert notes["unit"].tolist() == ["D1", "T3"]  # in tree order
    assert notes["unit_name"].tolist() == ["一部", "二部一组"] and notes["tracker_name"].tolist() == ["癸", "癸"]
    assert notes.at[0, "highlights"] == "新人首单" and notes.at[1, "problems"] == "拜访量不足"
    assert notes.at[0, "forecast"] == 8000.0 and math.isnan(notes.at[1, "forecast"])


def test_month_end_projections_match_one_unit_at_a_time(tables: dict[str, pd.DataFrame]) -> None:
    units = ["B", "T3", None, "D1", "NOPE"]
    for as_of in (D(2026, 3, 24), AS_OF, D(2026, 2, 1)):
        batch = daily.month_end_projections(tables, as_of, units)
        single = [daily.month_end_projections(tables, as_of, [u])[0] for u in units]
        assert [r["unit"] for r in batch] == units
        assert repr(batch) == repr(single)  # NaN targets compare equal through repr
    assert daily.month_end_projections(tables, AS_OF, ["NOPE"])[0]["mtd"] == 0.0


# --- caching: the same results whatever the order of the calls, and never stale ----------------------------------


def _kpis_over(tables: dict[str, pd.DataFrame], dates: list[dt.date]) -> dict:
    out = {}
    for as_of in dates:
        out[as_of] = (kpis.unit_kpis(tables, as_of), kpis.person_kpis(tables, as_of),
                      daily.forecasts(tables, as_of, ["B", "D1", "T3"]),
                      daily.causes(tables, as_of, None), daily.causes(tables, as_of, "D1", "same_weekday_last_week"),
                      daily.tracker_notes(tables, as_of))
    return out


def _same(left: object, right: object) -> None:
    if isinstance(left, pd.DataFrame):
        pd.testing.assert_frame_equal(left, right, check_exact=True)
    elif isinstance(left, tuple | list):
        assert len(left) == len(right)
        for a, b in zip(left, right):
            _same(a, b)
    else:
        assert repr(left) == repr(right)


def test_results_do_not_depend_on_the_order_of_the_dates() -> None:
    dates = [D(2026, 3, d) for d in range(1, 32)] + [D(2026, 2, 28), D(2026, 1, 31), D(2025, 12, 31), D(2026, 4, 2)]
    forward = _kpis_over(site(UNITS, PEOPLE, SALES, TARGETS), dates)
    backward = _kpis_over(site(UNITS, PEOPLE, SALES, TARGETS), dates[::-1])
    for as_of in dates:
        _same(forward[as_of], backward[as_of])


def test_results_are_the_callers_own_and_follow_new_tables(tables: dict[str, pd.DataFrame]) -> None:
    people = kpis.person_kpis(tables, AS_OF)
    units = kpis.unit_kpis(tables, AS_OF)
    expected_people, expected_units = people.copy(), units.copy()
    people.loc[:, "sales_force"] = False
    people.loc[:, "unit"] = "X"
    units.loc[:, "headcount"] = -1
    units.loc[:, "name"] = "X"
    _same(kpis.person_kpis(tables, AS_OF), expected_people)
    _same(kpis.unit_kpis(tables, AS_OF), expected_units)
    # New tables in the same dict: the results follow them.
    changed = dict(tables)
    changed["sales"] = site(UNITS, PEOPLE, [*SALES, ("2026-03-31", "P05", 10.0, 1.0, 1)])["sales"]
    changed["targets"] = site(UNITS, PEOPLE, [], [("2026-03", "T2", None, "premium", 123.0)])["targets"]
    assert kpis.person_kpis(changed, AS_OF).at["P05", "premium_day"] == 10.0
    assert kpis.unit_kpis(changed, AS_OF).at["D1", "premium_day"] == expected_units.at["D1", "premium_day"] + 10.0
    assert kpis.unit_kpis(changed, AS_OF).at["T2", "target_month"] == 123.0
    assert math.isnan(kpis.unit_kpis(changed, AS_OF).at["B", "target_month"])
    assert daily.month_end_projections(changed, AS_OF, ["T2"])[0]["target"] == 123.0
    _same(kpis.unit_kpis(tables, AS_OF), expected_units)


@pytest.mark.parametrize("dense", [True, False])
def test_window_sums_over_any_span_match_the_rows(dense: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """Whole months, parts of months and single days, across month and year ends, with or without running totals."""
    if not dense:
        monkeypatch.setattr(kpis, "_DENSE_MAX", 0)
    rows = random.Random(7)
    start = D(2025, 11, 20)
    sales = [((start + dt.timedelta(days=rows.randint(0, 200))).isoformat(), rows.choice(PEOPLE)[0],
              rows.randint(0, 10**7) / 100, rows.randint(0, 10**5) / 100, rows.randint(0, 3)) for _ in range(400)]
    tables = site(UNITS, PEOPLE, sales, TARGETS)
    windows = {"empty": (D(2026, 3, 2), D(2026, 3, 1)), "before": (D(2020, 1, 1), D(2025, 11, 19)),
               "everything": (D(2000, 1, 1), D(2100, 1, 1)), "february": (D(2026, 2, 1), D(2026, 2, 28))}
    for i in range(60):
        first = start + dt.timedelta(days=rows.randint(-10, 210))
        windows[f"w{i}"] = (first, first + dt.timedelta(days=rows.choice([0, 0, 1, 6, 30, 45, 90, 150])))
    index = pd.Index(sorted(p[0] for p in PEOPLE), dtype=object, name="person")
    sums = kpis.window_sums(tables, index, windows)
    for name, (first, last) in windows.items():
        for position, metric in ((2, "premium"), (3, "fyc"), (4, "cases")):
            for person in index:
                total = sum((Decimal(str(r[position])) for r in sales
                             if r[1] == person and first <= day(r[0]) <= last), Decimal(0))
                scale = 1 if metric == "cases" else 100
                assert sums.at[person, f"{metric}_{name}"] == int(total * scale), (name, metric, person)


@pytest.mark.parametrize("chunk", [1 << 21, 7])
def test_own_window_sums_match_a_window_sum_per_person(chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each person's own window, one pass over the rows (in chunks of any size), as window_sums gives it; a person
    without sales or not a seller sums to zero, an empty window too."""
    monkeypatch.setattr(kpis, "_CHUNK_ROWS", chunk)
    rows = random.Random(11)
    start = D(2025, 11, 20)
    sales = [((start + dt.timedelta(days=rows.randint(0, 200))).isoformat(), rows.choice(PEOPLE)[0],
              rows.randint(0, 10**7) / 100, rows.randint(0, 10**5) / 100, rows.randint(0, 3)) for _ in range(400)]
    tables = site(UNITS, PEOPLE, sales, TARGETS)
    index = pd.Index([*sorted(p[0] for p in PEOPLE), "P99"], dtype=object)
    for _ in range(20):
        windows = []
        for _person in index:
            first = start + dt.timedelta(days=rows.randint(-10, 210))
            windows.append((first, first + dt.timedelta(days=rows.choice([-1, 0, 1, 6, 30, 45, 90, 150]))))
        sums = kpis.own_window_sums(tables, index, windows)
        expected = kpis.window_sums(tables, index, {str(i): w for i, w in enumerate(windows)})
        for metric in kpis.METRICS:
            assert sums[metric].dtype == np.int64
            assert sums[metric].tolist() == [int(expected.at[p, f"{metric}_{i}"]) for i, p in enumerate(index)]
    assert all(not column.any() for column in kpis.own_window_sums(tables, index[:0], []).values())


# --- the property: every unit's total is the sum over the members of the units below it ------------------------


@st.composite
def organisations(draw: st.DrawFn) -> tuple[list[tuple], list[tuple], list[tuple]]:
    count = draw(st.integers(1, 8))
    units = [("U0", "u0", None)]
    for i in range(1, count):
        parent = draw(st.one_of(st.none(), st.integers(0, i - 1)))
        units.append((f"U{i}", f"u{i}", None if parent is None else f"U{parent}"))
    people = [(f"P{i}", f"p{i}", f"U{draw(st.integers(0, count - 1))}", "agent", None, None)
              for i in range(draw(st.integers(1, 10)))]
    seed = draw(st.integers(0, 2**32 - 1))
    rows = random.Random(seed)
    sales = [((AS_OF - dt.timedelta(days=rows.randint(-5, 45))).isoformat(), rows.choice(people)[0],
              rows.randint(0, 10**7) / 100, 0.0, 1) for _ in range(draw(st.integers(0, 60)))]
    return units, people, sales


@settings(max_examples=40, deadline=None)
@given(organisations())
def test_every_unit_totals_its_descendants_members(org: tuple[list[tuple], list[tuple], list[tuple]]) -> None:
    units, people, sales = org
    result = kpis.unit_kpis(site(units, people, sales), AS_OF)
    assert sorted(result.index) == sorted(u[0] for u in units)
    home = {p[0]: p[2] for p in people}
    for unit, _, _ in units:
        expected = Decimal(0)
        for date, person, premium, _, _ in sales:
            if under(units, home[person], unit) and AS_OF.replace(day=1) <= day(date) <= AS_OF:
                expected += Decimal(str(premium))
        assert result.at[unit, "premium_mtd"] == float(expected), unit


def test_a_copy_declared_to_hold_the_same_content_reuses_what_was_derived() -> None:
    derived = Derived()
    memo, calls = derived.memo("test"), []
    first = pd.DataFrame({"x": [1, 2]})
    copy = first.copy()
    derived.same_content(first, "data-1")
    derived.same_content(copy, "data-1")  # the dev server's next build, on unchanged data
    assert memo.get((first,), lambda: calls.append("first") or 1) == 1
    assert memo.get((copy,), lambda: calls.append("copy") or 2) == 1
    undeclared = first.copy()
    assert memo.get((undeclared,), lambda: calls.append("undeclared") or 3) == 3
    copy["y"] = 0  # a table changed in shape is derived again
    assert memo.get((copy,), lambda: calls.append("changed") or 4) == 4
    assert calls == ["first", "undeclared", "changed"]
