"""New projects' daily, weekly and monthly indicators (project_indicators): the current figure of each on the
projects register against its target and pace, the warning for a new project behind an indicator on both sides of
its thresholds ([rules] project_new_days and pace_tolerance), bad rows, and an English site with other ids.

The projects are test_registers.py's (as of Thursday 2026-03-05; J1–J4 started 2026-01-10, 54 days before; J5
2025-12-01, 94 days; J6 closed). The expected figures are worked out below from the rows, not by the module.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import AS_OF, BASELINE, texts
from test_registers import FILES

from generator.commands.build import template_globals
from generator.metrics.pace import week_progress
from generator.model import load_site
from generator.pages import plan_site
from generator.render import Renderer

INDICATORS = """\
项目编号,指标,周期,日期,目标,完成
J1,外呼量,日,2026-03-04,50,10
J1,外呼量,日,2026-03-05,50,47
J1,拜访客户数,周,2026-03-04,14,6
J1,签约件数,月,2026-03-05,10,1
J2,外呼量,每日,2026-03-05,100,95
J2,签约件数,月,2026-02-27,5,5
J2,拜访客户数,周指标,2026-03-03,10,2
J2,拜访客户数,周,2026-03-05,10,6
J3,意向客户,周,2026-03-06,8,1
J4,外呼量,日,2026-03-05,0,5
J5,外呼量,日,2026-03-05,40,10
J6,外呼量,日,2026-03-05,10,0
"""
# (project, indicator, period, date, target, actual) of the rows that are current on 2026-03-05: the latest of each
# project, indicator and period dated in the as-of day, week (2026-03-02..08) or month, open projects only.
CURRENT = [
    ("J1", "外呼量", "day", dt.date(2026, 3, 5), 50, 47),
    ("J1", "拜访客户数", "week", dt.date(2026, 3, 4), 14, 6),
    ("J1", "签约件数", "month", dt.date(2026, 3, 5), 10, 1),
    ("J2", "外呼量", "day", dt.date(2026, 3, 5), 100, 95),
    ("J2", "拜访客户数", "week", dt.date(2026, 3, 5), 10, 6),
    ("J4", "外呼量", "day", dt.date(2026, 3, 5), 0, 5),
    ("J5", "外呼量", "day", dt.date(2026, 3, 5), 40, 10),
]
STARTS = {"J1": dt.date(2026, 1, 10), "J2": dt.date(2026, 1, 10), "J4": dt.date(2026, 1, 10),
          "J5": dt.date(2025, 12, 1)}
OWNERS = {"J1": "P002", "J2": "P002", "J4": "P003", "J5": "P001"}


def progress(period: str, day: dt.date) -> float:
    """Calendar time progress, worked out by hand: the day is all gone; a week by its weekday; March has 31 days."""
    return {"day": 1.0, "week": day.isoweekday() / 7, "month": day.day / 31}[period]


def status(target: float, actual: float, period: str, day: dt.date, tolerance: float) -> str | None:
    if target == 0:
        return None
    gap = round(actual / target - progress(period, day), 9)
    return "behind" if gap < -tolerance / 100 else ("ahead" if gap > tolerance / 100 else "on_track")


def expected_warning(new_days: int, tolerance: float) -> list[tuple[str, str, str]]:
    return [(p, i, period) for p, i, period, day, target, actual in CURRENT
            if status(target, actual, period, day, tolerance) == "behind" and (AS_OF - STARTS[p]).days <= new_days]


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _plan(tmp_path: Path, make_site, rules: str = "", indicators: str = INDICATORS, toml: str | None = None):
    toml = (toml or BASELINE["site.toml"]) + rules
    site = load_site(make_site(tmp_path, files={**FILES, "data/project_indicators.csv": indicators,
                                                "site.toml": toml}), today=AS_OF)
    return site, plan_site(site)


def _file(plan, path: str) -> bytes:
    return next(f.data for f in plan.files if f.path == path)


def test_week_progress_counts_as_the_month_does() -> None:
    thursday = dt.date(2026, 3, 5)
    assert week_progress(thursday) == 4 / 7
    assert week_progress(thursday, "working_days") == 4 / 5
    assert week_progress(thursday, "working_days", [dt.date(2026, 3, 2)]) == 3 / 4
    assert week_progress(dt.date(2026, 3, 8), "working_days") == 1.0  # Sunday: the week is over


def test_the_register_shows_each_projects_current_indicators_with_pace(tmp_path, make_site) -> None:
    site, plan = _plan(tmp_path, make_site)
    assert site.errors == []
    rows = read_csv(_file(plan, "projects/indicators-table.csv"))
    assert [(r["id"], r["indicator"], r["date"], r["target"], r["actual"]) for r in rows] == [
        (p, i, d.isoformat(), str(t), str(a)) for p, i, _, d, t, a in CURRENT]
    words = {"behind": "落后", "on_track": "正常", "ahead": "领先", None: ""}
    assert [r["pace"] for r in rows] == [words[status(t, a, period, d, 5)] for _, _, period, d, t, a in CURRENT]
    for r, (_, _, period, d, t, a) in zip(rows, CURRENT, strict=True):
        assert float(r["progress"]) == pytest.approx(progress(period, d), abs=0.005)  # CSV: 2 decimals
        expected = pytest.approx(a / t, abs=0.005) if t else None
        assert (float(r["achievement"]) if r["achievement"] else None) == expected
    assert [r["new"] for r in rows] == ["新项目" if (AS_OF - STARTS[r["id"]]).days <= 90 else "" for r in rows]

    renderer = Renderer(site.root, site.locale, template_globals(site, plan))
    from selectolax.lexbor import LexborHTMLParser

    page = LexborHTMLParser(renderer.render(next(p for p in plan.pages if p.path == "projects/index.html")).data
                            .decode("utf-8"))
    flagged = [" ".join(texts(tr, "th, td")) for tr in page.css("#indicators tr.flag")]
    assert len(flagged) == 3 and all("落后" in text for text in flagged)  # J1 day, J1 month, J5 day
    assert "新项目指标落后 2" in texts(page, ".tiles .tile")  # J5 is behind but not new
    notes = " ".join(texts(page, "#indicators p.note"))
    assert "90 天" in notes and "5 个百分点" in notes


@pytest.mark.parametrize(("new_days", "tolerance"), [(90, 5), (54, 5), (53, 5), (54, 6), (54, 4), (200, 5)])
def test_new_projects_behind_on_both_sides_of_the_thresholds(tmp_path, make_site, new_days, tolerance) -> None:
    _, plan = _plan(tmp_path, make_site, f"project_new_days = {new_days}\npace_tolerance = {tolerance}\n")
    rows = read_csv(_file(plan, "warnings/project-indicators.csv"))
    assert [(r["id"], r["indicator"], r["period"]) for r in rows] == [
        (p, i, {"day": "日", "week": "周", "month": "月"}[period])
        for p, i, period in expected_warning(new_days, tolerance)]
    assert [r["owner"] for r in rows] == [OWNERS[r["id"]] for r in rows]


def test_the_tolerance_edge_is_on_track(tmp_path, make_site) -> None:
    # J2's day: 95 of 100 is exactly 5 points under a day's 100%: on track; J1's 47 of 50 (6 points) is behind.
    _, plan = _plan(tmp_path, make_site)
    rows = {(r["id"], r["period"]): r["pace"] for r in read_csv(_file(plan, "projects/indicators-table.csv"))}
    assert rows[("J2", "日")] == "正常" and rows[("J1", "日")] == "落后"


def test_without_the_dataset_no_block_and_no_warning(tmp_path, make_site) -> None:
    site = load_site(make_site(tmp_path, files=FILES), today=AS_OF)
    plan = plan_site(site)
    assert not any(f.path in ("projects/indicators-table.csv", "warnings/project-indicators.csv")
                   for f in plan.files)
    page = next(p for p in plan.pages if p.path == "projects/index.html")
    assert "indicators" not in [b["id"] for b in page.context["blocks"]]


@pytest.mark.parametrize(("row", "header", "expected"), [
    ("J9,外呼量,日,2026-03-05,50,40", "项目编号", 'unknown projects "J9" (not in data/projects.csv)'),
    ("J1,外呼量,季,2026-03-05,50,40", "周期", '"季" is not an allowed period'),
    ("J1,外呼量,日,2026-03-05,-5,40", "目标", "below the minimum"),
    ("J1,外呼量,日,2026-13-05,50,40", "日期", "is not a date"),
])
def test_a_bad_row_is_an_error_at_its_cell(tmp_path, make_site, row, header, expected) -> None:
    site, _ = _plan(tmp_path, make_site, indicators=INDICATORS + row + "\n")
    found = [p for p in site.errors if p.file == "data/project_indicators.csv"]
    assert [(p.row, p.column) for p in found] == [(INDICATORS.count("\n") + 1, header)]
    assert expected in found[0].localized("en").message  # the English wording, whatever the site's language


ENGLISH = {
    "site.toml": """\
[site]
title = "Northwind Sales"
locale = "en"
timezone = "Europe/London"
currency = "GBP"

[rules]
project_new_days = 30
""",
    "data/units.csv": "id,name,parent,head,tracker\nNW,Northwind,,E1,\nS,South team,NW,E2,\n",
    "data/people.csv": "id,name,unit,role,join_date\nE1,Ann Lee,NW,manager,2020-01-01\nE2,Bo Chan,S,agent,2021-05-01\n",
    "data/sales.csv": "date,person,premium,cases\n2026-06-10,E2,1200,1\n",
    "data/projects.csv": ("id,name,owner,start,expected_end,stage\nPRJ-A,Harbour fleet cover,E2,2026-06-01,"
                          "2026-08-31,survey\nPRJ-B,City schools plan,E1,2026-02-01,2026-12-31,quote\n"),
    "data/project_indicators.csv": ("project,indicator,period,date,target,actual\n"
                                    "PRJ-A,Calls,day,2026-06-10,40,20\nPRJ-A,Visits,week,2026-06-10,10,5\n"
                                    "PRJ-B,Calls,day,2026-06-10,40,10\n"),
}


def test_an_english_site_with_other_ids(tmp_path, make_site) -> None:
    # Wednesday 2026-06-10: PRJ-A (9 days old, new) is behind on its calls (50% of a whole day) and ahead on its
    # visits (50% against 3/7 ≈ 43% of the week gone: 7 points over); PRJ-B (129 days old) is not new.
    site = load_site(make_site(tmp_path, files=ENGLISH, baseline=False), today=dt.date(2026, 6, 10))
    assert site.errors == []
    plan = plan_site(site)
    rows = read_csv(_file(plan, "projects/indicators-table.csv"))
    assert [(r["id"], r["indicator"], r["period"], r["pace"], r["new"]) for r in rows] == [
        ("PRJ-A", "Calls", "Day", "behind", "new"), ("PRJ-A", "Visits", "Week", "ahead", "new"),
        ("PRJ-B", "Calls", "Day", "behind", "")]
    warned = read_csv(_file(plan, "warnings/project-indicators.csv"))
    assert [(r["id"], r["indicator"], r["owner_name"]) for r in warned] == [("PRJ-A", "Calls", "Bo Chan")]
