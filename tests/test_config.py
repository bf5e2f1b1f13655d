"""site.toml: unknown keys with a suggestion, wrong types naming the key and the type, defaults, profiles."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.config import default_config, load_config, parse_config
from generator.errors import TrackboardError, hint, say
from generator.model import resolve_profile


def messages(text: str) -> list[str]:
    """Every problem of a site.toml, as printed: file:line:key: message."""
    _, problems = parse_config(text)
    return [str(p) for p in problems]


# --- unknown keys, each with its "did you mean" -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[sit]\ntitle = "x"\n', 'site.toml:1:sit: unknown key; did you mean "site"?'),
        ('[site]\ntitle = "x"\nlocal = "en"\n', 'site.toml:3:site.local: unknown key; did you mean "locale"?'),
        ("[rules]\nbig_ordr = 5\n", 'site.toml:2:rules.big_ordr: unknown key; did you mean "big_order"?'),
        ('[data.sales]\nfiel = "data/s.csv"\n', 'site.toml:2:data.sales.fiel: unknown key; did you mean "file"?'),
        (
            '[data.sales.columns]\npremum = "保费"\n',
            'site.toml:2:data.sales.columns.premum: unknown column; did you mean "premium"?',
        ),
        ('[data.sale]\nfile = "data/s.csv"\n', 'site.toml:1:data.sale: unknown name; did you mean "sales"?'),
        ('[profiles.screen]\nmask_phon = true\n',
         'site.toml:2:profiles.screen.mask_phon: unknown key; did you mean "mask_phone"?'),
    ],
    ids=["top", "site", "rules", "data.sales", "columns", "dataset", "profile"],
)
def test_unknown_key_names_it_with_a_suggestion(text: str, expected: str) -> None:
    assert messages(text) == [expected]


def test_unknown_key_without_a_close_match_lists_the_choices() -> None:
    (message,) = messages("[board]\nzzz = 1\n")
    assert message == "site.toml:2:board.zzz: unknown key; expected one of notices, battle"


def test_unknown_column_of_another_dataset_is_checked_against_that_dataset() -> None:
    # "premium" is a sales column, not a people column
    assert messages('[data.people.columns]\npremium = "保费"\n') == [
        "site.toml:2:data.people.columns.premium: unknown column; expected one of "
        "id, name, unit, role, grade, join_date, leave_date, phone"
    ]


def test_every_problem_is_reported_not_only_the_first() -> None:
    text = '[site]\ntitel = "x"\n\n[rules]\nbig_ordr = 1\ntracker_calls = "3"\n'
    assert messages(text) == [
        'site.toml:2:site.titel: unknown key; did you mean "title"?',
        'site.toml:5:rules.big_ordr: unknown key; did you mean "big_order"?',
        'site.toml:6:rules.tracker_calls: expected an integer, got "3" (string)',
    ]


def test_config_problems_are_fatal_errors() -> None:
    _, problems = parse_config("[rules]\nbig_ordr = 5\n")
    assert [(p.severity, p.fatal) for p in problems] == [("error", True)]


# --- wrong types ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[rules]\nbig_order = "50000"\n', 'site.toml:2:rules.big_order: expected a number, got "50000" (string)'),
        ("[site]\ntitle = 5\n", "site.toml:2:site.title: expected a string, got 5 (integer)"),
        ("[rules]\ntracker_calls = 2.5\n", "site.toml:2:rules.tracker_calls: expected an integer, got 2.5 (number)"),
        (
            '[rules]\nquiet_hours = ["21:00", "8"]\n',
            'site.toml:2:rules.quiet_hours: expected a list of times "HH:MM"; item 2 is "8" (string), '
            'not a time "HH:MM"',
        ),
        (
            '[rules]\nquiet_hours = ["25:00", "08:00"]\n',
            'site.toml:2:rules.quiet_hours: expected a list of times "HH:MM"; item 1 is "25:00" (string), '
            'not a time "HH:MM"',
        ),
        ('[rules]\nquiet_hours = ["21:00"]\n', "site.toml:2:rules.quiet_hours: expected 2 items, got 1"),
        ('[rules]\nquiet_hours = "21:00"\n',
         'site.toml:2:rules.quiet_hours: expected a list of times "HH:MM", got "21:00" (string)'),
        ("[rules]\nbig_order = -1\n", "site.toml:2:rules.big_order: must be at least 0, got -1"),
        ('[profiles.screen]\nmask_phone = "yes"\n',
         'site.toml:2:profiles.screen.mask_phone: expected true or false, got "yes" (string)'),
        ('[site]\nlocale = "zh"\n', 'site.toml:2:site.locale: "zh" is not allowed; expected one of zh-CN, en'),
        ('site = "x"\n', 'site.toml:1:site: expected a table, got "x" (string)'),
        ("screens = 5\n", "site.toml:1:screens: expected an array of tables ([[screens]]), got 5 (integer)"),
        ("[data.sales.columns]\npremium = 5\n",
         "site.toml:2:data.sales.columns.premium: expected the header as a non-empty string, got 5 (integer)"),
    ],
    ids=["str-for-number", "number-for-str", "float-for-int", "bad-time", "hour-25", "list-length",
         "str-for-list", "minimum", "str-for-bool", "choice", "table", "array", "column-header"],
)
def test_wrong_type_names_the_key_and_the_type_expected(text: str, expected: str) -> None:
    assert messages(text) == [expected]


def test_a_wrong_value_falls_back_to_the_default() -> None:
    config, _ = parse_config('[rules]\nbig_order = "50000"\nquiet_hours = ["21:00"]\n')
    assert config["rules"]["big_order"] == 50000
    assert config["rules"]["quiet_hours"] == ["21:00", "08:00"]


def test_semantic_checks_name_the_key() -> None:
    text = ('[site]\ntimezone = "Asia/Shanghia"\n\n[data.sales]\nfile = "data/sales.csv"\nsheet = "明细"\n'
            'encoding = "gb9999"\n\n[[screens]]\nname = "lobby"\n\n[[screens]]\nname = "lobby"\n')
    assert messages(text) == [
        'site.toml:2:site.timezone: "Asia/Shanghia" is not a known time zone '
        '(expected an IANA name such as "Asia/Shanghai")',
        'site.toml:13:screens[1].name: screen "lobby" is defined twice',
        "site.toml:6:data.sales.sheet: applies to XLSX files only",
        'site.toml:7:data.sales.encoding: "gb9999" is not a known encoding',
    ]


def test_screen_without_a_name_and_with_an_unknown_slide() -> None:
    assert messages('[[screens]]\ntitle = "大屏"\n\n[[screens]]\nname = "a"\nslides = ["kpi"]\n') == [
        "site.toml:1:screens[0].name: is required",
        'site.toml:6:screens[1].slides: "kpi" is not allowed; did you mean "kpis"?',
    ]


# --- invalid TOML ---------------------------------------------------------------------------------------------


def test_invalid_toml_names_its_line() -> None:
    assert messages('[site]\ntitle = "x"\n\n[rules]\nbig_order = \n') == [
        "site.toml:5: not valid TOML: Invalid value"
    ]


def test_unterminated_string_names_its_line() -> None:
    (message,) = messages('[site]\ntitle = "华东\nlocale = "en"\n')
    assert message.startswith("site.toml:2: not valid TOML: ")


def test_invalid_toml_still_gives_a_usable_default_config() -> None:
    config, problems = parse_config("[site\n")
    assert problems[0].fatal
    assert config == default_config()


# --- defaults -------------------------------------------------------------------------------------------------


def test_defaults_fill_in_everything_not_given() -> None:
    config, problems = parse_config('[site]\ntitle = "华东分公司业绩追踪"\n')
    assert problems == []
    assert config["site"] == {
        "title": "华东分公司业绩追踪", "subtitle": "", "locale": "zh-CN", "timezone": "Asia/Shanghai",
        "currency": "CNY", "base_url": "",
    }
    # The contract keys of SPEC.md with their defaults; further rules keep their own defaults.
    assert {k: config["rules"][k] for k in ("big_order", "tracker_calls", "tracker_sms", "quiet_hours")} == {
        "big_order": 50000, "tracker_calls": 3, "tracker_sms": 3, "quiet_hours": ["21:00", "08:00"]}
    assert config["board"] == {"notices": 10, "battle": 6}
    assert config["data"] == {}
    assert config["screens"] == []


def test_contract_keys_of_the_spec_are_accepted() -> None:
    text = """\
[site]
title = "华东分公司业绩追踪"
locale = "zh-CN"
timezone = "Asia/Shanghai"
currency = "CNY"

[data.sales]
file = "data/sales.xlsx"
sheet = "明细"
[data.sales.columns]
date = "日期"
person = "工号"
premium = "保费"

[data.people]
encoding = "gb18030"

[rules]
big_order = 50000
tracker_calls = 3
tracker_sms = 3
quiet_hours = ["21:00", "08:00"]

[[screens]]
name = "lobby"
slides = ["kpis", "leaderboard", "battle", "notices", "chart"]
seconds = 15
refresh_seconds = 60

[profiles.screen]
mask_phone = true
exclude = ["people", "receivables"]
"""
    config, problems = parse_config(text)
    assert problems == []
    assert config["data"]["sales"] == {"file": "data/sales.xlsx", "sheet": "明细", "encoding": None,
                                       "columns": {"date": "日期", "person": "工号", "premium": "保费"},
                                       "sql": None, "table": None, "connection": None}
    assert config["data"]["people"]["encoding"] == "gb18030"
    assert config["screens"] == [{"name": "lobby", "title": "", "seconds": 15, "refresh_seconds": 60,
                                  "slides": ["kpis", "leaderboard", "battle", "notices", "chart"], "unit": ""}]
    assert config["profiles"]["screen"] == {"title": "", "mask_phone": True, "exclude": ["people", "receivables"],
                                            "units": [], "totals_above": False}


def test_missing_site_toml_means_defaults_with_a_warning(tmp_path) -> None:
    config, problems = load_config(tmp_path)
    assert config == default_config()
    assert [(str(p), p.severity) for p in problems] == [("site.toml: not found; using the defaults", "warning")]


def test_site_toml_with_a_bom_is_read(tmp_path) -> None:
    (tmp_path / "site.toml").write_bytes('\ufeff[site]\ntitle = "华东"\n'.encode())
    config, problems = load_config(tmp_path)
    assert problems == []
    assert config["site"]["title"] == "华东"


def test_site_toml_not_in_utf8_is_a_clear_error(tmp_path) -> None:
    (tmp_path / "site.toml").write_bytes('[site]\ntitle = "华东分公司"\n'.encode("gb18030"))
    _, problems = load_config(tmp_path)
    assert [str(p) for p in problems] == ["site.toml: is not UTF-8 text; save it as UTF-8"]


# --- profiles -------------------------------------------------------------------------------------------------


def test_builtin_and_configured_profiles() -> None:
    config, _ = parse_config('[profiles.wall]\nmask_phone = true\nexclude = ["faq"]\n')
    assert resolve_profile(config, "wall") == {"title": "", "mask_phone": True, "exclude": ["faq"], "units": [],
                                             "totals_above": False}
    assert resolve_profile(config, "screen")["mask_phone"] is True
    assert resolve_profile(config, None)["exclude"] == []


def test_unknown_profile_is_an_error_with_a_suggestion() -> None:
    with pytest.raises(TrackboardError) as info:
        resolve_profile(default_config(), "scren")
    assert info.value.format_message() == "没有名为“scren”的发布配置（profile），是不是“screen”？"  # the default locale
    assert str(say("cli.unknown_profile", hint("scren", ["screen"]), name="scren")) == \
        'unknown profile "scren"; did you mean "screen"?'


def test_unknown_profile_on_the_command_line(site) -> None:
    result = CliRunner().invoke(main, ["build", str(site), "--profile", "scren"])
    assert result.exit_code == 1
    assert result.stderr.strip() == "错误：没有名为“scren”的发布配置（profile），是不是“screen”？"
    assert "Traceback" not in result.output
    assert not (site / "output").exists()


def test_config_error_stops_check_and_build(site) -> None:
    (site / "site.toml").write_text('[site]\ntitel = "x"\n', encoding="utf-8")
    runner = CliRunner()
    check = runner.invoke(main, ["check", str(site)])
    assert check.exit_code == 1
    assert "site.toml 第 2 行「site.titel」：没有这个设置项，是不是“title”？" in check.stderr.splitlines()
    build = runner.invoke(main, ["build", str(site)])
    assert build.exit_code == 1
    assert "site.toml 第 2 行「site.titel」：没有这个设置项，是不是“title”？" in build.stderr.splitlines()
    assert "Traceback" not in build.output
    assert not (site / "output").exists()
