"""Turn pages into bytes: the Jinja environment (package theme, overridable per site) and static assets."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import pickle
import re
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from . import formats
from .branding import Branding
from .cache import cache_root
from .i18n import translator
from .model import ignored_name, outside_site
from .output import Output
from .overrides import BUILTIN_PREFIX, THEME_PACKAGE
from .search import search_terms

SITE_THEME = "theme"


def pickled(value: object) -> bytes | None:
    """The pickle of a value with no memo, so that equal values give equal bytes whether or not they are one shared
    object (a table read from the cache shares fewer strings than one parsed from CSV, and must give the same page
    key); None when it cannot be pickled (or refers to itself)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True
    try:
        pickler.dump(value)
    except Exception:
        return None
    return buffer.getvalue()


class Shared:
    """Values that many pages show alike (a list's filters, on every page of every list): held once for them all,
    and pickled once for their keys, where each page's own pickle would repeat them (pages × filters)."""

    __slots__ = ("_digest", "values")

    def __init__(self, values: dict[str, Any]) -> None:
        self.values = values
        self._digest: str | None = None

    def digest(self) -> str:
        """A digest of the values' pickle (see `pickled`), made once; '' when they cannot be pickled."""
        if self._digest is None:
            packed = pickled(self.values)
            self._digest = "" if packed is None else hashlib.sha256(packed).hexdigest()
        return self._digest


class Page:
    """An HTML page to render: where it goes, with which template and what it shows.

    Once planned, a page holds its context as its pickle, compressed (`pack`): a large site's planned pages, held
    as Python objects until rendered, took gigabytes, and their pickles 1.2 GB on a 50,000-person site (zlib's
    fastest level makes that a quarter, for a second of CPU per 100 MB); the page's key is a digest of those
    bytes anyway. Reading `context` then gives a new copy, read-only. Values shown alike by many pages are
    `shared` (not packed): the page's own context is shown over them."""

    __slots__ = ("_context", "_packed", "path", "pdf", "section", "shared", "template", "title")

    def __init__(self, path: str, template: str, title: str, section: str, context: dict[str, Any] | None = None,
                 pdf: str | None = None, shared: Shared | None = None) -> None:
        self.path = path  # e.g. "notices/index.html"
        self.template = template
        self.title = title
        self.section = section  # the navigation entry it belongs to
        self.pdf = pdf  # where the page is also published as a PDF (its print stylesheet on A4), if anywhere
        self.shared = shared
        self._context: dict[str, Any] | None = {} if context is None else context
        self._packed: bytes | None = None

    @property
    def context(self) -> Mapping[str, Any]:
        own: Mapping[str, Any]
        if self._packed is not None:
            own = MappingProxyType(pickle.loads(zlib.decompress(self._packed)))
        else:
            assert self._context is not None
            own = self._context
        return own if self.shared is None else MappingProxyType({**self.shared.values, **own})

    def pack(self) -> None:
        """Hold the context as its pickle from now on; a context that cannot be pickled is kept as it is."""
        if self._packed is None:
            self._packed = self.packed
            if self._packed is not None:
                self._context = None

    @property
    def packed(self) -> bytes | None:
        """The pickle of the page's own context (see `pickled`) compressed, or None when it cannot be pickled."""
        if self._packed is not None:
            return self._packed
        packed = pickled(self._context)
        return zlib.compress(packed, 1) if packed is not None else None

    def __repr__(self) -> str:
        return f"Page({self.path!r}, {self.template!r}, {self.title!r}, {self.section!r}, pdf={self.pdf!r})"

    def __getstate__(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in Page.__slots__)

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        for name, value in zip(Page.__slots__, state, strict=True):
            setattr(self, name, value)


class InsideLoader(FileSystemLoader):
    """The site's template overrides, but for a template that is a link out of the site (never followed)."""

    def __init__(self, site_root: Path, folder: str) -> None:
        super().__init__(folder)
        self.site_root = site_root

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        source = super().get_source(environment, template)
        if outside_site(self.site_root, source[1]):
            raise TemplateNotFound(template)
        return source


def relative_root(path: str) -> str:
    """Return the prefix leading from a page back to the site root ('' or '../../')."""
    return "../" * path.count("/")


def href(root: str, target: str) -> str:
    """Link to a site path; folders get their index.html so links also work from a file share."""
    path, hash_, fragment = target.partition("#")
    if path.endswith("/") or path == "":
        path += "index.html"
    return root + path + hash_ + fragment


def json_for_script(value: object) -> Markup:
    """JSON safe inside <script>: '<', '>' and '&' escaped, so no value can close the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


class _BytecodeCache(FileSystemBytecodeCache):
    """Jinja's file cache of compiled templates, for which a folder it cannot write (a full disk, a read-only
    share) means compiling again, not a failed build."""

    def dump_bytecode(self, bucket: Any) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache(site_root: Path) -> FileSystemBytecodeCache | None:
    """Compiled templates kept beside the site (checked against each template's source by Jinja): compiling the
    theme is slow, and would be repeated in every build and every worker."""
    folder = cache_root(site_root) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # a read-only site: compile every time
        return None
    return _BytecodeCache(str(folder))


_NOT_AVAILABLE = '<span class="na">—</span>'


_SPECIAL = re.compile(r"[&<>'\"]")


def _escaped(value: Any) -> str:
    """str(markupsafe.escape(value)), answered at once for text with nothing to escape (most names and units)."""
    if type(value) is str and _SPECIAL.search(value) is None:
        return value
    return str(escape(value))


# The kinds whose cells are formatted once per distinct value of a column (see _column_cells).
_FORMATTED = frozenset({"money", "number", "rank", "percent", "date", "change", "pace"})

# One marking of a change everywhere (tables, tiles): an arrow for the eye, a word for a screen reader.
_TRENDS = {"up": "▲", "down": "▼", "flat": "–"}


def trend_of(value: float) -> str:
    return "up" if value > 0 else ("down" if value < 0 else "flat")


def _column_cells(values: list[Any], write: Callable[[Any], str], kind: str) -> list[str]:
    """The <td> cells of one column. Numbers and dates are formatted once per distinct value, as the formatters'
    own caches do (which also take 1, 1.0 and True for one value); text and other kinds are escaped cell by cell."""
    open_ = '<td class="num">' if kind not in ("text", "date") else "<td>"
    missing = f"{open_}{_NOT_AVAILABLE}</td>"
    if kind in _FORMATTED:
        with contextlib.suppress(TypeError):  # a value that cannot be a key: each written as it is, below
            known = {value: f"{open_}{write(value)}</td>" for value in set(values) if value is not None}
            known[None] = missing
            return [known[value] for value in values]
    return [missing if value is None else f"{open_}{write(value)}</td>" for value in values]


class Renderer:
    """Render pages with the site's theme overrides in front of the package's theme.

    A site's templates are code from the site's folder: every template renders in Jinja's immutable sandbox,
    which refuses `_` attributes (the way from any value to Python's builtins), unsafe callables and changes to
    the values shown, so a template can show what it is given but cannot run commands or touch files. A template
    that tries fails the build with a SecurityError naming it."""

    def __init__(self, site_root: Path, locale: str, globals_: dict[str, Any]) -> None:
        # "builtin/board.html" is always the package's template (a site's board.html extends it and replaces
        # some of its blocks); "board.html" is the site's when it has one, else the package's.
        builtin = PackageLoader(THEME_PACKAGE, "theme/templates")
        loaders: list[BaseLoader] = [PrefixLoader({BUILTIN_PREFIX.rstrip("/"): builtin})]
        override = site_root / SITE_THEME / "templates"
        if override.is_dir() and not outside_site(site_root, override):
            loaders.append(InsideLoader(site_root, str(override)))
        loaders.append(builtin)
        self.env = ImmutableSandboxedEnvironment(
            loader=ChoiceLoader(loaders), autoescape=True, undefined=StrictUndefined,
            trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, bytecode_cache=_bytecode_cache(site_root),
            auto_reload=False,  # a renderer lasts one build: its templates are not looked at again for each page
        )
        self.site_root = site_root
        self.locale = locale
        self.env.globals.update(globals_)
        self.t = translator(locale)
        self.env.globals["t"] = self.t
        self.env.globals["json_for_script"] = json_for_script
        self.env.globals["table_rows"] = self.table_rows
        self.env.globals["masthead"] = self.masthead
        self._mastheads: dict[tuple[str, str], Markup] = {}
        as_of = globals_.get("as_of")
        self.as_of = as_of
        self.env.globals["trend_mark"] = self.trend_mark
        self.env.filters.update(
            money=lambda v: formats.money(v, locale),
            money_as=lambda v, like: formats.money_as(v, like, locale),
            number=lambda v, digits=0: formats.number(v, locale, digits),
            percent=lambda v, digits=1: formats.percent(v, locale, digits),
            # a date of another year than the as-of date's says its year (a 2018 join date is not next month's)
            date=lambda v, year=False: formats.date(v, locale, year or formats.other_year(v, as_of)),
            long_date=lambda v: formats.long_date(v, locale),
            search_terms=search_terms,
        )

    def trend_mark(self, value: float) -> Markup:
        """▲ / ▼ / – for a change, with its direction in words for a screen reader."""
        trend = trend_of(value)
        words = escape(self.t(f"trend.{trend}"))
        return Markup(f'<span class="trend-mark" role="img" aria-label="{words}">{_TRENDS[trend]}</span>')

    def cell_formatter(self, kind: str, progress: float | None = None) -> Callable[[Any], str]:
        """How a table cell of this kind is written (its HTML, as the theme's `cell` macro writes it), for a value
        that is not None. Money, numbers and percentages are made of digits, separators and units only: they
        need no escaping (a daily report has thousands of such cells)."""
        locale = self.locale
        if kind == "money":
            return lambda value: formats.money(value, locale)
        if kind in ("number", "rank"):
            return lambda value: formats.number(value, locale)
        if kind == "percent":
            return lambda value: formats.percent(value, locale)
        if kind == "date":
            as_of = self.as_of
            return lambda value: str(escape(formats.date(value, locale, formats.other_year(value, as_of))))
        if kind == "change":
            def change(value: Any) -> str:
                trend = trend_of(value)
                return (f'<span class="{trend}">{self.trend_mark(value)}{"+" if value > 0 else ""}'
                        f'{formats.money(value, locale)}</span>')
            return change
        if kind == "pace":
            pacing: Any = self.env.globals.get("pacing")  # pages.context.Pacing (render sits below pages)
            if pacing is None:  # a renderer without a site (a theme preview): the rate alone
                return lambda value: formats.percent(value, locale)
            t = self.t
            if progress is not None:
                pacing = replace(pacing, progress=progress)

            def paced(value: Any) -> str:
                status = pacing.status(value)
                cue = f' <span class="pace-cue">{escape(t("pace." + status))}</span>' if status else ""
                return (f'<span class="pace pace-{status}"><span class="pace-rate">{formats.percent(value, locale)}'
                        f'</span>{cue}</span>')
            return paced
        return _escaped

    def table_rows(self, table: Any, url: Callable[[str], str]) -> Markup:
        """The body rows of a data table: the first cell a row header (linked by the row's `_href`), numbers in
        cells of class "num", the row's `_class` on it. Every value is escaped.

        Made column by column: each distinct number or date of a column is formatted, and its cell written, once
        (a large site's pages hold millions of cells, most of them amounts and counts seen before)."""
        columns = [(c.key, self.cell_formatter(c.kind, getattr(c, "progress", None)), c.kind) for c in table.columns]
        rows = table.rows
        if not columns:
            return Markup("".join(f'      <tr class="{escape(row["_class"])}"></tr>\n' if row.get("_class")
                                  else "      <tr></tr>\n" for row in rows))
        first_key, first_format, _ = columns[0]
        heads = []
        for row in rows:
            css = row.get("_class")
            value = row[first_key]
            text = _NOT_AVAILABLE if value is None else first_format(value)
            href_ = row.get("_href")
            heads.append((f'      <tr class="{escape(css)}">' if css else "      <tr>")
                         + (f'<th scope="row"><a href="{escape(url(href_))}">{text}</a></th>' if href_
                            else f'<th scope="row">{text}</th>'))
        cells = [heads]
        for key, write, kind in columns[1:]:
            cells.append(_column_cells([row[key] for row in rows], write, kind))
        cells.append(["</tr>\n"] * len(rows))
        return Markup("".join(["".join(parts) for parts in zip(*cells, strict=True)]))

    def masthead(self, root: str, current: str) -> Markup:
        """The top of a page (`_masthead.html`: the site's name, the as-of date, the navigation), rendered once for
        each depth and section: it was two fifths of rendering a notice."""
        key = (root, current)
        found = self._mastheads.get(key)
        if found is None:
            text = self.env.get_template("_masthead.html").render(root=root, current=current,
                                                                  url=lambda target: href(root, target))
            found = self._mastheads[key] = Markup(text.removesuffix("\n"))  # base.html ends the line itself
        return found

    def render(self, page: Page) -> Output:
        root = relative_root(page.path)
        html = self.env.get_template(page.template).render(
            page=page, root=root, url=lambda target: href(root, target), **page.context
        )
        return Output(page.path, html.encode("utf-8"))

    def static_files(self, branding: Branding, logo: str) -> Iterator[Output]:
        """The theme's static files, each overridable by the site's theme/static/; the site's colours
        (branding.css) and its logo (`logo`, its path in the site, checked by the configuration's loader)."""
        files: dict[str, bytes] = {"branding.css": branding.css().encode("utf-8")}
        if branding.logo:
            files[branding.logo.removeprefix("static/")] = (self.site_root / logo).read_bytes()
        base = resources.files(THEME_PACKAGE).joinpath("theme", "static")
        stack = [(base, "")]
        while stack:
            folder, prefix = stack.pop()
            for entry in folder.iterdir():
                if entry.is_dir():
                    stack.append((entry, f"{prefix}{entry.name}/"))
                elif not entry.name.startswith("."):
                    files[prefix + entry.name] = entry.read_bytes()
        override = self.site_root / SITE_THEME / "static"
        if override.is_dir():
            for path in override.rglob("*"):
                # a link out of the site is never followed (build warns of it): it would publish that file
                hidden = any(ignored_name(part) for part in path.relative_to(override).parts)
                if path.is_file() and not hidden and not outside_site(self.site_root, path):
                    files[path.relative_to(override).as_posix()] = path.read_bytes()
        for name in sorted(files):
            yield Output(f"static/{name}", files[name])
