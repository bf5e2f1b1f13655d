"""`benchmarks/run.py --baseline REV`: the revision extracted as it was committed, the build's stages read back."""

from __future__ import annotations

import importlib.util
import io
import subprocess
from pathlib import Path
from typing import Any

import pytest

from generator.progress import Progress

ROOT = Path(__file__).resolve().parents[1]


def bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_a_revision_is_extracted_as_committed(tmp_path: Path) -> None:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    first = subprocess.run(["git", "-C", str(ROOT), "rev-list", "--max-parents=0", "HEAD"], capture_output=True,
                           text=True, check=True).stdout.split()[0]
    assert bench().baseline_tree(first[:10], tmp_path) == first
    committed = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "-r", "--name-only", first], capture_output=True,
                               text=True, check=True).stdout.split("\n")
    extracted = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert extracted == sorted(filter(None, committed))
    with pytest.raises(subprocess.CalledProcessError):
        bench().baseline_tree("no-such-revision", tmp_path / "other")


def test_each_stage_is_read_from_what_the_build_prints() -> None:
    out = io.StringIO()
    progress = Progress(out)
    for name in ("load", "compute", "render", "charts", "write"):
        with progress.stage(name):
            pass
        progress.times[name] = 0.0
    progress.note("charts", "6078 drawn in the background")
    with progress.stage("charts"):
        pass
    lines = out.getvalue().splitlines()
    run = bench()
    stages = run.stage_seconds({"stages": lines})
    assert set(stages) == {"load", "compute", "render", "charts", "write"}
    assert all(0 <= seconds < 1 for seconds in stages.values())
    figures = run.compared({"stages": lines, "seconds": 12.5, "cpu_seconds": 20.25, "peak_mib": 900})
    assert list(figures) == list(run.COMPARED)
    assert figures["total"] == 12.5 and figures["cpu"] == 20.25 and figures["peak MiB"] == 900
