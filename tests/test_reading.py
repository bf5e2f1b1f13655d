"""Readable at a glance: every achievement rate beside the month's time progress, with its pace in words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

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


def _sales_csv() -> str:
    lines = ["日期,工号,保费,件数,险种"]
    lines += [f"{d},{p},{premium},{cases},金福年金" for d, p, premium, cases in SALES]
    return "\n".join(lines) + "\n"


def _build(root: Path, site_toml_extra: str = "", locale: str = "zh-CN") -> Path:
    from conftest import BASELINE, write_files

    from generator.commands.build import build

    files = dict(BASELINE)
    files.update({"data/units.csv": UNITS, "data/people.csv": PEOPLE, "data/sales.csv": _sales_csv(),
                  "data/targets.csv": TARGETS})
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


@pytest.mark.slow
def test_board_shows_the_time_progress_beside_the_rate(out: Path) -> None:
    texts = _progress_texts(_page(out, "index.html"))
    assert texts and set(texts) == {CALENDAR}
