"""A longer fuzz run of the answers loader than the test suite makes.

Runs the property tests of tests/test_answers_file.py (random answers text, `--set` values, data
of any shape and combinations of sizes; the alias bomb among the fragments; text under an
address-space cap) with many more examples, and prints how many ran, how long it took and
whether any failed:

  python benchmarks/fuzz_answers.py [--examples 20000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20000, help="examples per property (default 20000)")
    args = parser.parse_args()
    env = {**os.environ, "TFGEN_FUZZ_EXAMPLES": str(args.examples)}
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_answers_file.py", "-k", "any_",
         "--hypothesis-show-statistics"],
        cwd=REPO, env=env, capture_output=True, text=True,
    )
    elapsed = time.perf_counter() - started
    print(result.stdout[-4000:])
    print(f"answers fuzz: 4 properties x {args.examples} examples in {elapsed:.1f} s: "
          f"{'no failure' if result.returncode == 0 else 'FAILED (see above)'}")
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
