"""Every problem check and build report, and the command's own lines, in the site's language: a Chinese site's
editor reads Chinese naming the file, row and column and saying how to fix it; an English site reads English.

The hostile site: a GBK sales file with an impossible date, an unknown seller and a name typed where the 工号
belongs; a duplicate 工号; a targets file without its target column; a site.toml value of the wrong type.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import BASELINE

from generator.cli import main
from generator.i18n import catalogue

PACKAGE = Path(__file__).resolve().parent.parent / "generator"


def invoke(*args: object) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def site_toml(locale: str, big_order: str = "50000") -> str:
    return (BASELINE["site.toml"].replace('locale = "zh-CN"', f'locale = "{locale}"')
            .replace("big_order = 50000", f"big_order = {big_order}"))


# Written by a Chinese Excel: GBK, the full-width ￥ (GBK has no ¥), a date typed 2026/13/01.
HOSTILE_SALES = ("日期,工号,保费,件数,险种\n"
                 "2026-03-02,P003,￥12000,1,金福年金\n"
                 "2026/13/01,P003,100,1,意外险\n"
                 "2026-03-04,P999,100,1,意外险\n"
                 "2026-03-04,王业务,100,1,意外险\n").encode("gbk")


def hostile_site(make_site: Any, path: Path, locale: str, fatal: bool = True) -> Path:
    files: dict[str, str | bytes | None] = {
        "site.toml": site_toml(locale, '"lots"' if fatal else "50000"),
        "data/sales.csv": HOSTILE_SALES,
        "data/people.csv": BASELINE["data/people.csv"] + "P004,赵重复,T2,业务员,见习,2026-02-20,,13800000009\n",
    }
    if fatal:
        files["data/targets.csv"] = "期间,单位,指标\n2026-03,T1,保费\n"
    return make_site(path, files)


CHECK = {
    "zh-CN": (
        [
            "data/people.csv 第 7 行「工号」：id “P004” 与第 5 行重复，这一行不读；请删掉重复的行或改正编号",
            "data/sales.csv 第 3 行「日期」：“2026/13/01”不是日期，请写成“年-月-日”，如 2026-11-20"
            "（也可写 2026/11/20）",
            "data/sales.csv 第 4 行「工号」：人员“P999”不存在（data/people.csv 里没有），请检查编号",
            "data/sales.csv 第 5 行「工号」：人员“王业务”不存在（data/people.csv 里没有），请检查编号；王业务 的编号是 "
            "P003，是不是要填“P003”？",
            "data/targets.csv 第 1 行「target」：缺少必需的列：请加一列，表头写成“target”或“目标”或“目标值”；如果文件里"
            '的表头是别的写法，请在 site.toml 的 [data.targets.columns] 里写 target = "文件里的表头"',
            'site.toml 第 17 行「rules.big_order」：应当是数字，现在是 "lots"（文字）',
        ],
        "已检查 4 个数据文件（14 行）和 3 个 Markdown 文件：6 个错误，0 个提醒。",
    ),
    "en": (
        [
            'data/people.csv:7:工号: duplicate id "P004" (first on row 5)',
            'data/sales.csv:3:日期: "2026/13/01" is not a date (expected YYYY-MM-DD or YYYY/MM/DD)',
            'data/sales.csv:4:工号: unknown person "P999" (not in data/people.csv)',
            'data/sales.csv:5:工号: unknown person "王业务" (not in data/people.csv); 王业务 is P003: did you mean '
            '"P003"?',
            'data/targets.csv:1:target: required column is missing: expected a header "target" or "目标" or "目标值", '
            'or map it in site.toml ([data.targets.columns] target = "your header")',
            'site.toml:17:rules.big_order: expected a number, got "lots" (string)',
        ],
        "Checked 4 data files (14 rows) and 3 Markdown files: 6 error(s), 0 warning(s).",
    ),
}


@pytest.mark.parametrize("locale", CHECK)
def test_check_explains_every_problem_in_the_sites_language(tmp_path: Path, make_site: Any, locale: str) -> None:
    site = hostile_site(make_site, tmp_path / "site", locale)
    result = invoke("check", site)
    problems, summary = CHECK[locale]
    assert result.exit_code == 1
    assert result.stderr.splitlines() == problems
    assert result.stdout.strip() == summary


BUILD_FAILS = {
    "zh-CN": "错误：生成失败：有 2 项输入（文件或数据库查询）无法使用，请按上面的提示改正；已发布的网站保持不变",
    "en": "Error: build failed: 2 input(s) (files or database queries) cannot be used as they are; the previous output is unchanged",
}


@pytest.mark.parametrize("locale", BUILD_FAILS)
def test_a_build_stopped_by_unusable_files_says_so_in_the_sites_language(tmp_path: Path, make_site: Any,
                                                                         locale: str) -> None:
    site = hostile_site(make_site, tmp_path / "site", locale)
    result = invoke("build", site, "--out", tmp_path / "out", "--as-of", "2026-03-05")
    assert result.exit_code == 1
    problems = CHECK[locale][0]
    # The files that stop the build (site.toml, read first, and the targets file), then why nothing was published.
    assert result.stderr.splitlines()[-3:] == [problems[5], problems[4], BUILD_FAILS[locale]]
    assert not (tmp_path / "out").exists()


BUILT = {
    "zh-CN": ("已生成 {pages} 个页面（共 {files} 个文件），位于 {out}，数据截至 2026-03-05。",
              "4 个错误，0 个提醒，4 行未读入：详见 {quality}", "没有提供的数据（相应页面不生成）：", "打开 "),
    "en": ("Built {pages} pages ({files} files) into {out} as of 2026-03-05.",
           "4 error(s), 0 warning(s), 4 row(s) skipped: see {quality}", "Not provided (pages left out): ", "Open "),
}


@pytest.mark.parametrize("locale", BUILT)
def test_a_build_with_skipped_rows_lists_them_and_sums_up_in_the_sites_language(tmp_path: Path, make_site: Any,
                                                                              locale: str) -> None:
    site = hostile_site(make_site, tmp_path / "site", locale, fatal=False)
    out = tmp_path / "out"
    result = invoke("build", site, "--out", out, "--as-of", "2026-03-05")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[-4:] == CHECK[locale][0][:4]
    info = json.loads((out / "build.json").read_text(encoding="utf-8"))
    built, problems, missing, opened = BUILT[locale]
    lines = result.stdout.splitlines()
    assert built.format(pages=info["pages"], files=info["files"], out=out) in lines
    assert problems.format(quality=out / "quality" / "index.html") in lines
    assert any(line.startswith(missing) and "targets" in line for line in lines)
    assert lines[-1] == opened + (out / "index.html").resolve().as_uri()
    # The quality page's CSV gives the same explanations, beside the file, row and column.
    table = list(csv.reader(io.StringIO((out / "quality" / "problems.csv").read_text(encoding="utf-8-sig"))))
    assert sorted(row[4] for row in table[1:]) == sorted(
        line.split("：" if locale == "zh-CN" else ": ", 1)[1] for line in CHECK[locale][0][:4])


AS_OF = {
    "2026-02-30": {"zh-CN": "错误：--as-of 2026-02-30：不是日期，请写成“年-月-日”，如 2026-11-20",
                   "en": "Error: --as-of 2026-02-30: expected a date such as 2026-11-20 (YYYY-MM-DD)"},
    "2300-01-01": {"zh-CN": "错误：--as-of 2300-01-01：日期应在 2000-01-01 到 {last}（今天起一年内）之间",
                   "en": "Error: --as-of 2300-01-01: expected a date from 2000-01-01 to {last} (a year after today)"},
}


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
@pytest.mark.parametrize("as_of", AS_OF)
def test_a_wrong_as_of_date_is_refused_in_the_sites_language(tmp_path: Path, make_site: Any, locale: str,
                                                             as_of: str) -> None:
    import datetime as dt

    site = make_site(tmp_path / "site", {"site.toml": site_toml(locale)})
    result = invoke("build", site, "--as-of", as_of)
    last = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=366)).isoformat()
    assert result.exit_code == (2 if as_of == "2026-02-30" else 1)  # a date that does not exist: a usage error
    assert result.stderr.strip() == AS_OF[as_of][locale].format(last=last)
    assert not (site / "output").exists()


PROFILE = {"zh-CN": "错误：没有名为“scren”的发布配置（profile），是不是“screen”？",
           "en": 'Error: unknown profile "scren"; did you mean "screen"?'}


@pytest.mark.parametrize("locale", PROFILE)
def test_an_unknown_profile_is_named_in_the_sites_language(tmp_path: Path, make_site: Any, locale: str) -> None:
    site = make_site(tmp_path / "site", {"site.toml": site_toml(locale)})
    result = invoke("build", site, "--profile", "scren")
    assert result.exit_code == 1
    assert result.stderr.strip() == PROFILE[locale]


# A locale that is not allowed leaves the default one, Chinese; the English site's mistakes are elsewhere.
SETTINGS = {
    "zh-CN": ('[site]\nlocale = "fr"\n[data.sales]\nencoding = "gbx"\n[rules]\nbig_ordr = 1\n', [
        "site.toml 第 2 行「site.locale」：“fr”不是可以填的值；可填：zh-CN, en",
        "site.toml 第 4 行「data.sales.encoding」：“gbx”不是能识别的编码，常用的有 utf-8、gbk",
        "site.toml 第 6 行「rules.big_ordr」：没有这个设置项，是不是“big_order”？",
    ]),
    "en": ('[site]\nlocale = "en"\ntitle = 5\n[data.sales]\nencoding = "gbx"\n[rules]\nbig_ordr = 1\n', [
        "site.toml:3:site.title: expected a string, got 5 (integer)",
        'site.toml:5:data.sales.encoding: "gbx" is not a known encoding',
        'site.toml:7:rules.big_ordr: unknown key; did you mean "big_order"?',
    ]),
}


@pytest.mark.parametrize("locale", SETTINGS)
def test_site_toml_mistakes_name_the_line_and_key_in_the_sites_language(tmp_path: Path, make_site: Any,
                                                                        locale: str) -> None:
    toml, expected = SETTINGS[locale]
    result = invoke("check", make_site(tmp_path / "site", {"site.toml": toml}))
    assert result.exit_code == 1
    assert [line for line in result.stderr.splitlines() if line.startswith("site.toml")] == expected


# ---------------------------------------------------------------- every problem is made from the catalogue

# Where the problems and errors of check and build are made (the other commands, add, new, notify, serve, theme
# and index, speak English still).
PLACES = ("inputs", "config", "commands/build.py", "commands/check.py", "model.py", "overrides.py", "branding.py",
          "cli.py", "writer.py", "pdfs.py", "pages/screens.py")


def _sources() -> dict[str, str]:
    found = {}
    for place in PLACES:
        path = PACKAGE / place
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            found[file.relative_to(PACKAGE).as_posix()] = file.read_text(encoding="utf-8")
    return found


def test_every_catalogue_key_a_problem_names_exists_in_both_languages() -> None:
    named = {key for source in _sources().values()
             for key in re.findall(r"""["']((?:problem|cli)\.[\w.]+)["']""", source)}
    assert len(named) > 100
    zh, en = catalogue("zh-CN"), catalogue("en")
    assert sorted(k for k in named if k not in en or k not in zh) == []


def test_no_problem_is_made_from_words_outside_the_catalogue() -> None:
    """Problem(...) with a message of its own would be English on a Chinese site: problems are `explained`, and a
    ValueError or FileError raised for the user carries a catalogue entry."""
    raw = []
    for name, source in _sources().items():
        for node in ast.walk(ast.parse(source)):
            if not isinstance(node, ast.Call):
                continue
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if called == "Problem" or (called in ("ValueError", "FileError", "TrackboardError") and node.args
                                       and isinstance(node.args[0], (ast.Constant, ast.JoinedStr))):
                raw.append(f"{name}: {called}({ast.unparse(node.args[0])[:40]}" if node.args else f"{name}: {called}")
    # Told to the program, not to the user: the writer's refusal of a path no page has, and the PDF printer's
    # refusal of a URL outside the site (WeasyPrint's fetcher).
    internal = ("refusing to write", "two pages were made", "not part of the site")
    assert [r for r in raw if not any(words in r for words in internal)] == []


def test_the_chinese_catalogue_explains_problems_in_chinese() -> None:
    """Each problem's Chinese text has Chinese in it (a missed translation is English in both files)."""
    zh, en = catalogue("zh-CN"), catalogue("en")
    untranslated = [k for k in zh if k.startswith(("problem.", "cli.")) and zh[k] == en[k]
                    and re.search(r"[A-Za-z]{3,}", re.sub(r"\{\w+\}", "", en[k]))]
    assert untranslated == []
