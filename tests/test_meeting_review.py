"""Meetings as the seed holds them: Chinese level and kind values and the seed's meeting types, preparation and
evaluation (a meeting not evaluated two days later is a warning), debriefs passed or to be redone (a late redo
is a warning). As of 2026-03-05; the expected lists are worked out by hand from the files below.
"""

from __future__ import annotations

import csv
import io

import pytest
from conftest import AS_OF, BASELINE, texts, write_files

from generator.commands.build import template_globals
from generator.model import load_site
from generator.pages import plan_site
from generator.render import Renderer


def meeting(title: str, day: str, level: str, kind: str, evaluation: str = "") -> str:
    extra = f"evaluation: {evaluation}\n" if evaluation else ""
    return (f"---\ntitle: {title}\ndate: {day}\ntime: \"09:00\"\nlevel: {level}\nkind: {kind}\n"
            f"agenda: 通报业绩、分析未破零原因\n{extra}---\n\n纪要。\n")


def debrief(title: str, day: str, status: str = "", redo_by: str = "") -> str:
    lines = [f"title: {title}", "meeting: m1", f'submitted: "{day} 10:00"']
    lines += [f"status: {status}"] if status else []
    lines += [f"redo_by: {redo_by}"] if redo_by else []
    return "---\n" + "\n".join(lines) + "\n---\n\n## 成绩\n\n## 问题\n\n## 原因\n\n## 改进\n"


FILES = {
    # m1 two days before the as-of date without evaluation; m2 one day before; m3 three days before but evaluated;
    # m4 on the as-of date
    "content/meetings/m1.md": meeting("二部夕会", "2026-03-03", "营业部", "夕会"),
    "content/meetings/m2.md": meeting("未破零专题会", "2026-03-04", "团队", "未破零专题会"),
    "content/meetings/m3.md": meeting("干部例会", "2026-03-02", "分公司", "干部例会", "数据准备充分，原因分析不够具体"),
    "content/meetings/m4.md": meeting("早会", "2026-03-05", "team", "morning"),
    # d1 redo submitted 03-03: due 03-04 by default, a day late; d2 redo due 03-05 (redo_by): not yet late;
    # d3 passed; d4 not reviewed
    "content/debriefs/d1.md": debrief("一组述职", "2026-03-03", "重做"),
    "content/debriefs/d2.md": debrief("二组述职", "2026-03-01", "重做", "2026-03-05"),
    "content/debriefs/d3.md": debrief("三组述职", "2026-03-01", "通过"),
    "content/debriefs/d4.md": debrief("四组述职", "2026-03-02"),
}


def read_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _plan(root, **rules: int):
    toml = BASELINE["site.toml"] + "".join(f"{key} = {value}\n" for key, value in rules.items())
    write_files(root, {**BASELINE, **FILES, "site.toml": toml})
    site = load_site(root, today=AS_OF)
    assert site.errors == []
    return site, plan_site(site)


def test_chinese_values_and_the_seeds_meeting_types(tmp_path) -> None:
    site, plan = _plan(tmp_path)
    meta = {d.slug: (d.meta["level"], d.meta["kind"]) for d in site.documents["meetings"]}
    assert meta == {"m1": ("division", "evening"), "m2": ("team", "zero"), "m3": ("branch", "cadre"),
                    "m4": ("team", "morning")}
    calendar = read_csv(next(f.data for f in plan.files if f.path == "meetings/calendar.csv"))
    assert set(calendar[0]) >= {"evening", "zero", "cadre", "morning"}


def test_an_unknown_chinese_kind_is_an_error_at_its_field(tmp_path) -> None:
    write_files(tmp_path, {**BASELINE, "content/meetings/x.md": meeting("x", "2026-03-03", "营业部", "茶话会")})
    site = load_site(tmp_path, today=AS_OF)
    assert [(p.file, p.column) for p in site.errors] == [("content/meetings/x.md", "kind")]
    assert "“茶话会”不是可以填的值" in site.errors[0].message  # in the site's language
    assert '"茶话会" is not allowed' in site.errors[0].localized("en").message


@pytest.mark.parametrize(("days", "expected"), [(2, {"二部夕会": "2"}), (1, {"二部夕会": "2", "未破零专题会": "1"}),
                                                (3, {})])
def test_meetings_without_evaluation_on_both_sides_of_the_days(tmp_path, days, expected) -> None:
    _, plan = _plan(tmp_path, meeting_evaluation_days=days)
    rows = read_csv(next(f.data for f in plan.files if f.path == "warnings/meetings-unevaluated.csv"))
    assert {r["title"]: r["days"] for r in rows} == expected


@pytest.mark.parametrize(("days", "expected"), [(1, {"一组述职": "1"}), (2, {})])
def test_late_redo_on_both_sides_of_the_days(tmp_path, days, expected) -> None:
    _, plan = _plan(tmp_path, debrief_redo_days=days)
    rows = read_csv(next(f.data for f in plan.files if f.path == "warnings/debriefs-redo.csv"))
    assert {r["title"]: r["days_late"] for r in rows} == expected


def test_meeting_page_shows_preparation_evaluation_and_reviews(tmp_path) -> None:
    site, plan = _plan(tmp_path)
    files = {f.path: f.data for f in plan.files}
    reviews = {r["title"]: r["review"] for r in read_csv(files["meetings/debriefs.csv"])}
    assert reviews == {"一组述职": "重做", "二组述职": "重做", "三组述职": "通过", "四组述职": "未评审"}
    renderer = Renderer(site.root, site.locale, template_globals(site, plan))
    pages = {p.path: texts(_tree(renderer.render(p).data), ".meeting-review div") for p in plan.pages
             if p.path in ("meetings/m1/index.html", "meetings/m3/index.html", "meetings/m4/index.html")}
    assert pages["meetings/m3/index.html"] == ["议程 通报业绩、分析未破零原因",
                                               "会后评估 数据准备充分，原因分析不够具体"]
    assert pages["meetings/m1/index.html"] == ["议程 通报业绩、分析未破零原因", "会后评估 尚未填写会后评估"]
    assert pages["meetings/m4/index.html"] == ["议程 通报业绩、分析未破零原因"]  # today's: not yet to evaluate


def _tree(data: bytes):
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(data.decode("utf-8"))
