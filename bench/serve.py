#!/usr/bin/env python3
"""Benchmark live preview: from a file's save to the open page showing the change.

For every size N (default 1000, 10000), on the handbooks bench/run.py prepares
(bench/out/handbook-N: ../shared/bench/gen_corpus.py --layout plain, decorated
with principles, lessons, key messages and references), copied to
bench/out/serve-N (the copy is edited): starts `tenet serve` on it, opens a page
in headless Chromium (benches/serve_browser.rs) and, --edits times each, adds a
sentence to a page and changes a principle's title (which every page citing it,
its backlinks and the navigation show), timing each from the save until the open
page shows the change. With Zola (`--zola PATH`, or `zola` on PATH), `zola
serve` is measured the same way on the same pages in Zola's layout
(gen_corpus.py --layout zola), adding a sentence to the same page, in the same
run. Prints the median and the range per server, edit and size, and for tenet
when the page was told to reload (median).

    cargo build --release && python3 bench/serve.py [--sizes 1000,10000] [--edits 5] [--zola PATH]

Stdlib only.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"


def measure(site: Path, extra: list[str]) -> list[dict]:
    run = subprocess.run(
        ["cargo", "bench", "--quiet", "--bench", "serve_browser", "--", str(site), *extra],
        cwd=REPO, capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stdout, run.stderr[-4000:], file=sys.stderr)
        raise SystemExit(1)
    return [json.loads(l) for l in run.stdout.splitlines() if l.startswith("{")]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--edits", type=int, default=5)
    ap.add_argument("--bin", default=str(REPO / "target/release/tenet"))
    ap.add_argument("--zola", default=shutil.which("zola"))
    ap.add_argument("--work", default=str(REPO / "bench/out"))
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.zola:
        args.zola = str(Path(args.zola).resolve())
    work = Path(args.work)

    # The handbooks, as run.py makes them (generated once, then reused).
    subprocess.run([sys.executable, str(REPO / "bench/run.py"), "--prepare-only",
                    "--sizes", args.sizes, "--work", str(work), "--bin", args.bin],
                   check=True, stdout=subprocess.DEVNULL)
    version = subprocess.run([args.bin, "--version"], capture_output=True, text=True).stdout.strip()
    peers = ""
    if args.zola:
        peers = ", " + subprocess.run([args.zola, "--version"], capture_output=True,
                                      text=True).stdout.strip()
    print(f"{version}{peers}, {os.cpu_count()} cores, {args.edits} edits of each kind")
    print(f"{'pages':>7} {'server':<7} {'edit':<9} {'median ms':>10} {'min':>8} {'max':>8} {'told ms':>8}")
    for n in sizes:
        copy = work / f"serve-{n}"
        if copy.exists():
            shutil.rmtree(copy)
        shutil.copytree(work / f"handbook-{n}", copy)
        results = measure(copy, ["--bin", args.bin, "--edits", str(args.edits)])
        shutil.rmtree(copy)
        if args.zola:
            page = next(r["file"] for r in results if r["edit"] == "sentence")
            zsite = work / f"zola-{n}"
            subprocess.run([sys.executable, str(GEN), "--pages", str(n), "--layout", "zola",
                            "--out", str(zsite)], check=True, stdout=subprocess.DEVNULL)
            rel = page.removeprefix("content/")
            if (zsite / "content" / rel).is_file():
                results += measure(zsite, ["--zola", args.zola, "--edits", str(args.edits),
                                           "--page", rel])
            shutil.rmtree(zsite)
        for r in results:
            ms = r["ms"]
            told = f"{statistics.median(r['told_ms']):>8.1f}" if r.get("told_ms") else f"{'-':>8}"
            print(f"{n:>7} {r['server']:<7} {r['edit']:<9} {r['median_ms']:>10.1f} "
                  f"{min(ms):>8.1f} {max(ms):>8.1f} {told}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
