"""Markdown documents parsed through the site's cache, the misses of a whole site over every core."""

from __future__ import annotations

import multiprocessing
import os
import pickle
from pathlib import Path
from typing import Any

from ..cache import KnownFiles, Store, code_version, digest
from ..parallel import start_worker, workers
from .content import CONTENT_DIR, collection_files, parse_document
from .schemas import COLLECTIONS

# Below this many documents to parse, starting worker processes costs more than it saves.
POOL_MIN_DOCUMENTS = 200


def _parse_pickled(job: tuple[str, str, str, str]) -> bytes:
    text, file, collection, stem = job
    return pickle.dumps(parse_document(text, file, COLLECTIONS[collection], stem), protocol=pickle.HIGHEST_PROTOCOL)


class DocumentParser:
    """Parse Markdown files through the cache: a file whose text, name and collection are unchanged is not parsed
    again. `start` parses the misses of a whole site at once, over every core, until `collect`.

    The parsed documents are kept in one file (a site may have ten thousand notices, and creating ten thousand
    small files costs more than writing one), rewritten by `save` with the documents of this build only.
    """

    BUNDLE = "parsed"

    def __init__(self, site_root: Path, enabled: bool, files: KnownFiles | None = None) -> None:
        self.site_root = site_root
        self.files = files if files is not None else KnownFiles()  # where the texts read are noted
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
        if not self.enabled:
            return
        todo: list[tuple[str, tuple[str, str, str, str]]] = []
        for name in COLLECTIONS:
            for filename, path, stem in collection_files(self.site_root / CONTENT_DIR / name):
                try:
                    text = self.files.read_text(path)
                except (OSError, UnicodeDecodeError):
                    continue  # the loader reads it again and reports what is wrong
                file = f"{CONTENT_DIR}/{name}/{filename}"
                key = self.key(text, file, name, stem)
                self.keys[file] = (text, key)
                if key not in self.bundle:
                    todo.append((key, (text, file, name, stem)))
        if len(todo) < POOL_MIN_DOCUMENTS or workers() < 2:
            return  # parsed one by one as the loader asks
        # fork: the children need nothing but this module; nothing is started in them but the parser.
        self.pool = multiprocessing.get_context("fork").Pool(workers(), initializer=start_worker,
                                                              initargs=(os.getpid(),))
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
