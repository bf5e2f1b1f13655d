"""The ledger of what was sent to which target: `.trackboard-notify/ledger.jsonl` in the site folder.

One JSON object a line: {"target": name, "kind": morning|battle|overdue, "id": as-of date or report key,
"sent_at": UTC time}. A line is appended and fsync'ed right after each message is accepted by its service, so a
crash or a kill can at worst repeat the one message it was sending, never lose the record of those before it.
A torn last line (a kill in the middle of a write) is ignored when read and cut off before the next append.
No URL, token or phone number is ever written here.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
from collections.abc import Iterator
from pathlib import Path

from ..errors import TrackboardError

FOLDER = ".trackboard-notify"
LEDGER = "ledger.jsonl"
LOCK = "lock"


class Ledger:
    def __init__(self, site: Path) -> None:
        self.folder = site / FOLDER
        self.path = self.folder / LEDGER
        self.entries: list[dict[str, str]] = []
        self._sent: set[tuple[str, str, str]] = set()
        self._read()

    def _read(self) -> None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        for line in data.split(b"\n"):
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # empty, or torn by a kill
            if isinstance(entry, dict) and {"target", "kind", "id"} <= entry.keys():
                self.entries.append(entry)
                self._sent.add((entry["target"], entry["kind"], entry["id"]))

    def sent(self, target: str, kind: str, id: str) -> bool:
        return (target, kind, id) in self._sent

    def last_id(self, target: str, kind: str) -> str | None:
        """The greatest id recorded for a target and kind (for the morning notice: the latest as-of date)."""
        ids = [e["id"] for e in self.entries if e["target"] == target and e["kind"] == kind]
        return max(ids) if ids else None

    def times(self, target: str) -> list[dt.datetime]:
        """When messages were sent to a target (for pacing across runs)."""
        found = []
        for entry in self.entries:
            if entry["target"] == target and entry.get("sent_at"):
                with contextlib.suppress(ValueError):
                    found.append(dt.datetime.fromisoformat(entry["sent_at"]))
        return found

    def record(self, target: str, kind: str, id: str, sent_at: dt.datetime) -> None:
        """Append one line and fsync it before returning."""
        entry = {"target": target, "kind": kind, "id": id,
                 "sent_at": sent_at.astimezone(dt.UTC).isoformat(timespec="seconds")}
        line = json.dumps(entry, ensure_ascii=False, sort_keys=True).encode() + b"\n"
        self.folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            size = os.fstat(fd).st_size
            if size:
                with self.path.open("rb") as handle:
                    handle.seek(size - 1)
                    if handle.read(1) != b"\n":
                        line = b"\n" + line  # a torn line stays alone on its line, ignored
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
        if size == 0:
            _fsync_folder(self.folder)  # the new file's name is durable too
        self.entries.append(entry)
        self._sent.add((target, kind, id))


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def locked(site: Path) -> Iterator[None]:
    """Hold the notify lock of a site: two runs at once would send the same messages twice."""
    folder = site / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not on Windows
        yield
        return
    with (folder / LOCK).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise TrackboardError(f"another `trackboard notify` is running for this site ({folder / LOCK} is "
                                  "locked); try again when it has finished") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
