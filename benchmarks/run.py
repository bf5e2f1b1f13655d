"""Time trackboard on the benchmark sites and print the figures for the README.

    python benchmarks/run.py                 # everything (generates the sites first when missing)
    python benchmarks/run.py --only large    # or: hugo, serve, postgres, huge, briefs
    python benchmarks/run.py --baseline 912c53b   # the large site's cold build, that revision beside this tree

Large site: a cold build (no cache, no output), an unchanged rebuild, a rebuild after one Markdown edit and one
after a data change, each as a separate `trackboard build` process, with its peak memory (the largest resident
set of its processes, from wait4, and the sampled peak of their PSS summed: what they hold at once), the output
size and the heaviest page. Hugo: the same 10,000 Markdown notices
built by Debian's hugo (installed with apt-get when missing) and by trackboard. Serve: how long after saving a
Markdown file the dev server publishes the rebuilt page. PostgreSQL: the large site built from CSV and, in the same
run, from a throwaway PostgreSQL server holding the same tables (Debian's postgresql package), cold and unchanged.
Huge (not run by default): the large site, then the 50,000-person one, in the same run, each a cold build and an
unchanged rebuild with peak memory, then the large site's cold build again; against the targets (6 GiB, 10x the mean
of the large site's two cold builds, 10 s unchanged).
Baseline (`--baseline REV`, alone): the large site's cold build by git revision REV and by this working tree,
alternating in the same run, each stage side by side with the ratio.
Briefs (not run by default): the large site without briefs, PDFs and posters and with them (the defaults), each cold
then warm, and the table of what they add (cold, warm, peak memory, files).
Results go to benchmarks/generated/results.json.
These are measurements, not tests: the figures depend on the machine and on what else it runs.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GENERATED = HERE / "generated"
LARGE = GENERATED / "large"
NOTICES = GENERATED / "notices"
HUGE = GENERATED / "huge"
HUGE_PARQUET = GENERATED / "huge-parquet"  # the same site, its datasets as Parquet files
TRACKBOARD = [sys.executable, "-m", "generator"]


def tree(pid: int) -> list[int]:
    """The process `pid` and every process below it (Linux: /proc/<pid>/task/<tid>/children)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{current}/task"):
                todo.extend(int(c) for c in Path(f"/proc/{current}/task/{task}/children").read_text().split())
    return found


def pss_kib(pid: int) -> int:
    """The proportional set size of a process (pages shared with others counted in part): 0 once it is gone."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    return 0


# How often the memory of a build's processes is summed. A forked worker's resident set counts every page it
# shares with the build (ru_maxrss counts them twice); the sum of the processes' PSS counts them once: the memory
# the build holds at once. Sampled, so a peak shorter than this may be missed.
SAMPLE_SECONDS = 0.5


def run(command: list[str], cwd: Path | None = None) -> dict:
    """Run a command; return its wall time, peak memory (the largest process's resident set, from wait4, and the
    sampled peak of its processes' PSS summed) and exit code."""
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out_file, stderr=err_file, text=True)
        peak, stop = [0], threading.Event()

        def sample() -> None:
            while not stop.wait(SAMPLE_SECONDS):
                peak[0] = max(peak[0], sum(pss_kib(pid) for pid in tree(process.pid)))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        stop.set()
        sampler.join()
        out_file.seek(0)
        err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        print(f"$ {' '.join(command)}\n{out}{err}", file=sys.stderr)
    return {"seconds": round(seconds, 2), "peak_mib": round(usage.ru_maxrss / 1024), "exit": code,
            "peak_pss_mib": round(peak[0] / 1024),
            "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),  # its waited-for children's included
            "stages": [line for line in out.splitlines() if line[:8].strip() in
                       ("load", "compute", "charts", "render", "assets", "pdfs", "search", "write")]}


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def heaviest(folder: Path, suffix: str = ".html") -> tuple[str, int]:
    pages = [p for p in folder.rglob(f"*{suffix}") if p.is_file()]
    page = max(pages, key=lambda p: p.stat().st_size)
    return page.relative_to(folder).as_posix(), page.stat().st_size


def clean(site: Path, out: Path) -> None:
    shutil.rmtree(site / ".trackboard-cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    shutil.rmtree(out.parent / f".trackboard-spare-{out.name}", ignore_errors=True)  # a cold build stages anew


# This machine's disk (ext4 mounted with "discard") creates files several times slower for up to about a minute
# after many were deleted: a cold build started right after removing the previous output and cache (20,000 files)
# measured that, not the build. Measured by creating 300 files: 0.02 s on a quiet disk, 0.1-0.3 s in the minute
# after such a removal, 0.02 s again after a minute without deletions.
SETTLE_SECONDS = 60


def settle() -> None:
    """Wait for the disk to be quiet after a removal of many files (see SETTLE_SECONDS)."""
    os.sync()
    time.sleep(SETTLE_SECONDS)


def edit_notice(site: Path, marker: str) -> Path:
    path = sorted((site / "content" / "notices").glob("*.md"))[0]
    path.write_text(path.read_text(encoding="utf-8").rstrip("\n") + f"\n\n{marker}\n", encoding="utf-8")
    return path


def bench_large() -> dict:
    if not LARGE.is_dir():
        subprocess.run([sys.executable, str(HERE / "make_large_site.py"), "large"], check=True)
    out = GENERATED / "large-output"
    clean(LARGE, out)
    settle()
    build = [*TRACKBOARD, "build", str(LARGE), "--out", str(out)]
    notice = sorted((LARGE / "content" / "notices").glob("*.md"))[0]
    sales = LARGE / "data" / "sales.csv"
    saved = {notice: notice.read_bytes(), sales: sales.read_bytes()}
    results: dict = {}
    try:
        results["cold"] = run(build)
        size, count = folder_size(out)
        page, page_size = heaviest(out)
        big_file, big_size = heaviest(out, "")
        results["output"] = {"bytes": size, "files": count, "heaviest_page": page, "heaviest_page_bytes": page_size,
                             "largest_file": big_file, "largest_file_bytes": big_size,
                             "pages_over_1mb": sum(1 for p in out.rglob("*.html") if p.stat().st_size > 1 << 20)}
        results["unchanged"] = run(build)
        edit_notice(LARGE, "（基准测试修改）")
        results["markdown_edit"] = run(build)  # the first after a cold build: no spare folder to stage in yet
        edit_notice(LARGE, "（基准测试再次修改）")
        results["markdown_edit_again"] = run(build)  # as every later edit: staged in the spare folder
        # A data change: one more sale on the last day (the as-of date stays the same).
        with sales.open("a", encoding="utf-8") as file:
            file.write(sales.read_text(encoding="utf-8").rstrip("\n").rsplit("\n", 1)[1].split(",")[0]
                       + ",P00010,8800.00,2640.00,1,金福年金\n")
        results["data_change"] = run(build)
    finally:
        for path, data in saved.items():
            path.write_bytes(data)
    return results


# What turns off the morning briefs (and with them their PDFs and the daily report's), the top-ten posters and,
# through a profile, every other poster: the large site as it was before them.
WITHOUT_BRIEFS = """
[briefs]
days = 0

[posters]
days = 0

[profiles.nobriefs]
exclude = ["posters"]
"""


def without_briefs(site: Path, target: Path) -> Path:
    """Copy a site (not its cache) to `target` with briefs, PDFs and posters turned off; build it with
    `--profile nobriefs`."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(site, target, ignore=shutil.ignore_patterns(".trackboard-cache"))
    config = target / "site.toml"
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n") + "\n" + WITHOUT_BRIEFS, encoding="utf-8")
    return target


def briefs_files(out: Path) -> dict[str, int]:
    """How many files of an output are the briefs' pages, PDFs and posters."""
    return {"briefs": sum(1 for _ in out.glob("daily/*/units/*/index.html")),
            "pdfs": sum(1 for _ in out.rglob("*.pdf")), "posters": sum(1 for _ in out.glob("posters/*/*.png"))}


def bench_briefs() -> dict:
    """What briefs, their PDFs and posters add to the large site: built without them and with them (the defaults),
    each cold (no cache, no output) then warm (nothing changed), in this one run."""
    if not LARGE.is_dir():
        subprocess.run([sys.executable, str(HERE / "make_large_site.py"), "large"], check=True)
    variants = {"without": (without_briefs(LARGE, GENERATED / "large-nobriefs"), ["--profile", "nobriefs"]),
                "with": (LARGE, [])}
    results: dict = {"load_average_start": [round(v, 1) for v in os.getloadavg()]}
    for name, (site, extra) in variants.items():
        out = GENERATED / f"large-{name}-briefs-output"
        clean(site, out)
        settle()
        build = [*TRACKBOARD, "build", str(site), "--out", str(out), *extra]
        cold = run(build)
        size, count = folder_size(out)
        warm = run(build)
        results[name] = {"cold": cold, "warm": warm, "files": count, "bytes": size, **briefs_files(out)}
    results["load_average_end"] = [round(v, 1) for v in os.getloadavg()]
    print(briefs_table(results))
    return results


def briefs_table(results: dict) -> str:
    """The README's table of what briefs, PDFs and posters add (see bench_briefs)."""
    without, with_ = results["without"], results["with"]

    def seconds(name: str, part: str) -> float:
        return float(results[name][part]["seconds"])

    def added(part: str, digits: int) -> str:
        more = seconds("with", part) - seconds("without", part)
        return f"{more:+.{digits}f} s ({seconds('with', part) / seconds('without', part):.1f}×)"

    def peak(name: str) -> str:
        return f"{results[name]['cold']['peak_mib']:,} MiB"

    shares = f"{with_['briefs']:,} briefs, {with_['pdfs']:,} PDFs, {with_['posters']:,} posters"
    rows = [("cold", f"{seconds('without', 'cold'):.1f} s", f"{seconds('with', 'cold'):.1f} s", added("cold", 1)),
            ("warm (nothing changed)", f"{seconds('without', 'warm'):.2f} s", f"{seconds('with', 'warm'):.2f} s",
             added("warm", 2)),
            ("peak memory (cold)", peak("without"), peak("with"),
             f"{with_['cold']['peak_mib'] - without['cold']['peak_mib']:+,} MiB"),
            ("files", f"{without['files']:,}", f"{with_['files']:,}: {shares}",
             f"{with_['files'] - without['files']:+,}")]
    lines = ["| build | without | with | added |", "|---|---|---|---|"]
    lines += [f"| {' | '.join(row)} |" for row in rows]
    start, end = results["load_average_start"], results["load_average_end"]
    lines.append(f"\nLoad average (1, 5, 15 min): {', '.join(f'{v:.1f}' for v in start)} at the start, "
                 f"{', '.join(f'{v:.1f}' for v in end)} at the end.")
    return "\n".join(lines)


def _bench_module(name: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def bench_postgres(rounds: int = 2) -> dict:
    """The large site from CSV and from PostgreSQL, cold builds alternating (CSV, database, CSV, database… for
    `rounds`), then an unchanged rebuild of each: the database's cost is the query and its result read as CSV."""
    if not LARGE.is_dir():
        subprocess.run([sys.executable, str(HERE / "make_large_site.py"), "large"], check=True)
    pgserver, sites = _bench_module("pgserver"), _bench_module("make_large_site")
    if pgserver.server_programs() is None:
        return {"error": "PostgreSQL is not installed (bash scripts/install-system-deps.sh)"}
    database = GENERATED / "large-postgres"
    shutil.rmtree(database, ignore_errors=True)
    shutil.copytree(LARGE, database, ignore=shutil.ignore_patterns(".trackboard-cache"))
    results: dict = {}
    with pgserver.PostgresServer() as server:
        start = time.perf_counter()
        results["rows_loaded"] = sites.load_into_postgres(database, server.connect)
        results["load_seconds"] = round(time.perf_counter() - start, 2)
        sites.read_from_postgres(database, "${TRACKBOARD_BENCH_DW}")
        os.environ["TRACKBOARD_BENCH_DW"] = server.url()
        try:
            runs: dict[str, list[dict]] = {"csv": [], "postgres": []}
            outputs = {"csv": GENERATED / "large-output", "postgres": GENERATED / "large-postgres-output"}
            for _ in range(rounds):
                for kind, site in (("csv", LARGE), ("postgres", database)):
                    clean(site, outputs[kind])
                    settle()
                    runs[kind].append(run([*TRACKBOARD, "build", str(site), "--out", str(outputs[kind])]))
            for kind, site in (("csv", LARGE), ("postgres", database)):
                results[f"{kind}_cold"] = best(runs[kind])
                results[f"{kind}_unchanged"] = run([*TRACKBOARD, "build", str(site), "--out", str(outputs[kind])])
        finally:
            os.environ.pop("TRACKBOARD_BENCH_DW", None)
    results["ratio_cold"] = round(results["postgres_cold"]["seconds"] / results["csv_cold"]["seconds"], 2)
    return results


# Targets of the 50,000-person site (issue 26): its peak memory (the PSS of its processes summed: a forked worker's
# resident set counts the pages it shares with the build), its cold build against the 5,000-person site's in the
# same run (cost growing no faster than the people), and its unchanged rebuild.
HUGE_PEAK_MIB = 6 * 1024
HUGE_COLD_RATIO = 10
HUGE_UNCHANGED_SECONDS = 10


def bench_huge() -> dict:
    """The 5,000-person site, then the 50,000-person one, in the same run: a cold build (no cache, no output) and an
    unchanged rebuild of each, with peak memory, and the huge site's inputs checked from CSV and from Parquet
    (`trackboard check`: the load alone). The huge cold build takes many minutes."""
    results: dict = {}
    for name, site in (("large", LARGE), ("huge", HUGE)):
        if not site.is_dir() or (name == "huge" and not HUGE_PARQUET.is_dir()):
            start = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / "make_large_site.py"), name], check=True)
            results[f"{name}_generate_seconds"] = round(time.perf_counter() - start, 2)
    results["huge_sales_bytes"] = (HUGE / "data" / "sales.csv").stat().st_size
    results["huge_sales_parquet_bytes"] = (HUGE_PARQUET / "data" / "sales.parquet").stat().st_size
    for kind, site in (("csv", HUGE), ("parquet", HUGE_PARQUET)):
        results[f"huge_check_{kind}"] = run([*TRACKBOARD, "check", str(site)])

    def cold(name: str, site: Path) -> tuple[dict, list[str], Path]:
        """A cold build of `site` into the site's benchmark output, a minute after clearing it; the command."""
        out = GENERATED / f"{name}-output"
        clean(site, out)
        settle()
        build = [*TRACKBOARD, "build", str(site), "--out", str(out)]
        return {"load_average_before": os.getloadavg(), "cold": run(build)}, build, out

    for name, site in (("large", LARGE), ("huge", HUGE)):
        results[name], build, out = cold(name, site)
        if results[name]["cold"]["exit"] != 0:
            break
        size, count = folder_size(out)
        results[name]["output"] = {"bytes": size, "files": count}
        results[name]["unchanged"] = run(build)
    huge, large = results.get("huge", {}), results.get("large", {})
    if "unchanged" in huge:
        # The large site's cold build again after the huge one's: two minutes against half an hour, one sample of
        # it meets the shared machine in its mood of the moment; the mean of the two brackets the long build.
        results["large_after"] = cold("large", LARGE)[0]
        again = results["large_after"]["cold"]
        samples = [large["cold"]["seconds"]] + ([again["seconds"]] if again["exit"] == 0 else [])
        ratio = huge["cold"]["seconds"] / (sum(samples) / len(samples))
        results["ratio_cold_each"] = [round(huge["cold"]["seconds"] / sample, 2) for sample in samples]
        results["ratio_cold"] = round(ratio, 2)
        results["targets"] = {
            f"peak within {HUGE_PEAK_MIB} MiB": huge["cold"]["peak_pss_mib"] <= HUGE_PEAK_MIB,
            f"cold within {HUGE_COLD_RATIO}x the large site's": ratio <= HUGE_COLD_RATIO,
            f"unchanged under {HUGE_UNCHANGED_SECONDS} s": huge["unchanged"]["seconds"] < HUGE_UNCHANGED_SECONDS,
        }
    results["load_average_after"] = os.getloadavg()
    return results


def baseline_tree(revision: str, folder: Path) -> str:
    """Extract a git revision of this repository into `folder` (`git archive`: nothing to clean up in the repository
    afterwards); return its commit."""
    repo = str(HERE.parent)
    commit = subprocess.run(["git", "-C", repo, "rev-parse", "--verify", f"{revision}^{{commit}}"],
                            capture_output=True, text=True, check=True).stdout.strip()
    archive = subprocess.run(["git", "-C", repo, "archive", "--format=tar", commit], capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return commit


def stage_seconds(result: dict) -> dict[str, float]:
    """Each stage's seconds as the build printed them ("charts    36.30 s (6078 drawn in the background)")."""
    return {line[:8].strip(): float(line[8:].split()[0]) for line in result["stages"]}


# The figures compared side by side: the build's stages, its wall time, and its CPU time and peak memory.
COMPARED = ("load", "compute", "render", "charts", "write", "total", "cpu", "peak MiB")


def compared(result: dict) -> dict[str, float]:
    stages = stage_seconds(result)
    return {**{name: stages.get(name, 0.0) for name in COMPARED[:5]}, "total": result["seconds"],
            "cpu": result["cpu_seconds"], "peak MiB": result["peak_mib"]}


def bench_baseline(revision: str, rounds: int = 2) -> dict:
    """The large site's cold build by git revision `revision` and by this working tree, alternating (baseline,
    working tree, then working tree, baseline…: a drift in the machine's speed weighs on both alike) for `rounds`
    each; the best of each side's rounds, stage by stage, and the ratio of this tree's to the baseline's.

    The baseline runs from an extracted copy of the revision on PYTHONPATH, with this environment's packages (a
    revision whose locked dependencies differ is noted)."""
    if not LARGE.is_dir():
        subprocess.run([sys.executable, str(HERE / "make_large_site.py"), "large"], check=True)
    out = GENERATED / "large-output"
    with tempfile.TemporaryDirectory(prefix="trackboard-baseline-") as folder:
        tree = Path(folder)
        commit = baseline_tree(revision, tree)
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "generator")], check=True)
        others = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(HERE.parent)]
        python_path = os.pathsep.join([str(tree), *others])
        same_locks = subprocess.run(["git", "-C", str(HERE.parent), "diff", "--quiet", commit, "--",
                                     "requirements", "pyproject.toml"], check=False).returncode == 0
        commands = {"baseline": ["env", f"PYTHONPATH={python_path}", *TRACKBOARD],
                    "working": ["env", f"PYTHONPATH={os.environ.get('PYTHONPATH', '')}", *TRACKBOARD]}
        # Each side runs in its own tree's folder (`python -m` looks in the current folder first), and which copy
        # it imports is checked, not assumed (an installed trackboard must not shadow either).
        folders = {"baseline": tree, "working": HERE.parent}
        for side, root in folders.items():
            found = subprocess.run([*commands[side][:2], sys.executable, "-c",
                                    "import generator; print(generator.__file__)"],
                                   cwd=root, capture_output=True, text=True, check=True).stdout.strip()
            if not Path(found).resolve().is_relative_to(root.resolve()):
                raise SystemExit(f"the {side} build would import {found}, not the copy in {root}")
        runs: dict[str, list[dict]] = {"baseline": [], "working": []}
        for turn in range(rounds):
            for side in ("baseline", "working") if turn % 2 == 0 else ("working", "baseline"):
                clean(LARGE, out)
                settle()
                load_average = os.getloadavg()
                result = run([*commands[side], "build", str(LARGE), "--out", str(out)], cwd=folders[side])
                runs[side].append({**result, "load_average": [round(x, 2) for x in load_average]})
                print(f"{side}, round {turn + 1}: {result['seconds']} s, load average {load_average[0]:.1f}",
                      file=sys.stderr, flush=True)
    best_runs = {side: min(r, key=lambda x: x["seconds"]) for side, r in runs.items()}
    before, after = compared(best_runs["baseline"]), compared(best_runs["working"])
    table = {name: {"baseline": before[name], "working": after[name],
                    "ratio": round(after[name] / before[name], 2) if before[name] else None} for name in COMPARED}
    label = commit[:7]
    print(f"\n{'':<10}{label:>10}{'working':>10}{'ratio':>8}")
    for name, row in table.items():
        ratio = f"{row['ratio']:.2f}" if row["ratio"] is not None else "-"
        print(f"{name:<10}{row['baseline']:>10.2f}{row['working']:>10.2f}{ratio:>8}")
    print(f"(best of {rounds} cold builds each; totals of every round: {label} "
          f"{[r['seconds'] for r in runs['baseline']]}, working {[r['seconds'] for r in runs['working']]})\n")
    return {"revision": commit, "same_locked_dependencies": same_locks, "table": table, "runs": runs}


def ensure_hugo() -> str | None:
    hugo = shutil.which("hugo")
    if hugo is None and shutil.which("apt-get"):
        subprocess.run(["apt-get", "install", "-y", "-q", "hugo"], check=False, stdout=subprocess.DEVNULL)
        hugo = shutil.which("hugo")
    return hugo


# Rounds of the notices comparison. This machine's disk is slow for tens of seconds after many files were written
# or deleted (a build's 10,000 pages, or the previous output removed): 10,000 pages take Hugo 3.4 s on a quiet disk
# and 8-13 s on a busy one, and trackboard likewise. Each tool is timed in every round, in turn, and the best round
# of each is compared.
ROUNDS = 3


def best(runs: list[dict]) -> dict:
    """The fastest of the runs (the one least slowed by the disk), with every run's seconds beside it."""
    return {**min(runs, key=lambda r: r["seconds"]), "rounds": [r["seconds"] for r in runs]}


def bench_hugo() -> dict:
    config = NOTICES / "trackboard" / "site.toml"
    if not config.is_file() or "[profiles.nosearch]" not in config.read_text(encoding="utf-8"):
        subprocess.run([sys.executable, str(HERE / "make_large_site.py"), "notices"], check=True)
    results: dict = {}
    hugo = ensure_hugo()
    from generator.search import pagefind_executable

    pagefind = pagefind_executable()
    site = NOTICES / "trackboard"
    out, bare, hugo_out = (GENERATED / "notices-output", GENERATED / "notices-output-nosearch",
                           GENERATED / "hugo-output")
    runs: dict[str, list[dict]] = {"hugo": [], "pagefind": [], "trackboard_cold": [], "trackboard_cold_nosearch": []}
    for _ in range(ROUNDS):
        if hugo is not None:
            shutil.rmtree(hugo_out, ignore_errors=True)
            shutil.rmtree(NOTICES / "hugo" / "resources", ignore_errors=True)
            runs["hugo"].append(run([hugo, "--quiet", "-s", str(NOTICES / "hugo"), "-d", str(hugo_out)]))
            # Context, not the target: Hugo makes no search index; a Hugo site with offline search runs Pagefind
            # (the same binary trackboard runs) over its notices after building.
            if pagefind is not None:
                runs["pagefind"].append(run([str(pagefind), "--site", str(hugo_out), "--glob", "notices/**/*.html",
                                             "--silent"]))
        clean(site, out)
        runs["trackboard_cold"].append(run([*TRACKBOARD, "build", str(site), "--out", str(out)]))
        if "trackboard_unchanged" not in results:
            results["trackboard_unchanged"] = run([*TRACKBOARD, "build", str(site), "--out", str(out)])
        # The same pages without the search index (which Hugo does not make): Pagefind alone takes 6-9 s here.
        clean(site, bare)
        runs["trackboard_cold_nosearch"].append(run([*TRACKBOARD, "build", str(site), "--out", str(bare),
                                                     "--profile", "nosearch"]))
    if hugo is None:
        results["hugo"] = "not available (apt-get install hugo failed)"
    else:
        version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
        results["hugo"] = {**best(runs["hugo"]), "version": version,
                           "pages": sum(1 for _ in hugo_out.rglob("*.html"))}
        if runs["pagefind"]:
            with_index = [h["seconds"] + p["seconds"] for h, p in zip(runs["hugo"], runs["pagefind"], strict=True)]
            results["hugo_then_pagefind"] = {"seconds": round(min(with_index), 2), "rounds": with_index,
                                             "pagefind_seconds": min(p["seconds"] for p in runs["pagefind"])}
    results["trackboard_cold"] = {**best(runs["trackboard_cold"]), "pages": sum(1 for _ in out.rglob("*.html"))}
    results["trackboard_cold_nosearch"] = best(runs["trackboard_cold_nosearch"])
    if isinstance(results["hugo"], dict):
        results["ratio_cold"] = round(results["trackboard_cold"]["seconds"] / results["hugo"]["seconds"], 1)
        results["ratio_cold_nosearch"] = round(results["trackboard_cold_nosearch"]["seconds"]
                                               / results["hugo"]["seconds"], 1)
    if "hugo_then_pagefind" in results:
        results["ratio_cold_vs_hugo_then_pagefind"] = round(results["trackboard_cold"]["seconds"]
                                                            / results["hugo_then_pagefind"]["seconds"], 1)
    return results


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def bench_serve(site: Path) -> dict:
    """Seconds from saving a Markdown file to the server publishing the rebuilt page (what a tab reloads to)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    out = GENERATED / "serve-output"
    shutil.rmtree(out, ignore_errors=True)
    process = subprocess.Popen([*TRACKBOARD, "serve", str(site), "--port", str(port), "--out", str(out)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    notice = sorted((site / "content" / "notices").glob("*.md"))[0]
    saved = notice.read_bytes()
    try:
        deadline = time.monotonic() + 1800
        # The server answers at once: version 0 until its first build is in, then building until that build's
        # search index is made too. The edit is saved once the server is idle, as a tracker's would be.
        while time.monotonic() < deadline:
            try:
                state = json.loads(_get(base + "__trackboard/version"))
                version = state["version"]
                if version > 0 and not state["building"]:
                    break
            except OSError:
                pass
            time.sleep(0.5)
        else:
            return {"error": "server did not start"}
        marker = f"serve-{time.time_ns()}"
        start = time.perf_counter()
        edit_notice(site, marker)
        while time.perf_counter() - start < 600:
            if json.loads(_get(base + "__trackboard/version"))["version"] != version:
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - start
        page = _get(base + f"notices/{notice.stem}/index.html").decode("utf-8")
        return {"markdown_edit_seconds": round(seconds, 2), "shown": marker in page}
    finally:
        notice.write_bytes(saved)
        process.terminate()
        process.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=["large", "hugo", "serve", "postgres", "huge", "briefs"],
                        help="run only these parts (repeatable)")
    parser.add_argument("--rounds", type=int, default=2,
                        help="cold builds of each kind for postgres and --baseline (default 2)")
    parser.add_argument("--baseline", metavar="REV", help="compare the large site's cold build with git revision REV")
    args = parser.parse_args(argv)
    # The checkout holding this script is what is measured, in this process and in the builds it starts, whatever
    # trackboard is installed (or not) and wherever the script is run from.
    sys.path.insert(0, str(HERE.parent))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE.parent), os.environ.get("PYTHONPATH")]))
    parts = args.only or ([] if args.baseline else ["large", "hugo", "serve", "postgres"])
    results: dict = {"machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                                 "system": platform.platform()}}
    # Compiled first, as pip compiles an installed package: run from a checkout where PYTHONDONTWRITEBYTECODE is
    # set (this machine sets it), every trackboard process would compile the package again (about 0.35 s).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(HERE.parent / "generator")], check=True)
    path = GENERATED / "results.json"
    if path.is_file():
        results = {**json.loads(path.read_text(encoding="utf-8")), **results}
    if "large" in parts:
        results["large"] = bench_large()
    if "hugo" in parts:
        results["notices_vs_hugo"] = bench_hugo()
    if "serve" in parts:
        results["serve_large"] = bench_serve(LARGE)
    if "postgres" in parts:
        results["large_postgres"] = bench_postgres(args.rounds)
    if "huge" in parts:
        results["huge"] = bench_huge()
    if args.baseline:
        results["baseline"] = bench_baseline(args.baseline, args.rounds)
    if "briefs" in parts:
        results["briefs_large"] = bench_briefs()
    GENERATED.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
