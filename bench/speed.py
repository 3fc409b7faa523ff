#!/usr/bin/env python3
"""tenet against Zola (and Hugo where installed), side by side, on the same synthetic pages.

For every size N (default 1000, 10000; add 100000 for the flatness check):

  * the handbooks: `bench/out/handbook-N` (made and decorated as run.py makes them) for tenet,
    the same generator's `zola` (and `hugo`) layout for the peers, and two copies of the
    handbook with `[build] minify = "full"` and `false` (hard links; only book.toml differs);
  * --runs rounds, each building once with every tool in turn (tenet as configured by default,
    with minify "full", with minify off, Zola, Hugo), clean, into /dev/shm (the output removed
    untimed before each build);
  * per build: wall seconds, CPU seconds (user + system, of the child and its threads) and peak
    RSS (both from wait4), the output's bytes and its largest file;
  * one more tenet build with --timings, for the stages.

Printed: per size and tool the median wall, CPU and the peak RSS over the rounds, output bytes,
the largest file; tenet / Zola per round (wall and CPU; median, min, max); each minify setting
against the default (time and bytes); the stage timings; and, between sizes, time and memory
ratios.

Zola: `--zola PATH`, else bench/out/peers/zola-src/target/release/zola, else `zola` on PATH.
Without one, the script says how to build it and carries on with tenet alone.

The `minify = "full"` builds need a binary built with `--features full-minify` (without it they
warn and come out compact).

Stdlib only.  python3 bench/speed.py --help
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the corpus generation and decoration are run.py's)

REPO = run.REPO
TMPFS = Path("/dev/shm")
ZOLA_BUILT = REPO / "bench" / "out" / "peers" / "zola-src" / "target" / "release" / "zola"
ZOLA_HOWTO = """no Zola found. Build 0.22.1 from source into the git-ignored bench/out/peers/:
    git clone https://github.com/getzola/zola bench/out/peers/zola-src
    cd bench/out/peers/zola-src && git checkout v0.22.1 && cargo build --release --locked
(about 8 minutes on 2 cores), or pass --zola PATH."""


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def measure(cmd: list[str]) -> dict:
    """Runs cmd; -> wall s, cpu s, peak RSS MiB, exit code, stderr."""
    err_path = TMPFS / f"tenet-speed-stderr-{os.getpid()}" if TMPFS.is_dir() else None
    with open(err_path, "w+b") if err_path else open(os.devnull, "w+b") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if err_path:
        err_path.unlink(missing_ok=True)
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss": ru.ru_maxrss / 1024.0,
            "code": os.waitstatus_to_exitcode(status), "stderr": stderr}


def tree_bytes(root: Path) -> tuple[int, int, str]:
    """-> (total bytes, largest file's bytes, its path under root)."""
    total, largest, where = 0, 0, ""
    for dirpath, _, files in os.walk(root):
        for f in files:
            size = os.lstat(os.path.join(dirpath, f)).st_size
            total += size
            if size > largest:
                largest, where = size, os.path.relpath(os.path.join(dirpath, f), root)
    return total, largest, where


def remove(out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)


def minify_copy(handbook: Path, value: str, name: str) -> Path:
    """The handbook with `[build] minify = <value>`: content hard-linked, book.toml its own."""
    copy = handbook.with_name(f"{handbook.name}-{name}")
    stamp = copy.with_name(copy.name + ".stamp")
    made = handbook.with_name(handbook.name + ".stamp")
    key = run.read_stamp(made) or ""
    if stamp.exists() and stamp.read_text() == key:
        return copy
    remove(copy)
    subprocess.run(["cp", "-al", str(handbook), str(copy)], check=True)
    toml = (handbook / "book.toml").read_text()
    (copy / "book.toml").unlink()  # a hard link: replace, do not edit
    if "[build]" in toml:
        toml = toml.replace("[build]", f"[build]\nminify = {value}", 1)
    else:
        toml += f"\n[build]\nminify = {value}\n"
    (copy / "book.toml").write_text(toml)
    stamp.write_text(key)
    return copy


def stage_timings(binary: Path, handbook: Path, out: Path) -> dict[str, float]:
    remove(out)
    r = subprocess.run([str(binary), "build", str(handbook), "--out", str(out), "--timings"],
                       capture_output=True, text=True)
    remove(out)
    stages = {}
    for line in r.stderr.splitlines() + r.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "ms":
            try:
                stages[parts[0]] = float(parts[1])
            except ValueError:
                pass
    return stages


def spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):.3f} ({min(xs):.3f}-{max(xs):.3f})"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="tenet against Zola (and Hugo), in turn, on tmpfs.")
    ap.add_argument("--sizes", default="1000,10000", help="comma-separated page counts")
    ap.add_argument("--runs", type=int, default=3, help="rounds per size (median of these)")
    ap.add_argument("--bin", type=Path, default=REPO / "target" / "release" / "tenet")
    ap.add_argument("--zola", type=Path, help="the Zola binary (default: built or on PATH)")
    ap.add_argument("--work", type=Path, default=REPO / "bench" / "out")
    ap.add_argument("--gen", type=Path, default=REPO.parent / "shared" / "bench" / "gen_corpus.py")
    ap.add_argument("--no-minify-pair", action="store_true",
                    help="skip the builds with minify = \"full\" and false")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",") if s.strip()]
    binary = a.bin.absolute()
    if not binary.is_file():
        print(f"{binary} not found: run cargo build --release first")
        return 2
    zola = a.zola or (ZOLA_BUILT if ZOLA_BUILT.is_file() else None) or (
        Path(shutil.which("zola")) if shutil.which("zola") else None)
    if zola is None:
        log(ZOLA_HOWTO)
    hugo = shutil.which("hugo")
    if not TMPFS.is_dir():
        print("/dev/shm is needed (the outputs go on tmpfs)")
        return 2
    work = a.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    gen_sha = run.sha256_file(a.gen)
    script_sha = run.sha256_file(Path(run.__file__))
    version = subprocess.run([str(binary), "--version"], capture_output=True,
                             text=True).stdout.strip()
    zola_version = (subprocess.run([str(zola), "--version"], capture_output=True, text=True)
                    .stdout.strip() if zola else None)
    results = {"tenet": version, "zola": zola_version, "hugo": hugo, "runs": a.runs,
               "nproc": len(os.sched_getaffinity(0)), "sizes": []}

    for n in sizes:
        log(f"N={n}: preparing")
        corpus, handbook = work / f"corpus-{n}", work / f"handbook-{n}"
        run.generate_corpus(a.gen, gen_sha, n, "plain", corpus)
        run.prepare_handbook(corpus, handbook, n, f"{gen_sha} {script_sha} {n}")
        tools: dict[str, list[str] | None] = {}
        out = {t: TMPFS / f"tenet-speed-{t}-{n}"
               for t in ("tenet", "minify-full", "minify-off", "zola", "hugo")}
        tools["tenet"] = [str(binary), "build", str(handbook), "--out", str(out["tenet"]),
                          "--quiet"]
        if not a.no_minify_pair:
            for name, value in (("minify-full", '"full"'), ("minify-off", "false")):
                copy = minify_copy(handbook, value, name)
                tools[name] = [str(binary), "build", str(copy), "--out", str(out[name]),
                               "--quiet"]
        if zola:
            src = work / f"zola-corpus-{n}"
            run.generate_corpus(a.gen, gen_sha, n, "zola", src)
            tools["zola"] = [str(zola), "--root", str(src), "build", "--output-dir",
                             str(out["zola"])]
        if hugo:
            src = work / f"hugo-corpus-{n}"
            run.generate_corpus(a.gen, gen_sha, n, "hugo", src)
            tools["hugo"] = [hugo, "--source", str(src), "--destination", str(out["hugo"]),
                             "--quiet"]
        rounds: dict[str, list[dict]] = {t: [] for t in tools}
        for r in range(a.runs):
            for tool, cmd in tools.items():
                remove(out[tool])
                m = measure(cmd)
                if m["code"] != 0:
                    print(f"{tool} N={n} failed (exit {m['code']}):\n{run.first_lines(m['stderr'])}")
                    return 1
                m["bytes"], m["largest"], m["largest_file"] = tree_bytes(out[tool])
                del m["stderr"]
                rounds[tool].append(m)
                remove(out[tool])
                log(f"  round {r + 1}/{a.runs} {tool:<10} {m['wall']:.3f}s wall "
                    f"{m['cpu']:.3f}s CPU {m['rss']:.0f} MiB")
        stages = stage_timings(binary, handbook, out["tenet"])
        results["sizes"].append({"n": n, "rounds": rounds, "stages": stages})

    report(results)
    if a.json:
        a.json.write_text(json.dumps(results, indent=2) + "\n")
        log(f"wrote {a.json}")
    return 0


def report(results: dict) -> None:
    print(f"tenet: {results['tenet']}   zola: {results['zola'] or '-'}   hugo: "
          f"{results['hugo'] or '-'}   nproc: {results['nproc']}   rounds: {results['runs']}")
    print("(output on tmpfs; wall and CPU: median (min-max) seconds; RSS: peak MiB over the rounds)")
    for e in results["sizes"]:
        n, rounds = e["n"], e["rounds"]
        print(f"\nN = {n}")
        print(f"  {'tool':<11} {'wall s':>22} {'CPU s':>22} {'RSS MiB':>8} {'output MB':>10} "
              f"{'largest MB':>11}")
        for tool, ms in rounds.items():
            largest = max(ms, key=lambda m: m["largest"])
            print(f"  {tool:<11} {spread([m['wall'] for m in ms]):>22} "
                  f"{spread([m['cpu'] for m in ms]):>22} {max(m['rss'] for m in ms):>8.0f} "
                  f"{ms[-1]['bytes'] / 1e6:>10.1f} {largest['largest'] / 1e6:>11.1f}  "
                  f"({largest['largest_file']})")
        if "zola" in rounds:
            for what in ("wall", "cpu"):
                ratios = [t[what] / z[what] for t, z in zip(rounds["tenet"], rounds["zola"])]
                print(f"  tenet / zola, {what} per round: median x{statistics.median(ratios):.2f} "
                      f"(x{min(ratios):.2f}-x{max(ratios):.2f})")
        for name, label in (("minify-full", '"full"'), ("minify-off", "false")):
            if name not in rounds:
                continue
            ratios = [o["wall"] / t["wall"] for t, o in zip(rounds["tenet"], rounds[name])]
            on, other = rounds["tenet"][-1]["bytes"], rounds[name][-1]["bytes"]
            print(f"  minify = {label} / the default (true): wall x{statistics.median(ratios):.2f} "
                  f"per round; output {other:,} vs {on:,} bytes ({100 * (other - on) / on:+.1f}%)")
        if e["stages"]:
            print("  stages (one build with --timings): " + ", ".join(
                f"{k} {v:.0f} ms" for k, v in e["stages"].items()))
    sz = results["sizes"]
    for prev, cur in zip(sz, sz[1:]):
        for tool in cur["rounds"]:
            if tool not in prev["rounds"]:
                continue
            t0 = statistics.median(m["wall"] for m in prev["rounds"][tool])
            t1 = statistics.median(m["wall"] for m in cur["rounds"][tool])
            r0 = max(m["rss"] for m in prev["rounds"][tool])
            r1 = max(m["rss"] for m in cur["rounds"][tool])
            print(f"{tool}: N {prev['n']} -> {cur['n']} (pages x{cur['n'] / prev['n']:.0f}): "
                  f"time x{t1 / t0:.2f}, peak RSS x{r1 / r0:.2f}")


if __name__ == "__main__":
    sys.exit(main())
