"""Every error tfgen raises on purpose, and the exit code each maps to.

The command line catches `TfgenError` in one place (tfgen.cli) and prints its message; a user
never sees a traceback for bad input.
"""

from __future__ import annotations


class TfgenError(Exception):
    """Root of tfgen's own errors. `exit_code` is what the process exits with."""

    exit_code = 2


class InputError(TfgenError):
    """Input could not be read or is invalid: bad option, missing path, unparsable file (exit 2)."""

    exit_code = 2


class AnswersError(InputError):
    """The answers (file, --set or wizard) failed validation. Carries every problem found."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid answers:\n" + "\n".join(f"  - {p}" for p in problems))


class ClobberError(TfgenError):
    """`tfgen new` would overwrite files that differ from what it renders (exit 1, nothing written)."""

    exit_code = 1

    def __init__(self, paths: list[str], advice: str = "use --force to overwrite them"):
        self.paths = paths
        listed = "\n".join(f"  {p}" for p in paths)
        super().__init__(
            f"refusing to overwrite {len(paths)} file(s) that differ from what tfgen would write:\n"
            f"{listed}\nnothing was written; {advice}"
        )


class BusyError(TfgenError):
    """Another tfgen holds the lock on the stack folder (exit 1, nothing written)."""

    exit_code = 1


class ConflictError(TfgenError):
    """`tfgen update` wrote merge conflicts, or refuses files that still hold conflict markers."""

    exit_code = 1


class TerraformError(TfgenError):
    """Terraform itself failed or is missing (exit 2); its own output has already been shown."""

    exit_code = 2
