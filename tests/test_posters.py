"""Posters: PNG files of the configured size, with their text drawn in the CJK font (not blank, not tofu), long
texts cut with "…", a site's own template used, a broken one named, the same bytes build after build."""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from conftest import BASELINE, FIXED_NOW, html

from generator import fonts
from generator.commands.build import build
from generator.errors import TrackboardError
from generator.fonts import find_cjk_font
from generator.parallel import workers
from generator.posters import BATCH, ELLIPSIS, PosterMaker, fit, png_size, text_width, wrap

# Small posters: the test decodes them in Python.
SIZE = """
[posters]
width = 300
height = 400
"""

needs_cjk = pytest.mark.skipif(find_cjk_font() is None, reason="no CJK font on this machine")


def decode_png(data: bytes) -> np.ndarray:
    """The pixels of an 8-bit RGBA or RGB PNG without interlacing, as an array (height, width, channels)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks, header = 8, [], b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    out = np.zeros((height, stride), dtype=np.int32)
    previous = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, row = line[0], np.frombuffer(line[1:], dtype=np.uint8).astype(np.int32)
        if kind == 0:
            current = row
        elif kind == 2:
            current = (row + previous) % 256
        else:  # sub, average, paeth: each byte depends on the one to its left
            current = np.zeros(stride, dtype=np.int32)
            for x in range(stride):
                left = current[x - channels] if x >= channels else 0
                up = previous[x]
                if kind == 1:
                    value = left
                elif kind == 3:
                    value = (left + up) // 2
                else:
                    corner = previous[x - channels] if x >= channels else 0
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    value = left if pa <= pb and pa <= pc else (up if pb <= pc else corner)
                current[x] = (row[x] + value) % 256
        out[y] = current
        previous = current
    return out.reshape(height, width, channels)


def poster_site(make_site: Callable[..., Path], root: Path, extra: str = "", files: dict[str, str] | None = None
                ) -> Path:
    return make_site(root, {"site.toml": BASELINE["site.toml"] + SIZE + extra, **(files or {})})


def test_fit_cuts_a_long_text_with_an_ellipsis_and_never_overflows() -> None:
    assert fit("王业务", 300, 100) == "王业务"  # three full-width characters in three ems
    cut = fit("王业务签下金福年金", 300, 100)
    assert cut.endswith(ELLIPSIS) and text_width(cut) <= 3
    assert fit("abcde", 300, 100) == "abcde"  # Latin letters are narrower: five fit in three ems
    assert fit("WWWWW", 300, 100).endswith(ELLIPSIS)  # but not the broadest capitals
    lines = wrap("一二三四五六七八九十" * 3, 400, 100, lines=2)
    assert len(lines) == 2 and lines[0] == "一二三四" and lines[1].endswith(ELLIPSIS)
    assert all(text_width(line) <= 4 for line in lines)
    assert wrap("短", 400, 100, lines=3) == ["短"]


@needs_cjk
def test_posters_are_the_configured_size_and_linked_from_their_pages(tmp_path: Path,
                                                                     make_site: Callable[..., Path]) -> None:
    site = poster_site(make_site, tmp_path / "site")
    out = tmp_path / "out"
    build(site, out=out, clock=lambda: FIXED_NOW)
    posters = sorted(p.relative_to(out).as_posix() for p in (out / "posters").rglob("*.png"))
    # the written report, the big order of 3月3日 (94,000 ≥ 50,000), the as-of day's top ten
    assert posters == ["posters/battle/first-order.png", "posters/battle/order-3.png",
                       "posters/daily/2026-03-05.png"]
    for name in posters:
        assert png_size((out / name).read_bytes()) == (300, 400)
    battle = html(out / "battle" / "index.html")
    links = [a.attributes["href"] for a in battle.css("a.poster-link")]
    assert "../posters/battle/first-order.png" in links and "../posters/battle/order-3.png" in links
    assert all(a.text() == "保存图片" for a in battle.css("a.poster-link"))
    daily = html(out / "daily" / "2026-03-05" / "index.html")
    assert [a.attributes["href"] for a in daily.css("a.poster-link")] == ["../../posters/daily/2026-03-05.png"]
    earlier = html(out / "daily" / "2026-03-03" / "index.html")  # [posters] days = 1: the as-of day only
    assert not earlier.css("a.poster-link")


@needs_cjk
def test_the_text_is_drawn_in_the_cjk_font_not_blank_nor_tofu(tmp_path: Path) -> None:
    maker = PosterMaker(tmp_path, "zh-CN", 300, 400)
    values = {"site_title": "", "title": "", "unit": "", "amount": "", "label": "", "date": "", "product": ""}

    def name_box(person: str) -> np.ndarray:
        pixels = decode_png(maker.draw([("battle", {**values, "person": person})])[0])
        return pixels[150:198, 40:260, :3]  # where the name is drawn: its baseline at 0.48 of the height

    blank, wang, li = name_box(""), name_box("王王"), name_box("李李")
    assert np.abs(wang - blank).sum() > 0 and wang.std() > 10  # something is drawn, with contrast
    # Two different characters give different pictures: not the same empty box (tofu) for both.
    assert np.abs(wang - li).sum() > wang.size * 5


@needs_cjk
@pytest.mark.skipif(workers() < 2, reason="one core: every poster is drawn in the build's process")
def test_posters_drawn_in_the_workers_with_font_subsets_are_the_ones_drawn_with_the_whole_font(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Drawn in batches over the cores, each batch with a subset of the font: the same bytes as each poster drawn
    alone in the build's process with the whole font, and in the same order."""
    subsets = tmp_path / "subsets"
    subsets.mkdir()
    real = fonts.drawing_font

    def spy(text: str, folder: Path) -> str | None:
        (subsets / str(os.getpid())).write_text(text, encoding="utf-8")
        return real(text, folder)

    monkeypatch.setattr(fonts, "drawing_font", spy)  # forked workers inherit the spy
    family = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    posters = [("battle", {"site_title": "测试分公司", "title": f"第{i}单 Order #{i}", "person": family[i] + "业务",
                           "unit": f"营业{i % 3 + 1}部", "amount": f"{i}.5万", "label": "保费",
                           "date": "2026年3月3日", "product": "金福年金"}) for i in range(2 * BATCH + 3)]
    many = PosterMaker(tmp_path / "pool", "zh-CN", 300, 400).draw(posters)
    assert len(list(subsets.iterdir())) >= 1  # drawn by workers, with subsets
    alone = PosterMaker(tmp_path / "alone", "zh-CN", 300, 400)
    assert many == [alone.draw([poster])[0] for poster in posters]
    assert len(set(many)) == len(posters)


@needs_cjk
@pytest.mark.parametrize("person", ["W" * 40, "国" * 30, "Wang Yewu 王业务 MMMM " * 4, "8" * 60, "@%" * 30])
def test_a_name_too_long_for_its_box_is_drawn_cut_inside_it(tmp_path: Path, person: str) -> None:
    """The name's box on the 喜报 spans the view but 100 units either side (of 1080): the drawn name, however long
    and in whichever script, changes no pixel outside it, and fills the box enough to show it was cut, not lost."""
    maker = PosterMaker(tmp_path, "zh-CN", 540, 720)
    values = {"site_title": "", "title": "", "unit": "", "amount": "", "label": "", "date": "", "product": ""}
    blank = decode_png(maker.draw([("battle", {**values, "person": ""})])[0])[:, :, :3]
    named = decode_png(maker.draw([("battle", {**values, "person": person})])[0])[:, :, :3]
    changed = np.abs(named - blank).sum(axis=2) > 0
    columns = np.flatnonzero(changed.any(axis=0))
    margin = 100 * 540 / 1080
    assert columns.min() >= margin and columns.max() < 540 - margin, (columns.min(), columns.max())
    assert columns.max() - columns.min() > (540 - 2 * margin) * 0.7  # the box is filled: cut, not emptied


def test_fit_and_wrap_refuse_a_box_without_room() -> None:
    with pytest.raises(ValueError, match="above 0"):
        fit("王业务", 0, 50)
    with pytest.raises(ValueError, match="above 0"):
        wrap("王业务", 300, -1, 2)


@needs_cjk
def test_a_long_title_is_cut_to_its_box(tmp_path: Path) -> None:
    maker = PosterMaker(tmp_path, "zh-CN", 300, 400)
    title = "这是一条非常非常长的战报标题" * 10
    svg = maker.svg("battle", {"site_title": "", "title": title, "person": "王业务", "unit": "", "amount": "",
                               "label": "", "date": "", "product": ""})
    shown = [line for line in svg.splitlines() if "这是" in line]
    assert len(shown) == 2 and ELLIPSIS in shown[-1]
    assert title not in svg


@needs_cjk
def test_a_site_template_replaces_the_package_one(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    own = ('<svg xmlns="http://www.w3.org/2000/svg" width="{{ width }}" height="{{ height }}">'
           '<rect width="100%" height="100%" fill="#00ff00"/><text y="50">{{ person }}</text></svg>\n')
    site = poster_site(make_site, tmp_path / "site", files={"theme/posters/battle.svg": own})
    out = tmp_path / "out"
    build(site, out=out, clock=lambda: FIXED_NOW)
    pixels = decode_png((out / "posters" / "battle" / "first-order.png").read_bytes())
    assert tuple(pixels[390, 290, :3]) == (0, 255, 0)
    daily = decode_png((out / "posters" / "daily" / "2026-03-05.png").read_bytes())
    assert tuple(daily[390, 290, :3]) != (0, 255, 0)  # the other kinds keep the package's templates


@pytest.mark.parametrize(("template", "expected"), [
    ('<svg xmlns="http://www.w3.org/2000/svg">\n{% if %}\n</svg>', "theme/posters/battle.svg:2"),
    ('<svg xmlns="http://www.w3.org/2000/svg">\n\n{{ no_such_value }}\n</svg>', "theme/posters/battle.svg:3"),
    ("<svg xmlns='http://www.w3.org/2000/svg'><rect</svg>", "theme/posters/battle.svg: the poster template does "
                                                            "not make a valid SVG"),
    ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>', "not the 300×400"),
    # Errors of the template's own making, and fit()/wrap() asked for an impossible box: named, never a traceback.
    ('<svg xmlns="http://www.w3.org/2000/svg">\n<text>{{ 1 // 0 }}</text>\n</svg>',
     "theme/posters/battle.svg:2: the poster template is broken: ZeroDivisionError"),
    ('<svg xmlns="http://www.w3.org/2000/svg">\n\n<text>{{ person + 1 }}</text>\n</svg>',
     "theme/posters/battle.svg:3: the poster template is broken: TypeError"),
    ('<svg xmlns="http://www.w3.org/2000/svg">\n<text>{{ fit(person, 0, 50) }}</text>\n</svg>',
     "theme/posters/battle.svg:2: the poster template is broken: ValueError: fit() and wrap() need a box width and "
     "a font size above 0"),
    # A file of the machine, or an address: never drawn into a poster.
    ('<svg xmlns="http://www.w3.org/2000/svg" width="{{ width }}" height="{{ height }}">'
     '<image href="/usr/share/pixmaps/logo.png" width="10" height="10"/></svg>',
     "theme/posters/battle.svg: the poster refers to '/usr/share/pixmaps/logo.png'"),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="{{ width }}" '
     'height="{{ height }}"><image xlink:href=\'https://example.com/a.png\' width="10" height="10"/></svg>',
     "the poster refers to 'https://example.com/a.png'"),
])
def test_a_broken_template_is_an_error_naming_its_file(tmp_path: Path, make_site: Callable[..., Path],
                                                       template: str, expected: str) -> None:
    site = poster_site(make_site, tmp_path / "site", files={"theme/posters/battle.svg": template})
    with pytest.raises(TrackboardError) as caught:
        build(site, out=tmp_path / "out", clock=lambda: FIXED_NOW)
    assert expected in str(caught.value.text)  # in English; the editor reads it in the site's language:
    assert caught.value.message.startswith("生成失败：theme/posters/battle.svg")
    assert "已发布的网站保持不变" in caught.value.message
    assert not (tmp_path / "out" / "index.html").exists()


@needs_cjk
def test_two_builds_draw_the_same_bytes_and_keep_them_in_the_cache(tmp_path: Path,
                                                                   make_site: Callable[..., Path]) -> None:
    import shutil

    site = poster_site(make_site, tmp_path / "site")
    build(site, out=tmp_path / "one", clock=lambda: FIXED_NOW)
    cache = site / ".trackboard-cache" / "posters"
    kept = sorted(p.name for p in cache.glob("*.png"))
    assert len(kept) == 3
    shutil.rmtree(cache)  # drawn again, not taken from the cache
    build(site, out=tmp_path / "two", clock=lambda: FIXED_NOW, cache=False)
    for path in sorted((tmp_path / "one" / "posters").rglob("*.png")):
        assert path.read_bytes() == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes()
    assert sorted(p.name for p in cache.glob("*.png")) == kept


def test_a_profile_can_leave_the_posters_out(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    site = poster_site(make_site, tmp_path / "site", extra='\n[profiles.plain]\nexclude = ["posters"]\n')
    out = tmp_path / "out"
    build(site, out=out, profile="plain", clock=lambda: FIXED_NOW)
    assert not (out / "posters").exists()
    assert not html(out / "battle" / "index.html").css("a.poster-link")
    assert not html(out / "daily" / "index.html").css("a.poster-link")


@needs_cjk
def test_a_site_template_that_links_out_of_the_site_is_not_used(tmp_path: Path,
                                                                make_site: Callable[..., Path]) -> None:
    outside = tmp_path / "elsewhere" / "battle.svg"
    outside.parent.mkdir()
    outside.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="{{ width }}" height="{{ height }}">'
                       '<rect width="100%" height="100%" fill="#00ff00"/></svg>', encoding="utf-8")
    site = poster_site(make_site, tmp_path / "site")
    (site / "theme" / "posters").mkdir(parents=True)
    (site / "theme" / "posters" / "battle.svg").symlink_to(outside)
    out = tmp_path / "out"
    build(site, out=out, clock=lambda: FIXED_NOW)
    pixels = decode_png((out / "posters" / "battle" / "first-order.png").read_bytes())
    assert tuple(pixels[390, 290, :3]) != (0, 255, 0)  # the package's 喜报, not the file outside


@needs_cjk
def test_a_poster_wears_the_sites_house_colour(tmp_path: Path, make_site: Callable[..., Path]) -> None:
    """[branding] primary is the poster's ground, as it is the pages' masthead: the corner pixel is that colour."""
    plain = poster_site(make_site, tmp_path / "plain")
    branded = poster_site(make_site, tmp_path / "branded", '\n[branding]\nprimary = "#0b6e4f"\n')
    corners = []
    for site in (plain, branded):
        build(site, out=site / "out", clock=lambda: FIXED_NOW)
        image = decode_png((site / "out" / "posters" / "battle" / "first-order.png").read_bytes())
        corners.append(tuple(int(v) for v in image[2, 2, :3]))
    assert corners[1] == (0x0B, 0x6E, 0x4F)
    assert corners[0] != corners[1]  # the built-in red without [branding]
