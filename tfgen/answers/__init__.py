"""The answers model (what a stack is) and the ways into it: a file, `--set`, the wizard."""

from tfgen.answers.load import apply_overrides, build_answers, defaults_data, load_answers_file
from tfgen.answers.model import Answers, Service

__all__ = ["Answers", "Service", "apply_overrides", "build_answers", "defaults_data", "load_answers_file"]
