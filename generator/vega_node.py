"""Charts drawn by Vega in Node.js, with text measured from the measurement font's advances (vega_node.mjs).

vl-convert measures every text of every chart by laying it out with its font database, which opens and maps the
font file several times a glyph: about a third of a millisecond a text, most of a chart's time. Node.js runs the
same Vega (vl-convert's own bundle of it, so the same version) and measures a text by adding up its characters'
advances in the measurement font vl-convert would measure it with, rounded as vl-convert rounds: the same SVG,
byte for byte (a test compares them), in a fraction of the time. Used when Node.js is on the machine (Debian's
`nodejs`); without it, for a chart measured with the whole font (too few charts for a measurement font), or for a
text with a character the measurement font lacks (vl-convert measures it with another font), vl-convert draws.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import re
import shutil
import subprocess
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from .cache import write_atomically

SCRIPT = Path(__file__).with_name("vega_node.mjs")

# vl-convert bundles Vega for web pages, where only vega-embed is exported: the bundle's Vega namespace is found by
# its first member and exported under this name. A bundle where it is not found is not used (vl-convert draws).
_EXPORT = "__trackboardVega"
_NAMESPACE = re.compile(r"(?:const|let|var) ([\w$]+)=function\(\)\{return\{Dataflow:")
_SNIPPET = "globalThis.__trackboardVegaEmbed = vegaEmbed;"

# The measurement fonts' files (fonts.measurement_font): the regular face, and the bold one when the machine has it.
_FACES = ("Regular", "Bold")


def node_executable() -> str | None:
    """Node.js on this machine, or None."""
    return shutil.which("node") or shutil.which("nodejs")


def bundle(folder: Path) -> Path | None:
    """vl-convert's bundle of Vega with Vega exported, made once per vl-convert version into `folder` (a few seconds);
    None when it cannot be made."""
    import vl_convert

    version = f"{getattr(vl_convert, '__version__', '')}|{vl_convert.get_vega_version()}"
    path = folder / f"vega-{hashlib.sha256(version.encode()).hexdigest()[:16]}.mjs"
    if path.is_file():
        return path
    with _locked(folder / "vega.lock"):  # the chart workers start together: one makes it, the other waits
        if path.is_file():
            return path
        text = vl_convert.javascript_bundle(_SNIPPET)
        found = _NAMESPACE.search(text)
        if found is None:
            return None
        try:
            write_atomically(path, f"{text}\nglobalThis.{_EXPORT}={found.group(1)};\n".encode())
        except OSError:
            return None
    return path


@contextlib.contextmanager
def _locked(path: Path) -> Any:
    try:
        import fcntl
    except ImportError:  # no POSIX locks: at worst both workers make the bundle
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as file:
        fcntl.flock(file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def advances(font_dir: Path) -> dict[str, Any]:
    """A measurement font's advances by character (regular and bold faces; the regular one for bold text when there
    is no bold face, as vl-convert then picks it) and its units per em."""
    import uharfbuzz as hb

    tables: dict[str, Any] = {}
    for style in _FACES:
        path = font_dir / f"measure-{style}.otf"
        if not path.is_file():
            continue
        face = hb.Face(hb.Blob.from_file_path(str(path)))
        font = hb.Font(face)
        table = {}
        for code in sorted(face.unicodes):
            glyph = font.get_nominal_glyph(code)
            if glyph is not None:
                table[chr(code)] = font.get_glyph_h_advance(glyph)
        tables[style.lower()] = table
        tables.setdefault("upem", face.upem)
    if "regular" not in tables:
        raise OSError(f"{font_dir}: no measurement font")
    tables.setdefault("bold", tables["regular"])
    return tables


class NodeVega:
    """A Node.js process drawing Vega specs for this process, one at a time."""

    def __init__(self, node: str, bundle_path: Path) -> None:
        self.process = subprocess.Popen([node, str(SCRIPT), str(bundle_path)], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, encoding="utf-8")
        self.fonts: set[str] = set()
        self.broken = False

    def close(self) -> None:
        """End the Node.js process (it ends by itself too when this process's end closes its input)."""
        for stream in (self.process.stdin, self.process.stdout):
            with contextlib.suppress(OSError):
                stream.close()  # type: ignore[union-attr]
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.broken = True

    def _send(self, message: dict[str, Any]) -> None:
        stdin: IO[str] = self.process.stdin  # type: ignore[assignment]
        stdin.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")

    def draw(self, spec: dict[str, Any], font_dir: str, template: str, params: list[str]) -> str | None:
        """The SVG of a Vega spec whose text is measured with the measurement font in `font_dir`; None when it cannot
        be drawn here exactly as vl-convert draws it. Specs of one `template` differ only in their inline data, their
        title's text and the signals named in `params`."""
        if self.broken:
            return None
        try:
            if font_dir not in self.fonts:
                self._send({"font": font_dir, **advances(Path(font_dir))})
                self.fonts.add(font_dir)
            self._send({"font": font_dir, "template": template, "params": params, "spec": spec})
            self.process.stdin.flush()  # type: ignore[union-attr]
            line = self.process.stdout.readline()  # type: ignore[union-attr]
            if not line:
                raise OSError("Node.js ended")
            answer = json.loads(line)
        except (OSError, ValueError):
            self.broken = True  # gone or confused: vl-convert draws from now on
            return None
        svg = answer.get("svg")
        return svg if isinstance(svg, str) else None


@lru_cache(maxsize=1)
def renderer(folder: str) -> NodeVega | None:
    """This process's Node.js renderer, its Vega bundle kept in `folder`; None without Node.js or a bundle."""
    node = node_executable()
    if node is None:
        return None
    try:
        made = bundle(Path(folder))
    except Exception:  # vl-convert could not bundle: it draws itself
        return None
    if made is None:
        return None
    try:
        drawer = NodeVega(node, made)
    except OSError:
        return None
    atexit.register(drawer.close)
    return drawer
