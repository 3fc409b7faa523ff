#!/usr/bin/env python3
"""Benchmark: building a local edition against building the base it overlays.

Uses the decorated 10,000-page handbook that bench/run.py makes (bench/out/handbook-N; run
`python3 bench/run.py --sizes N --runs 1` first). Writes bench/out/edition-N, a French edition
of it that:

  - replaces one page in ten (its own copy, retitled, with a French paragraph),
  - adds 100 pages of its own,
  - leaves out two parts of the base with `exclude` (references to them unlinked),
  - sets branding ([theme]) and a [strings] word.

and bench/out/languages-N, the base published in two languages: a settings-only edition of the
base whose `[languages.fr]` is that French edition (so one output: the base at the root, the
French edition in fr/, with the language menu on every page).

Then times `tenet build` of the base, of the edition and of the two-language site, in turn,
--runs times each, to /dev/shm when it exists (output removed before each run, untimed), and
prints the median wall time and the peak RSS of each, the edition's cost relative to the base,
and the two-language site's relative to base + edition built separately.

Stdlib only:  python3 bench/edition.py [--size 10000] [--runs 5]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_edition(base: Path, edition: Path, seed: int) -> dict:
    rng = random.Random(seed)
    if edition.exists():
        shutil.rmtree(edition)
    (edition / "content").mkdir(parents=True)
    pages = sorted(p for p in (base / "content").rglob("*.md") if p.name != "_index.md")
    parts = sorted(p.name for p in (base / "content").iterdir() if p.is_dir())
    excluded_parts = parts[:2]
    replaced = 0
    for page in pages:
        rel = page.relative_to(base / "content")
        if rel.parts[0] in excluded_parts or rng.random() >= 0.1:
            continue
        text = page.read_text(encoding="utf-8")
        text = re.sub(r'^title = "(.*)"$', r'title = "\1 (édition locale)"', text, count=1, flags=re.M)
        text += "\nCe paragraphe est propre à l'édition locale du centre de formation.\n"
        target = edition / "content" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        replaced += 1
    local = edition / "content" / "local"
    local.mkdir()
    for i in range(100):
        (local / f"page-{i:03}.md").write_text(
            f'+++\ntitle = "Page locale {i}"\n+++\n\nContenu local numéro {i} : contacts, '
            "calendrier des sessions, consignes de sécurité propres au centre.\n",
            encoding="utf-8",
        )
    (edition / "book.toml").write_text(
        f"""[book]
title = "Manuel de doctrine (édition locale)"
language = "fr"

[theme]
primary = "#0b6e4f"
footer = "Centre de formation"

[strings]
trainer_tip = "Note pour l'animateur"

[edition]
base = "{os.path.relpath(base, edition)}"
exclude = {json.dumps(excluded_parts)}
on_excluded_reference = "unlink"
""",
        encoding="utf-8",
    )
    return {"replaced": replaced, "added": 100, "excluded_parts": excluded_parts}


def make_languages(base: Path, edition: Path, site: Path) -> None:
    site.mkdir(parents=True, exist_ok=True)
    (site / "book.toml").write_text(
        f"""[edition]
base = "{os.path.relpath(base, site)}"

[languages.fr]
edition = "{os.path.relpath(edition, site)}"
""",
        encoding="utf-8",
    )


def timed_build(binary: Path, handbook: Path, out: Path) -> tuple[float, float]:
    if out.exists():
        shutil.rmtree(out)
    start = time.perf_counter()
    proc = subprocess.Popen([str(binary), "build", str(handbook), "--out", str(out), "--quiet"])
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    if status != 0:
        sys.exit(f"build of {handbook} failed")
    return took, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    base = ROOT / "bench" / "out" / f"handbook-{args.size}"
    if not base.is_dir():
        sys.exit(f"{base} is missing: run `python3 bench/run.py --sizes {args.size} --runs 1` first")
    binary = ROOT / "target" / "release" / "tenet"
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    edition = ROOT / "bench" / "out" / f"edition-{args.size}"
    made = make_edition(base, edition, args.size)
    languages = ROOT / "bench" / "out" / f"languages-{args.size}"
    make_languages(base, edition, languages)
    scratch = Path("/dev/shm") if Path("/dev/shm").is_dir() else ROOT / "bench" / "out"
    builds = (("base", base), ("edition", edition), ("en+fr", languages))
    figures = {name: [] for name, _ in builds}
    rss = {name: [] for name, _ in builds}
    # One untimed build of each warms the page cache.
    for name, handbook in builds:
        timed_build(binary, handbook, scratch / f"tenet-edition-bench-{name}")
    for _ in range(args.runs):
        for name, handbook in builds:
            took, peak = timed_build(binary, handbook, scratch / f"tenet-edition-bench-{name}")
            figures[name].append(took)
            rss[name].append(peak)
    for name, _ in builds:
        shutil.rmtree(scratch / f"tenet-edition-bench-{name}", ignore_errors=True)
    b, e = statistics.median(figures["base"]), statistics.median(figures["edition"])
    both = statistics.median(figures["en+fr"])
    print(f"edition of {args.size} pages: {made['replaced']} replaced, {made['added']} added, "
          f"parts {', '.join(made['excluded_parts'])} left out")
    for name, median in (("base", b), ("edition", e), ("en+fr", both)):
        print(f"{name:8} median {median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in figures[name])}), "
              f"peak RSS {max(rss[name]):.0f} MiB")
    print(f"edition / base: {e / b:.2f}")
    print(f"en+fr / (base + edition): {both / (b + e):.2f}")


if __name__ == "__main__":
    main()
