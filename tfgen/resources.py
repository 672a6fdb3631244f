"""Where the root-module templates, the Terraform modules and the docs are, installed or in a checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder holding `templates/`, `modules/` and `docs/`.

    A wheel puts them in `tfgen/_data/`; a source checkout (and an editable install) has them at
    the repository's top level, beside the package.
    """
    for candidate in (_PACKAGE / "_data", _PACKAGE.parent):
        if (candidate / "templates").is_dir() and (candidate / "modules").is_dir():
            return candidate
    raise FileNotFoundError(f"tfgen's templates and modules are missing beside {_PACKAGE}; reinstall tfgen")


def templates_dir() -> Path:
    return data_root() / "templates"


def modules_dir() -> Path:
    return data_root() / "modules"


def docs_dir() -> Path:
    return data_root() / "docs"
