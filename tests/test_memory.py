"""The build lets go of what it no longer needs, and hands memory it freed back to the system."""

from __future__ import annotations

import ctypes
import gc
import sys
import weakref
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXED_NOW, built_files

from generator.commands.build import build
from generator.metrics.memo import Tables
from generator.parallel import give_back_freed_memory
from generator.state import BuildState


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


@pytest.mark.skipif(not sys.platform.startswith("linux") or not hasattr(ctypes.CDLL(None), "malloc_trim"),
                    reason="glibc's malloc_trim only")
def test_freed_heap_is_given_back() -> None:
    # 160 MiB in 4 KiB blocks (malloc's heap, not mmap), then one block above them that keeps the heap's top:
    # freeing the rest leaves their pages in the process until they are given back.
    blocks = [bytearray(4096) for _ in range(40_960)]
    top = bytearray(4096)
    del blocks
    before = _rss_kib()
    give_back_freed_memory()
    assert before - _rss_kib() > 100 * 1024
    assert len(top) == 4096


def test_a_build_frees_its_tables_once_computed_and_the_dev_server_keeps_them(
        site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendering reads the planned pages only: a build lets go of its tables once the sections are computed, and
    nothing else holds them (freed, not merely dropped from the site); the dev server's build, whose tables wait
    for the next, keeps them. The pages are the same either way."""
    dropped: list[weakref.ref[pd.DataFrame]] = []
    let_go = Tables.let_go

    def noting(tables: Tables) -> None:
        dropped.extend(weakref.ref(frame) for frame in tables.values())
        let_go(tables)

    monkeypatch.setattr(Tables, "let_go", noting)
    cli = build(site, out=tmp_path / "cli", clock=lambda: FIXED_NOW)
    assert cli.site is not None and not cli.site.tables
    gc.collect()
    assert len(dropped) >= 3 and all(ref() is None for ref in dropped)  # sales, people, units at least
    served = build(site, out=tmp_path / "served", clock=lambda: FIXED_NOW, state=BuildState.between_builds())
    assert served.site is not None and {"sales", "people", "units"} <= set(served.site.tables)
    assert built_files(tmp_path / "cli") == built_files(tmp_path / "served")
