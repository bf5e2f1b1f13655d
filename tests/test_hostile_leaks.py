"""Inputs a build must not publish: hidden sheets, links out of the site, stray files, raw phone numbers."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from conftest import BASELINE, FIXED_NOW

from generator.commands.build import build, build_key
from generator.errors import TrackboardError
from generator.inputs.tables import read_xlsx


def test_a_hidden_first_sheet_is_not_the_one_read(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    secret = book.active
    assert secret is not None
    secret.title = "薪酬"
    secret.append(["工号", "工资"])
    secret.append(["E001", 99999])
    secret.sheet_state = "hidden"
    hidden_too = book.create_sheet("底稿")
    hidden_too.append(["x"])
    hidden_too.sheet_state = "veryHidden"
    public = book.create_sheet("客户")
    public.append(["工号", "姓名"])
    public.append(["E001", "张三"])
    path = tmp_path / "people.xlsx"
    book.save(path)
    table = read_xlsx(path)
    assert table.sheet == "客户"
    assert table.headers == ["工号", "姓名"]
    # a sheet named in site.toml is read even when hidden: the user asked for it
    assert read_xlsx(path, "薪酬").headers == ["工号", "工资"]


def _clock() -> dt.datetime:
    return dt.datetime(2026, 6, 30, 12, 0, tzinfo=dt.UTC)


def test_build_json_lists_only_the_inputs_the_build_uses(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {
        "content/notices/2027-裁员名单.docx": "draft",
        "content/notices/~$salary-review.xlsx": "lock",
        "content/notices/welcome.md~": "backup",
        "content/notices/.#welcome.md": "lock",
        "content/notices/notes.swp": "swap",
        "theme/.git/config": "[remote]",
        "theme/static/site.css": "body {}",
        "theme/static/x.tmp": "temp",
    })
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text("PRIVATE KEY", encoding="utf-8")
    (site / "theme" / "static" / "home").symlink_to(home, target_is_directory=True)
    result = build(site, clock=_clock)
    inputs = json.loads((result.out / "build.json").read_text(encoding="utf-8"))["inputs"]
    assert "content/notices/welcome.md" in inputs
    assert "theme/static/site.css" in inputs
    leaked = [name for name in inputs if any(word in name for word in (
        "裁员", "salary", "~", ".#", ".swp", ".git", "id_rsa", ".tmp", ".docx"))]
    assert leaked == []
    published = [p.relative_to(result.out).as_posix() for p in result.out.rglob("*") if p.is_file()]
    assert not [p for p in published if "id_rsa" in p or "x.tmp" in p]


def test_no_link_out_of_the_site_is_followed(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    site = make_site(tmp_path / "site", {"theme/static/site.css": "body {}"})
    (site / "theme" / "static" / "passwd.txt").symlink_to(secret)
    (site / "theme" / "templates").mkdir(parents=True)
    (site / "theme" / "templates" / "base.html").symlink_to(secret)
    result = build(site, clock=_clock)
    assert not (result.out / "static" / "passwd.txt").exists()
    for path in result.out.rglob("*"):
        if path.is_file():
            assert b"root:x:0:0" not in path.read_bytes(), path
    named = {p.file for p in result.site.problems if p.severity == "warning"}
    assert {"theme/static/passwd.txt", "theme/templates/base.html"} <= named


def test_a_mask_phone_build_publishes_no_phone_number_anywhere(tmp_path: Path,
                                                                make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {
        "site.toml": BASELINE["site.toml"] + "\n[profiles.kiosk]\nmask_phone = true\n",
        "data/units.csv": BASELINE["data/units.csv"].replace("一组,HQ", "一组 值班13912345678,HQ"),
        "content/notices/hotline.md": "---\ntitle: 售后热线 139 1111 2222\ndate: 2026-03-01\n---\n\n"
                                      "客户回访请拨 +86 139-3333-4444，或 13800000003。\n",
    })
    result = build(site, profile="kiosk", clock=_clock)
    raw = ["13912345678", "13911112222", "13933334444", "13800000001", "13800000003"]
    found = []
    for path in result.out.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            text = data.replace(b" ", b"").replace(b"-", b"")
            found += [(path.name, number) for number in raw if number.encode() in text]
    assert found == []
    notice = (result.out / "notices" / "hotline" / "index.html").read_text(encoding="utf-8")
    assert "139****4444" in notice and "139****2222" in notice


def test_the_quality_page_of_a_profile_leaves_out_the_datasets_it_excludes(
        tmp_path: Path, make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {
        "site.toml": BASELINE["site.toml"] + '\n[profiles.kiosk]\nmask_phone = true\nexclude = ["talks"]\n',
        "data/talks.csv": "日期,主管,员工,主题,记录\n2026-03-02,P002,P003,绩效,客户电话13955556666\n"
                          "不是日期,P002,P004,绩效,\n",
    })
    full = build(site, out=tmp_path / "full", clock=_clock)
    assert "talks.csv" in (full.out / "quality" / "problems.csv").read_text(encoding="utf-8")
    kiosk = build(site, out=tmp_path / "kiosk", profile="kiosk", clock=_clock)
    for name in ("index.html", "problems.csv"):
        assert "talks.csv" not in (kiosk.out / "quality" / name).read_text(encoding="utf-8"), name


def test_build_json_does_not_name_a_notice_not_yet_published(tmp_path: Path,
                                                              make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {
        "content/notices/2027-裁员通知.md": "---\ntitle: 调整\ndate: 2027-01-01\n---\n\n名单见附件。\n",
    })
    first = build(site, clock=_clock)
    info = json.loads((first.out / "build.json").read_text(encoding="utf-8"))
    assert "content/notices/welcome.md" in info["inputs"]
    assert not [name for name in info["inputs"] if "裁员" in name]
    # an edit to it still counts as a change of the inputs (its digest goes into the build key)
    (site / "content" / "notices" / "2027-裁员通知.md").write_text(
        "---\ntitle: 调整\ndate: 2027-01-01\n---\n\n名单改了。\n", encoding="utf-8")
    assert build_key(build(site, clock=_clock).site) != build_key(first.site)


def test_a_data_file_linked_out_of_the_site_is_not_read(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    """data/ is the editors' folder: a link there to a file elsewhere fails the build with a clear line and
    publishes nothing of it; the same file named in site.toml is read (the owner's decision)."""
    elsewhere = tmp_path / "elsewhere" / "sales.csv"
    elsewhere.parent.mkdir()
    elsewhere.write_text("日期,工号,保费,件数,险种\n2026-03-02,P003,12000,1,秘密险种甲\n", encoding="utf-8")
    site = make_site(tmp_path / "site")
    (site / "data" / "sales.csv").unlink()
    (site / "data" / "sales.csv").symlink_to(elsewhere)
    with pytest.raises(TrackboardError) as failure:
        build(site, out=tmp_path / "out", clock=lambda: FIXED_NOW)
    assert "data/sales.csv：是指向站点文件夹以外的链接，不读取" in failure.value.format_message()
    assert not (tmp_path / "out").exists()

    (site / "data" / "sales.csv").unlink()
    toml = site / "site.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('file = "data/sales.csv"', f'file = "{elsewhere}"'),
                    encoding="utf-8")
    build(site, out=tmp_path / "out", clock=lambda: FIXED_NOW)
    units = (tmp_path / "out" / "daily" / "2026-03-02" / "units.csv").read_text(encoding="utf-8-sig")
    assert units.splitlines()[1].startswith("HQ,测试分公司,,0,12000,")
