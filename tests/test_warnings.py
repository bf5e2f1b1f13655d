"""Early warnings about people: newcomers, supervisors, not broken zero, inactivity and chronic laggards.

The fixture is a small branch on 2026-04-15 whose figures were worked out by hand (the arithmetic is in
the comments); each list is checked on both sides: who must be on it, and who must not (notably the
people exactly at a threshold).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pandas as pd
import pytest
from conftest import BASELINE, FIXED_NOW, html, write_files

from generator.commands.build import build
from generator.metrics import warnings as metrics
from generator.model import load_site

AS_OF = dt.date(2026, 4, 15)

SITE_TOML = BASELINE["site.toml"].replace("[rules]\nbig_order = 50000\n", """\
[rules]
big_order = 500000
newcomer_months = 3
newcomer_premium = 10000
newcomer_cases = 1
supervisor_maintenance = 30000
inactive_days = 7
laggard_percent = 60
laggard_months = 3
""")

UNITS = """\
单位编码,单位名称,上级单位,负责人,督办人
HQ,测试分公司,,P001,P005
T1,一组,HQ,P002,P005
T2,二组,HQ,P010,
T3,三组,HQ,,
"""

PEOPLE = """\
工号,姓名,所属单位,岗位,职级,入司日期,离司日期,手机
P001,张经理,HQ,经理,,2015-03-01,,13800000001
P002,李主管,T1,主管,,2018-06-01,,13800000002
P003,王个人,T1,业务员,,2020-01-15,,13800000003
P005,钱督办,HQ,督办,,2019-09-01,,13800000005
P006,孙单位,T1,业务员,,2019-05-01,,13800000006
P010,周主管,T2,主管,,2019-01-01,,13800000010
P011,吴主任,T3,主管,,2017-01-01,,13800000011
P020,郑刚好,T1,业务员,,2026-03-17,,13800000020
P021,冯差一分,T2,业务员,,2026-03-17,,13800000021
P022,陈无件,T2,业务员,,2026-04-01,,13800000022
P023,褚满三月,T1,业务员,,2026-01-15,,13800000023
P024,卫已离,T1,业务员,,2026-02-01,2026-04-10,13800000024
"""

SALES = """\
日期,工号,保费,件数,险种
2026-01-10,P003,5999,1,金福年金
2026-01-15,P011,50000,1,金福年金
2026-01-20,P002,6000,1,金福年金
2026-02-05,P024,1000,1,安心意外
2026-02-10,P003,5000,1,康宁终身
2026-02-10,P011,40000,1,金福年金
2026-02-12,P006,4000,1,康宁终身
2026-03-10,P011,49999.99,1,鑫享两全
2026-03-12,P006,5999,1,康宁终身
2026-03-20,P021,9999.99,1,康宁终身
2026-04-02,P022,6000,0,尊享医疗
2026-04-08,P003,3000,1,安心意外
2026-04-09,P002,100000,1,金福年金
2026-04-10,P020,10000,1,康宁终身
2026-04-14,P010,74000.01,1,金福年金
"""

TARGETS = """\
月份,单位编码,工号,指标,目标
2026-01,T1,,保费,40000
2026-02,T1,,保费,50000
2026-03,T1,,保费,60000
2026-01,,P003,保费,10000
2026-02,,P003,保费,10000
2026-03,,P003,保费,10000
2026-01,T2,,保费,20000
2026-02,T2,,保费,20000
2026-01,T3,,保费,30000
2026-02,T3,,保费,30000
2026-03,T3,,保费,30000
"""

FILES = {
    "site.toml": SITE_TOML,
    "data/units.csv": UNITS,
    "data/people.csv": PEOPLE,
    "data/sales.csv": SALES,
    "data/targets.csv": TARGETS,
    "content/battle/first-order.md": None,
}


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("warnings")
    write_files(root, {**BASELINE, **FILES})
    return root


@pytest.fixture(scope="module")
def tables(site_dir: Path):
    site = load_site(site_dir, today=AS_OF, as_of=AS_OF)
    assert not site.errors, site.errors
    return site.tables


@pytest.fixture(scope="module")
def out(site_dir: Path) -> Path:
    build(site_dir, as_of=AS_OF, clock=lambda: FIXED_NOW)
    return site_dir / "output"


# --- pure computations ----------------------------------------------------------------------


def test_months_before_clips_to_the_month_length() -> None:
    assert metrics.months_before(dt.date(2026, 5, 31), 3) == dt.date(2026, 2, 28)
    assert metrics.months_before(dt.date(2026, 4, 15), 3) == dt.date(2026, 1, 15)
    assert metrics.months_before(dt.date(2026, 2, 10), 2) == dt.date(2025, 12, 10)
    assert metrics.complete_months(dt.date(2026, 4, 15), 3) == ["2026-01", "2026-02", "2026-03"]


def test_newcomers_below_the_pro_rata_standard(tables) -> None:
    found = metrics.newcomers_at_risk(tables, AS_OF, 3, 10000, 1).set_index("person")
    # P020 joined 17 March: 30 days to 15 April, so 10,000 and 1 case are due; it has exactly that.
    # P023 joined 15 January, exactly three months before: no longer a newcomer. P024 has left.
    assert sorted(found.index) == ["P021", "P022"]
    # P021: 30 days, 9,999.99 < 10,000; its one case is enough.
    assert found.loc["P021", "days"] == 30
    assert found.loc["P021", "premium"] == 9999.99
    assert found.loc["P021", "premium_needed"] == 10000
    assert found.loc["P021", "premium_short"] == 0.01
    assert (found.loc["P021", "short_premium"], found.loc["P021", "short_cases"]) == (True, False)
    # P022 joined 1 April: 15 days, 5,000 due (6,000 made), 0.5 case due: no case, so one is needed.
    assert found.loc["P022", "days"] == 15
    assert found.loc["P022", "premium_needed"] == 5000
    assert found.loc["P022", "cases_needed"] == 1
    assert (found.loc["P022", "short_premium"], found.loc["P022", "short_cases"]) == (False, True)


def test_supervisors_below_maintenance_over_three_months(tables) -> None:
    found = metrics.supervisors_at_risk(tables, AS_OF, 30000).set_index("person")
    # Window 16 January – 15 April; 90,000 needed.
    # T2 (P010): 74,000.01 + P021's 9,999.99 + P022's 6,000 = 90,000.00 exactly: not at risk.
    # T1 (P002): well above. P011 heads no unit: its own 40,000 + 49,999.99 = 89,999.99 (the sale of
    # 15 January is outside the window).
    assert list(found.index) == ["P011"]
    assert found.loc["P011", "basis"] == "own"
    assert found.loc["P011", "premium"] == 89999.99
    assert found.loc["P011", "needed"] == 90000
    assert found.loc["P011", "shortfall"] == 0.01
    everyone = metrics.supervisors_at_risk(tables, AS_OF, 10**9).set_index("person")
    assert everyone.loc["P010", "premium"] == 90000.0
    assert everyone.loc["P010", "team"] == "二组"
    assert everyone.loc["P002", "premium"] == 6000 + 100000 + 5000 + 3000 + 4000 + 5999 + 10000 + 1000


def test_not_broken_zero_this_month(tables) -> None:
    found = metrics.zero_this_month(tables, AS_OF).set_index("person")
    # No case from 1 to 15 April: P006, P011, P021, P023 sold nothing, P022's only row has 0 cases.
    # Not: P002, P003, P010, P020 (sold in April), P024 (left), P001 and P005 (not sales force).
    assert sorted(found.index) == ["P006", "P011", "P021", "P022", "P023"]
    assert found.loc["P022", "premium_mtd"] == 6000
    assert found.loc["P021", "last_sale"] == dt.datetime(2026, 3, 20)
    assert found.loc["P021", "days_since"] == 26


def test_inactive_for_seven_days_or_more(tables) -> None:
    found = metrics.inactive(tables, AS_OF, 7)
    # Longest first. P003 last sold on 8 April, exactly 7 days: listed. P002 (9 April, 6 days) is not.
    # P023 and P022 never made a case: counted from their join dates (90 and 14 days).
    assert list(zip(found["person"], found["days_since"], found["since"], strict=True)) == [
        ("P023", 90, "join"), ("P011", 36, "sale"), ("P006", 34, "sale"), ("P021", 26, "sale"),
        ("P022", 14, "join"), ("P003", 7, "sale")]
    assert "P002" in set(metrics.inactive(tables, AS_OF, 6)["person"])


def test_chronic_laggards_use_own_targets_else_unit_target_per_head(tables) -> None:
    found, months = metrics.laggards(tables, AS_OF, 60, 3)
    assert months == ["2026-01", "2026-02", "2026-03"]
    rows = found.set_index("person")
    # P003 has its own 10,000 targets: 5,999, 5,000 and 0 are all under 60%.
    # P006 has none: T1's target ÷ T1's headcount at month end is 40,000/4, 50,000/5, 60,000/6 = 10,000;
    # 0, 4,000 and 5,999 are all under 6,000.
    # Not listed: P002 (6,000 in January is exactly 60%), P010 (T2 has no March target: cannot be judged),
    # P011 (50,000 against 30,000 in January), P023 (joined after 1 January).
    assert sorted(rows.index) == ["P003", "P006"]
    assert [rows.loc["P003", f"basis_{m}"] for m in months] == ["person"] * 3
    assert [rows.loc["P006", f"basis_{m}"] for m in months] == ["unit"] * 3
    assert [rows.loc["P006", f"target_{m}"] for m in months] == [10000, 10000, 10000]
    assert [rows.loc["P003", f"premium_{m}"] for m in months] == [5999, 5000, 0]
    assert rows.loc["P003", "achievement_2026-01"] == pytest.approx(0.5999)
    assert list(found["person"]) == ["P006", "P003"]  # lowest mean achievement first: 33.3% before 36.7%
    # Two months instead of three: February and March only, where P002 is below too.
    two, _ = metrics.laggards(tables, AS_OF, 60, 2)
    assert "P002" in set(two["person"])


@pytest.mark.parametrize(("p003_talk", "listed"), [
    ("2026-04-01", ["P006"]),  # the first of the month counts
    ("2026-03-31", ["P006", "P003"]),  # last month's does not
    ("2026-04-16", ["P006", "P003"]),  # after the as-of date: not held yet
])
def test_laggards_without_a_leapfrog_talk_this_month(tmp_path, p003_talk, listed) -> None:
    # P006's leapfrog talk is last month's; this month P006 only had a performance talk.
    talks = f"""\
日期,主管,员工,主题,类型
2026-03-20,P001,P006,连续三月未达标,越级谈话
2026-04-10,P002,P006,月度绩效,绩效面谈
{p003_talk},P001,P003,连续三月未达标,越级
"""
    write_files(tmp_path, {**BASELINE, **FILES, "data/talks.csv": talks})
    site = load_site(tmp_path, today=AS_OF, as_of=AS_OF)
    assert not site.errors, site.errors
    found, _ = metrics.laggards(site.tables, AS_OF, 60, 3)
    missing = metrics.without_leapfrog_talk(found, site.tables["talks"], AS_OF)
    assert list(missing["person"]) == listed
    last = dict(zip(missing["person"], missing["last_talk"], strict=True))
    assert last["P006"] == pd.Timestamp("2026-03-20")
    if "P003" in last:
        assert pd.isna(last["P003"]) == (p003_talk > "2026-04-15")
    from generator.pages import plan_site

    rows = read_csv_bytes(next(f.data for f in plan_site(site).files if f.path == "warnings/laggards-no-talk.csv"))
    assert [r["name"] for r in rows] == [n for p, n in (("P006", "孙单位"), ("P003", "王个人")) if p in listed]


def test_laggards_when_no_talk_says_its_kind(tmp_path) -> None:
    talks = "日期,主管,员工,主题\n2026-04-02,P001,P003,连续三月未达标\n"  # no kind column: no leapfrog talk
    write_files(tmp_path, {**BASELINE, **FILES, "data/talks.csv": talks})
    site = load_site(tmp_path, today=AS_OF, as_of=AS_OF)
    found, _ = metrics.laggards(site.tables, AS_OF, 60, 3)
    missing = metrics.without_leapfrog_talk(found, site.tables["talks"], AS_OF)
    assert list(missing["person"]) == ["P006", "P003"] and missing["last_talk"].isna().all()


def read_csv_bytes(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


# --- the page -------------------------------------------------------------------------------


def section_rows(page, list_id: str) -> list[list[str]]:
    return [[" ".join(c.text(separator=" ").split()) for c in tr.css("th, td")]
            for tr in page.css(f"#{list_id} tbody tr")]


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


@pytest.mark.slow
def test_warning_page_lists_people_with_their_figures_and_thresholds(out: Path) -> None:
    page = html(out / "warnings/index.html")
    newcomers = {r[0]: r for r in section_rows(page, "newcomers")}
    assert set(newcomers) == {"冯差一分", "陈无件"}
    assert newcomers["冯差一分"][1] == "二组"
    assert newcomers["陈无件"][-1] == "件数"
    rules = " ".join(n.text() for n in page.css("p.rule"))
    assert "入司未满 3 个月" in rules and "每月 1万" in rules
    assert "低于每月 3万" in rules and "合计低于 9万" in rules
    assert "距今 7 天及以上" in rules
    assert "月目标的 60%" in rules and "2026-01、2026-02、2026-03" in rules
    assert [r[0] for r in section_rows(page, "supervisors")] == ["吴主任"]
    zero = ["孙单位", "吴主任", "冯差一分", "陈无件", "褚满三月"]
    assert sorted(r[0] for r in section_rows(page, "zero")) == sorted(zero)
    inactive = section_rows(page, "inactive")
    assert [r[0] for r in inactive] == ["褚满三月", "吴主任", "孙单位", "冯差一分", "陈无件", "王个人"]
    assert inactive[-1][5] == "7"
    laggards = {r[0]: r for r in section_rows(page, "laggards")}
    assert set(laggards) == {"王个人", "孙单位"}
    assert laggards["孙单位"][-1] == "单位目标÷人力" and laggards["王个人"][-1] == "本人目标"
    # a person's name links to their page
    link = page.css_first("#newcomers tbody tr th a")
    assert link.attributes["href"].startswith("../people/")
    # no tracking log or SMS data: their lists are left out, not shown empty
    assert page.css_first("#trackers") is None and page.css_first("#sms-quiet") is None


@pytest.mark.slow
def test_warning_csvs_hold_the_raw_figures(out: Path) -> None:
    newcomers = {r["name"]: r for r in read_csv(out / "warnings/newcomers.csv")}
    assert newcomers["冯差一分"]["premium"] == "9999.99"
    assert newcomers["冯差一分"]["premium_needed"] == "10000"
    assert newcomers["冯差一分"]["premium_short"] == "0.01"
    assert newcomers["陈无件"]["cases_needed"] == "1" and newcomers["陈无件"]["join_date"] == "2026-04-01"
    supervisors = read_csv(out / "warnings/supervisors.csv")
    assert [(r["name"], r["premium"], r["threshold"], r["shortfall"]) for r in supervisors] == [
        ("吴主任", "89999.99", "30000", "0.01")]
    laggards = {r["name"]: r for r in read_csv(out / "warnings/laggards.csv")}
    assert laggards["孙单位"]["target_2026-02"] == "10000"
    assert laggards["王个人"]["achievement_2026-01"] == "0.6"  # 0.5999 rounded to two places in the CSV
    assert [r["name"] for r in read_csv(out / "warnings/inactive.csv")][-1] == "王个人"


@pytest.mark.slow
def test_board_counts_each_warning_list(out: Path) -> None:
    board = html(out / "index.html")
    counts = {}
    for item in board.css(".alert-list li"):
        href = item.css_first("a").attributes["href"]
        if href.startswith("warnings/"):  # warnings/#zero or warnings/index.html#zero
            counts[href.rpartition("#")[2].removesuffix("-h")] = item.css_first("strong").text()
    assert counts["zero"] == "5"
    assert counts["newcomers"] == "2"
    assert counts["inactive"] == "6"
    assert counts["supervisors"] == "1"
    assert counts["laggards"] == "2"


def test_cells_as_text_are_worked_out_once_per_distinct_value_with_the_same_result() -> None:
    import numpy as np
    import pandas as pd

    from generator.metrics.kpis import text_or_none, texts_or_none

    cells = pd.Series(["P1", " P2 ", None, np.nan, "", "  ", "P1", 12, pd.NA, "P3"] * 3, index=range(100, 130))
    fast = texts_or_none(cells)
    assert list(fast.index) == list(cells.index)
    assert [v if isinstance(v, str) else None for v in fast] == [
        v if isinstance(v, str) else None for v in cells.map(text_or_none)]
    assert fast.iloc[:4].tolist() == ["P1", "P2", None, None]
