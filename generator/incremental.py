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

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .cache import canonical, digest
from .inputs.schemas import COLLECTIONS

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
