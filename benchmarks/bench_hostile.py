#!/usr/bin/env python3
"""Benchmark: hostile inputs are rejected fast and in bounded memory; clean estates stay fast.

    python benchmarks/bench_hostile.py                     # hostile cases + Phú Thọ validation
    python benchmarks/bench_hostile.py --baseline main     # also Phú Thọ with another revision

Every case runs in a fresh process; the table gives the time the read took inside the process,
the wall time of the process (interpreter start included), its peak RSS (from wait4) and what
the reader said. Inputs are generated into a temporary directory: an alias bomb (9 levels of 9
aliases), a 10,000-deep document, a 200 MB file, /dev/zero as a secret file and a 200 MB
JSONL line. Targets: each rejected in under 2 s with under 200 MB peak; validation of Phú Thọ
no slower than before the safe reader (0.22 s in-process on a quiet machine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LAB = REPO / "inventories" / "lab"
PHUTHO = REPO / "inventories" / "phutho"
BIG = 200 * 1024 * 1024

CHILD = r"""
import sys, time
from pathlib import Path
from capdo.compliance.registers import load_waivers
from capdo.compliance.results import iter_results_jsonl
from capdo.compliance.yaml_source import DataFileError
from capdo.inventory.model import SecretRef
from capdo.inventory.validate import load_estate
from capdo.secrets import SecretError, resolve
case, path = sys.argv[1], Path(sys.argv[2])
start = time.perf_counter()  # imports done: only the reading is timed
if case == "estate":
    result = load_estate(path)
    said = ",".join(sorted({f.rule for f in result.findings})) or "ok"
elif case == "register":
    try:
        load_waivers(path, path.parent)
        said = "ok"
    except DataFileError as error:
        said = ",".join(sorted({p.problem.key for p in error.problems}))
elif case == "jsonl":
    keys = {i.problem.key for i in iter_results_jsonl(path) if hasattr(i, "problem")}
    said = ",".join(sorted(keys)) or "ok"
elif case == "secret":
    try:
        resolve(SecretRef(file=str(path)), environ={})
        said = "ok"
    except SecretError as error:
        said = error.key
else:
    raise SystemExit(f"unknown case {case}")
print(f"{time.perf_counter() - start:.4f} {said}")
"""

PHUTHO_CHILD = r"""
import sys, time
from pathlib import Path
from capdo.inventory.validate import load_estate
root = Path(sys.argv[1])
load_estate(root)
best = min((lambda s: (load_estate(root), time.perf_counter() - s)[1])(time.perf_counter())
           for _ in range(int(sys.argv[2])))
print(f"{best:.4f} ok")
"""


def run_child(
    code: str, args: list[str], pythonpath: str | None = None
) -> tuple[float, float, float, str]:
    """(seconds inside, wall seconds, peak RSS MiB, what the reader said) of one process; the
    peak is this child's own (``wait4``), not the largest of all children so far."""
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=REPO,
    )
    assert proc.stdout is not None
    assert proc.stderr is not None
    out, err = proc.stdout.read(), proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"child failed: {err.decode()[-2000:]}")
    inside, said = out.decode().split(maxsplit=1)
    return float(inside), wall, usage.ru_maxrss / 1024, said.strip()


def alias_bomb() -> str:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join(f"*a{level - 1}" for _ in range(9))
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def deep(depth: int) -> str:
    """A block sequence nested ``depth`` deep on one line (``- - - ... x``)."""
    return "- " * depth + "x\n"


def big_file(path: Path, size: int, line: bytes) -> None:
    with path.open("wb") as out:
        block = line * (1 << 20 // len(line))
        written = 0
        while written < size:
            out.write(block)
            written += len(block)


def estate_with(work: Path, name: str, file: str, text: str | None = None) -> Path:
    estate = work / name
    shutil.copytree(LAB, estate)
    if text is not None:
        (estate / file).write_text(text, encoding="utf-8")
    return estate


def cases(work: Path) -> list[tuple[str, str, list[str]]]:
    bomb, deep_doc = alias_bomb(), deep(10_000)
    flow_deep = "[" * 10_000 + "]" * 10_000 + "\n"
    big_estate = estate_with(work, "big", "servers.yml")
    big_file(big_estate / "servers.yml", BIG, b"- {name: s, site: x}\n")
    big_jsonl = work / "big.jsonl"
    big_file(big_jsonl, BIG, b"a")  # one 200 MB line, no newline
    return [
        ("alias bomb, estate file", "estate", [str(estate_with(work, "b1", "servers.yml", bomb))]),
        ("alias bomb, waivers", "register", [str(_file(work / "w1.yml", bomb))]),
        ("10k-deep block, estate", "estate", [str(estate_with(work, "d1", "links.yml", deep_doc))]),
        ("10k-deep flow, waivers", "register", [str(_file(work / "w2.yml", flow_deep))]),
        ("200 MB estate file", "estate", [str(big_estate)]),
        ("200 MB JSONL line", "jsonl", [str(big_jsonl)]),
        ("/dev/zero secret file", "secret", ["/dev/zero"]),
    ]


def _file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def baseline_src(revision: str, work: Path) -> str:
    target = work / "baseline"
    target.mkdir()
    archive = subprocess.run(
        ["git", "archive", revision, "src"], cwd=REPO, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return str(target / "src")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="git revision to time Phú Thọ validation against")
    parser.add_argument("--repeat", type=int, default=15, help="Phú Thọ runs (best kept)")
    args = parser.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'case':<28} {'inside s':>9} {'wall s':>7} {'peak MiB':>9}  reader said")
    with tempfile.TemporaryDirectory(prefix="capdo-bench-hostile-") as tmp:
        work = Path(tmp)
        worst_time = worst_peak = 0.0
        for title, case, argv in cases(work):
            inside, wall, peak, said = run_child(CHILD, [case, *argv])
            worst_time, worst_peak = max(worst_time, inside), max(worst_peak, peak)
            print(f"{title:<28} {inside:>9.3f} {wall:>7.2f} {peak:>9.1f}  {said}")
        runs = [("Phú Thọ validate (this)", None)]
        if args.baseline:
            runs.append((f"Phú Thọ validate ({args.baseline})", baseline_src(args.baseline, work)))
        for title, path in runs:
            inside, wall, peak, said = run_child(
                PHUTHO_CHILD, [str(PHUTHO), str(args.repeat)], pythonpath=path
            )
            print(f"{title:<28} {inside:>9.3f} {wall:>7.2f} {peak:>9.1f}  {said}")
    verdict = "met" if worst_time < 2 and worst_peak < 200 else "NOT met"
    print(
        f"hostile cases: slowest {worst_time:.3f} s, largest peak {worst_peak:.1f} MiB: {verdict}"
    )


if __name__ == "__main__":
    main()
