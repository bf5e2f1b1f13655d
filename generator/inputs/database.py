"""Read a dataset from a database: a query's result, as CSV bytes, goes through the same reader as a file.

A dataset with `connection` and `sql` (or `table`) in site.toml is read from PostgreSQL (psycopg), MySQL or
MariaDB (PyMySQL), or Spark through Spark Connect (`sc://host:port`, PySpark's client). PostgreSQL copies the
result out as CSV (`COPY … TO STDOUT`, the fastest way out of it); MySQL's rows come through a server-side cursor, a
batch at a time, as the server's own text and are written as the same CSV (see _csv_cell); Spark's come as Arrow
and are written as the same CSV too (see _spark_csv). Column mapping, types, references and the quality page then
treat the result exactly as a CSV file, and its SHA-256 fingerprints the data like a file's bytes.

The connection URL may hold `${NAME}`: the value is read from the environment when the query runs and is never
written out (not in build.json, the cache keys, errors nor logs), and neither is a password in the URL.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import math
import os
import re
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import Explained, Problem, Text, explained, reason, say

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# A table name as `table = "…"` takes it: identifiers (any letters, so 销售 too), dotted for a schema; anything
# else is a query, for `sql = "…"`.
_TABLE = re.compile(r"^[^\W\d]\w*(\.[^\W\d]\w*){0,2}$")
# The URL schemes read, and the kind of database each names (MariaDB speaks MySQL's protocol and SQL; sc:// is
# the URL Spark Connect clients take).
_SCHEMES = {"postgresql": "postgresql", "postgres": "postgresql", "mysql": "mysql", "mariadb": "mysql",
            "sc": "spark"}
CONNECT_TIMEOUT = 15  # seconds: a database that does not answer fails the build instead of hanging the cron job
_BATCH = 10_000  # rows fetched from MySQL at a time: the result never has to fit in memory as Python tuples


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
        # A variable in the user info holds the password (or user) as it is: percent-encoded, so that a password
        # with @, #, / or : still makes one URL instead of a wrong host named after its tail. So does one in the
        # ;name=value parameters of a Spark Connect URL (its token): Spark reads them percent-decoded.
        start, end = _userinfo(self.connection)
        parameters = _spark_parameters(self.connection)

        def value(match: re.Match[str]) -> str:
            text = environ[match.group(1)]
            inside = start <= match.start() < end or 0 <= parameters <= match.start()
            return urllib.parse.quote(text, safe="") if inside else text

        return _VARIABLE.sub(value, self.connection)

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
        parameters = _spark_parameters(url)
        if parameters >= 0:  # sc://host:port/;user_id=…;token=…: the token
            for parameter in url[parameters:].split(";"):
                name, _, text = parameter.partition("=")
                if name.strip().lower() == "token":
                    found += [text, urllib.parse.unquote(text)]
        return sorted({s for s in found if s}, key=len, reverse=True)


def _userinfo(connection: str) -> tuple[int, int]:
    """Where the user info of a connection URL as written lies (from after :// to its last @ before the host);
    an empty span if it has none."""
    scheme = connection.find("://")
    if scheme < 0:
        return 0, 0
    start = scheme + 3
    ends = [i for i in (connection.find(c, start) for c in "/?") if i >= 0]
    return start, max(connection.rfind("@", start, min(ends, default=len(connection))), 0)


def _spark_parameters(connection: str) -> int:
    """Where the ;name=value parameters of a Spark Connect URL as written start (after its first ;), else -1."""
    if not connection.lower().startswith("sc://"):
        return -1
    found = connection.find(";")
    return found + 1 if found >= 0 else -1


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


def kind(url: str) -> str | None:
    """The kind of database a URL names: "postgresql", "mysql" (MySQL and MariaDB) or "spark" (Spark Connect),
    else None."""
    return _SCHEMES.get(url.split("://", 1)[0].lower()) if "://" in url else None


def _unsupported(query: Query) -> Fetched:
    return _failure(query, "connection", say("problem.db.unsupported"))


def _failure(query: Query, setting: str, message: Text) -> Fetched:
    return Fetched(query, problem=explained("site.toml", None, query.key(setting), message, fatal=True))


def check(query: Query) -> Fetched | None:
    """The settings' own mistakes, found before any connection is made."""
    if not query.connection:
        return _failure(query, "connection", say("problem.db.no_connection", setting=query.setting))
    head = query.connection.split("://", 1)[0] if "://" in query.connection else query.connection
    if "${" not in head and kind(query.connection) is None:
        return _unsupported(query)
    if query.setting == "table" and not _TABLE.match(query.text):
        return _failure(query, "table", say("problem.db.not_table", table=query.text))
    return None


class Unreadable(Exception):
    """The database could not be reached (`connecting`), or it refused the statement: its own words, on one line
    (secrets still in them: the caller hides them)."""

    def __init__(self, connecting: bool, words: str) -> None:
        super().__init__(words)
        self.connecting = connecting


def read_csv(url: str, sql: str, write: Callable[[bytes], object], strict: bool = False) -> None:
    """Run `sql` in a read-only transaction on the database of `url` (a resolved URL of a kind read) and hand its
    result to `write` as UTF-8 CSV with a header row, a block at a time: NULL as an empty cell, an empty string
    as "", dates as YYYY-MM-DD. Raises Unreadable; with `strict`, also when MySQL warned of a value it could
    not read (its CAST gives 0 or NULL and a warning where PostgreSQL's fails)."""
    if kind(url) == "mysql":
        _mysql_csv(url, sql, write, strict)
    elif kind(url) == "spark":
        _spark_csv(url, sql, write)
    else:
        _postgres_csv(url, sql, write)


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
    if kind(url) is None:
        return _unsupported(query)
    options = urllib.parse.urlsplit(url).query
    if kind(url) == "mysql" and options:  # named, not shown: a value may be a secret
        names = ", ".join(sorted({name for name, _ in urllib.parse.parse_qsl(options, keep_blank_values=True)}))
        return _failure(query, "connection", say("problem.db.mysql_options", options=names))
    if kind(url) == "spark" and not spark_client():
        return _failure(query, "connection", say("problem.db.no_spark_client"))
    buffer = io.BytesIO()
    try:
        read_csv(url, query.statement(), buffer.write)
    except Unreadable as exc:
        if exc.connecting:
            return _failure(query, "connection", say("problem.db.cannot_connect", reason=hidden(str(exc), secrets)))
        return _failure(query, query.setting, say("problem.db.refused", reason=hidden(str(exc), secrets)))
    data = buffer.getvalue()
    return Fetched(query, data, hashlib.sha256(data).hexdigest())


def _postgres_csv(url: str, sql: str, write: Callable[[bytes], object]) -> None:
    import psycopg

    # Dates as YYYY-MM-DD whatever the server's DateStyle; a transaction that cannot write: a dataset's query reads.
    copy_sql = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER true, ENCODING 'UTF8')"
    try:
        connection = psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT, application_name="trackboard")
    except (psycopg.Error, ValueError) as exc:
        raise Unreadable(True, _one_line(str(exc))) from None
    try:
        with connection:
            connection.read_only = True
            with connection.cursor() as cursor:
                cursor.execute("SET DateStyle TO ISO, YMD")
                with cursor.copy(copy_sql) as copy:
                    for block in copy:
                        write(bytes(block))
    except psycopg.Error as exc:
        raise Unreadable(False, _refusal(exc)) from None
    finally:
        connection.close()


def _mysql_connect(url: str) -> Any:
    """A PyMySQL connection to the database of a mysql:// or mariadb:// URL, every value returned as the server's
    text (no conversion to Python objects: the CSV holds what the server printed, as PostgreSQL's COPY does)."""
    import pymysql
    import pymysql.converters
    import pymysql.cursors

    # PyMySQL's encoders (by Python type) without its decoders (by MySQL field type): values come back as text.
    encoders = {key: value for key, value in pymysql.converters.conversions.items() if not isinstance(key, int)}
    parts = urllib.parse.urlsplit(url)
    unquote = urllib.parse.unquote
    # The timeout covers the server's greeting and the login too (PyMySQL's connect_timeout only the TCP
    # connection): a server that accepts but never answers fails the build. Queries then take what they take.
    connection = pymysql.connect(
        host=parts.hostname or "localhost", port=parts.port or 3306, user=unquote(parts.username or ""),
        password=unquote(parts.password or ""), database=unquote(parts.path.lstrip("/")) or None,
        charset="utf8mb4", conv=encoders, cursorclass=pymysql.cursors.SSCursor, connect_timeout=CONNECT_TIMEOUT,
        read_timeout=CONNECT_TIMEOUT, write_timeout=CONNECT_TIMEOUT, program_name="trackboard")
    # PyMySQL has no public setter for these: no timeout on the queries, which may take long on a big table.
    connection._read_timeout = None
    connection._write_timeout = None
    return connection


def _mysql_csv(url: str, sql: str, write: Callable[[bytes], object], strict: bool) -> None:
    import pymysql

    try:
        connection = _mysql_connect(url)
    except (pymysql.MySQLError, ValueError, OSError) as exc:
        raise Unreadable(True, _mysql_words(exc)) from None
    try:
        # A transaction that cannot write: a dataset's query reads.
        connection.query("START TRANSACTION READ ONLY")
        with connection.cursor() as cursor:
            cursor.execute(sql)
            write(_csv_line(tuple(column[0] for column in cursor.description or ())).encode())
            while rows := cursor.fetchmany(_BATCH):
                write("".join(map(_csv_line, rows)).encode())
        warned = [str(row[2]) for row in connection.show_warnings() if str(row[0]) in ("Warning", "Error")]
        connection.rollback()
    except pymysql.MySQLError as exc:
        raise Unreadable(False, _mysql_words(exc)) from None
    finally:
        if connection.open:
            connection.close()
    if strict and warned:
        raise Unreadable(False, _one_line(warned[0]))


def _csv_line(row: tuple[str | bytes | None, ...]) -> str:
    return ",".join(map(_csv_cell, row)) + "\n"


_SPECIAL = re.compile(r'[,"\r\n]')


def _csv_cell(value: str | bytes | None) -> str:
    """A value as PostgreSQL's COPY … (FORMAT csv) writes it: NULL as nothing, an empty string and a value with a
    comma, quote or line break in quotes (quotes doubled). A binary value is read as UTF-8 where it is (MySQL
    gives some text, such as CAST(… AS BINARY), as bytes), else as PostgreSQL writes bytea: \\x and hex."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        raw = value
        try:
            value = raw.decode()
        except UnicodeDecodeError:
            return "\\x" + raw.hex()
    if not value or _SPECIAL.search(value) or value == "\\.":
        return '"' + value.replace('"', '""') + '"'
    return value


def _mysql_words(exc: BaseException) -> str:
    """A PyMySQL error's message without its number: `Unknown column 'x' in 'field list'`."""
    args = exc.args
    words = str(args[1]) if len(args) >= 2 and isinstance(args[0], int) else str(exc) or type(exc).__name__
    return _one_line(words)


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


# PySpark's client logs every error of a query, with the server's Java stack trace, to stderr on its own: the
# build says the error once, on one line (see _spark_words).
_SPARK_LOGGERS = ("SQLQueryContextLogger", "DataFrameQueryContextLogger")


def spark_client() -> bool:
    """Whether PySpark's Spark Connect client can be loaded (pip install 'trackboard[spark]')."""
    # gRPC's C core logs its own view of a failed connection (a TLS handshake, say) to stderr unless told not to,
    # as it loads: the build names the failure once, in its own words.
    os.environ.setdefault("GRPC_VERBOSITY", "ERROR")
    try:
        import pyspark.sql.connect.session  # noqa: F401
    except ImportError:
        return False
    return True


def _spark_session(url: str) -> Any:
    """A Spark Connect session on the server of an sc:// URL, the connection made and checked: a server that
    refuses it fails at once, one that does not answer after CONNECT_TIMEOUT (Spark's client would retry for ten
    minutes). Raises Unreadable."""
    import logging

    from pyspark.logger import PySparkLogger
    from pyspark.sql.connect.client import DefaultChannelBuilder
    from pyspark.sql.connect.client.retries import DefaultPolicy
    from pyspark.sql.connect.session import SparkSession

    for name in _SPARK_LOGGERS:
        PySparkLogger.getLogger(name).setLevel(logging.CRITICAL + 1)
    try:
        # gRPC's own bound on a connection attempt (20 s by default) is its minimum reconnect back-off.
        channel = DefaultChannelBuilder(url, [("grpc.min_reconnect_backoff_ms", CONNECT_TIMEOUT * 1000)])
        session = SparkSession.builder.channelBuilder(channel).create()
    except Exception as exc:  # a malformed URL: PySpark's own ValueError, or int() of a port
        raise Unreadable(True, _spark_words(exc)) from None
    policies = session.client.get_retry_policies()
    try:
        session.client.set_retry_policies([DefaultPolicy(max_retries=0)])
        session.version  # noqa: B018  (the first call: it connects, and the server checks the token)
    except Exception as exc:
        _stop(session)
        raise Unreadable(True, _spark_words(exc)) from None
    session.client.set_retry_policies(policies)  # a long query's stream is resumed as Spark's client does
    return session


def _stop(session: Any) -> None:
    """End the session on the server (its temporary views and cached results go) and close the connection."""
    with contextlib.suppress(Exception):  # the server is gone already: nothing of the session is left to end
        session.stop()


def _spark_csv(url: str, sql: str, write: Callable[[bytes], object]) -> None:
    """Run `sql` on Spark as a subquery (a statement that writes is no query, so Spark refuses it: Spark has no
    read-only transaction) and write its result, taken as Arrow, as PostgreSQL's COPY writes the same values
    (see _arrow_cells), _BATCH rows at a time."""
    import pyarrow as pa
    from pyspark.errors import PySparkException

    session = _spark_session(url)
    try:
        table = session.sql(f"SELECT * FROM ({sql}) AS source").toArrow()
        zoned = any(pa.types.is_timestamp(field.type) and field.type.tz for field in table.schema)
        zone = _zone(str(session.conf.get("spark.sql.session.timeZone"))) if zoned else None
    except (PySparkException, OSError) as exc:
        raise Unreadable(False, _spark_words(exc)) from None
    finally:
        _stop(session)
    write(_csv_line(tuple(table.schema.names)).encode())
    for batch in table.to_batches(max_chunksize=_BATCH):
        columns = [_arrow_cells(column, zone) for column in batch.columns]
        write("".join(map(_csv_line, zip(*columns))).encode())


def _zone(name: str) -> dt.tzinfo:
    """A session time zone as Spark takes it: a region (Asia/Shanghai), or an offset (+08:00, -05, Z, UTC)."""
    offset = re.fullmatch(r"(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?(?::?(\d{2}))?", name.strip())
    if offset is not None:
        sign, hours, minutes, seconds = offset.groups()
        span = dt.timedelta(hours=int(hours), minutes=int(minutes or 0), seconds=int(seconds or 0))
        return dt.timezone(-span if sign == "-" else span)
    try:
        return ZoneInfo(name.strip())
    except (ValueError, ZoneInfoNotFoundError):  # Z, or a region Spark knows and this machine does not
        return dt.UTC


def _arrow_cells(column: Any, zone: dt.tzinfo | None = None) -> list[str | bytes | None]:
    """An Arrow column's values as PostgreSQL's COPY writes them: numbers as their digits (a double as its
    shortest digits, see _float_text), booleans as t and f, dates as YYYY-MM-DD, a timestamp as its wall-clock
    time in the server's session time zone without an offset (as Spark shows it), bytes as _csv_cell writes them,
    anything else (an array, a map) as JSON; NULL as None."""
    import pyarrow as pa

    kind_of = column.type
    if pa.types.is_timestamp(kind_of):
        values = column.to_pylist()
        if kind_of.tz and zone is not None:  # an instant (Spark's TIMESTAMP): the wall-clock time in `zone`
            values = [None if v is None else v.astimezone(zone) for v in values]
        return [None if v is None else v.strftime("%Y-%m-%d %H:%M:%S") + _fraction(v.microsecond) for v in values]
    values = column.to_pylist()
    if pa.types.is_boolean(kind_of):
        return [None if v is None else "t" if v else "f" for v in values]
    if pa.types.is_floating(kind_of):
        single = pa.types.is_float32(kind_of)
        return [None if v is None else _float_text(v, single) for v in values]
    if pa.types.is_decimal(kind_of):
        return [None if v is None else format(v, "f") for v in values]
    if pa.types.is_integer(kind_of):
        return [None if v is None else str(v) for v in values]
    if pa.types.is_date(kind_of):
        return [None if v is None else v.isoformat() for v in values]
    if pa.types.is_string(kind_of) or pa.types.is_large_string(kind_of) or pa.types.is_binary(kind_of) \
            or pa.types.is_large_binary(kind_of):
        return values
    import json

    return [None if v is None else json.dumps(v, ensure_ascii=False, default=str, separators=(",", ":"))
            for v in values]


def _fraction(microseconds: int) -> str:
    """A timestamp's fraction of a second as PostgreSQL writes it: none, or its digits without trailing zeros."""
    return "." + f"{microseconds:06d}".rstrip("0") if microseconds else ""


def _float_text(value: float, single: bool = False) -> str:
    """A double (or, `single`, a float) as PostgreSQL writes it: the shortest digits that read back as the same
    value, in exponent form (1e+20, 1.5e-05) below 1e-4 and from 1e15 on (a float's from 1e6 on)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    if single:
        import numpy as np

        shortest = np.format_float_scientific(np.float32(value), unique=True, trim="-")
    else:
        shortest = repr(value)
    sign, numerals, exponent = Decimal(shortest).normalize().as_tuple()
    digits = "".join(map(str, numerals))
    assert isinstance(exponent, int)
    point = len(digits) + exponent  # digits before the decimal point
    text: str
    if -4 <= point - 1 < (6 if single else 15):
        if point <= 0:
            text = "0." + "0" * -point + digits
        elif point >= len(digits):
            text = digits + "0" * (point - len(digits))
        else:
            text = digits[:point] + "." + digits[point:]
    else:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        text = f"{mantissa}e{'-' if point - 1 < 0 else '+'}{abs(point - 1):02d}"
    return ("-" if sign else "") + text


_GRPC_DETAILS = re.compile(r'details = "(.*?)"\n')


def _spark_words(exc: BaseException) -> str:
    """What Spark or its client said, on one line: the error's first line without the server's stack trace
    (`[TABLE_OR_VIEW_NOT_FOUND] The table or view `x` cannot be found. …`), or gRPC's reason for a connection
    that failed (`failed to connect to all addresses; … Connection refused`, `Invalid authentication token`)."""
    cause: BaseException = exc
    while type(cause).__name__ == "RetriesExceeded" and cause.__cause__ is not None:
        cause = cause.__cause__
    text = str(cause)
    details = _GRPC_DETAILS.search(text)
    if details is not None:
        return _one_line(details.group(1))
    first = text.split("\n\nJVM stacktrace:", 1)[0].strip().split("\n", 1)[0]
    return _one_line(first) or type(cause).__name__
