"""The CJK font: find it on the machine, register it with vl-convert, subset it into a web font.

Charts are rendered at build time by vl-convert, which draws text with the fonts it knows about;
without a CJK font Chinese labels come out blank or as boxes. The same font, cut down to the
characters a site uses, ships as ``static/fonts/cjk.woff2`` so wall screens show Chinese even on
TVs that have no CJK font of their own.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .cache import write_atomically

# The CSS family name the site declares with @font-face for the shipped subset. Chart SVGs list it
# first so a browser uses the shipped glyphs (the same outlines vl-convert measured text with).
WEB_FAMILY = "Trackboard CJK"

# Overrides the search, for machines whose CJK font lives somewhere unusual.
ENV_FONT = "TRACKBOARD_CJK_FONT"

# Where Debian/Ubuntu (fonts-noto-cjk, fonts-wqy-*, fonts-arphic-*), Fedora/Arch and macOS put
# CJK fonts. Sans faces first: charts and wall screens want a sans-serif.
_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-sans-cjk-fonts/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSansCN-Regular.otf",
    "/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "/System/Library/Fonts/STHeiti Light.ttc",
)

# A font "is CJK" when it maps these; a Latin font returned by fc-match as a fallback does not.
_PROBE = "中文保费万亿"

# Always in the web-font subset, whatever the text: ASCII, and the punctuation and units that
# formatted numbers, dates and chart axes produce.
_ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F)) + "\u3000，。、：；！？（）《》「」“”‘’·—…％¥￥万亿年月日周"


@dataclass(frozen=True)
class CjkFont:
    """A CJK font face on this machine: a file, the face's index in a collection, its family name."""

    path: Path
    index: int
    family: str
    bold: tuple[Path, int] | None = None  # the family's bold face, when the machine has one


def _hb_faces(path: Path) -> list[Any]:
    """Every face of a font file (a collection has several), as HarfBuzz faces; empty when it is no font file.

    HarfBuzz reads only what picking a face needs (names, a few characters); fontTools would parse a large
    collection's whole names and character map."""
    import uharfbuzz as hb

    try:
        blob = hb.Blob.from_file_path(str(path))
    except Exception:  # unreadable: simply not a candidate
        return []
    return [hb.Face(blob, index) for index in range(hb.Face(blob).count)]


# Which name a face's family is taken from: the WWS family, the typographic family, the family (as fontTools'
# getBestFamilyName picks it; HarfBuzz gives the English name).
_FAMILY_NAME_IDS = (21, 16, 1)


def _faces(path: Path) -> list[tuple[int, str]]:
    """List (index, family name) for each face in a font file; empty when it cannot be read."""
    return [(index, next((name for nid in _FAMILY_NAME_IDS if (name := face.get_name(nid))), path.stem))
            for index, face in enumerate(_hb_faces(path))]


def _covers(path: Path, index: int) -> bool:
    """Tell whether a face maps the probe characters (a Latin font returned by fc-match does not)."""
    import uharfbuzz as hb

    faces = _hb_faces(path)
    if index >= len(faces):
        return False
    font = hb.Font(faces[index])
    return all(font.get_nominal_glyph(ord(ch)) for ch in _PROBE)


def _pick_face(path: Path) -> CjkFont | None:
    """Pick the face of a file to use: a simplified-Chinese, proportional face when there is a choice."""

    def rank(face: tuple[int, str]) -> tuple[int, int, int]:
        fam = face[1]
        simplified = any(tag in fam.split() for tag in ("SC", "CN", "GB")) or "Micro Hei" in fam
        return (0 if simplified else 1, 1 if "Mono" in fam else 0, face[0])

    for index, family in sorted(_faces(path), key=rank):
        if _covers(path, index):
            return CjkFont(path, index, family, _bold_face(path, family))
    return None


def _bold_face(path: Path, family: str) -> tuple[Path, int] | None:
    """Find the bold face of the same family beside a regular one (NotoSansCJK-Bold.ttc)."""
    if "Regular" not in path.name:
        return None
    sibling = path.with_name(path.name.replace("Regular", "Bold"))
    if not sibling.is_file():
        return None
    return next(((sibling, i) for i, fam in _faces(sibling) if fam == family), None)


def _fc_match() -> Path | None:
    if not shutil.which("fc-match"):
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", "sans-serif:lang=zh-cn"], capture_output=True,
                             text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out else None


@lru_cache(maxsize=1)
def find_cjk_font() -> CjkFont | None:
    """Find a CJK font on this machine: $TRACKBOARD_CJK_FONT, the usual paths, then fontconfig."""
    paths: list[Path] = []
    if os.environ.get(ENV_FONT):
        paths.append(Path(os.environ[ENV_FONT]))
    paths.extend(Path(p) for p in _CANDIDATES)
    for path in paths:
        if path.is_file() and (font := _pick_face(path)) is not None:
            return font
    fc = _fc_match()
    return _pick_face(fc) if fc is not None and fc.is_file() else None


def font_stack() -> str:
    """Return the font-family list for chart text: the shipped web font, the machine's CJK font, sans-serif."""
    font = find_cjk_font()
    families = [WEB_FAMILY] + ([font.family] if font else []) + ["sans-serif"]
    return ", ".join(f"'{f}'" if " " in f else f for f in families)


_registered: set[str] = set()
_lock = threading.Lock()


def register_directory(directory: Path | str) -> None:
    """Register a font directory with vl-convert unless this process already has (cheap to ask again: a chart
    worker asks for every chart)."""
    given = str(directory)
    if given in _registered:
        return
    name = str(Path(directory).resolve())
    with _lock:
        if name not in _registered:
            import vl_convert

            vl_convert.register_font_directory(name)
            _registered.add(name)
        _registered.add(given)


def register_fonts() -> CjkFont | None:
    """Register the CJK font's directory with vl-convert, once per process; return the font or None."""
    font = find_cjk_font()
    if font is not None:
        register_directory(font.path.parent)
    return font


def subset_text(text: str) -> str:
    """Return the characters a subset for ``text`` carries, sorted: the text's plus ASCII and units."""
    return "".join(sorted(set(text) | set(_ALWAYS)))


# Tables text measurement never reads: glyph substitution and positioning (shaping with the 19 MB collection's
# lookups is most of what a measurement costs) and vertical metrics. Advances come from hmtx, so widths stay.
_MEASURE_DROP = ["GSUB", "GPOS", "GDEF", "BASE", "JSTF", "VORG", "vhea", "vmtx"]


def _tag(name: str) -> int:
    return int.from_bytes(name.ljust(4).encode("ascii"), "big")


@lru_cache(maxsize=8)
def _subset(path: str, index: int, chars: str, flavor: str | None = "woff2", family: str | None = None,
            style: str = "Regular", measure: bool = False) -> bytes:
    """Cut a face down to the glyphs of `chars`, unhinted, with plain (desubroutinised) CFF charstrings.

    HarfBuzz's subsetter, far faster than fontTools' on a large CJK collection, does the cutting (every build's
    screen web font, and each chart worker's measurement font). fontTools then does what is left on the small
    result: the family's new name, and WOFF2."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(path), index)
    wanted = hb.SubsetInput()
    wanted.unicode_set.update(ord(ch) for ch in chars)
    # Unhinted: screens and browsers rasterise CJK fine without hints, which are most of the size. Plain CFF
    # charstrings compress better under brotli.
    wanted.flags = hb.SubsetFlags.NO_HINTING | hb.SubsetFlags.DESUBROUTINIZE
    if measure:
        for name in _MEASURE_DROP:
            wanted.drop_table_tag_set.add(_tag(name))
        wanted.layout_feature_tag_set.clear()
    subset = hb.subset(face, wanted)
    if subset is None:
        raise ValueError(f"{path}: HarfBuzz could not subset face {index}")
    data = subset.blob.data
    if family is None and flavor is None:
        return data
    from fontTools.ttLib import TTFont

    # recalcTimestamp=False keeps head.modified from the source font, so the bytes are reproducible.
    with TTFont(io.BytesIO(data), recalcTimestamp=False, recalcBBoxes=False) as font:
        if family is not None:
            postscript = family.replace(" ", "")
            for record in font["name"].names:
                if record.nameID in (1, 16):
                    record.string = family
                elif record.nameID in (4, 18):
                    record.string = f"{family} {style}"
                elif record.nameID == 6:
                    record.string = f"{postscript}-{style}"
            if "CFF " in font:
                # CFF fonts carry the PostScript name a second time.
                font["CFF "].cff.fontNames = [f"{postscript}-{style}"]
        if measure:
            _square_outlines(font)
        font.flavor = flavor
        out = io.BytesIO()
        font.save(out, reorderTables=True)
    return out.getvalue()


# A measurement font's glyphs: one small square each. vl-convert measures a text by laying it out as paths and
# taking its text box, which comes from the advances alone; it needs a path, not the glyph's own.
_SQUARE = [0, 0, "rmoveto", 100, "hlineto", 100, "vlineto", -100, "hlineto", "endchar"]
# An unhinted, desubroutinised charstring this short draws nothing (an advance and "endchar", as the space's).
_EMPTY_MAX = 5


def _square_outlines(font: Any) -> None:
    """Draw every glyph that has an outline as a small square (glyphs without one stay empty).

    vl-convert converts each glyph of a measured text to a path, opening the font file again for each: with
    squares the measurement font is much smaller and a chart renders faster (the more distinct characters, the
    more). The advances, and so every width measured and every SVG, are the same (a test compares the SVGs)."""
    if "CFF " not in font:
        return  # a TrueType face: left as it is
    from fontTools.misc.psCharStrings import T2CharString

    square = T2CharString(program=list(_SQUARE))
    square.compile()
    for charstring in font["CFF "].cff.topDictIndex[0].CharStrings.values():
        if charstring.bytecode is not None and len(charstring.bytecode) > _EMPTY_MAX:
            charstring.bytecode = square.bytecode


def measurement_font(text: str, cache_dir: Path | None = None) -> tuple[Path, str] | None:
    """Write an OpenType subset of the CJK font for ``text`` under a family name of its own.

    Return its directory (to register with vl-convert) and family, or None with no CJK font or when it
    cannot be written.
    vl-convert's text measurement slows with the size of the font it measures with, so a batch of charts
    measures with a subset of the characters it uses, without the shaping tables (GSUB, GPOS). The glyphs and
    advances are the same, so is the layout (but for kerning between Latin letters, a fraction of a pixel).
    """
    font = find_cjk_font()
    if font is None:
        return None
    chars = subset_text(text)
    digest = hashlib.sha256("\0".join([_font_id(font), chars, "no-shaping", "squares"]).encode()).hexdigest()[:12]
    # Letters only: a family-name word starting with a digit is not a valid CSS identifier, and
    # vl-convert then silently fails to match the font.
    family = f"{WEB_FAMILY} {digest.translate(str.maketrans('0123456789', 'ghijklmnop'))}"
    directory = measurement_folder(cache_dir) / digest
    # Bold too when the machine has it: titles are bold, and measured with the regular face
    # they would come out narrower than vl-convert lays them out with the full family.
    faces = [("Regular", font.path, font.index)] + ([("Bold", *font.bold)] if font.bold else [])
    try:
        for style, source, index in faces:
            path = directory / f"measure-{style}.otf"
            if not path.is_file():
                write_atomically(path, _subset(str(source), index, chars, None, family, style, measure=True))
    except OSError:  # a full disk: measured with the whole font, slower
        return None
    return directory, family


def measurement_folder(cache_dir: Path | None) -> Path:
    """The folder of the measurement fonts made for charts cached in `cache_dir` (a temporary one without a cache)."""
    return cache_dir / "fonts" if cache_dir is not None else _temp_dir()


def drawing_font(text: str, folder: Path) -> str | None:
    """Write OpenType subsets of the CJK font holding the characters of ``text`` (its regular face, and its bold
    one when the machine has it) under a family name of their own into a new directory of ``folder``, register
    it with vl-convert and return the family; None with no CJK font or when they cannot be written.

    resvg draws with whole glyph outlines, so a picture drawn with the subset is the one drawn with the whole
    font, byte for byte (a test compares them), but it reads the font's file for the glyphs it draws: a poster's
    text takes about half the time with a subset of a few hundred glyphs as with the 19 MB collection."""
    font = find_cjk_font()
    if font is None:
        return None
    chars = subset_text(text)
    digest = hashlib.sha256("\0".join([_font_id(font), chars, "drawing"]).encode()).hexdigest()[:12]
    # Letters only, as for the measurement fonts: a family-name word starting with a digit is not matched.
    family = f"{WEB_FAMILY} {digest.translate(str.maketrans('0123456789', 'ghijklmnop'))}"
    directory = folder / digest
    faces = [("Regular", font.path, font.index)] + ([("Bold", *font.bold)] if font.bold else [])
    try:
        for style, source, index in faces:
            path = directory / f"draw-{style}.otf"
            if not path.is_file():
                write_atomically(path, _subset(str(source), index, chars, None, family, style))
    except OSError:  # a full disk: drawn with the whole font, slower
        return None
    register_directory(directory)
    return family


_temp: list[Path] = []


def _temp_dir() -> Path:
    """Return this process's scratch directory for measurement fonts, removed at exit."""
    if not _temp:
        import atexit
        import tempfile

        path = Path(tempfile.mkdtemp(prefix="trackboard-fonts-"))
        atexit.register(shutil.rmtree, path, True)
        _temp.append(path)
    return _temp[0]


def _font_id(font: CjkFont) -> str:
    """What decides a subset's bytes besides its characters: the font file and the subsetting libraries."""
    import fontTools
    import uharfbuzz

    stat = font.path.stat()
    return "\0".join([str(font.path), str(font.index), str(stat.st_size), str(stat.st_mtime_ns), str(font.bold),
                      fontTools.version, uharfbuzz.__version__])


def subset_woff2(text: str, cache_dir: Path | None = None) -> bytes | None:
    """Make a WOFF2 subset of the CJK font with the characters in ``text``; None when there is no CJK font.

    Needs HarfBuzz, fontTools and brotli. The same text gives the same bytes. ``cache_dir``, when given, keeps
    subsets between builds, keyed by the font and the characters.
    """
    font = find_cjk_font()
    if font is None:
        return None
    chars = subset_text(text)
    cached: Path | None = None
    if cache_dir is not None:
        key = "\0".join([_font_id(font), chars])
        cached = cache_dir / f"cjk-{hashlib.sha256(key.encode()).hexdigest()[:32]}.woff2"
        if cached.is_file():
            return cached.read_bytes()
    data = _subset(str(font.path), font.index, chars)
    if cached is not None:
        with contextlib.suppress(OSError):  # a full disk: made again next time
            write_atomically(cached, data)
    return data



def print_faces(text: str, cache_dir: Path) -> list[tuple[Path, str]]:
    """Write OpenType subsets of the CJK font with the characters of ``text`` (its regular face, and its bold one
    when the machine has it) under the family name WEB_FAMILY, for a PDF to embed; return (file, CSS weight) for
    each, or an empty list with no CJK font or when they cannot be written.

    A subset file of its own, not the machine's collection: a PDF renderer takes the first face of a collection,
    which is not always the simplified-Chinese one. The same text and font give the same files."""
    font = find_cjk_font()
    if font is None:
        return []
    chars = subset_text(text)
    key = hashlib.sha256("\0".join([_font_id(font), chars, "print"]).encode()).hexdigest()[:32]
    faces = [("Regular", "400", font.path, font.index)] + ([("Bold", "700", *font.bold)] if font.bold else [])
    out = []
    try:
        for style, weight, source, index in faces:
            path = cache_dir / f"print-{key}-{style}.otf"
            if not path.is_file():
                write_atomically(path, _subset(str(source), index, chars, None, WEB_FAMILY, style))
            out.append((path, weight))
    except OSError:  # a full disk: the PDF then uses whatever font the renderer finds
        return []
    return out


def font_version() -> str:
    """What decides the glyphs a document embeds besides its text: the CJK font file and the subsetting
    libraries ('' with no CJK font)."""
    font = find_cjk_font()
    return _font_id(font) if font is not None else ""
