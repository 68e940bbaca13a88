#!/usr/bin/env python3
"""Benchmark `brief build` and `brief serve` on generated corpora, side by side with Hugo.

    python3 bench/bench.py                      # the figures of issue 17, N = 1000 and 5000
    python3 bench/bench.py --scale              # also a clean build at N = 20000
    python3 bench/bench.py --sizes 200 --runs 1 --no-hugo    # a quick look

For each N (articles per language) it generates a deterministic bilingual corpus
with `examples/gen_corpus.rs` (`--profile rich` by default: about 3,000
Japanese characters or 970 English words per article, 7 citations, about 14
markers; see the generator's docs) and an equivalent Hugo site, then prints,
for brief and Hugo (when installed: `apt-get install hugo`):

- rebuild into the same output folder (what an editor or CI does: the old
  output replaced inside the timed command), on the disk of `--work`;
- each build into a new folder, on the same disk;
- rebuild into the same folder on /dev/shm (the CPU work, no disk);
- peak RSS, files written and their ratio to the HTML pages;
- growth of the new-folder build from the smallest to the largest N;
- brief only: one edit in `brief serve`, from the moment the article file is
  written to the moment its page on disk holds the edit (polled every 2 ms),
  and the in-process incremental rebuild (examples/bench_incremental.rs);
- brief only: `brief build --cache` in fresh processes: the first build, a
  rebuild after one edit, and the same after every source file's times were
  renewed (a CI checkout restoring the cache).

Noisy figures are printed as min / median / max of `--runs` runs. Nothing waits
out file-system windows between runs: a rebuild follows the previous one at
once, as it does for a user. Nothing here is a test, and no figure is asserted.
"""

import argparse
import hashlib
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(cmd, cwd=None):
    """Runs a command; returns (wall seconds, cpu seconds, peak RSS MiB)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # Read standard error while waiting: a full pipe would stall the command.
    stderr = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(map(str, cmd))}\n{stderr[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def count_files(folder):
    files = html = 0
    for _, _, names in os.walk(folder):
        files += len(names)
        html += sum(1 for n in names if n.endswith(".html"))
    return files, html


def spread(values, fmt="{:.2f}"):
    """min / median / max, or the one value."""
    if len(values) == 1:
        return fmt.format(values[0])
    return " / ".join(fmt.format(v) for v in (min(values), statistics.median(values), max(values)))


def repeat(runs, cmd_for_run):
    """Runs `cmd_for_run(k)` for k in 0..runs; lists of wall, cpu, rss."""
    results = [run(cmd_for_run(k)) for k in range(runs)]
    return [r[0] for r in results], [r[1] for r in results], [r[2] for r in results]


def cached_rebuilds(brief, site, output, edits):
    """`brief build --cache` in fresh processes: the first build (which fills
    the cache), then `edits` times one article edited and the site rebuilt
    (an editor's machine: the other files untouched), then `edits` times the
    same with every source file's times renewed first, as a CI checkout that
    restores the cache leaves them (every file is read again). Returns the
    three lists of (wall, cpu, rss) and the cache's size in MiB."""
    cache = output.parent / f"{output.name}-cache"
    shutil.rmtree(cache, ignore_errors=True)
    cmd = [brief, "build", "--root", site, "--output", output, "--cache", cache]
    first = [run(cmd)]
    articles = sorted((site / "content" / "en").rglob("*.md"))
    article = articles[len(articles) // 3]
    original = article.read_text()
    sources = [p for p in (site / "content").rglob("*.md")]
    editor, ci = [], []
    try:
        for k in range(edits):
            article.write_text(original + f"\nAn edited sentence, cached-{k}.\n")
            editor.append(run(cmd))
        for k in range(edits):
            for p in sources:
                os.utime(p)
            article.write_text(original + f"\nAn edited sentence, ci-{k}.\n")
            ci.append(run(cmd))
    finally:
        article.write_text(original)
    size = sum(f.stat().st_size for f in cache.iterdir()) / 2**20
    shutil.rmtree(cache, ignore_errors=True)
    return first, editor, ci, size


def serve_latency(brief, site, output, edits):
    """Starts `brief serve`, edits one article `edits` times, and returns the
    milliseconds from each write of the file to its page on disk holding the
    edit, then restores the article."""
    proc = subprocess.Popen(
        [brief, "serve", "--root", site, "--output", output, "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        for line in proc.stdout:
            if line.startswith("serving at "):
                break
        else:
            sys.exit("brief serve ended before it served")
        articles = sorted((site / "content" / "en").rglob("*.md"))
        article = articles[len(articles) // 2]
        page = output / "en" / article.stem / "index.html"
        if not page.is_file():
            sys.exit(f"no page {page} for {article}")
        original = article.read_text()
        latencies = []
        for k in range(edits):
            token = f"bench-edit-{os.getpid()}-{k}"
            text = original + f"\nAn edited sentence, {token}.\n"
            start = time.monotonic()
            article.write_text(text)
            deadline = start + 60
            while True:
                try:
                    if token in page.read_text():
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    sys.exit("the edit did not reach the page within 60 s")
                time.sleep(0.002)
            latencies.append((time.monotonic() - start) * 1e3)
            # Let the rebuild's second phase (search files) finish.
            time.sleep(0.5)
        article.write_text(original)
        time.sleep(1)
        return latencies
    finally:
        proc.terminate()
        proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 5000], help="articles per language")
    ap.add_argument("--runs", type=int, default=3, help="runs per brief measurement (min / median / max)")
    ap.add_argument("--hugo-runs", type=int, help="runs per Hugo measurement (default: --runs)")
    ap.add_argument("--profile", default="rich", choices=["rich", "default"], help="gen_corpus profile")
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench", help="where corpora and outputs go")
    ap.add_argument("--shm", type=Path, default=Path("/dev/shm"), help="a memory file system")
    ap.add_argument("--no-hugo", action="store_true", help="skip Hugo even when installed")
    ap.add_argument("--edits", type=int, default=5, help="edits timed in brief serve")
    ap.add_argument("--scale", action="store_true", help="also a clean build at N = 20000")
    args = ap.parse_args()
    hugo_runs = args.hugo_runs or args.runs
    sizes = sorted(set(args.sizes + ([20000] if args.scale else [])))

    print("building release binaries …", flush=True)
    subprocess.run(["cargo", "build", "--release", "--bins", "--examples"], cwd=ROOT, check=True)
    brief = ROOT / "target" / "release" / "brief"
    gen = ROOT / "target" / "release" / "examples" / "gen_corpus"
    incremental = ROOT / "target" / "release" / "examples" / "bench_incremental"
    hugo = None if args.no_hugo else shutil.which("hugo")
    hugo_version = (
        subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1] if hugo else None
    )

    args.work.mkdir(parents=True, exist_ok=True)
    generator = hashlib.sha256((ROOT / "examples" / "gen_corpus.rs").read_bytes()).hexdigest()[:16]
    sites = {}
    for n in sizes:
        site = args.work / f"corpus-{args.profile}-{n}"
        stamp = site / ".generated-by"
        wanted = f"{generator} --articles {n} --profile {args.profile}" + (" --hugo" if hugo else "")
        if stamp.exists() and stamp.read_text() == wanted:
            print(f"N = {n}: reusing {site}", flush=True)
        else:
            print(f"generating N = {n} articles per language in {site}", flush=True)
            run([gen, "--articles", str(n), "--out", site, "--profile", args.profile] + (["--hugo"] if hugo else []))
            stamp.write_text(wanted)
        for link in ("themes", "locales"):
            target = site / link
            if target.is_symlink() or target.exists():
                target.unlink() if target.is_symlink() else shutil.rmtree(target)
            target.symlink_to(ROOT / link)
        sites[n] = site

    rows = []  # (N, what, engine, text)
    figures = {}  # (N, what, engine) -> median wall

    def record(n, what, engine, walls, cpus=None, rss=None, extra=""):
        text = f"wall {spread(walls)} s"
        if cpus:
            text += f", CPU {spread(cpus)} s"
        if rss:
            text += f", peak RSS {max(rss):.0f} MiB"
        if extra:
            text += f", {extra}"
        rows.append((n, what, engine, text))
        figures[(n, what, engine)] = statistics.median(walls)
        print(f"   {what}, {engine}: {text}", flush=True)

    for n in sizes:
        site = sites[n]
        print(f"\n== N = {n} articles per language ({site})", flush=True)
        out = args.work / f"out-{n}"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        engines = [("brief", args.runs)] + ([("hugo " + hugo_version, hugo_runs)] if hugo else [])

        def cmd(engine, dest):
            if engine == "brief":
                return [brief, "build", "--root", site, "--output", dest]
            return [hugo, "--source", site / "hugo", "--destination", dest, "--quiet"]

        scale_only = args.scale and n == 20000
        for engine, runs in engines:
            if scale_only and engine != "brief":
                continue
            name = engine.split()[0]
            # Each build into a new folder.
            walls, cpus, rss = repeat(1 if scale_only else runs, lambda k: cmd(engine, out / f"{name}-new-{k}"))
            files, html = count_files(out / f"{name}-new-0")
            record(n, "new folder", engine, walls, cpus, rss,
                   f"{files} files, {html} HTML pages, {files / max(html, 1):.2f} files per page")
            if args.scale and engine == "brief" and n in (5000, 20000):
                # The CPU work without the disk: at N = 20,000 the disk's
                # write-back of 2.5 GB dominates a new-folder build.
                fresh = args.shm / f"brief-bench-{os.getpid()}-fresh-{n}"
                fresh.mkdir(parents=True, exist_ok=True)
                try:
                    walls, cpus, rss = repeat(1 if scale_only else runs, lambda k: cmd(engine, fresh / str(k)))
                    record(n, "new folder, /dev/shm", engine, walls, cpus, rss)
                finally:
                    shutil.rmtree(fresh, ignore_errors=True)
            if scale_only:
                continue
            # Rebuilds into the same folder, on the disk, replacing the output
            # of the first new-folder build (moved there, not rebuilt).
            same = out / f"{name}-same"
            (out / f"{name}-new-0").rename(same)
            walls, cpus, rss = repeat(runs, lambda k: cmd(engine, same))
            record(n, "rebuild, same folder", engine, walls, cpus, rss)
            # The same on a memory file system.
            shm = args.shm / f"brief-bench-{os.getpid()}-{name}-{n}"
            try:
                run(cmd(engine, shm))
                walls, cpus, rss = repeat(runs, lambda k: cmd(engine, shm))
                record(n, "rebuild, same folder, /dev/shm", engine, walls, cpus, rss)
            finally:
                shutil.rmtree(shm, ignore_errors=True)
                lock = shm.parent / f".brief-lock-{shm.name}"
                if lock.exists():
                    lock.unlink()
        if scale_only:
            continue

        latencies = serve_latency(brief, site, out / "serve", args.edits)
        rows.append((n, "serve: file written → page on disk", "brief", f"{spread(latencies, '{:.0f}')} ms over {len(latencies)} edits"))
        print(f"   serve edit latency: {spread(latencies, '{:.0f}')} ms", flush=True)
        if incremental.exists():
            res = subprocess.run([incremental, "--root", site, "--output", out / "incremental"],
                                 capture_output=True, text=True, check=True)
            last = res.stdout.strip().splitlines()[-1] if res.stdout.strip() else ""
            rows.append((n, "in-process incremental rebuild (serve's)", "brief", last))
        first, editor, ci, size = cached_rebuilds(brief, site, out / "cached", args.edits)
        for what, results in (
            ("--cache: first build (fills the cache)", first),
            ("--cache: one article edited, fresh process", editor),
            ("--cache: one article edited, every file's times renewed (CI)", ci),
        ):
            record(n, what, "brief", [r[0] for r in results], [r[1] for r in results],
                   [r[2] for r in results], f"cache {size:.0f} MiB" if results is first else "")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(site / ".brief", ignore_errors=True)

    print("\n| N/lang | what | engine | figures |")
    print("|---:|---|---|---|")
    for n, what, engine, text in rows:
        print(f"| {n} | {what} | {engine} | {text} |")
    print()
    for n in sizes:
        for what in ("rebuild, same folder", "new folder", "rebuild, same folder, /dev/shm"):
            b = figures.get((n, what, "brief"))
            h = figures.get((n, what, "hugo " + hugo_version)) if hugo else None
            if b is not None and h:
                print(f"N={n}, {what}: brief / Hugo = {b / h:.2f} (medians)")
    plain = [n for n in sizes if n != 20000 or not args.scale]
    if len(plain) >= 2:
        a, b = plain[0], plain[-1]
        print(f"growth of a new-folder build N={a} → N={b}: "
              f"{figures[(b, 'new folder', 'brief')] / figures[(a, 'new folder', 'brief')]:.2f}×")
    if args.scale and (5000, "new folder", "brief") in figures:
        for what in ("new folder", "new folder, /dev/shm"):
            print(f"scale: N=20000 / N=5000, {what} = "
                  f"{figures[(20000, what, 'brief')] / figures[(5000, what, 'brief')]:.2f}×")
    print(f"machine: {os.cpu_count()} cores, {os.uname().machine}, {os.uname().release}; "
          f"load average {os.getloadavg()[0]:.1f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")


if __name__ == "__main__":
    main()
