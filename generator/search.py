"""Offline full-text search: a Pagefind index of the staged site, built before the site is swapped in.

Pagefind's extended binary (from the pagefind-bin-extended wheel) segments Chinese text, so a search for
一个词 finds it inside a sentence. Only the parts of pages marked `data-pagefind-body` are indexed: notices,
battle reports, the FAQ booklet, meetings and scripts.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path

INDEX_DIR = "search/pagefind"
NEXT_INDEX_DIR = "search/.pagefind-next"  # where the dev server makes a new index before swapping it in
UNUSED = ("pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-modular-ui.js",
          "pagefind-modular-ui.css", "pagefind-highlight.js")


def pagefind_executable() -> Path | None:
    """The Pagefind binary shipped in its wheel (the extended one, with CJK segmentation, first)."""
    for module in ("pagefind_bin_extended", "pagefind_bin"):
        try:
            found = __import__(module).get_executable()
        except Exception:  # not installed, or no binary for this platform
            continue
        return Path(found)
    return None


MARKER = b"data-pagefind-body"


def search_glob(pages: Iterable[tuple[str, bytes]]) -> str:
    """Return the glob of the folders holding pages with indexed parts, so that Pagefind does not read the
    thousands of pages it would skip (people, units, daily reports): on a large site that is 25 s against 1 s.
    With no page marked, Pagefind indexes every page, so every page is read."""
    roots: set[str] = set()
    for path, data in pages:
        if path.endswith(".html") and MARKER in data:
            roots.add(path.split("/", 1)[0] + "/**/*.html" if "/" in path else path)
    if not roots:
        return "**/*.{html}"
    patterns = sorted(roots)
    return patterns[0] if len(patterns) == 1 else "{" + ",".join(patterns) + "}"


def index_site(folder: Path, glob: str = "**/*.{html}", subdir: str = INDEX_DIR) -> str | None:
    """Index the site's pages in `folder` that match `glob` into `subdir` (search/pagefind/); return a warning
    when it could not be done."""
    executable = pagefind_executable()
    if executable is None:
        return "search index not built: Pagefind is not installed (pip install 'pagefind[extended]')"
    try:
        result = subprocess.run(
            [str(executable), "--site", str(folder), "--output-subdir", subdir, "--glob", glob, "--silent"],
            capture_output=True, text=True, timeout=900, check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"search index not built: {exc}"
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        return "search index not built: " + (detail[-1] if detail else f"pagefind exited {result.returncode}")
    for name in UNUSED:  # other UIs Pagefind ships; search/index.html uses pagefind-ui.js
        (folder / subdir / name).unlink(missing_ok=True)
    return None
