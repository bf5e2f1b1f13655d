"""Sending through Apprise: the targets' URLs and their secrets, retries, pacing and quiet hours.

A URL's secrets (tokens, passwords, the values of ${NAME} variables) are never shown: a target is shown by its
name and `scheme://host` at most, and Apprise's own log, which writes whole URLs, is captured and redacted
instead of reaching the terminal.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
import time
import urllib.parse
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from ..errors import TrackboardError
from .messages import Message

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_HOSTLIKE = re.compile(r"^(localhost|[0-9.]+|\[[0-9a-fA-F:]+\]|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+)$")
PHONE_MENTIONS = ("dingtalk",)  # services whose robots mention people by phone number (Apprise: URL targets)


class Clock(Protocol):
    def now(self) -> dt.datetime: ...  # aware
    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


@dataclass
class Target:
    """One [[notify]] table of site.toml."""

    name: str
    url: str  # as written, with ${NAME} unexpanded
    send: list[str]
    unit: str = ""
    quiet_hours: list[str] = field(default_factory=list)
    profile: str = ""
    rate: int = 20
    rate_seconds: float = 60
    retries: int = 3
    retry_seconds: float = 5
    timeout: float = 10

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> Target:
        return cls(**{key: table[key] for key in cls.__dataclass_fields__ if key in table})

    @property
    def scheme(self) -> str:
        head = self.url.split("://", 1)[0] if "://" in self.url else ""
        return head.lower() if head and "${" not in head else ""

    def variables(self) -> list[str]:
        return _VARIABLE.findall(self.url)

    def resolve(self, environ: Mapping[str, str]) -> str:
        """The URL with every ${NAME} read from the environment; a missing one is an error naming both."""
        missing = [name for name in self.variables() if not environ.get(name)]
        if missing:
            raise TrackboardError(f'notify target "{self.name}": the environment variable '
                                  f'{", ".join(missing)} is not set (its url uses ${{{missing[0]}}})')
        return _VARIABLE.sub(lambda m: environ[m.group(1)], self.url)

    def secrets(self, environ: Mapping[str, str]) -> list[str]:
        """Every part of the URL that may be secret: the values of its variables, its user, password, token-like
        host, path segments and query values."""
        found = [environ[name] for name in self.variables() if environ.get(name)]
        try:
            url = self.resolve(environ)
        except TrackboardError:
            url = self.url
        found.extend(part for part in secret_parts(url) if "${" not in part)  # a variable's name is no secret
        return sorted({s for s in found if len(s) >= 3}, key=len, reverse=True)

    def is_quiet(self, now: dt.datetime, timezone: str) -> bool:
        """Whether `now` falls in the target's quiet hours (in the site's time zone; may cross midnight)."""
        if len(self.quiet_hours) != 2:
            return False
        start, end = (dt.time.fromisoformat(_pad(x)) for x in self.quiet_hours)
        local = now.astimezone(ZoneInfo(timezone)).time().replace(tzinfo=None)
        if start == end:
            return False
        if start < end:
            return start <= local < end
        return local >= start or local < end

    def quiet_until(self, now: dt.datetime, timezone: str) -> dt.datetime:
        """When the quiet hours that `now` is in end (site time zone), for the report."""
        zone = ZoneInfo(timezone)
        local = now.astimezone(zone)
        end = dt.time.fromisoformat(_pad(self.quiet_hours[1]))
        until = local.replace(hour=end.hour, minute=end.minute, second=0, microsecond=0)
        if until <= local:
            until += dt.timedelta(days=1)
        return until


def _pad(value: str) -> str:
    return value.zfill(5)  # "7:30" -> "07:30"


def secret_parts(url: str) -> list[str]:
    """The parts of a URL that may hold a secret: everything but its scheme and a host name or address."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return [url.split("://", 1)[-1]]
    found: list[str] = []
    netloc = parts.netloc
    userinfo, _, hostport = netloc.rpartition("@")
    if userinfo:
        found.extend(userinfo.split(":", 1))
        found.append(userinfo)
    host = hostport.rsplit(":", 1)[0] if not hostport.endswith("]") else hostport
    if host and not _HOSTLIKE.match(host):
        found.append(host)
    found.extend(seg for seg in parts.path.split("/") if seg)
    for _, value in urllib.parse.parse_qsl(parts.query, keep_blank_values=True):
        found.append(value)
    if parts.fragment:
        found.append(parts.fragment)
    found.extend(urllib.parse.unquote(x) for x in list(found))
    return found


def shown_url(url: str) -> str:
    """A URL as it may be shown: its scheme, and its host when that is a host name or address (a webhook's
    token in the host place, as in wecombot://TOKEN, is not shown)."""
    scheme = url.split("://", 1)[0] if "://" in url else url
    if "${" in scheme:
        return "(from the environment)"
    try:
        hostport = urllib.parse.urlsplit(url).netloc.rpartition("@")[2]
    except ValueError:
        hostport = ""
    host = hostport.rsplit(":", 1)[0] if not hostport.endswith("]") else hostport
    return f"{scheme}://{hostport}" if host and _HOSTLIKE.match(host) else f"{scheme}://…"


def redact(message: str, secrets: list[str]) -> str:
    for secret in secrets:
        message = message.replace(secret, "***")
    return message


# What a connection error was, from the exception Apprise logs at debug level (whose text, with the URL, is
# never shown).
_SOCKET_ERRORS = (
    (re.compile(r"timed? ?out", re.I), "timed out"),
    (re.compile(r"refused", re.I), "connection refused"),
    (re.compile(r"RemoteDisconnected|aborted|reset by peer|closed connection", re.I),
     "connection closed without an answer"),
    (re.compile(r"Name or service not known|getaddrinfo|resolve", re.I), "host name not found"),
    (re.compile(r"SSL|certificate", re.I), "TLS error"),
)


class _Capture(logging.Handler):
    """Keeps Apprise's warnings and errors (redacted) for the report; nothing reaches the terminal."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(logging.DEBUG)
        self.secrets = secrets
        self.messages: list[str] = []
        self.socket_error = ""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:  # pragma: no cover - a log record that cannot be formatted
            message = "(unreadable log record)"
        if record.levelno >= logging.WARNING:
            self.messages.append(redact(message, self.secrets))
        elif message.startswith("Socket Exception"):
            self.socket_error = next((words for pattern, words in _SOCKET_ERRORS if pattern.search(message)), "")

    def reason(self) -> str:
        reason = self.messages[-1] if self.messages else "the service did not accept it"
        return f"{reason} ({self.socket_error})" if self.socket_error else reason


@contextmanager
def captured_apprise_log(secrets: list[str]) -> Iterator[_Capture]:
    """Apprise's log kept (redacted) for the report, and its plugins' import-time deprecation warnings (imghdr
    in its e-mail plugin) kept from the terminal."""
    logger = logging.getLogger("apprise")
    saved = (logger.handlers[:], logger.propagate, logger.level)
    capture = _Capture(secrets)
    logger.handlers = [capture]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            yield capture
    finally:
        logger.handlers, logger.propagate, _ = saved
        logger.setLevel(saved[2])


@dataclass
class Outcome:
    ok: bool
    reason: str = ""
    attempts: int = 0


class Sender:
    """Sends one target's messages: the URL resolved once, every failure retried with backoff, bounded."""

    def __init__(self, target: Target, environ: Mapping[str, str], clock: Clock) -> None:
        self.target = target
        self.clock = clock
        self.url = target.resolve(environ)
        self.secrets = target.secrets(environ)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            import apprise

        self._apprise = apprise
        plugin = self._plugin(self.url)
        self.attachment_support = bool(getattr(plugin, "attachment_support", False))
        self.scheme = getattr(plugin, "secure_protocol", None) or target.scheme
        if isinstance(self.scheme, (list, tuple)):
            self.scheme = self.scheme[0]
        self.phone_mentions = target.scheme in PHONE_MENTIONS

    def _plugin(self, url: str) -> Any:
        with captured_apprise_log(self.secrets) as log:
            plugin = self._apprise.Apprise.instantiate(url)
        if plugin is None:
            reason = f" ({log.messages[-1]})" if log.messages else ""
            raise TrackboardError(f'notify target "{self.target.name}": its url is not an Apprise URL Trackboard '
                                  f"can use ({shown_url(url)}){reason}")
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)
        if "cto" not in params:
            plugin.socket_connect_timeout = self.target.timeout
        if "rto" not in params:
            plugin.socket_read_timeout = self.target.timeout
        return plugin

    def _url_for(self, message: Message) -> str:
        """The URL with the people a message mentions added as targets (DingTalk: phone numbers)."""
        if not (self.phone_mentions and message.mentions):
            return self.url
        parts = urllib.parse.urlsplit(self.url)
        path = parts.path.rstrip("/") + "/" + "/".join(message.mentions)
        return urllib.parse.urlunsplit(parts._replace(path=path))

    def attempt(self, message: Message) -> Outcome:
        url = self._url_for(message)
        secrets = sorted(set(self.secrets) | set(message.mentions), key=len, reverse=True)
        with captured_apprise_log(secrets) as log:
            plugin = self._plugin(url)
            notifier = self._apprise.Apprise()
            notifier.add(plugin)
            attach = None
            if message.attachments and self.attachment_support:
                attach = self._apprise.AppriseAttachment([str(p) for p in message.attachments if Path(p).is_file()])
            try:
                ok = bool(notifier.notify(body=message.body, title=message.title, attach=attach))
            except Exception as exc:  # a plugin's own bug must not stop the other targets
                ok = False
                log.messages.append(redact(f"{type(exc).__name__}: {exc}", secrets))
        return Outcome(ok, "" if ok else log.reason())

    def send(self, message: Message) -> Outcome:
        """Send with retries: after a failure wait retry_seconds, then twice as long each time."""
        outcome = Outcome(False)
        for attempt in range(self.target.retries + 1):
            outcome = self.attempt(message)
            outcome.attempts = attempt + 1
            if outcome.ok:
                return outcome
            if attempt < self.target.retries:
                self.clock.sleep(self.target.retry_seconds * 2 ** attempt)
        return outcome


class Pacer:
    """At most `rate` messages in any `seconds` window for one target, counting those sent by earlier runs."""

    def __init__(self, rate: int, seconds: float, clock: Clock, earlier: list[dt.datetime]) -> None:
        self.rate, self.seconds, self.clock = rate, seconds, clock
        self.times = sorted(earlier)

    def wait(self) -> None:
        if self.seconds <= 0:
            return
        while True:
            now = self.clock.now()
            recent = [t for t in self.times if (now - t).total_seconds() < self.seconds]
            if len(recent) < self.rate:
                return
            self.clock.sleep(self.seconds - (now - recent[0]).total_seconds() + 0.001)

    def sent(self) -> None:
        self.times.append(self.clock.now())


def environment() -> Mapping[str, str]:
    return os.environ
