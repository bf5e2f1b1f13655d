"""Checks of the campaigns' front matter against each other and the units: a campaign the site cannot run is an
error naming its file and field, and is left out (rather than ranked over the wrong people or dates)."""

from __future__ import annotations

import pandas as pd

from ..errors import Problem, explained, hint, say
from .content import Document


def check_campaigns(documents: list[Document], units: pd.DataFrame) -> tuple[list[Document], list[Problem]]:
    """The campaigns that can be run, and the problems of the others: an end before the start, no end without
    `repeat`, achievement without a target, a unit id not in the units table."""
    known = tuple(str(u) for u in units["id"]) if "id" in units else ()
    kept, problems = [], []
    for doc in documents:
        meta, found = doc.meta, []
        if meta.get("end") is None and meta.get("repeat") is None:
            found.append(explained(doc.file, None, "end", say("problem.campaign.no_end")))
        elif meta.get("end") is not None and meta["end"] < meta["start"]:
            found.append(explained(doc.file, None, "end", say("problem.campaign.end_before_start",
                                                              end=meta["end"].isoformat(),
                                                              start=meta["start"].isoformat())))
        if meta.get("metric") == "achievement" and not meta.get("target"):
            found.append(explained(doc.file, None, "target", say("problem.campaign.no_target")))
        for unit in meta.get("units") or []:
            if unit not in known:
                found.append(explained(doc.file, None, "units", say("problem.doc.unknown_unit", hint(unit, known),
                                                                    unit=unit)))
        problems.extend(found)
        if not found:
            kept.append(doc)
    return kept, problems
