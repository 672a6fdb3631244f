"""The long fuzz run of the checker: the properties of tests/hardening/properties.py with as many
examples as asked, random each run (not part of `pytest`: this file is not named test_*.py).

    python tests/fuzz/fuzz_check.py                       # 200 examples of each property
    python tests/fuzz/fuzz_check.py --examples 3000 --only hcl plan
    python tests/fuzz/fuzz_check.py --seed 7              # reproduce a run

Properties: render (free text through tfgen's renderer, read back exactly), hcl (mutated .tf
files), expr (random expressions of Terraform's functions, loops and templates), plan (mutated plan JSON), rules (wrong-typed model values). Each command-line example
runs tfgen in a subprocess under a memory limit and a time limit. A failure prints the smallest
example hypothesis found and exits 1; no example database is kept.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/, for `hardening`

from hardening import properties as P  # noqa: E402

PROPERTIES = {
    "render": (lambda tmp, environment_value: P.check_reads_rendered_free_text(tmp, environment_value), {"environment_value": P.free_text}),
    "hcl": (lambda tmp, case: P.check_mutated_hcl(tmp, case), {"case": P.mutated_text()}),
    "expr": (lambda tmp, text: P.check_expression_module(tmp, text), {"text": P.expression_module()}),
    "plan": (lambda tmp, text: P.check_mutated_plan(tmp, text), {"text": P.mutated_plan()}),
    "rules": (lambda tmp, choices: P.check_rules_on_wrong_types(choices), {"choices": P.wrong_typed_choices}),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=200, help="examples of each property (default 200)")
    parser.add_argument("--only", nargs="+", choices=sorted(PROPERTIES), help="run only these properties")
    parser.add_argument("--seed", type=int, help="hypothesis seed, to reproduce a run")
    args = parser.parse_args(argv)
    failed = []
    for name in args.only or list(PROPERTIES):
        check, strategies = PROPERTIES[name]
        with tempfile.TemporaryDirectory(prefix=f"tfgen-fuzz-{name}-") as folder:
            tmp = Path(folder)

            def run(**drawn):
                check(tmp, **drawn)

            test = settings(max_examples=args.examples, deadline=None, database=None, suppress_health_check=list(HealthCheck))(given(**strategies)(run))
            if args.seed is not None:
                test = seed(args.seed)(test)
            started = time.monotonic()
            try:
                test()
            except Exception as err:  # noqa: BLE001 - report every property, then fail
                failed.append(name)
                print(f"{name}: FAILED: {type(err).__name__}: {err}", file=sys.stderr)
            else:
                print(f"{name}: {args.examples} examples passed in {time.monotonic() - started:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
