"""`python -m tfgen` runs the same command line as the `tfgen` script."""

from tfgen.cli import run

run()
