"""Manpower: joiners, leavers, headcount, attrition, span, the newcomer pipeline and the daily CSV columns.

The fixture's people are chosen on both sides of each month boundary; the expected figures are worked out by
hand below from the rows (sales force only: the manager, the tracker and the staff member never count).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from pathlib import Path

import pytest
from conftest import AS_OF, BASELINE, html, texts, write_files

from generator.commands.build import template_globals
from generator.metrics.manpower import day_flows, monthly, newcomer_period_end, pipeline, site_monthly, span
from generator.model import Site, load_site
from generator.pages import plan_site
from generator.render import Renderer

# As of 5 March 2026. P006 leaves on 1 March (still in at February's end), P007 joins on 10 March and P010 leaves
# on 6 March (both after the as-of date: not counted yet), P008 joins on 31 January and leaves on 28 February
# (in at January's end, out at February's end), P009 joins on 1 February, P011 joins and leaves within March,
# P012 is staff. P013–P015 joined on 10 November 2025: newcomer period to 9 February 2026.
PEOPLE = BASELINE["data/people.csv"] + """\
P006,孙离职,T1,业务员,业务员,2021-05-01,2026-03-01,
P007,周未到,T2,业务员,见习,2026-03-10,,
P008,吴短期,T1,业务员,见习,2026-01-31,2026-02-28,
P009,郑二月,T2,业务员,见习,2026-02-01,,
P010,冯主管,T2,主管,主管,2025-12-15,2026-03-06,
P011,陈三天,T2,业务员,见习,2026-03-02,2026-03-04,
P012,褚内勤,HQ,内勤,内勤,2026-03-01,,
P013,卫转正,T1,业务员,见习,2025-11-10,,
P014,蒋差一点,T2,业务员,见习,2025-11-10,,
P015,沈已走,T1,业务员,见习,2025-11-10,2026-02-09,
"""

# Standard 10,000 and 1 case a month over 92 days: 30,666.67 and 4 cases. P013 makes 30,700 in 4 cases, the last
# on the period's last day; P014's fourth case is a day late; P015 sells like P013 but leaves on the last day.
SALES = BASELINE["data/sales.csv"] + """\
2025-11-20,P013,20000,1,金福年金
2025-12-20,P013,5000,1,金福年金
2026-01-15,P013,5000,1,金福年金
2026-02-09,P013,700,1,意外险
2025-11-20,P014,20000,1,金福年金
2025-12-20,P014,5000,1,金福年金
2026-01-15,P014,5000,1,金福年金
2026-02-10,P014,700,1,意外险
2026-03-03,P014,1000,1,意外险
2025-11-20,P015,20000,1,金福年金
2025-12-20,P015,5000,1,金福年金
2026-01-15,P015,5000,1,金福年金
2026-02-09,P015,700,1,意外险
"""

FILES = {"data/people.csv": PEOPLE, "data/sales.csv": SALES}

# (start, joiners, leavers, end) by hand
SITE = {
    "2025-11": (3, 3, 0, 6),
    "2025-12": (6, 1, 0, 7),
    "2026-01": (7, 1, 0, 8),
    "2026-02": (8, 2, 2, 8),
    "2026-03": (8, 1, 2, 7),
}
T1 = {"2026-02": (6, 0, 2, 4), "2026-03": (4, 0, 1, 3)}
T2 = {"2026-02": (2, 2, 0, 4), "2026-03": (4, 1, 1, 4)}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Site:
    site = tmp_path_factory.mktemp("manpower-inputs")
    write_files(site, {**BASELINE, **FILES})
    return load_site(site, today=AS_OF, as_of=AS_OF)


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("manpower")
    write_files(site, {**BASELINE, **FILES})
    loaded = load_site(site, today=AS_OF, as_of=AS_OF)
    plan = plan_site(loaded)
    renderer = Renderer(loaded.root, loaded.locale, template_globals(loaded, plan))
    wanted = ("index.html", "manpower/", "units/", "daily/")
    outputs = [renderer.render(p) for p in plan.pages if p.path.startswith(wanted)]
    outputs += [f for f in plan.files if f.path.startswith(wanted)]
    folder = site / "output"
    for item in outputs:
        path = folder / item.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(item.data)
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _figures(frame, month: str) -> tuple[int, int, int, int]:
    row = frame[frame["month"] == month].iloc[0]
    return int(row["start"]), int(row["joiners"]), int(row["leavers"]), int(row["end"])


def test_months_match_the_hand_count_on_both_sides_of_each_boundary(loaded: Site) -> None:
    by_unit = monthly(loaded.tables, AS_OF, 12)
    site = site_monthly(by_unit, ["HQ"])
    assert site["month"].iloc[0] == "2025-04" and site["month"].iloc[-1] == "2026-03"
    for month, expected in SITE.items():
        assert _figures(site, month) == expected, month
    for unit, months in (("T1", T1), ("T2", T2), ("HQ", SITE)):
        frame = by_unit[by_unit["unit"] == unit]
        for month, expected in months.items():
            assert _figures(frame, month) == expected, (unit, month)
    march = site[site["month"] == "2026-03"].iloc[0]
    assert march["attrition"] == pytest.approx(2 / 8)
    early = site[site["month"] == "2025-04"].iloc[0]
    assert (early["start"], early["end"]) == (3, 3) and math.isnan(
        by_unit[(by_unit["unit"] == "T2") & (by_unit["month"] == "2025-04")].iloc[0]["attrition"])


def test_a_leaver_is_out_of_the_headcount_and_a_future_leaver_is_in(loaded: Site) -> None:
    # P010 (leaves 6 March) is in; P006 (left 1 March) and P011 (left 4 March) are out; P007 (joins 10 March) too.
    assert _figures(monthly(loaded.tables, dt.date(2026, 3, 5), 1), "2026-03")[3] == 7
    assert int(monthly(loaded.tables, dt.date(2026, 3, 6), 1).query("unit == 'HQ'")["end"].iloc[0]) == 6
    assert int(monthly(loaded.tables, dt.date(2026, 3, 10), 1).query("unit == 'HQ'")["end"].iloc[0]) == 7


def test_span_is_agents_per_supervisor(loaded: Site) -> None:
    frame = span(loaded.tables, AS_OF)
    assert frame.loc["HQ", ["agents", "supervisors"]].tolist() == [5, 2]
    assert frame.loc["HQ", "span"] == pytest.approx(2.5)
    assert frame.loc["T1", "span"] == pytest.approx(2.0) and frame.loc["T2", "span"] == pytest.approx(3.0)


def test_newcomer_period_end_follows_the_warning_rule() -> None:
    assert newcomer_period_end(dt.date(2025, 11, 10), 3) == dt.date(2026, 2, 9)
    # 30 November + 3 months is clipped to 28 February, but a newcomer is one until 28 February itself.
    assert newcomer_period_end(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_pipeline_counts_conversion_on_the_edges(loaded: Site) -> None:
    flow = pipeline(loaded.tables, AS_OF, None, 3, 10000, 1).set_index("month")
    assert flow.loc["2025-11"].tolist()[:6] == [3, 2, 1, 0, 3, 1]  # only P013 converted
    assert flow.loc["2025-11", "conversion"] == pytest.approx(1 / 3)
    assert flow.loc["2025-12"].tolist()[:6] == [1, 1, 0, 1, 0, 0] and math.isnan(flow.loc["2025-12", "conversion"])
    assert flow.loc["2026-02"].tolist()[:6] == [2, 2, 1, 2, 0, 0]  # P004 sold on 3 March
    assert flow.loc["2026-03"].tolist()[:6] == [1, 0, 0, 0, 0, 0]
    t1 = pipeline(loaded.tables, AS_OF, "T1", 3, 10000, 1).set_index("month")
    assert t1.loc["2025-11", ["joined", "converted"]].tolist() == [2, 1]
    # A lower standard converts P014 too: 30,000 in 3 cases meets 9,000 and 0.9 a month (27,600, 2.76 cases).
    lower = pipeline(loaded.tables, AS_OF, None, 3, 9000, 0.9).set_index("month")
    assert lower.loc["2025-11", "converted"] == 2


def test_day_flows_count_the_day_and_the_month(loaded: Site) -> None:
    people, units = day_flows(loaded.tables, dt.date(2026, 3, 2))
    assert units.loc["HQ"].tolist() == [1, 0, 1, 1]
    assert people.loc["P011"].tolist() == [1, 0, 1, 0] and people.loc["P012"].tolist() == [0, 0, 0, 0]


def test_daily_csvs_carry_joiners_and_leavers(out: Path) -> None:
    units = {r["unit"]: r for r in read_csv(out / "daily" / "2026-03-05" / "units.csv")}
    assert list(units["HQ"])[-4:] == ["joiners_day", "leavers_day", "joiners_mtd", "leavers_mtd"]
    flows = ("joiners_day", "leavers_day", "joiners_mtd", "leavers_mtd")
    assert [units["HQ"][k] for k in flows] == ["0", "0", "1", "2"]
    assert [units["T1"][k] for k in ("joiners_mtd", "leavers_mtd")] == ["0", "1"]
    day = {r["unit"]: r for r in read_csv(out / "daily" / "2026-03-02" / "units.csv")}
    assert day["T2"]["joiners_day"] == "1"
    people = {r["person"]: r for r in read_csv(out / "daily" / "2026-03-05" / "people.csv")}
    assert (people["P011"]["joiners_mtd"], people["P011"]["leavers_mtd"]) == ("1", "1")
    assert people["P006"]["leavers_mtd"] == "1" and people["P007"]["joiners_mtd"] == "0"


def test_manpower_page_shows_the_figures_and_their_definitions(out: Path) -> None:
    tree = html(out / "manpower" / "index.html")
    rows = {r["month"]: r for r in read_csv(out / "manpower" / "manpower-months.csv")}
    for month, expected in SITE.items():
        assert tuple(int(rows[month][k]) for k in ("start", "joiners", "leavers", "end")) == expected
    assert float(rows["2026-02"]["attrition"]) == pytest.approx(0.25)
    units = {r["name"]: r for r in read_csv(out / "manpower" / "manpower-units.csv")}
    assert (units["一组"]["headcount"], units["一组"]["leavers"], units["一组"]["span"]) == ("3", "1", "2.0")
    pipeline_rows = {r["month"]: r for r in read_csv(out / "manpower" / "manpower-pipeline.csv")}
    assert pipeline_rows["2025-11"]["converted"] == "1"
    assert (out / "manpower" / "manpower-unit-months.csv").is_file()
    text = " ".join(texts(tree, "main"))
    assert "脱落率 = 当月离司人数 ÷ 月初人力" in text and "入司后 3 个月" in text
    assert tree.css_first("img[src$='manpower/headcount.svg']") is not None


def test_unit_page_and_board_show_the_summary(out: Path) -> None:
    unit = html(out / "units" / "T1" / "index.html")
    cells = texts(unit, ".manpower-summary tbody td")
    assert cells[:4] == ["3", "0", "1", "25.0%"]
    board = html(out / "index.html")
    assert texts(board, ".manpower-summary tbody th") == ["测试分公司"]
    assert texts(board, ".manpower-summary tbody td")[:3] == ["7", "1", "2"]
