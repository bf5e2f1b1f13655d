"""tracking/ and the tracker and SMS warning lists: the daily standard, quiet hours, weekly frequency and
recipients who left, each worked out by hand from the fixture below (as of Thursday 2026-03-05).

Windows: the page covers the last four ISO weeks, Monday 9 February to 5 March; the trackers' warning
covers the last seven days, 27 February to 5 March.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import AS_OF, BASELINE, FIXED_NOW, html, write_files

from generator.commands.build import build
from generator.metrics import tracking as metrics
from generator.model import load_site

PEOPLE = BASELINE["data/people.csv"] + """\
P006,孙离职,T1,业务员,,2020-01-01,2026-03-01,13800000006
P007,周督办,HQ,督办,,2019-01-01,,13800000007
P008,吴将离,T2,业务员,,2021-01-01,2026-03-06,13800000008
P009,郑今离,T2,业务员,,2021-01-01,2026-03-05,13800000009
"""

# P005 follows T1 and T2, P007 follows HQ (and logged T1 once, on 16 February).
TRACKING = """\
日期,督办人,单位编码,电话,短信,亮点,问题,明日预测
2026-02-06,P005,T1,0,0,窗口之前,,
2026-02-16,P007,T1,4,4,,,
2026-02-20,P005,T1,0,0,,早会迟到2人,
2026-02-27,P007,HQ,3,3,,,
2026-03-02,P005,T1,3,3,一组王业务签单1.2万,,
2026-03-02,P005,T2,5,5,,,
2026-03-02,P007,HQ,3,3,,,
2026-03-03,P005,T1,2,5,,二组拜访量不足,
2026-03-03,P005,T2,5,5,,,
2026-03-03,P007,HQ,3,3,,,
2026-03-04,P005,T1,3,3,,,
2026-03-04,P007,HQ,3,3,,,
2026-03-05,P005,T1,4,2,新人赵新人完成首次拜访,客户对价格有顾虑,
2026-03-05,P005,T2,3,3,,,
2026-03-05,P007,HQ,1,2,,,
2026-03-05,P007,HQ,2,1,,,
"""

SMS = """\
发送时间,群组,类别,接收人数,成功,失败,回复,内容
2026-02-01 22:00,全员群,战报,5,5,0,0,窗口之前
2026-02-23 09:00,全员群,激励,5,5,0,1,本周冲刺
2026-02-24 12:00,全员群,通知,5,4,1,0,明早开会
2026-02-25 18:30,全员群,战报,5,5,0,2,喜报：王业务签单
2026-03-01 10:00,全员群,感动类,5,5,0,3,周末降温，注意保暖
2026-03-02 20:59,全员群,通知,5,5,0,0,晚间提醒
2026-03-02 21:00,全员群,战报,5,5,0,1,喜报：赵新人签单
2026-03-03 07:59,干部群,激励,2,2,0,0,早安
2026-03-03 08:00,全员群,激励,5,5,0,0,早安伙伴
2026-03-04 00:30,干部群,通知,2,1,1,0,深夜通知
2026-03-04 12:00,全员群,通知,5,5,0,0,午间通知
2026-03-05 09:00,全员群,关怀,5,5,0,2,天冷加衣
2026-03-05 10:00,干部群,通知,2,2,0,1,下午开会
2026-03-06 23:00,全员群,战报,5,5,0,0,数据日之后
"""

GROUPS = """\
群组,工号,手机
全员群,P002,13700000000
全员群,P003,+86 138-0000-0003
全员群,P004,13800000004
全员群,P006,13800000006
全员群,P008,13800000008
全员群,P009,13800000009
全员群,,13900000099
干部群,P001,13800000001
干部群,P005,13800000005
"""

FILES = {
    "data/people.csv": PEOPLE,
    "data/tracking.csv": TRACKING,
    "data/sms.csv": SMS,
    "data/sms_groups.csv": GROUPS,
}


@pytest.fixture(scope="module")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tracking")
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


def rows(page, selector: str) -> list[list[str]]:
    return [[" ".join(c.text(separator=" ").split()) for c in tr.css("th, td")]
            for tr in page.css(f"{selector} tbody tr")]


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


# --- pure computations ----------------------------------------------------------------------


def test_recent_weeks_start_on_a_monday() -> None:
    assert metrics.recent_weeks(AS_OF, 4) == (dt.date(2026, 2, 9), AS_OF)
    assert metrics.recent_weeks(dt.date(2026, 3, 2), 1) == (dt.date(2026, 3, 2), dt.date(2026, 3, 2))


def test_quiet_hours_wrap_midnight_start_included_end_not() -> None:
    start, end = metrics.minutes("21:00"), metrics.minutes("08:00")
    quiet = {hhmm: metrics.in_quiet_hours(metrics.minutes(hhmm), start, end)
             for hhmm in ("20:59", "21:00", "23:59", "00:00", "07:59", "08:00", "12:00")}
    assert quiet == {"20:59": False, "21:00": True, "23:59": True, "00:00": True, "07:59": True, "08:00": False,
                     "12:00": False}
    lunch = metrics.minutes("12:00"), metrics.minutes("14:00")  # a window that does not wrap
    assert [metrics.in_quiet_hours(metrics.minutes(h), *lunch) for h in ("11:59", "12:00", "13:59", "14:00")] == [
        False, True, True, False]
    assert not metrics.in_quiet_hours(0, 600, 600)  # equal times: no quiet hours


def test_tracker_days_flag_short_and_unlogged_days(tables) -> None:
    days = metrics.tracker_days(tables["tracking"], dt.date(2026, 2, 27), AS_OF, 3, 3, pairs_since=dt.date(2026, 2, 9))
    summary = metrics.tracker_summary(days).set_index(["tracker", "unit"])
    # Working days (anyone logged): 27 Feb, 2, 3, 4, 5 March.
    assert set(summary["days"]) == {5}
    # P005/T1: 27 Feb not logged, 3 March 2 calls, 5 March 2 messages; 3/3 on 2 and 4 March meets it.
    assert summary.loc[("P005", "T1"), ["below", "below_calls", "below_sms", "missing"]].tolist() == [3, 1, 1, 1]
    # P005/T2: 27 Feb and 4 March not logged.
    assert summary.loc[("P005", "T2"), ["below", "missing"]].tolist() == [2, 2]
    # P007/T1 was followed on 16 February and never since: five days not logged.
    assert summary.loc[("P007", "T1"), ["below", "missing", "logged"]].tolist() == [5, 5, 0]
    # P007/HQ: two rows on 5 March add up to 3 calls and 3 messages; every day meets the standard.
    assert summary.loc[("P007", "HQ"), ["below", "calls", "sms"]].tolist() == [0, 15, 15]


def test_sms_quiet_weekly_and_rates(tables) -> None:
    messages = metrics.sms_messages(tables["sms"], dt.date(2026, 2, 9), AS_OF, ["21:00", "08:00"])
    assert len(messages) == 12  # 1 February and 6 March are outside
    quiet = messages[messages["quiet"]]
    assert [m.strftime("%m-%d %H:%M") for m in quiet["sent_at"]] == ["03-02 21:00", "03-03 07:59", "03-04 00:30"]
    over = metrics.too_frequent(messages, 3)
    # 全员群: the week of 23 Feb has four (Sunday 1 March included), that of 2 March five.
    # 干部群 has three in the week of 2 March: at the limit, not over it.
    assert [(g, w.date().isoformat(), n, q) for g, w, n, q in over.itertuples(index=False)] == [
        ("全员群", "2026-03-02", 5, 1), ("全员群", "2026-02-23", 4, 0)]
    groups = metrics.sms_by(messages, "group").set_index("group")
    assert groups.loc["干部群", ["messages", "delivered", "failed", "replies"]].tolist() == [3, 5, 1, 1]
    assert groups.loc["干部群", "delivery_rate"] == pytest.approx(5 / 6)
    assert groups.loc["干部群", "reply_rate"] == pytest.approx(1 / 5)
    assert groups.loc["全员群", ["incentive", "care", "battle", "notice"]].tolist() == [2, 2, 2, 3]


def test_recipients_who_left(tables) -> None:
    left = metrics.departed_recipients(tables["sms_groups"], tables["people"], AS_OF)
    found = {(r.group, r.person or r.phone): r.reason for r in left.itertuples()}
    # P006 left on 1 March, P009 on the as-of date itself: both have left. P008 leaves tomorrow: not yet.
    # P002 is employed but listed under a number that is no one's; 13900000099 is no one's either.
    # P003's "+86 138-0000-0003" is its own number written differently: fine.
    assert found == {("全员群", "P006"): "left", ("全员群", "P009"): "left", ("全员群", "P002"): "phone",
                     ("全员群", "13900000099"): "phone"}


# --- the pages ------------------------------------------------------------------------------


@pytest.mark.slow
def test_tracking_page_shows_the_standard_by_tracker_and_day(out: Path) -> None:
    page = html(out / "tracking/index.html")
    assert "至少 3 个电话、3 条短信" in page.css_first("p.rule").text()
    summary = {(r[0], r[1]): r[2:] for r in rows(page, "#tracking-summary")}
    # 4 weeks: working days 16, 20, 27 Feb, 2–5 March (7). P005/T1: logged 5, below on 16 Feb (not logged),
    # 20 Feb (0/0), 27 Feb (not logged), 3 March (calls) and 5 March (messages).
    assert summary["钱督办", "一组"][:6] == ["7", "5", "5", "2", "2", "2"]
    # P007/HQ first logged on 27 February: 16 and 20 February count as not logged.
    assert summary["周督办", "测试分公司"][:6] == ["7", "5", "2", "0", "0", "2"]
    grid = {(r[0], r[1]): r[2:] for r in rows(page, ".tracking-grid")}
    dates = [" ".join(th.text().split()) for th in page.css(".tracking-grid thead th")][2:]
    assert dates[0] == "3月5日" and dates[1] == "3月4日"  # newest first: the latest day is always in view
    assert grid["钱督办", "一组"][0] == "4/2" and grid["钱督办", "二组"][1] == "—"
    below = [td.text() for td in page.css(".tracking-grid td.below")]
    assert "2/5" in below and "3/3" not in below
    notes = rows(page, "#tracking-notes")
    # the last seven days, by unit: 一组's newest first; the 6 February note is outside the window
    assert [r[:2] for r in notes] == [["一组", "3月5日"], ["一组", "3月3日"], ["一组", "3月2日"]]
    assert "窗口之前" not in page.text()


@pytest.mark.slow
def test_tracking_page_sms_lists_and_csvs(out: Path) -> None:
    page = html(out / "tracking/index.html")
    quiet = rows(page, "#sms-quiet")
    assert [r[0] for r in quiet] == ["2026-03-04 00:30", "2026-03-03 07:59", "2026-03-02 21:00"]
    assert ["2026-03-02 21:00", "全员群", "战报", "5", "5", "0", "1", "是", "喜报：赵新人签单"] in quiet
    assert [r[:3] for r in rows(page, "#sms-frequent")] == [["全员群", "3月2日", "5"], ["全员群", "2月23日", "4"]]
    left = {r[3] if r[1] == "—" else r[1]: r for r in rows(page, "#sms-left")}
    assert set(left) == {"P002", "P006", "P009", "13900000099"}
    assert left["P006"][-1] == "已离司" and left["P006"][4] == "3月1日"
    by_category = {r[0]: r for r in rows(page, "#sms-categories")}
    assert list(by_category) == ["激励", "关怀", "战报", "通知"]
    assert by_category["关怀"][1] == "2"  # "感动类" counts as care
    csv_rows = read_csv(out / "tracking/sms-quiet.csv")
    assert [(r["sent_at"], r["group"], r["recipients"]) for r in csv_rows] == [
        ("2026-03-04 00:30", "干部群", "2"), ("2026-03-03 07:59", "干部群", "2"), ("2026-03-02 21:00", "全员群", "5")]
    groups = {r["group"]: r for r in read_csv(out / "tracking/sms-groups.csv")}
    assert groups["干部群"]["delivery_rate"] == "0.83" and groups["干部群"]["failed"] == "1"
    log = read_csv(out / "tracking/tracking-log.csv")
    assert {"date": "2026-03-03", "tracker": "钱督办", "unit": "一组", "calls": "2", "sms": "5",
            "status": "电话不足"} in log
    assert {"date": "2026-03-04", "tracker": "钱督办", "unit": "二组", "calls": "", "sms": "",
            "status": "未填表"} in log


@pytest.mark.slow
def test_tracker_and_sms_warning_lists(out: Path) -> None:
    page = html(out / "warnings/index.html")
    trackers = rows(page, "#trackers")
    assert [r[:4] for r in trackers] == [["周督办", "一组", "5", "5"], ["钱督办", "一组", "5", "3"],
                                        ["钱督办", "二组", "5", "2"]]
    assert "测试分公司" not in {r[1] for r in trackers}  # P007/HQ met the standard every day
    assert [r[0] for r in rows(page, "#sms-quiet")] == ["2026-03-04 00:30", "2026-03-03 07:59", "2026-03-02 21:00"]
    assert len(rows(page, "#sms-left")) == 4
    assert [r[2] for r in rows(page, "#sms-frequent")] == ["5", "4"]
    text = " ".join(p.text() for p in page.css("p.rule"))
    assert "21:00–08:00" in text and "超过 3 条" in text and "2026年2月27日至2026年3月5日" in text
    assert [r["unit"] for r in read_csv(out / "warnings/trackers.csv")] == ["一组", "一组", "二组"]


@pytest.mark.slow
def test_screen_profile_masks_phones(site_dir: Path, tmp_path: Path) -> None:
    build(site_dir, out=tmp_path / "out", as_of=AS_OF, profile="screen", clock=lambda: FIXED_NOW)
    phones = [r["phone"] for r in read_csv(tmp_path / "out/tracking/sms-left.csv")]
    assert "139****0099" in phones and "13900000099" not in phones


@pytest.mark.slow
def test_no_tracking_page_without_its_data(tmp_path: Path) -> None:
    write_files(tmp_path, BASELINE)
    build(tmp_path, as_of=AS_OF, clock=lambda: FIXED_NOW)
    assert not (tmp_path / "output/tracking").exists()
    warnings = html(tmp_path / "output/warnings/index.html")
    assert warnings.css_first("#trackers") is None and warnings.css_first("#sms-left") is None
