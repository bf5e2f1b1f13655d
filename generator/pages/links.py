"""Where the pages of units and people are: the one place their folders are named.

Every link to a unit or a person goes through these, so that a page and every link to it agree.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib

from ..inputs.content import safe_segment

# Names Windows refuses as file or folder names, whatever their case: the site may be served from a file share.
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10))}


@functools.lru_cache(maxsize=1 << 16, typed=True)  # a year of daily reports links every unit 366 times
def id_segment(key: object) -> str:
    """Return the path segment of an id: the id itself when it is already safe, else its reduction plus a
    short digest of the id, so that two ids reducing alike ("A/1", "A 1") still get pages of their own."""
    text = str(key)
    segment = safe_segment(text)
    if segment == text and segment.upper() not in _RESERVED:
        return segment
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{segment[:60]}-{digest}"


def unit_href(unit_id: str) -> str:
    return f"units/{id_segment(unit_id)}/"


def person_href(person_id: str) -> str:
    return f"people/{id_segment(person_id)}/"


def brief_href(day: dt.date, unit_id: str) -> str:
    """The folder of a unit's morning brief of a day (see pages/briefs.py)."""
    return f"daily/{day.isoformat()}/units/{id_segment(unit_id)}/"


def brief_pdf(day: dt.date, unit_id: str) -> str:
    """The PDF of a unit's morning brief of a day, beside its folder."""
    return f"daily/{day.isoformat()}/units/{id_segment(unit_id)}.pdf"
