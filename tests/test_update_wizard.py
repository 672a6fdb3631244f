"""`tfgen update` with a terminal and no options: the wizard starts from the saved answers."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

import pexpect

from faults import tfgen

REPO = Path(__file__).resolve().parent.parent
CLEAR = "\x15"  # Ctrl-U: empty the line (harmless: text prompts start empty, the saved answer shown in brackets)


def test_wizard_keeps_saved_answers_on_enter_and_applies_a_change(tmp_path):
    stack = tmp_path / "stack"
    assert tfgen("new", str(stack), "--defaults", "--set", "services[0].cpu=512", "--set", "services[0].memory=1024").returncode == 0
    with (stack / "main.tf").open("a") as f:
        f.write("\n# ours\n")
    transcript = io.StringIO()
    child = pexpect.spawn(
        sys.executable, ["-m", "tfgen", "update", str(stack)],
        env=dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=str(REPO)),
        cwd=str(REPO), dimensions=(50, 120), encoding="utf-8", timeout=30,
    )
    child.logfile_read = transcript
    child.expect_exact("Starting from the answers saved in")
    child.expect_exact("Stack name?")
    child.send("\r")
    child.expect_exact("Environment?")
    child.send(CLEAR + "prod\r")
    # Every other question: Enter keeps the saved answer.
    while child.expect_exact(["What do you want to do?", "? "]) == 1:
        child.send("\r")
    child.send("\r")  # the end menu's first choice: write the stack
    child.expect(pexpect.EOF)
    child.close()
    output = transcript.getvalue()
    assert child.exitstatus == 0, output
    assert "every resource is renamed" in output and "tfgen plan" in output
    saved = (stack / ".tfgen-answers.yaml").read_text()
    assert "environment: prod" in saved and "cpu: 512" in saved and "memory: 1024" in saved
    assert re.search(r'^environment += "prod"$', (stack / "terraform.tfvars").read_text(), re.M)
    assert (stack / "main.tf").read_text().endswith("\n# ours\n")
