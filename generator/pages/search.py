"""search/: offline full-text search over notices, battle reports, the FAQ, meetings and scripts."""

from __future__ import annotations

from ..render import Page
from .context import Context, Section


def build(ctx: Context) -> Section | None:
    if not ctx.wants("search"):
        return None
    page = Page("search/index.html", "search.html", ctx.t("search.title"), "search", {})
    return Section("search", "search/", [page])
