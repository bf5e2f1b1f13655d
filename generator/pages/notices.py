"""The announcement board: which notices show, in which order, and their pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..formats import Formatter
from ..i18n import Translator
from ..inputs.content import Document
from ..render import Page
from .context import Context, Section


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


# The board lists at most this many current and expired notices; with more, every notice is also listed in an
# archive by month (notices/archive/), so that a branch with years of notices does not get a board of megabytes.
BOARD_CURRENT = 100
BOARD_EXPIRED = 20
ARCHIVE = "archive"  # reserved among the notices' slugs (see the collection's schema)
ARCHIVE_FOLDER = f"notices/{ARCHIVE}/"


@dataclass(frozen=True)
class Month:
    """A month of the archive: its folder under notices/archive/ (YYYY-MM), its name, how many notices it has."""

    key: str
    label: str  # 2026年11月 / November 2026
    count: int

    @property
    def href(self) -> str:
        return f"{ARCHIVE_FOLDER}{self.key}/"


def archive_months(notices: Notices, fmt: Formatter) -> list[tuple[Month, list[tuple[Document, bool]]]]:
    """Every published notice, current or expired (the flag), by the month of its date: the newest month first,
    and within a month the newest notice first."""
    entries = [(doc, False) for doc in notices.current] + [(doc, True) for doc in notices.expired]
    entries.sort(key=lambda entry: (-entry[0].meta["date"].toordinal(), entry[0].slug))
    by_month: dict[str, list[tuple[Document, bool]]] = {}
    for entry in entries:
        by_month.setdefault(entry[0].meta["date"].strftime("%Y-%m"), []).append(entry)
    return [(Month(key, fmt.month(listed[0][0].meta["date"]), len(listed)), listed) for key, listed in by_month.items()]


def notice_pages(notices: Notices, t: Translator, fmt: Formatter) -> list[Page]:
    """The board, a page for each notice, and, when the board cannot list them all, the archive by month."""
    board: dict = {"current": notices.current, "expired": notices.expired, "total": 0, "months": []}
    archive: list[Page] = []
    if len(notices.current) > BOARD_CURRENT or len(notices.expired) > BOARD_EXPIRED:
        months = archive_months(notices, fmt)
        links = [month for month, _ in months]
        shown = notices.current[:BOARD_CURRENT], notices.expired[:BOARD_EXPIRED]
        board.update(current=shown[0], expired=shown[1], months=links,
                     total=len(notices.current) + len(notices.expired))
        title = t("notices.archive")
        archive.append(Page(f"{ARCHIVE_FOLDER}index.html", "notice_archive.html", title, "notices",
                            {"months": links, "month": None, "entries": [], "archive": ARCHIVE_FOLDER}))
        archive.extend(Page(f"{month.href}index.html", "notice_archive.html", f"{month.label} · {title}", "notices",
                            {"months": links, "month": month, "entries": entries, "archive": ARCHIVE_FOLDER})
                       for month, entries in months)
    pages = [Page("notices/index.html", "notices.html", t("notices.title"), "notices", board), *archive]
    for expired, docs in ((False, notices.current), (True, notices.expired)):
        for doc in docs:
            pages.append(Page(f"notices/{doc.slug}/index.html", "notice.html", doc.title, "notices",
                              {"doc": doc, "expired": expired}))
    return pages


def build(ctx: Context) -> Section | None:
    """notices/: the board, a page per notice and the archive."""
    if not ctx.wants("notices"):
        return None
    notices = select_notices(ctx.site.documents["notices"], ctx.as_of)
    return Section("notices", "notices/", notice_pages(notices, ctx.t, ctx.fmt))
