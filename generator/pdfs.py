"""PDFs of pages (the morning briefs, the daily report), printed by WeasyPrint from the page's own HTML with the
site's print stylesheet, the CJK font embedded as a subset, offline and byte for byte the same for the same page.

A page asks for its PDF with `Page.pdf`. The PDF is made from the rendered page, so it is made after the pages;
each is cached by what decides its bytes (the page, the stylesheets, the font, WeasyPrint's version and the date
it carries), and an unchanged PDF is never printed again.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .cache import Store, cache_root, code_version, digest
from .errors import TrackboardError, say
from .fonts import WEB_FAMILY, font_version, print_faces
from .output import Output
from .parallel import forked_map

NAMESPACE = "pdfs"

# The address pages are resolved against when the site has no public base_url: never fetched (see _Fetcher), and
# links to it are taken out of the PDF (a link to a page of a folder share means nothing in a shared PDF).
LOCAL_ROOT = "https://trackboard.invalid/"

# Below this many PDFs to print, forking workers costs more than it saves.
POOL_MIN = 2

_LINK = re.compile(r'(<a\b[^>]*?)\shref="[^"]*"')
_TAGS = re.compile(r"<[^>]*>")
# Characters a printed page shows that are in neither its text nor its stylesheets: the list markers of the
# renderer's own stylesheet (else they are drawn from whichever system font has them, embedded beside ours).
_GENERATED = "•◦▪"


@dataclass(frozen=True)
class PdfJob:
    """A PDF to make: where it goes, and the rendered page it prints (its path and bytes)."""

    path: str
    page: str
    html: bytes


def engine_version() -> str:
    """WeasyPrint's version: a different version lays pages out, and writes PDFs, differently. Read from the
    installed package's metadata: importing WeasyPrint (and Pango) takes a second a build where every PDF is
    cached does not need to spend."""
    return version("weasyprint")


def font_css(faces: list[tuple[Path, str]]) -> str:
    """@font-face rules for the embedded faces (local files, by file URL) and the rule that uses them first."""
    rules = [f'@font-face {{ font-family: "{WEB_FAMILY}"; font-weight: {weight}; src: url("{path.as_uri()}"); }}'
             for path, weight in faces]
    if faces:
        rules.append(f':root, body, table {{ font-family: "{WEB_FAMILY}", sans-serif; }}')
    return "\n".join(rules)


def printable(html: bytes, public: bool) -> str:
    """The page as it is printed: without its links when the site has no public address."""
    text = html.decode("utf-8")
    return text if public else _LINK.sub(r"\1", text)


def pdf_key(job: PdfJob, static: dict[str, bytes], base_url: str, created: dt.date) -> str:
    """What decides a PDF's bytes: the page, the theme's static files (its stylesheets), the site's address (the
    links), the date it carries, the font and the program that prints it."""
    sheets = sorted((name, digest(data)) for name, data in static.items() if name.endswith(".css"))
    return digest("pdf", code_version(), engine_version(), font_version(), job.page, job.html, repr(sheets), base_url,
                  created.isoformat())


def _fetcher(root: str, static: dict[str, bytes], fonts: dict[str, Path]) -> Any:
    """A WeasyPrint URL fetcher that serves the theme's static files from memory and the font subsets from their
    files, and refuses everything else: a PDF is never made from anything outside the build."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):  # WeasyPrint ships no types: a subclass of Any
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith(root) and url[len(root):].startswith("static/"):
                name = url[len(root) + len("static/"):].partition("?")[0].partition("#")[0]
                if name in static:
                    kind = "text/css" if name.endswith(".css") else "application/octet-stream"
                    return URLFetcherResponse(url, static[name], {"Content-Type": kind})
            if url in fonts:
                return URLFetcherResponse(url, fonts[url].read_bytes(), {"Content-Type": "font/otf"})
            raise ValueError(f"not part of the site: {url}")

    return Fetcher()


def render_pdf(job: PdfJob, static: dict[str, bytes], base_url: str, created: dt.date, font_dir: Path) -> bytes:
    """Print one page to PDF bytes: its print stylesheet on A4, the CJK font embedded, the date `created`."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    public = bool(base_url)
    root = base_url.rstrip("/") + "/" if public else LOCAL_ROOT
    text = printable(job.html, public)
    sheets = "".join(data.decode("utf-8", "replace") for name, data in static.items() if name.endswith(".css"))
    faces = print_faces(_TAGS.sub("", text) + _GENERATED + sheets, font_dir)
    fetcher = _fetcher(root, static, {path.as_uri(): path for path, _ in faces})
    fonts = FontConfiguration()
    extra = CSS(string=font_css(faces), font_config=fonts, url_fetcher=fetcher)
    document = HTML(string=text, base_url=root + job.page, url_fetcher=fetcher, media_type="print").render(
        stylesheets=[extra], font_config=fonts)
    # The as-of date, not the clock: a PDF made again from the same page is the same file.
    document.metadata.created = document.metadata.modified = created.isoformat()
    # The file identifier from the content, not from the clock or a random number: the same page, the same bytes.
    pdf = document.write_pdf(pdf_identifier=digest("pdf-id", job.path, job.html).encode("ascii")[:32])
    assert isinstance(pdf, bytes)
    return pdf


def check_engine() -> None:
    """Fail with what to do when WeasyPrint cannot run here (its Pango libraries missing), before any page is
    printed: otherwise every worker would fail with a traceback."""
    try:
        import weasyprint  # noqa: F401 - loads Pango: what fails on a machine without it
    except (ImportError, OSError) as exc:
        raise TrackboardError(say("cli.no_pdf_engine", reason=f"{type(exc).__name__}: {exc}")) from exc


def quiet_weasyprint() -> None:
    """WeasyPrint logs each refused fetch and unsupported CSS rule of the screen stylesheet as a warning: they
    are expected (the fetcher refuses on purpose), and would flood the build's output."""
    logging.getLogger("weasyprint").setLevel(logging.ERROR)


def make_pdfs(jobs: list[PdfJob], static: dict[str, bytes], site_root: Path, base_url: str, created: dt.date,
              done: Callable[[int], None] | None = None, cache: bool = True) -> tuple[list[Output], int]:
    """Return the PDFs of `jobs` and how many were printed now; with `cache`, the others come from the site's
    cache (by pdf_key). Printed over every core when there are several (forked workers inherit the pages)."""
    store = Store(site_root if cache else None, NAMESPACE)
    keys = [pdf_key(job, static, base_url, created) for job in jobs]
    found = [store.read(key, ".pdf") for key in keys]
    missing = [i for i, data in enumerate(found) if data is None]
    font_dir = (cache_root(site_root) / "fonts").resolve()  # a file URL needs an absolute path
    if missing:
        check_engine()
    quiet_weasyprint()
    made = forked_map(lambda i: render_pdf(jobs[i], static, base_url, created, font_dir), missing,
                      min_items=POOL_MIN, done=done)
    for i, data in zip(missing, made, strict=True):
        store.write(keys[i], data, ".pdf")
        found[i] = data
    if done is not None:
        done(len(jobs) - len(missing))
    return [Output(job.path, data) for job, data in zip(jobs, found, strict=True) if data is not None], len(missing)
