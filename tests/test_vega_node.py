"""Charts drawn by Vega in Node.js are vl-convert's SVGs, byte for byte, and vl-convert draws what Node.js cannot."""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path
from typing import Any

import pytest

from generator import charts, fonts, vega_node
from generator.charts import Chart

needs_node = pytest.mark.skipif(fonts.find_cjk_font() is None or vega_node.node_executable() is None,
                                reason="no CJK font or no Node.js (run scripts/install-system-deps.sh)")

START = dt.date(2026, 10, 22)
NAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(NAMES) for _ in range(rng.randint(2, 4)))


def _every_kind(rng: random.Random) -> list[Chart]:
    """Each kind, with names, amounts and spans of every size: truncated titles and labels, thinned long axes."""
    days = [START + dt.timedelta(days=i) for i in range(30)]
    out = [
        Chart("trend", f"{_name(rng)} · 近30天", [{"date": d, "premium": rng.randint(0, 90_000)} for d in days], ""),
        Chart("trend", "全年 · 保费", [{"date": dt.date(2026, 1, 1) + dt.timedelta(days=i),
                                      "premium": 1000.0 * (i % 7)} for i in range(365)], ""),
        Chart("trend", "很长的标题" * 12, [{"date": d, "premium": 2.5e8 * (i + 1)} for i, d in enumerate(days)], ""),
        Chart("cumulative", f"{_name(rng)} · 本月累计与目标",
              [{"date": d, "cumulative": 40_000.0 * i if i < 20 else None, "target": 50_000.0 * i}
               for i, d in enumerate(days)], ""),
        Chart("compare", "总公司 · 下属机构对比", [{"name": f"营业{_name(rng)}部" * rng.randint(1, 3),
                                              "premium": rng.randint(0, 3_000_000)} for _ in range(7)], ""),
        Chart("leaders", "本月个人排行", [{"name": _name(rng), "premium": rng.randint(0, 300_000),
                                        "unit": _name(rng)} for _ in range(10)], ""),
        Chart("headcount", "人力", [{"month": f"2026-{m:02d}", "headcount": rng.randint(0, 900)} for m in range(1, 13)],
              ""),
    ]
    return out + [Chart(c.kind, c.title, c.data, c.summary, theme="dark") for c in out[:2]]


def _clips_from_one(svg: str) -> str:
    """Vega numbers clip paths with a counter that runs on across a process's charts (in Node.js and in vl-convert
    alike; charts._finish renumbers them for the page): numbered from 1 here, to compare two processes' drawings."""
    numbers: dict[str, int] = {}
    return re.sub(r'(url\(#|<clipPath id=")clip(\d+)(?=[)"])',
                  lambda m: f"{m.group(1)}clip{numbers.setdefault(m.group(2), len(numbers) + 1)}", svg)


@pytest.fixture(scope="module")
def measured(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Specs measured with a measurement font made for them, as a batch of charts is, and that font's folder."""
    rng = random.Random(26)
    specs = [chart.spec_json(locale) for locale in ("zh-CN", "en") for chart in _every_kind(rng)]
    specs += [Chart("trend", f"{_name(rng)} 近30天每日保费",
                    [{"date": START + dt.timedelta(days=d), "premium": rng.randint(0, 30_000)} for d in range(30)],
                    "").spec_json("zh-CN") for _ in range(40)]
    fonts.register_fonts()
    specs, font_dir, family = charts._measure_with_subset(specs, tmp_path_factory.mktemp("charts"))
    assert font_dir is not None
    fonts.register_directory(font_dir)
    return specs, font_dir, family


@needs_node
def test_node_draws_the_svgs_vl_convert_draws(measured: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    specs, font_dir, _ = measured
    drawn: list[str | None] = []
    real = vega_node.NodeVega.draw
    monkeypatch.setattr(vega_node.NodeVega, "draw", lambda self, *a: drawn.append(real(self, *a)) or drawn[-1])
    ours = [charts._render_one(spec, font_dir) for spec in specs]
    assert len(drawn) == len(specs) and all(drawn)  # every one drawn by Node.js
    theirs = [charts._render_one(spec) for spec in specs]  # vl-convert, with the same measurement font
    assert [_clips_from_one(svg) for svg in ours] == [_clips_from_one(svg) for svg in theirs]
    assert any("…</text>" in svg for svg in ours)  # a title or a label cut to its limit, at the same place


@needs_node
def test_a_character_the_measurement_font_lacks_is_drawn_by_vl_convert(measured: Any,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _, font_dir, family = measured
    # Negative amounts are labelled with a minus sign (U+2212), which no chart's text gave the measurement font:
    # vl-convert measures it with another font, so Node.js cannot draw this chart as vl-convert does.
    losses = Chart("trend", "退保", [{"date": START + dt.timedelta(days=d), "premium": -5_000.0 * d} for d in range(9)],
                   "")
    spec = charts.measured_with([losses.spec_json("zh-CN")], family)[0]
    drawn: list[str | None] = []
    real = vega_node.NodeVega.draw
    monkeypatch.setattr(vega_node.NodeVega, "draw", lambda self, *a: drawn.append(real(self, *a)) or drawn[-1])
    svg = charts._render_one(spec, font_dir)
    assert drawn == [None]
    assert "\u2212" in svg and svg == charts._render_one(spec)


def test_without_node_vl_convert_draws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vega_node, "node_executable", lambda: None)
    vega_node.renderer.cache_clear()
    try:
        assert vega_node.renderer(str(tmp_path)) is None
    finally:
        vega_node.renderer.cache_clear()


@needs_node
def test_a_node_that_died_leaves_the_drawing_to_vl_convert(measured: Any) -> None:
    specs, font_dir, _ = measured
    node = vega_node.renderer(str(Path(font_dir).parent))
    assert node is not None
    vega_node.renderer.cache_clear()  # a process of its own, killed below
    try:
        dying = vega_node.renderer(str(Path(font_dir).parent))
        assert dying is not None and dying is not node
        dying.process.kill()
        dying.process.wait()
        assert charts._render_one(specs[0], font_dir) == charts._render_one(specs[0])
        assert dying.broken
        dying.close()
    finally:
        vega_node.renderer.cache_clear()


def _label_spec(text: str, size: int, weight: str, family: str) -> dict[str, Any]:
    """A Vega spec whose one axis label is `text`: the axis title is placed by the label's measured width."""
    return {"width": 50, "height": 20, "signals": [{"name": "moneyDiv", "value": 1}],
            "scales": [{"name": "y", "type": "band", "domain": [text], "range": "height"}],
            "axes": [{"scale": "y", "orient": "left", "title": "t", "labelLimit": 0, "labelFontSize": size,
                      "labelFontWeight": weight, "labelFont": family, "titleFont": family}],
            "title": {"text": "", "font": family}, "data": [{"name": "source", "values": []}]}


@needs_node
def test_texts_of_any_characters_measure_as_vl_convert_measures_them(measured: Any) -> None:
    import vl_convert

    _, font_dir, family = measured
    node = vega_node.renderer(str(Path(font_dir).parent))
    assert node is not None
    known = sorted(vega_node.advances(Path(font_dir))["regular"])
    rng = random.Random(5)
    for n in range(200):
        text = "".join(rng.choice(known) if rng.random() < 0.8 else rng.choice(" \u3000\t")
                       for _ in range(rng.randint(1, 30)))
        spec = _label_spec(text, rng.choice([11, 15, 17, 23]), rng.choice(["normal", "bold", "600"]), family)
        assert node.draw(spec, font_dir, f"label-{n}", []) == vl_convert.vega_to_svg(spec), repr(text)

