"""Charts and the CJK font: SVGs carry their titles, render reproducibly, are cached, draw Chinese."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest

from generator import charts, fonts
from generator.charts import Chart, render_svgs

needs_cjk = pytest.mark.skipif(fonts.find_cjk_font() is None, reason="no CJK font (run scripts/install-system-deps.sh)")

DAYS = [dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(30)]


def trend(title: str = "一部 · 近30天保费", scale: float = 1.0) -> Chart:
    data = [{"date": d.isoformat(), "premium": round(scale * (20_000 + (i * 3_700) % 41_000), 2)}
            for i, d in enumerate(DAYS)]
    return Chart("trend", title, data, "30天合计保费")


def cumulative() -> Chart:
    data, total = [], 0.0
    for i, d in enumerate(DAYS):
        total += 30_000 + (i * 7_919) % 50_000
        data.append({"date": d, "cumulative": total if i < 20 else None, "target": 1_500_000 * (i + 1) / 30})
    return Chart("cumulative", "一部 · 本月累计与目标", data, "截至10月20日累计105万")


def compare() -> Chart:
    data = [{"name": n, "premium": p} for n, p in [("一部", 830_000), ("二部", 1_250_000), ("营业三部", 460_000)]]
    return Chart("compare", "总公司 · 下属机构对比", data, "二部最高")


def leaders() -> Chart:
    rows = [("李娜", 120_000, "二部"), ("张伟", 98_000, "一部"), ("张伟", 98_000, "三部"), ("王芳", 51_000, "一部")]
    return Chart("leaders", "本月个人排行", [{"name": n, "premium": p, "unit": u} for n, p, u in rows], "李娜第一")


ALL = [trend(), cumulative(), compare(), leaders()]


@needs_cjk
def test_each_kind_renders_an_svg_with_its_title_and_an_accessible_name() -> None:
    svgs = render_svgs(ALL, "zh-CN", None)
    assert len(svgs) == len(ALL)
    for chart, svg in zip(ALL, svgs, strict=True):
        assert svg.startswith("<svg")
        assert f">{chart.title}</text>" in svg  # drawn
        assert f"<title>{chart.title}</title>" in svg  # named for assistive technology
        assert 'role="img"' in svg and f'aria-label="{chart.title}: {chart.summary}"' in svg
        assert "'Trackboard CJK', 'Noto Sans CJK SC'" in svg or fonts.WEB_FAMILY in svg


@needs_cjk
def test_a_trend_draws_its_points_in_the_colour_of_its_line() -> None:
    svg = render_svgs([trend()], "zh-CN", None)[0]
    line = re.findall(r'<path[^>]*stroke="(#[0-9a-f]{6})"[^>]*stroke-width="2"', svg)
    assert line == [charts.SERIES_COLOUR]
    assert svg.count(f'fill="{charts.SERIES_COLOUR}"') == len(DAYS)  # one point a day
    assert "#4c78a8" not in svg  # Vega's default blue


@needs_cjk
def test_money_axes_read_in_wan_for_chinese_and_with_separators_for_english() -> None:
    zh, en = render_svgs([trend()], "zh-CN", None)[0], render_svgs([trend()], "en", None)[0]
    assert re.search(r">\d+(\.\d+)?万</text>", zh)
    assert ">60,000</text>" in en and "万" not in en
    assert ">10月2日</text>" in zh or ">10月4日</text>" in zh
    small = Chart("trend", "小额", [{"date": "2026-10-01", "premium": 900}], "")
    assert small.spec("zh-CN")["params"][0]["value"] == 1  # no 万 below ten thousand


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
def test_each_template_is_valid_vega_lite(lang: str) -> None:
    """Templates are built without altair's schema check (most of their cost); each is checked here instead."""
    for kind in charts.KINDS:
        assert charts._build(kind, lang, validate=True) == charts._build(kind, lang)


def test_a_template_that_is_not_valid_vega_lite_fails_the_check(monkeypatch: pytest.MonkeyPatch) -> None:
    import altair as alt

    # a colour must be a colour's name or code
    monkeypatch.setitem(charts._PALETTE, "light", {**charts._PALETTE["light"], "top": [1]})
    charts._build("leaders", "zh-CN")  # not checked
    with pytest.raises(alt.utils.schemapi.SchemaValidationError):
        charts._build("leaders", "zh-CN", validate=True)


def test_filling_a_template_copies_only_the_top_level() -> None:
    a, b = trend().spec("zh-CN"), trend("二部", 2).spec("zh-CN")
    assert a["encoding"] is b["encoding"]  # shared template: no altair chart built per page
    assert a["data"] != b["data"] and a["title"] != b["title"]
    assert "datasets" not in a and all(set(row) == {"date", "premium"} for row in a["data"]["values"])


def test_leaders_keep_people_with_the_same_name_apart_and_rank_ties_alike() -> None:
    rows = leaders().spec("zh-CN")["data"]["values"]
    assert [r["rank"] for r in rows] == [1, 2, 2, 4]
    assert len({r["key"] for r in rows}) == 4


@needs_cjk
def test_rendering_is_reproducible_whatever_the_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    rendered: list[str] = []
    real = charts._render_one
    monkeypatch.setattr(charts, "_render_one",
                        lambda spec, font_dir=None: rendered.append(spec) or real(spec, font_dir))
    many = [trend(f"图表{i}", 1 + i / 10) for i in range(8)] + ALL  # big enough to measure with a subset font
    first = render_svgs(many, "zh-CN", None, workers=1)
    assert all(f"'{fonts.WEB_FAMILY} " in spec for spec in rendered)  # the batch's own subset was used
    again = render_svgs(many, "zh-CN", None, workers=1)
    alone = [render_svgs([c], "zh-CN", None)[0] for c in ALL]
    assert first == again
    assert first[-len(ALL):] == alone


@needs_cjk
def test_a_cache_hit_does_not_render(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = charts._render_one

    def counting(spec: str, font_dir: str | None = None) -> str:
        calls.append(spec)
        return real(spec, font_dir)

    monkeypatch.setattr(charts, "_render_one", counting)
    first = render_svgs(ALL, "zh-CN", tmp_path)
    assert len(calls) == len(ALL)
    second = render_svgs(ALL, "zh-CN", tmp_path)
    assert len(calls) == len(ALL) and second == first
    render_svgs([trend("另一个标题")], "zh-CN", tmp_path)
    assert len(calls) == len(ALL) + 1  # a changed chart is rendered again


def test_the_packaged_templates_are_the_ones_altair_makes_now() -> None:
    kept = json.loads(charts.TEMPLATES_FILE.read_text(encoding="utf-8"))
    assert kept == charts.built_templates(), "run `python -m generator.charts` to write chart_templates.json again"
    assert set(kept) == {f"{kind}|{lang}{suffix}" for kind in charts.KINDS for lang in ("zh-CN", "en")
                         for suffix in ("", "|dark")}


@needs_cjk
def test_a_build_draws_its_charts_from_the_packaged_templates_without_altair(monkeypatch: pytest.MonkeyPatch
                                                                            ) -> None:
    charts._template.cache_clear()
    monkeypatch.setattr(charts, "_kept_templates", lambda: {})  # as if the file were missing: built by altair
    built = render_svgs(ALL, "zh-CN", None)
    charts._template.cache_clear()
    monkeypatch.undo()

    def no_altair(*args: object, **kwargs: object) -> dict:
        raise AssertionError("template built again")

    monkeypatch.setattr(charts, "_build", no_altair)
    assert render_svgs(ALL, "zh-CN", None) == built
    assert all(fonts.font_stack() in chart.spec_json("zh-CN") for chart in ALL)
    charts._template.cache_clear()


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Decode an 8-bit RGB/RGBA PNG into rows of raw pixel bytes (no imaging library needed)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    height = channels = 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6)
            channels = 4 if color == 6 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * channels, [], bytearray(width * channels)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = prev[i], prev[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, channels, rows


def _title_band(png: bytes) -> list[bytes]:
    """Return the top rows of a chart PNG, where its title is drawn."""
    _, _, rows = _png_pixels(png)
    return rows[:24]


def _ink(band: list[bytes]) -> int:
    return sum(1 for row in band for v in row[::4] if v < 128)


@needs_cjk
def test_chinese_titles_are_drawn_as_glyphs_not_boxes() -> None:
    import vl_convert

    fonts.register_fonts()
    # Two titles of the same length: boxes (or nothing) would draw them identically.
    a = Chart("compare", "保费排行", compare().data, "").spec("zh-CN")
    b = Chart("compare", "机构对比", compare().data, "").spec("zh-CN")
    band_a = _title_band(vl_convert.vegalite_to_png(a))
    band_b = _title_band(vl_convert.vegalite_to_png(b))
    assert _ink(band_a) > 50 and _ink(band_b) > 50
    assert band_a != band_b
    # Sanity check of the method: the same title twice gives the same pixels.
    assert _title_band(vl_convert.vegalite_to_png(a)) == band_a


@needs_cjk
def test_web_font_subset_has_the_requested_characters_and_is_small() -> None:
    from fontTools.ttLib import TTFont

    text = "保费走势累计目标张伟李娜"
    data = fonts.subset_woff2(text)
    assert data is not None and data[:4] == b"wOF2"
    assert data == fonts.subset_woff2(text)  # reproducible
    font = TTFont(io.BytesIO(data))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in text + "0123456789万亿ABCxyz%")
    assert ord("鑫") not in cmap
    source = fonts.find_cjk_font()
    assert source is not None
    assert len(data) < source.path.stat().st_size / 100


@needs_cjk
def test_measurement_font_keeps_the_advances_and_draws_squares(tmp_path: Path) -> None:
    from fontTools.ttLib import TTFont

    text = "张伟 · 近 30 天保费 2,000万 Top"
    made = fonts.measurement_font(text, tmp_path)
    assert made is not None
    folder, family = made
    source = fonts.find_cjk_font()
    assert source is not None
    with TTFont(source.path, fontNumber=source.index, lazy=True) as full, \
            TTFont(folder / "measure-Regular.otf") as measure:
        _check_measurement_font(measure, full, family, text)


def _check_measurement_font(measure: Any, full: Any, family: str, text: str) -> None:
    from fontTools.pens.boundsPen import BoundsPen

    assert measure["name"].getDebugName(1) == family
    glyphs = measure.getGlyphSet()
    for ch in set(text):
        name, full_name = measure.getBestCmap()[ord(ch)], full.getBestCmap()[ord(ch)]
        assert measure["hmtx"][name][0] == full["hmtx"][full_name][0], ch  # the same advance: the same widths
        pen = BoundsPen(glyphs)
        glyphs[name].draw(pen)
        assert pen.bounds == (None if ch == " " else (0, 0, 100, 100)), ch


def test_no_cjk_font_means_no_subset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "find_cjk_font", lambda: None)
    assert fonts.subset_woff2("保费") is None
    assert fonts.register_fonts() is None


def _clip_ids_in_order(svg: str) -> str:
    """The SVG with Vega's clip-path counter (which runs on across a process's charts) numbered from 1."""
    names: dict[str, str] = {}
    return re.sub(r"clip\d+", lambda m: names.setdefault(m.group(0), f"clip{len(names) + 1}"), svg)


def _long_trend(days: int) -> Chart:
    start = dt.date(2026, 1, 1)
    return Chart("trend", "全年 · 保费", [{"date": start + dt.timedelta(days=i), "premium": 1000.0 * (i % 7)}
                                         for i in range(days)], "")


@needs_cjk
@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_a_template_compiled_once_draws_the_pixels_of_its_vega_lite_spec(locale: str) -> None:
    """Each kind's template is compiled to Vega once, with its grid axis merged into the labelled one and no
    overlap checks where labels cannot overlap: the picture is the same as Vega-Lite's, pixel for pixel."""
    import vl_convert

    fonts.register_fonts()
    untitled = Chart("trend", "", trend().data, "")  # no title: rendered from Vega-Lite
    for chart in [*ALL, trend("二部 · 近30天保费", 3), _long_trend(365), untitled]:
        spec = chart.spec_json(locale)
        ours, theirs = charts._render_one(spec), vl_convert.vegalite_to_svg(spec)
        assert vl_convert.svg_to_png(ours) == vl_convert.svg_to_png(theirs), chart.title
        if chart.title:
            assert ours.count('class="mark-group role-axis"') < theirs.count('class="mark-group role-axis"')


def test_grid_lines_join_their_labelled_axis_in_the_grid_axis_place() -> None:
    grid = {"scale": "y", "orient": "left", "grid": True, "labels": False, "ticks": False, "domain": False,
            "tickCount": 5, "gridScale": "x"}
    x = {"scale": "x", "orient": "bottom", "labelOverlap": True, "tickCount": 5}
    y = {"scale": "y", "orient": "left", "title": "保费", "tickCount": 5, "labelOverlap": True}
    weekly = {**x, "tickCount": {"interval": "week", "step": 1}}
    assert charts._lighter_axes([grid, x, y]) == [{**y, "grid": True, "gridScale": "x", "labelOverlap": False}, x]
    assert charts._lighter_axes([grid, weekly, y])[1] == {**weekly, "labelOverlap": False}
    other = {**grid, "tickCount": 10}  # grid lines at other ticks than the labels': kept apart
    assert charts._lighter_axes([other, x, y]) == [other, x, {**y, "labelOverlap": False}]


@needs_cjk
def test_the_picked_face_is_the_simplified_chinese_one_named_as_fonttools_names_it(tmp_path: Path) -> None:
    from fontTools.ttLib import TTCollection, TTFont

    font = fonts.find_cjk_font()
    assert font is not None and fonts._covers(font.path, font.index)
    faces = fonts._faces(font.path)
    if font.path.suffix.lower() in (".ttc", ".otc"):
        with TTCollection(str(font.path), lazy=True) as collection:
            names = [face["name"].getBestFamilyName() for face in collection.fonts]
    else:
        with TTFont(str(font.path), lazy=True) as single:
            names = [single["name"].getBestFamilyName()]
    assert faces == list(enumerate(names))  # HarfBuzz reads the names fontTools reads
    if any(" SC" in name for name in names):
        assert " SC" in font.family and "Mono" not in font.family
    latin = next(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"), None)
    if latin is not None:
        assert fonts._faces(latin) and not fonts._covers(latin, 0) and fonts._pick_face(latin) is None
    not_a_font = tmp_path / "notes.ttf"
    not_a_font.write_text("not a font", encoding="utf-8")
    assert fonts._faces(not_a_font) == [] and fonts._pick_face(not_a_font) is None
    assert fonts._faces(tmp_path / "missing.ttf") == []


@needs_cjk
def test_charts_drawn_by_worker_processes_are_cached_and_the_same(tmp_path: Path) -> None:
    many = [trend(f"图表{i}", 1 + i / 10) for i in range(charts._POOL_MIN)]
    pooled = render_svgs(many, "zh-CN", tmp_path / "charts", workers=2)
    assert len(list((tmp_path / "charts").glob("*.svg"))) == len(many)
    assert not list((tmp_path / "charts").glob("*.tmp"))
    assert pooled == render_svgs(many, "zh-CN", None, workers=1)


@needs_cjk
def test_an_unwritable_chart_cache_only_means_drawing_again(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x", encoding="utf-8")
    assert render_svgs([trend()], "zh-CN", blocked / "charts") == render_svgs([trend()], "zh-CN", None)
