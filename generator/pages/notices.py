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
    current = [d for d in published if d.meta.get("expires") is None or d.meta["expires"] >= as_of]
    expired = [d for d in published if d not in current]
    current.sort(key=lambda d: (not d.meta.get("pinned"), -d.meta["date"].toordinal(), d.slug))
    expired.sort(key=lambda d: (-d.meta["date"].toordinal(), d.slug))
    return Notices(current, expired)


def notice_pages(notices: Notices, t: Translator) -> list[Page]:
    pages = [Page("notices/index.html", "notices.html", t("notices.title"), "notices", {"notices": notices})]
    for doc in notices.current + notices.expired:
        pages.append(Page(f"notices/{doc.slug}/index.html", "notice.html", doc.title, "notices",
                          {"doc": doc, "expired": doc in notices.expired}))
    return pages
