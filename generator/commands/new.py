"""`trackboard new DIR`: a new site, copied from the example site that ships with the package."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from ..errors import TrackboardError

# What makes a site; everything else in a source checkout (code, tests, docs) is left behind.
SITE_PARTS = ("site.toml", "data", "content", "theme")


def example_site() -> Path:
    """Return the folder of the example site: inside the installed package, or the repository root."""
    packaged = Path(str(resources.files("generator").joinpath("example")))
    if (packaged / "site.toml").is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "site.toml").is_file():
        return checkout
    raise TrackboardError("the example site is missing from this installation")


# A site is often kept in git (CI builds it): what builds make beside the site's own files stays out of it.
GITIGNORE = """# Made by trackboard build, not part of the site: the built site, the build cache, and the staging and
# spare folders a build keeps beside its output folder.
output/
.trackboard-*
"""


def new_site(target: Path) -> list[str]:
    """Create a site at `target` from the example site, with a .gitignore; return the parts written."""
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TrackboardError(f"{target} already exists and is not empty; choose a new folder")
    source = example_site()
    target.mkdir(parents=True, exist_ok=True)
    copied = []
    for part in SITE_PARTS:
        path = source / part
        if path.is_dir():
            shutil.copytree(path, target / part, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        elif path.is_file():
            shutil.copy2(path, target / part)
        else:
            continue
        copied.append(part)
    (target / ".gitignore").write_text(GITIGNORE, encoding="utf-8")
    return [*copied, ".gitignore"]
