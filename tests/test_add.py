"""`trackboard add`: a new Markdown file per kind, accepted by the next check and build unchanged."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FIXED_NOW, html, texts

from generator import cli
from generator.commands.add import KINDS, add_document, plan_document, yaml_string
from generator.commands.build import build
from generator.inputs.content import load_collections, parse_document
from generator.inputs.schemas import COLLECTIONS
from generator.model import load_site

TRICKY = "年终冲刺: 第1步 #冲刺 \"金牌\" 'x' \\ [a] {b} & * ! % @ | > ---"


def invoke(monkeypatch: pytest.MonkeyPatch, *args: object, now: dt.datetime = FIXED_NOW):
    monkeypatch.setattr(cli, "utc_now", lambda: now)
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def problems_of(site: Path, file: str) -> list[str]:
    loaded = load_site(site, today=FIXED_NOW.date())
    return [str(p) for p in loaded.problems if p.file == file]


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_is_accepted_by_the_checker_unchanged(kind: str, site: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    if kind == "debrief":  # a debrief belongs to a meeting
        assert invoke(monkeypatch, "add", "meeting", "三月早会", site).exit_code == 0
    title = f"新{kind}：三月冲刺"
    result = invoke(monkeypatch, "add", kind, title, site)
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.is_file() and path.parent == site / "content" / KINDS[kind]
    file = path.relative_to(site).as_posix()
    assert problems_of(site, file) == []
    documents, _ = load_collections(site)
    [doc] = [d for d in documents[KINDS[kind]] if d.file == file]
    assert doc.title == title


@pytest.mark.slow
def test_added_files_pass_check_and_show_in_the_build(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    titles = {}
    for kind in ("meeting", *(k for k in KINDS if k != "meeting")):  # a debrief belongs to a meeting
        titles[kind] = f"新{kind}：三月冲刺"
        assert invoke(monkeypatch, "add", kind, titles[kind], site).exit_code == 0
    assert invoke(monkeypatch, "add", "notice", TRICKY, site).exit_code == 0
    check = invoke(monkeypatch, "check", site)
    assert check.exit_code == 0, check.output
    assert check.stderr == ""  # not one problem, not even a warning
    build(site, clock=lambda: FIXED_NOW)
    out = site / "output"
    assert TRICKY in texts(html(out / "notices/index.html"), "main a")
    for kind, title in titles.items():
        page = out / KINDS[kind] / "index.html"
        if kind in ("notice", "battle", "faq") or page.exists():  # meetings, debriefs, scripts: once they have pages
            assert any(title in text for text in texts(html(page), "main")), kind


def test_file_name_from_a_chinese_title_dated_today(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = invoke(monkeypatch, "add", "notice", "“决胜冬季”年终冲刺方案", site)
    second = invoke(monkeypatch, "add", "notice", "“决胜冬季”年终冲刺方案", site)
    assert first.stdout.strip() == str(site / "content/notices/2026-03-05-决胜冬季-年终冲刺方案.md")
    assert second.stdout.strip() == str(site / "content/notices/2026-03-05-决胜冬季-年终冲刺方案-2.md")


def test_date_is_today_in_the_sites_time_zone(tmp_path: Path, make_site) -> None:
    late_evening_utc = dt.datetime(2026, 3, 5, 17, 30, tzinfo=dt.UTC)  # 01:30 on the 6th in Shanghai
    shanghai = make_site(tmp_path / "sh")
    path, _ = add_document(shanghai, "notice", "夜间通知", late_evening_utc)
    assert path.name == "2026-03-06-夜间通知.md"
    assert yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])["date"] == dt.date(2026, 3, 6)

    toml = (shanghai / "site.toml").read_text(encoding="utf-8").replace("Asia/Shanghai", "America/New_York")
    new_york = make_site(tmp_path / "ny", {"site.toml": toml})
    path, _ = add_document(new_york, "notice", "夜间通知", late_evening_utc)
    assert path.name == "2026-03-05-夜间通知.md"


def test_names_differing_only_in_case_do_not_collide(site: Path) -> None:
    first, _ = add_document(site, "script", "Call Script", FIXED_NOW)
    second, _ = add_document(site, "script", "call script", FIXED_NOW)
    assert (first.name, second.name) == ("Call-Script.md", "call-script-2.md")


@pytest.mark.parametrize("title", [TRICKY, "yes", "null", "2026-03-01", "123", "- item", "a: b", "#hash",
                                   "~", "'single'", '"double"', "tab\there"])
def test_titles_round_trip_through_yaml(title: str) -> None:
    assert yaml.safe_load(yaml_string(title)) == title
    new = plan_document("notice", title, dt.datetime(2026, 3, 5, 9, 0), "zh-CN", {}, set())
    doc, problems = parse_document(new.text, new.path, COLLECTIONS["notices"], Path(new.path).stem)
    assert problems == [] and doc is not None
    assert doc.meta["title"] == title.replace("\t", " ")  # a title is one line, whitespace collapsed


def test_faq_takes_the_first_free_rank(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"content/faq/03-x.md": "---\nquestion: 三\nrank: 3\n---\n"})
    path, new = add_document(site, "faq", "客户说要再考虑", FIXED_NOW)  # baseline holds rank 1
    assert path.name == "02-客户说要再考虑.md"
    assert yaml.safe_load(new.text.split("---")[1])["rank"] == 2
    path, _ = add_document(site, "faq", "第四个问题", FIXED_NOW)
    assert path.name == "04-第四个问题.md"


def test_faq_with_all_ranks_taken_gets_rank_10_and_a_note(tmp_path: Path, make_site,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    files = {f"content/faq/{r:02d}-q.md": f"---\nquestion: 问题{r}\nrank: {r}\n---\n" for r in range(1, 11)}
    site = make_site(tmp_path, files)
    result = invoke(monkeypatch, "add", "faq", "第十一个问题", site)
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("10-第十一个问题.md")
    assert "Note: ranks 1–10 are all taken: rank 10 was given" in result.stderr


def test_meeting_and_debrief_placeholders(site: Path) -> None:
    meeting, new_meeting = add_document(site, "meeting", "三月分析会", FIXED_NOW)
    meta = yaml.safe_load(new_meeting.text.split("---")[1])
    assert meta == {"title": "三月分析会", "date": dt.date(2026, 3, 5), "time": "09:00", "level": "team",
                    "kind": "morning", "unit": None, "host": None, "attendees": None, "agenda": None,
                    "material": None, "evaluation": None}
    _, debrief = add_document(site, "debrief", "一组述职", FIXED_NOW)
    meta = yaml.safe_load(debrief.text.split("---")[1])
    assert meta["meeting"] == meeting.stem
    assert meta["submitted"] == "2026-03-05 20:00"  # 12:00 UTC in Shanghai
    assert meta["status"] is None and meta["redo_by"] is None
    # the seed's debriefing template: results, problems, causes, improvements
    body = debrief.text.split("---", 2)[2]
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings == ["## 成绩", "## 问题", "## 原因", "## 改进"]
    assert debrief.notes == (f"meeting: {meeting.stem} (2026-03-05); change `meeting:` if the debrief is for "
                             "another meeting",)


def test_debrief_without_a_meeting_is_refused(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(monkeypatch, "add", "debrief", "一组述职", site)
    assert result.exit_code == 1
    assert "Error: a debrief belongs to a meeting, and content/meetings/ has none yet" in result.stderr
    assert not (site / "content" / "debriefs").exists()


def test_usage_errors(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert invoke(monkeypatch, "add", "memo", "x", site).exit_code == 2
    empty = invoke(monkeypatch, "add", "notice", "  ", site)
    assert empty.exit_code == 1 and "the title is empty" in empty.stderr
    missing = invoke(monkeypatch, "add", "notice", "x", site / "nowhere")
    assert missing.exit_code == 1 and "no such site folder" in missing.stderr


def test_english_site_gets_english_hints(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path)
    toml = (site / "site.toml").read_text(encoding="utf-8").replace('locale = "zh-CN"', 'locale = "en"')
    (site / "site.toml").write_text(toml, encoding="utf-8")
    _, new = add_document(site, "notice", "Quarter kick-off", FIXED_NOW)
    assert "expires:  # last day shown YYYY-MM-DD; empty: shown until removed" in new.text.splitlines()
    assert new.text.rstrip().endswith("Write the text here (Markdown).")


def test_a_file_dated_after_the_latest_sales_day_is_flagged(tmp_path: Path, make_site,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """In the morning the data stops at yesterday: a notice dated today would not be published yet."""
    site = make_site(tmp_path, {"data/sales.csv": "日期,工号,保费,件数,险种\n2026-03-03,P003,100,1,a\n"})
    result = invoke(monkeypatch, "add", "notice", "三月冲刺", site)
    assert result.exit_code == 0
    assert "Note: 文件日期是 2026-03-05，晚于站点最新业绩日期 2026-03-03" in result.stderr
    assert invoke(monkeypatch, "add", "script", "开场白", site).stderr == ""  # no date, no note


def test_a_file_dated_on_the_latest_sales_day_has_no_note(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke(monkeypatch, "add", "notice", "三月冲刺", site)
    assert result.exit_code == 0 and result.stderr == ""
