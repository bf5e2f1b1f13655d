"""One file of the site, as the build passes it from the page makers to the writer."""

from __future__ import annotations

import hashlib
from pathlib import Path


class Output:
    """One file of the site: its path relative to the output folder, and its bytes.

    `source` is a file that already holds exactly these bytes (in the previous output): the file is then
    hard-linked from it rather than written again, and its bytes are read only if asked for. `sha` is the
    bytes' sha256 when already known.
    """

    __slots__ = ("_data", "path", "sha", "source")

    def __init__(self, path: str, data: bytes | None = None, source: Path | str | None = None,
                 sha: str | None = None) -> None:
        if data is None and source is None:
            raise ValueError(f"{path}: an output needs its bytes or a file holding them")
        self.path, self._data, self.source, self.sha = path, data, source, sha

    @property
    def data(self) -> bytes:
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
