"""Early warnings: one list per rule, each with the figures that put a row there and the rule's threshold.

Rules live beside the features they watch; each registers itself with `@warning_rule`. A rule takes
the page context and returns its list (possibly empty), or None when its dataset is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..render import Page
from .context import BoardItem, Context, Section
from .tables import Col, Table


@dataclass
class WarningList:
    id: str  # anchor and CSV name: warnings/<id>.csv
    title: str
    rule: str  # the rule in words, with its threshold ("no sale for 7 days or more")
    columns: list[Col]
    rows: list[dict[str, Any]]  # "_href" links the first cell
    notes: list[str] = field(default_factory=list)

    def table(self) -> Table:
        return Table(self.id, self.title, self.columns, self.rows)


Rule = Callable[[Context], "WarningList | None"]
RULES: list[tuple[int, Rule]] = []


def warning_rule(order: int) -> Callable[[Rule], Rule]:
    """Register a rule; lists appear on warnings/ in `order`."""

    def decorate(rule: Rule) -> Rule:
        RULES.append((order, rule))
        return rule

    return decorate


def warning_lists(ctx: Context) -> list[WarningList]:
    """Every registered rule's list, in order."""
    lists = []
    for _, rule in sorted(RULES, key=lambda item: (item[0], item[1].__name__)):
        found = rule(ctx)
        if found is not None:
            lists.append(found)
    return lists


def build(ctx: Context) -> Section | None:
    """warnings/: one list per rule, with a CSV each; the board shows each list's count."""
    if not ctx.wants("warnings"):
        return None
    lists = warning_lists(ctx)
    if not lists:
        return None
    page = Page("warnings/index.html", "warnings.html", ctx.t("warnings.title"), "warnings",
                {"lists": [{"item": w, "table": w.table()} for w in lists]})
    board = [BoardItem(w.title, len(w.rows), f"warnings/#{w.id}-h", "warning" if w.rows else "info") for w in lists]
    return Section("warnings", "warnings/", [page], board=board)
