"""The data-quality page: every input file, every skipped row and every problem, with where and why."""

from __future__ import annotations

from ..csvfiles import csv_bytes
from ..i18n import Translator
from ..model import Site
from ..output import Output
from ..render import Page
from .context import Context, Section


def quality_outputs(site: Site, t: Translator) -> tuple[Page, Output]:
    skipped = site.skipped_rows()
    # A profile that leaves a dataset out leaves out its file and its problems too (they may quote its cells).
    hidden = {source.file for name, source in site.sources.items() if site.excluded(name)}
    sources = [
        {"source": source, "skipped": len(skipped.get(source.file, ()))}
        for _, source in sorted(site.sources.items()) if source.file not in hidden
    ]
    problems = sorted((p for p in site.problems if p.file not in hidden),
                      key=lambda p: (not p.is_error, p.file, p.row or 0, p.column or "", p.message))
    page = Page("quality/index.html", "quality.html", t("quality.title"), "quality",
                {"sources": sources, "problems": problems, "missing": site.missing})
    table = csv_bytes(
        ["severity", "file", "row", "column", "message"],
        [[p.severity, p.file, p.place or p.row, p.column, p.message] for p in problems],  # place: a database row
    )
    return page, Output("quality/problems.csv", table)


def build(ctx: Context) -> Section | None:
    """quality/: the page and problems.csv."""
    if not ctx.wants("quality"):
        return None
    page, table = quality_outputs(ctx.site, ctx.t)
    return Section("quality", "quality/", [page], [table])
