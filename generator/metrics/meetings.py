"""Meetings and debriefs: start times, upcoming and past, decisions read from the minutes, late debriefs.

Decisions are written in the minutes under a heading 决议 (or 决定事项, 会议决议, Decisions), one list item
each, the owner after 负责人： and the due date after 截止:

    ## 决议
    - 各组本周五前交回款计划 — 负责人：张三（截止 11月25日）
    - [x] 早会增加十大问题通关 — 负责人：李四

`[x]` at the start of an item marks it done. Dates may be 2026-11-25, 2026/11/25, 2026年11月25日 or
11月25日 (the year of the meeting; the next year when that would fall more than a month before it).

A meeting is evaluated when its front matter has an evaluation (会后评估); one without it `days` or more days
after its date is listed. A debrief marked redo (重做) is due again by its redo_by date, else `days` after its
submission; still marked redo after that day, it is a late redo.

A debrief is late when it was submitted less than 24 hours before its meeting's date and time (a meeting
without a time starts at 00:00 of its day), or after the meeting.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..inputs import schemas
from ..inputs.content import Document, safe_segment

DEBRIEF_NOTICE = dt.timedelta(hours=24)
LEVELS = schemas.LEVELS
KINDS = schemas.MEETING_KINDS

_TIME = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")
_DECISION_HEADING = re.compile(r"^#{1,6}\s*(决议|决议事项|决定事项|会议决议|decisions?)\s*[:：]?\s*$", re.IGNORECASE)
_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)、])\s+(.*)$")
_DONE = re.compile(r"^\[([ xX✓])\]\s*")
_OWNER = re.compile(r"(?:负责人|责任人|owner)\s*[:：]\s*([^（(，,；;、\s)）][^（(，,；;)）]*?)"
                    r"\s*(?=[（(，,；;)）]|$|截止|due)", re.IGNORECASE)
_DUE = re.compile(r"(?:截止|期限|due)\s*[:：]?\s*(\d{4}\s*[-/年.]\s*\d{1,2}\s*[-/月.]\s*\d{1,2}\s*日?|"
                  r"\d{1,2}\s*月\s*\d{1,2}\s*日?|\d{1,2}/\d{1,2})", re.IGNORECASE)
_SEPARATOR = re.compile(r"\s*(?:——|—|--|\s-\s|｜|\|)\s*")


def meeting_time(value: object) -> dt.time | None:
    """Parse a meeting's start time "HH:MM"; None when empty or not a time.

    YAML reads an unquoted 10:30 as the number 630 (base 60), which the front matter turns into the text
    "630": a number of minutes under a day is read back as that time."""
    if value is None:
        return None
    text = str(value).strip()
    if text.isdigit() and int(text) < 24 * 60 and len(text) >= 3:
        minutes = int(text)
        return dt.time(minutes // 60, minutes % 60)
    match = _TIME.match(text)
    return dt.time(int(match.group(1)), int(match.group(2))) if match else None


@dataclass
class Decision:
    text: str
    owner: str | None
    due: dt.date | None
    done: bool
    due_text: str | None = None  # as written, when it could not be read as a date


@dataclass
class Meeting:
    doc: Document
    date: dt.date
    time: dt.time | None
    time_text: str | None  # as written, when it could not be read as a time
    level: str | None
    kind: str | None
    unit: str | None
    host: str | None
    attendees: list[str]
    decisions: list[Decision] = field(default_factory=list)
    agenda: str | None = None
    material: str | None = None
    evaluation: str | None = None

    @property
    def slug(self) -> str:
        return self.doc.slug

    @property
    def title(self) -> str:
        return self.doc.title

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.date, self.time or dt.time(0, 0))


def split_names(value: object) -> list[str]:
    """Attendees written as 张三、李四, 张三, 李四 or 张三；李四 (a YAML list works too)."""
    if value is None:
        return []
    items = value if isinstance(value, list) else re.split(r"[、,，;；]+", str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def _due_date(text: str, meeting_day: dt.date) -> dt.date | None:
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    try:
        if len(numbers) == 3:
            return dt.date(*numbers)
        month, day = numbers
        due = dt.date(meeting_day.year, month, day)
    except (TypeError, ValueError):
        return None
    if due < meeting_day - dt.timedelta(days=31):  # "1月5日" in a December meeting means next January
        try:
            due = dt.date(meeting_day.year + 1, month, day)
        except ValueError:
            return None
    return due


def parse_decision(item: str, meeting_day: dt.date) -> Decision:
    """One list item of the decisions: its text, owner, due date and whether it is done."""
    text = item.strip()
    done = False
    mark = _DONE.match(text)
    if mark:
        done = mark.group(1) != " "
        text = text[mark.end():]
    owner_match = _OWNER.search(text)
    owner = owner_match.group(1).strip() if owner_match else None
    due_match = _DUE.search(text)
    due_text = due_match.group(1) if due_match else None
    due = _due_date(due_text, meeting_day) if due_text else None
    # The decision itself: the text before the owner and due parts.
    cut = min([m.start() for m in (owner_match, due_match) if m] or [len(text)])
    head = text[:cut]
    head = _SEPARATOR.split(head, maxsplit=1)[0] if _SEPARATOR.search(head) else head
    head = head.strip().rstrip("（(，,；;—-：: ").strip()
    return Decision(head or text, owner, due, done, due_text if due_text and due is None else None)


def parse_decisions(body: str, meeting_day: dt.date) -> list[Decision]:
    """The decisions listed under a 决议 heading of the minutes (Markdown source)."""
    decisions: list[Decision] = []
    inside = False
    current: list[str] | None = None
    items: list[str] = []
    for line in body.splitlines():
        if line.lstrip().startswith("#"):
            inside = bool(_DECISION_HEADING.match(line.strip()))
            if current is not None:
                items.append(" ".join(current))
                current = None
            continue
        if not inside:
            continue
        match = _ITEM.match(line)
        if match:
            if current is not None:
                items.append(" ".join(current))
            current = [match.group(1).strip()]
        elif current is not None and line.strip():
            current.append(line.strip())  # a continuation line of the item
        elif current is not None:
            items.append(" ".join(current))
            current = None
    if current is not None:
        items.append(" ".join(current))
    decisions.extend(parse_decision(item, meeting_day) for item in items)
    return decisions


def make_meetings(documents: list[Document]) -> list[Meeting]:
    """The meetings in date and time order."""
    meetings = []
    for doc in documents:
        meta = doc.meta
        time = meeting_time(meta.get("time"))
        meetings.append(Meeting(
            doc=doc, date=meta["date"], time=time,
            time_text=str(meta["time"]) if meta.get("time") and time is None else None,
            level=meta.get("level"), kind=meta.get("kind"), unit=meta.get("unit") or None,
            host=meta.get("host") or None, attendees=split_names(meta.get("attendees")),
            decisions=parse_decisions(doc.source, meta["date"]), agenda=_text(meta.get("agenda")),
            material=_text(meta.get("material")), evaluation=_text(meta.get("evaluation")),
        ))
    meetings.sort(key=lambda m: (m.start, m.slug))
    return meetings


def _text(value: object) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def unevaluated(meetings: list[Meeting], as_of: dt.date, days: int) -> list[tuple[Meeting, int]]:
    """Meetings held `days` or more days before the as-of date without an evaluation, with the days since;
    the oldest first."""
    found = [(m, (as_of - m.date).days) for m in meetings if m.evaluation is None and (as_of - m.date).days >= days]
    return sorted(found, key=lambda pair: (pair[0].start, pair[0].slug))


def split_by_date(meetings: list[Meeting], as_of: dt.date) -> tuple[list[Meeting], list[Meeting]]:
    """Upcoming (on or after the as-of date, soonest first) and past (before it, latest first)."""
    upcoming = [m for m in meetings if m.date >= as_of]
    past = sorted((m for m in meetings if m.date < as_of), key=lambda m: (m.start, m.slug), reverse=True)
    return upcoming, past


def calendar_counts(meetings: list[Meeting]) -> dict[tuple[str | None, str | None], int]:
    """Number of meetings by (level, kind)."""
    counts: dict[tuple[str | None, str | None], int] = {}
    for m in meetings:
        counts[(m.level, m.kind)] = counts.get((m.level, m.kind), 0) + 1
    return counts


def decision_status(decision: Decision, as_of: dt.date) -> str:
    """done, overdue (due before the as-of date and not done), open, or no_owner (open without an owner)."""
    if decision.done:
        return "done"
    if decision.due is not None and decision.due < as_of:
        return "overdue"
    return "open" if decision.owner else "no_owner"


@dataclass
class Debrief:
    doc: Document
    meeting: Meeting | None
    submitted: dt.datetime
    deadline: dt.datetime | None  # 24 hours before the meeting starts
    late: bool
    hours_before: float | None  # hours between submission and the meeting's start (negative: after it)
    status: str | None = None  # passed, redo or None (not yet judged)
    redo_by: dt.date | None = None


def late_redos(debriefs: list[Debrief], as_of: dt.date, days: int) -> list[tuple[Debrief, dt.date, int]]:
    """Debriefs still marked redo after their redo was due (redo_by, else `days` after submission), with the due
    day and the days late; the longest late first."""
    found = []
    for d in debriefs:
        if d.status != "redo":
            continue
        due = d.redo_by or d.submitted.date() + dt.timedelta(days=days)
        if as_of > due:
            found.append((d, due, (as_of - due).days))
    return sorted(found, key=lambda item: (-item[2], item[0].doc.slug))


def find_meeting(reference: str, meetings: list[Meeting]) -> Meeting | None:
    """The meeting a debrief names: its file name with or without .md, or its slug."""
    name = str(reference).strip()
    name = name.rsplit("/", 1)[-1]
    name = name[:-3] if name.lower().endswith(".md") else name
    wanted = safe_segment(name).casefold()
    return next((m for m in meetings if m.slug.casefold() == wanted), None)


def make_debriefs(documents: list[Document], meetings: list[Meeting]) -> list[Debrief]:
    """Each debrief with its meeting and whether it came in late; by meeting start, then submission."""
    out = []
    for doc in documents:
        meeting = find_meeting(doc.meta["meeting"], meetings)
        submitted = doc.meta["submitted"]
        status, redo_by = doc.meta.get("status"), doc.meta.get("redo_by")
        if meeting is None:
            out.append(Debrief(doc, None, submitted, None, False, None, status, redo_by))
            continue
        deadline = meeting.start - DEBRIEF_NOTICE
        hours = (meeting.start - submitted).total_seconds() / 3600
        out.append(Debrief(doc, meeting, submitted, deadline, submitted > deadline, round(hours, 1), status,
                           redo_by))
    out.sort(key=lambda d: (d.meeting is None, d.meeting.start if d.meeting else d.submitted, d.submitted, d.doc.slug))
    return out
