"""Scope to a workplace: a screen of one unit's subtree, a whole build of some units' subtrees that names no one
and no unit outside them anywhere in its output, and notices and battle reports meant for some units."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import BASELINE, FIXED_NOW, html
from test_profiles import text_files

from generator.commands.build import build
from generator.errors import TrackboardError
from generator.inputs.content import Document
from generator.metrics.kpis import unit_tree
from generator.metrics.scope import REDACTED, Addressed, meant_for
from generator.model import load_site
from generator.posters import PosterMaker

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PROFILE = "yingye1"  # site.toml: [profiles.yingye1] units = ["HD01"]

SCREENS = """
[[screens]]
name = "t1"
unit = "T1"

[[screens]]
name = "t2"
unit = "T2"
"""

FOR_T2 = """\
---
title: 二组专属通知
date: 2026-03-02
units: [T2]
---

二组本周五集中培训。
"""


def doc(units: list[str] | None) -> Document:
    return Document("notices", "n", "content/notices/n.md", {"title": "x", **({"units": units} if units else {})}, "")


def test_meant_for_reaches_the_units_named_their_subtrees_and_above() -> None:
    import pandas as pd

    tree = unit_tree(pd.DataFrame({"id": ["HQ", "D1", "T1", "D2", "T2"], "parent": [None, "HQ", "D1", "HQ", "D2"],
                                   "name": ["总部", "一部", "一组", "二部", "二组"]}))
    assert meant_for(doc(None), ["T1"], tree)  # for everyone
    assert meant_for(doc(["D2"]), None, tree)  # the whole site shows everything
    assert not meant_for(doc(["D2"]), ["T1"], tree)  # another division
    assert meant_for(doc(["D1"]), ["T1"], tree)  # its division: the team is its audience
    assert meant_for(doc(["T1"]), ["D1"], tree)  # the division's screen covers its teams
    assert meant_for(doc(["HQ"]), ["T2"], tree)
    assert not meant_for(doc(["T2"]), ["T1", "D1"], tree)
    assert meant_for(doc(["T2", "T1"]), ["T1"], tree)


def test_the_notices_a_brief_picks_are_those_meant_for_its_unit_in_their_order() -> None:
    import pandas as pd

    tree = unit_tree(pd.DataFrame({"id": ["HQ", "D1", "T1", "D2", "T2", "T3"],
                                   "parent": [None, "HQ", "D1", "HQ", "D2", "D2"], "name": list("ABCDEF")}))
    docs = [doc(units) for units in (None, ["D2"], ["T1"], ["HQ"], ["T3", "T1"], ["NOWHERE"], ["T2", "T2"], None)]
    addressed = Addressed(docs, tree)
    for unit in [*tree.order, "NOWHERE", "GONE"]:
        assert addressed.meant_for(unit).tolist() == [i for i, d in enumerate(docs) if meant_for(d, [unit], tree)]
    assert addressed.meant_for("T1").tolist() == [0, 2, 3, 4, 7]


def test_a_unit_screen_shows_only_its_people_and_the_notices_meant_for_it(tmp_path: Path,
                                                                          make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {"site.toml": BASELINE["site.toml"] + SCREENS,
                                         "content/notices/for-t2.md": FOR_T2})
    out = tmp_path / "out"
    build(site, out=out, clock=lambda: FIXED_NOW)
    t1, t2, whole = (html(out / "screen" / name / "index.html") for name in ("t1", "t2", "."))
    t1_text, t2_text = t1.body.text() if t1.body else "", t2.body.text() if t2.body else ""
    # T1 (一组): 李主管 and 王业务; T2 (二组): 赵新人 and his big order.
    assert "王业务" in t1_text and "李主管" in t1_text and "赵新人" not in t1_text
    assert "赵新人" in t2_text and "王业务" not in t2_text
    assert "二组专属通知" in t2_text and "二组专属通知" not in t1_text
    assert "二组专属通知" in (whole.body.text() if whole.body else "")  # the branch's screen shows every notice
    assert (out / "screen" / "t1" / "trend.svg").is_file()  # its own unit's trend


def test_a_screen_unit_that_is_no_unit_is_an_error_naming_the_setting(tmp_path: Path,
                                                                      make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {"site.toml": BASELINE["site.toml"] + '\n[[screens]]\nname = "x"\n'
                                                                             'unit = "T9"\n'})
    refused = r"\[\[screens\]\] 第 1 个（“x”）的 unit：“T9”不是单位表里的单位编码"  # in the site's language
    with pytest.raises(TrackboardError, match=refused) as info:
        build(site, out=tmp_path / "out", clock=lambda: FIXED_NOW)
    assert str(info.value.text) == 'site.toml [[screens]] #1 ("x") unit: "T9" is not a unit id of the units table'


def test_a_profile_unit_that_is_no_unit_is_an_error_naming_the_profile(tmp_path: Path,
                                                                       make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {"site.toml": BASELINE["site.toml"] + '\n[profiles.t1]\nunits = ["T01"]\n'})
    with pytest.raises(TrackboardError, match=r"\[profiles\.t1\] 的 units：“T01”不是单位表里的单位编码，是不是“T1”？"):
        build(site, out=tmp_path / "out", profile="t1", clock=lambda: FIXED_NOW)


def test_a_scoped_build_keeps_its_subtree_and_blanks_outside_names(tmp_path: Path,
                                                                   make_site: Callable[..., Path]) -> None:
    notice = "---\ntitle: 表彰\ndate: 2026-03-02\n---\n\n表扬王业务和赵新人。\n"
    site = make_site(tmp_path / "site", {"site.toml": BASELINE["site.toml"] + SCREENS
                                         + '\n[profiles.t1]\nunits = ["T1"]\n',
                                         "content/notices/for-t2.md": FOR_T2, "content/notices/praise.md": notice})
    out = tmp_path / "out"
    build(site, out=out, profile="t1", clock=lambda: FIXED_NOW)
    files = text_files(out)
    everything = "\n".join(files.values())
    for name in ("赵新人", "张经理", "钱督办", "二组", "二组专属通知", "for-t2"):
        assert name not in everything, name
    assert "表扬王业务和" + REDACTED in files["notices/praise/index.html"]
    assert not (out / "screen" / "t2").exists()  # the screen of a unit outside the scope is left out
    assert "王业务" in files["index.html"] or "王业务" in files["leaderboard/index.html"]
    assert "posters/battle/order-3.png" not in files  # 赵新人's big order
    assert "posters/battle/first-order.png" in files


def test_the_example_site_scoped_to_a_division_names_no_one_outside_it(
        example_build: Callable[..., Path]) -> None:
    site = load_site(ROOT, today=FIXED_NOW.date())
    division = site.config["profiles"][EXAMPLE_PROFILE]["units"]
    tree = unit_tree(site.tables["units"])
    inside = {u for d in division for u in tree.descendants(d)}
    above = {a for d in division for a in tree.ancestors(d)}
    units, people = site.tables["units"], site.tables["people"]
    names_in = {str(n) for u, n in zip(units["id"], units["name"], strict=True) if u in inside | above}
    names_in |= {str(n) for n, u in zip(people["name"], people["unit"], strict=True) if u in inside}
    outside = {str(n) for u, n in zip(units["id"], units["name"], strict=True) if u not in inside | above}
    outside |= {str(n) for n, u in zip(people["name"], people["unit"], strict=True) if u not in inside}
    # A name also worn inside (two people called the same), or part of a name inside, may be shown.
    outside = {n for n in outside if len(n) >= 2 and not any(n in kept for kept in names_in)}
    assert len(outside) > 50

    files = text_files(example_build(EXAMPLE_PROFILE))
    found = {(path, name) for path, text in files.items() for name in outside if name in text}
    assert not found, sorted(found)[:20]
    board = files["index.html"]
    assert any(n in board for n in names_in)  # not empty: the division's own names are there
    assert any(path.startswith("posters/battle/") for path in files)


def pdf_text(path: Path) -> str:
    """The text of a PDF as poppler's pdftotext reads it (scripts/install-system-deps.sh installs poppler-utils)."""
    assert shutil.which("pdftotext"), "pdftotext is missing: bash scripts/install-system-deps.sh installs it"
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def svg_text(svg: str) -> str:
    """The text an SVG draws: its <text> elements' content, unescaped."""
    return "\n".join(html_lib.unescape(re.sub(r"<[^>]*>", "", m)) for m in re.findall(r"<text\b.*?</text>", svg, re.S))


@pytest.mark.slow
def test_an_unseen_site_scoped_to_a_division_names_no_one_outside_it_in_any_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A site this repository does not ship (the benchmark's generator, made small, its names random), scoped to one
    division, with PDFs down to its teams: no unit or person outside the division is named in any file of the
    output — the pages, CSVs, search index and build.json as text, the PDFs as pdftotext reads them, the posters
    by the text each is drawn from."""
    from test_benchmarks import make_large_site

    site = make_large_site().make_large(tmp_path / "site", people_count=80, days=20, notices=3, divisions=3,
                                        teams_per_division=2)
    config = site / "site.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[briefs]\npdf_levels = 3\n\n[profiles.d3]\n'
                      'units = ["D03"]\n', encoding="utf-8")
    drawn: list[str] = []
    real_svg = PosterMaker.svg

    def recorded(self: PosterMaker, kind: str, values: dict[str, object]) -> str:
        svg = real_svg(self, kind, values)
        drawn.append(svg)
        return svg

    monkeypatch.setattr(PosterMaker, "svg", recorded)
    out = tmp_path / "out"
    result = build(site, out=out, profile="d3", strict=True, clock=lambda: dt.datetime(2026, 11, 21, tzinfo=dt.UTC))
    assert result.site.errors == []
    whole = load_site(site, today=dt.date(2026, 11, 21))
    units, people = whole.tables["units"], whole.tables["people"]
    tree = unit_tree(units)
    inside, above = set(tree.descendants("D03")), set(tree.ancestors("D03"))
    names_in = {str(n) for u, n in zip(units["id"], units["name"], strict=True) if u in inside | above}
    names_in |= {str(n) for n, u in zip(people["name"], people["unit"], strict=True) if u in inside}
    outside = {str(n) for u, n in zip(units["id"], units["name"], strict=True) if u not in inside | above}
    # People's random names of three characters (some of two are common words), none also worn or contained inside.
    outside |= {str(n) for n, u in zip(people["name"], people["unit"], strict=True)
                if u not in inside and len(str(n)) >= 3}
    outside = {n for n in outside if not any(n in kept for kept in names_in)}
    assert len(outside) >= 25

    files = text_files(out)
    pdfs = {path: pdf_text(out / path) for path in files if path.endswith(".pdf")}
    posters = {f"poster {i}": svg_text(svg) for i, svg in enumerate(drawn)}
    found = {(path, name) for corpus in (files, pdfs, posters) for path, text in corpus.items()
             for name in outside if name in text}
    assert not found, sorted(found)[:20]
    # The search would have found them: the PDFs and posters hold the division's own names.
    assert "daily/2026-11-20/units/D03T01.pdf" in pdfs and "营业3部1组" in pdfs["daily/2026-11-20/units/D03T01.pdf"]
    assert any(name in text for text in pdfs.values() for name in names_in - {"华东分公司"})
    assert drawn and any(name in text for text in posters.values() for name in names_in)
    assert sum(1 for path in files if path.startswith("posters/")) == len(drawn)


def test_the_totals_above_a_scope_are_kept_without_naming_anyone_outside(tmp_path: Path,
                                                                         make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {"site.toml": BASELINE["site.toml"]
                                         + '\n[profiles.t1]\nunits = ["T1"]\ntotals_above = true\n'})
    out = tmp_path / "out"
    build(site, out=out, profile="t1", clock=lambda: FIXED_NOW)
    files = text_files(out)
    everything = "\n".join(files.values())
    for name in ("赵新人", "张经理", "钱督办", "二组", "康宁终身"):
        assert name not in everything, name
    # 测试分公司 with the whole branch's month: 12,000 + 94,000 (二组's, unnamed) + 3,000.
    board = files["index.html"]
    assert "测试分公司 · 今日业绩" in board and "10.9万" in board
    assert "order-3" not in everything  # 赵新人's big order is no one's battle report here
    leaderboard = files["leaderboard/index.html"]
    assert "其他单位（合计）" not in leaderboard and "王业务" in leaderboard
    plain = tmp_path / "plain"
    build(make_site(tmp_path / "site2", {"site.toml": BASELINE["site.toml"] + '\n[profiles.t1]\nunits = ["T1"]\n'}),
          out=plain, profile="t1", clock=lambda: FIXED_NOW)
    scoped_board = (plain / "index.html").read_text("utf-8")
    assert "一组 · 今日业绩" in scoped_board and "测试分公司 · 今日业绩" not in scoped_board
    assert "10.9万" not in scoped_board


def test_a_document_for_a_unit_that_does_not_exist_is_a_warning(tmp_path: Path,
                                                                 make_site: Callable[..., Path]) -> None:
    notice = "---\ntitle: 通知\ndate: 2026-03-02\nunits: [T1, T9]\n---\n\n正文\n"
    site = make_site(tmp_path / "site", {"content/notices/typo.md": notice})
    problems = [str(p) for p in load_site(site, today=FIXED_NOW.date()).problems]
    assert "content/notices/typo.md「units」：“T9”不是单位表里的单位编码，请检查" in problems
