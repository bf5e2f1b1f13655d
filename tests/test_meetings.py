"""Meetings (calendar, upcoming and past, decisions and owners), debriefs (late when under 24 hours before their
meeting) and the scripts page (SMS segment counts). As of 2026-03-05, the baseline's as-of date."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from conftest import AS_OF, BASELINE, texts, write_files

from generator.commands.build import template_globals
from generator.metrics.meetings import (
    decision_status,
    make_debriefs,
    make_meetings,
    meeting_time,
    parse_decisions,
    split_by_date,
)
from generator.model import load_site
from generator.pages import plan_site
from generator.pages.scripts_page import sms_length
from generator.render import Renderer


def meeting(title: str, date: str, time: str | None, level: str, kind: str, body: str = "纪要。",
            unit: str = "HQ", attendees: str = "张经理、李主管") -> str:
    time_line = f"time: {time}\n" if time is not None else ""
    return (f"---\ntitle: {title}\ndate: {date}\n{time_line}level: {level}\nkind: {kind}\nunit: {unit}\n"
            f"host: 张经理\nattendees: {attendees}\n---\n\n{body}\n")


def debrief(title: str, meeting_slug: str, submitted: str, unit: str = "T1") -> str:
    return (f"---\ntitle: {title}\nmeeting: {meeting_slug}\nunit: {unit}\npresenter: 李主管\n"
            f'submitted: "{submitted}"\n---\n\n## 成绩\n\n达成率 105%。\n')


MINUTES = """\
二月经营分析。

## 决议

- 一组三月十日前交回款计划 — 负责人：P002（截止 3月10日）
- 二组补齐新人名单 — 负责人：王业务（截止 3月1日）
- [x] 早会增加十大问题通关 — 负责人：李主管
- 加强早会考勤

## 其它

- 这不是决议 — 负责人：谁（截止 3月2日）
"""

FILES = {
    # 10:30 unquoted: YAML reads it as the number 630 (base 60); it must still be 10:30.
    "content/meetings/feb-analysis.md": meeting("二月经营分析会", "2026-03-03", "10:30", "branch", "analysis", MINUTES),
    "content/meetings/t1-morning.md": meeting("一组晨会", "2026-03-05", '"08:45"', "team", "morning", unit="T1"),
    "content/meetings/kickoff.md": meeting("三月启动会", "2026-03-09", None, "branch", "kick-off"),
    "content/meetings/div-training.md": meeting("新人培训", "2026-02-20", '"14:00"', "division", "training"),
    # feb-analysis starts 2026-03-03 10:30: debriefs are due by 2026-03-02 10:30.
    "content/debriefs/on-time.md": debrief("一组述职", "feb-analysis", "2026-03-02 10:30"),  # exactly 24 h
    "content/debriefs/late.md": debrief("二组述职", "feb-analysis.md", "2026-03-02 10:31", unit="T2"),
    "content/debriefs/early.md": debrief("总部述职", "feb-analysis", "2026-03-01 09:00", unit="HQ"),
    # kickoff has no time: it starts at 00:00 on 2026-03-09, so the deadline is 2026-03-08 00:00.
    "content/debriefs/kickoff-late.md": debrief("启动会述职", "kickoff", "2026-03-08 00:01"),
    "content/debriefs/orphan.md": debrief("无会议述职", "no-such-meeting", "2026-03-01 09:00"),
    "content/scripts/call.md": "---\ntitle: 日常追踪电话\nchannel: phone\ncategory: 日常\n---\n\n1. 问候\n2. 近况如何\n"
                               "3. 需要什么支持\n4. 鼓励\n",
    "content/scripts/short.md": "---\ntitle: 关怀短信\nchannel: sms\ncategory: 关怀\n---\n\n" + "冷" * 70 + "\n",
    "content/scripts/long.md": "---\ntitle: 激励短信\nchannel: sms\ncategory: 激励\n---\n\n" + "冲" * 40 + "\n"
                               + "刺" * 31 + "\n",
    "content/scripts/english.md": "---\ntitle: Notice\nchannel: sms\ncategory: notice\n---\n\n" + "a" * 160 + "\n",
}


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("meetings")
    write_files(root, {**BASELINE, **FILES})
    site = load_site(root, today=AS_OF)
    assert site.errors == []
    return site


@pytest.fixture(scope="module")
def rendered(loaded) -> dict[str, bytes]:
    plan = plan_site(loaded)
    renderer = Renderer(loaded.root, loaded.locale, template_globals(loaded, plan))
    out = {p.path: renderer.render(p).data for p in plan.pages if p.path.startswith(("meetings/", "scripts/"))}
    out.update({f.path: f.data for f in plan.files if f.path.startswith(("meetings/", "scripts/"))})
    return out


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def tree(data: bytes):
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(data.decode("utf-8"))


# --- rules ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    ("09:00", dt.time(9, 0)), ("9:05", dt.time(9, 5)), ("630", dt.time(10, 30)), ("540", dt.time(9, 0)),
    ("14：30", dt.time(14, 30)), ("25:00", None), ("下午", None), (None, None),
])
def test_meeting_time(value, expected) -> None:
    assert meeting_time(value) == expected


def test_decisions_with_owner_due_date_and_status() -> None:
    decisions = parse_decisions(MINUTES, dt.date(2026, 3, 3))
    assert [(d.text, d.owner, d.due, d.done) for d in decisions] == [
        ("一组三月十日前交回款计划", "P002", dt.date(2026, 3, 10), False),
        ("二组补齐新人名单", "王业务", dt.date(2026, 3, 1), False),
        ("早会增加十大问题通关", "李主管", None, True),
        ("加强早会考勤", None, None, False),
    ]  # the item under 其它 is not a decision
    assert [decision_status(d, AS_OF) for d in decisions] == ["open", "overdue", "done", "no_owner"]


def test_due_date_without_a_year_in_a_december_meeting_is_next_year() -> None:
    [decision] = parse_decisions("## 决议\n- 开门红 — 负责人：张三（截止 1月5日）\n", dt.date(2026, 12, 20))
    assert decision.due == dt.date(2027, 1, 5)


def test_upcoming_and_past_relative_to_the_as_of_date(loaded) -> None:
    upcoming, past = split_by_date(make_meetings(loaded.documents["meetings"]), AS_OF)
    assert [m.slug for m in upcoming] == ["t1-morning", "kickoff"]  # the as-of day's meeting is still ahead
    assert [m.slug for m in past] == ["feb-analysis", "div-training"]  # latest first


def test_late_debriefs_are_those_under_24_hours_before_their_meeting(loaded) -> None:
    meetings = make_meetings(loaded.documents["meetings"])
    debriefs = {d.doc.slug: d for d in make_debriefs(loaded.documents["debriefs"], meetings)}
    assert {slug for slug, d in debriefs.items() if d.late} == {"late", "kickoff-late"}
    assert not debriefs["on-time"].late and debriefs["on-time"].hours_before == 24.0
    assert not debriefs["early"].late
    assert debriefs["late"].meeting is not None and debriefs["late"].meeting.slug == "feb-analysis"  # "x.md" works
    assert debriefs["orphan"].meeting is None and not debriefs["orphan"].late


@pytest.mark.parametrize(("text", "segments", "per"), [
    ("中" * 70, 1, 70), ("中" * 71, 2, 67), ("中" * 134, 2, 67), ("中" * 135, 3, 67),
    ("a" * 160, 1, 160), ("a" * 161, 2, 153), ("a" * 159 + "中", 3, 67), ("{" * 80, 1, 160), ("{" * 81, 2, 153),
])
def test_sms_segments(text, segments, per) -> None:
    length = sms_length(text)
    assert (length.segments, length.per_segment) == (segments, per)
    assert length.characters == len(text)
    assert length.long == (segments > 1)


# --- pages ------------------------------------------------------------------------------------------------------


def test_calendar_counts_by_level_and_kind(rendered) -> None:
    rows = read_csv(rendered["meetings/calendar.csv"])
    by_level = {r["level"]: r for r in rows}
    assert by_level["分公司"]["analysis"] == "1" and by_level["分公司"]["kick-off"] == "1"
    assert by_level["分公司"]["total"] == "2" and by_level["团队"]["morning"] == "1"
    assert by_level["合计"]["total"] == "4"


def test_meetings_index_lists_upcoming_and_past_by_level(rendered) -> None:
    assert [r["title"] for r in read_csv(rendered["meetings/upcoming-branch.csv"])] == ["三月启动会"]
    assert [r["title"] for r in read_csv(rendered["meetings/upcoming-team.csv"])] == ["一组晨会"]
    assert [r["title"] for r in read_csv(rendered["meetings/past-branch.csv"])] == ["二月经营分析会"]
    assert [r["time"] for r in read_csv(rendered["meetings/past-branch.csv"])] == ["10:30"]
    assert "meetings/upcoming-division.csv" not in rendered


def test_debrief_table_flags_the_late_ones(rendered) -> None:
    rows = {r["title"]: r for r in read_csv(rendered["meetings/debriefs.csv"])}
    assert rows["二组述职"]["status"] == "迟交" and rows["启动会述职"]["status"] == "迟交"
    assert rows["一组述职"]["status"] == "按时" and rows["总部述职"]["status"] == "按时"
    assert rows["一组述职"]["deadline"] == "2026-03-02 10:30"
    assert "no-such-meeting" in rows["无会议述职"]["status"]  # listed, not dropped
    page = tree(rendered["meetings/index.html"])
    flagged = {" ".join(row.text(separator=" ").split()[:1]) for row in page.css("#debriefs tr.flag")}
    assert flagged == {"二组述职", "启动会述职", "无会议述职"}


def test_meeting_page_has_minutes_decisions_owners_attendees_and_debriefs(rendered) -> None:
    page = tree(rendered["meetings/feb-analysis/index.html"])
    assert "二月经营分析。" in " ".join(texts(page, ".prose"))
    assert texts(page, ".attendees li") == ["张经理", "李主管"]
    decisions = read_csv(rendered["meetings/feb-analysis/decisions.csv"])
    assert [(d["item"], d["owner"], d["due"]) for d in decisions] == [
        ("一组三月十日前交回款计划", "李主管", "2026-03-10"),  # a person id is shown as the name
        ("二组补齐新人名单", "王业务", "2026-03-01"), ("早会增加十大问题通关", "李主管", ""), ("加强早会考勤", "", "")]
    assert [d["status"] for d in decisions] == ["落实中", "已超期", "已完成", "未指定负责人"]
    assert [d.attributes["id"] for d in page.css("article.debrief")] == ["early", "on-time", "late"]


def test_scripts_page_shows_segments_and_warns_on_long_messages(rendered) -> None:
    rows = {r["title"]: r for r in read_csv(rendered["scripts/sms-templates.csv"])}
    short = rows["关怀短信"]
    assert (short["characters"], short["segments"], short["warning"]) == ("70", "1", "")
    # 40 + 31 characters on two lines: one message of 71 characters (a line break is no space in Chinese)
    assert (rows["激励短信"]["characters"], rows["激励短信"]["segments"]) == ("71", "2")
    assert rows["激励短信"]["warning"] == "长短信"
    assert (rows["Notice"]["segments"], rows["Notice"]["per"]) == ("1", "160")
    page = tree(rendered["scripts/index.html"])
    warnings = texts(page, ".sms-template .warning")
    assert warnings == ["超过一条：将拆成 2 条发送、按 2 条计费。"]
    assert texts(page, "#call h3") == ["日常追踪电话"]
    assert "70 字" in texts(page, ".rule")[0] and "67" in texts(page, ".rule")[0]


def test_no_meetings_no_section(tmp_path: Path, make_site) -> None:
    plan = plan_site(load_site(make_site(tmp_path / "s"), today=AS_OF))
    assert not any(p.path.startswith(("meetings/", "scripts/")) for p in plan.pages)
    assert all(name not in ("meetings", "scripts") for name, _ in plan.nav)
