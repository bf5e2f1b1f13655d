"""The announcement board: which notices show, in which order, and their pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..i18n import Translator
from ..inputs.content import Document
from ..render import Page


@dataclass(frozen=True)
class Notices:
    current: list[Document]  # published, not expired; pinned first, newest first
    expired: list[Document]  # newest first


def select_notices(documents: list[Document], as_of: dt.date) -> Notices:
    """Split notices into current and expired as of a date; those published later are left out."""
    published = [d for d in documents if d.meta["date"] <= as_of]
    current: list[Document] = []
    expired: list[Document] = []
    for d in published:
        (current if d.meta.get("expires") is None or d.meta["expires"] >= as_of else expired).append(d)
    current.sort(key=lambda d: (not d.meta.get("pinned"), -d.meta["date"].toordinal(), d.slug))
    expired.sort(key=lambda d: (-d.meta["date"].toordinal(), d.slug))
    return Notices(current, expired)


def notice_pages(notices: Notices, t: Translator) -> list[Page]:
    pages = [Page("notices/index.html", "notices.html", t("notices.title"), "notices", {"notices": notices})]
    for expired, docs in ((False, notices.current), (True, notices.expired)):
        for doc in docs:
            pages.append(Page(f"notices/{doc.slug}/index.html", "notice.html", doc.title, "notices",
                              {"doc": doc, "expired": expired}))
    return pages
