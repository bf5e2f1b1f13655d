"""Read a dataset from a database: a query's result, as CSV bytes, goes through the same reader as a file.

A dataset with `connection` and `sql` (or `table`) in site.toml is read from PostgreSQL with psycopg: the result
is copied out as CSV (`COPY … TO STDOUT`, the fastest way out of PostgreSQL), so column mapping, types, references
and the quality page treat it exactly as a CSV file, and its SHA-256 fingerprints the data like a file's bytes.

The connection URL may hold `${NAME}`: the value is read from the environment when the query runs and is never
written out (not in build.json, the cache keys, errors nor logs), and neither is a password in the URL.
"""

from __future__ import annotations

import hashlib
import io
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import Explained, Problem, Text, explained, reason, say

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# A table name as `table = "…"` takes it: identifiers (any letters, so 销售 too), dotted for a schema; anything
# else is a query, for `sql = "…"`.
_TABLE = re.compile(r"^[^\W\d]\w*(\.[^\W\d]\w*){0,2}$")
_SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT = 15  # seconds: a database that does not answer fails the build instead of hanging the cron job


def from_database(options: Mapping[str, Any]) -> bool:
    """Whether a dataset's settings read it from a database (`sql` or `table`) instead of a file."""
    return bool(options.get("sql") or options.get("table"))


@dataclass
class Query:
    """One dataset's query, as site.toml states it (the URL with its ${NAME} unexpanded)."""

    dataset: str
    setting: str  # "sql" or "table"
    text: str  # the SQL, or the table's name
    connection: str

    @classmethod
    def from_options(cls, dataset: str, options: Mapping[str, Any]) -> Query:
        setting = "sql" if options.get("sql") else "table"
        return cls(dataset, setting, str(options[setting]).strip(), str(options.get("connection") or ""))

    @property
    def label(self) -> str:
        """How problems and the quality page name the data: `data.sales (sql)`."""
        return f"data.{self.dataset} ({self.setting})"

    def key(self, setting: str) -> str:
        """A setting of this dataset as errors name it: `[data.sales] sql`."""
        return f"[data.{self.dataset}] {setting}"

    def statement(self) -> str:
        if self.setting == "table":
            return f"SELECT * FROM {self.text}"
        return self.text.rstrip().rstrip(";").rstrip()

    def resolve(self, environ: Mapping[str, str]) -> str:
        """The URL with every ${NAME} read from the environment; raises ValueError naming a missing one."""
        missing = [name for name in _VARIABLE.findall(self.connection) if not environ.get(name)]
        if missing:
            raise Explained(say("problem.db.no_variable", name=missing[0]))
        return _VARIABLE.sub(lambda m: environ[m.group(1)], self.connection)

    def secrets(self, environ: Mapping[str, str]) -> list[str]:
        """What must never be shown: the values of the URL's variables, and its user info and password."""
        found = [environ[name] for name in _VARIABLE.findall(self.connection) if environ.get(name)]
        try:
            url = self.resolve(environ)
        except ValueError:
            url = self.connection
        userinfo = urllib.parse.urlsplit(url).netloc.rpartition("@")[0] if "://" in url else ""
        if userinfo:
            password = userinfo.partition(":")[2]
            found += [userinfo, password, urllib.parse.unquote(password)]
        found += urllib.parse.parse_qs(urllib.parse.urlsplit(url).query).get("password", [])
        return sorted({s for s in found if s}, key=len, reverse=True)


@dataclass
class Fetched:
    """What a query returned: the result as UTF-8 CSV with a header row, and its SHA-256; or why it failed."""

    query: Query
    data: bytes = b""
    sha256: str = ""
    problem: Problem | None = None


def hidden(text: str, secrets: list[str]) -> str:
    """A message with every secret replaced by ***."""
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def _postgres(url: str) -> bool:
    return "://" in url and url.split("://", 1)[0].lower() in _SCHEMES


def _not_postgres(query: Query) -> Fetched:
    return _failure(query, "connection", say("problem.db.not_postgres"))


def _failure(query: Query, setting: str, message: Text) -> Fetched:
    return Fetched(query, problem=explained("site.toml", None, query.key(setting), message, fatal=True))


def check(query: Query) -> Fetched | None:
    """The settings' own mistakes, found before any connection is made."""
    if not query.connection:
        return _failure(query, "connection", say("problem.db.no_connection", setting=query.setting))
    head = query.connection.split("://", 1)[0] if "://" in query.connection else query.connection
    if "${" not in head and not _postgres(query.connection):
        return _not_postgres(query)
    if query.setting == "table" and not _TABLE.match(query.text):
        return _failure(query, "table", say("problem.db.not_table", table=query.text))
    return None


def fetch(query: Query, environ: Mapping[str, str]) -> Fetched:
    """Run a dataset's query in a read-only transaction and return its result as CSV bytes."""
    wrong = check(query)
    if wrong is not None:
        return wrong
    secrets = query.secrets(environ)
    try:
        url = query.resolve(environ)
    except ValueError as exc:
        return _failure(query, "connection", reason(exc))
    if not _postgres(url):
        return _not_postgres(query)
    import psycopg

    # Dates as YYYY-MM-DD whatever the server's DateStyle; a transaction that cannot write: a dataset's query reads.
    copy_sql = f"COPY ({query.statement()}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    try:
        connection = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, application_name="trackboard")
    except (psycopg.Error, ValueError) as exc:
        return _failure(query, "connection",
                        say("problem.db.cannot_connect", reason=hidden(_one_line(str(exc)), secrets)))
    buffer = io.BytesIO()
    try:
        with connection:
            connection.read_only = True
            with connection.cursor() as cursor:
                cursor.execute("SET DateStyle TO ISO, YMD")
                with cursor.copy(copy_sql) as copy:
                    for block in copy:
                        buffer.write(block)
    except psycopg.Error as exc:
        return _failure(query, query.setting, say("problem.db.refused", reason=hidden(_refusal(exc), secrets)))
    finally:
        connection.close()
    data = buffer.getvalue()
    return Fetched(query, data, hashlib.sha256(data).hexdigest())


def _one_line(text: str) -> str:
    return "; ".join(line.strip() for line in text.strip().splitlines() if line.strip())


def _refusal(exc: Any) -> str:
    """The server's own words (`syntax error at or near "SELEC"`, `column "x" does not exist`) and its hint."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None)
    hint = getattr(diag, "message_hint", None)
    if not primary:
        return _one_line(str(exc))
    return primary + (f" ({hint})" if hint else "")
