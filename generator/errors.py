"""Problems found in a site's inputs, and the one exception users ever see.

A problem's message is made from catalogue entries (`Text`): English in the Problem as made, for logs and tests,
and shown in the site's language once the site's locale is known (`Problem.localized`, in model.load_site).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import IO, Any

import click

from .i18n import catalogue


@dataclass(frozen=True)
class Text:
    """A message made from the catalogue entry `key`: its values (a value may itself be a Text, a type's name or a
    quoted list, shown in the same language) and the clauses that follow it (a hint, what was done about it)."""

    key: str
    values: tuple[tuple[str, str | Text], ...] = ()
    then: tuple[Text, ...] = ()

    def render(self, messages: Mapping[str, str]) -> str:
        values = {name: value.render(messages) if isinstance(value, Text) else value for name, value in self.values}
        return messages[self.key].format(**values) + "".join(part.render(messages) for part in self.then)

    def __str__(self) -> str:
        return self.render(catalogue("en"))


def say(key: str, /, *then: Text | None, **values: object) -> Text:
    """The catalogue entry `key` with its values (a Text stays one, anything else becomes a string), followed by
    the clauses `then` (None: no clause)."""
    return Text(key, tuple((name, value if isinstance(value, Text) else str(value)) for name, value in values.items()),
                tuple(part for part in then if part is not None))


def closest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The choice closest to a misspelt word, or None."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return close[0] if close else None


def hint(word: str, choices: Iterable[str], listing: str | None = None) -> Text | None:
    """The clause that helps fix an unknown name: '; did you mean "x"?' for a close choice, else (with the catalogue
    key `listing`) the list of the choices, else nothing."""
    choices = list(choices)
    close = closest(word, choices)
    if close is not None:
        return say("problem.hint.similar", similar=close)
    return say(listing, choices=", ".join(choices)) if listing else None


# How a problem's place is written, by what it names: `file:row:column: message` in English.
_LAYOUTS = {(True, True): "problem.at.row_column", (True, False): "problem.at.row",
            (False, True): "problem.at.column", (False, False): "problem.at.file"}


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in an input file, placed as `file:row:column`.

    `row` is the row as a spreadsheet shows it (the header is row 1) or the line of a text file;
    `column` is the column header as written in the file, or a front-matter field or config key.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: str = "error"  # or "warning"
    fatal: bool = False  # the whole file (or the configuration) is unusable: the build must stop
    # A row named in words instead of `row`: a database row by its identity columns ("row with 保单号=X")
    place: str | None = None
    # The catalogue entries the message (and `place`) were made from: shown in the site's language (localized).
    text: Text | None = field(default=None, compare=False)
    place_text: Text | None = field(default=None, compare=False)
    # The catalogue the message is in ('' for English as made): its words for the place too.
    locale: str = field(default="", compare=False)

    def __str__(self) -> str:
        messages = catalogue(self.locale or "en")
        if self.place:
            key = "problem.at.place_column" if self.column else "problem.at.place"
        else:
            key = _LAYOUTS[self.row is not None, bool(self.column)]
        return messages[key].format(file=self.file, row=self.row, column=self.column, place=self.place,
                                    message=self.message)

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def localized(self, locale: str) -> Problem:
        """This problem in the language of `locale` (its message, when made from the catalogue, and its place)."""
        messages = catalogue(locale)
        return replace(self, locale=locale,
                       message=self.text.render(messages) if self.text is not None else self.message,
                       place=self.place_text.render(messages) if self.place_text is not None else self.place)


class SortsProblems:
    """`errors` and `warnings` of a class holding `problems` (a loaded Site, a BuildSummary): one definition, so
    that what counts as an error is the same wherever a build's problems are judged."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def explained(file: str, row: int | None, column: str | None, message: Text, severity: str = "error",
              fatal: bool = False) -> Problem:
    """A problem whose message is made from the catalogue: English here, the site's language when localized."""
    return Problem(file, row, column, str(message), severity, fatal, text=message)


class Explained(ValueError):
    """A refusal whose reason is made from the catalogue (`text`); str() is its English."""

    def __init__(self, reason: Text) -> None:
        super().__init__(str(reason))
        self.text = reason


def reason(exc: Exception) -> Text:
    """The reason an exception gives, as a Text: the one it was raised with (Explained, or a Text as its argument),
    else its own words."""
    if isinstance(exc, Explained):
        return exc.text
    if exc.args and isinstance(exc.args[0], Text):
        return exc.args[0]
    return say("problem.as_given", reason=str(exc))


class TrackboardError(click.ClickException):
    """An error reported as one clear line (or a list of problems) and exit code 1, never a traceback."""

    exit_code = 1

    def __init__(self, message: str | Text, problems: list[Problem] | None = None, locale: str = "") -> None:
        shown = message.render(catalogue(locale)) if isinstance(message, Text) and locale else str(message)
        super().__init__(shown)
        self.problems = problems or []
        self.locale = locale
        self.text = message if isinstance(message, Text) else None

    def localized(self, locale: str) -> TrackboardError:
        """This error in the language of `locale`, when it was raised before the site's language was known."""
        if self.locale or self.text is None:
            return self
        return type(self)(self.text, [p.localized(locale) for p in self.problems], locale)

    def format_message(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(self.message)
        return "\n".join(lines)

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the problems one per line as `file:row:column: message`, then `Error: ` and the summary."""
        # click.echo(err=True) picks stderr when no file is given (get_text_stream is deprecated in click 8.5).
        for problem in self.problems:
            click.echo(str(problem), file=file, err=True, color=self.show_color)
        label = catalogue(self.locale or "en")["problem.error_label"]
        click.echo(f"{label}{self.message}", file=file, err=True, color=self.show_color)


class BadOption(TrackboardError):
    """A command-line option that cannot be read: exit code 2, as click's own usage errors."""

    exit_code = 2
