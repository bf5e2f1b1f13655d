"""The command line: check, build, new; exit codes; never a traceback; the example site."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import BASELINE, html, texts

from generator.cli import main

REPO = Path(__file__).resolve().parents[1]


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


# --- check ----------------------------------------------------------------------------------------------------


def test_check_clean_site(site: Path) -> None:
    result = invoke("check", site)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout.strip() == "已检查 3 个数据文件（11 行）和 3 个 Markdown 文件：0 个错误，0 个提醒。"


def test_check_prints_every_problem_and_exits_1(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {
        "data/sales.csv": BASELINE["data/sales.csv"] + "2026-13-01,P003,100,1,a\n2026-03-04,P999,1,1,a\n",
        "data/people.csv": BASELINE["data/people.csv"] + "P006,新人,T1,boss,,,,\n",
        "content/notices/bad.md": "---\ndate: 2026-03-01\n---\n",
        "content/notices/typo.md": "---\ntitle: 通知\ndate: 2026-03-01\npined: true\n---\n",
    })
    result = invoke("check", site)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [  # errors first, by file and row; then warnings
        "content/notices/bad.md 第 1 行「title」：必填字段，不能为空",
        "data/people.csv 第 7 行「岗位」：“boss”不是 role 可以填的值，可填：agent, supervisor, manager, tracker, staff"
        "（或 业务员, 主管, 经理, 督办, 内勤）",
        "data/sales.csv 第 5 行「日期」：“2026-13-01”不是日期，请写成“年-月-日”，如 2026-11-20（也可写 2026/11/20）",
        "data/sales.csv 第 6 行「工号」：人员“P999”不存在（data/people.csv 里没有），请检查编号",
        "content/notices/typo.md 第 4 行「pined」：没有这个字段，是不是“pinned”？",
    ]
    assert result.stdout.strip() == "已检查 3 个数据文件（14 行）和 4 个 Markdown 文件：4 个错误，1 个提醒。"


def test_check_with_only_warnings_exits_0(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {"content/notices/typo.md": "---\ntitle: 通知\ndate: 2026-03-01\npined: true\n---\n"})
    result = invoke("check", site)
    assert result.exit_code == 0
    assert result.stderr.splitlines() == ["content/notices/typo.md 第 4 行「pined」：没有这个字段，是不是“pinned”？"]


def test_check_missing_site_folder(tmp_path: Path) -> None:
    result = invoke("check", tmp_path / "nowhere")
    assert result.exit_code == 1
    assert result.stderr.strip() == f"错误：{tmp_path / 'nowhere'}：没有这个站点文件夹"  # the default locale's


def test_check_folder_without_anything(tmp_path: Path) -> None:
    result = invoke("check", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [  # no site.toml: the default locale's words
        "data/people.csv：找不到这个文件：people 数据是必需的，请放入 data/people.csv 或 data/people.xlsx",
        "data/units.csv：找不到这个文件：units 数据是必需的，请放入 data/units.csv 或 data/units.xlsx",
        "site.toml：找不到这个文件，全部使用默认设置",
    ]


# --- no traceback, ever ---------------------------------------------------------------------------------------

BAD_INPUTS = {
    "binary-csv": {"data/sales.csv": b"PK\x03\x04\x14\x00\x00\x00\x08\x00\xff\xfe\x00garbage"},
    "random-bytes": {"data/sales.csv": bytes(range(128, 256)) * 20},
    "empty-csv": {"data/units.csv": ""},
    "header-only": {"data/units.csv": "单位编码,单位名称,上级单位\n"},
    "only-blank-lines": {"data/sales.csv": "\n\n,,,\n"},
    "bad-toml": {"site.toml": "[site\ntitle = 1\n"},
    "toml-not-utf8": {"site.toml": '[site]\ntitle = "华东"\n'.encode("gb18030")},
    "unknown-keys": {"site.toml": '[sites]\ntitle = "x"\n[data.sales]\nsheet = 5\n'},
    "bad-yaml": {"content/notices/welcome.md": "---\ntitle: [a\n---\n"},
    "yaml-impossible-date": {"content/notices/welcome.md": "---\ntitle: a\ndate: 2026-02-30\n---\n"},
    "yaml-list": {"content/notices/welcome.md": "---\n- a\n- b\n---\n"},
    "yaml-nested-title": {"content/notices/welcome.md": "---\ntitle: {a: 1}\ndate: 2026-03-01\n---\n"},
    "content-not-utf8": {"content/notices/welcome.md": b"---\ntitle: \xff\xfe\xfd\n---\n"},
    "xlsx-not-a-workbook": {"data/sales.csv": None, "data/sales.xlsx": b"not a zip",
                            "site.toml": BASELINE["site.toml"].replace("data/sales.csv", "data/sales.xlsx")},
    "wrong-encoding": {"site.toml": BASELINE["site.toml"].replace('file = "data/sales.csv"',
                                                                  'file = "data/sales.csv"\nencoding = "ascii"')},
    "cycle": {"data/units.csv": "单位编码,单位名称,上级单位\nA,甲,B\nB,乙,A\n"},
    "no-people": {"data/people.csv": None},
    "ragged-and-quotes": {"data/sales.csv": '日期,工号,保费\n"2026-03-01,P003,1\n2026-03-02,P003,"2,3",x,y\n'},
    "folder-named-like-csv": {"data/people.csv": None, "data/people.csv/part1.csv": "x"},
    "configured-file-is-a-folder": {"data/sales.csv": None, "data/sales.csv/x.txt": "x"},
    "folder-named-like-md": {"content/notices/folder.md/readme.txt": "x"},
    "huge-amount": {"data/sales.csv": "日期,工号,保费,件数,险种\n2026-03-01,P003,1e400,1,a\n2026-03-01,P003,nan,1,a\n"},
}


@pytest.mark.parametrize("files", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_no_traceback_for_any_bad_input(tmp_path: Path, make_site, files) -> None:
    site = make_site(tmp_path / "site", files)
    checked = invoke("check", site)
    assert checked.exit_code in (0, 1), checked.output
    assert checked.exception is None or isinstance(checked.exception, SystemExit), repr(checked.exception)
    assert "Traceback" not in checked.output
    built = invoke("build", site, "--as-of", "2026-03-05")
    assert built.exit_code in (0, 1), built.output
    assert built.exception is None or isinstance(built.exception, SystemExit), repr(built.exception)
    assert "Traceback" not in built.output
    if checked.exit_code == 1:  # every error check reports is one the build stops on or skips
        assert built.exit_code == 1 or "个错误" in built.stdout


def test_broken_theme_override_is_reported_without_traceback(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path / "site", {
        "theme/templates/faq.html": '{% extends "base.html" %}{% block main %}{{ nosuch.field }}{% endblock %}'})
    built = invoke("build", site)
    assert built.exit_code == 1
    assert built.exception is None or isinstance(built.exception, SystemExit), repr(built.exception)


def test_bad_as_of_is_a_usage_error(site: Path) -> None:
    result = invoke("build", site, "--as-of", "2026-02-30")
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stderr.strip() == "错误：--as-of 2026-02-30：不是日期，请写成“年-月-日”，如 2026-11-20"


@pytest.mark.slow
def test_real_process_python_m_generator(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path / "site", {"data/sales.csv": BASELINE["data/sales.csv"] + "2026-13-01,P003,1,1,a\n"})
    process = subprocess.run([sys.executable, "-m", "generator", "check", str(site)], capture_output=True,
                             text=True, encoding="utf-8", timeout=60)
    assert process.returncode == 1
    assert process.stderr.splitlines() == [
        "data/sales.csv 第 5 行「日期」：“2026-13-01”不是日期，请写成“年-月-日”，如 2026-11-20（也可写 2026/11/20）"]
    assert "Traceback" not in process.stderr
    broken = make_site(tmp_path / "broken", {"data/units.csv": b"\x00\x01binary"})
    process = subprocess.run([sys.executable, "-m", "generator", "build", str(broken)], capture_output=True,
                             text=True, encoding="utf-8", timeout=60)
    assert process.returncode == 1
    assert process.stderr.splitlines()[0] == (
        "data/units.csv：不是 CSV 文本文件（是不是把 Excel 文件改成了 .csv 的名字？）；请在 Excel 里“另存为 CSV”")
    assert "Traceback" not in process.stderr
    assert not (broken / "output").exists()


def test_real_process_build_ends_with_its_summary_the_whole_site_and_the_right_status(site: Path) -> None:
    # The command leaves without the interpreter's teardown (generator/__main__.py): what it printed, what it
    # wrote and its exit status must all be as a normal exit would leave them.
    process = subprocess.run([sys.executable, "-m", "generator", "build", str(site), "--out", str(site / "out")],
                             capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert process.returncode == 0, process.stderr
    assert process.stdout.splitlines()[-1].startswith("打开 file://")
    assert any(line.startswith("已生成 ") for line in process.stdout.splitlines())
    in_process = invoke("build", str(site), "--out", str(site / "in-process"))
    assert in_process.exit_code == 0

    def listing(folder: Path) -> list[str]:
        return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert listing(site / "out") == listing(site / "in-process")  # the search index too
    usage = subprocess.run([sys.executable, "-m", "generator", "build", str(site), "--as-of", "soon"],
                           capture_output=True, text=True, encoding="utf-8", timeout=60)
    assert usage.returncode == 2 and "--as-of" in usage.stderr


def test_a_reader_that_leaves_early_does_not_stop_the_build(site: Path, tmp_path: Path) -> None:
    # `trackboard build | head -1`, or less quit before the end: the build finishes, the site is published.
    import os

    out = tmp_path / "out"
    with (tmp_path / "stderr").open("wb") as err:
        process = subprocess.Popen([sys.executable, "-m", "generator", "build", str(site), "--out", str(out)],
                                   stdout=subprocess.PIPE, stderr=err, env={**os.environ, "CI": "true"})
        assert process.stdout is not None
        assert process.stdout.readline().startswith(b"load")
        process.stdout.close()
        assert process.wait(timeout=120) == 0, (tmp_path / "stderr").read_text(encoding="utf-8")
    assert (out / "build.json").is_file() and (out / "daily" / "index.html").is_file()


def test_leaving_with_a_message_prints_it_and_exits_1() -> None:
    process = subprocess.run([sys.executable, "-c", "from generator.__main__ import leave; leave('no such site')"],
                             capture_output=True, text=True, timeout=60)
    assert process.returncode == 1 and process.stderr == "no such site\n"


def test_version_and_help() -> None:
    assert invoke("--version").exit_code == 0
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("build", "check", "new"):
        assert command in result.stdout


# --- new ------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_new_creates_a_site_that_builds(tmp_path: Path) -> None:
    target = tmp_path / "branch"
    created = invoke("new", target)
    assert created.exit_code == 0, created.output
    assert created.stdout.splitlines()[-1] == f"Build it with: trackboard build {target}"
    assert (target / "site.toml").is_file()
    assert not (target / "generator").exists() and not (target / "tests").exists()
    assert invoke("check", target).exit_code == 0
    built = invoke("build", target)
    assert built.exit_code == 0, built.output
    assert (target / "output" / "index.html").is_file()
    # Kept in git, the site shows its own files only: not the output, the cache or a build's folders beside it.
    (target / ".trackboard-spare-output").mkdir()
    subprocess.run(["git", "init", "-q", str(target)], check=True)
    status = subprocess.run(["git", "-C", str(target), "status", "--porcelain", "--untracked-files=normal"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert sorted(status[1::2]) == [".gitignore", "content/", "data/", "site.toml", "theme/"]


def test_new_into_a_non_empty_folder_fails_cleanly(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    result = invoke("new", tmp_path)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"Error: {tmp_path} already exists and is not empty; choose a new folder"
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_new_into_an_empty_existing_folder(tmp_path: Path) -> None:
    result = invoke("new", tmp_path)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site.toml").is_file()


# --- the example site at the repository root ------------------------------------------------------------------


def test_example_site_checks_clean() -> None:
    result = invoke("check", REPO)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip().endswith("：0 个错误，0 个提醒。")


@pytest.mark.slow
def test_example_site_builds(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke("build", REPO, "--out", out)
    assert result.exit_code == 0, result.output
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    assert info["problems"] == {"errors": 0, "warnings": 0, "skipped_rows": 0}
    assert "data/sales.csv" in info["inputs"]
    faq = html(out / "faq" / "index.html")
    assert len(texts(faq, ".faq-entry h2")) == 10
    assert [int(t.split()[0]) for t in texts(faq, ".faq-entry h2")] == list(range(1, 11))
    assert texts(html(out / "index.html"), "ul.notices > li > a")


def test_check_suggests_the_id_of_the_person_whose_name_was_typed(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path, {
        "data/sales.csv": BASELINE["data/sales.csv"] + "2026-03-04,王业务,1,1,a\n2026-03-04,P0O3,1,1,a\n",
    })
    lines = invoke("check", site).stderr.splitlines()
    assert ("data/sales.csv 第 5 行「工号」：人员“王业务”不存在（data/people.csv 里没有），请检查编号；"
            "王业务 的编号是 P003，是不是要填“P003”？") in lines
    assert ("data/sales.csv 第 6 行「工号」：人员“P0O3”不存在（data/people.csv 里没有），请检查编号，"
            "是不是“P003”？") in lines
