"""Freshness: the next date on which the site would look different with no new input.

A scheduler reads it from build.json (`next_change`) to rebuild exactly then, as well as on its
cron. Only content on a calendar counts here: notices published or expiring, battle reports and
meetings dated ahead. Counts that move every day (ages of receivables, days overdue) are what the
regular daily rebuild is for.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..inputs.content import Document

DAY = dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Change:
    date: dt.date
    file: str
    what: str  # "published", "expires", "dated", "meeting past"


def _date(value: object) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def scheduled_changes(documents: dict[str, list[Document]], as_of: dt.date) -> Iterator[Change]:
    """Yield every change after `as_of` the documents already announce, in no particular order."""
    for doc in documents.get("notices", []):
        published, expires = _date(doc.meta.get("date")), _date(doc.meta.get("expires"))
        if published is not None and published > as_of:
            yield Change(published, doc.file, "published")  # select_notices hides it until then
        if expires is not None and expires + DAY > as_of:
            yield Change(expires + DAY, doc.file, "expires")  # shown through its `expires` day
    for doc in documents.get("battle", []):
        day = _date(doc.meta.get("date"))
        if day is not None and day > as_of:
            yield Change(day, doc.file, "dated")
    for doc in documents.get("meetings", []):
        day = _date(doc.meta.get("date"))
        if day is None:
            continue
        # Upcoming through its day, past from the day after (metrics/meetings.py split_by_date).
        if day + DAY > as_of:
            yield Change(day + DAY, doc.file, "meeting past")


def next_change(documents: dict[str, list[Document]], as_of: dt.date) -> Change | None:
    """Return the earliest change after `as_of` (ties broken by file name), or None when nothing is scheduled."""
    return min(scheduled_changes(documents, as_of), default=None)
