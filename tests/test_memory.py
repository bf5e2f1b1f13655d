"""The build hands memory it freed back to the system before its search and write stages."""

from __future__ import annotations

import ctypes
import sys

import pytest

from generator.parallel import give_back_freed_memory


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
