"""Posters: PNG pictures to share in a work chat, drawn at build time from SVG templates.

A poster is an SVG template of the theme (`theme/posters/<kind>.svg`, which a site replaces with its own file of
the same name) rendered by Jinja in the sandbox, autoescaped, then drawn to PNG by resvg (through vl-convert, as
the charts are) with the site's CJK font. Drawn pictures are kept in the site's cache by the SVG text, the font
and the size, so an unchanged poster is never drawn again.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import struct
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import BaseLoader, ChoiceLoader, PackageLoader, StrictUndefined, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from . import fonts, formats
from .cache import Store, digest
from .charts import engine_id
from .errors import TrackboardError, say
from .i18n import translator
from .model import outside_site
from .overrides import THEME_PACKAGE
from .parallel import forked_map
from .render import SITE_THEME, InsideLoader

KINDS = ("battle", "daily", "stars")
POSTER_FOLDER = "posters"
# Templates lay out in a view this wide; its height follows the configured size's proportions, so a template
# drawn for 1080×1440 also fills 720×960 or 1080×1920.
VIEW_WIDTH = 1080
# The colours a template is given as `primary` and `accent` (the site's branding, when it sets them).
DEFAULT_COLOURS = {"primary": "#b3151b", "accent": "#ffd23f"}
ELLIPSIS = "…"
# Posters drawn with one font subset: enough that cutting the subset is a small part of drawing them, few enough
# that the batches share the cores evenly.
BATCH = 16
POOL_MIN = 2  # batches: one is drawn here, as starting workers would cost more than it saves
# Width of a character in ems, for fitting text into a box: CJK is full width; Latin letters and digits a little
# over half an em in the bold sans faces (capitals more, spaces and thin marks less). A little on the wide side,
# so that a fitted text never overflows its box.
WIDE = 1.0
NARROW = 0.58
CAPITAL = 0.7
BROAD = 0.95
THIN = 0.32
_THIN = frozenset(" il.,:;'!|`ijft()[]")


def char_width(char: str) -> float:
    """The width of a character in ems, as the poster fonts draw it (about)."""
    if unicodedata.combining(char):
        return 0.0
    if unicodedata.east_asian_width(char) in ("W", "F") or char == ELLIPSIS:
        return WIDE
    if char in _THIN:
        return THIN
    if char in "mwMW@%":
        return BROAD
    return CAPITAL if char.isupper() else NARROW


def text_width(text: str) -> float:
    """The width of a text in ems."""
    return sum(char_width(c) for c in text)


def wrap(text: object, width: float, size: float, lines: int = 1) -> list[str]:
    """Break a text into at most `lines` lines that each fit `width` at font size `size` (view units); the last
    line ends with "…" when the text does not fit. A text never overflows its box."""
    if not (width > 0 and size > 0):
        raise ValueError(f"fit() and wrap() need a box width and a font size above 0, not {width} and {size}")
    words = " ".join(str(text).split())  # new lines and runs of spaces: one space
    room = width / size
    out: list[str] = []
    current = ""
    used = 0.0
    for char in words:
        w = char_width(char)
        if used + w <= room:
            current += char
            used += w
            continue
        if len(out) + 1 < lines:
            out.append(current.rstrip())
            current, used = (char, w) if char != " " else ("", 0.0)
            continue
        # The last line is full: cut it so that the ellipsis fits too.
        while current and text_width(current) + char_width(ELLIPSIS) > room:
            current = current[:-1]
        out.append(current.rstrip() + ELLIPSIS)
        return out
    out.append(current)
    return [line for line in out if line] or [""]


def fit(text: object, width: float, size: float) -> str:
    """The text on one line of `width` at font size `size`, cut with "…" when it is longer."""
    return wrap(text, width, size, 1)[0]


def png_size(data: bytes) -> tuple[int, int]:
    """The width and height of a PNG, from its header."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or len(data) < 24:
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _template_file(site_root: Path, filename: str | None, kind: str) -> str:
    """How an error names a poster template: the site's path, or the package theme's."""
    if not filename:
        return f"theme/posters/{kind}.svg"
    path = Path(filename)
    try:
        return path.resolve().relative_to(site_root.resolve()).as_posix()
    except ValueError:
        parts = path.parts
        return "/".join(parts[parts.index("generator"):]) if "generator" in parts else filename


def _error_line(exc: Exception, filename: str | None) -> int | None:
    """The template line a Jinja error is at: its own (syntax errors), else the deepest template frame's."""
    line = getattr(exc, "lineno", None)
    tb = exc.__traceback__
    while tb is not None:
        if filename and tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


# A reference out of the SVG (an image's file or address): resvg would read any file of the machine it names.
_OUTSIDE = re.compile(r"""\bhref\s*=\s*(["'])(?!\s*(?:#|data:))(.*?)\1""", re.IGNORECASE)


class PosterMaker:
    """Draw posters of one size with the site's templates (the package's where the site has none)."""

    def __init__(self, site_root: Path, locale: str, width: int, height: int,
                 colours: dict[str, str] | None = None) -> None:
        loaders: list[BaseLoader] = []
        override = site_root / SITE_THEME / POSTER_FOLDER
        if override.is_dir() and not outside_site(site_root, override):
            loaders.append(InsideLoader(site_root, str(override)))
        loaders.append(PackageLoader(THEME_PACKAGE, f"theme/{POSTER_FOLDER}"))
        # Sandboxed like the page templates: a site's template can show what it is given, nothing more.
        self.env = ImmutableSandboxedEnvironment(loader=ChoiceLoader(loaders), autoescape=True,
                                                 undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                                 auto_reload=False)
        self.site_root = site_root
        self.width, self.height = width, height
        font = fonts.find_cjk_font()
        families = [font.family] if font is not None else []
        self.env.globals.update(
            t=translator(locale), fit=fit, wrap=wrap, width=width, height=height, view_width=VIEW_WIDTH,
            view_height=round(VIEW_WIDTH * height / width),
            font_family=", ".join([*families, "sans-serif"]),
            **{**DEFAULT_COLOURS, **(colours or {})},
        )
        money: Callable[[Any], str] = lambda v: formats.money(v, locale)  # noqa: E731
        self.env.filters.update(money=money, number=lambda v: formats.number(v, locale),
                                date=lambda v, year=False: formats.date(v, locale, year),
                                long_date=lambda v: formats.long_date(v, locale),
                                month=lambda v: formats.month(v, locale))
        self.store = Store(site_root, "posters")

    def svg(self, kind: str, values: dict[str, Any]) -> str:
        """The poster's SVG text; a template that fails is an error naming its file and line."""
        filename: str | None = None
        try:
            template = self.env.get_template(f"{kind}.svg")
            filename = template.filename
            return template.render(**values)
        except Exception as exc:  # Jinja's errors, and those of the template's own making: 1 // 0, "a" + 1
            filename = filename or getattr(exc, "filename", None)
            line = _error_line(exc, filename)
            place = _template_file(self.site_root, filename, kind) + (f":{line}" if line else "")
            said = (exc.message if isinstance(exc, TemplateError) else None) or exc
            raise TrackboardError(say("poster.broken", place=place, reason=f"{type(exc).__name__}: {said}")) from None

    def key(self, svg: str) -> str:
        """What decides a poster's pixels: its SVG text, the size, the drawing library and the font."""
        return digest("poster", engine_id(), f"{self.width}x{self.height}", svg)

    def draw(self, posters: list[tuple[str, dict[str, Any]]]) -> list[bytes]:
        """Draw posters (kind, values) as PNGs, in order. Those drawn before at this size with this font come from
        the cache; the rest are drawn over every core in batches, each with a subset of the CJK font holding only
        its batch's characters (forked workers inherit the templates and the values; only PNGs travel back)."""
        svgs = [self.svg(kind, values) for kind, values in posters]
        for (kind, _), svg in zip(posters, svgs, strict=True):
            if outside := _OUTSIDE.search(svg):
                raise TrackboardError(say("poster.outside", place=self._name(kind),
                                          target=repr(outside.group(2).strip())))
        keys = [self.key(svg) for svg in svgs]
        found = [self.store.read(key, ".png") for key in keys]
        missing = [i for i, data in enumerate(found) if not self._fits(data)]
        if not missing:
            return [data for data in found if data is not None]
        fonts.register_fonts()
        batches = [missing[start:start + BATCH] for start in range(0, len(missing), BATCH)]
        parent = os.getpid()
        folder = Path(tempfile.mkdtemp(prefix="trackboard-posters-"))
        try:
            # Batches drawn here use the whole font: this process may live on (the dev server), and would keep
            # subsets registered after their folder is gone.
            drawn = forked_map(lambda b: self._draw_batch([(*posters[i], svgs[i]) for i in batches[b]],
                                                          folder if os.getpid() != parent else None),
                               range(len(batches)), min_items=POOL_MIN)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        for batch, results in zip(batches, drawn, strict=True):
            for i, result in zip(batch, results, strict=True):
                kind = posters[i][0]
                if isinstance(result, str):
                    raise TrackboardError(say("poster.invalid_svg", place=self._name(kind), reason=result))
                size = png_size(result)
                if size != (self.width, self.height):
                    raise TrackboardError(say("poster.wrong_size", place=self._name(kind), size=f"{size[0]}×{size[1]}",
                                              wanted=f"{self.width}×{self.height}"))
                self.store.write(keys[i], result, ".png")
                found[i] = result
        return [data for data in found if data is not None]

    def _fits(self, data: bytes | None) -> bool:
        """Whether a cached entry is a PNG of the configured size (a damaged one is drawn again)."""
        try:
            return data is not None and png_size(data) == (self.width, self.height)
        except ValueError:
            return False

    def _draw_batch(self, batch: list[tuple[str, dict[str, Any], str]], folder: Path | None) -> list[bytes | str]:
        """Draw a batch of posters (kind, values, SVG): each PNG, or what resvg said of an SVG it cannot draw (an
        exception would not always survive the way back from a worker). With `folder`, with a subset of the font
        written there; the SVG keeps naming the machine's font after it, for any character the subset lacks."""
        import vl_convert

        family = fonts.drawing_font("".join(svg for _, _, svg in batch), folder) if folder is not None else None
        stack = f"{family}, {self.env.globals['font_family']}" if family else None
        out: list[bytes | str] = []
        for kind, values, svg in batch:
            try:
                out.append(vl_convert.svg_to_png(self.svg(kind, {**values, "font_family": stack}) if stack else svg))
            except Exception as exc:  # resvg reports a bad SVG as a RuntimeError with a Rust backtrace below
                text = str(exc).strip()
                out.append(text.splitlines()[0] if text else type(exc).__name__)
        return out

    def _name(self, kind: str) -> str:
        source = self.env.get_template(f"{kind}.svg").filename
        return _template_file(self.site_root, source, kind) if source else f"{kind}.svg"


def poster_path(kind: str, name: str) -> str:
    """Where a poster is published: posters/<kind>/<name>.png."""
    return f"{POSTER_FOLDER}/{kind}/{name}.png"



def poster_days(dates: list[dt.date], days: int) -> list[dt.date]:
    """The report days that get a top-ten poster: the `days` most recent (`dates` sorted)."""
    return dates[-days:] if days > 0 else []
