"""`trackboard build`: validate, compute, render and publish the site in one atomic swap."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import TemplateError

from ..charts import render_svgs
from ..fonts import subset_woff2
from ..errors import TrackboardError
from ..model import Site, load_site
from ..pages import plan_site
from ..render import Renderer
from ..writer import Output, check_target, publish

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class BuildResult:
    site: Site
    out: Path
    pages: int
    files: int
    build_id: str


def generator_version() -> str:
    try:
        return version("trackboard")
    except PackageNotFoundError:
        return "0+unknown"


def fatal_check(site: Site, strict: bool) -> None:
    """Stop before anything is written when the inputs cannot make a trustworthy site."""
    fatal = [p for p in site.problems if p.fatal]
    if fatal:
        files = len({p.file for p in fatal})
        raise TrackboardError(f"build failed: {files} input file(s) cannot be used as they are; "
                              "the previous output is unchanged", problems=fatal)
    if strict and site.errors:
        raise TrackboardError(f"build failed (--strict): {len(site.errors)} error(s) in the inputs; "
                              "the previous output is unchanged", problems=site.errors)


def chart_cache(site: Site) -> Path:
    """Rendered charts are cached by content beside the site, so an unchanged chart is never redrawn."""
    return site.root / ".trackboard-cache" / "charts"


def render_site(site: Site) -> list[Output]:
    """Return every file of the site but build.json, in a stable order."""
    plan = plan_site(site)
    renderer = Renderer(site.root, site.locale, {
        "site": site.config["site"], "as_of": site.as_of, "nav": plan.nav, "profile": site.profile_name,
    })
    try:
        outputs = [renderer.render(page) for page in plan.pages]
    except TemplateError as exc:
        raise TrackboardError(f"build failed: {template_problem(exc)}; the previous output is unchanged") from None
    outputs.extend(plan.files)
    svgs = render_svgs([item.chart for item in plan.charts], site.locale, cache_dir=chart_cache(site))
    outputs.extend(Output(item.path, svg.encode("utf-8")) for item, svg in zip(plan.charts, svgs, strict=True))
    outputs.extend(renderer.static_files())
    screen_text = "".join(o.data.decode("utf-8") for o in outputs if o.path.startswith("screen/")
                          and o.path.endswith(".html"))
    if screen_text:
        font = subset_woff2(visible_text(screen_text), cache_dir=site.root / ".trackboard-cache" / "fonts")
        if font is not None:
            outputs.append(Output("static/fonts/cjk.woff2", font))
    return outputs


def visible_text(html: str) -> str:
    """The characters a page can show: its text without tags."""
    return re.sub(r"<[^>]*>", "", html)


def template_problem(exc: TemplateError) -> str:
    """Name the template and line of a theme error."""
    name = getattr(exc, "filename", None) or getattr(exc, "name", None) or "a template"
    line = getattr(exc, "lineno", None)
    place = f"{name}:{line}" if line else str(name)
    return f"{place}: {type(exc).__name__}: {exc.message or exc}"


def build_info(site: Site, outputs: list[Output], built_at: dt.datetime) -> Output:
    """Return build.json: the build id (a digest of every file), the as-of date, the build time and the
    fingerprint of every input. Only the build time changes between identical builds."""
    digest = hashlib.sha256()
    for item in sorted(outputs, key=lambda o: o.path):
        digest.update(item.path.encode() + b"\0" + hashlib.sha256(item.data).digest())
    skipped = sum(len(rows) for rows in site.skipped_rows().values())
    info = {
        "build_id": digest.hexdigest()[:16],
        "as_of": site.as_of.isoformat(),
        "built_at": built_at.astimezone(ZoneInfo(site.config["site"]["timezone"])).isoformat(timespec="seconds"),
        "profile": site.profile_name,
        "generator": {"name": "trackboard", "version": generator_version()},
        "inputs": site.fingerprints,
        "pages": sum(1 for o in outputs if o.path.endswith(".html")),
        "files": len(outputs) + 1,
        "problems": {"errors": len(site.errors), "warnings": len(site.warnings), "skipped_rows": skipped},
    }
    return Output("build.json", (json.dumps(info, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode())


def build(site_dir: Path, out: Path | None = None, as_of: dt.date | None = None, profile: str | None = None,
          strict: bool = False, clock: Clock = utc_now) -> BuildResult:
    """Build the site at `site_dir` into `out` (default: its output/ folder)."""
    now = clock()
    site = load_site(site_dir, today=now.date(), as_of=as_of, profile=profile)
    fatal_check(site, strict)
    out = out or site_dir / "output"
    check_target(out, site_dir)
    outputs = render_site(site)
    info = build_info(site, outputs, now)
    publish(out, [*outputs, info])
    return BuildResult(site, out, sum(1 for o in outputs if o.path.endswith(".html")), len(outputs) + 1,
                       json.loads(info.data)["build_id"])
