"""Resource bombs: Markdown and front matter made to take minutes or gigabytes, refused in well under a second
with an error for that file; and a full disk under the cache, which only makes the build slower."""

from __future__ import annotations

import errno
import resource
import shutil
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import AS_OF, FIXED_NOW

from generator import cache
from generator.commands.build import build
from generator.errors import Problem
from generator.inputs.content import (
    MAX_DOCUMENT_CHARS,
    MAX_ENTITIES,
    MAX_FIELDS,
    MAX_LINES,
    MAX_NESTING,
    load_collections,
    parse_document,
)
from generator.inputs.schemas import COLLECTIONS

FILE = "content/notices/bomb.md"
FRONT = "---\ntitle: 炸弹\ndate: 2026-03-01\n---\n\n"
SECONDS = 5.0  # generous on a busy machine: each is refused in milliseconds


def parse_timed(text: str) -> list[Problem]:
    started = time.perf_counter()
    document, problems = parse_document(text, FILE, COLLECTIONS["notices"], "bomb")
    elapsed = time.perf_counter() - started
    assert elapsed < SECONDS, f"took {elapsed:.1f} s"
    assert document is None
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1 and errors[0].file == FILE and errors[0].row is not None, problems
    return errors


def test_ten_thousand_front_matter_keys_are_refused_quickly() -> None:
    keys = "".join(f"key{n}: {n}\n" for n in range(10_000))
    [error] = parse_timed(f"---\ntitle: x\ndate: 2026-03-01\n{keys}---\n\nbody\n")
    assert f"more than {MAX_FIELDS} fields" in error.message


def test_front_matter_keys_on_one_line_are_counted_too() -> None:
    keys = ", ".join(f"k{n}: {n}" for n in range(5_000))
    [error] = parse_timed(f"---\n{{title: x, date: 2026-03-01, {keys}}}\n---\n\nbody\n")
    assert "fields" in error.message


def test_a_hundred_thousand_short_lines_are_refused_quickly() -> None:
    [error] = parse_timed(FRONT + "a\n" * 100_000)
    assert error.row == MAX_LINES + 1 and "too many lines" in error.message


def test_half_a_million_character_references_are_refused_quickly() -> None:
    [error] = parse_timed(FRONT + "&#x1F600;" * 500_000)  # 4.5 MB: past the size limit first
    assert error.row == 1 and "too large" in error.message
    [error] = parse_timed(FRONT + "&#x1F600;" * 100_000 + "\n" + "&amp;" * 100_000)
    assert error.row == 6 and "character references" in error.message


def test_a_fifty_megabyte_notice_is_refused_quickly() -> None:
    [error] = parse_timed(FRONT + ("这是一条很长的通知。" * 10 + "\n\n") * 450_000)
    assert error.row == 1 and "too large" in error.message


@pytest.mark.parametrize("line", ["- " * 5_000 + "x", "> " * 5_000 + "x", "1. " * 5_000 + "x"])
def test_lists_and_quotes_nested_five_thousand_deep_are_refused_quickly(line: str) -> None:
    [error] = parse_timed(FRONT + "intro\n\n" + line + "\n")
    assert error.row == 8 and f"more than {MAX_NESTING}" in error.message


def test_a_list_nested_by_indentation_is_refused() -> None:
    lines = "".join(" " * (4 * depth) + "- item\n" for depth in range(200))
    [error] = parse_timed(FRONT + lines)
    assert error.row == 6 + MAX_NESTING


DEEP_LIST = f"""
import sys
from generator.inputs.content import parse_document
from generator.inputs.schemas import COLLECTIONS
text = {FRONT!r} + "- " * 5000 + "x\\n"
document, problems = parse_document(text, {FILE!r}, COLLECTIONS["notices"], "bomb")
assert document is None, "loaded"
print(problems[0])
"""


def test_a_list_nested_five_thousand_deep_loads_within_two_gibibytes() -> None:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    result = subprocess.run([sys.executable, "-c", DEEP_LIST], capture_output=True, text=True, timeout=60,
                            preexec_fn=cap, cwd=Path(__file__).parent.parent)
    assert result.returncode == 0, result.stderr
    assert f"{FILE}:6:" in result.stdout and "levels deep" in result.stdout


def test_documents_within_the_limits_still_load() -> None:
    fields = "".join(f"x{n}: {n}\n" for n in range(MAX_FIELDS - 2))
    body = "&amp;" * (MAX_ENTITIES // 2) + "\n" + "- a\n" * 100 + ">" * MAX_NESTING + " deep\n"
    document, problems = parse_document(f"---\ntitle: t\ndate: 2026-03-01\n{fields}---\n\n{body}", FILE,
                                        COLLECTIONS["notices"], "ok")
    assert document is not None
    assert not [p for p in problems if p.severity == "error"]
    assert len(body) < MAX_DOCUMENT_CHARS and body.count("\n") < MAX_LINES


def test_a_bomb_is_reported_and_the_other_documents_load(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {FILE: FRONT + "a\n" * 100_000})
    documents, problems = load_collections(site)
    assert [d.file for d in documents["notices"]] == ["content/notices/welcome.md"]
    assert [(p.file, p.row, p.severity) for p in problems] == [(FILE, MAX_LINES + 1, "error")]


def test_a_full_disk_under_the_cache_builds_without_caching(tmp_path: Path, make_site: Callable[..., Path],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    site = make_site(tmp_path / "site")
    cache.cache_root.cache_clear()
    root = cache.cache_root(site)  # the site's folder, or the user's cache folder for it
    shutil.rmtree(root, ignore_errors=True)
    real = Path.write_bytes

    def full(self: Path, data: bytes) -> int:
        if root in self.parents:
            raise OSError(errno.ENOSPC, "No space left on device", str(self))
        return real(self, data)

    monkeypatch.setattr(Path, "write_bytes", full)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build(site, out=tmp_path / "out", as_of=AS_OF, clock=lambda: FIXED_NOW)
    said = [str(w.message) for w in caught if issubclass(w.category, cache.CacheWarning)]
    assert len(said) == 1 and "No space left" in said[0], said
    assert (tmp_path / "out" / "index.html").is_file()
    assert not list(root.rglob("*.tmp"))  # no half-written file left behind
