"""`trackboard check`: validate the inputs and list every problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import Problem
from ..model import Site, load_site


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    """Errors first, then by file and row."""
    return sorted(problems, key=lambda p: (not p.is_error, p.file, p.row or 0, p.column or "", p.message))


def check(site_dir: Path, today: dt.date) -> Site:
    """Load and check every input of the site."""
    return load_site(site_dir, today=today)
