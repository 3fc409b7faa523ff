#!/usr/bin/env python3
"""Benchmark full `tenet build`s of synthetic handbooks.

For every size N (default 100, 1000, 10000):

  1. generate the plain corpus with ../shared/bench/gen_corpus.py into
     <work>/corpus-N (cached: reused while <work>/corpus-N.stamp holds the
     generator's sha256 and N);
  2. copy it to <work>/handbook-N and decorate it deterministically
     (random.Random(N)): six principle pages, one page in ten turned into a
     lesson with four key messages and a trainer tip, one page in three given
     a paragraph of [[id]] and [[lesson#key-message-1]] references; then verify
     the decoration (front matter parses, ::: blocks are closed, every inserted
     reference names an existing file) and run `tenet check` once;
  3. time `tenet build <handbook> --out <out> --quiet` --runs times into
     <work>/site-N (disk) and /dev/shm/tenet-bench-N (tmpfs), removing the
     output before each run (untimed), with the peak RSS of the child from
     os.wait4.

Stdlib only.  Run from anywhere:  python3 bench/run.py --help
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

try:
    import tomllib  # Python >= 3.11
except ImportError:  # pragma: no cover - older Python: skip TOML parsing
    tomllib = None

REPO = Path(__file__).resolve().parent.parent
TMPFS = Path("/dev/shm")
MARKER = ".tenet-output"

PRINCIPLES = [
    ("consent", "Consent"),
    ("impartiality", "Impartiality"),
    ("non-use-of-force", "Non-use of Force"),
    ("legitimacy", "Legitimacy"),
    ("credibility", "Credibility"),
    ("national-ownership", "National Ownership"),
]
KEY_MESSAGES_PER_LESSON = 4

SUBJECTS = ["The commander", "Each unit", "The mission", "The planner", "Every team",
            "The force", "The liaison officer", "The headquarters", "The trainer", "Each patrol"]
VERBS = ["protects", "maintains", "earns", "reviews", "explains", "respects", "secures",
         "depends on", "strengthens", "records"]
OBJECTS = ["the consent of the parties", "impartial conduct", "the trust of the population",
           "the mandate", "a clear chain of command", "local ownership of the process",
           "restraint in the use of force", "credible deterrence", "the rules of engagement",
           "timely reporting"]
TAILS = ["", " at every stage", " before acting", " in every contact with the population",
         " when the situation changes", " throughout the mission"]


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def toml_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def sentence(rng: random.Random) -> str:
    """A short, grammatical, deterministic sentence."""
    return (f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)}"
            f"{rng.choice(TAILS)}.")


def lower_first(s: str) -> str:
    return s[:1].lower() + s[1:]


# --------------------------------------------------------------------------
# Corpus generation (cached)
# --------------------------------------------------------------------------
def read_stamp(path: Path) -> str | None:
    try:
        return path.read_text().strip()
    except OSError:
        return None


def generate_corpus(gen: Path, gen_sha: str, n: int, layout: str, dest: Path) -> float | None:
    """Generate `layout` for N pages into dest unless the stamp matches.

    Returns the generation time in seconds, or None when the cache was reused."""
    stamp = dest.with_name(dest.name + ".stamp")
    want = f"{gen_sha} {n} {layout}"
    if dest.is_dir() and read_stamp(stamp) == want:
        log(f"  {dest.name}: cached")
        return None
    stamp.unlink(missing_ok=True)
    if dest.exists():
        shutil.rmtree(dest)
    tmp = dest.with_name(dest.name + ".tmp")
    if tmp.exists():
        shutil.rmtree(tmp)
    log(f"  {dest.name}: generating {n} pages ({layout}) ...")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, str(gen), "--pages", str(n), "--out", str(tmp),
                        "--layout", layout], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    dt = time.perf_counter() - t0
    if r.returncode != 0:
        log(r.stdout + r.stderr)
        sys.exit(f"gen_corpus.py failed for N={n} ({layout})")
    tmp.rename(dest)
    stamp.write_text(want + "\n")
    log(f"  {dest.name}: generated in {dt:.1f}s")
    return dt


# --------------------------------------------------------------------------
# Decoration
# --------------------------------------------------------------------------
def page_id(rel: str) -> str:
    """content-relative path -> page id ('a/b.md' -> 'a/b', 'a/_index.md' -> 'a')."""
    stem = rel[:-3]
    if stem == "_index":
        return ""
    if stem.endswith("/_index"):
        return stem[: -len("/_index")]
    return stem


def split_front_matter(text: str) -> tuple[str, str]:
    """-> (front matter lines without fences, body).  Only TOML (+++) is produced."""
    if not text.startswith("+++\n"):
        raise ValueError("no +++ front matter")
    end = text.find("\n+++\n", 3)
    if end < 0:
        if text.endswith("\n+++"):
            end = len(text) - 4
        else:
            raise ValueError("front matter not closed")
    return text[4:end + 1], text[end + 5:]


def insert_after_first_paragraph(body: str, insert: str) -> str:
    """Insert `insert` (markdown blocks) after the first paragraph of body.

    The first paragraph is the first run of non-blank lines that is not a
    heading, a fence or a list/table/quote; without one, append at the end."""
    lines = body.split("\n")
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.strip() and not ln.lstrip().startswith(("#", "```", ":::", "|", ">", "- ", "[^")) \
                and not re.match(r"\s*\d+\. ", ln):
            j = i
            while j < len(lines) and lines[j].strip():
                j += 1
            return "\n".join(lines[:j]) + "\n\n" + insert.strip("\n") + "\n" + "\n".join(lines[j:])
        i += 1
    return body.rstrip("\n") + "\n\n" + insert.strip("\n") + "\n"


def decorate(handbook: Path, n: int) -> dict:
    """Decorate handbook/content in place; returns what was inserted for verify()."""
    rng = random.Random(n)
    content = handbook / "content"
    rels = sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md"))
    ids = {page_id(r): r for r in rels}
    targets = [i for i in ids if i]  # the home page has the empty id

    # principle pages
    pdir = content / "principles"
    pdir.mkdir(exist_ok=True)
    (pdir / "_index.md").write_text('+++\ntitle = "Principles"\nweight = 0\n+++\n')
    for short, title in PRINCIPLES:
        (pdir / f"{short}.md").write_text(
            f"+++\ntitle = {toml_str(title)}\nkind = \"principle\"\n"
            f"summary = {toml_str(sentence(rng))}\n+++\n\n{sentence(rng)} {sentence(rng)}\n")
    shorts = [s for s, _ in PRINCIPLES]

    lessons = [r for k, r in enumerate(rels) if k % 10 == 0 and not r.endswith("_index.md")]
    lesson_set = set(lessons)
    inserted_refs: list[tuple[str, str]] = []  # (file, ref)
    edits: dict[str, tuple[list[str], list[str]]] = {}  # rel -> (fm lines, blocks)

    for num, rel in enumerate(lessons, 1):
        princ = rng.sample(shorts, rng.randint(1, 2))
        fm = [
            'kind = "lesson"',
            f'number = "{num}"',
            f"aim = {toml_str('To show why ' + lower_first(sentence(rng)))}",
            'duration = "45 minutes"',
            "outcomes = [" + ", ".join(toml_str(sentence(rng)) for _ in range(2)) + "]",
            "principles = [" + ", ".join(toml_str(p) for p in princ) + "]",
        ]
        blocks = []
        for _ in range(KEY_MESSAGES_PER_LESSON):
            blocks.append(f"::: key-message {{principles={rng.choice(shorts)}}}\n"
                          f"{sentence(rng)}\n:::")
        blocks.append(f"::: trainer-tip\n{sentence(rng)}\n:::")
        edits[rel] = (fm, blocks)

    for k, rel in enumerate(rels):
        if k % 3:
            continue
        own = page_id(rel)
        refs = []
        while len(refs) < 2:
            t = rng.choice(targets)
            if t != own and t not in refs:
                refs.append(t)
        others = [l for l in lessons if l != rel] or lessons
        if others:
            refs.append(page_id(rng.choice(others)) + "#key-message-1")
        para = (f"{sentence(rng)[:-1]}: see [[{refs[0]}]] and [[{refs[1]}]]."
                + (f" The first key message of [[{refs[2]}]] applies here." if len(refs) > 2 else ""))
        fm, blocks = edits.get(rel, ([], []))
        edits[rel] = (fm, blocks + [para])
        inserted_refs += [(rel, r) for r in refs]

    for rel, (fm, blocks) in edits.items():
        path = content / rel
        text = path.read_text(encoding="utf-8")
        fm_text, body = split_front_matter(text)
        fm_text += "".join(line + "\n" for line in fm)
        if blocks:
            body = insert_after_first_paragraph(body, "\n\n".join(blocks) + "\n")
        path.write_text("+++\n" + fm_text + "+++\n" + body, encoding="utf-8", newline="\n")

    return {"lessons": sorted(lesson_set), "refs": inserted_refs, "files": len(rels) + 7}


REF_RE = re.compile(r"\[\[([^\]|#]+)(?:#([^\]|]+))?(?:\|[^\]]*)?\]\]")


def verify(handbook: Path, info: dict) -> list[str]:
    """Check the decorated handbook: parseable front matter, balanced ::: fences,
    every inserted reference names an existing page (and key message)."""
    content = handbook / "content"
    problems = []
    km_count: dict[str, int] = {}
    for path in sorted(content.rglob("*.md")):
        rel = path.relative_to(content).as_posix()
        text = path.read_text(encoding="utf-8")
        try:
            fm, body = split_front_matter(text)
            if tomllib is not None:
                data = tomllib.loads(fm)
                if "title" not in data:
                    problems.append(f"{rel}: front matter without title")
        except Exception as e:  # noqa: BLE001 - report any parse problem
            problems.append(f"{rel}: front matter: {e}")
            continue
        depth, in_code = 0, False
        for ln in body.split("\n"):
            s = ln.strip()
            if s.startswith("```"):
                in_code = not in_code
            elif not in_code and s.startswith(":::"):
                depth += 1 if s.rstrip(":") else -1
                if depth < 0:
                    problems.append(f"{rel}: ::: closed without an opening")
                    depth = 0
        if depth:
            problems.append(f"{rel}: {depth} ::: block(s) not closed")
        km_count[page_id(rel)] = len(re.findall(r"^::: key-message\b", body, re.M))
    for rel, ref in info["refs"]:
        pid, _, anchor = ref.partition("#")
        if not ((content / f"{pid}.md").is_file() or (content / pid / "_index.md").is_file()):
            problems.append(f"{rel}: [[{ref}]] names no page")
        elif anchor.startswith("key-message-") and km_count.get(pid, 0) < int(anchor.rsplit("-", 1)[1]):
            problems.append(f"{rel}: [[{ref}]]: that page has too few key messages")
    return problems


def prepare_handbook(corpus: Path, handbook: Path, n: int, stamp_key: str) -> dict:
    stamp = handbook.with_name(handbook.name + ".stamp")
    info_file = handbook.with_name(handbook.name + ".json")
    if handbook.is_dir() and read_stamp(stamp) == stamp_key and info_file.is_file():
        log(f"  {handbook.name}: cached")
        info = json.loads(info_file.read_text())
        info["refs"] = [tuple(r) for r in info["refs"]]
        return info
    stamp.unlink(missing_ok=True)
    if handbook.exists():
        shutil.rmtree(handbook)
    t0 = time.perf_counter()
    shutil.copytree(corpus, handbook)
    t1 = time.perf_counter()
    info = decorate(handbook, n)
    t2 = time.perf_counter()
    log(f"  {handbook.name}: copied in {t1 - t0:.1f}s, decorated in {t2 - t1:.1f}s "
        f"({len(info['lessons'])} lessons, {len(info['refs'])} references)")
    info_file.write_text(json.dumps(info))
    stamp.write_text(stamp_key + "\n")
    return info


# --------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------
def clear_output(out: Path) -> None:
    """Remove a previous output, but only one that tenet wrote (or an empty folder)."""
    if not out.exists():
        return
    if out.is_dir() and ((out / MARKER).exists() or not any(out.iterdir())):
        shutil.rmtree(out)
    else:
        sys.exit(f"{out} exists and is not a tenet output; remove it yourself")


def timed_run(cmd: list[str]) -> tuple[float, float, int, str]:
    """-> (wall seconds, peak RSS MiB, exit code, stderr)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 already
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return dt, ru.ru_maxrss / 1024.0, p.returncode, stderr


def count_files(root: Path, name: str | None = None, suffix: str | None = None) -> int:
    c = 0
    for _, _, files in os.walk(root):
        for f in files:
            if (name and f == name) or (suffix and f.endswith(suffix)):
                c += 1
    return c


def md_stats(content: Path) -> tuple[int, int]:
    size = files = 0
    for p in content.rglob("*.md"):
        size += p.stat().st_size
        files += 1
    return size, files


def first_lines(text: str, k: int = 40) -> str:
    lines = text.splitlines()
    more = f"\n... ({len(lines) - k} more lines)" if len(lines) > k else ""
    return "\n".join(lines[:k]) + more


def bench_locations(n: int, runs: int, make_cmd, outs: list[tuple[str, Path]], label: str,
                    count) -> dict:
    res = {}
    for loc, out in outs:
        times, rss = [], []
        for r in range(runs):
            clear_output(out)
            dt, mib, code, err = timed_run(make_cmd(out))
            if code != 0:
                print(f"{label} N={n} ({loc}) failed with exit code {code}:")
                print(first_lines(err))
                sys.exit(1)
            times.append(dt)
            rss.append(mib)
            log(f"  {label} N={n} {loc} run {r + 1}/{runs}: {dt:.3f}s, {mib:.0f} MiB")
        res[loc] = {"times": times, "median": statistics.median(times), "peak_rss_mib": max(rss),
                    "html_files": count(out)}
    return res


def fmt(x, spec: str) -> str:
    """format(x, spec), or a '-' of the same width for None."""
    width = re.match(r"[<>^]?(\d*)", spec).group(1)
    return "-".rjust(int(width or 0)) if x is None else format(x, spec)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="Time full tenet builds of synthetic handbooks.")
    ap.add_argument("--sizes", default="100,1000,10000", help="comma-separated page counts N")
    ap.add_argument("--runs", type=int, default=3, help="timed builds per size and location")
    ap.add_argument("--bin", type=Path, default=REPO / "target" / "release" / "tenet")
    ap.add_argument("--work", type=Path, default=REPO / "bench" / "out",
                    help="where corpora, handbooks and disk outputs go")
    ap.add_argument("--gen", type=Path, default=REPO.parent / "shared" / "bench" / "gen_corpus.py",
                    help="path of gen_corpus.py")
    ap.add_argument("--json", type=Path, help="also write the results to this JSON file")
    ap.add_argument("--prepare-only", action="store_true",
                    help="generate, decorate, verify and `tenet check` (if built); no timing")
    ap.add_argument("--no-tmpfs", action="store_true", help="skip the /dev/shm location")
    ap.add_argument("--keep-tmpfs", action="store_true",
                    help="leave /dev/shm/tenet-bench-N in place after measuring")
    ap.add_argument("--peers", action="store_true",
                    help="also build the zola/hugo/mdbook layouts with those tools if installed")
    a = ap.parse_args(argv)

    try:
        sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    except ValueError:
        ap.error("--sizes takes comma-separated integers")
    if not sizes or min(sizes) < 1 or a.runs < 1:
        ap.error("sizes and --runs must be positive")
    a.bin = a.bin.absolute()  # Path("./tenet") would otherwise be looked up on PATH
    have_bin = a.bin.is_file() and os.access(a.bin, os.X_OK)
    if not have_bin and not a.prepare_only:
        print(f"{a.bin} not found: run cargo build --release first")
        return 2
    if not a.gen.is_file():
        print(f"generator not found: {a.gen} (pass --gen PATH)")
        return 2

    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    gen_sha = sha256_file(a.gen)
    script_sha = sha256_file(Path(__file__))
    tmpfs_ok = TMPFS.is_dir() and os.access(TMPFS, os.W_OK) and not a.no_tmpfs
    if not tmpfs_ok and not a.no_tmpfs:
        log(f"note: {TMPFS} missing or not writable, tmpfs timings skipped")

    version = None
    if have_bin:
        version = subprocess.run([str(a.bin), "--version"], capture_output=True,
                                 text=True).stdout.strip()
    try:
        ncpu = len(os.sched_getaffinity(0))
    except AttributeError:
        ncpu = os.cpu_count()

    results = {"version": version, "nproc": ncpu, "cpu_count": os.cpu_count(),
               "platform": platform.platform(), "python": platform.python_version(),
               "runs": a.runs, "gen_sha256": gen_sha, "sizes": []}

    for n in sizes:
        log(f"N={n}")
        corpus = work / f"corpus-{n}"
        handbook = work / f"handbook-{n}"
        gen_s = generate_corpus(a.gen, gen_sha, n, "plain", corpus)
        info = prepare_handbook(corpus, handbook, n, f"{gen_sha} {script_sha} {n}")
        problems = verify(handbook, info)
        if problems:
            print(f"decorated handbook N={n} is broken ({len(problems)} problems):")
            print(first_lines("\n".join(problems)))
            return 1
        log(f"  verified: front matter, ::: blocks, {len(info['refs'])} references")
        if have_bin:
            t0 = time.perf_counter()
            r = subprocess.run([str(a.bin), "check", str(handbook)], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"tenet check {handbook} failed (exit {r.returncode}):")
                print(first_lines(r.stderr))
                return 1
            log(f"  tenet check: ok ({time.perf_counter() - t0:.2f}s)")
        md_bytes, md_files = md_stats(handbook / "content")
        entry = {"n": n, "gen_seconds": gen_s, "md_bytes": md_bytes, "md_files": md_files,
                 "lessons": len(info["lessons"]), "refs": len(info["refs"])}
        results["sizes"].append(entry)
        if a.prepare_only:
            continue

        outs = [("disk", work / f"site-{n}")]
        if tmpfs_ok:
            outs.append(("tmpfs", TMPFS / f"tenet-bench-{n}"))
        entry["tenet"] = bench_locations(
            n, a.runs, lambda out: [str(a.bin), "build", str(handbook), "--out", str(out), "--quiet"],
            outs, "tenet", lambda out: count_files(out, name="index.html"))
        if tmpfs_ok and not a.keep_tmpfs:
            clear_output(TMPFS / f"tenet-bench-{n}")

        if a.peers:
            entry["peers"] = bench_peers(a, work, gen_sha, n, tmpfs_ok)

    if a.prepare_only:
        print(f"{'N':>7} {'md MB':>7} {'md files':>8} {'lessons':>7} {'refs':>6} {'gen s':>7}")
        for e in results["sizes"]:
            print(f"{e['n']:>7} {e['md_bytes'] / 1e6:>7.1f} {e['md_files']:>8} {e['lessons']:>7} "
                  f"{e['refs']:>6} {fmt(e['gen_seconds'], '>7.1f')}")
        print("(gen s: '-' means the cached corpus was reused)")
    else:
        print_report(results, tmpfs_ok)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2) + "\n")
        log(f"wrote {a.json}")
    return 0


def print_report(results: dict, tmpfs_ok: bool) -> None:
    print(f"tool: {results['version']}    nproc: {results['nproc']}    runs: {results['runs']}"
          f"    ({results['platform']})")
    hdr = (f"{'N':>7} {'md MB':>7} {'HTML':>7} {'disk s':>8} {'tmpfs s':>8} "
           f"{'RSS MiB':>8} {'ms/page':>8}")
    print(hdr)
    print("-" * len(hdr))
    for e in results["sizes"]:
        t = e["tenet"]
        disk = t["disk"]["median"]
        tmp = t["tmpfs"]["median"] if "tmpfs" in t else None
        rss = max(v["peak_rss_mib"] for v in t.values())
        print(f"{e['n']:>7} {e['md_bytes'] / 1e6:>7.1f} {t['disk']['html_files']:>7} "
              f"{disk:>8.3f} {fmt(tmp, '>8.3f')} {rss:>8.1f} {disk * 1000 / e['n']:>8.2f}")
    print("(median of the runs; HTML = index.html files written; ms/page = disk median / N; "
          "RSS = max over runs and locations)")
    sz = results["sizes"]
    for prev, cur in zip(sz, sz[1:]):
        parts = []
        for loc in ("disk", "tmpfs"):
            if loc in prev["tenet"] and loc in cur["tenet"]:
                parts.append(f"{loc} x{cur['tenet'][loc]['median'] / prev['tenet'][loc]['median']:.2f}")
        print(f"time({cur['n']})/time({prev['n']}) = {', '.join(parts)}   "
              f"(pages x{cur['n'] / prev['n']:.1f})")
    skipped = sorted({t for e in sz for t, r in e.get("peers", {}).items() if r is None})
    if skipped:
        print(f"peers: {', '.join(skipped)}: not installed (or failed), skipped")
    for e in sz:
        for tool, r in e.get("peers", {}).items():
            if r is None:
                continue
            tmp = r["tmpfs"]["median"] if "tmpfs" in r else None
            rss = max(v["peak_rss_mib"] for v in r.values())
            print(f"peer {tool:<7} N={e['n']:>6}: {r['disk']['html_files']} HTML files, "
                  f"disk {r['disk']['median']:.3f}s, tmpfs {fmt(tmp, '.3f')}s, {rss:.1f} MiB")


PEER_CMDS = {
    "zola": lambda src, out: ["zola", "--root", str(src), "build", "--output-dir", str(out)],
    "hugo": lambda src, out: ["hugo", "--source", str(src), "--destination", str(out), "--quiet"],
    "mdbook": lambda src, out: ["mdbook", "build", str(src), "--dest-dir", str(out)],
}


def bench_peers(a, work: Path, gen_sha: str, n: int, tmpfs_ok: bool) -> dict:
    res = {}
    for tool, make in PEER_CMDS.items():
        exe = shutil.which(tool)
        if not exe:
            log(f"  {tool}: not installed, skipped")
            res[tool] = None
            continue
        src = work / f"{tool}-corpus-{n}"
        generate_corpus(a.gen, gen_sha, n, tool, src)
        outs = [("disk", work / f"{tool}-site-{n}")]
        if tmpfs_ok:
            outs.append(("tmpfs", TMPFS / f"tenet-bench-{tool}-{n}"))
        # peers do not write .tenet-output: remove their (script-owned) outputs directly
        res[tool] = {}
        for loc, out in outs:
            times, rss = [], []
            for r in range(a.runs):
                if out.exists():
                    shutil.rmtree(out)
                dt, mib, code, err = timed_run(make(src, out))
                if code != 0:
                    log(f"  {tool} N={n} failed (exit {code}):\n{first_lines(err)}")
                    break
                times.append(dt)
                rss.append(mib)
                log(f"  {tool} N={n} {loc} run {r + 1}/{a.runs}: {dt:.3f}s, {mib:.0f} MiB")
            if times:
                res[tool][loc] = {"times": times, "median": statistics.median(times),
                                  "peak_rss_mib": max(rss),
                                  "html_files": count_files(out, suffix=".html")}
            if loc == "tmpfs" and out.exists() and not a.keep_tmpfs:
                shutil.rmtree(out)
        if "disk" not in res[tool]:
            res[tool] = None
    return res


if __name__ == "__main__":
    sys.exit(main())
