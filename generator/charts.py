"""Charts: Vega-Lite templates defined once with altair, filled with aggregated data, rendered to SVG.

A site has thousands of charts but only a handful of kinds. altair builds and validates each kind
once per locale (milliseconds); every chart after that is a shallow copy of the template dict with
its own ``data.values``, title and money unit (microseconds). SVGs are rendered by vl-convert at
build time, in worker processes (vl-convert runs every conversion on one JavaScript runtime per
process, so threads do not add throughput), and cached by the hash of what was rendered.

Data each kind expects (extra keys are dropped, so a spec carries only what it draws):

- ``trend``: ``{"date": "YYYY-MM-DD" | date, "premium": float}`` per day.
- ``cumulative``: ``{"date", "cumulative": float | None, "target": float | None}`` per day of the
  month; days after the as-of date have ``cumulative`` None, the target line runs to month end.
- ``compare``: ``{"name": str, "premium": float}`` per child unit (premium month-to-date).
- ``leaders``: ``{"name": str, "premium": float, "unit": str (optional)}`` per person.
- ``headcount``: ``{"month": "YYYY-MM", "headcount": int}`` per month, oldest first (manpower).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import math
import multiprocessing
import os
import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from . import fonts, vega_node
from .branding import DEFAULT_CHART
from .cache import write_atomically
from .i18n import catalogue
from .parallel import start_worker

KINDS = ("trend", "cumulative", "compare", "leaders", "headcount")

# Bump when the SVG post-processing changes, so cached SVGs from older code are not reused.
_RENDER_REVISION = "3"

# Below this many charts to render, starting worker processes (each imports vl-convert and warms up
# its JavaScript runtime) costs more than it saves.
_POOL_MIN = 32

# From this many charts on, text is measured with a subset of the CJK font made for the batch: slow to make,
# then faster per chart (see fonts.measurement_font).
_SUBSET_MIN = 8

# Chart text must read at no less than _MIN_TEXT CSS px wherever a chart is shown. A chart is an image scaled to
# its column, so its text shrinks with it: every chart is drawn exactly _WIDTH px wide, whatever its labels
# (autosize fit-x), and shown no narrower than _MIN_SHOWN px (style.css: `.chart img` min-width; a narrower screen
# scrolls the chart in its frame), so text of _FONT px reads at least _MIN_TEXT px.
_WIDTH = 420
_MIN_SHOWN = 320
_MIN_TEXT = 11
_FONT = math.ceil(_MIN_TEXT * _WIDTH / _MIN_SHOWN)
_TITLE_FONT = _FONT + 2
_HEIGHT = 200
_BAR_STEP = _FONT + 12
SERIES_COLOUR = DEFAULT_CHART  # the main series, swapped for a site's own colour (see _coloured)
_GREY = "#6b7280"
_GOLD = "#d97706"
THEMES = ("light", "dark")  # dark: the wall screens' colours (static/screen.css)
# Per theme: the line and bars, the target line, the top three, the ink of labels and titles, grid, axis lines.
_PALETTE = {
    "light": {"main": SERIES_COLOUR, "second": _GREY, "top": _GOLD, "ink": "#374151", "title": "#111827",
              "grid": "#e5e7eb", "axis": "#9ca3af", "background": "white"},
    "dark": {"main": "#4cc9f0", "second": "#b9c6d3", "top": "#ffd166", "ink": "#dfe7ef", "title": "#ffffff",
             "grid": "#2c4a66", "axis": "#5b7a99", "background": "#15283d"},
}

# The axis and legend titles, from the catalogues (generator/locales/): both languages, for the templates.
_AXES = ("date", "premium", "cumulative", "target", "premium_mtd", "unit", "name", "rank", "series", "headcount")
_TEXT = {lang: {name: catalogue(lang)[f"chart.axis.{name}"] for name in _AXES} for lang in ("zh-CN", "en")}

_DATE_FORMAT = {"zh-CN": "%-m月%-d日", "en": "%b %-d"}


def _lang(locale: str) -> str:
    return "zh-CN" if locale.lower().startswith("zh") else "en"


def _money_expr(value: str, lang: str) -> str:
    """Return a Vega expression formatting ``value`` as money per value: 9.4万 / 1.2亿, or 94,000."""
    if lang == "zh-CN":
        return (f"abs({value}) >= 1e8 ? format({value} / 1e8, '.1~f') + '亿' : "
                f"abs({value}) >= 1e4 ? format({value} / 1e4, '.1~f') + '万' : format({value}, ',.0f')")
    return f"format({value}, ',.0f')"


# A money axis uses one unit for all its ticks, chosen from the chart's largest value when filled:
# moneyDiv and moneySuffix are top-level params swapped per chart, so the template stays shared.
_AXIS_LABEL = ("datum.value == 0 ? '0' : format(datum.value / moneyDiv, moneyDiv > 1 ? '.2~f' : ',.0f')"
               " + moneySuffix")


def _money_axis(alt: Any, title: str) -> Any:
    # labelLimit=0: the labels are short numbers of ours, and Vega measures every label once more to
    # truncate it against a limit (a quarter of a trend chart's rendering time).
    return alt.Axis(title=title, labelExpr=_AXIS_LABEL, tickCount=5, labelLimit=0)


def _date_x(alt: Any, lang: str) -> Any:
    # Dates arrive as ISO dates, which JavaScript parses as UTC midnight: a UTC scale (whose axis
    # formats in UTC) keeps the labels on the right day whatever the machine's time zone. Not
    # axis.formatType="utc": Vega-Lite 6 then drops the format altogether.
    # A label a week (on Sundays): a month of daily labels is crowded at this width, and Vega measures every
    # candidate label to drop the ones that overlap (a third of a trend chart's rendering time).
    return alt.X("date:T", title=None, scale=alt.Scale(type="utc"),
                 axis=alt.Axis(format=_DATE_FORMAT[lang], labelAngle=0, grid=False, labelLimit=0,
                               tickCount=alt.TickCount(interval="week", step=1)))


def _build(kind: str, lang: str, validate: bool = False, font: str | None = None, theme: str = "light"
           ) -> dict[str, Any]:
    """Build one kind's template with altair, its text in `font` (the machine's font list when None), in a theme's
    colours. Not validated against the Vega-Lite schema here: that is most of the time, for templates that are ours
    and fixed (a test validates each)."""
    import altair as alt

    # No tooltips: the charts are static SVGs (a tooltip needs Vega running in the page), and their fields cost
    # Vega rendering time for nothing drawn.
    t = _TEXT[lang]
    colour = _PALETTE[theme]
    empty = alt.Data(values=[])
    if kind == "trend":
        # The points in the line's colour: `point=True` draws them in Vega's default blue beside it.
        chart = alt.Chart(empty).mark_line(point=alt.OverlayMarkDef(color=colour["main"]), color=colour["main"],
                                                strokeWidth=2).encode(
            x=_date_x(alt, lang),
            y=alt.Y("premium:Q", axis=_money_axis(alt, t["premium"])),
        ).properties(width=_WIDTH, height=_HEIGHT)
    elif kind == "cumulative":
        # Fold the two columns into one series field so a single legend shows colour and dash.
        names = [t["cumulative"], t["target"]]
        chart = alt.Chart(empty).transform_fold(["cumulative", "target"], as_=["series", "value"]).transform_calculate(
            series_label=f"datum.series == 'target' ? '{t['target']}' : '{t['cumulative']}'",
        ).mark_line(strokeWidth=2.5).encode(
            x=_date_x(alt, lang),
            y=alt.Y("value:Q", axis=_money_axis(alt, t["cumulative"])),
            color=alt.Color("series_label:N", scale=alt.Scale(domain=names, range=[colour["main"], colour["second"]]),
                            legend=alt.Legend(title=None, orient="top-left")),
            strokeDash=alt.StrokeDash("series_label:N", scale=alt.Scale(domain=names, range=[[1, 0], [6, 4]]),
                                      legend=None),
        ).properties(width=_WIDTH, height=_HEIGHT)
    elif kind in ("compare", "leaders"):
        # y is a unique key ("<index>|<label>") so two people with the same name stay two bars; the
        # axis shows only the label part. Rows arrive sorted, and sort=None keeps that order.
        label_expr = "slice(datum.value, indexof(datum.value, '|') + 1)"
        y = alt.Y("key:N", title=None, sort=None, axis=alt.Axis(labelExpr=label_expr, ticks=False, labelLimit=120))
        x_title = t["premium_mtd"] if kind == "compare" else t["premium"]
        color: Any = alt.value(colour["main"])
        if kind == "leaders":
            color = alt.condition("datum.rank <= 3", alt.value(colour["top"]), alt.value(colour["main"]))
        # The bars end short of the chart's right edge, leaving room for the longest amount written after a bar
        # (1,678,980 is nine characters): the chart's width is fixed (autosize fit), so nothing else makes room.
        # Three ticks: five amounts of an English axis do not fit under bars this wide at this text size.
        axis = alt.Axis(title=x_title, labelExpr=_AXIS_LABEL, tickCount=3, labelLimit=0, labelOverlap=True)
        room = alt.Scale(range=[0, {"expr": f"width - {_FONT * 6}"}])
        base = alt.Chart().transform_calculate(premium_label=_money_expr("datum.premium", lang)).encode(
            y=y, x=alt.X("premium:Q", axis=axis, scale=room),
        )
        bars = base.mark_bar(cornerRadiusEnd=2).encode(color=color)
        labels = base.mark_text(align="left", dx=4, color=colour["title"]).encode(text="premium_label:N")
        chart = alt.layer(bars, labels, data=empty).properties(width=_WIDTH, height=alt.Step(_BAR_STEP))
    elif kind == "headcount":
        # Months as ordered categories (sort=None keeps the rows' order); the count on top of each bar.
        base = alt.Chart().encode(
            x=alt.X("month:N", title=None, sort=None, axis=alt.Axis(labelAngle=0, labelLimit=0)),
            y=alt.Y("headcount:Q", axis=_money_axis(alt, t["headcount"])),
        )
        bars = base.mark_bar(color=colour["main"], cornerRadiusEnd=2)
        labels = base.mark_text(baseline="bottom", dy=-3, color=colour["title"]).encode(text="headcount:Q")
        chart = alt.layer(bars, labels, data=empty).properties(width=_WIDTH, height=_HEIGHT)
    else:
        raise ValueError(f"unknown chart kind: {kind!r}")
    spec = chart.to_dict(validate=validate)
    family = font if font is not None else fonts.font_stack()
    # aria=False: Vega's own per-mark ARIA labels are in English ("Oct 01, 2026") and list every
    # point; the SVG gets one role="img" label and a <title>/<desc> from the chart instead.
    # The width is the whole chart's, labels and title included (see _WIDTH).
    spec["autosize"] = {"type": "fit-x", "contains": "padding"}
    spec["config"] = {
        "font": family,
        "aria": False,
        "background": colour["background"],
        "view": {"stroke": None},
        "title": {"anchor": "start", "fontSize": _TITLE_FONT, "fontWeight": "bold", "color": colour["title"],
                  "offset": 10, "limit": _WIDTH},
        "axis": {"labelFontSize": _FONT, "titleFontSize": _FONT, "labelColor": colour["ink"],
                 "titleColor": colour["ink"], "gridColor": colour["grid"], "domainColor": colour["axis"],
                 "tickColor": colour["axis"]},
        "legend": {"labelFontSize": _FONT, "symbolStrokeWidth": 2.5, "labelColor": colour["ink"]},
        "text": {"fontSize": _FONT},
    }
    return spec


# The templates as _build makes them, kept in the package with a placeholder for the machine's font list: a build
# imports no altair and builds no template (slow, in every cold build). altair stays where they are defined: a
# test checks the file is what _build makes now, and `python -m generator.charts` writes it again after a change.
TEMPLATES_FILE = Path(__file__).with_name("chart_templates.json")
_FONT_PLACEHOLDER = "@font-stack@"


def built_templates() -> dict[str, dict[str, Any]]:
    """Every kind's template in every language and theme, made by altair, with the font list's placeholder."""
    return {_template_key(kind, lang, theme): _build(kind, lang, font=_FONT_PLACEHOLDER, theme=theme)
            for kind in KINDS for lang in _TEXT for theme in THEMES}


def _template_key(kind: str, lang: str, theme: str) -> str:
    return f"{kind}|{lang}" if theme == "light" else f"{kind}|{lang}|{theme}"


def write_templates() -> None:
    """Write TEMPLATES_FILE from the templates altair makes now."""
    text = json.dumps(built_templates(), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    TEMPLATES_FILE.write_text(text, encoding="utf-8")


@cache
def _kept_templates() -> dict[str, Any]:
    try:
        kept = json.loads(TEMPLATES_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return kept if isinstance(kept, dict) else {}


@cache
def _template(kind: str, lang: str, theme: str = "light") -> dict[str, Any]:
    kept = _kept_templates().get(_template_key(kind, lang, theme))
    if not isinstance(kept, dict) or kept.get("config", {}).get("font") != _FONT_PLACEHOLDER:
        return _build(kind, lang, theme=theme)  # a kind, language or theme the file does not have yet
    return {**kept, "config": {**kept["config"], "font": fonts.font_stack()}}


@cache
def _coloured(kind: str, lang: str, colour: str, theme: str = "light") -> dict[str, Any]:
    """A kind's template in a theme, its main series in `colour` (a site's house colour, `[branding] primary`) on
    the light pages; the screens' dark theme keeps its own colours, made to read on the dark wall."""
    template = _template(kind, lang, theme)
    if colour == SERIES_COLOUR or theme != "light":
        return template
    return json.loads(json.dumps(template).replace(json.dumps(SERIES_COLOUR), json.dumps(colour)))


def _iso(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)[:10]


def _num(value: Any) -> float | int | None:
    """Return a JSON-safe number: None for missing or NaN, plain int/float for numpy scalars."""
    if value is None:
        return None
    value = value.item() if hasattr(value, "item") else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


# Names from the data are shortened before they reach the renderer: a pasted paragraph (or a hostile 1 MB
# cell) as a unit name would otherwise cost seconds of text measurement and break the layout.
LABEL_CHARS = 24
TITLE_CHARS = 60
SUMMARY_CHARS = 300


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rows(kind: str, data: list[dict[str, Any]], lang: str) -> tuple[list[dict[str, Any]], list[str]]:
    """Return the rows a kind draws, with only its fields, and the names of its money fields."""
    if kind == "trend":
        return [{"date": _iso(r["date"]), "premium": _num(r.get("premium"))} for r in data], ["premium"]
    if kind == "cumulative":
        rows = [{"date": _iso(r["date"]), "cumulative": _num(r.get("cumulative")), "target": _num(r.get("target"))}
                for r in data]
        return rows, ["cumulative", "target"]
    if kind == "headcount":
        return [{"month": str(r["month"]), "headcount": _num(r.get("headcount")) or 0} for r in data], ["headcount"]
    named: list[dict[str, Any]] = [{"name": _short(str(r["name"]), LABEL_CHARS), "premium": _num(r.get("premium")) or 0,
                                    "unit": _short(str(r["unit"]), LABEL_CHARS) if r.get("unit") else None}
                                   for r in data]
    ordered = sorted(named, key=lambda r: (-r["premium"], r["name"]))
    rows = []
    rank = 0
    for i, r in enumerate(ordered):
        # Ties share a rank: 1, 2, 2, 4.
        if i == 0 or r["premium"] != ordered[i - 1]["premium"]:
            rank = i + 1
        row: dict[str, Any] = {"name": r["name"], "premium": r["premium"]}
        label = r["name"]
        if kind == "leaders":
            row["rank"] = rank
            label = f"{rank}. {label}"
            if r["unit"]:
                row["unit"] = str(r["unit"])
        row["key"] = f"{i}|{label}"
        rows.append(row)
    return rows, ["premium"]


def _money_params(rows: list[dict[str, Any]], fields: list[str], lang: str) -> list[dict[str, Any]]:
    top = max((abs(v) for r in rows for f in fields if (v := r.get(f)) is not None), default=0)
    div, suffix = 1, ""
    if lang == "zh-CN" and top >= 1e8:
        div, suffix = 100_000_000, "亿"
    elif lang == "zh-CN" and top >= 1e4:
        div, suffix = 10_000, "万"
    return [{"name": "moneyDiv", "value": div}, {"name": "moneySuffix", "value": suffix}]


@dataclass(frozen=True)
class Chart:
    """One chart of aggregated data: a kind, a title, its rows and a one-line text alternative."""

    kind: str
    title: str
    data: list[dict]
    summary: str
    theme: str = "light"  # one of THEMES

    def spec(self, locale: str, colour: str = SERIES_COLOUR) -> dict:
        """Return the filled Vega-Lite spec: the kind's shared template, its main series in `colour`, with this
        chart's data."""
        lang = _lang(locale)
        rows, money = _rows(self.kind, self.data, lang)
        # A shallow copy: only top-level keys differ between charts of a kind, the rest is shared
        # with the template, so callers must not mutate the nested parts of the returned dict.
        spec = dict(_coloured(self.kind, lang, colour, self.theme))
        spec["data"] = {"values": rows}
        spec["title"] = _short(self.title, TITLE_CHARS)
        spec["description"] = _short(self.summary, SUMMARY_CHARS)
        spec["params"] = _money_params(rows, money, lang)
        return spec

    def spec_json(self, locale: str, colour: str = SERIES_COLOUR) -> str:
        """Return the filled spec as canonical JSON (sorted keys), the form that is rendered and hashed."""
        return json.dumps(self.spec(locale, colour), sort_keys=True, ensure_ascii=False, separators=(",", ":"))


# --- rendering -----------------------------------------------------------------------------------

# What a filled spec has of its own; the rest is its kind's template, compiled to Vega once per process.
_FILLED = ("data", "title", "description", "params")
_compiled: dict[str, dict[str, Any] | None] = {}


def _compile_template(template_json: str) -> dict[str, Any] | None:
    """Compile a template (a spec without its filled keys) to Vega, or None when its Vega is not of the shape
    `_fill_vega` fills: one inline dataset, a title block, a signal per param."""
    import vl_convert

    spec = json.loads(template_json)
    spec.update(data={"values": []}, title="-", description="-",
                params=[{"name": "moneyDiv", "value": 1}, {"name": "moneySuffix", "value": ""}])
    vega = vl_convert.vegalite_to_vega(json.dumps(spec))
    inline = [d for d in vega.get("data", []) if "values" in d]
    names = {s.get("name") for s in vega.get("signals", [])}
    if len(inline) != 1 or not isinstance(vega.get("title"), dict) or not {"moneyDiv", "moneySuffix"} <= names:
        return None
    vega["axes"] = _lighter_axes(vega.get("axes", []))
    return vega


_GRID_ONLY = {"grid": True, "labels": False, "ticks": False, "domain": False}
# Up to this many days a weekly time axis has at most ten labels, each far wider apart than it is long.
_FEW_DAYS = 70


def _lighter_axes(axes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The axes drawing the same pixels for about a quarter less of a chart's rendering time (tested).

    - Vega-Lite draws grid lines as an axis of their own, and each axis costs Vega a group of marks and a
      layout pass. The grid goes back onto the labelled axis of its scale, in the grid axis's place in the
      drawing order (under the other axes).
    - Labels that cannot overlap are not checked for overlap: those of a vertical axis (at most about ten,
      each 12 px high on a 220 px axis) and those of a weekly time axis over a month (see _fill_vega for
      longer ones).
    """
    out: list[dict[str, Any]] = []
    merged: set[int] = set()
    for i, axis in enumerate(axes):
        if i in merged:
            continue
        if all(axis.get(k) == v for k, v in _GRID_ONLY.items()) and "title" not in axis and "values" not in axis:
            main = [j for j, a in enumerate(axes) if j > i and a.get("scale") == axis.get("scale")
                    and a.get("orient") == axis.get("orient") and not a.get("grid")
                    and a.get("tickCount") == axis.get("tickCount") and "values" not in a]
            if len(main) == 1:
                axis = {**axes[main[0]], "grid": True, "gridScale": axis.get("gridScale")}
                merged.add(main[0])
        if axis.get("labelOverlap") and (axis.get("orient") in ("left", "right") or _weekly(axis)):
            axis = {**axis, "labelOverlap": False}
        out.append(axis)
    return out


def _weekly(axis: dict[str, Any]) -> bool:
    return axis.get("tickCount") == {"interval": "week", "step": 1}


def _fill_vega(vega: dict[str, Any], filled: dict[str, Any]) -> dict[str, Any]:
    """Return a compiled template with a chart's data, title, description and params (shallow copies)."""
    out = dict(vega)
    values = filled["data"]["values"]
    out["data"] = [{**d, "values": values} if "values" in d else d for d in vega["data"]]
    if len(values) > _FEW_DAYS:  # a long time axis may have labels to thin out
        out["axes"] = [{**a, "labelOverlap": True} if _weekly(a) else a for a in vega["axes"]]
    out["title"] = {**vega["title"], "text": filled["title"]}
    out["description"] = filled["description"]
    params = {p["name"]: p["value"] for p in filled["params"]}
    out["signals"] = [{**s, "value": params[s["name"]]} if s.get("name") in params else s for s in vega["signals"]]
    return out


def _render_one(spec_json: str, font_dir: str | None = None) -> str:
    """Render one filled spec to SVG with Vega: in Node.js when its text is measured with a measurement font in
    `font_dir` (see vega_node), else with vl-convert (the CJK font registered first).

    Vega-Lite compiles a spec to Vega in about a fifth of the rendering time, the same for every chart of a
    kind: each template is compiled once and filled as Vega. The SVG is the same as from the Vega-Lite spec
    (a test compares them); a spec not of that shape, or with no title, is rendered from Vega-Lite.
    """
    import vl_convert

    fonts.register_fonts()
    spec = json.loads(spec_json)
    if not spec.get("title") or not set(_FILLED) <= spec.keys():
        return vl_convert.vegalite_to_svg(spec_json)
    template = json.dumps({k: v for k, v in spec.items() if k not in _FILLED}, sort_keys=True, ensure_ascii=False)
    if template not in _compiled:
        _compiled[template] = _compile_template(template)
    vega = _compiled[template]
    if vega is None:
        return vl_convert.vegalite_to_svg(spec_json)
    filled = _fill_vega(vega, spec)
    if font_dir is not None and (node := vega_node.renderer(str(Path(font_dir).parent))) is not None:
        # The same template and the same axes (a long time axis's labels are thinned: see _fill_vega).
        key = hashlib.sha256(template.encode()).hexdigest()[:16] + ("" if filled["axes"] is vega["axes"] else "-long")
        svg = node.draw(filled, font_dir, key, [p["name"] for p in spec["params"]])
        if svg is not None:
            return svg
    return vl_convert.vega_to_svg(filled)


def warm_up() -> None:
    """Start vl-convert's JavaScript runtime (about half a second, paid by a process's first chart) now."""
    import vl_convert

    vl_convert.vega_to_svg({"width": 1, "height": 1})


def render_job(job: tuple[str, str | None, str, str | None]) -> str:
    """Render one spec (see _render_batch) and keep its SVG in the cache; return the SVG."""
    spec, font_dir, family, cache_file = job
    if font_dir is not None:
        fonts.register_directory(font_dir)
    svg = _render_one(spec, font_dir)
    if family:
        svg = svg.replace(f"'{family}'", f"'{fonts.WEB_FAMILY}'")
    if cache_file is not None:
        with contextlib.suppress(OSError):  # a cache that cannot be written: drawn again next time
            write_atomically(Path(cache_file), svg.encode("utf-8"))
    return svg


def _measure_with_subset(specs: list[str], cache_dir: Path | None) -> tuple[list[str], str | None, str]:
    """The specs set to measure text with a subset font made for them (when there are enough): the specs, the
    subset's folder and its family name."""
    if len(specs) < _SUBSET_MIN:
        return specs, None, ""
    measure = fonts.measurement_font("".join(specs), cache_dir)
    if measure is None:
        return specs, None, ""
    font_dir, family = measure
    return measured_with(specs, family), str(font_dir), family


def measured_with(specs: list[str], family: str) -> list[str]:
    """The specs with a measurement font's family first in their font list. Rendered so and named back
    (render_job), the SVG reads exactly as if rendered with the full font."""
    stack = json.dumps(fonts.font_stack(), ensure_ascii=False)
    batch_stack = stack.replace(f"'{fonts.WEB_FAMILY}'", f"'{family}'", 1)
    return [s.replace(f'"font":{stack}', f'"font":{batch_stack}', 1) for s in specs]


def _render_batch(specs: list[str], workers: int, cache_dir: Path | None,
                  cache_files: list[str | None] | None = None) -> list[str]:
    """Render specs to raw SVG (each written to its cache file when given), measuring text with a subset font
    when the batch is big enough."""
    files = cache_files if cache_files is not None else [None] * len(specs)
    if workers <= 1 or len(specs) < _POOL_MIN:
        fonts.register_fonts()
        specs, font_dir, family = _measure_with_subset(specs, cache_dir)
        return [render_job((spec, font_dir, family, file)) for spec, file in zip(specs, files, strict=True)]
    # spawn, not fork: the parent may already run vl-convert's runtime threads, and a forked copy of a
    # multi-threaded process can deadlock. The workers start (and warm up vl-convert, about a second) while
    # the measurement font is made here.
    context = multiprocessing.get_context("spawn")
    chunks = max(1, min(16, len(specs) // (workers * 4)))
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(os.getpid(),)) as pool:
        for _ in range(workers):
            pool.submit(int)  # starts a worker now, not when the first chart is handed out
        specs, font_dir, family = _measure_with_subset(specs, cache_dir)
        jobs = [(spec, font_dir, family, file) for spec, file in zip(specs, files, strict=True)]
        return list(pool.map(render_job, jobs, chunksize=chunks))


def _start_worker(parent: int) -> None:
    start_worker(parent)
    fonts.register_fonts()


_ID = re.compile(r'\bid="([^"]+)"')
_ID_REF = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def _finish(svg: str, chart: Chart, key: str) -> str:
    """Give the SVG an accessible name, <title> and <desc>, and ids unique across inlined charts."""
    if 'id="' in svg:
        # Vega numbers clip paths clip1, clip2… with a counter that runs on across every chart the
        # process renders, and the same numbers in every SVG: renumber them in order and prefix
        # them with the chart's hash, so output is reproducible and charts inlined in one page
        # do not point at each other's clip paths.
        ids = {name: f"c{key[:10]}-{n}" for n, name in enumerate(dict.fromkeys(_ID.findall(svg)), 1)}
        svg = _ID_REF.sub(lambda m: m.group(1) + ids.get(m.group(2), m.group(2)), svg)
    short_title, summary = _short(chart.title, TITLE_CHARS), _short(chart.summary, SUMMARY_CHARS)
    title = html.escape(short_title)
    label = html.escape(f"{short_title}: {summary}" if summary else short_title)
    head_end = svg.index(">")
    return (f'{svg[:head_end]} role="img" aria-label="{label}">'
            f"<title>{title}</title><desc>{html.escape(summary)}</desc>{svg[head_end + 1:]}")


@lru_cache(maxsize=1)
def engine_id() -> str:
    """Identify what else decides the pixels: vl-convert's version and the CJK font file (part of every chart's
    key and of the build's)."""
    import vl_convert

    version = getattr(vl_convert, "__version__", "") or ",".join(vl_convert.get_vegalite_versions())
    font = fonts.find_cjk_font()
    font_id = ""
    if font is not None:
        stat = font.path.stat()
        font_id = f"{font.path}:{font.index}:{stat.st_size}:{font.bold}"
    return f"{version}|{vl_convert.get_vega_version()}|{font_id}|{_RENDER_REVISION}"




def cache_key(spec_json: str, locale: str) -> str:
    """Return the cache key of a filled spec: sha256 over the spec, locale and rendering engine."""
    return hashlib.sha256("\0".join([engine_id(), locale, spec_json]).encode()).hexdigest()


def svg_path(cache_dir: Path, key: str) -> Path:
    """Where the cache keeps the raw SVG of the spec with this cache key."""
    return cache_dir / f"{key}.svg"


def render_svgs(charts: list[Chart], locale: str, cache_dir: Path | None, workers: int = 2,
                known: dict[int, tuple[Chart, str]] | None = None, colour: str = SERIES_COLOUR) -> list[str]:
    """Render each chart to SVG text, in order, the main series in `colour`; reuse cached SVGs from ``cache_dir``
    when given.
    ``known`` holds charts whose cache key is made already, by id (see drawing.ChartDrawer): their specs are made
    again only if they are not in the cache."""
    specs: list[str | None] = []
    keys: list[str] = []
    known = known or {}
    for chart in charts:
        found = known.get(id(chart))
        if found is not None and found[0] is chart:
            spec, key = None, found[1]
        else:
            spec = chart.spec_json(locale, colour)
            key = cache_key(spec, locale)
        specs.append(spec)
        keys.append(key)
    raw: dict[str, str] = {}
    if cache_dir is not None:
        for key in set(keys):
            path = svg_path(cache_dir, key)
            if path.is_file():
                raw[key] = path.read_text(encoding="utf-8")
    todo: dict[str, str] = {}  # identical charts are rendered once
    for key, spec, chart in zip(keys, specs, charts, strict=True):
        if key not in raw and key not in todo:
            todo[key] = spec if spec is not None else chart.spec_json(locale, colour)
    if todo:
        todo_keys = list(todo)
        files = [str(svg_path(cache_dir, key)) if cache_dir is not None else None for key in todo_keys]
        svgs = _render_batch([todo[k] for k in todo_keys], workers, cache_dir, files)
        raw.update(zip(todo_keys, svgs, strict=True))
    return [_finish(raw[key], chart, key) for key, chart in zip(keys, charts, strict=True)]


if __name__ == "__main__":  # after a change to _build: python -m generator.charts
    write_templates()
