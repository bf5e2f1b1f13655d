"""Golden output: the example site built at a fixed as-of date, in zh-CN and in en, kept in tests/golden/.

tests/golden/<locale>/manifest.txt lists every file of the output with its SHA-256 and size; the pages a
reviewer reads (WHOLE) are kept whole beside it, so that a change to them shows as a diff in review.
test_golden.py builds both and fails on any difference. After an intended change, update the copy with

    bash scripts/update-golden.sh        (or, in .venv: python tests/golden.py)

and commit tests/golden/ with the change that caused it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = dt.date(2026, 11, 20)  # the example site's last day of sales
NOW = dt.datetime(2026, 11, 21, 0, 30, tzinfo=dt.UTC)  # the morning after (sales after today are errors)
LOCALES = ("zh-CN", "en")
# Kept whole: the pages and files people read first. Every other file is checked by its digest.
WHOLE = (
    "index.html",
    "build.json",
    f"daily/{AS_OF}/index.html",
    f"daily/{AS_OF}/units.csv",
    f"daily/{AS_OF}/people.csv",
    "units/HD/index.html",
    "units/HD01/index.html",
    "leaderboard/index.html",
    "warnings/index.html",
    "screen/index.html",
)
BUILT_AT = "built_at"


def site_for(locale: str, base: Path) -> Path:
    """Return the example site in `locale`: the repository root for zh-CN, else a copy under `base`."""
    if locale == "zh-CN":
        return ROOT
    site = base / f"site-{locale}"
    site.mkdir(parents=True)
    for part in ("site.toml", "data", "content", "theme"):
        source = ROOT / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, site / part)
    toml = site / "site.toml"
    text, count = re.subn(r'(?m)^locale = "[^"]*"', f'locale = "{locale}"', toml.read_text(encoding="utf-8"))
    assert count == 1, "site.toml has no locale line to change"
    toml.write_text(text, encoding="utf-8")
    return site


def build_golden(locale: str, base: Path, profile: str | None = None) -> Path:
    """Build the example site in `locale` (and `profile`) at AS_OF into base/output-<locale>; return the output
    folder."""
    from generator.commands.build import build

    out = base / f"output-{locale}"
    build(site_for(locale, base), out=out, as_of=AS_OF, profile=profile, clock=lambda: NOW)
    return out


def normalised(path: str, data: bytes) -> bytes:
    """The bytes compared: build.json without its build time (the one thing that differs between builds)."""
    if path == "build.json":
        info = json.loads(data)
        info.pop(BUILT_AT, None)
        return (json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
    return data


def files_of(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): normalised(p.relative_to(out).as_posix(), p.read_bytes())
            for p in sorted(out.rglob("*")) if p.is_file()}


def manifest(files: dict[str, bytes]) -> str:
    return "".join(f"{hashlib.sha256(data).hexdigest()}  {len(data):>9}  {path}\n" for path, data in files.items())


def read_manifest(text: str) -> dict[str, str]:
    entries = {}
    for line in text.splitlines():
        sha, _size, path = line.split(None, 2)
        entries[path] = sha
    return entries


def differences(locale: str, out: Path) -> list[str]:
    """Return what differs between a build and the golden copy of `locale`, each as a line (diffs of whole
    pages included); empty when they are the same."""
    folder = GOLDEN / locale
    if not (folder / "manifest.txt").exists():
        return [f"no golden copy in {folder}: run bash scripts/update-golden.sh"]
    expected = read_manifest((folder / "manifest.txt").read_text(encoding="utf-8"))
    files = files_of(out)
    actual = {path: hashlib.sha256(data).hexdigest() for path, data in files.items()}
    lines = [f"missing: {p}" for p in sorted(expected.keys() - actual.keys())]
    lines += [f"new: {p}" for p in sorted(actual.keys() - expected.keys())]
    changed = sorted(p for p in expected.keys() & actual.keys() if expected[p] != actual[p])
    lines += [f"changed: {p}" for p in changed]
    for path in changed:
        kept = folder / "files" / path
        if path in WHOLE and kept.exists():
            before = kept.read_text(encoding="utf-8").splitlines()
            after = files[path].decode("utf-8").splitlines()
            diff = list(difflib.unified_diff(before, after, f"golden/{locale}/{path}", f"build/{path}", n=1,
                                             lineterm=""))
            lines += diff[:80] + ([f"... {len(diff) - 80} more lines of diff"] if len(diff) > 80 else [])
    return lines


def write(locale: str, out: Path) -> None:
    """Replace the golden copy of `locale` with the build in `out`."""
    folder = GOLDEN / locale
    shutil.rmtree(folder, ignore_errors=True)
    files = files_of(out)
    for path in WHOLE:
        if path in files:
            target = folder / "files" / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(files[path])
    (folder / "manifest.txt").write_text(manifest(files), encoding="utf-8")


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="trackboard-golden-") as base:
        for locale in LOCALES:
            out = build_golden(locale, Path(base))
            changes = differences(locale, out)
            write(locale, out)
            print(f"tests/golden/{locale}: {len(files_of(out))} files, "
                  f"{sum(1 for c in changes if not c.startswith(('---', '+++', '@@', ' ', '+', '-', '...')))} changed")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
