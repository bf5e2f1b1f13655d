"""One file of the site, as the build passes it from the page makers to the writer."""

from __future__ import annotations

import hashlib
import os
import tempfile
import weakref
from collections.abc import Iterable
from pathlib import Path


class Output:
    """One file of the site: its path relative to the output folder, and its bytes.

    `source` is a file that already holds exactly these bytes (in the previous output): the file is then
    hard-linked from it rather than written again, and its bytes are read only if asked for. `sha` is the
    bytes' sha256 when already known.
    """

    __slots__ = ("_data", "_spooled", "path", "sha", "source")

    def __init__(self, path: str, data: bytes | None = None, source: Path | str | None = None,
                 sha: str | None = None, spooled: tuple[Spool, int, int] | None = None) -> None:
        if data is None and source is None and spooled is None:
            raise ValueError(f"{path}: an output needs its bytes or a file holding them")
        self.path, self._data, self.source, self.sha, self._spooled = path, data, source, sha, spooled

    @property
    def data(self) -> bytes:
        if self._data is None and self._spooled is not None:
            spool, offset, length = self._spooled
            return spool.read(offset, length)  # read again when asked again: kept out of memory
        if self._data is None:
            assert self.source is not None
            self._data = Path(self.source).read_bytes()
        return self._data

    @property
    def loaded(self) -> bool:
        return self._data is not None

    def sha256(self) -> str:
        if self.sha is None:
            self.sha = hashlib.sha256(self.data).hexdigest()
        return self.sha

    def linked_to(self, source: Path | str, sha: str) -> Output:
        return Output(self.path, self._data, source, sha)

    def __repr__(self) -> str:
        return f"Output({self.path!r})"


class Spool:
    """The bytes of a build's files kept in one unnamed temporary file instead of in memory until they are
    written: a 50,000-person site makes some 170,000 files, gigabytes together. The file is gone when the last
    output holding it is (or the process ends, however it ends)."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile(prefix="trackboard-spool-")  # noqa: SIM115 - open while outputs live
        self.size = 0
        weakref.finalize(self, self.file.close)  # closed with the last output holding it

    def put(self, path: str, data: bytes) -> Output:
        """The file at `path` with these bytes, which are written to the spool (its digest made now)."""
        offset, view = self.size, memoryview(data)
        while view:
            view = view[os.pwrite(self.file.fileno(), view, offset + len(data) - len(view)):]
        self.size += len(data)
        return Output(path, sha=hashlib.sha256(data).hexdigest(), spooled=(self, offset, len(data)))

    def keep(self, outputs: Iterable[Output]) -> list[Output]:
        """These outputs with their bytes moved to the spool (those linked to a file already stay as they are)."""
        return [self.put(o.path, o.data) if o.loaded and o.source is None else o for o in outputs]

    def read(self, offset: int, length: int) -> bytes:
        data = os.pread(self.file.fileno(), length, offset)
        if len(data) != length:
            raise OSError(f"the build's spool file lost bytes at {offset}")
        return data
