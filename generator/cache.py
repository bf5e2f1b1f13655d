"""The build cache in `<site>/.trackboard-cache/`: what was parsed and rendered before, keyed by fingerprint.

Every key covers everything the cached value was made from: the input's own bytes (sha256), the options it
was read with and the code version (a digest of the generator's own files, templates included). A changed
input, option or program therefore misses the cache, so the cache can make a build faster but never different.
Entries are written atomically (temporary file, then rename); a cache that cannot be read or written is
ignored, never an error: deleting the folder is always safe.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

CACHE_DIR = ".trackboard-cache"
PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=64)
def cache_root(site_root: Path) -> Path:
    """The folder of a site's cache: .trackboard-cache/ in the site's folder, or, when that cannot be written
    (a read-only checkout or share), a folder of its own for this site in the user's cache folder (or the
    temporary folder), so the site still builds, and builds again as fast as anywhere else."""
    here = site_root / CACHE_DIR
    if _writable(here):
        return here
    name = hashlib.sha256(str(site_root.resolve()).encode()).hexdigest()[:16]
    user = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "trackboard" / name
    if _writable(user):
        return user
    import tempfile

    return Path(tempfile.gettempdir()) / f"trackboard-cache-{os.getuid() if hasattr(os, 'getuid') else 0}-{name}"


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
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
    tmp.write_bytes(data)
    tmp.replace(path)


# Children writing tables to the cache while the build goes on (see saves_in_background), by process id.
_SAVING: list[int] | None = None
# Tables with fewer rows than this (all of a small site's, a large site's units and people) are written at once:
# they take milliseconds, and forking a build that holds a large site costs tens of them.
BACKGROUND_MIN_ROWS = 100_000


@contextlib.contextmanager
def saves_in_background() -> Iterator[None]:
    """Within: `Store.save_frames` writes the files of large tables from a forked child while the caller
    goes on, and returns at once. Encoding the large site's 1.8 million sales rows twice (the file's table, then
    the checked tables) took 1.3 s of the load, with the second core idle. On leaving, the children are waited
    for, so the cache is complete when the build returns. Where there is no fork, the files are written as
    before."""
    global _SAVING
    outer, _SAVING = _SAVING, ([] if hasattr(os, "fork") else None)
    try:
        yield
    finally:
        children, _SAVING = _SAVING, outer
        for pid in children or []:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


class Store:
    """One folder of cache entries; a Store without a folder keeps nothing."""

    def __init__(self, site_root: Path | None, namespace: str) -> None:
        self.folder = cache_root(site_root) / namespace if site_root is not None else None

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
        with contextlib.suppress(OSError):  # a read-only site still builds, only slower
            write_atomically(path, data)

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
        then made again next time, nothing worse. Within saves_in_background, a forked child keeps them (it
        sees the frames as they are now, whatever the caller does to them next) and True is returned."""
        if (_SAVING is not None and self.folder is not None
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
                _SAVING.append(pid)
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


# The digest of each file this process has read, with the file's inode, size and times then: the dev server
# fingerprints every input at every rebuild, and hashing a 60 MB sales file again costs a tenth of a second.
_DIGESTS: dict[str, tuple[tuple[int, int, int, int], str]] = {}


def _stat_signature(path: Path | str) -> tuple[int, int, int, int]:
    stat = os.stat(path)
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def file_sha256(path: Path | str) -> str:
    """Return the SHA-256 of a file, from memory while the file's inode, size and times are unchanged."""
    signature = _stat_signature(path)
    known = _DIGESTS.get(str(path))
    if known is not None and known[0] == signature:
        return known[1]
    with open(path, "rb") as file:
        sha = hashlib.sha256(file.read()).hexdigest()
    _DIGESTS[str(path)] = (signature, sha)
    return sha


# The text of each Markdown file this process has read, with its signature then: the dev server reads the
# collections at every edit, and reading and hashing 10,000 notices again costs half a second.
_TEXTS: dict[str, tuple[tuple[int, int, int, int], str]] = {}


def read_text_and_remember(path: Path | str) -> str:
    """Read a UTF-8 text file (a BOM allowed) and remember its SHA-256 for file_sha256, which the build asks of
    every input file: ten thousand Markdown files are then read once, not twice, and not again in the same
    process while unchanged. Its signature is taken before it is read, so that a file changed meanwhile is read
    again when asked for. UnicodeDecodeError for a file that is not UTF-8."""
    signature = _stat_signature(path)
    known = _TEXTS.get(str(path))
    if known is not None and known[0] == signature:
        return known[1]
    with open(path, "rb") as file:
        data = file.read()
    _DIGESTS[str(path)] = (signature, hashlib.sha256(data).hexdigest())
    text = data.decode("utf-8-sig")
    _TEXTS[str(path)] = (signature, text)
    return text


FRAME_SUFFIX = ".frame"


def _library_versions() -> tuple[str, str]:
    import numpy as np
    import pandas as pd

    return pd.__version__, np.__version__


def frame_to_bytes(frame: Any) -> bytes:
    """Serialise a DataFrame: pickled, then LZ4-compressed, behind a header naming the pandas and numpy that
    pickled it (read by another, it is a miss, not a guess).

    Pickled because reading back is what every build pays: the large site's 16 tables came back from Parquet in
    1.2-2.2 s (Arrow's conversion to pandas, then its text columns to Python objects), from this in 0.3 s, with
    every dtype as it was. Equal texts of a column are made one object first, so that the pickle holds each
    once: a column of 1.8 million seller ids is a few thousand strings and their references, read back without
    making 1.8 million strings.
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


# --- Markdown documents ----------------------------------------------------------------------------------------

# Below this many documents to parse, starting worker processes costs more than it saves.
POOL_MIN_DOCUMENTS = 200


def workers() -> int:
    """How many processes to spread work over: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def ignore_interrupt() -> None:
    """Start a worker process deaf to Ctrl+C: the terminal sends it to every process of the build, and the
    build itself stops its workers (each of them would otherwise print its own traceback)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _parse_pickled(job: tuple[str, str, str, str]) -> bytes:
    from .inputs.content import parse_document
    from .inputs.schemas import COLLECTIONS

    text, file, collection, stem = job
    return pickle.dumps(parse_document(text, file, COLLECTIONS[collection], stem), protocol=pickle.HIGHEST_PROTOCOL)


class DocumentParser:
    """Parse Markdown files through the cache: a file whose text, name and collection are unchanged is not parsed
    again. `start` parses the misses of a whole site at once, over every core, until `collect`.

    The parsed documents are kept in one file (a site may have ten thousand notices, and creating ten thousand
    small files costs more than writing one), rewritten by `save` with the documents of this build only.
    """

    BUNDLE = "parsed"

    def __init__(self, site_root: Path, enabled: bool) -> None:
        self.site_root = site_root
        self.store = Store(site_root if enabled else None, "documents")
        self.enabled = enabled
        loaded = self.store.load(self.BUNDLE) if enabled else None
        self.bundle: dict[str, bytes] = loaded if isinstance(loaded, dict) else {}
        self.ready: dict[str, bytes] = {}
        self.used: set[str] = set()
        self.keys: dict[str, tuple[str, str]] = {}  # file: its text and key, as start read them
        self.pool: Any = None  # parsing the documents start handed out, until collect
        self.pending: Any = None
        self.todo: list[str] = []

    @staticmethod
    def key(text: str, file: str, collection: str, stem: str) -> str:
        return digest("document", code_version(), collection, file, stem, text)

    def start(self) -> None:
        """Read every collection file, take what the cache has, and start parsing the rest in worker processes
        (forked now, so before the caller starts any thread); `collect` waits for them."""
        from .inputs.content import CONTENT_DIR, collection_files
        from .inputs.schemas import COLLECTIONS

        if not self.enabled:
            return
        todo: list[tuple[str, tuple[str, str, str, str]]] = []
        for name in COLLECTIONS:
            for filename, path, stem in collection_files(self.site_root / CONTENT_DIR / name):
                try:
                    text = read_text_and_remember(path)
                except (OSError, UnicodeDecodeError):
                    continue  # the loader reads it again and reports what is wrong
                file = f"{CONTENT_DIR}/{name}/{filename}"
                key = self.key(text, file, name, stem)
                self.keys[file] = (text, key)
                if key not in self.bundle:
                    todo.append((key, (text, file, name, stem)))
        if len(todo) < POOL_MIN_DOCUMENTS or workers() < 2:
            return  # parsed one by one as the loader asks
        import multiprocessing

        # fork: the children need nothing but this module; nothing is started in them but the parser.
        self.pool = multiprocessing.get_context("fork").Pool(workers(), initializer=ignore_interrupt)
        self.todo = [key for key, _ in todo]
        self.pending = self.pool.map_async(_parse_pickled, [job for _, job in todo],
                                           chunksize=max(1, len(todo) // (8 * workers())))

    def collect(self) -> None:
        """Wait for the documents `start` gave to worker processes."""
        if self.pool is None:
            return
        try:
            assert self.pending is not None
            results = self.pending.get()
        finally:
            self.close()
        for key, data in zip(self.todo, results, strict=True):
            self.ready[key] = data

    def close(self) -> None:
        """Stop the worker processes, if any still run (a build that failed meanwhile)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def text(self, file: str) -> str | None:
        """The text of a collection file (content/notices/x.md) as `start` read it moments ago, if it did."""
        known = self.keys.get(file)
        return known[0] if known is not None else None

    def __call__(self, text: str, file: str, collection: Any, stem: str) -> tuple[Any, list[Any]]:
        if not self.enabled:
            from .inputs.content import parse_document

            return parse_document(text, file, collection, stem)
        known = self.keys.get(file)
        # The text the loader read again is most often the one start hashed: compared, not hashed again.
        key = known[1] if known is not None and known[0] == text else self.key(text, file, collection.name, stem)
        self.used.add(key)
        data = self.bundle.get(key) or self.ready.get(key)
        if data is None:
            data = _parse_pickled((text, file, collection.name, stem))
        self.ready[key] = data
        return pickle.loads(data)  # a fresh copy: the loader renames slugs in place

    def save(self) -> None:
        """Keep the documents of this build (only those) for the next."""
        if not self.enabled:
            return
        kept = {key: self.bundle.get(key) or self.ready[key] for key in sorted(self.used)}
        if kept.keys() != self.bundle.keys():
            self.store.save(self.BUNDLE, kept)
        self.store.prune([self.BUNDLE])


# --- the previous output ---------------------------------------------------------------------------------------

Signature = tuple[int, int, int]  # inode, size and modification time (ns) of a file as it was written


def signature(path: Path | str) -> Signature | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


@dataclass
class Manifest:
    """What the last build into an output folder wrote: each file's path, sha256, the key it was made from
    ('' for files that are not cached by key) and its signature once written; the key of the whole build; and
    the key of the search index with the index's files."""

    build_key: str
    files: list[tuple[str, str, str, Signature | None]]
    search_key: str = ""
    search_files: list[tuple[str, str, Signature | None]] = field(default_factory=list)
    nav: list[tuple[str, str]] = field(default_factory=list)
    sections: list[Any] = field(default_factory=list)  # incremental.SectionRecord of every section builder
    indexed: set[str] = field(default_factory=set)  # the pages with parts for the search index


# Bump when Manifest changes shape: a manifest of another shape is then not found, rather than misread.
MANIFEST_VERSION = "4"


class OutputCache:
    """The previous build into one output folder, as a source of files that need not be made again.

    A file is reused only when the key it was made from (or its sha256) matches and the file in the output
    folder still has the signature (inode, size, modification time) it had when it was written, so an edited
    or damaged output file is made afresh. Reused files are hard-linked into the new output, not copied.
    """

    def __init__(self, site_root: Path, out: Path | None, enabled: bool) -> None:
        self.enabled = enabled and out is not None
        self.out = out
        self.prefix = f"{out}/"  # a string: joined with 20,000 paths at every build
        self.store = Store(site_root if self.enabled else None, "outputs")
        self.name = digest(MANIFEST_VERSION, str(out.resolve()))[:24] if out is not None else ""
        loaded = self.store.load(self.name) if self.enabled else None
        self.manifest: Manifest | None = loaded if isinstance(loaded, Manifest) else None
        self.index = {path: (sha, key, sig) for path, sha, key, sig in self.manifest.files} if self.manifest else {}
        self.keys: dict[str, str] = {}  # the keys of this build's files, by path
        # This build's navigation and section records (those of the previous build when it is reused whole).
        self.new_nav = self.manifest.nav if self.manifest else []
        self.new_sections = self.manifest.sections if self.manifest else []
        self.search_key = ""
        self.search_files: list[tuple[str, str, Signature | None]] = []
        self.indexed: set[str] = self.manifest.indexed if self.manifest else set()
        self.checked: set[str] = set()  # paths found intact in this build (not checked twice)

    def _intact(self, path: str, sig: Signature | None) -> str | None:
        """The previous output's file at `path` if it is still as it was written."""
        assert self.out is not None
        if sig is None:
            return None
        # A string first: 20,000 Path objects cost more than the stat calls themselves.
        if path not in self.checked:
            if signature(self.prefix + path) != sig:
                return None
            self.checked.add(path)
        return self.prefix + path

    def _output(self, path: str, sha: str, sig: Signature | None) -> Any:
        from .writer import Output

        file = self._intact(path, sig)
        return None if file is None else Output(path, source=file, sha=sha)

    def made_from(self, path: str, key: str) -> bool:
        """Whether the previous build made the file at `path` from this key (the file itself is not looked at)."""
        entry = self.index.get(path)
        return bool(key) and entry is not None and entry[1] == key

    def get(self, path: str, key: str) -> Any:
        """Return the file at `path` from the previous build (an Output) if it was made from the same key."""
        if not self.made_from(path, key):
            return None
        sha, _, sig = self.index[path]
        return self._output(path, sha, sig)

    def source(self, path: str, sha: str) -> str | None:
        """The previous output's file at `path` when it holds the same bytes (sha256) and is intact: the new
        output can link to it instead of writing the bytes again."""
        entry = self.index.get(path)
        if entry is None or entry[0] != sha:
            return None
        return self._intact(path, entry[2])

    def _files(self, paths: Iterable[str]) -> list[Any] | None:
        """The previous build's files at `paths` (noting their keys for this build), or None when one of them
        is no longer as it was written."""
        from .writer import Output

        paths = list(paths)
        # Checked in one loop, then made in another: the dev server takes 20,000 files from the previous build at
        # every edit, and a call or two per file (_output, _intact) cost more than the files themselves.
        if not self._all_intact(paths):
            return None
        index, prefix = self.index, self.prefix
        outputs = [Output(path, source=prefix + path, sha=index[path][0]) for path in paths]
        self.keys.update((path, index[path][1]) for path in paths if index[path][1])
        return outputs

    def reuse(self, build_key: str, exclude: str) -> list[Any] | None:
        """Return every file of the previous build (but `exclude`) when it was made from the same inputs."""
        if self.manifest is None or self.manifest.build_key != build_key:
            return None
        return self._files(path for path, *_ in self.manifest.files if path != exclude)

    @property
    def nav(self) -> list[tuple[str, str]]:
        return self.manifest.nav if self.manifest else []

    def sections(self) -> dict[str, Any]:
        """The previous build's section records whose files are all still intact in the output folder."""
        if self.manifest is None:
            return {}
        return {record.builder: record for record in self.manifest.sections if self._all_intact(record.paths)}

    def _all_intact(self, paths: Iterable[str]) -> bool:
        """Whether every one of the previous build's files at `paths` is as it was written (what `_intact` checks,
        in one loop: the dev server asks it of 20,000 files at every edit)."""
        index, checked, folder = self.index, self.checked, self.prefix
        for path in paths:
            if path in checked:
                continue
            entry = index.get(path)
            if entry is None or entry[2] is None or signature(folder + path) != entry[2]:
                return False
            checked.add(path)
        return True

    def section_files(self, record: Any) -> list[Any] | None:
        """The files a reused section made in the previous build, or None when one can no longer be read."""
        return self._files(record.paths)

    def holds_only_its_files(self) -> bool:
        """Whether the output folder holds nothing but the previous build's files (and folders), so that leaving
        it as it is equals publishing those files again."""
        if self.manifest is None or self.out is None:
            return False
        known = {*self.index, *(path for path, _, _ in self.manifest.search_files), "build.json"}
        top = str(self.out)
        for folder, _, names in os.walk(top):
            relative = os.path.relpath(folder, top).replace(os.sep, "/")
            base = "" if relative == "." else relative + "/"
            if any(base + name not in known for name in names):
                return False
        return True

    def paths(self) -> set[str]:
        """Every file the previous build wrote (the search index aside)."""
        return set(self.index)

    def indexed_before(self, path: str, sha: str) -> bool | None:
        """Whether the previous build's file at `path`, if it had these bytes, had parts for the search index."""
        entry = self.index.get(path)
        if self.manifest is None or entry is None or entry[0] != sha:
            return None
        return path in self.manifest.indexed

    def search_index(self, key: str) -> list[tuple[str, str]] | None:
        """The previous build's search index files (path, file) when it was made from the same pages."""
        if self.manifest is None or not key or self.manifest.search_key != key or not self.manifest.search_files:
            return None
        found = []
        for path, sha, sig in self.manifest.search_files:
            file = self._intact(path, sig)
            if file is None:
                return None
            found.append((path, file))
            self.search_files.append((path, sha, sig))
        self.search_key = key
        return found

    def record_search_index(self, key: str, folder: Path, paths: list[str]) -> None:
        """Remember the search index just made in the staged `folder` (before it is swapped in)."""
        self.search_key = key
        self.search_files = [(path, hashlib.sha256((folder / path).read_bytes()).hexdigest(), None) for path in paths]

    def _written(self, output: Any, sha: str) -> Signature | None:
        """The signature of a file just published: that of the previous file it was linked from (a hard link
        keeps inode, size and time) when that was intact, else read from the disk."""
        entry = self.index.get(output.path)
        if (entry is not None and entry[0] == sha and output.source is not None and output.path in self.checked
                and str(output.source) == self.prefix + output.path):
            return entry[2]
        return signature(self.prefix + output.path)

    def save(self, build_key: str, outputs: list[Any], shas: dict[str, str]) -> None:
        """Record what was just published into the output folder, with each file's signature."""
        if not self.enabled:
            return
        assert self.out is not None
        files = [(o.path, shas[o.path], self.keys.get(o.path, ""), self._written(o, shas[o.path])) for o in outputs]
        search = [(path, sha, signature(self.out / path)) for path, sha, _ in self.search_files]
        self.store.save(self.name, Manifest(build_key, files, self.search_key, search, self.new_nav, self.new_sections,
                                                  self.indexed))
