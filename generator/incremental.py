"""Which sections of the site can be taken whole from the previous build.

A section's pages depend on the data files, the configuration and the Markdown collections it reads. The
collections it reads are not declared but recorded: while a section is built it sees the site's documents and
problems through logs (`ReadLog`, `ReadList`), and the record of the section keeps the names read. The next
build computes the section's key from the same names; when the key matches and every file the section made is
still intact in the output folder, the section is neither computed nor rendered: its files are linked.

So a notice edit rebuilds the notices, the board and the screens, but not the thousands of daily, unit and
person pages, which read no Markdown.
"""

from __future__ import annotations

import hashlib
import operator
import os
import stat
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, compress
from pathlib import Path
from typing import Any

from .cache import Store, canonical, digest
from .inputs.schemas import COLLECTIONS
from .output import Output

DATA = "data"  # the group of every input that is not a document of a collection
EVERYTHING = "*"  # read when a section looks at the problems of all inputs


@dataclass
class SectionRecord:
    """What one section builder made in the last build, enough to publish it again without building it."""

    builder: str  # the builder's qualified name
    key: str
    reads: frozenset[str]  # the document collections it read (EVERYTHING for all inputs)
    name: str | None  # None when the builder made no section
    target: str | None = None
    board: list[Any] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)  # every file it made: pages, files and charts
    payload: Any = None  # what the rest of the site takes from it (the daily report's KPIs)


class ReadLog(dict):
    """The site's documents by collection, noting each collection looked at."""

    def __init__(self, data: dict[str, Any], reads: set[str]) -> None:
        super().__init__(data)
        self.reads = reads

    def __getitem__(self, key: str) -> Any:
        self.reads.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.reads.add(key)
        return super().get(key, default)

    def __iter__(self) -> Iterator[str]:
        self.reads.update(super().keys())
        return super().__iter__()

    def values(self) -> Any:
        self.reads.update(super().keys())
        return super().values()

    def items(self) -> Any:
        self.reads.update(super().keys())
        return super().items()


class ReadList(list):
    """The site's problems (of every input), noting that they were looked at."""

    def __init__(self, data: list[Any], reads: set[str]) -> None:
        super().__init__(data)
        self.reads = reads

    def __iter__(self) -> Iterator[Any]:
        self.reads.add(EVERYTHING)
        return super().__iter__()

    def __getitem__(self, index: Any) -> Any:
        self.reads.add(EVERYTHING)
        return super().__getitem__(index)

    def __len__(self) -> int:
        self.reads.add(EVERYTHING)
        return super().__len__()


def input_groups(fingerprints: dict[str, str]) -> dict[str, dict[str, str]]:
    """Group the fingerprints of the inputs: each collection's Markdown files, and DATA for the rest."""
    groups: dict[str, dict[str, str]] = {}
    for path, sha in fingerprints.items():
        parts = path.split("/")
        group = parts[1] if (len(parts) == 3 and parts[0] == "content" and parts[1] in COLLECTIONS
                             and parts[2].endswith(".md")) else DATA
        groups.setdefault(group, {})[path] = sha
    return groups


def section_key(base: str, builder: str, groups: dict[str, dict[str, str]], reads: frozenset[str]) -> str:
    """The key of a section: what every section depends on (`base`), its builder, the data and the
    collections it reads."""
    names = sorted(groups) if EVERYTHING in reads else sorted({DATA, *reads})
    return digest("section", base, builder, canonical({name: groups.get(name, {}) for name in names}))


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
    # What an unchanged rebuild needs to publish this build again without reading its inputs (build.Shortcut),
    # or None.
    shortcut: Any = None


# Bump when Manifest or Standing changes shape: a record of another shape is then not found, rather than misread.
MANIFEST_VERSION = "6"
INFO = "build.json"  # written again by every build, a republished one too: its signature is not recorded
STANDING = ".standing"  # the suffix of a Standing, kept beside its Manifest (".pickle")


def record_name(out: Path) -> str:
    """The name of the record (Manifest and Standing) of the builds into the output folder `out`."""
    return digest(MANIFEST_VERSION, str(out.resolve()))[:24]


_NAME = operator.attrgetter("name")
_IS_FOLDER = operator.methodcaller("is_dir")  # a link to a folder too, listed but not entered (as os.walk does)
_INODE = operator.attrgetter("st_ino")
_SIZE = operator.attrgetter("st_size")
_TIME = operator.attrgetter("st_mtime_ns")


def _packed(inodes: Iterable[int], sizes: Iterable[int], times: Iterable[int]) -> tuple[bytes, bytes]:
    """Signatures packed: the inodes (unsigned), then the sizes and the times (both signed), 8 bytes each."""
    return array("Q", inodes).tobytes(), array("q", chain(sizes, times)).tobytes()


@dataclass
class Standing:
    """What an unchanged rebuild needs of the last build into an output folder, kept beside its Manifest and read
    without it: the build's build.Shortcut, and by folder ('' the top, else "a/b") the names of the files it left
    there, sorted, with their signatures packed (see _packed). build.json is not among them.

    `stands` checks the output folder against it, a folder at a time: one listing gives the names and the files'
    signatures, compared whole, so that the check does no more per file than a stat call. The Manifest holds
    hundreds of thousands of tuples with two digests each, which take longer to read than the files take to be
    checked."""

    shortcut: Any
    folders: dict[str, tuple[list[str], bytes, bytes]]

    @classmethod
    def of(cls, shortcut: Any, files: Iterable[tuple[str, Signature | None]]) -> Standing | None:
        """The Standing of a build's files (path, signature), or None when one of them has no signature: it is
        then not published again without being made."""
        by_folder: dict[str, list[tuple[str, Signature]]] = {}
        for path, sig in files:
            if path == INFO:
                continue
            if sig is None:
                return None
            folder, _, name = path.rpartition("/")
            by_folder.setdefault(folder, []).append((name, sig))
        folders = {}
        for folder, entries in sorted(by_folder.items()):
            entries.sort()
            try:
                folders[folder] = ([name for name, _ in entries], *_packed(*zip(*(sig for _, sig in entries))))
            except OverflowError:  # a signature that does not fit 8 bytes: never standing, checked in full
                return None
        return cls(shortcut, folders)

    def stands(self, out: Path) -> bool:
        """Whether the output folder holds these files, each with its signature, and build.json, and no other file
        (folders aside, as holds_only_its_files): publishing the build again then leaves it as it is but for
        build.json."""
        top = str(out)
        seen = 0  # the recorded folders found
        pending = [("", top)]
        try:
            while pending:
                relative, folder = pending.pop()
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=_NAME)
                kinds = list(map(_IS_FOLDER, entries))
                files = list(compress(entries, [not kind for kind in kinds]))
                base = relative + "/" if relative else ""
                pending.extend((base + entry.name, entry.path) for entry in compress(entries, kinds)
                               if not entry.is_symlink())
                names = list(map(_NAME, files))
                if not relative:  # build.json: there, a file (what it holds is not looked at)
                    if INFO not in names or not stat.S_ISREG(os.stat(os.path.join(top, INFO)).st_mode):
                        return False
                    del files[names.index(INFO)]
                    names.remove(INFO)
                recorded = self.folders.get(relative)
                if recorded is None:
                    if files:
                        return False
                    continue
                if names != recorded[0]:
                    return False
                stats = [entry.stat() for entry in files]  # links followed, as `signature` does
                if _packed(map(_INODE, stats), map(_SIZE, stats), map(_TIME, stats)) != recorded[1:]:
                    return False
                seen += 1
        except (OSError, OverflowError):  # a file gone meanwhile, or the folder unreadable: not as it was
            return False
        return seen == len(self.folders)


def last_standing(site_root: Path, out: Path) -> Standing | None:
    """The Standing of the last build into `out`, when there is one (the cache enabled)."""
    loaded = Store(site_root, "outputs").load(record_name(out), STANDING)
    return loaded if isinstance(loaded, Standing) else None


class OutputCache:
    """The previous build into one output folder, as a source of files that need not be made again.

    A file is reused only when the key it was made from (or its sha256) matches and the file in the output
    folder still has the signature (inode, size, modification time) it had when it was written, so an edited
    or damaged output file is made afresh. Reused files are hard-linked into the new output, not copied.
    """

    def __init__(self, site_root: Path, out: Path | None, enabled: bool) -> None:
        self.enabled = enabled and out is not None
        self.out = out
        self.prefix = f"{out}/"  # a string: joined with every path at every build
        self.store = Store(site_root if self.enabled else None, "outputs")
        self.name = record_name(out) if out is not None else ""
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
        self.shortcut: Any = None  # this build's build.Shortcut, saved with its record

    def _intact(self, path: str, sig: Signature | None) -> str | None:
        """The previous output's file at `path` if it is still as it was written."""
        assert self.out is not None
        if sig is None:
            return None
        # A string first: Path objects cost more than the stat calls themselves.
        if path not in self.checked:
            if signature(self.prefix + path) != sig:
                return None
            self.checked.add(path)
        return self.prefix + path

    def _output(self, path: str, sha: str, sig: Signature | None) -> Any:
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
        paths = list(paths)
        # Checked in one loop, then made in another: the dev server takes every file from the previous build at
        # every edit, and a call or two per file (_output, _intact) cost more than the files themselves.
        if not self._all_intact(paths):
            return None
        index, prefix = self.index, self.prefix
        outputs = [Output(path, source=prefix + path, sha=index[path][0]) for path in paths]
        self.keys.update((path, index[path][1]) for path in paths if index[path][1])
        return outputs

    def reuse(self, build_key: str, exclude: str) -> list[Output] | None:
        """Return every file of the previous build (but `exclude`) when it was made from the same inputs."""
        if not self.enabled or self.manifest is None or self.manifest.build_key != build_key:
            return None
        return self._files(path for path, *_ in self.manifest.files if path != exclude)

    def record_plan(self, nav: list[tuple[str, str]], sections: list[SectionRecord]) -> None:
        """Note this build's navigation and section records, to be saved with what it publishes."""
        self.new_nav, self.new_sections = nav, sections

    def same_build(self, build_key: str) -> tuple[list[Output] | None, bool]:
        """Every file of the previous build but build.json when it was made from the same inputs (else None),
        and whether the output folder holds nothing but those files: publishing them again is then writing
        build.json alone."""
        outputs = self.reuse(build_key, exclude="build.json")
        return outputs, outputs is not None and self.holds_only_its_files()

    def writes_in_place(self, in_place: bool, unchanged: bool) -> bool:
        """Whether the files are written straight into the output folder rather than staged and swapped in: when
        asked (`in_place`, the dev server) or when nothing but build.json changes (`unchanged`), and only over
        a previous build of this cache, whose record says what is there."""
        return ((in_place or unchanged) and self.enabled and self.manifest is not None and self.out is not None
                and os.path.isfile(self.prefix + "build.json"))

    def linked(self, output: Output, sha: str) -> Output:
        """The output, linked to the previous output's file at its path when that holds the same bytes (sha256):
        the file is then not written again."""
        if output.source is not None:
            return output
        source = self.source(output.path, sha)
        return output if source is None else output.linked_to(source, sha)

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
        in one loop: the dev server asks it of every file at every edit)."""
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
        files = [(o.path, shas[o.path], self.keys.get(o.path, ""),
                  None if o.path == INFO else self._written(o, shas[o.path])) for o in outputs]
        search = [(path, sha, signature(self.out / path)) for path, sha, _ in self.search_files]
        # The Standing goes first and comes back last, so that one found was saved with the Manifest beside it.
        self.store.delete(self.name, STANDING)
        self.store.save(self.name, Manifest(build_key, files, self.search_key, search, self.new_nav, self.new_sections,
                                            self.indexed, self.shortcut))
        if self.shortcut is not None and (self.search_files or not self.shortcut.searched):
            standing = Standing.of(self.shortcut, chain(((path, sig) for path, _, _, sig in files),
                                                        ((path, sig) for path, _, sig in search)))
            if standing is not None:
                self.store.save(self.name, standing, STANDING)
