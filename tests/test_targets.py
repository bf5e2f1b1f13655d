"""Targets of every kind: months, weeks and spans of dates; premium, FYC, cases and manpower; units and people;
the roll-up of children's targets; and the rows the site cannot use, each an error naming file, row and column.

As of Thursday 5 March 2026 (ISO week 10 runs 2 to 8 March). Expected figures are worked out by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import AS_OF, BASELINE, html, texts, write_files

from generator.commands.build import template_globals
from generator.inputs.coerce import parse_span
from generator.metrics.kpis import unit_kpis
from generator.metrics.targets import current_targets, period_bounds
from generator.model import Site, load_site
from generator.pages import plan_site
from generator.render import Renderer

# The baseline's sales with FYC: 2 March P003 12,000 (FYC 3,000), 3 March P004 94,000 (FYC 20,000),
# 5 March P002 3,000 (FYC 500).
SALES = """\
日期,工号,保费,件数,险种,首年佣金
2026-03-02,P003,12000,1,金福年金,3000
2026-03-03,P004,94000,1,康宁终身,20000
2026-03-05,P002,3000,1,意外险,500
"""
SITE_TOML = BASELINE["site.toml"].replace('product = "险种"', 'product = "险种"\nfyc = "首年佣金"')

TARGETS = """\
期间,单位编码,工号,指标,目标
2026-03,HQ,,保费,200000
2026-W10,T1,,首年佣金,10000
2026-03-01..2026-03-15,,P003,件数,4
2026-03,T2,,人力,4
2026-02,HQ,,保费,100000
2026-W11,T1,,保费,5000
2026-03,T1,,保单,1
2026-13,T1,,保费,1
2026-03,T9,,保费,1
2026-03,,P003,人力,1
2026-03-10..2026-03-01,T1,,保费,1
"""


def load(tmp: Path, files: dict[str, str]) -> Site:
    write_files(tmp, {**BASELINE, "site.toml": SITE_TOML, "data/sales.csv": SALES, **files})
    return load_site(tmp, today=AS_OF, as_of=AS_OF)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Site:
    return load(tmp_path_factory.mktemp("targets"), {"data/targets.csv": TARGETS})


def test_period_forms() -> None:
    assert parse_span("2026-11") == "2026-11" and parse_span("2026年11月") == "2026-11"
    assert parse_span("2026-W47") == "2026-W47"
    assert parse_span("2026/11/01 至 2026/11/15") == "2026-11-01..2026-11-15"
    assert period_bounds("2026-W10") == (dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert period_bounds("2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_bounds("2026-03-01..2026-03-15") == (dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    for bad in ("2025-W53", "2026-03-10..2026-03-01", "2026-13", "next month"):
        with pytest.raises(ValueError):
            parse_span(bad)


def test_unusable_rows_are_errors_naming_file_row_and_column(loaded: Site) -> None:
    errors = {(p.file, p.row, p.column) for p in loaded.problems if p.is_error}
    assert ("data/targets.csv", 8, "指标") in errors  # 保单: not a kind of target
    assert ("data/targets.csv", 9, "期间") in errors  # month 13
    assert ("data/targets.csv", 10, "单位编码") in errors  # no unit T9
    assert ("data/targets.csv", 11, "工号") in errors  # a person's manpower
    assert ("data/targets.csv", 12, "期间") in errors  # ends before it starts
    assert len(loaded.tables["targets"]) == 6


def test_current_targets_of_every_kind(loaded: Site) -> None:
    found = current_targets(loaded.tables, AS_OF)
    rows = {(r.owner, r.metric, r.period): r for r in found.itertuples()}
    # February's and week 11's targets are not current on 5 March.
    assert set(rows) == {("HQ", "premium", "2026-03"), ("T1", "fyc", "2026-W10"),
                         ("P003", "cases", "2026-03-01..2026-03-15"), ("T2", "manpower", "2026-03")}
    hq = rows["HQ", "premium", "2026-03"]
    assert (hq.actual, hq.achievement) == (109000, pytest.approx(109000 / 200000))
    assert (hq.elapsed, hq.days) == (5, 31)
    fyc = rows["T1", "fyc", "2026-W10"]
    assert fyc.actual == 3500 and fyc.achievement == pytest.approx(0.35)  # P003 and P002, not T2's P004
    assert fyc.time_progress == pytest.approx(4 / 7)
    cases = rows["P003", "cases", "2026-03-01..2026-03-15"]
    assert (cases.actual, cases.achievement, cases.days) == (1, 0.25, 15)
    manpower = rows["T2", "manpower", "2026-03"]
    assert (manpower.actual, manpower.achievement) == (1, 0.25)  # P004 is T2's only salesperson


def test_month_premium_target_is_unchanged_and_roll_up_is_off_by_default(loaded: Site) -> None:
    units = unit_kpis(loaded.tables, AS_OF)
    assert units.loc["HQ", "target_month"] == 200000
    assert pd_isna(units.loc["T1", "target_month"])


def pd_isna(value: object) -> bool:
    return value != value


def test_roll_up_sums_children_without_overriding_own(tmp_path: Path) -> None:
    targets = "期间,单位编码,工号,指标,目标\n2026-03,T1,,保费,30000\n2026-03,T2,,保费,50000\n2026-03,T1,,件数,3\n"
    off = load(tmp_path / "off", {"data/targets.csv": targets})
    assert pd_isna(unit_kpis(off.tables, AS_OF).loc["HQ", "target_month"])
    rules = SITE_TOML.replace("[rules]\n", "[rules]\ntarget_rollup = true\n")
    on = load(tmp_path / "on", {"data/targets.csv": targets, "site.toml": rules})
    units = unit_kpis(on.tables, AS_OF)
    assert units.loc["HQ", "target_month"] == 80000
    assert units.loc["HQ", "achievement_mtd"] == pytest.approx(109000 / 80000)
    rows = {(r.owner, r.metric): r.target for r in current_targets(on.tables, AS_OF).itertuples()}
    assert rows["HQ", "cases"] == 3
    own = load(tmp_path / "own", {"data/targets.csv": targets + "2026-03,HQ,,保费,90000\n", "site.toml": rules})
    assert unit_kpis(own.tables, AS_OF).loc["HQ", "target_month"] == 90000


def test_unit_and_person_pages_show_their_targets(tmp_path: Path, loaded: Site) -> None:
    plan = plan_site(loaded)
    renderer = Renderer(loaded.root, loaded.locale, template_globals(loaded, plan))
    pages = {p.path: p for p in plan.pages}
    folder = tmp_path / "out"
    for path in ("units/T1/index.html", "people/P003/index.html", "manpower/index.html"):
        output = renderer.render(pages[path])
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(output.data)
    t1 = texts(html(folder / "units/T1/index.html"), "#targets tbody tr")
    assert len(t1) == 1 and t1[0].startswith("首年佣金 2026年第10周") and "35.0%" in t1[0]
    p003 = texts(html(folder / "people/P003/index.html"), "#targets tbody tr")
    assert p003 == ["件数 3月1日—3月15日 4 1 25.0% 33.3%"]
    manpower = html(folder / "manpower/index.html")
    headers = texts(manpower, "#manpower-units thead th")
    assert headers[-2:] == ["人力目标", "人力达成率"]
