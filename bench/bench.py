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

Every command is measured twice (`--cache both`, the default when run as
root): "warm", with its input in the kernel's page cache (the corpus just
read, brief's output just written), and "cold", with the page cache emptied
before every timed command, so brief reads the corpus, Hugo reads the corpus
and cp reads brief's output from the disk. Both columns are printed because
they answer different questions: warm is CPU work against memory copies,
cold is what a build or a copy of a folder that is not in memory costs.
"""

import argparse
import hashlib
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


def settle():
    """Flushes dirty pages so one run's writeback does not slow the next."""
    subprocess.run(["sync"], check=False)


DROP_CACHES = Path("/proc/sys/vm/drop_caches")


def can_drop_caches():
    return os.access(DROP_CACHES, os.W_OK)


def drop_page_cache():
    """Empties the kernel's page cache (needs root): the next command reads its
    input from the disk, as a copy of a folder that is not in memory does."""
    settle()
    DROP_CACHES.write_text("3\n")


# ext4 skips inodes freed in the last 60 s when it looks for a free one, and
# in the last 360 s while their inode table block is dirty (which creating new
# files beside them keeps it; see `recently_deleted` in fs/ext4/ialloc.c),
# scanning the inode tables instead: on a disk where tens of thousands of
# files were just deleted, creating files costs several times more kernel time
# for minutes. No run deletes anything while measurements are taken, corpora
# are only regenerated when the generator or N changed, and a run waits out
# those minutes after the previous run's cleanup.
RECENTLY_DELETED_S = 365


def cleanup(work, folders):
    """Deletes `folders` and records when, for `wait_after_cleanup`."""
    if not folders:
        return
    for f in folders:
        shutil.rmtree(f, ignore_errors=True)
    settle()
    (work / ".last-cleanup").write_text(str(time.time()))


def filesystem_type(path):
    """The type of the file system holding `path` ("ext4", "tmpfs" …), from
    /proc/self/mounts; None where that is not available."""
    try:
        mounts = [line.split()[1:3] for line in open("/proc/self/mounts")]
    except OSError:
        return None
    path = str(Path(path).resolve())
    best = max(
        (m for m in mounts if path == m[0] or path.startswith(m[0].rstrip("/") + "/")),
        key=lambda m: len(m[0]),
        default=None,
    )
    return best[1] if best else None


def wait_after_cleanup(work):
    marker = work / ".last-cleanup"
    if not marker.exists() or filesystem_type(work) != "ext4":
        return
    left = RECENTLY_DELETED_S - (time.time() - float(marker.read_text() or 0))
    if left > 0:
        print(f"waiting {left:.0f} s after deleting the previous runs' files (ext4 inode reuse)", flush=True)
        time.sleep(left)


def median_runs(runs, cmd_for_run, cwd=None, cold=False):
    """Runs `cmd_for_run(k)` for k in 0..runs, each writing a fresh folder.

    Nothing is deleted between runs: on some virtual disks deleting tens of
    thousands of files makes the next run's file creation several times
    slower, which would measure the disk, not the engine. With `cold`, the
    page cache is emptied before every run."""
    results = []
    for k in range(runs):
        if cold:
            drop_page_cache()
        else:
            settle()
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
    ap.add_argument(
        "--cache",
        choices=["warm", "cold", "both"],
        default="both" if can_drop_caches() else "warm",
        help="warm: inputs in the page cache (the output just written, the corpus just read); "
        "cold: page cache emptied before every timed command (needs root); default: both when allowed",
    )
    args = ap.parse_args()
    if args.cache != "warm" and not can_drop_caches():
        sys.exit(f"--cache {args.cache} needs write access to {DROP_CACHES} (run as root)")
    modes = ["warm", "cold"] if args.cache == "both" else [args.cache]

    print("building release binaries …", flush=True)
    subprocess.run(["cargo", "build", "--release", "--bins", "--examples"], cwd=ROOT, check=True)
    brief = ROOT / "target" / "release" / "brief"
    gen = ROOT / "target" / "release" / "examples" / "gen_corpus"
    incremental = ROOT / "target" / "release" / "examples" / "bench_incremental"
    hugo = None if args.no_hugo else shutil.which("hugo")
    hugo_version = (
        subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1] if hugo else None
    )

    rows = []  # (N, cache, what, wall, cpu, rss, files)
    notes = []
    args.work.mkdir(parents=True, exist_ok=True)
    # The generator replaces an earlier corpus (deleting its files), so all
    # corpora are made before anything is measured.
    generator = hashlib.sha256((ROOT / "examples" / "gen_corpus.rs").read_bytes()).hexdigest()[:16]
    for n in args.sizes:
        site = args.work / f"corpus-{n}"
        stamp = site / ".generated-by"
        wanted = f"{generator} --articles {n}" + (" --hugo" if hugo else "")
        if stamp.exists() and stamp.read_text() == wanted:
            print(f"N = {n}: reusing {site}", flush=True)
        else:
            print(f"generating N = {n} articles per language in {site}", flush=True)
            replaced = (site / "content").exists()  # the generator deletes the old corpus
            run([gen, "--articles", str(n), "--out", site] + (["--hugo"] if hugo else []))
            stamp.write_text(wanted)
            if replaced:
                (args.work / ".last-cleanup").write_text(str(time.time()))
        for link in ("themes", "locales"):
            target = site / link
            if target.is_symlink() or target.exists():
                target.unlink() if target.is_symlink() else shutil.rmtree(target)
            target.symlink_to(ROOT / link)
    cleanup(args.work, sorted(args.work.glob("runs-*")))
    wait_after_cleanup(args.work)
    runs_dirs = []
    for n in args.sizes:
        site = args.work / f"corpus-{n}"
        print(f"\n== N = {n} articles per language ({site})", flush=True)
        for mode in modes:
            cold = mode == "cold"
            runs_dir = args.work / f"runs-{n}-{mode}"
            runs_dir.mkdir(parents=True)
            runs_dirs.append(runs_dir)
            print(f"   {mode} cache: brief, cp -r" + (", hugo" if hugo else ""), flush=True)

            wall, cpu, rss = median_runs(
                args.runs,
                lambda k: [brief, "build", "--root", site, "--output", runs_dir / f"brief-{k}"],
                cold=cold,
            )
            public = runs_dir / "brief-0"
            files = count_files(public)
            rows.append((n, mode, "brief build", wall, cpu, rss, files))

            cwall, ccpu, crss = median_runs(
                args.runs, lambda k: ["cp", "-r", public, runs_dir / f"copy-{k}"], cold=cold
            )
            rows.append((n, mode, "cp -r of brief's output", cwall, ccpu, crss, files))

            if hugo:
                hwall, hcpu, hrss = median_runs(
                    args.runs,
                    lambda k: [hugo, "--source", site / "hugo", "--destination", runs_dir / f"hugo-{k}", "--quiet"],
                    cold=cold,
                )
                rows.append((n, mode, "hugo " + hugo_version, hwall, hcpu, hrss, count_files(runs_dir / "hugo-0")))
            settle()

        if incremental.exists():
            out = subprocess.run([incremental, "--root", site], capture_output=True, text=True, check=True)
            print(out.stdout.strip())
            last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
            notes.append(f"N={n}: incremental rebuild after editing one article: {last}")

    cleanup(args.work, runs_dirs)

    print("\n| N/lang | cache | what | wall s | CPU s | peak RSS MiB | files | files/s |")
    print("|---:|---|---|---:|---:|---:|---:|---:|")
    for n, mode, what, wall, cpu, rss, files in rows:
        print(f"| {n} | {mode} | {what} | {wall:.2f} | {cpu:.2f} | {rss:.0f} | {files} | {files / wall:,.0f} |")
    print()
    for mode in modes:
        walls = {(r[0], r[2].split()[0]): r[3] for r in rows if r[1] == mode}
        sizes = sorted({r[0] for r in rows if r[1] == mode})
        for n in sizes:
            b = walls[(n, "brief")]
            line = f"{mode}, N={n}: brief / cp -r = {b / walls[(n, 'cp')]:.2f}"
            if (n, "hugo") in walls:
                line += f", brief / hugo = {b / walls[(n, 'hugo')]:.2f}"
            print(line)
        if len(sizes) >= 2:
            print(
                f"{mode}: growth N={sizes[-1]} / N={sizes[0]} = "
                f"{walls[(sizes[-1], 'brief')] / walls[(sizes[0], 'brief')]:.2f}"
            )
    for note in notes:
        print(note)
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, {os.uname().release}")


if __name__ == "__main__":
    main()
