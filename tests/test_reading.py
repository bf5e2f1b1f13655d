"""Readable at a glance: every achievement rate beside the month's time progress, with its pace in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from generator.metrics.pace import pace, time_progress


def test_calendar_progress_is_the_day_over_the_days_of_the_month():
    assert time_progress(dt.date(2026, 11, 20), "calendar") == pytest.approx(20 / 30)
    assert time_progress(dt.date(2028, 2, 29), "calendar") == 1.0
    assert time_progress(dt.date(2027, 2, 1), "calendar") == pytest.approx(1 / 28)


def test_working_days_progress_counts_monday_to_friday():
    # November 2026 begins on a Sunday: 21 weekdays; by Friday the 20th, 15 of them have passed.
    assert time_progress(dt.date(2026, 11, 20), "working_days") == pytest.approx(15 / 21)
    # A Saturday counts as the Friday before it: still 15 of 21.
    assert time_progress(dt.date(2026, 11, 21), "working_days") == pytest.approx(15 / 21)
    # A holiday on Monday the 2nd is neither elapsed nor in the month.
    holidays = [dt.date(2026, 11, 2)]
    assert time_progress(dt.date(2026, 11, 20), "working_days", holidays) == pytest.approx(14 / 20)
    # Sunday the 1st: no weekday gone yet.
    assert time_progress(dt.date(2026, 11, 1), "working_days") == 0.0


def test_an_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="working_days"):
        time_progress(dt.date(2026, 11, 20), "weekly")


@pytest.mark.parametrize(("rate", "expected"), [
    (0.60, "behind"),     # 7 points below 67: beyond the 5-point tolerance
    (0.62, "on_track"),   # exactly 5 points below
    (0.67, "on_track"),
    (0.72, "on_track"),   # exactly 5 points above
    (0.7201, "ahead"),
    (None, None),         # no target
    (float("nan"), None),
])
def test_pace_on_both_sides_of_the_tolerance(rate, expected):
    assert pace(rate, 0.67, 0.05) == expected


# ---------------------------------------------------------------- a site, end to end

AS_OF = dt.date(2026, 3, 10)
UNITS = """\
单位编码,单位名称,上级单位,负责人,督办人
HQ,测试分公司,,P001,P008
D1,一部,HQ,,
T1,一部一组,D1,P002,P008
T2,一部二组,D1,,
"""
PEOPLE = """\
工号,姓名,所属单位,岗位,职级,入司日期,离司日期,手机
P001,张经理,HQ,经理,,2015-03-01,,13800000001
P002,李主管,T1,主管,,2018-06-01,,13800000002
P003,王一,T1,业务员,,2025-12-12,,13800000003
P004,赵二,T2,业务员,,2026-03-02,,13800000004
P005,钱三,T1,业务员,,2019-09-01,,13800000005
P006,孙四,T1,业务员,,2019-09-01,2026-03-06,13800000006
P007,周六,T2,业务员,,2024-05-01,,13800000007
P008,吴督办,HQ,督办,内勤,2019-09-01,,13800000008
"""
# (date, person, premium, cases)
SALES = [
    ("2025-03-04", "P003", 40000, 1),   # the same month last year, to the same day
    ("2025-03-20", "P003", 9000, 1),    # the same month last year, after the same day: not compared
    ("2026-02-03", "P003", 5000, 1),    # last month to the same day
    ("2026-02-10", "P005", 2000, 1),
    ("2026-02-11", "P005", 7000, 1),    # last month after the same day: not compared
    ("2026-03-02", "P003", 12000, 1),
    ("2026-03-03", "P004", 94000, 1),   # the same weekday last week (Tuesday)
    ("2026-03-05", "P006", 3000, 1),    # sold, then left
    ("2026-03-09", "P002", 7000, 2),    # yesterday
    ("2026-03-10", "P003", 6000, 1),
    ("2026-03-10", "P005", 10000, 1),
]
TARGETS = """\
月份,单位编码,工号,指标,目标
2026-03,HQ,,保费,400000
2026-03,D1,,保费,400000
2026-03,T1,,保费,100000
2026-03,,P003,保费,30000
"""


OLD_NOTICE = """\
---
title: 年终表彰安排
date: 2025-12-20
---

去年的通知。
"""


def _sales_csv() -> str:
    lines = ["日期,工号,保费,件数,险种"]
    lines += [f"{d},{p},{premium},{cases},金福年金" for d, p, premium, cases in SALES]
    return "\n".join(lines) + "\n"


def _build(root: Path, site_toml_extra: str = "", locale: str = "zh-CN") -> Path:
    from conftest import BASELINE, write_files

    from generator.commands.build import build

    files = dict(BASELINE)
    files.update({"data/units.csv": UNITS, "data/people.csv": PEOPLE, "data/sales.csv": _sales_csv(),
                  "data/targets.csv": TARGETS, "content/notices/old.md": OLD_NOTICE})
    files["site.toml"] = (files["site.toml"].replace('locale = "zh-CN"', f'locale = "{locale}"')
                          + site_toml_extra)
    write_files(root, files)
    result = build(root, as_of=AS_OF)
    assert not result.site.errors, result.site.errors
    return root / "output"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("reading") / "site")


def _page(out: Path, path: str) -> HTMLParser:
    return HTMLParser((out / path).read_text("utf-8"))


def _progress_texts(page: HTMLParser) -> list[str]:
    return [node.text() for node in page.css(".pace-progress")]


# 10 March: 10 of 31 days
CALENDAR = f"时间进度 {10 / 31 * 100:.1f}%"




def _working_progress(day: dt.date) -> float:
    """Monday–Friday of the month up to `day` over those of the whole month, counted here day by day."""
    first = day.replace(day=1)
    month = [first + dt.timedelta(days=i) for i in range(31) if (first + dt.timedelta(days=i)).month == first.month]
    weekdays = [d for d in month if d.isoweekday() <= 5]
    return len([d for d in weekdays if d <= day]) / len(weekdays)


PAGES = ["index.html", "daily/index.html", "units/T1/index.html", "people/P003/index.html",
         "leaderboard/index.html"]


@pytest.mark.slow
@pytest.mark.parametrize("path", PAGES)
def test_every_page_shows_the_calendar_time_progress(out: Path, path: str) -> None:
    assert CALENDAR in _page(out, path).css_first("main").text()


@pytest.mark.slow
def test_the_working_days_progress_when_the_site_says_so(tmp_path: Path) -> None:
    built = _build(tmp_path / "site", 'time_progress = "working_days"\n')
    expected = f"时间进度 {_working_progress(AS_OF) * 100:.1f}%"
    assert expected == "时间进度 31.8%"  # 7 of March 2026's 22 weekdays
    for path in PAGES[:4]:
        assert expected in _page(built, path).css_first("main").text(), path


@pytest.mark.slow
def test_the_english_site_says_time_elapsed(tmp_path: Path) -> None:
    built = _build(tmp_path / "site", locale="en")
    board = _page(built, "index.html")
    assert f"Time elapsed {10 / 31 * 100:.1f}%" in board.css_first("main").text()
    cues = {node.text() for node in board.css(".tiles .pace-cue")}
    assert cues == {"on track"}


def _tile_cue(page: HTMLParser) -> str:
    return page.css_first(".tiles .pace-cue").text()


@pytest.mark.slow
def test_the_rate_says_its_pace_in_words(out: Path, tmp_path: Path) -> None:
    # T1: 38,000 of 100,000 = 38.0% against 32.3%: 5.7 points ahead, beyond the 5-point tolerance
    assert _tile_cue(_page(out, "units/T1/index.html")) == "领先"
    # HQ: 132,000 of 400,000 = 33.0%: 0.7 points above, within 5
    assert _tile_cue(_page(out, "index.html")) == "正常"
    narrow = _build(tmp_path / "site", "pace_tolerance = 0.5\n")
    assert _tile_cue(_page(narrow, "index.html")) == "领先"  # 0.7 points above a tolerance of 0.5


def _changes(page: HTMLParser, tile: int) -> dict[str, str]:
    """The changes in a tile: label → (the figure as shown: arrow, sign, amount; the arrow's word for a screen
    reader)."""
    out = {}
    for node in page.css(".tiles .tile")[tile].css(".change"):
        label, _, figure = node.text().partition(" ")
        out[label] = (figure, node.css_first(".trend-mark").attributes["aria-label"])
    return out


@pytest.mark.slow
def test_comparisons_on_the_board_against_hand_computed_figures(out: Path) -> None:
    board = _page(out, "index.html")
    # Today 6,000 + 10,000 = 16,000 (1.6万); yesterday 7,000: +9,000, shown in 万 as the figure is
    # Same weekday last week (3 March): 94,000 → −78,000
    assert _changes(board, 0) == {"较昨日": ("▲+0.9万", "上升"), "较上周同日": ("▼-7.8万", "下降")}
    # Month to date 132,000; 1–10 February 7,000 (11 February not counted); 1–10 March 2025 40,000
    assert _changes(board, 1) == {"较上月同期": ("▲+12.5万", "上升"), "较去年同期": ("▲+9.2万", "上升")}


@pytest.mark.slow
def test_no_comparison_with_last_year_before_the_data_begins(tmp_path: Path) -> None:
    from conftest import BASELINE, write_files

    from generator.commands.build import build

    root = tmp_path / "site"
    write_files(root, dict(BASELINE))
    result = build(root, as_of=dt.date(2026, 3, 5))
    assert not result.site.errors
    labels = [node.text() for node in _page(root / "output", "index.html").css(".tiles .change")]
    assert any("较上月同期" in label for label in labels)
    assert not any("较去年同期" in label for label in labels)


def test_unit_kpis_changes_and_the_active_identity(tmp_path: Path) -> None:
    from generator.metrics.kpis import unit_kpis
    from generator.model import load_site

    root = tmp_path / "site"
    _build(root)
    site = load_site(root, today=AS_OF, as_of=AS_OF)
    units = unit_kpis(site.tables, AS_OF)
    hq = units.loc["HQ"]
    assert (hq["change_day"], hq["change_week"], hq["change_month"], hq["change_year"]) == (
        16000 - 7000, 16000 - 94000, 132000 - 7000, 132000 - 40000)
    # 活动人力 + 未破零 = 人力 in every unit; the activity rate is the one over the other
    assert ((units["active_mtd"] + units["zero_mtd"]) == units["headcount"]).all()
    t2 = units.loc["T2"]
    assert (t2["headcount"], t2["active_mtd"], t2["zero_mtd"], t2["activity_rate"]) == (2, 1, 1, 0.5)
    # T1: 李主管, 王一, 钱三 sold; 孙四 sold too but left on 6 March: not counted
    t1 = units.loc["T1"]
    assert (t1["headcount"], t1["active_mtd"], t1["zero_mtd"]) == (3, 3, 0)


def test_a_date_of_another_year_carries_its_year() -> None:
    from generator.formats import Formatter

    fmt = Formatter("zh-CN", as_of=AS_OF)
    assert fmt.date(dt.date(2018, 12, 12)) == "2018年12月12日"
    assert fmt.date(dt.date(2026, 3, 2)) == "3月2日"
    assert Formatter("en", as_of=AS_OF).date(dt.date(2018, 12, 12)) == "Dec 12, 2018"


@pytest.mark.slow
def test_the_board_dates_last_years_notice_with_its_year(out: Path) -> None:
    dates = [node.text() for node in _page(out, "index.html").css(".notices time")]
    assert "2025年12月20日" in dates
    assert "3月1日" in dates  # this year's: no year


def test_an_ageing_from_a_date_to_come_is_unknown() -> None:
    from generator.metrics.registers import receivable_rows

    frame = pd.DataFrame([
        {"id": "R1", "customer": "甲", "owner": "P001", "kind": "premium", "invoice_date": None,
         "due_date": pd.Timestamp("2026-03-20"), "amount": 1000.0, "paid": 0.0, "last_followup": None, "_row": 2},
        {"id": "R2", "customer": "乙", "owner": "P001", "kind": "premium", "invoice_date": pd.Timestamp("2026-02-28"),
         "due_date": None, "amount": 1000.0, "paid": 0.0, "last_followup": None, "_row": 3},
    ])
    rows = {r["id"]: r for r in receivable_rows(frame, AS_OF)}
    assert rows["R1"]["age_days"] is None  # due in ten days, no invoice date: not −10 days old
    assert rows["R2"]["age_days"] == 10


@pytest.mark.slow
def test_unit_members_by_premium_leavers_marked_head_and_tracker_named(out: Path) -> None:
    page = _page(out, "units/T1/index.html")
    members = page.css_first("#members")
    names = [row.css_first("th").text() for row in members.css("tbody tr")]
    assert names == ["王一", "钱三", "李主管", "孙四（已离司）"]  # 18,000, 10,000, 7,000, 3,000
    left = [row for row in members.css("tbody tr") if "孙四" in row.css_first("th").text()]
    assert left[0].attributes.get("class") == "left"
    facts = {node.css_first("dt").text(): node.css_first("dd").text() for node in page.css(".facts div")}
    assert facts == {"负责人": "李主管", "督办人": "吴督办"}
    tile = next(t for t in page.css(".tile") if t.css_first("dt").text() == "本月活动人力")
    assert tile.css_first("dd").text() == "3 / 3"  # the leaver counted in neither


def test_still_needed_and_daily_needed() -> None:
    from generator.metrics.pace import daily_needed, still_needed

    assert still_needed(30000, 18000) == 12000
    assert still_needed(30000, 31000) == 0
    assert still_needed(None, 100) is None
    assert daily_needed(30000, 18000, AS_OF) == pytest.approx(12000 / 21)  # 11–31 March
    assert daily_needed(30000, 18000, dt.date(2026, 3, 31)) is None  # no day left


@pytest.mark.slow
def test_person_page_shows_target_still_needed_and_ranks(out: Path) -> None:
    page = _page(out, "people/P003/index.html")
    tiles = {t.css_first("dt").text(): [d.text() for d in t.css("dd")] for t in page.css(".tile")}
    assert tiles["月度目标"] == ["3万", "还差 1.2万"]
    assert tiles["剩余每日需"] == [f"{12000 / 21:,.0f}", "本月剩余 21 天"]
    # 王一 is first of T1's sales force by month premium, second of the branch's four (赵二 94,000 first)
    assert tiles["组内排名"] == ["1", "全司排名 2 / 5"]


@pytest.mark.slow
def test_leaderboard_names_link_to_people_and_the_top_three_stand_apart(out: Path) -> None:
    page = _page(out, "leaderboard/index.html")
    month = page.css_first("#people-mtd")
    rows = month.css("tbody tr")
    first = rows[0]
    assert first.css_first("th a").text() == "赵二"
    assert first.css_first("th a").attributes["href"] == "../people/P004/index.html"
    assert first.css_first("td.rank a") is None
    assert [row.attributes.get("class") for row in rows[:4]] == [
        "podium podium-1", "podium podium-2", "podium podium-3", None]
    by_rate = page.css_first("#people-rate")
    assert [row.css_first("th").text() for row in by_rate.css("tbody tr")] == ["王一"]  # the only target
    assert "领先" in by_rate.css_first("tbody tr").text()


@pytest.mark.slow
def test_daily_report_calendar_top_and_no_share_column(out: Path) -> None:
    page = _page(out, "daily/index.html")
    links = {a.text(): a.attributes["href"] for a in page.css(".month-calendar a")}
    # every day of March with sales links to its report; the day shown is marked, not linked
    assert links == {"2": "../daily/2026-03-02/index.html", "3": "../daily/2026-03-03/index.html",
                     "5": "../daily/2026-03-05/index.html", "9": "../daily/2026-03-09/index.html"}
    assert page.css_first('.month-calendar [aria-current="date"]').text() == "10"
    top = [row.css_first("th").text() for row in page.css("#top tbody tr")]
    assert top == ["钱三", "王一"]  # 10,000 and 6,000 today; nobody else sold
    headers = [th.text() for th in page.css("thead th")]
    assert "占变化" not in headers
    # the heading says it once; the table's caption is for screen readers only
    assert page.css_first("#d-results").text() == "各单位当日业绩"
    assert page.css_first("#results figcaption .visually-hidden").text() == "各单位当日业绩"


@pytest.mark.slow
def test_board_counts_warnings_apart_without_zeros_and_the_title_once(out: Path) -> None:
    board = _page(out, "index.html")
    counts = [node.text() for node in board.css(".alert-list strong")]
    assert counts and "0" not in counts
    assert board.css_first("h1").attributes.get("class") == "visually-hidden"
    assert board.css(".progress-bars li")
    assert board.css_first(".spark svg").attributes.get("aria-label", "").startswith("近 30 天保费合计 14.1万")


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("size", [(390, 844), (1366, 900)])
def test_time_progress_is_visible_on_the_board(out: Path, chromium, size: tuple[int, int]) -> None:
    from conftest import serve_folder

    with serve_folder(out) as url:
        page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
        page.goto(url + "index.html")
        progress = page.locator(".tiles .pace-progress").first
        assert progress.is_visible()
        assert progress.inner_text() == CALENDAR
        box = progress.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= size[0]
        page.close()


def test_holidays_are_not_working_days(tmp_path: Path, make_site) -> None:
    from generator.commands.build import build

    # 2 March 2026 a holiday: 6 of 21 working days gone by the 10th
    root = make_site(tmp_path / "site")
    toml = (root / "site.toml").read_text("utf-8")
    (root / "site.toml").write_text(toml + 'time_progress = "working_days"\nholidays = [2026-03-02]\n', "utf-8")
    result = build(root, as_of=AS_OF)
    assert not result.site.errors, result.site.errors
    assert f"时间进度 {6 / 21 * 100:.1f}%" in _page(root / "output", "index.html").css_first("main").text()


def test_a_holiday_written_as_text_is_refused_by_name(tmp_path: Path, make_site) -> None:
    from generator.config.load import load_config

    root = make_site(tmp_path / "site")
    toml = (root / "site.toml").read_text("utf-8")
    (root / "site.toml").write_text(toml + 'holidays = ["2026-03-02"]\n', "utf-8")
    _, errors = load_config(root)
    assert any("rules.holidays" in str(e) and "item 1" in str(e) for e in errors), errors
