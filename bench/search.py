#!/usr/bin/env python3
"""Search benchmark: index build cost, index size, and queries in headless Chromium.

For each size N (default 1,000 and 10,000 pages of the synthetic handbook that bench/run.py
prepares in bench/out/handbook-N):

1. Builds the site `--runs` times with search on and with `[search] enabled = false`, on tmpfs
   (/dev/shm) when there is one, and prints the median wall time and peak RSS of each, and the
   difference: the cost of the index.
2. Prints the index's size on disk: files and bytes under search/ (page documents, shards,
   meta), per page.
3. Runs the queries in headless Chromium (benches/search_browser.rs): for each query, the bytes
   loaded (uncompressed, search code included) and the time from keystroke to results, cold on
   a fresh page and warm, from disk (file://) and over http; typed at once into the top-bar box,
   typed key by key, and opened as search/index.html?q=.
4. With Pagefind (`--pagefind PATH`, or `pagefind` on PATH, or npm's copy in
   bench/out/node_modules), indexes the same built site with it and measures the same queries
   through its JS API over http.

    cargo build --release && python3 bench/search.py [--sizes 1000,10000] [--runs 3]

Figures go to BENCHMARKS.md by hand, with the command line that made them.
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Queries on the synthetic handbook's vocabulary: two-word phrases of its staff prose (common
# and less common words), a three-word one with a stop word, rare single words, and forms
# readers type that the text does not use.
QUERIES = [
    "supply routes",
    "liaison officers",
    "handover notes",
    "risk thresholds",
    "command posts",
    "deliberate risk",
    "rules of engagement",
    "after-action reviews",
    "morale",
    "stunweark",
    # Forms the handbook never uses (found through the query stemmer), a compound written
    # apart, and a typo.
    "supplying routes",
    "liaising officers",
    "deliberately engaging",
    "after action reviews",
    "handovr notes",
]


def run_timed(cmd, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in MiB, completed process)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, _, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    if proc.returncode is None:
        proc.returncode = 0
    return wall, usage.ru_maxrss / 1024, (out, err)


def tree_size(path):
    files = 0
    size = 0
    for dirpath, _, names in os.walk(path):
        for n in names:
            files += 1
            size += os.path.getsize(os.path.join(dirpath, n))
    return files, size


def build_times(binary, handbook, out_dir, runs):
    """Median wall seconds and peak RSS of `runs` builds."""
    walls, rss = [], []
    for _ in range(runs):
        shutil.rmtree(out_dir, ignore_errors=True)
        wall, peak, _ = run_timed([binary, "build", str(handbook), "--out", str(out_dir), "--quiet"])
        walls.append(wall)
        rss.append(peak)
    return statistics.median(walls), max(rss), walls


def search_off_copy(handbook, work):
    """A copy of the handbook with search off (content symlinked, book.toml amended)."""
    off = work / f"{handbook.name}-search-off"
    if off.exists():
        shutil.rmtree(off)
    off.mkdir(parents=True)
    for entry in handbook.iterdir():
        if entry.name == "book.toml":
            text = entry.read_text()
            (off / "book.toml").write_text(text + "\n[search]\nenabled = false\n")
        else:
            (off / entry.name).symlink_to(entry.resolve())
    return off


def find_pagefind(explicit, work):
    if explicit:
        return explicit
    found = shutil.which("pagefind")
    if found:
        return found
    npm = work / "node_modules" / ".bin" / "pagefind"
    return str(npm) if npm.exists() else None


def browser_rows(site, queries, pagefind=False):
    cmd = ["cargo", "bench", "--quiet", "--bench", "search_browser", "--", str(site)]
    if pagefind:
        cmd.append("--pagefind")
    cmd += queries
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit("search_browser failed")
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def summarise(rows, label):
    """Median and max bytes, median cold/warm ms, per (tool, mode, proto)."""
    groups = {}
    for r in rows:
        groups.setdefault((r["tool"], r["mode"], r["proto"]), []).append(r)
    out = []
    for (tool, mode, proto), rs in sorted(groups.items()):
        kb = [r["bytes"] / 1024 for r in rs]
        cold = [r["cold_ms"] for r in rs]
        warm = [r["warm_ms"] for r in rs if r.get("warm_ms") is not None]
        out.append({
            "size": label, "tool": tool, "mode": mode, "proto": proto, "queries": len(rs),
            "kb_median": round(statistics.median(kb), 1), "kb_max": round(max(kb), 1),
            "requests_median": statistics.median(r["requests"] for r in rs),
            "cold_ms_median": round(statistics.median(cold)),
            "cold_ms_max": round(max(cold)),
            "warm_ms_median": round(statistics.median(warm), 1) if warm else None,
            "warm_ms_max": round(max(warm), 1) if warm else None,
        })
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "tenet"))
    ap.add_argument("--work", default=str(ROOT / "bench" / "out"))
    ap.add_argument("--pagefind", default=None, help="Pagefind binary (default: PATH, then bench/out/node_modules)")
    ap.add_argument("--no-pagefind", action="store_true")
    ap.add_argument("--no-browser", action="store_true")
    ap.add_argument("--queries", default=None, help="comma-separated queries (default: a built-in set)")
    ap.add_argument("--json", default=None, help="write all figures to this file")
    args = ap.parse_args()

    work = Path(args.work).resolve()
    binary = str(Path(args.bin).resolve())
    queries = args.queries.split(",") if args.queries else QUERIES
    tmp = Path("/dev/shm") if Path("/dev/shm").is_dir() else work
    pagefind = None if args.no_pagefind else find_pagefind(args.pagefind, work)
    report = {"version": subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip(),
              "nproc": os.cpu_count(), "sizes": []}
    print(f"{report['version']}, {report['nproc']} CPUs, builds on {tmp}")

    for n in [int(s) for s in args.sizes.split(",")]:
        handbook = work / f"handbook-{n}"
        if not handbook.exists():
            subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--sizes", str(n),
                            "--prepare-only", "--work", str(work)], check=True)
        off = search_off_copy(handbook, work)
        site_on, site_off = tmp / f"tenet-search-{n}", tmp / f"tenet-search-{n}-off"
        # Alternate on and off so that a busy machine slows both alike.
        on_walls, off_walls, on_rss, off_rss = [], [], [], []
        for _ in range(args.runs):
            w, r, _ = build_times(binary, handbook, site_on, 1)
            on_walls.append(w); on_rss.append(r)
            w, r, _ = build_times(binary, off, site_off, 1)
            off_walls.append(w); off_rss.append(r)
        shutil.rmtree(site_off, ignore_errors=True)
        on, offm = statistics.median(on_walls), statistics.median(off_walls)
        files, size = tree_size(site_on / "search")
        docs = tree_size(site_on / "search" / "d")
        shards = tree_size(site_on / "search" / "i")
        pages = docs[0]
        row = {
            "pages": n, "build_on_s": round(on, 2), "build_off_s": round(offm, 2),
            "index_cost_s": round(on - offm, 2), "index_cost_pct": round(100 * (on - offm) / offm),
            "rss_on_mib": round(max(on_rss)), "rss_off_mib": round(max(off_rss)),
            "index_files": files, "index_mb": round(size / 1e6, 1),
            "index_kb_per_page": round(size / 1024 / max(pages, 1), 2),
            "documents_mb": round(docs[1] / 1e6, 1), "shards": shards[0], "shards_mb": round(shards[1] / 1e6, 1),
            "runs_on": [round(w, 2) for w in on_walls], "runs_off": [round(w, 2) for w in off_walls],
        }
        print(f"\n{n} pages: build {on:.2f} s with search, {offm:.2f} s without "
              f"(index +{on - offm:.2f} s, +{row['index_cost_pct']}%); peak RSS {row['rss_on_mib']} / "
              f"{row['rss_off_mib']} MiB")
        print(f"  index: {files} files, {row['index_mb']} MB ({row['index_kb_per_page']} KB a page): "
              f"page documents {row['documents_mb']} MB, {shards[0]} shards {row['shards_mb']} MB")

        if pagefind:
            pf_site = tmp / f"pagefind-site-{n}"
            shutil.rmtree(pf_site, ignore_errors=True)
            shutil.copytree(site_on, pf_site, symlinks=True)
            shutil.rmtree(pf_site / "search", ignore_errors=True)
            wall, peak, (out, err) = run_timed([pagefind, "--site", str(pf_site), "--output-subdir", "pagefind"])
            pf_files, pf_size = tree_size(pf_site / "pagefind")
            row["pagefind"] = {"index_s": round(wall, 2), "rss_mib": round(peak), "files": pf_files,
                               "mb": round(pf_size / 1e6, 1),
                               "kb_per_page": round(pf_size / 1024 / max(pages, 1), 2)}
            print(f"  Pagefind: indexed in {wall:.2f} s, peak RSS {peak:.0f} MiB, {pf_files} files, "
                  f"{pf_size / 1e6:.1f} MB ({row['pagefind']['kb_per_page']} KB a page)")

        if not args.no_browser:
            rows = browser_rows(site_on, queries)
            if pagefind:
                rows += browser_rows(pf_site, queries, pagefind=True)
            row["queries"] = rows
            row["summary"] = summarise(rows, n)
            print(f"  queries ({len(queries)}): KB loaded median/max, requests, ms to results cold median/max, warm median/max")
            for s in row["summary"]:
                warm = f"{s['warm_ms_median']}/{s['warm_ms_max']}" if s["warm_ms_median"] is not None else "-"
                print(f"    {s['tool']:8} {s['mode']:9} {s['proto']:5} {s['kb_median']:7}/{s['kb_max']:<7} "
                      f"{s['requests_median']:>5}  {s['cold_ms_median']:>5}/{s['cold_ms_max']:<5} {warm}")
        report["sizes"].append(row)

    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
