"""Checks of the campaigns' front matter against each other and the units: a campaign the site cannot run is an
error naming its file and field, and is left out (rather than ranked over the wrong people or dates)."""

from __future__ import annotations

import pandas as pd

from ..config import did_you_mean
from ..errors import Problem
from .content import Document


def check_campaigns(documents: list[Document], units: pd.DataFrame) -> tuple[list[Document], list[Problem]]:
    """The campaigns that can be run, and the problems of the others: an end before the start, no end without
    `repeat`, achievement without a target, a unit id not in the units table."""
    known = tuple(str(u) for u in units["id"]) if "id" in units else ()
    kept, problems = [], []
    for doc in documents:
        meta, found = doc.meta, []
        if meta.get("end") is None and meta.get("repeat") is None:
            found.append(Problem(doc.file, None, "end", "is missing; a campaign that does not repeat needs an end "
                                 "date"))
        elif meta.get("end") is not None and meta["end"] < meta["start"]:
            found.append(Problem(doc.file, None, "end", f"{meta['end'].isoformat()} is before the start "
                                 f"{meta['start'].isoformat()}"))
        if meta.get("metric") == "achievement" and not meta.get("target"):
            found.append(Problem(doc.file, None, "target", "is missing; metric achievement ranks premium against "
                                 "each person's target"))
        for unit in meta.get("units") or []:
            if unit not in known:
                hint = did_you_mean(unit, known)
                found.append(Problem(doc.file, None, "units", f'"{unit}" is not a unit id of the units table'
                                     f"{';' + hint if hint else ''}"))
        problems.extend(found)
        if not found:
            kept.append(doc)
    return kept, problems
