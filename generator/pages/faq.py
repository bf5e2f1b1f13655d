"""The top-ten-problems booklet, in rank order."""

from __future__ import annotations

from ..i18n import Translator
from ..inputs.content import Document
from ..render import Page
from .context import Context, Section


def faq_order(documents: list[Document]) -> tuple[list[Document], list[int]]:
    """Return the entries by rank and the ranks missing from 1–10."""
    entries = sorted(documents, key=lambda d: (d.meta["rank"], d.slug))
    ranks = {d.meta["rank"] for d in entries}
    missing = [r for r in range(1, 11) if r not in ranks] if entries else []
    return entries, missing


def faq_page(entries: list[Document], missing: list[int], t: Translator) -> Page:
    return Page("faq/index.html", "faq.html", t("faq.title"), "faq", {"entries": entries, "missing": missing})


def build(ctx: Context) -> Section | None:
    """faq/: the booklet."""
    if not ctx.wants("faq"):
        return None
    entries, missing = faq_order(ctx.site.documents["faq"])
    return Section("faq", "faq/", [faq_page(entries, missing, ctx.t)])
