"""The performance pages end to end: daily report CSVs, unit and person pages, leaderboard, charts.

Expected figures are computed here, plainly, from the fixture's rows — never with the code under test.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.commands.build import build

pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 3, 10)
UNITS = """\
单位编码,单位名称,上级单位,负责人,督办人
HQ,测试分公司,,P001,
D1,一部,HQ,,
T1,一部一组,D1,P002,
T2,一部二组,D1,,
D2,二部,HQ,,
T3,二部一组,D2,,
"""
PEOPLE = """\
工号,姓名,所属单位,岗位,职级,入司日期,离司日期,手机
P001,张经理,HQ,经理,,2015-03-01,,13800000001
P002,李主管,T1,主管,,2018-06-01,,13800000002
P003,王一,T1,业务员,,2020-01-15,,13800000003
P004,赵二,T2,业务员,,2026-03-02,,13800000004
P005,钱三,T3,业务员,,2019-09-01,,13800000005
P006,孙四,T3,业务员,,2019-09-01,2026-03-06,13800000006
P007,周五,T3,业务员,,2019-09-01,,13800000007
"""
# (date, person, premium, fyc, cases)
SALES = [
    ("2026-02-27", "P003", 5000, 1500, 1),
    ("2026-03-02", "P003", 12000, 3600, 1),
    ("2026-03-02", "P005", 8000, 2400, 1),
    ("2026-03-03", "P004", 94000, 30000, 1),
    ("2026-03-05", "P006", 3000, 900, 1),
    ("2026-03-09", "P002", 7000, 2100, 2),
    ("2026-03-10", "P003", 6000, 1800, 1),
    ("2026-03-10", "P005", 10000, 3000, 1),
    ("2026-03-10", "P007", 4000, 1200, 1),
    ("2026-03-11", "P007", 99999, 1, 1),  # after the as-of date: never counted
]
TARGETS = """\
月份,单位编码,工号,指标,目标
2026-03,HQ,,保费,200000
2026-03,D1,,保费,150000
2026-03,T1,,保费,50000
"""
PARENT = {"HQ": None, "D1": "HQ", "T1": "D1", "T2": "D1", "D2": "HQ", "T3": "D2"}
UNIT_OF = {"P001": "HQ", "P002": "T1", "P003": "T1", "P004": "T2", "P005": "T3", "P006": "T3", "P007": "T3"}


def _sales_csv() -> str:
    lines = ["日期,工号,保费,FYC,件数,险种"]
    lines += [f"{d},{p},{premium},{fyc},{cases},金福年金" for d, p, premium, fyc, cases in SALES]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import BASELINE, write_files

    root = tmp_path_factory.mktemp("reports") / "site"
    files = dict(BASELINE)
    files.update({"data/units.csv": UNITS, "data/people.csv": PEOPLE, "data/sales.csv": _sales_csv(),
                  "data/targets.csv": TARGETS})
    files["site.toml"] = files["site.toml"].replace('cases = "件数"', 'cases = "件数"\nfyc = "FYC"')
    write_files(root, files)
    result = build(root, as_of=AS_OF)
    assert not result.site.errors, result.site.errors
    return root / "output"


def _chain(unit: str) -> list[str]:
    chain = []
    node: str | None = unit
    while node is not None:
        chain.append(node)
        node = PARENT[node]
    return chain


def _expected_units(day: dt.date) -> dict[str, dict[str, float]]:
    totals: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for date_text, person, premium, fyc, cases in SALES:
        date = dt.date.fromisoformat(date_text)
        if date > day:
            continue
        for unit in _chain(UNIT_OF[person]):
            t = totals[unit]
            if date == day:
                t["premium_day"] += premium
                t["cases_day"] += cases
            if date.year == day.year and date.month == day.month:
                t["premium_mtd"] += premium
                t["fyc_mtd"] += fyc
                t["cases_mtd"] += cases
            if date.year == day.year:
                t["premium_ytd"] += premium
    return totals


def _read_csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_units_csv_has_the_contract_columns_and_exact_figures(out: Path) -> None:
    rows = {r["unit"]: r for r in _read_csv(out / "daily" / AS_OF.isoformat() / "units.csv")}
    expected = _expected_units(AS_OF)
    columns = ["unit", "name", "parent", "level", "premium_day", "premium_mtd", "premium_ytd", "fyc_mtd", "cases_day",
               "cases_mtd", "active_mtd", "headcount", "target_month", "achievement_mtd"]
    first = next(iter(rows.values()))
    assert list(first)[: len(columns)] == columns or set(columns) <= set(first)
    assert set(rows) == set(PARENT)
    for unit, row in rows.items():
        for key in ("premium_day", "premium_mtd", "premium_ytd", "fyc_mtd", "cases_day", "cases_mtd"):
            assert float(row[key] or 0) == pytest.approx(expected[unit][key]), (unit, key)
        assert "," not in row["premium_mtd"] and "万" not in row["premium_mtd"]
    # headcount: agents and supervisors in the unit and below, joined and not left by the as-of date
    assert rows["T3"]["headcount"] == "2"  # P006 left on 2026-03-06
    assert rows["HQ"]["headcount"] == "5"  # P002–P005 and P007
    assert rows["D1"]["active_mtd"] == "3"
    assert rows["T1"]["target_month"] == "50000"
    assert float(rows["T1"]["achievement_mtd"]) == pytest.approx((12000 + 7000 + 6000) / 50000)
    assert rows["T2"]["achievement_mtd"] == ""  # no target
    assert rows["T1"]["parent"] == "D1" and rows["HQ"]["parent"] == ""


def test_people_csv_ranks_and_totals(out: Path) -> None:
    rows = {r["person"]: r for r in _read_csv(out / "daily" / AS_OF.isoformat() / "people.csv")}
    assert float(rows["P003"]["premium_mtd"]) == 18000
    assert float(rows["P003"]["premium_ytd"]) == 23000
    assert rows["P003"]["rank_in_unit"] == "1" and rows["P002"]["rank_in_unit"] == "2"
    assert float(rows["P007"]["premium_mtd"]) == 4000  # the sale after the as-of date is not counted


def test_a_past_day_report_uses_that_day(out: Path) -> None:
    rows = {r["unit"]: r for r in _read_csv(out / "daily" / "2026-03-03" / "units.csv")}
    assert float(rows["HQ"]["premium_day"]) == 94000
    assert float(rows["HQ"]["premium_mtd"]) == 12000 + 8000 + 94000


def test_latest_daily_report_is_the_as_of_date(out: Path) -> None:
    latest = HTMLParser((out / "daily" / "index.html").read_text("utf-8"))
    dated = HTMLParser((out / "daily" / AS_OF.isoformat() / "index.html").read_text("utf-8"))
    assert latest.css_first("h1").text() == dated.css_first("h1").text()
    assert "3月10日" in latest.css_first("h1").text()


def test_unit_page_tiles_show_the_figures(out: Path) -> None:
    page = HTMLParser((out / "units" / "T1" / "index.html").read_text("utf-8"))
    tiles = {tile.css_first("dt").text(): tile.css_first("dd").text() for tile in page.css(".tile")}
    assert tiles["本月保费"] == "2.5万"  # 12,000 + 7,000 + 6,000
    assert tiles["当日保费"] == "6,000"


def test_leaderboard_ranks_ties_alike(out: Path) -> None:
    page = HTMLParser((out / "leaderboard" / "index.html").read_text("utf-8"))
    day = page.css_first("#people-day")
    assert [row.css_first("th").text() for row in day.css("tbody tr")][:3] == ["钱三", "王一", "周五"]
    month = page.css_first("#people-mtd")
    rows = [(row.css_first("td.rank").text(), row.css_first("th").text()) for row in month.css("tbody tr")]
    # 赵二 leads with 94,000; 王一 and 钱三 both have 18,000: they share second place and the next rank is 4.
    assert rows[0] == ("1", "赵二")
    assert sorted(rows[1:3]) == [("2", "王一"), ("2", "钱三")]
    assert rows[3][0] == "4"


def test_charts_exist_with_their_titles(out: Path) -> None:
    for name in ("trend.svg", "cumulative.svg", "compare.svg"):
        svg = (out / "units" / "HQ" / name).read_text("utf-8")
        assert svg.lstrip().startswith("<svg")
        assert "测试分公司" in svg
    page = HTMLParser((out / "units" / "HQ" / "index.html").read_text("utf-8"))
    images = page.css(".chart img")
    assert len(images) == 3 and all(img.attributes.get("alt") for img in images)


def test_screen_skips_empty_slides(out: Path) -> None:
    page = HTMLParser((out / "screen" / "index.html").read_text("utf-8"))
    kinds = [s.attributes["data-kind"] for s in page.css(".slide") if s.attributes.get("data-kind") != "celebrate"]
    assert "kpis" in kinds and "leaderboard" in kinds
    assert "battle" not in kinds  # the only battle reports are older than a week


def test_money_formats() -> None:
    from generator.formats import money

    assert money(94000, "zh-CN") == "9.4万"
    assert money(120_000_000, "zh-CN") == "1.2亿"
    assert money(94000, "en") == "94,000"
