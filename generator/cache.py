"""The build cache in `<site>/.trackboard-cache/`: what was parsed and rendered before, keyed by fingerprint.

Every key covers everything the cached value was made from: the input's own bytes (sha256), the options it
was read with and the code version (a digest of the generator's own files, templates included). A changed
input, option or program therefore misses the cache, so the cache can make a build faster but never different.
Entries are written atomically (temporary file, then rename); a cache that cannot be read or written is
ignored, never an error: deleting the folder is always safe.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import pickle
import shutil
import stat
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_DIR = ".trackboard-cache"
PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=64)
def cache_root(site_root: Path) -> Path:
    """The folder of a site's cache: .trackboard-cache/ in the site's folder, or, when that cannot be written
    (a read-only checkout or share), a folder of its own for this site in the user's cache folder (or the
    temporary folder), so the site still builds, and builds again as fast as anywhere else.

    A cache holds pickles, and unpickling runs code: a folder is used only when `trusted` (ours, writable by
    no one else, not a symbolic link, nor are the folders above it). When no candidate is, the build gets a
    new private folder of its own, deleted when it ends: it builds, without a cache, with a warning."""
    here = site_root / CACHE_DIR
    if _writable(here) and trusted(here, site_root):
        return here
    name = hashlib.sha256(str(site_root.resolve()).encode()).hexdigest()[:16]
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no home folder to expand
        base = None
    if base is not None:
        user = base / "trackboard" / name
        if _writable(user) and trusted(user, base):
            return user
    import tempfile

    shared = Path(tempfile.gettempdir()) / f"trackboard-cache-{_uid()}-{name}"
    if _writable(shared) and trusted(shared, shared):
        return shared
    warnings.warn(f"not using the cache folder {shared}: it is not this user's own private folder "
                  "(made by another user, a symbolic link, or writable by others); building without a cache",
                  CacheWarning, stacklevel=2)
    private = Path(tempfile.mkdtemp(prefix="trackboard-cache-"))  # mode 0o700, a name no one can guess
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    return private


class CacheWarning(UserWarning):
    """A cache folder was refused as unsafe, or the cache could not be written."""


def _uid() -> int:
    return os.getuid() if hasattr(os, "getuid") else 0


def _private(folder: Path, own: bool) -> bool:
    """Whether `folder` (itself, not a link to it) is a folder no one but its owner can write, owned by this
    user; or, unless `own`, by root, and then a sticky-bit folder such as /tmp also counts (no one can rename
    away what another user keeps there)."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    if not stat.S_ISDIR(info.st_mode):
        return False
    if info.st_uid != _uid() and (own or info.st_uid != 0):
        return False
    return not info.st_mode & 0o022 or (not own and bool(info.st_mode & stat.S_ISVTX))


def trusted(folder: Path, top: Path) -> bool:
    """Whether a cache may be read from `folder`: a folder of this user's own, not a link and writable by no
    one else, in folders (up to `top`, the site's or the user's cache folder) that no other user can write."""
    if not hasattr(os, "getuid"):  # no owners to check (Windows): the folder's ACLs decide
        return True
    if not _private(folder, own=True):
        return False
    current = folder
    while current != top and current.parent != current:
        current = current.parent
        if not _private(current, own=False):
            return False
    return True


def _make_private(folder: Path) -> None:
    """Make the folder and any missing folder above it, each readable and writable by this user alone."""
    if folder.is_dir():
        return
    if folder.parent != folder:
        _make_private(folder.parent)
    folder.mkdir(mode=0o700, exist_ok=True)


def _writable(folder: Path) -> bool:
    try:
        _make_private(folder)
        probe = folder / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
    except (OSError, RuntimeError):  # RuntimeError: no home folder to expand
        return False
    return True


@lru_cache(maxsize=1)
def code_version() -> str:
    """Return a digest of the generator's files (code, templates, static files, translations)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix not in (".pyc", ".tmp"):
            digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:20]


def digest(*parts: str | bytes) -> str:
    """Return the sha256 of the parts, each length-prefixed so that no two lists of parts collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def canonical(value: Any) -> str:
    """Return JSON for a key: sorted keys, anything unusual (dates) as its text."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file whole or not at all: a temporary file beside it (named for this process), renamed over it,
    so another build reading the cache never sees half of it. Makes the folder when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        tmp.replace(path)
    except BaseException:  # a full disk leaves no half-written file behind
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise


# Tables with fewer rows than this (all of a small site's, a large site's units and people) are written at once:
# forking a process that holds a large site costs more than writing a small table.
BACKGROUND_MIN_ROWS = 100_000


class BackgroundSaves:
    """The children writing tables to the cache while a build goes on (see Store.save_frames), by process id:
    encoding a large table is then done on another core while the build loads the rest."""

    def __init__(self) -> None:
        self.children: list[int] = []

    def wait(self) -> None:
        """Wait for every child, so the cache is complete when the build returns."""
        children, self.children = self.children, []
        for pid in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


@contextlib.contextmanager
def saves_in_background() -> Iterator[BackgroundSaves | None]:
    """Within: the BackgroundSaves that a Store given it writes large tables with, from forked children; on
    leaving, they are waited for. None where there is no fork: the files are then written at once."""
    saves = BackgroundSaves() if hasattr(os, "fork") else None
    try:
        yield saves
    finally:
        if saves is not None:
            saves.wait()


@lru_cache(maxsize=16)
def _unwritable(root: Path, reason: str) -> None:
    """Warn that a cache folder cannot be written: once for it, however many of its entries fail."""
    warnings.warn(f"the cache in {root} cannot be written ({reason}); building without caching", CacheWarning,
                  stacklevel=3)


class Store:
    """One folder of cache entries; a Store without a folder keeps nothing. With `background`, large tables are
    written by forked children (see save_frames)."""

    def __init__(self, site_root: Path | None, namespace: str, background: BackgroundSaves | None = None) -> None:
        self.folder = cache_root(site_root) / namespace if site_root is not None else None
        self.background = background

    def path(self, key: str, suffix: str = "") -> Path | None:
        return self.folder / f"{key}{suffix}" if self.folder is not None else None

    def read(self, key: str, suffix: str = "") -> bytes | None:
        path = self.path(key, suffix)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def write(self, key: str, data: bytes, suffix: str = "") -> None:
        path = self.path(key, suffix)
        if path is None:
            return
        try:
            write_atomically(path, data)
        except OSError as exc:  # a full disk, a quota, a read-only share: the build goes on, only slower
            self._give_up(path, exc)

    def delete(self, key: str, suffix: str = "") -> None:
        """Delete an entry, if there is one. One that cannot be deleted is as an entry that cannot be written: nothing
        more is written in the folder (so what is there stays as it was together)."""
        path = self.path(key, suffix)
        if path is None:
            return
        try:
            path.unlink(missing_ok=True)
        except OSError as exc:
            self._give_up(path, exc)

    def _give_up(self, path: Path, exc: OSError) -> None:
        """After a write or delete at `path` failed: nothing more is tried in this folder (what is there stays as it
        was together), and the failure is said once."""
        folder, self.folder = self.folder, None
        _unwritable(folder.parent if folder is not None else path.parent, exc.strerror or str(exc))

    def load(self, key: str, suffix: str = ".pickle") -> Any:
        """Return the unpickled entry, or None when it is missing or unreadable."""
        data = self.read(key, suffix)
        if data is None:
            return None
        try:
            return pickle.loads(data)
        except Exception:  # written by other code, or truncated: a miss
            return None

    def save(self, key: str, value: Any, suffix: str = ".pickle") -> None:
        self.write(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), suffix)

    def save_frames(self, key: str, frames: dict[str, Any], extra: Any) -> bool:
        """Keep DataFrames (see frame_to_bytes) and `extra` under `key`, the index last so that a reader finds
        all of them or none. False when a table cannot be kept (a value that cannot be pickled): it is
        then made again next time, nothing worse. With `background`, a forked child keeps large tables (it sees
        the frames as they are now, whatever the caller does to them next) and True is returned at once."""
        if (self.background is not None and self.folder is not None
                and sum(len(frame) for frame in frames.values()) >= BACKGROUND_MIN_ROWS):
            try:
                pid = os.fork()
            except OSError:
                pid = -1  # no process to spare: written here
            if pid == 0:  # the child: write, then leave without running the parent's exit handlers
                code = 1
                try:
                    code = 0 if self._save_frames(key, frames, extra) else 1
                finally:
                    os._exit(code)
            if pid > 0:
                self.background.children.append(pid)
                return True
        return self._save_frames(key, frames, extra)

    def _save_frames(self, key: str, frames: dict[str, Any], extra: Any) -> bool:
        try:
            parts = {name: frame_to_bytes(frame) for name, frame in frames.items()}
        except Exception:
            return False
        for name, data in parts.items():
            self.write(f"{key}-{name}", data, FRAME_SUFFIX)
        self.save(key, (extra, {name: frame_dtypes(frame) for name, frame in frames.items()}))
        return True

    def load_frames(self, key: str) -> tuple[dict[str, Any], Any] | None:
        """The DataFrames and `extra` kept by save_frames, or None when missing or damaged."""
        index = self.load(key)
        if not isinstance(index, tuple) or len(index) != 2 or not isinstance(index[1], dict):
            return None
        extra, dtypes = index
        frames = {}
        try:
            for name, types in dtypes.items():
                data = self.read(f"{key}-{name}", FRAME_SUFFIX)
                if data is None:
                    return None
                frames[name] = frame_from_bytes(data, types)
        except Exception:  # a damaged entry: made again
            return None
        return frames, extra

    def prune(self, keep: Iterable[str]) -> None:
        """Delete the entries whose key is not kept (so the cache does not grow without end). An entry's files
        are named by its key, then "-" and a part's name (save_frames), then a suffix."""
        if self.folder is None or not self.folder.is_dir():
            return
        kept = set(keep)
        for path in self.folder.iterdir():
            if path.name.split(".", 1)[0].split("-", 1)[0] not in kept:
                with contextlib.suppress(OSError):
                    path.unlink()


Stat = tuple[int, int, int, int]  # a file's inode, size, modification and change times (ns)


def _stat(path: Path | str) -> Stat:
    stat = os.stat(path)
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


class KnownFiles:
    """The SHA-256 (and, for Markdown, the text) of each file read, with the file's inode, size and times then:
    a file is read and hashed again only when one of those changed. A build asks for the digest of every input
    several times, and the dev server asks again at every rebuild."""

    def __init__(self) -> None:
        self.digests: dict[str, tuple[Stat, str]] = {}
        self.texts: dict[str, tuple[Stat, str]] = {}

    def sha256(self, path: Path | str) -> str:
        """The SHA-256 of a file."""
        stat = _stat(path)
        known = self.digests.get(str(path))
        if known is not None and known[0] == stat:
            return known[1]
        with open(path, "rb") as file:  # in blocks: a data file may be hundreds of megabytes
            sha = hashlib.file_digest(file, "sha256").hexdigest()
        self.digests[str(path)] = (stat, sha)
        return sha

    def read_text(self, path: Path | str) -> str:
        """Read a UTF-8 text file (a BOM allowed), noting its SHA-256 for `sha256`: a file is then read once, not
        once for its text and again for its digest. Its times are taken before it is read, so that a file changed
        meanwhile is read again when asked for. UnicodeDecodeError for a file that is not UTF-8."""
        stat = _stat(path)
        known = self.texts.get(str(path))
        if known is not None and known[0] == stat:
            return known[1]
        with open(path, "rb") as file:
            data = file.read()
        self.digests[str(path)] = (stat, hashlib.sha256(data).hexdigest())
        text = data.decode("utf-8-sig")
        self.texts[str(path)] = (stat, text)
        return text


FRAME_SUFFIX = ".frame"


def _library_versions() -> tuple[str, str]:
    import numpy as np
    import pandas as pd

    return pd.__version__, np.__version__


def frame_to_bytes(frame: Any) -> bytes:
    """Serialise a DataFrame: pickled, then LZ4-compressed, behind a header naming the pandas and numpy that
    pickled it (read by another, it is a miss, not a guess).

    Pickled because reading back is what every build pays, and a pickle comes back with every dtype as it was,
    without Parquet's conversions. Equal texts of a column are made one object first, so that the pickle holds
    each once: a column of seller ids is read back as a few thousand strings and references to them.
    """
    import pyarrow as pa

    shared = frame.copy(deep=False)
    for name in shared.columns:
        if shared[name].dtype == object:
            shared[name] = _shared_texts(shared[name])
    data = pickle.dumps(shared, protocol=5)
    codec = "lz4" if pa.Codec.is_available("lz4") else None  # an Arrow built without it: kept as it is
    header = pickle.dumps((_library_versions(), len(data), codec), protocol=5)
    body = pa.compress(data, codec=codec, asbytes=True) if codec else data
    return len(header).to_bytes(4, "little") + header + body


def _shared_texts(column: Any) -> Any:
    """A text column with each text one object (missing values, None or NaN, left as they are)."""
    import numpy as np
    import pandas as pd

    values = column.to_numpy(dtype=object)
    kind = pd.api.types.infer_dtype(values, skipna=True)
    if kind == "empty":  # nothing but missing values
        return column
    if kind == "string":
        codes, uniques = pd.factorize(values)  # by hashing, in C; only texts here, so equal means the same text
        shared = np.asarray(uniques, dtype=object).take(codes)
        missing = codes < 0
        shared[missing] = values[missing]
    else:  # texts among other values (1 == 1.0 == True): by type and value
        seen: dict[str, str] = {}
        shared = np.empty(len(values), dtype=object)
        shared[:] = [seen.setdefault(v, v) if type(v) is str else v for v in values]
    return pd.Series(shared, index=column.index, dtype=object, copy=False)


def frame_dtypes(frame: Any) -> dict[str, str]:
    """Return the dtype of each column by name: what frame_from_bytes checks it read back."""
    return {str(name): str(dtype) for name, dtype in frame.dtypes.items()}


def frame_from_bytes(data: bytes, dtypes: dict[str, str]) -> Any:
    """Read back a DataFrame made by frame_to_bytes; ValueError when it was pickled by another pandas or numpy,
    or is not the frame with the given column dtypes."""
    import pyarrow as pa

    size = int.from_bytes(data[:4], "little")
    versions, length, codec = pickle.loads(data[4:4 + size])
    if tuple(versions) != _library_versions():
        raise ValueError("kept by another pandas or numpy")
    body = data[4 + size:]
    frame = pickle.loads(pa.decompress(body, decompressed_size=length, codec=codec, asbytes=True) if codec else body)
    if frame_dtypes(frame) != dtypes:
        raise ValueError("not the frame that was kept")
    return frame
