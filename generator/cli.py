"""The `trackboard` command line. Each command parses its options and hands off to commands/."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from .commands.add import KINDS, add_document
from .commands.build import build as run_build
from .commands.build import utc_now
from .commands.check import check as run_check
from .commands.check import sorted_problems
from .commands.index import write_index
from .commands.new import new_site
from .commands.notify import notify as run_notify
from .commands.serve import serve as run_serve
from .commands.theme import theme_listing
from .config.schema import NOTIFY_KINDS
from .errors import BadOption, Problem, say
from .i18n import catalogue
from .model import site_locale
from .progress import Progress

SHOWN_PROBLEMS = 20  # in a build summary; `check` and the quality page list them all

site_argument = click.argument("site", type=click.Path(file_okay=False, path_type=Path), default=".",
                               required=False)


def _echo_problems(problems: list[Problem], locale: str, limit: int | None = None) -> None:
    ordered = sorted_problems(problems)
    for problem in ordered[:limit]:
        color = "red" if problem.is_error else "yellow"
        click.secho(str(problem), fg=color, err=True)
    if limit is not None and len(ordered) > limit:
        click.echo(_say(locale, "cli.more", count=len(ordered) - limit), err=True)


def _say(locale: str, key: str, **values: object) -> str:
    """A line of the command's own output in the site's language."""
    return say(key, **values).render(catalogue(locale))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trackboard", prog_name="trackboard")
def main() -> None:
    """Trackboard: a static report site for sales organisations, built from CSV, Excel and Markdown."""


@main.command()
@site_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Output folder (default: SITE/output).")
@click.option("--as-of", "as_of", metavar="YYYY-MM-DD",
              help="The date the site is built for, from 2000-01-01 to a year after today (default: the "
                   "latest date in the sales data up to today).")
@click.option("--profile", help="Build for an audience defined under [profiles] (e.g. screen, managers).")
@click.option("--strict", is_flag=True, help="Fail on any error in the inputs instead of skipping bad rows.")
@click.option("--notify", "then_notify", is_flag=True, help="Then send what is owed to the [[notify]] targets.")
def build(site: Path, out: Path | None, as_of: str | None, profile: str | None, strict: bool,
          then_notify: bool) -> None:
    """Validate the inputs, compute, render and publish the site atomically."""
    day = _as_of_date(site, as_of)
    progress = Progress.for_terminal()
    try:
        result = run_build(site, out=out, as_of=day, profile=profile, strict=strict, progress=progress)
    finally:
        progress.close()
    s = result.summary
    _echo_problems(s.problems, s.locale, SHOWN_PROBLEMS)
    skipped = s.skipped
    profile_name = say("cli.built_profile", profile=s.profile_name) if s.profile_name else ""
    click.echo(_say(s.locale, "cli.built", pages=result.pages, files=result.files, out=result.out,
                    as_of=s.as_of.isoformat(), profile=profile_name))
    if s.problems:
        click.echo(_say(s.locale, "cli.build_problems", errors=len(s.errors), warnings=len(s.warnings),
                        skipped=skipped, page=result.out / "quality" / "index.html"))
    if s.missing:
        click.echo(_say(s.locale, "cli.not_provided", datasets=", ".join(s.missing)))
    click.echo(_say(s.locale, "cli.open", uri=(result.out / "index.html").resolve().as_uri()))
    if then_notify:
        _notify(site, result.out, dry_run=False, only=None)


def _as_of_date(site: Path, text: str | None) -> dt.date | None:
    """The --as-of date; a mistyped one refused in the site's language (so parsed here, not by click)."""
    if text is None:
        return None
    try:
        return dt.datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise BadOption(say("cli.invalid_as_of", as_of=text), locale=site_locale(site)) from None


@main.command()
@site_argument
def check(site: Path) -> None:
    """Check the inputs; print every problem as file:row:column: message; exit 1 on any error."""
    result = run_check(site, today=utc_now().date())
    _echo_problems(result.problems, result.locale)
    rows = sum(s.rows_read for s in result.sources.values())
    click.echo(_say(result.locale, "cli.checked", files=len(result.sources), rows=rows,
                    documents=sum(len(d) for d in result.documents.values()), errors=len(result.errors),
                    warnings=len(result.warnings)))
    if result.errors:
        sys.exit(1)


def _notify(site: Path, out: Path | None, dry_run: bool, only: str | None) -> None:
    result = run_notify(site, out=out, dry_run=dry_run, only=only, echo=click.echo)
    for report in result.targets:
        if dry_run:
            line = f"{report.name} ({report.shown}): {report.sent} message(s) would be sent"
            line += "".join(f"; {note}" for note in report.notes) + (f"; {report.error}" if report.error else "")
            click.echo(line)
        else:
            click.secho(report.line(), fg="red" if report.error else None, err=bool(report.error))
    if result.failed:
        sys.exit(1)


@main.command()
@site_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="The published output to read (default: SITE/output).")
@click.option("--dry-run", is_flag=True, help="Print each message and its target; send nothing, record nothing.")
@click.option("--only", type=click.Choice(NOTIFY_KINDS), help="Send only this kind.")
def notify(site: Path, out: Path | None, dry_run: bool, only: str | None) -> None:
    """Send the published build's news to the [[notify]] targets of site.toml, each message once."""
    _notify(site, out, dry_run, only)


@main.command()
@click.argument("public", type=click.Path(file_okay=False, path_type=Path))
@click.option("--site", type=click.Path(file_okay=False, path_type=Path), default=".", show_default=True,
              help="The site whose site.toml gives the index its title, language and colours, and whose profiles "
                   "with units are the branch sites expected.")
def index(public: Path, site: Path) -> None:
    """Write PUBLIC/index.html listing the sites built side by side in PUBLIC's folders (one per branch profile);
    exit 1 when a site is missing or cannot be read (the index lists the others)."""
    found = write_index(public, site)
    for problem in found.problems:
        click.secho(problem.line, fg="red", err=True)
    click.echo(f"Listed {len(found.sites)} site(s) in {public / 'index.html'}"
               + (f"; {len(found.problems)} problem(s)" if found.problems else "") + ".")
    if found.problems:
        sys.exit(1)


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new(directory: Path) -> None:
    """Create a new site in DIRECTORY from the example site."""
    parts = new_site(directory)
    click.echo(f"Created a site in {directory} ({', '.join(parts)}).")
    click.echo(f"Build it with: trackboard build {directory}")


@main.command()
@click.argument("kind", type=click.Choice(list(KINDS)))
@click.argument("title")
@site_argument
def add(kind: str, title: str, site: Path) -> None:
    """Write a new notice, battle report, FAQ entry, meeting, debrief or script with its front matter filled in."""
    path, new = add_document(site, kind, title, now=utc_now())
    for note in new.notes:
        click.secho(f"Note: {note}", fg="yellow", err=True)
    click.echo(str(path))


@main.group()
def theme() -> None:
    """The site's look: the built-in templates and blocks its theme/templates/ can replace."""


@theme.command("list")
@site_argument
def theme_list(site: Path) -> None:
    """List the built-in templates and their blocks, marking those the site replaces; exit 1 on a bad override."""
    lines = theme_listing(site)
    for line in lines:
        click.secho(line, fg="red" if line.startswith("Error:") else None)
    if any(line.startswith("Error:") for line in lines):
        sys.exit(1)


@main.command()
@site_argument
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: a temporary folder, removed on exit).")
@click.option("--debug", is_flag=True, help="Show a failed build's traceback on the error page too.")
def serve(site: Path, port: int, out: Path | None, debug: bool) -> None:
    """Build, serve on localhost, rebuild on every change and reload the open pages."""
    run_serve(site, port=port, out=out, debug=debug)


if __name__ == "__main__":  # pragma: no cover
    main()
