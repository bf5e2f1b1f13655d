"""A site's own look: [branding] colours and logo on every page, screen and chart; template overrides block by
block; `trackboard theme list`; `trackboard new` carries the example site's theme/."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urljoin

import pytest
from click.testing import CliRunner
from conftest import AS_OF, BASELINE, html, serve_folder, texts, write_files

from generator.branding import DEFAULT_CHART, Branding, contrast, from_config
from generator.cli import main
from generator.commands.build import build
from generator.commands.check import check
from generator.config import default_config, parse_config
from generator.errors import TrackboardError

REPO = Path(__file__).resolve().parents[1]
CRIMSON, NAVY, WINE = "#a6192e", "#1f4e79", "#1f0c10"
LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="40" height="40">'
        '<rect width="10" height="10" fill="#ffffff"/></svg>\n')
BRANDING = f"""
[branding]
logo = "theme/logo.svg"
primary = "{CRIMSON}"
accent = "{NAVY}"
screen_background = "{WINE}"

[[screens]]
name = "lobby"
slides = ["kpis", "notices", "chart"]
"""
# Replaces one block of the built-in board and one slide kind of the screen, nothing else.
BOARD_OVERRIDE = """{% extends "builtin/board.html" %}
{% block notices %}<section class="panel branch-notices"><h2>分公司通知栏</h2><p>{{ notices | length }} 条</p></section>
{% endblock %}
"""
SCREEN_OVERRIDE = """{% extends "builtin/screen.html" %}
{% block slide_notices %}<p class="branch-slide">本屏通知 {{ slide.notices | length }} 条</p>{% endblock %}
"""


def invoke(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def branded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A built site with its own colours, logo, one board block and one slide kind of its own."""
    root = tmp_path_factory.mktemp("branded")
    files: dict[str, str | bytes | None] = dict(BASELINE)
    files["site.toml"] = BASELINE["site.toml"] + BRANDING
    files["theme/logo.svg"] = LOGO
    files["theme/templates/board.html"] = BOARD_OVERRIDE
    files["theme/templates/screen.html"] = SCREEN_OVERRIDE
    write_files(root / "site", files)
    build(root / "site", out=root / "out", as_of=AS_OF)
    return root / "out"


# --- the colours and the logo reach every kind of page -------------------------------------------------------


@pytest.mark.slow
def test_the_colours_are_published_and_every_stylesheet_reads_them(branded: Path) -> None:
    css = (branded / "static" / "branding.css").read_text(encoding="utf-8")
    assert f"--brand-primary: {CRIMSON};" in css
    assert f"--brand-accent: {NAVY};" in css
    assert f"--brand-screen-background: {WINE};" in css
    style = (branded / "static" / "style.css").read_text(encoding="utf-8")
    assert "--primary: var(--brand-primary, #1d232b);" in style
    assert ".masthead { background: var(--primary);" in style
    screen_css = (branded / "static" / "screen.css").read_text(encoding="utf-8")
    assert "--bg: var(--brand-screen-background, #0d1b2a);" in screen_css
    board = html(branded / "index.html")
    assert [n.attributes["href"] for n in board.css('link[rel="stylesheet"]')] == [
        "static/style.css", "static/branding.css"]


@pytest.mark.slow
@pytest.mark.parametrize(("page", "root"), [("index.html", ""), ("units/T1/index.html", "../../"),
                                            ("faq/index.html", "../")])
def test_the_logo_is_in_the_masthead_of_every_page_kind(branded: Path, page: str, root: str) -> None:
    logos = html(branded / page).css(".masthead .brand img.logo")
    assert [n.attributes["src"] for n in logos] == [f"{root}static/branding/logo.svg"]
    assert (branded / "static" / "branding" / "logo.svg").read_text(encoding="utf-8") == LOGO


@pytest.mark.slow
def test_the_screen_wears_the_colours_logo_and_chart_colour(branded: Path) -> None:
    screen = branded / "screen" / "lobby" / "index.html"
    tree = html(screen)
    assert [n.attributes["src"] for n in tree.css("header.bar img.logo")] == ["../../static/branding/logo.svg"]
    assert "../../static/branding.css" in [n.attributes["href"] for n in tree.css('link[rel="stylesheet"]')]
    chart = tree.css_first(".screen-chart svg")
    assert chart is not None
    # The wall's chart is drawn in the screens' dark theme (charts.py), made to read across a room on any
    # dark background: neither the pages' default blue nor the house colour, which a dark wall may swallow.
    assert "#4cc9f0" in chart.html and DEFAULT_CHART not in chart.html and CRIMSON not in chart.html


@pytest.mark.slow
def test_the_charts_draw_their_main_series_in_the_primary_colour(branded: Path) -> None:
    svg = (branded / "units" / "T1" / "trend.svg").read_text(encoding="utf-8")
    line = re.findall(r'<path[^>]*stroke="(#[0-9a-f]{6})"[^>]*stroke-width="2"', svg)
    assert line == [CRIMSON]
    assert DEFAULT_CHART not in svg


def test_without_branding_the_built_in_colours_are_kept() -> None:
    branding = from_config(default_config()["branding"])
    assert branding == Branding()
    assert (branding.primary, branding.accent, branding.screen_background, branding.logo) == (
        "#1d232b", "#b3261e", "#0d1b2a", "")
    assert branding.chart == DEFAULT_CHART == "#2563eb"  # the built-in blue charts
    assert "--brand-primary: #1d232b;" in branding.css()


def test_a_house_colour_also_draws_the_charts_and_the_screen_bar() -> None:
    section = {**default_config()["branding"], "primary": "#A6192E"}
    branding = from_config(section)
    assert (branding.primary, branding.chart, branding.screen_bar) == (CRIMSON, CRIMSON, CRIMSON)
    assert branding.screen_panel == Branding().screen_panel  # the built-in screen background keeps its tiles


# --- the settings are checked --------------------------------------------------------------------------------


def _problems(toml: str, root: Path | None = None) -> list[str]:
    return [str(p) for p in parse_config(toml, root=root)[1]]


@pytest.mark.parametrize(("key", "legible", "too_light"), [
    ("primary", "#767676", "#777777"),  # white text: 4.54:1 and 4.48:1
    ("accent", "#767676", "#777777"),
    ("screen_background", "#6a6a6a", "#6b6b6b"),  # white text on the screens' tiles: 4.54:1 and 4.48:1
])
def test_a_colour_must_leave_its_text_legible(key: str, legible: str, too_light: str) -> None:
    assert _problems(f'[branding]\n{key} = "{legible}"\n') == []
    problems = _problems(f'[branding]\n{key} = "{too_light}"\n')
    assert len(problems) == 1
    assert problems[0].startswith(f"site.toml:2:branding.{key}: {too_light} is too light for ")
    assert "WCAG AA needs 4.5:1" in problems[0]
    config, _ = parse_config(f'[branding]\n{key} = "{too_light}"\n')
    assert config["branding"][key] == getattr(Branding(), key)  # the built-in colour after the error


def test_the_contrast_is_wcag_s() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("value", ["red", "#12345", "#gggggg", "a6192e", ""])
def test_a_colour_that_is_not_hex_is_an_error_naming_the_key(value: str) -> None:
    assert _problems(f'[branding]\naccent = "{value}"\n') == [
        f'site.toml:2:branding.accent: "{value}" is not a hex colour (expected "#rrggbb", e.g. "#b3261e")']


def test_short_hex_colours_are_read_in_full() -> None:
    config, problems = parse_config('[branding]\nprimary = "#A12"\n')
    assert problems == []
    assert from_config(config["branding"]).primary == "#aa1122"


@pytest.mark.parametrize(("logo", "content", "message"), [
    ("theme/missing.svg", None, '"theme/missing.svg" not found'),
    ("../outside.svg", None, '"../outside.svg" is outside the site folder'),
    ("theme/logo.gif", b"GIF89a", '"theme/logo.gif" is not an SVG or PNG file'),
    ("theme/logo.png", b"<svg/>", '"theme/logo.png" is not a PNG image'),
    ("theme/logo.svg", b"plain text", '"theme/logo.svg" is not an SVG image'),
])
def test_a_logo_that_cannot_be_shown_is_an_error(tmp_path: Path, logo: str, content: bytes | None,
                                                 message: str) -> None:
    site = tmp_path / "site"
    (site / "theme").mkdir(parents=True)
    (tmp_path / "outside.svg").write_text(LOGO, encoding="utf-8")
    if content is not None:
        (site / logo).write_bytes(content)
    problems = _problems(f'[site]\ntitle = "x"\n\n[branding]\nlogo = "{logo}"\n', root=site)
    assert len(problems) == 1
    assert problems[0].startswith(f"site.toml:5:branding.logo: {message}")


def test_a_logo_linked_out_of_the_site_is_refused(tmp_path: Path) -> None:
    """The logo is published: a link to a file elsewhere (`/etc/…`) would publish that file."""
    (tmp_path / "secret.svg").write_text(LOGO, encoding="utf-8")
    site = tmp_path / "site"
    (site / "theme").mkdir(parents=True)
    (site / "theme" / "logo.svg").symlink_to(tmp_path / "secret.svg")
    assert _problems('[branding]\nlogo = "theme/logo.svg"\n', root=site) == [
        'site.toml:2:branding.logo: "theme/logo.svg" is outside the site folder; put the logo in the site '
        '(e.g. "theme/logo.svg")']


def test_a_png_logo_is_published_as_png(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "theme").mkdir(parents=True)
    (site / "theme" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(16))
    config, problems = parse_config('[branding]\nlogo = "theme/logo.png"\n', root=site)
    assert problems == []
    assert from_config(config["branding"]).logo == "static/branding/logo.png"


# --- override one block, keep the rest ------------------------------------------------------------------------


@pytest.mark.slow
def test_an_overridden_block_replaces_only_itself(branded: Path) -> None:
    board = html(branded / "index.html")
    assert texts(board, ".branch-notices h2") == ["分公司通知栏"]
    assert texts(board, ".branch-notices p") == ["1 条"]
    assert board.css("#board-notices") == []  # the built-in notices panel is gone
    # Every block the site did not name is the built-in one: a later fix to them reaches the site.
    assert texts(board, "#board-battle") == ["最新战报"]
    assert board.css("section.kpis") != []
    assert texts(board, "h1") == ["测试分公司"]
    assert board.css("footer.footer") != [] and board.css(".masthead nav") != []


@pytest.mark.slow
def test_a_slide_kind_is_overridden_with_the_slide_in_scope(branded: Path) -> None:
    screen = html(branded / "screen" / "lobby" / "index.html")
    assert texts(screen, ".slide-notices .branch-slide") == ["本屏通知 1 条"]
    assert screen.css(".slide-notices .notice-list") == []
    assert screen.css(".slide-kpis .big-tiles") != []  # the other kinds are the built-in ones


@pytest.mark.parametrize(("name", "template", "message"), [
    ("board.html", '{% extends "builtin/board.html" %}{% block foo %}x{% endblock %}',
     "theme/templates/board.html: block 'foo' does not exist in the built-in board.html; blocks: alerts, awards, "
     "battle, campaigns, faq, footer, head, header, kpis, main, manpower, notices, remedies, summons, title"),
    ("faq.html", '{% extends "base.html" %}{% block mian %}x{% endblock %}',
     "theme/templates/faq.html: block 'mian' does not exist in the built-in base.html; blocks: footer, head, "
     "header, main"),
    ("board.html", '{% extends "builtin/bord.html" %}',
     'theme/templates/board.html: extends "builtin/bord.html", which is not a built-in template; built-in '
     "templates: _board_reading.html, _brief_links.html"),
    ("board.html", '{% extends "builtin/board.html" %}{% block notices %}',
     "theme/templates/board.html: line 1: Unexpected end of template."),
])
def test_an_override_that_cannot_be_used_is_an_error(tmp_path: Path, make_site: Callable[..., Path], name: str,
                                                     template: str, message: str) -> None:
    site = make_site(tmp_path / "site", {f"theme/templates/{name}": template})
    errors = [str(p.localized("en")) for p in check(site, AS_OF).errors]  # as an English site shows them
    assert len(errors) == 1
    assert errors[0].startswith(message)
    with pytest.raises(TrackboardError):
        build(site, out=tmp_path / "out", as_of=AS_OF)
    assert not (tmp_path / "out").exists()


def test_a_whole_template_replaced_in_the_old_way_still_works(tmp_path: Path, make_site: Callable[..., Path]
                                                              ) -> None:
    site = make_site(tmp_path / "site", {"theme/templates/_masthead.html": "<header>自家页头</header>\n"})
    assert check(site, AS_OF).errors == []
    assert "_masthead.html: no blocks  [whole template replaced by theme/templates/_masthead.html]" in (
        invoke("theme", "list", site).output)


# --- trackboard theme list, trackboard new --------------------------------------------------------------------


def test_theme_list_marks_the_blocks_a_site_replaces(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {"theme/templates/board.html": BOARD_OVERRIDE,
                                         "theme/templates/_hotline.html": "<p>热线</p>"})
    result = invoke("theme", "list", site)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Built-in templates and their blocks (* replaced by the site's theme/templates/):"
    assert ("board.html: alerts, awards, battle, campaigns, faq, kpis, main, manpower, notices*, remedies, summons, "
            "title; and base.html's: footer, head, header  [blocks replaced by theme/templates/board.html]") in lines
    assert "base.html: footer, head, header, main" in lines
    assert ("screen.html: bar, slide_awards, slide_battle, slide_campaign, slide_chart, slide_kpis, "
            "slide_leaderboard, slide_notices") in lines
    assert lines[-2:] == ["The site's own templates:", "  theme/templates/_hotline.html"]


def test_theme_list_fails_on_an_unknown_block(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    site = make_site(tmp_path / "site", {
        "theme/templates/board.html": '{% extends "builtin/board.html" %}{% block foo %}{% endblock %}'})
    result = invoke("theme", "list", site)
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(
        "Error: theme/templates/board.html: block 'foo' does not exist in the built-in board.html")


def test_the_example_site_s_theme_is_valid() -> None:
    result = invoke("theme", "list", REPO)
    assert result.exit_code == 0, result.output
    assert "base.html: footer*, head, header, main  [blocks replaced by theme/templates/base.html]" in (
        result.output.splitlines())
    config, problems = parse_config((REPO / "site.toml").read_text(encoding="utf-8"), root=REPO)
    assert problems == []
    assert from_config(config["branding"]).logo == "static/branding/logo.svg"


def test_new_copies_the_example_theme(tmp_path: Path) -> None:
    result = invoke("new", tmp_path / "mysite")
    assert result.exit_code == 0, result.output
    site = tmp_path / "mysite"
    for part in ("theme/logo.svg", "theme/templates/base.html"):
        assert (site / part).read_bytes() == (REPO / part).read_bytes()
    config, problems = parse_config((site / "site.toml").read_text(encoding="utf-8"), root=site)
    assert problems == []  # the copied site.toml's logo is found in the copied theme/
    assert config["branding"]["logo"] == "theme/logo.svg"


# --- in a real browser --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def branded_server(branded: Path) -> Iterator[str]:
    with serve_folder(branded) as url:
        yield url


@pytest.mark.slow
@pytest.mark.browser
def test_the_browser_shows_the_house_colour_and_the_logo(chromium, branded_server: str) -> None:
    page = chromium.new_page(viewport={"width": 1366, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(branded_server + "index.html")
    page.wait_for_load_state("networkidle")
    assert page.eval_on_selector(".masthead", "e => getComputedStyle(e).backgroundColor") == "rgb(166, 25, 46)"
    logo = page.locator(".masthead img.logo")
    assert logo.is_visible()
    assert logo.evaluate("e => e.complete && e.naturalWidth") > 0
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(branded_server + "screen/lobby/index.html")
    page.wait_for_load_state("networkidle")
    assert page.eval_on_selector("html", "e => getComputedStyle(e).backgroundColor") == "rgb(31, 12, 16)"
    assert page.eval_on_selector("header.bar", "e => getComputedStyle(e).backgroundColor") == "rgb(166, 25, 46)"
    logo = page.locator("header.bar img.logo")
    assert logo.is_visible()
    assert logo.evaluate("e => e.complete && e.naturalWidth") > 0
    assert errors == []  # no Content-Security-Policy violation either
    # The poster to share in the chat, as the browser shows it: its ground is the house colour too. (Opened on
    # its own, an image makes the browser ask for /favicon.ico, which a site need not have.)
    page.goto(branded_server + "battle/index.html")
    href = page.locator("a.poster-link").first.get_attribute("href")
    assert href is not None
    page.goto(urljoin(branded_server + "battle/index.html", href))
    corner = page.evaluate("""async () => {
        const img = document.querySelector("img"); await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
        const g = canvas.getContext("2d"); g.drawImage(img, 0, 0);
        return Array.from(g.getImageData(2, 2, 1, 1).data); }""")
    assert corner[:3] == [166, 25, 46]
    page.close()


@pytest.mark.parametrize("colour", ["#767676", "#a6192e", "#1f4e79", "#003a70", "#0b6e4f", "#5b2a86", "#000000"])
def test_secondary_text_stays_legible_on_any_accepted_colour(colour: str) -> None:
    """The as-of date on the masthead and the screens' bar, and the screens' labels, are a little muted: never
    below WCAG AA on a colour the check accepts."""
    section = {**default_config()["branding"], "primary": colour, "screen_background": colour}
    assert _problems(f'[branding]\nprimary = "{colour}"\n') == []
    branding = from_config(section)
    assert contrast(branding.masthead_muted, colour) >= 4.5
    assert contrast(branding.screen_bar_muted, branding.screen_bar) >= 4.5
    if not _problems(f'[branding]\nscreen_background = "{colour}"\n'):
        assert contrast(branding.screen_muted, branding.screen_panel) >= 4.5
