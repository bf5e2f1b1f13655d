"""Problems found in a site's inputs, and the one exception users ever see."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import IO, Any

import click


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
    # The catalogue entry this message was made from, and its values: shown in the site's language (localized).
    key: str = ""
    values: tuple[tuple[str, str], ...] = ()
    # A row named in words instead of `row`: a database row by its identity columns ("row with 保单号=X")
    place: str | None = None

    def __str__(self) -> str:
        if self.place:
            column = f": {self.column}" if self.column else ""
            return f"{self.file}: {self.place}{column}: {self.message}"
        place = self.file
        if self.row is not None:
            place += f":{self.row}"
        if self.column:
            place += f":{self.column}"
        return f"{place}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def localized(self, messages: dict[str, str]) -> Problem:
        """This problem with its message in the language of `messages` (a catalogue), when it was made from one."""
        if not self.key or self.key not in messages:
            return self
        return replace(self, message=messages[self.key].format(**dict(self.values)))


class TrackboardError(click.ClickException):
    """An error reported as one clear line (or a list of problems) and exit code 1, never a traceback."""

    exit_code = 1

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []

    def format_message(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(self.message)
        return "\n".join(lines)

    def show(self, file: IO[Any] | None = None) -> None:
        """Print the problems one per line as `file:row:column: message`, then `Error: ` and the summary."""
        # click.echo(err=True) picks stderr when no file is given (get_text_stream is deprecated in click 8.5).
        for problem in self.problems:
            click.echo(str(problem), file=file, err=True, color=self.show_color)
        click.echo(f"Error: {self.message}", file=file, err=True, color=self.show_color)
