"""Newcomers' 通关 of the top-ten problems: progress on the person page, the pass rate on the unit page, and the
newcomers past the set days without passing all ten (a warning, on both sides of its threshold).

As of 2026-03-05; a newcomer joined after 2025-12-05 (three months before). Expected figures by hand.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import AS_OF, BASELINE, texts, write_files

from generator.commands.build import template_globals
from generator.model import load_site
from generator.pages import plan_site
from generator.render import Renderer

PEOPLE = BASELINE["data/people.csv"] + """\
P007,周新人,T1,业务员,见习,2026-01-10,,13800000007
P008,吴老将,T1,业务员,业务员,2025-11-01,,13800000008
P009,郑学霸,T1,业务员,见习,2026-02-01,,13800000009
"""
# P009 passed all ten in February; P007 passed 1–4, failed 5 and passed 6 only after the as-of date; P004 (joined
# 2026-02-20, 14 days) passed 1; P008 joined before the cutoff: not a newcomer.
CLEARANCE = "工号,问题序号,通关日期,结果,考官\n" + "".join(
    f"P009,{n},2026-02-{9 + n:02d},通过,P002\n" for n in range(1, 11)) + """\
P007,1,2026-01-20,通过,P002
P007,2,2026-01-27,通过,P002
P007,3,2026-02-03,通过,
P007,4,2026-02-10,通过,P002
P007,5,2026-02-17,未通过,P002
P007,6,2026-03-06,通过,P002
P004,1,2026-03-01,通过,P001
P008,1,2025-11-15,通过,P002
P008,2,2025-11-22,通过,P002
"""


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _site(root, days: int = 30, clearance: str = CLEARANCE):
    toml = BASELINE["site.toml"] + f"clearance_days = {days}\n"
    write_files(root, {**BASELINE, "site.toml": toml, "data/people.csv": PEOPLE, "data/clearance.csv": clearance})
    return load_site(root, today=AS_OF)


@pytest.mark.parametrize(("days", "expected"), [
    (30, {"周新人": ("55", "4", "6")}), (54, {"周新人": ("55", "4", "6")}), (55, {}),
    (13, {"周新人": ("55", "4", "6"), "赵新人": ("14", "1", "9")}),
])
def test_newcomers_not_cleared_on_both_sides_of_the_days(tmp_path, days, expected) -> None:
    site = _site(tmp_path, days)
    assert site.errors == []
    rows = read_csv(next(f.data for f in plan_site(site).files if f.path == "warnings/clearance.csv"))
    assert {r["name"]: (r["days"], r["passed"], r["missing"]) for r in rows} == expected


def test_progress_on_the_person_page_and_pass_rate_on_the_unit_page(tmp_path) -> None:
    site = _site(tmp_path)
    plan = plan_site(site)
    renderer = Renderer(site.root, site.locale, template_globals(site, plan))
    pages = {p.path: p for p in plan.pages}

    def page(path: str):
        from selectolax.lexbor import LexborHTMLParser

        return LexborHTMLParser(renderer.render(pages[path]).data.decode("utf-8"))

    p007 = page("people/P007/index.html")
    assert texts(p007, "#person-clearance .count") == ["4/10"]
    items = texts(p007, ".clearance-list li")
    assert items[:5] == ["1月20日 通过", "1月27日 通过", "2月3日 通过", "2月10日 通过", "未通过"]
    assert items[5] == "未通过"  # passed only after the as-of date
    assert texts(page("people/P008/index.html"), "#person-clearance .count") == ["2/10"]  # a record, not a newcomer
    assert not page("people/P003/index.html").css("#person-clearance")  # neither
    # T1: P007 and P009, one cleared; T2: P004, none; the branch: one of three
    assert texts(page("units/T1/index.html"), "#u-clearance ~ dl dd") == ["50.0%", "2 名新人中 1 名已全部通关"]
    assert texts(page("units/T2/index.html"), "#u-clearance ~ dl dd")[0] == "0.0%"
    assert texts(page("units/HQ/index.html"), "#u-clearance ~ dl dd")[0] == "33.3%"


def test_no_clearance_file_no_warning_and_no_sections(tmp_path, make_site) -> None:
    site = load_site(make_site(tmp_path), today=AS_OF)
    plan = plan_site(site)
    assert not any(f.path == "warnings/clearance.csv" for f in plan.files)
    assert next(p for p in plan.pages if p.path == "units/T1/index.html").context["clearance"] is None


def test_a_problem_outside_the_booklet_is_an_error_at_its_cell(tmp_path) -> None:
    site = _site(tmp_path, clearance=CLEARANCE + "P004,11,2026-03-02,通过,P001\n")
    assert [(p.file, p.row, p.column) for p in site.errors] == [("data/clearance.csv", CLEARANCE.count("\n") + 1,
                                                                 "问题序号")]
