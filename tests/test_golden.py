"""The example site, built at a fixed as-of date in zh-CN and en, is byte for byte the golden copy.

Any change to any page fails here; after an intended change, `bash scripts/update-golden.sh` writes the new
copy (see tests/golden.py), and the diff of tests/golden/ shows the change in review.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import golden
import pytest

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("locale", golden.LOCALES)
def test_example_site_is_the_golden_copy(locale: str, example_build: Callable[..., Path]) -> None:
    out = example_build(locale=locale)
    problems = golden.differences(locale, out)
    assert not problems, f"the {locale} build differs from tests/golden/{locale} " \
        "(after an intended change: bash scripts/update-golden.sh)\n" + "\n".join(problems)


def test_a_changed_page_is_reported_with_its_diff(tmp_path: Path) -> None:
    """The comparison itself can fail: one changed figure in a kept page shows as a diff."""
    kept = golden.GOLDEN / "zh-CN" / "files"
    out = tmp_path / "out"
    for path in golden.read_manifest((golden.GOLDEN / "zh-CN" / "manifest.txt").read_text(encoding="utf-8")):
        target = out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        source = kept / path
        target.write_bytes(source.read_bytes() if source.exists() else b"")
    page = out / "index.html"
    page.write_text(page.read_text(encoding="utf-8").replace("</h1>", "!</h1>", 1), encoding="utf-8")
    problems = golden.differences("zh-CN", out)
    assert "changed: index.html" in problems
    assert any(line.startswith("+") and "!</h1>" in line for line in problems)
