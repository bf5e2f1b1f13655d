"""`trackboard serve`: build, serve on localhost, rebuild on every change and reload the open pages.

The site is built into a temporary folder (or --out) with the build cache, so a rebuild only re-renders what
an edit changed. Pages are served with a small script (served by this server only, never written into a
build) that polls /__trackboard/version and reloads when a new build is published. When a build fails, or an
edit brings in errors the site did not have when serving started, every page shows an error page listing
them until the next good build; the server itself never stops for a bad edit.

It answers only requests addressed to a local name (a page elsewhere that rebinds its own host name to
127.0.0.1 could otherwise read the site), and sends every response with a Content-Security-Policy: the
reload script is a file of the server's, so no page needs an inline script.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any

from ..cache import CACHE_DIR
from ..errors import TrackboardError
from ..state import BuildState
from ..writer import RETIRED_PREFIX, SEARCH_PREFIX, SPARE_PREFIX, STAGING_PREFIX
from .build import build, utc_now
from .check import sorted_problems

WATCHED = ("data", "content", "theme")  # and site.toml
VERSION_PATH = "/__trackboard/version"
SCRIPT_PATH = "/__trackboard/livereload.js"
# The site's own pages carry a stricter policy of their own; this one also covers the server's pages and files.
CONTENT_SECURITY_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self'; "
                           "script-src 'self' 'wasm-unsafe-eval'; object-src 'none'; base-uri 'none'; "
                           "form-action 'none'; frame-ancestors 'none'")
LOCAL_NAMES = ("localhost", "127.0.0.1", "[::1]")


@dataclass
class State:
    """What the server shows: the build number, and an error page while the last build is not good."""

    version: int = 0
    error: str | None = None  # HTML of the error page
    baseline: set[str] | None = None  # errors the site had when serving started (not an edit's fault)
    lines: list[str] = field(default_factory=list)  # last build's summary, for the terminal


def _plain_page(title: str, kind: str, body: str) -> str:
    """A page of the server's own, outside the site (styled by its own class only, for the CSP)."""
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f'</head><body><main class="trackboard-serve-{kind}">{body}</main></body></html>\n')


def error_page(title: str, problems: list[str], detail: str = "") -> str:
    """An error page listing problems (escaped)."""
    items = "".join(f"<li><code>{html.escape(p)}</code></li>" for p in problems)
    more = f"<pre>{html.escape(detail)}</pre>" if detail else ""
    return _plain_page(title, "error", f"<h1>{html.escape(title)}</h1><p>Fix the file and save it: this page reloads "
                       f"by itself. 修改并保存文件后本页会自动刷新。</p><ul>{items}</ul>{more}")


BUILDING_PAGE = _plain_page("正在构建… Building…", "building", "<h1>正在构建站点… Building the site…</h1>"
                            "<p>构建完成后本页会自动刷新。This page reloads by itself when the site is built.</p>")


class DevServer:
    """Build a site, serve its output on 127.0.0.1 and rebuild it when its inputs change."""

    def __init__(self, site: Path, port: int = 8000, out: Path | None = None, host: str = "127.0.0.1",
                 log: Callable[[str], None] | None = None, debug: bool = False) -> None:
        self.site = site
        self.debug = debug  # show a failed build's traceback on the error page
        self._root = os.path.abspath(site)  # for relevant(), asked of every changed path
        self._resolved = site.resolve()
        self.host = host
        self.port = port
        self._temp: Path | None = None
        if out is None:
            self._temp = Path(tempfile.mkdtemp(prefix="trackboard-serve-"))
            out = self._temp / "site"
        self.out = out
        self.state = State()
        self.build_state = BuildState()  # what one build leaves to the next (see start)
        self.log = log or (lambda line: print(line, file=sys.stderr, flush=True))
        self._build_lock = threading.Lock()
        self._stop = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # --- building ---------------------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Build the site; on failure keep serving the last good output behind an error page."""
        with self._build_lock:
            started = time.perf_counter()
            result = None
            try:
                result = build(self.site, out=self.out, clock=utc_now, in_place=True, state=self.build_state)
            except TrackboardError as exc:  # listed as `trackboard check` lists them
                self._fail(exc.message, [str(p) for p in sorted_problems(exc.problems)])
            except Exception as exc:  # a bug must not stop the server: show it and keep watching
                detail = "".join(traceback.format_exception(exc))
                self._fail(f"build failed: {type(exc).__name__}: {exc}", [], detail)
            else:
                errors = {str(p) for p in result.summary.errors}
                if self.state.baseline is None:
                    self.state.baseline = errors
                new = sorted(errors - self.state.baseline)
                if new:
                    self._fail(f"{len(new)} new error(s) in the inputs", new)
                else:
                    self.state.error = None
                    self.log(f"built {result.pages} pages in {time.perf_counter() - started:.2f} s "
                             f"(as of {result.summary.as_of.isoformat()})")
            self.state.version += 1
            if result is not None and result.finish is not None:
                # the build's record and the search index, after the pages show: the open tabs reload meanwhile
                try:
                    result.finish()
                except Exception as exc:  # the pages are published; only the index (or the record) is behind
                    self.log(f"search index not updated: {type(exc).__name__}: {exc}")

    def _fail(self, title: str, problems: list[str], detail: str = "") -> None:
        """Show the error page; a traceback goes to the terminal, and to the page only with --debug."""
        self.state.error = error_page(title, problems, detail if self.debug else "")
        for line in [*problems, detail.rstrip(), title]:
            if line:
                self.log(line)

    def relevant(self, path: str) -> bool:
        """Whether a changed path is an input: data/, content/, theme/ or site.toml (not output or cache)."""
        # Most paths are the build's own (its cache, thousands of files in a large site's first build): a path
        # under the site's folder as given is split without touching the disk; any other is resolved first.
        text = os.path.abspath(path)
        if text.startswith(self._root + os.sep):
            parts = tuple(text[len(self._root) + 1:].split(os.sep))
        else:
            try:
                parts = Path(path).resolve().relative_to(self._resolved).parts
            except ValueError:
                return False
        if not parts or parts[0].startswith((CACHE_DIR, STAGING_PREFIX, RETIRED_PREFIX, SEARCH_PREFIX, SPARE_PREFIX)):
            return False
        return parts == ("site.toml",) or (parts[0] in WATCHED and not parts[-1].startswith((".", "~")))

    def watch(self) -> None:
        import watchfiles

        for changes in watchfiles.watch(self.site, watch_filter=lambda _change, path: self.relevant(path),
                                        stop_event=self._stop, debounce=100, step=20, raise_interrupt=False):
            if changes:
                self.rebuild()

    # --- serving ----------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Take the port, serve and watch in background threads, then build once (returning when built).

        The port comes first: a port in use is reported at once, not after a large site's first build, and a tab
        opened meanwhile shows a page saying the site is being built, which reloads itself when it is. An edit
        saved during the first build is built next."""
        handler = partial(Handler, server_state=self)
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.log(f"Serving {self.site} at {self.url} (Ctrl+C to stop); building it…")
        self.build_state = BuildState.between_builds()  # this process builds again and again: keep the tables
        for target in (self._httpd.serve_forever, self.watch):
            thread = threading.Thread(target=target, daemon=True)
            thread.start()
            self._threads.append(thread)
        self.rebuild()

    @property
    def building(self) -> bool:
        return self._build_lock.locked()

    def allowed_host(self, host: str | None) -> bool:
        """Whether a request's Host header names this server: a local name or the bound address, with or
        without the port."""
        if not host:
            return False
        host = host.strip().lower()
        bound = f"[{self.host}]" if ":" in self.host else self.host
        return any(host in (name, f"{name}:{self.port}") for name in (*LOCAL_NAMES, bound.lower()))

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def stop(self) -> None:
        self._stop.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self.build_state.forget()  # let go of the tables kept for the next build
        if self._temp is not None:
            shutil.rmtree(self._temp, ignore_errors=True)


class Handler(SimpleHTTPRequestHandler):
    """Serve the output folder; add the live-reload script to HTML; the error page while a build is bad."""

    def __init__(self, *args: Any, server_state: DevServer, **kwargs: Any) -> None:
        self.dev = server_state
        super().__init__(*args, directory=str(server_state.out), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the terminal shows builds, not every request

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def _refuse(self, status: int) -> None:
        """Answer with a status and nothing else (no page, no file)."""
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        if not self.dev.allowed_host(self.headers.get("Host")):
            self._refuse(421)  # another name (DNS rebinding) or none: nothing of the site
            return
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if any(ord(c) < 32 or ord(c) == 127 for c in urllib.parse.unquote(path)):
            self._refuse(400)  # a NUL or another control character names no file
            return
        state = self.dev.state
        if path == VERSION_PATH:
            # building: a build (or the search index after one) is under way; an edit saved now waits for it
            body = json.dumps({"version": state.version, "error": state.error is not None,
                               "building": self.dev.building}).encode()
            self._send(200, body, "application/json")
            return
        if path == SCRIPT_PATH:
            script = resources.files("generator").joinpath("serve_static", "livereload.js").read_bytes()
            self._send(200, script, "text/javascript; charset=utf-8")
            return
        is_page = path.endswith((".html", "/"))
        if state.version == 0 and is_page:  # the first build is not done yet
            self._send(503, self._inject(BUILDING_PAGE.encode(), 0), "text/html; charset=utf-8")
            return
        if state.error is not None and is_page:
            self._send(500, self._inject(state.error.encode(), state.version), "text/html; charset=utf-8")
            return
        if is_page:
            target = Path(self.translate_path(path))
            if target.is_dir():
                target = target / "index.html"
            try:
                data = target.read_bytes()
            except OSError:
                self.send_error(404, "Not found")
                return
            self._send(200, self._inject(data, state.version), "text/html; charset=utf-8")
            return
        super().do_GET()

    @staticmethod
    def _inject(page: bytes, version: int) -> bytes:
        tag = f'<script src="{SCRIPT_PATH}?v={version}"></script>'.encode()
        end = page.rfind(b"</body>")
        return page[:end] + tag + page[end:] if end >= 0 else page + tag


def serve(site: Path, port: int = 8000, out: Path | None = None, log: Callable[[str], None] | None = None,
          debug: bool = False) -> None:
    """Serve the site until interrupted (Ctrl+C)."""
    if not site.is_dir():
        raise TrackboardError(f"{site}: no such site folder")
    server = DevServer(site, port=port, out=out, log=log, debug=debug)
    try:
        try:
            server.start()
        except OSError as exc:  # the port (start builds only once it has it)
            raise TrackboardError(f"cannot serve on 127.0.0.1:{port} ({exc.strerror or exc}); choose another "
                                  "--port") from None
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:  # Ctrl+C, during the first build too
        pass
    finally:
        server.stop()
