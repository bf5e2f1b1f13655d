"""`trackboard add KIND TITLE`: a new Markdown file with its front matter filled in, ready to edit.

The file is made so that the next build accepts it unchanged: every required field of the
collection (inputs/schemas.py COLLECTIONS) gets a valid placeholder, and optional fields are
written empty, with a comment, so that an editor sees what can be set.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from ..config import load_config
from ..errors import TrackboardError
from ..i18n import catalogue
from ..inputs.content import CONTENT_DIR, Document, load_collections, safe_segment
from ..inputs.datasets import load_one
from ..inputs.schemas import COLLECTIONS
from ..model import default_as_of

# The command's kinds (singular, as people say them) and the collection folder each writes into.
KINDS: dict[str, str] = {
    "notice": "notices",
    "battle": "battle",
    "faq": "faq",
    "meeting": "meetings",
    "debrief": "debriefs",
    "script": "scripts",
    "campaign": "campaigns",
}
FAQ_RANKS = range(1, 11)
MEETING_TIME = "09:00"
MEETING_LEVEL = "team"
MEETING_KIND = "morning"
SCRIPT_CHANNEL = "phone"

@dataclass(frozen=True)
class NewDocument:
    path: str  # relative to the site, e.g. content/notices/2026-11-23-年终冲刺方案.md
    text: str
    notes: tuple[str, ...] = ()  # things the editor should know, printed by the command


def yaml_string(text: str) -> str:
    """Return text as a YAML double-quoted scalar that reads back exactly (quotes, colons, #, backslashes)."""
    dumped = yaml.safe_dump(text, allow_unicode=True, default_style='"', width=1 << 20)
    return dumped.removesuffix("\n...\n").strip()


def one_line(title: str) -> str:
    """A title is one line: runs of whitespace (newlines included) become one space."""
    return re.sub(r"\s+", " ", title).strip()


def free_rank(documents: list[Document]) -> int | None:
    """Return the first FAQ rank 1–10 nobody uses, or None when all ten are taken."""
    used = {d.meta.get("rank") for d in documents}
    return next((rank for rank in FAQ_RANKS if rank not in used), None)


def nearest_meeting(meetings: list[Document], today: dt.date) -> Document | None:
    """Return the meeting a debrief written today most likely belongs to: the next one, else the latest."""
    upcoming = sorted((m for m in meetings if m.meta["date"] >= today), key=lambda m: (m.meta["date"], m.slug))
    if upcoming:
        return upcoming[0]
    past = sorted(meetings, key=lambda m: (m.meta["date"], m.slug))
    return past[-1] if past else None


def unique_name(stem: str, taken: set[str]) -> str:
    """Return `stem`, or `stem-2`, `stem-3`… : the first not in `taken` (compared without case, as Windows does)."""
    folded = {name.casefold() for name in taken}
    name, n = stem, 2
    while name.casefold() in folded:
        name, n = f"{stem}-{n}", n + 1
    return name


def plan_document(kind: str, title: str, now: dt.datetime, locale: str, documents: dict[str, list[Document]],
                  taken: set[str]) -> NewDocument:
    """Return the file `trackboard add` writes: its path and text, from the local time `now` and what exists.

    `taken` holds the stems of the files already in the collection's folder.
    """
    if kind not in KINDS:
        raise TrackboardError(f'unknown kind "{kind}"; expected one of {", ".join(KINDS)}')
    title = one_line(title)
    if not title:
        raise TrackboardError('the title is empty; give it in quotes, e.g. trackboard add notice "年终冲刺方案"')
    collection = KINDS[kind]
    hints = catalogue(locale if locale == "zh-CN" else "en")  # add.<field>: the comments beside the fields
    today = now.date()
    notes: list[str] = []
    fields: list[tuple[str, str, str]] = []  # name, YAML value, hint

    def hint(name: str) -> str:
        return hints.get(f"add.{kind}.{name}") or hints.get(f"add.{name}", "")

    if kind == "notice":
        fields = [("title", yaml_string(title), ""), ("date", today.isoformat(), hint("date")),
                  ("expires", "", hint("expires")), ("pinned", "false", hint("pinned")),
                  ("category", "", hint("category")), ("audience", "", hint("audience"))]
        prefix = today.isoformat()
    elif kind == "battle":
        fields = [("title", yaml_string(title), ""), ("date", today.isoformat(), hint("date")),
                  ("person", "", hint("person")), ("unit", "", hint("unit")), ("amount", "", hint("amount"))]
        prefix = today.isoformat()
    elif kind == "faq":
        rank = free_rank(documents.get("faq", []))
        if rank is None:
            rank = FAQ_RANKS[-1]
            notes.append(f"ranks 1–10 are all taken: rank {rank} was given; change `rank:` or the rank of "
                         "another entry (trackboard check warns until ranks are unique)")
        fields = [("question", yaml_string(title), ""), ("rank", str(rank), hint("rank")),
                  ("category", "", hint("category"))]
        prefix = f"{rank:02d}"
    elif kind == "meeting":
        fields = [("title", yaml_string(title), ""), ("date", today.isoformat(), hint("date")),
                  ("time", yaml_string(MEETING_TIME), hint("time")), ("level", MEETING_LEVEL, hint("level")),
                  ("kind", MEETING_KIND, hint("kind")), ("unit", "", hint("unit")), ("host", "", hint("host")),
                  ("attendees", "", hint("attendees")), ("agenda", "", hint("agenda")),
                  ("material", "", hint("material")), ("evaluation", "", hint("evaluation"))]
        prefix = today.isoformat()
    elif kind == "debrief":
        meeting = nearest_meeting(documents.get("meetings", []), today)
        if meeting is None:
            raise TrackboardError("a debrief belongs to a meeting, and content/meetings/ has none yet: "
                                  "add the meeting first (trackboard add meeting TITLE)")
        notes.append(f"meeting: {meeting.slug} ({meeting.meta['date'].isoformat()}); change `meeting:` if the "
                     "debrief is for another meeting")
        fields = [("title", yaml_string(title), ""), ("meeting", yaml_string(meeting.slug), hint("meeting")),
                  ("unit", "", hint("unit")), ("presenter", "", hint("presenter")),
                  ("submitted", yaml_string(now.strftime("%Y-%m-%d %H:%M")), hint("submitted")),
                  ("status", "", hint("status")), ("redo_by", "", hint("redo_by"))]
        prefix = today.isoformat()
    elif kind == "campaign":
        # From today to the end of the month: a contest as most are run; the metric as the file schema's default.
        month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        fields = [("title", yaml_string(title), ""), ("start", today.isoformat(), hint("start")),
                  ("end", month_end.isoformat(), hint("end")), ("metric", "premium", hint("metric")),
                  ("target", "", hint("target")), ("units", "", hint("units")), ("tiers", "", hint("tiers")),
                  ("repeat", "", hint("repeat"))]
        prefix = today.isoformat()
    else:  # script
        fields = [("title", yaml_string(title), ""), ("channel", SCRIPT_CHANNEL, hint("channel")),
                  ("category", "", hint("category"))]
        prefix = ""
    declared = COLLECTIONS[collection].field_names
    assert all(name in declared for name, _, _ in fields), "add.py writes a field the schema does not declare"
    stem = unique_name(f"{prefix}-{safe_segment(title)}" if prefix else safe_segment(title), taken)
    lines = ["---"]
    for name, value, comment in fields:
        line = f"{name}: {value}" if value else f"{name}:"
        lines.append(f"{line}  # {comment}" if comment else line)
    # A debrief follows the seed's template: results, problems, causes, improvements (成绩/问题/原因/改进).
    lines += ["---", "", hints["add.debrief.body" if kind == "debrief" else "add.body"], ""]
    return NewDocument(f"{CONTENT_DIR}/{collection}/{stem}.md", "\n".join(lines), tuple(notes))


def _with_as_of_note(new: NewDocument, site_dir: Path, config: dict[str, Any], today: dt.date) -> NewDocument:
    """Warn when the new file is dated after the site's as-of date (its latest sales day): a notice dated after
    it is not published, and a meeting or battle report is filed under a day no report shows yet — the morning
    trap, when today's notice meets yesterday's data."""
    if not re.search(rf"^date: {today.isoformat()}\b", new.text, re.MULTILINE):
        return new
    sales = load_one(site_dir, "sales", dict(config["data"].get("sales", {})))
    as_of = default_as_of({"sales": sales}, today) if sales is not None else today
    if as_of >= today:
        return new
    note = catalogue(str(config["site"]["locale"]))["add.after_as_of"].format(date=today.isoformat(),
                                                                               as_of=as_of.isoformat())
    return replace(new, notes=(*new.notes, note))


def add_document(site_dir: Path, kind: str, title: str, now: dt.datetime) -> tuple[Path, NewDocument]:
    """Write a new Markdown file of `kind` into the site; return its path and what was written.

    `now` is the current time (any time zone); the date in the file is today in the site's time zone.
    """
    if not site_dir.is_dir():
        raise TrackboardError(f"{site_dir}: no such site folder")
    config, _ = load_config(site_dir)
    local = now.astimezone(ZoneInfo(config["site"]["timezone"])).replace(tzinfo=None)
    documents, _ = load_collections(site_dir)
    folder = site_dir / CONTENT_DIR / KINDS.get(kind, "")
    for _attempt in range(100):  # another editor may take the name between our look and our write
        taken = {p.stem for p in folder.glob("*.md")} if folder.is_dir() else set()
        new = plan_document(kind, title, local, str(config["site"]["locale"]), documents, taken)
        new = _with_as_of_note(new, site_dir, config, local.date())
        path = site_dir / new.path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("x", encoding="utf-8", newline="\n") as handle:
                handle.write(new.text)
        except FileExistsError:
            continue
        except OSError as exc:
            raise TrackboardError(f"cannot write {path} ({exc.strerror or exc})") from None
        return path, new
    raise TrackboardError(f"cannot find a free file name in {folder}")  # pragma: no cover
