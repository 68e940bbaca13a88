#!/usr/bin/env python3
"""Benchmark `brief build` on generated corpora, side by side with Hugo and `cp -r`.

    python3 bench/bench.py                  # N = 1000 and 5000 articles per language
    python3 bench/bench.py --sizes 200 --runs 1

For each N it generates a deterministic bilingual corpus with
`examples/gen_corpus.rs`, then measures (median of --runs clean builds, each into a
fresh folder): wall time, CPU time
(user + system), peak RSS, files written and files per second. It also times
`cp -r` of brief's output folder, `hugo` on the same corpus when Hugo is
installed (`apt-get install hugo`), and one incremental rebuild after editing
one article (examples/bench_incremental.rs, when present). It prints a table;
nothing here is a test, and no figure is asserted.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd, cwd=None, quiet=True):
    """Runs a command; returns (wall seconds, cpu seconds, peak RSS MiB)."""
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        stdout=subprocess.DEVNULL if quiet else None,
        stderr=subprocess.PIPE if quiet else None,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    stderr = proc.stderr.read().decode(errors="replace") if quiet and proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(map(str, cmd))}\n{stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def count_files(folder):
    return sum(len(files) for _, _, files in os.walk(folder))


def drop_caches():
    """Flushes dirty pages so one run's writeback does not slow the next."""
    subprocess.run(["sync"], check=False)


def median_runs(runs, cmd_for_run, cwd=None):
    """Runs `cmd_for_run(k)` for k in 0..runs, each writing a fresh folder.

    Nothing is deleted between runs: on some virtual disks deleting tens of
    thousands of files makes the next run's file creation several times
    slower, which would measure the disk, not the engine."""
    results = []
    for k in range(runs):
        drop_caches()
        results.append(run(cmd_for_run(k), cwd=cwd))
    return (
        statistics.median(r[0] for r in results),
        statistics.median(r[1] for r in results),
        statistics.median(r[2] for r in results),
    )


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], help="articles per language")
    ap.add_argument("--runs", type=int, default=3, help="clean builds per measurement (median)")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench", help="where corpora are generated")
    ap.add_argument("--no-hugo", action="store_true", help="skip Hugo even when installed")
    args = ap.parse_args()

    print("building release binaries …", flush=True)
    subprocess.run(["cargo", "build", "--release", "--bins", "--examples"], cwd=ROOT, check=True)
    brief = ROOT / "target" / "release" / "brief"
    gen = ROOT / "target" / "release" / "examples" / "gen_corpus"
    incremental = ROOT / "target" / "release" / "examples" / "bench_incremental"
    hugo = None if args.no_hugo else shutil.which("hugo")

    rows = []
    for n in args.sizes:
        site = args.work / f"corpus-{n}"
        print(f"\n== N = {n} articles per language ({site})", flush=True)
        run([gen, "--articles", str(n), "--out", site] + (["--hugo"] if hugo else []))
        for link in ("themes", "locales"):
            target = site / link
            if target.is_symlink() or target.exists():
                target.unlink() if target.is_symlink() else shutil.rmtree(target)
            target.symlink_to(ROOT / link)
        runs_dir = args.work / f"runs-{n}"
        shutil.rmtree(runs_dir, ignore_errors=True)
        runs_dir.mkdir(parents=True)

        wall, cpu, rss = median_runs(
            args.runs, lambda k: [brief, "build", "--root", site, "--output", runs_dir / f"brief-{k}"]
        )
        public = runs_dir / "brief-0"
        files = count_files(public)
        rows.append((n, "brief build", wall, cpu, rss, files))

        cwall, ccpu, crss = median_runs(args.runs, lambda k: ["cp", "-r", public, runs_dir / f"copy-{k}"])
        rows.append((n, "cp -r of brief's output", cwall, ccpu, crss, files))

        if hugo:
            version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1]
            hwall, hcpu, hrss = median_runs(
                args.runs,
                lambda k: [hugo, "--source", site / "hugo", "--destination", runs_dir / f"hugo-{k}", "--quiet"],
            )
            rows.append((n, "hugo " + version, hwall, hcpu, hrss, count_files(runs_dir / "hugo-0")))

        if incremental.exists():
            out = subprocess.run([incremental, "--root", site], capture_output=True, text=True, check=True)
            print(out.stdout.strip())
            rows.append((n, "incremental rebuild (1 article)", None, None, None, None, out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""))
        shutil.rmtree(runs_dir, ignore_errors=True)

    print("\n| N/lang | what | wall s | CPU s | peak RSS MiB | files | files/s |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for row in rows:
        if row[2] is None:
            print(f"| {row[0]} | {row[1]} | {row[6]} | | | | |")
            continue
        n, what, wall, cpu, rss, files = row
        print(f"| {n} | {what} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {files} | {files / wall:,.0f} |")
    brief_walls = {r[0]: r[2] for r in rows if r[1] == "brief build"}
    if len(brief_walls) >= 2:
        sizes = sorted(brief_walls)
        print(f"\ngrowth: N={sizes[-1]} takes {brief_walls[sizes[-1]] / brief_walls[sizes[0]]:.2f}× N={sizes[0]}")
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, {os.uname().release}")


if __name__ == "__main__":
    main()
