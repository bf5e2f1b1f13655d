"""Battle reports: the list in pages of PAGE_SIZE, its lists by month and by unit, and a page per report."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from generator.formats import Formatter
from generator.i18n import translator
from generator.metrics.battle import BattleReport
from generator.metrics.kpis import unit_tree
from generator.pages.battle import PAGE_SIZE, UNITS_SHOWN, battle_pages
from generator.render import Page

UNITS = pd.DataFrame({"id": ["HQ", "D1", "T1", "T2"], "name": ["分公司", "一部", "一组", "二组"],
                      "parent": [None, "HQ", "D1", "D1"], "level": ["branch", "division", "team", "team"]})
NAMES = dict(zip(UNITS["id"], UNITS["name"], strict=True))


def reports(count: int, first: dt.date = dt.date(2026, 11, 20)) -> list[BattleReport]:
    """`count` reports, one a day back from `first`, newest first; odd days in 一组, even days in 二组."""
    return [BattleReport(f"order-{n}", first - dt.timedelta(days=n), "", f"人{n}", NAMES["T1" if n % 2 else "T2"],
                         10000.0 + n, "", "金福年金", True, "T1" if n % 2 else "T2") for n in range(count)]


def pages_of(listed: list[BattleReport]) -> dict[str, Page]:
    pages = battle_pages(listed, unit_tree(UNITS), NAMES, translator("zh-CN"), Formatter("zh-CN"))
    return {page.path: page for page in pages}


def test_the_list_is_paged_with_links_to_every_page() -> None:
    listed = reports(PAGE_SIZE * 2 + 5)
    pages = pages_of(listed)
    first, second, third = (pages[p] for p in ("battle/index.html", "battle/page/2/index.html",
                                               "battle/page/3/index.html"))
    assert "battle/page/4/index.html" not in pages
    assert [r.key for r in first.context["reports"]] == [r.key for r in listed[:PAGE_SIZE]]
    assert second.context["reports"][0] is listed[PAGE_SIZE]
    assert [r.key for r in third.context["reports"]] == [r.key for r in listed[2 * PAGE_SIZE:]]
    assert second.context["pager"] == {"number": 2, "links": ["battle/", "battle/page/2/", "battle/page/3/"]}
    assert {p.context["total"] for p in (first, second, third)} == {len(listed)}


def test_a_short_list_is_one_page_and_no_list_is_an_empty_page() -> None:
    assert not any("/page/" in path for path in pages_of(reports(PAGE_SIZE)))
    empty = pages_of([])
    assert list(empty) == ["battle/index.html"] and empty["battle/index.html"].context["reports"] == []


def test_the_list_by_month_holds_only_that_months_reports() -> None:
    listed = reports(40)  # 20 November back to 12 October
    pages = pages_of(listed)
    october = pages["battle/month/2026-10/index.html"]
    assert october.context["reports"] and {r.date.month for r in october.context["reports"]} == {10}
    assert october.context["total"] == sum(r.date.month == 10 for r in listed)
    assert october.title == "2026年10月 · 战报"
    months = [(m.href, m.count) for m in october.context["months"]]
    assert months == [("battle/month/2026-11/", 20), ("battle/month/2026-10/", 20)]


def test_the_list_by_unit_holds_its_reports_and_those_of_the_units_below() -> None:
    listed = reports(10)
    pages = pages_of(listed)
    team = pages["battle/unit/T1/index.html"].context["reports"]
    assert [r.key for r in team] == [r.key for r in listed if r.unit_id == "T1"]
    division = pages["battle/unit/D1/index.html"]
    assert len(division.context["reports"]) == 10 and division.title == "一部 · 战报"
    assert [(u.label, u.count, u.depth) for u in division.context["units"]] == [
        ("分公司", 10, 0), ("一部", 10, 1), ("一组", 5, 2), ("二组", 5, 2)]
    assert "battle/unit/HQ/page/2/index.html" not in pages


def test_every_report_has_its_own_page_linked_to_the_next_and_previous() -> None:
    listed = reports(3)
    pages = pages_of(listed)
    middle = pages["battle/order-1/index.html"]
    assert middle.template == "battle_report.html" and middle.context["report"] is listed[1]
    assert middle.context["newer"] is listed[0] and middle.context["older"] is listed[2]
    assert middle.context["links"] == {"order-0": "battle/order-0/", "order-2": "battle/order-2/"}
    assert middle.title == "人1签单金福年金1万"
    assert middle.context["month"].href == "battle/month/2026-11/"


def wide_tree(teams: int) -> tuple[pd.DataFrame, dict[str, str]]:
    """A branch of two divisions with `teams` teams each."""
    rows = [("HQ", "分公司", None, "branch")] + [(f"D{d}", f"{d}部", "HQ", "division") for d in (1, 2)]
    rows += [(f"T{d}-{n}", f"{d}部{n}组", f"D{d}", "team") for d in (1, 2) for n in range(teams)]
    units = pd.DataFrame(rows, columns=["id", "name", "parent", "level"])
    return units, dict(zip(units["id"], units["name"], strict=True))


def wide_pages(teams: int) -> tuple[dict[str, Page], pd.DataFrame]:
    """The battle pages of wide_tree(teams), one report in each team."""
    units, names = wide_tree(teams)
    listed = [BattleReport(f"o-{d}-{n}", dt.date(2026, 11, 20), "", "人", names[f"T{d}-{n}"], 10000.0, "", "金福",
                           True, f"T{d}-{n}") for d in (1, 2) for n in range(teams)]
    pages = battle_pages(listed, unit_tree(units), names, translator("zh-CN"), Formatter("zh-CN"))
    return {p.path: p for p in pages}, units


def test_a_list_offers_the_units_near_it_and_one_page_lists_every_unit() -> None:
    teams = UNITS_SHOWN + 5
    pages, units = wide_pages(teams)
    top = pages["battle/index.html"].context
    assert [u.label for u in top["units"]] == ["分公司", "1部", "2部"] and top["more_units"] == 0
    division = pages["battle/unit/D1/index.html"].context
    assert [u.label for u in division["units"][:2]] == ["分公司", "1部"]
    assert [u.label for u in division["units"][2:]] == [f"1部{n}组" for n in range(UNITS_SHOWN)]
    assert division["more_units"] == 5
    team = pages["battle/unit/T2-3/index.html"].context
    assert [(u.label, u.count) for u in team["units"]] == [("分公司", 2 * teams), ("2部", teams), ("2部3组", 1)]
    every = pages["battle/unit/index.html"]
    assert every.template == "battle_units.html"
    assert [u.href for u in every.context["units"]] == [f"battle/unit/{u}/" for u in unit_tree(units).order]


def test_the_units_the_lists_offer_grow_with_the_units_not_their_square() -> None:
    def offered(teams: int) -> int:
        return sum(len(p.context["units"]) for p in wide_pages(teams)[0].values() if p.template == "battle.html")

    assert offered(6 * UNITS_SHOWN) < 2.5 * offered(3 * UNITS_SHOWN)  # every unit offered on every list: 4×
