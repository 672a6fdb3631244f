"""How long `tfgen new OUTDIR` takes to put its first question on a terminal.

Runs `python -m tfgen new` in a pseudo-terminal, as a person would, and times from the start of
the process to "Stack name?" appearing on the screen; repeats and prints the median, fastest and
slowest. The target is 0.5 s. With `--imports`, also prints the ten slowest imports of one start
(from `python -X importtime`), which is where a slow start comes from.

    python benchmarks/wizard_start.py [--runs 7] [--imports]
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import resource
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUESTION = b"Stack name?"
TARGET = 0.5


def first_question(extra: list[str] = (), timeout: float = 30.0) -> tuple[float, float, bytes]:
    """Seconds from spawning `tfgen new` in a pty to its first question, the CPU seconds the
    process used in all (the start, then leaving on Ctrl-C: on a busy machine the figure that
    does not grow with the load), and its stderr."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=str(REPO), COLUMNS="120", LINES="50")
    with tempfile.TemporaryDirectory(prefix="tfgen-wizard-start-") as scratch:
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, *extra, "-m", "tfgen", "new", str(Path(scratch) / "stack")],
            stdin=slave, stdout=slave, stderr=subprocess.PIPE, env=env, cwd=REPO, start_new_session=True,
        )
        os.close(slave)
        seen = b""
        try:
            while QUESTION not in seen:
                if time.perf_counter() - start > timeout:
                    raise SystemExit(f"no question after {timeout:g} s; the screen so far:\n{seen.decode(errors='replace')}")
                ready, _, _ = select.select([master], [], [], 0.05)
                if ready:
                    try:
                        seen += os.read(master, 65536)
                    except OSError:
                        break
            elapsed = time.perf_counter() - start
        finally:
            child.send_signal(signal.SIGINT)
            try:
                _, err = child.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                _, err = child.communicate()
            os.close(master)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu, err


def slowest_imports(count: int = 10) -> list[tuple[int, str]]:
    _, _, err = first_question(["-X", "importtime"])
    rows = []
    for line in err.decode(errors="replace").splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \| (.*)", line)
        if match:
            rows.append((int(match.group(1)), match.group(2).rstrip()))
    return sorted(rows, reverse=True)[:count]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--imports", action="store_true", help="also list the slowest imports of one start")
    args = parser.parse_args()
    first_question()  # warm the file cache and the .pyc files: a person's second run, not an install
    runs = [first_question() for _ in range(args.runs)]
    times = [wall for wall, _, _ in runs]
    median = statistics.median(times)
    print(f"tfgen new: first question after {median:.3f} s (median of {args.runs}; fastest {min(times):.3f} s, slowest {max(times):.3f} s)")
    print(f"CPU time of the process: {statistics.median(cpu for _, cpu, _ in runs):.3f} s (median)")
    print(f"target {TARGET} s: {'met' if median <= TARGET else 'MISSED'} (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    if args.imports:
        print("slowest imports of one start (cumulative microseconds):")
        for micros, name in slowest_imports():
            print(f"  {micros:>9}  {name}")


if __name__ == "__main__":
    main()
