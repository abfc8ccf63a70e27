"""Mutation-test the core's physics/ and engine/ with mutmut and print the kill rate (`make mutation`).

Runs ``mutmut run "explorer.core.<package>*"`` for each package (niced, each bounded in wall time),
then reads mutmut's results under ``mutants/`` and prints, per package: mutants, killed (a timeout
counts as killed), survived, with no covering test, not reached before the time bound, the survivors
judged equivalent (listed with reasons in ``benchmarks/mutation_notes.md``), and

    kill rate = killed / (mutants − equivalent)      and      killed / (covered − equivalent)

where covered leaves out mutants no selected test runs. The test selection is ``[tool.mutmut]`` in
pyproject.toml. Slow: about 15 min for physics and 35 min for engine on two busy cores.

    .venv/bin/python benchmarks/mutation.py                  # run both, then print
    .venv/bin/python benchmarks/mutation.py --report         # print the last run's figures only
    .venv/bin/python benchmarks/mutation.py engine --minutes 20
    .venv/bin/python benchmarks/mutation.py --survivors      # also list surviving mutants not judged equivalent
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT / "benchmarks" / "mutation_notes.md"
PACKAGES = ("physics", "engine")
KILLED = {"killed", "timeout", "caught by type check", "segfault"}


def status_of(code) -> str:
    from mutmut.stats import status_by_exit_code  # mutmut's own reading of a worker's exit code

    return status_by_exit_code[code]


def equivalent_names() -> set[str]:
    """Mutant names the notes judge equivalent (backticked names in the '## Equivalent …' section,
    its subsections included)."""
    if not NOTES.exists():
        return set()
    out: set[str] = set()
    inside = False
    for line in NOTES.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            inside = line.lower().startswith("## equivalent")
        elif inside:
            out.update(re.findall(r"`(explorer\.core\.[\w.]+__mutmut_\d+)`", line))
    return out


def run(package: str, minutes: float, children: int) -> int:
    mutmut = Path(sys.executable).parent / "mutmut"
    cmd = ["nice", "-n", "10", str(mutmut), "run", "--max-children", str(children), f"explorer.core.{package}*"]
    log = ROOT / "mutants" / f"mutmut-run-{package}.log"
    log.parent.mkdir(exist_ok=True)
    print(f"== {' '.join(cmd[3:])} (at most {minutes:g} min; progress in {log.relative_to(ROOT)})", flush=True)
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        return proc.wait(timeout=minutes * 60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: mutmut and the workers it forked
        proc.wait()
        print(f"   stopped at the {minutes:g}-minute bound; mutants not reached count as 'not checked'")
        return 124


def results(package: str) -> dict[str, str]:
    out = {}
    for meta in sorted((ROOT / "mutants" / "explorer" / "core" / package).glob("*.py.meta")):
        for name, code in json.loads(meta.read_text())["exit_code_by_key"].items():
            out[name] = status_of(code)
    return out


def report(package: str, equivalent: set[str], survivors: bool) -> None:
    res = results(package)
    if not res:
        print(f"{package}: no mutmut results under mutants/ (run without --report first)")
        return
    count = Counter(res.values())
    killed = sum(count[s] for s in KILLED)
    equiv = sum(1 for n, st in res.items() if n in equivalent and st == "survived")
    total, no_tests, unchecked = len(res), count["no tests"], count["not checked"]
    covered = total - no_tests - unchecked
    print(f"{package}: {total} mutants, {killed} killed ({count['timeout']} by timeout), {count['survived']} survived "
          f"({equiv} judged equivalent), {no_tests} with no covering test, {unchecked} not checked")
    print(f"   kill rate {killed}/({total}−{equiv}) = {killed / max(total - equiv, 1):.1%} of all mutants; "
          f"{killed}/({covered}−{equiv}) = {killed / max(covered - equiv, 1):.1%} of covered ones")
    per_file = Counter(n.split(".")[3] for n, st in res.items() if st == "survived" and n not in equivalent)
    if per_file:
        print("   survivors not judged equivalent, by module: "
              + ", ".join(f"{k} {v}" for k, v in per_file.most_common()))
    if survivors:
        for n, st in sorted(res.items()):
            if st == "survived" and n not in equivalent:
                print(f"      {n}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("packages", nargs="*", help=f"any of {', '.join(PACKAGES)} (default: both)")
    ap.add_argument("--report", action="store_true", help="only print the last run's figures")
    ap.add_argument("--minutes", type=float, default=45.0, help="wall-time bound of each package's run")
    ap.add_argument("--children", type=int, default=2, help="mutmut workers (default 2)")
    ap.add_argument("--survivors", action="store_true", help="list the survivors not judged equivalent")
    args = ap.parse_args()
    packages = args.packages or list(PACKAGES)
    if set(packages) - set(PACKAGES):
        ap.error(f"packages: choose from {', '.join(PACKAGES)}")
    if not args.report:
        for p in packages:
            run(p, args.minutes, args.children)
    equivalent = equivalent_names()
    for p in packages:
        report(p, equivalent, args.survivors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
