"""Offline full-text search: a Pagefind index of the staged site, built before the site is swapped in.

Pagefind's extended binary (from the pagefind-bin-extended wheel) segments Chinese text, so a search for
一个词 finds it inside a sentence. Only the parts of pages marked `data-pagefind-body` are indexed: notices,
battle reports, the FAQ booklet, meetings and scripts whole, and the name lines of person and unit pages (so an
agent finds "my page" by name without every figure of every page in the index).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO

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
# Longest name whose tails are indexed: a name is a few characters; the tails grow as its square.
MAX_TERM_NAME = 24


def search_terms(name: object) -> str:
    """Return the tails of a name ("四部三组" → "部三组 三组 组"), to be indexed beside the name itself.

    Pagefind keeps a short Chinese heading such as 四部三组 as one word, but splits the query 四部三组 into
    四部 + 三组 and matches each word by its beginning: with every tail indexed too, any part of a name a
    person types is the beginning of some indexed word, so a unit or a person is found by any part of its name.
    """
    text = str(name or "")[:MAX_TERM_NAME]
    return " ".join(text[i:] for i in range(1, len(text)) if not text[i].isspace())


def search_glob(pages: Iterable[tuple[str, bytes]]) -> str:
    """Return the glob of the folders holding pages with indexed parts, so that Pagefind does not read the
    thousands of pages it would skip (people, units, daily reports): on a large site, most of its time.
    With no page marked, Pagefind indexes every page, so every page is read."""
    roots: set[str] = set()
    for path, data in pages:
        if path.endswith(".html") and MARKER in data:
            roots.add(path.split("/", 1)[0] + "/**/*.html" if "/" in path else path)
    if not roots:
        return "**/*.{html}"
    patterns = sorted(roots)
    return patterns[0] if len(patterns) == 1 else "{" + ",".join(patterns) + "}"


def _command(executable: Path, folder: Path, glob: str, subdir: str) -> list[str]:
    return [str(executable), "--site", str(folder), "--output-subdir", subdir, "--glob", glob, "--silent"]


def _failure(returncode: int, stderr: str, stdout: str) -> str:
    detail = (stderr or stdout).strip().splitlines()
    return "search index not built: " + (detail[-1] if detail else f"pagefind exited {returncode}")


def _drop_unused(index: Path) -> None:
    for name in UNUSED:  # other UIs Pagefind ships; search/index.html uses pagefind-ui.js
        (index / name).unlink(missing_ok=True)


def index_site(folder: Path, glob: str = "**/*.{html}", subdir: str = INDEX_DIR) -> str | None:
    """Index the site's pages in `folder` that match `glob` into `subdir` (search/pagefind/); return a warning
    when it could not be done."""
    executable = pagefind_executable()
    if executable is None:
        return NOT_INSTALLED
    try:
        result = subprocess.run(_command(executable, folder, glob, subdir), capture_output=True, text=True,
                                timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"search index not built: {exc}"
    if result.returncode != 0:
        return _failure(result.returncode, result.stderr, result.stdout)
    _drop_unused(folder / subdir)
    return None


NOT_INSTALLED = "search index not built: Pagefind is not installed (pip install 'pagefind[extended]')"
TIMEOUT = 900


def glob_matcher(glob: str) -> Callable[[str], bool]:
    """Whether a path is one the `search_glob` names (a folder's pages, or a page at the top)."""
    patterns = glob[1:-1].split(",") if glob.startswith("{") else [glob]
    folders = tuple(p[: -len("**/*.html")] for p in patterns if p.endswith("/**/*.html"))
    pages = frozenset(p for p in patterns if not p.endswith("/**/*.html"))
    if "**/*.{html}" in pages:
        return lambda path: path.endswith(".html")
    return lambda path: path in pages or (path.endswith(".html") and path.startswith(folders))


class IndexJob:
    """Pagefind indexing the pages of a staging folder, started as soon as the pages it reads are staged (they
    are staged first, see writer.stage) so that it runs beside the staging of the rest, on the other core."""

    def __init__(self, glob: str) -> None:
        self.glob = glob
        self.process: subprocess.Popen[bytes] | None = None
        self.log: IO[bytes] | None = None
        self.warning: str | None = None
        self.executable = pagefind_executable()
        if self.executable is None:
            self.warning = NOT_INSTALLED

    def start(self, folder: Path) -> None:
        """Start Pagefind on the pages of `folder` the glob names, writing the index into folder/search/pagefind."""
        if self.executable is None:
            return
        try:
            # Its messages go to a file, not a pipe: nothing reads a pipe while the site is staged, and a full
            # one would stop Pagefind.
            self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by cancel(), after Pagefind ends
            self.process = subprocess.Popen(_command(self.executable, folder, self.glob, INDEX_DIR),
                                            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT)
        except OSError as exc:
            self.warning = f"search index not built: {exc}"

    def finish(self, staging: Path) -> str | None:
        """Wait for the index in the staged site; return a warning when it could not be made (a partly written
        index is removed)."""
        try:
            if self.process is None:
                return self.warning
            try:
                self.process.wait(timeout=TIMEOUT)
            except subprocess.TimeoutExpired as exc:
                return f"search index not built: {exc}"
            if self.process.returncode != 0:
                assert self.log is not None
                self.log.seek(0)
                shutil.rmtree(staging / INDEX_DIR, ignore_errors=True)
                return _failure(self.process.returncode, self.log.read().decode("utf-8", "replace"), "")
            _drop_unused(staging / INDEX_DIR)
            return None
        finally:
            self.cancel()

    def cancel(self) -> None:
        """Stop Pagefind if it still runs."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.log is not None:
            self.log.close()
            self.log = None
