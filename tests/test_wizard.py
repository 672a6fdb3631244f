"""The wizard behind `tfgen new OUTDIR`: the real command in a pseudo-terminal, and the question
flow with a scripted prompter.

The pty tests drive `python -m tfgen new` exactly as a person would (arrow keys, Enter, y/n,
Ctrl-C) and judge the result on disk: `.tfgen-answers.yaml` must hold what was answered.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path
from typing import Any

import pexpect
import pytest
import yaml

from tfgen import fargate
from tfgen.answers import build_answers
from tfgen.answers.model import DEFAULT_IMAGE, Answers, field_problem
from tfgen.errors import AnswersError
from tfgen.wizard import keys, run_wizard
from tfgen.wizard.questions import SECTIONS, Ctx, Gate, Group, Repeat, _cpu_choices, _memory_choices

REPO = Path(__file__).resolve().parent.parent
DOWN = "\x1b[B"


# --- the real command in a pseudo-terminal ----------------------------------------------------


class Terminal:
    """`tfgen new OUTDIR ...` in a pty, with helpers that wait for a question before answering."""

    def __init__(self, out: Path, *args: str):
        env = dict(os.environ, TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", PYTHONPATH=str(REPO))
        self.transcript = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "tfgen", "new", str(out), *args],
            env=env,
            cwd=str(REPO),
            dimensions=(50, 120),
            encoding="utf-8",
            timeout=20,
        )
        self.child.logfile_read = self.transcript

    def wait(self, text: str) -> None:
        self.child.expect_exact(text)

    def text(self, question: str, value: str | None = None) -> None:
        """Answer a text question as a person types: `value`, then Enter; None: Enter alone (the default)."""
        self.wait(question)
        self.child.send((value or "") + "\r")

    def confirm(self, question: str, yes: bool) -> None:
        self.wait(question)
        self.child.send("y" if yes else "n")

    def select(self, question: str, down: int = 0) -> None:
        self.wait(question)
        self.child.send(DOWN * down + "\r")

    def finish(self) -> int:
        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.child.exitstatus

    @property
    def output(self) -> str:
        return self.transcript.getvalue()


def answers_on_disk(out: Path) -> dict[str, Any]:
    """The saved answers, without the tfgen version saved beside them as provenance."""
    saved = yaml.safe_load((out / ".tfgen-answers.yaml").read_text())
    saved.pop("tfgen_version", None)
    return saved


def check_json(folder: Path, *args: str) -> dict[str, Any]:
    import json
    import subprocess

    run = subprocess.run(
        [sys.executable, "-m", "tfgen", "check", str(folder), "--format", "json", *args],
        capture_output=True, text=True, cwd=REPO, timeout=120, env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_fargate_alb_efs_two_services_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    t.text("Stack name?", "shop")
    t.text("Environment?", "prod")
    t.text("AWS region?", "eu-west-1")
    t.text("Tags for every resource?", "team=shop, cost-center=42")
    t.confirm("Do you want to manage servers yourself?", False)
    t.confirm("Do tasks share data", True)
    # Service 1: web, 0.5 vCPU / 2 GiB, autoscaling 2-6, an S3 grant, EFS at /data
    t.select("What kind of service?")  # web, the first choice
    t.text("Service name?", "web")
    t.text("Container image?")
    t.select("CPU per task?", down=1)  # 0.5 vCPU
    t.select("Memory per task?", down=1)  # 2 GiB
    t.text("Port the container listens on?", "8080")
    t.text("Which request paths go to it?")  # /*
    t.text("Health check path?", "/health")
    t.confirm("Scale the number of tasks with CPU load?", True)
    t.text("Fewest tasks?", "2")
    t.text("Most tasks?", "6")
    t.text("Target average CPU, in percent?", "70")
    t.text("How many tasks to start with?", "3")
    t.text("Mount the shared file system at?", "/data")
    t.confirm("Mount it read-only?", False)
    t.confirm("More options for web?", True)
    t.confirm("Reachable by the stack's other services by name", False)
    t.select("CPU architecture?", down=1)  # arm64 on Fargate
    t.confirm("Run part of the tasks on Fargate Spot?", False)
    t.confirm("Allow ECS Exec", False)
    t.text("Command?")
    t.text("Environment variables?", "LOG_LEVEL=info, GREETING=hello, world")
    t.text("Secrets?", "DB_PASSWORD=arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-db-AbCdEf")
    t.confirm("Does web publish messages to topics", False)
    t.confirm("Does web read or write S3 buckets?", True)
    t.text("Bucket name?", "shop-assets")
    t.select("Access to it?", down=1)  # read and write
    t.confirm("Another S3 bucket?", False)
    t.confirm("Does web read or write DynamoDB tables?", False)
    t.confirm("Extra containers in its task", False)
    t.confirm("Add another service?", True)
    # Service 2: api, default size, a DynamoDB table, EFS read-only
    t.select("What kind of service?")  # web
    t.text("Service name?", "api")
    t.text("Container image?", "public.ecr.aws/docker/library/httpd:2.4")
    t.select("CPU per task?")
    t.select("Memory per task?")
    t.text("Port the container listens on?")
    t.text("Which request paths go to it?")  # suggested /api/*
    t.text("Health check path?")
    t.confirm("Scale the number of tasks with CPU load?", False)
    t.text("How many tasks should run?", "2")
    t.text("Mount the shared file system at?", "/data")
    t.confirm("Mount it read-only?", True)
    t.confirm("More options for api?", True)
    t.confirm("Reachable by the stack's other services by name", False)
    t.select("CPU architecture?")
    t.confirm("Run part of the tasks on Fargate Spot?", False)
    t.confirm("Allow ECS Exec", False)
    t.text("Command?")
    t.text("Environment variables?")
    t.text("Secrets?")
    t.confirm("Does api publish messages to topics", False)
    t.confirm("Does api read or write S3 buckets?", False)
    t.confirm("Does api read or write DynamoDB tables?", True)
    t.text("Table name?", "orders")
    t.select("Access to it?")  # read only
    t.confirm("Another DynamoDB table?", False)
    t.confirm("Extra containers in its task", False)
    t.confirm("Add another service?", False)
    # The load balancers follow the kinds: two web services, so the ALB's questions.
    t.confirm("Internal only", False)
    t.text("ACM certificate ARN for HTTPS?")
    t.select("Which network?")  # a new VPC
    t.text("VPC address range (CIDR)?", "10.20.0.0/16")
    t.text("Availability zones?")  # eu-west-1a, eu-west-1b from the region
    t.confirm("One shared NAT gateway?", False)
    t.select("Where should Terraform keep its state?")  # local
    t.wait("What will be written")
    t.select("What do you want to do?")  # write
    assert t.finish() == 0, t.output
    assert "Traceback" not in t.output

    a = answers_on_disk(out)
    assert (a["name"], a["environment"], a["region"], a["launch_type"]) == ("shop", "prod", "eu-west-1", "fargate")
    assert a["tags"] == {"team": "shop", "cost-center": "42"}
    assert a["load_balancer"] == {"type": "alb", "internal": False, "certificate_arn": None, "privatelink": False}
    assert a["efs"]["enabled"] is True
    assert a["network"]["create_vpc"] is True
    assert a["network"]["vpc_cidr"] == "10.20.0.0/16"
    assert a["network"]["azs"] == ["eu-west-1a", "eu-west-1b"]
    assert a["network"]["single_nat_gateway"] is False
    assert a["state"]["backend"] == "local"
    web, api = a["services"]
    assert (web["name"], web["image"], web["port"], web["cpu"], web["memory"]) == ("web", DEFAULT_IMAGE, 8080, 512, 2048)
    assert web["autoscaling"] == {"min": 2, "max": 6, "cpu_target": 70, "backlog_per_task": None}
    assert web["desired_count"] == 3
    assert web["platform"] == "linux/arm64" and api["platform"] == "linux/amd64"
    assert web["environment"] == {"LOG_LEVEL": "info", "GREETING": "hello, world"}
    assert web["secrets"] == {"DB_PASSWORD": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-db-AbCdEf"}
    assert (api["environment"], api["secrets"]) == ({}, {})
    assert web["permissions"] == {"s3_buckets": [{"name": "shop-assets", "access": "read_write"}], "dynamodb_tables": []}
    assert (web["kind"], web["expose"], web["path_pattern"], web["health_check_path"]) == ("web", True, "/*", "/health")
    assert (web["efs_mount"], web["efs_read_only"]) == ("/data", False)
    assert (api["name"], api["image"], api["port"], api["cpu"], api["memory"]) == (
        "api",
        "public.ecr.aws/docker/library/httpd:2.4",
        80,
        256,
        512,
    )
    assert api["autoscaling"] is None and api["desired_count"] == 2
    assert api["permissions"] == {"s3_buckets": [], "dynamodb_tables": [{"name": "orders", "access": "read"}]}
    assert (api["path_pattern"], api["efs_mount"], api["efs_read_only"]) == ("/api/*", "/data", True)
    assert (out / "main.tf").is_file()
    assert 'module "efs"' in (out / "main.tf").read_text()
    # The stack's README names each service's variables and secrets, never their values.
    readme = (out / "README.md").read_text()
    assert "environment `LOG_LEVEL`, `GREETING`; secrets `DB_PASSWORD`" in readme
    assert "hello, world" not in readme and "secret:shop-db" not in readme


def test_ec2_nlb_privatelink_s3_state(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    t.text("Stack name?", "tcpsvc")
    t.text("Environment?")
    t.text("AWS region?", "eu-central-1")
    t.text("Tags for every resource?")
    t.confirm("Do you want to manage servers yourself?", True)
    t.text("Why EC2 rather than Fargate?", "the broker needs host networking")
    t.text("EC2 instance type?", "m6i.large")
    t.text("Fewest instances", "2")
    t.text("Most instances", "4")
    t.text("Instances to start with", "3")
    t.text("AMI id?", "ami-0123456789abcdef0")
    t.confirm("Do tasks share data", False)
    t.select("What kind of service?", down=4)  # nlb
    t.text("Service name?", "broker")
    t.text("Container image?")
    t.text("Port the NLB sends traffic to", "5672")
    t.confirm("More options for broker?", True)
    t.text("CPU units per task?", "512")
    t.text("Memory per task, in MiB?", "1536")
    t.confirm("Scale the number of tasks with CPU load?", False)
    t.text("How many tasks should run?")
    t.confirm("Reachable by the stack's other services by name", False)
    t.select("CPU architecture?", down=1)  # arm64 on an x86 instance type: refused, with the reason
    t.wait("needs a Graviton instance type")
    t.select("CPU architecture?")  # asked again, the cursor back on the default (amd64), not the refused choice
    t.confirm("Allow ECS Exec", False)
    t.text("Command?")
    t.text("Environment variables?")
    t.text("Secrets?")
    t.confirm("Does broker publish messages to topics", False)
    t.confirm("Does broker read or write S3 buckets?", False)
    t.confirm("Does broker read or write DynamoDB tables?", False)
    t.confirm("Extra containers in its task", False)
    t.confirm("Add another service?", False)
    t.confirm("Internal only", True)
    t.text("ACM certificate ARN for TLS?")
    t.confirm("Publish the nlb services through AWS PrivateLink", True)
    t.select("Which network?")
    t.text("VPC address range (CIDR)?")
    t.text("Availability zones?", "eu-central-1a, eu-central-1b, eu-central-1c")
    t.confirm("One shared NAT gateway?", True)
    t.select("Where should Terraform keep its state?", down=1)  # s3
    t.text("State bucket name?", "acme-tf-state")
    t.text("State object key?")  # suggested from name and environment
    t.text("State bucket region?", "us-east-1")
    t.select("What do you want to do?")
    assert t.finish() == 0, t.output
    # An NLB routes by port, not path: the ALB-only questions never came up, nor Spot on EC2.
    assert "Which request paths go to it?" not in t.output
    assert "Health check path?" not in t.output
    assert "Mount the shared file system" not in t.output
    assert "Fargate Spot" not in t.output

    a = answers_on_disk(out)
    assert a["launch_type"] == "ec2"
    assert a["ec2"] == {
        "instance_type": "m6i.large",
        "min_size": 2,
        "max_size": 4,
        "desired_capacity": 3,
        "ami_id": "ami-0123456789abcdef0",
        "reason": "the broker needs host networking",
    }
    assert a["load_balancer"] == {"type": "nlb", "internal": True, "certificate_arn": None, "privatelink": True}
    assert a["efs"]["enabled"] is False
    (svc,) = a["services"]
    assert (svc["kind"], svc["name"], svc["port"], svc["cpu"], svc["memory"], svc["desired_count"]) == ("nlb", "broker", 5672, 512, 1536, 2)
    assert a["network"]["azs"] == ["eu-central-1a", "eu-central-1b", "eu-central-1c"]
    assert a["state"] == {"backend": "s3", "bucket": "acme-tf-state", "key": "tcpsvc/dev/terraform.tfstate", "region": "us-east-1"}
    assert 'region       = "us-east-1"' in (out / "backend.tf").read_text()
    assert (svc["platform"], svc["environment"], svc["secrets"]) == ("linux/amd64", {}, {})
    # The reason is one comment line in main.tf, and tfgen check counts TFG105 as suppressed by it.
    assert "  # tfgen:ignore=TFG105 the broker needs host networking\n" in (out / "main.tf").read_text()
    report = check_json(out, "--show-suppressed")
    assert report["summary"]["info"] == 0 and report["summary"]["suppressed"] >= 1
    assert {(f["rule_id"], f["reason"]) for f in report["suppressed"]} >= {("TFG105", "inline: the broker needs host networking")}


def _answer_defaults_after_name(t: Terminal) -> None:
    """Every question after the stack name, each left at its default (a Fargate + ALB stack)."""
    t.text("Environment?")
    t.text("AWS region?")
    _answer_defaults_after_region(t)


def web_service(t: Terminal, name: str | None = None, port: str | None = None) -> None:
    """A Fargate web service's questions up to its more options; what is not given is left at its default."""
    t.select("What kind of service?")  # web, the first choice
    t.text("Service name?", name)
    t.text("Container image?")
    t.select("CPU per task?")
    t.select("Memory per task?")
    t.text("Port the container listens on?", port)
    t.text("Which request paths go to it?")
    t.text("Health check path?")
    t.confirm("Scale the number of tasks with CPU load?", False)
    t.text("How many tasks should run?")


def _answer_defaults_after_region(t: Terminal) -> None:
    t.text("Tags for every resource?")
    t.confirm("Do you want to manage servers yourself?", False)
    t.confirm("Do tasks share data", False)
    web_service(t)
    t.confirm("More options for web?", False)
    t.confirm("Add another service?", False)
    t.confirm("Internal only", False)
    t.text("ACM certificate ARN")
    t.select("Which network?")
    t.text("VPC address range (CIDR)?")
    t.text("Availability zones?")
    t.confirm("One shared NAT gateway?", True)
    t.select("Where should Terraform keep its state?")


def test_set_presets_a_key_and_it_is_not_asked(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out, "--set", "name=preset")
    t.wait("name = preset")
    _answer_defaults_after_name(t)
    t.select("What do you want to do?")
    assert t.finish() == 0, t.output
    assert "Stack name?" not in t.output
    a = answers_on_disk(out)
    assert a["name"] == "preset"
    # Every other answer was the default, so the result is what --defaults renders for that name.
    assert a == build_answers({"name": "preset"}).model_dump(mode="json")


def test_ctrl_c_mid_way_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    t.text("Stack name?", "shop")
    t.text("Environment?")
    t.text("AWS region?")
    t.text("Tags for every resource?")
    t.confirm("Do you want to manage servers yourself?", False)
    t.wait("Do tasks share data")
    t.child.send("\x03")
    assert t.finish() == 130
    assert not out.exists()
    assert "nothing was written" in t.output
    assert "Traceback" not in t.output


def test_ctrl_c_leaves_an_existing_outdir_unchanged(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n")
    t = Terminal(out)
    t.text("Stack name?", "shop")
    t.wait("Environment?")
    t.child.send("\x03")
    assert t.finish() == 130
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert "Traceback" not in t.output


def test_quit_at_the_end_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    t.text("Stack name?", "shop")
    _answer_defaults_after_name(t)
    t.wait("What will be written")
    t.select("What do you want to do?", down=3)  # write, change a section, save the answers only, quit
    assert t.finish() != 0
    assert not out.exists()
    assert "nothing was written" in t.output
    assert "Traceback" not in t.output


def test_invalid_name_shows_the_models_message_and_asks_again(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    expected = field_problem(Answers, "name", "Bad Name")
    assert expected  # the model refuses it; the wizard must show exactly why
    t = Terminal(out)
    t.text("Stack name?", "Bad Name")
    t.wait(expected[:60])  # the message is wrapped to the terminal; its start is on one line
    t.text("Stack name?", "good-name")  # asked again
    t.text("Environment?", "Prod!")
    t.wait(field_problem(Answers, "environment", "Prod!")[:40])
    t.text("Environment?", "prod")
    t.wait("AWS region?")
    t.child.send("\x03")
    assert t.finish() == 130
    assert not out.exists()


def test_typing_replaces_the_default_and_a_refused_answer_is_not_offered_again(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    t.text("Stack name?", "Bad Name")
    t.wait("is not valid")
    t.text("Stack name?", "shop")  # typed on an empty line: no Ctrl-U needed
    t.wait("Environment?")
    t.wait("[dev]")  # the default is shown...
    t.child.send("prod\r")  # ...and typing replaces it
    t.text("AWS region?")  # Enter takes the default
    _answer_defaults_after_region(t)
    t.select("What do you want to do?")
    assert t.finish() == 0, t.output
    a = answers_on_disk(out)
    assert (a["name"], a["environment"], a["region"]) == ("shop", "prod", "us-east-1")


def test_refusals_use_the_questions_words_and_a_port_clash_comes_after_the_kind(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    t.text("Stack name?", "tcp")
    t.text("Environment?")
    t.text("AWS region?")
    t.text("Tags for every resource?", "aws:team=x")
    t.wait("reserved by AWS")
    t.text("Tags for every resource?", "team=x")
    t.confirm("Do you want to manage servers yourself?", False)
    t.confirm("Do tasks share data", False)
    t.select("What kind of service?", down=4)  # nlb
    t.text("Service name?", "web")
    t.text("Container image?")
    t.text("Port the NLB sends traffic to", "eighty")
    t.wait("type a whole number")
    t.text("Port the NLB sends traffic to", "80")
    t.confirm("More options for web?", True)
    t.select("CPU per task?")
    t.select("Memory per task?")
    t.confirm("Scale the number of tasks with CPU load?", True)
    t.text("Fewest tasks?", "0")
    t.wait("give at least 1 task")
    t.text("Fewest tasks?", "1")
    t.text("Most tasks?")
    t.text("Target average CPU, in percent?", "95")
    t.wait("give at most 90%")
    t.text("Target average CPU, in percent?")
    t.text("How many tasks to start with?", "-1")
    t.wait("give at least 0 tasks")
    t.text("How many tasks to start with?", "1")
    t.confirm("Reachable by the stack's other services by name", False)
    t.select("CPU architecture?")
    t.confirm("Run part of the tasks on Fargate Spot?", True)
    t.text("Tasks always on regular Fargate?", "-1")
    t.wait("give at least 0 tasks")
    t.text("Tasks always on regular Fargate?", "0")
    t.text("Percent of the other tasks on Spot?", "0")
    t.wait("give at least 1%")
    t.text("Percent of the other tasks on Spot?")
    t.confirm("Allow ECS Exec", False)
    t.text("Command?")
    t.text("Environment variables?", "1BAD=x")
    t.wait("not starting with a digit")
    t.text("Environment variables?")
    t.text("Secrets?")
    t.confirm("Does web publish messages to topics", False)
    t.confirm("Does web read or write S3 buckets?", False)
    t.confirm("Does web read or write DynamoDB tables?", False)
    t.confirm("Extra containers in its task", False)
    t.confirm("Add another service?", True)
    t.wait("What kind of service?")
    before_kind = len(t.output)
    t.child.send(DOWN * 4 + "\r")  # nlb too
    t.text("Service name?", "api")
    t.text("Container image?")
    t.text("Port the NLB sends traffic to", "80")
    t.wait("already has an NLB listener")
    clash = t.output.index("already has an NLB listener")
    t.text("Port the NLB sends traffic to", "81")
    t.wait("More options for api?")
    t.child.send("\x03")
    assert t.finish() == 130
    # The clash is reported only once the second service is known to be on the NLB (its kind, asked first).
    assert clash > before_kind and "already has an NLB listener" not in t.output[:before_kind]
    for raw in ("Input should", "greater than or equal", "services[", "autoscaling.min", "tags.aws", "spot.base"):
        assert raw not in t.output, raw


def test_one_task_is_one_task_in_the_summary() -> None:
    script = Script({"name": "shop", "services[0].desired_count": "1"})
    run(script)
    (row,) = [value for label, value in script.summary_rows if label == "Service web"]
    assert ", 1 task," in row + "," and "1 tasks" not in row


def test_change_a_section_keeps_the_other_answers(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    t.text("Stack name?", "shop")
    t.text("Environment?", "prod")
    t.text("AWS region?")
    _answer_defaults_after_region(t)
    t.select("What do you want to do?", down=1)  # change a section
    t.select("Which section?", down=4)  # the stack, compute, storage, services, traffic
    t.confirm("Internal only", True)
    t.text("ACM certificate ARN")
    t.wait("What will be written")
    t.select("What do you want to do?")  # write
    assert t.finish() == 0, t.output
    a = answers_on_disk(out)
    assert a["load_balancer"]["internal"] is True
    assert (a["name"], a["environment"], a["services"][0]["name"]) == ("shop", "prod", "web")
    assert "Stack name?" not in t.output.split("Which section?")[1]  # only the traffic section was asked again


def test_save_the_answers_only_writes_only_the_answers_file(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    t.text("Stack name?", "shop")
    _answer_defaults_after_name(t)
    t.select("What do you want to do?", down=2)  # save the answers only
    assert t.finish() == 0, t.output
    assert sorted(p.name for p in out.iterdir()) == [".tfgen-answers.yaml"]
    assert answers_on_disk(out)["name"] == "shop"
    assert "--answers" in t.output  # how to render the stack from them later


def test_wizard_needs_a_terminal(tmp_path: Path) -> None:
    import subprocess

    run = subprocess.run(
        [sys.executable, "-m", "tfgen", "new", str(tmp_path / "x")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert run.returncode == 2
    assert "--answers FILE or --defaults" in run.stderr
    assert "Traceback" not in run.stderr


# --- the question flow, with a scripted prompter -----------------------------------------------


class Script:
    """A prompter that answers by key path from a script, and the default for anything else.

    Text answers are what a person would type; a list gives successive attempts. Every scripted
    key must be asked, so a test cannot pass by its questions silently never coming up.
    """

    def __init__(self, answers: dict[str, Any] | None = None, interrupt_at: str | None = None):
        self.answers = dict(answers or {})
        self.used: set[str] = set()
        self.asked: list[str] = []
        self.problems: list[str] = []
        self.reused: dict[str, int] = {}
        self.presets: dict[str, Any] = {}
        self.choices: dict[str, list[tuple[str, Any]]] = {}
        self.summary_rows: list[tuple[str, str]] = []
        self.interrupt_at = interrupt_at

    def _answer(self, key: str, default: Any) -> Any:
        self.asked.append(key)
        if key == self.interrupt_at:
            raise KeyboardInterrupt
        if key not in self.answers:
            return default
        self.used.add(key)
        value = self.answers[key]
        if isinstance(value, list) and value and isinstance(value[0], Attempt):
            if len(value) == 1:
                # The last attempt is reused for questions asked again later; served over and over,
                # it is being refused: fail instead of looping forever.
                self.reused[key] = self.reused.get(key, 0) + 1
                assert self.reused[key] < 20, f"{key}: the last attempt keeps being refused: {self.problems[-1:]}"
            attempt = value.pop(0) if len(value) > 1 else value[0]
            return attempt.value
        return value

    def heading(self, title: str, intro: str) -> None:
        pass

    def subheading(self, title: str) -> None:
        pass

    def why(self, text: str) -> None:
        assert text.strip()

    def preset(self, key: str, value: Any) -> None:
        self.presets[key] = value

    def problem(self, text: str) -> None:
        self.problems.append(text)

    def text(self, key: str, message: str, default: str) -> str:
        assert isinstance(default, str)
        return self._answer(key, default)

    def confirm(self, key: str, message: str, default: bool) -> bool:
        return self._answer(key, default)

    def select(self, key: str, message: str, choices: list[tuple[str, Any]], default: Any) -> Any:
        self.choices[key] = choices
        assert default in [v for _, v in choices]
        value = self._answer(key, default)
        assert value in [v for _, v in choices], f"{key}: {value!r} is not a choice"
        return value

    def summary(self, rows: list[tuple[str, str]]) -> None:
        self.summary_rows = rows

    def unused(self) -> set[str]:
        return set(self.answers) - self.used


class Attempt:
    def __init__(self, value: Any):
        self.value = value


def run(script: Script, overrides: list[str] = (), sent_back: bool = False) -> Answers | None:
    """Run the wizard on `script`. Unless `sent_back`, every problem must have been caught at its
    own question, never by the final check that sends the person back to a section."""
    result = run_wizard(list(overrides), prompter=script)
    assert not script.unused(), f"scripted but never asked: {sorted(script.unused())}"
    assert sent_back == ("fix" in script.asked), script.problems
    return result


def _paths(nodes, base: keys.Path):
    """Every (question, key path) under `nodes`, list items taken at index 0."""
    for node in nodes:
        path = base + keys.parse(node.key)
        if isinstance(node, Gate):  # stores nothing: its questions sit in the item
            yield from _paths(node.items, base)
            continue
        yield node, path
        if isinstance(node, Repeat):
            yield from _paths(node.items, path + (0,))
        elif isinstance(node, Group):
            yield from _paths(node.items, base)


def test_every_question_names_a_model_field() -> None:
    """Questions are data over the model: each key must land on a field, so its type, default and
    validation come from the model."""
    for section in SECTIONS:
        for node, path in _paths(section.items, ()):
            assert keys.field_at(path) is not None, f"{section.name}: {keys.show(path)} is not a model field"
            assert node.why or isinstance(node, Repeat), f"{keys.show(path)}: every question says why"
            why = node.why(Ctx({}, ("services", 0))) if callable(node.why) else node.why
            assert len(why) <= 110, f"{keys.show(path)}: the why should fit on one line"
        assert section.intro


def test_fargate_choices_are_exactly_the_valid_pairs() -> None:
    offered = set()
    for _, cpu in _cpu_choices(Ctx({}, ("services", 0))):
        data = {"services": [{"cpu": cpu}]}
        for label, memory in _memory_choices(Ctx(data, ("services", 0))):
            assert label == fargate.describe_pair(cpu, memory)
            offered.add((cpu, memory))
    assert offered == {(c, m) for c, ms in fargate.VALID_MEMORY.items() for m in ms}


def test_all_defaults_give_the_models_defaults() -> None:
    script = Script({"name": "shop"})
    answers = run(script)
    assert answers == build_answers({"name": "shop"})
    assert script.summary_rows and script.summary_rows[0] == ("Stack", "shop-dev in us-east-1")
    # Fargate + ALB: no EC2, NLB-only, existing-VPC or S3-state questions.
    for skipped in ("ec2.instance_type", "load_balancer.privatelink", "network.vpc_id", "state.bucket", "services[0].efs_mount"):
        assert skipped not in script.asked


def test_questions_follow_the_guidance_order() -> None:
    script = Script({"name": "shop"})
    run(script)
    keys_in_order = ("name", "launch_type", "efs.enabled", "services[0].kind", "services[0].name", "load_balancer.internal", "network.create_vpc", "state.backend", "next")
    firsts = [script.asked.index(k) for k in keys_in_order]
    assert firsts == sorted(firsts)


def test_ec2_asks_instance_questions_and_numbers_for_size() -> None:
    script = Script(
        {
            "name": "shop",
            "launch_type": True,  # yes, manage servers
            "ec2.instance_type": "c7g.large",
            "ec2.ami_id": "",
            "services[0].cpu": "300",
            "services[0].memory": "700",
        }
    )
    answers = run(script)
    assert answers.launch_type == "ec2" and answers.ec2.instance_type == "c7g.large" and answers.ec2.ami_id is None
    assert (answers.services[0].cpu, answers.services[0].memory) == (300, 700)
    assert "services[0].cpu" not in script.choices  # a number on EC2, not the Fargate select


def test_ec2_desired_capacity_outside_min_max_is_refused_at_the_question() -> None:
    script = Script({"name": "shop", "launch_type": True, "ec2.desired_capacity": [Attempt("9"), Attempt("2")]})
    answers = run(script)
    assert answers.ec2.desired_capacity == 2
    # In the questions' words at the prompt, not the answers keys (min_size, max_size).
    assert script.problems == ["must lie between the fewest instances (1) and the most instances (3), got 9"]


def test_nlb_asks_privatelink_not_paths() -> None:
    script = Script({"name": "shop", "services[0].kind": "nlb", "load_balancer.privatelink": True})
    answers = run(script)
    assert answers.services[0].kind == "nlb" and answers.load_balancer.privatelink
    assert "services[0].path_pattern" not in script.asked and "services[0].health_check_path" not in script.asked
    assert "services[0].port" in script.asked


def test_no_load_balancer_asks_nothing_about_one() -> None:
    script = Script({"name": "shop", "services[0].kind": "worker"})
    answers = run(script)
    assert answers.services[0].kind == "worker" and not answers.exposed_services
    for key in ("load_balancer.internal", "load_balancer.certificate_arn", "load_balancer.privatelink", "services[0].port", "services[0].path_pattern"):
        assert key not in script.asked


def test_existing_vpc_asks_public_subnets_only_for_an_internet_facing_lb() -> None:
    ids = "subnet-0123456789abcdef0, subnet-0123456789abcdef1"
    base = {"name": "shop", "network.create_vpc": False, "network.vpc_id": "vpc-0123456789abcdef0", "network.private_subnet_ids": ids}
    public = run(Script(base | {"network.public_subnet_ids": "subnet-0123456789abcdef2, subnet-0123456789abcdef3"}))
    assert public.network.create_vpc is False
    assert public.network.private_subnet_ids == ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"]
    assert len(public.network.public_subnet_ids) == 2
    internal = Script(base | {"load_balancer.internal": True})
    run(internal)
    assert "network.public_subnet_ids" not in internal.asked


def test_a_single_az_is_refused_with_the_guidance_and_asked_again() -> None:
    script = Script({"name": "shop", "network.azs": [Attempt("us-east-1a"), Attempt("us-east-1a, us-east-1c")]})
    answers = run(script)
    assert answers.network.azs == ["us-east-1a", "us-east-1c"]
    assert any("at least two availability zones" in p and "guidance" in p for p in script.problems)


def test_second_service_gets_a_distinct_default_path_and_a_clash_is_refused() -> None:
    script = Script(
        {
            "name": "shop",
            "services[1]": True,
            "services[1].name": [Attempt("web"), Attempt("api")],
            "services[1].path_pattern": [Attempt("/*"), Attempt("/v2/*")],
        }
    )
    answers = run(script)
    assert [s.name for s in answers.services] == ["web", "api"]
    assert answers.services[1].path_pattern == "/v2/*"
    assert any("used twice" in p for p in script.problems)
    assert any("already routed to service 'web'" in p for p in script.problems)
    default_path = Script({"name": "shop", "services[1]": True, "services[1].name": "api"})
    assert run(default_path).services[1].path_pattern == "/api/*"


def test_autoscaling_max_below_min_is_refused_at_the_question() -> None:
    script = Script(
        {"name": "shop", "services[0].autoscaling": True, "services[0].autoscaling.min": "3", "services[0].autoscaling.max": [Attempt("2"), Attempt("5")]}
    )
    answers = run(script)
    assert answers.services[0].autoscaling.model_dump() == {"min": 3, "max": 5, "cpu_target": 60, "backlog_per_task": None}
    assert answers.services[0].desired_count == 3  # the default follows the minimum
    assert script.problems == ["The fewest tasks: must not exceed the most tasks (2)"]


def test_set_presets_are_not_asked_and_shown() -> None:
    script = Script()
    answers = run(script, ["name=preset", "services[0].cpu=1024", "services[0].kind=nlb"])
    assert answers.name == "preset" and answers.services[0].kind == "nlb"
    for key in ("name", "services[0].cpu", "services[0].kind"):
        assert key not in script.asked
    assert script.presets == {"name": "preset", "services[0].cpu": 1024, "services[0].kind": "nlb"}
    assert "load_balancer.privatelink" in script.asked  # what the preset kind needs is asked
    # The memory offered pairs with the preset CPU only.
    assert [m for _, m in script.choices["services[0].memory"]] == list(fargate.VALID_MEMORY[1024])
    assert answers.services[0].memory == fargate.VALID_MEMORY[1024][0]


def test_set_on_a_second_service_adds_it_without_asking_another() -> None:
    script = Script({"services[1].kind": "backend", "services[1].image": "public.ecr.aws/docker/library/redis:7", "services[1].port": "6379"})
    answers = run(script, ["name=shop", "services[1].name=cache"])
    assert [s.name for s in answers.services] == ["web", "cache"]
    assert "services[1]" not in script.asked  # the preset says there is a second service
    assert "services[1].name" not in script.asked and script.asked.count("services[2]") == 1


def test_set_of_the_whole_services_list_skips_the_service_questions() -> None:
    script = Script()
    answers = run(script, ["name=shop", "services=[{name: api, image: 'nginx:1', port: 8080}]"])
    assert [(s.name, s.port) for s in answers.services] == [("api", 8080)]
    assert not [k for k in script.asked if k.startswith("services")]
    assert "services" in script.presets


def test_a_preset_the_model_refuses_is_an_answers_error_before_any_question() -> None:
    script = Script()
    with pytest.raises(AnswersError) as err:
        run_wizard(["name=Bad Name", "nmae=x"], prompter=script)
    assert script.asked == []
    text = "\n".join(err.value.problems)
    assert "name: 'Bad Name' is not valid" in text and "nmae: unknown key" in text


def test_cross_field_problem_sends_back_to_a_section_then_succeeds() -> None:
    # EFS preset on, but the service mounts nothing: the model refuses; the person picks the
    # services section, mounts it, and the stack is accepted.
    script = Script({"fix": "services", "services[0].efs_mount": [Attempt(""), Attempt("/data")]})
    answers = run(script, ["name=shop", "efs.enabled=true"], sent_back=True)
    assert answers.services[0].efs_mount == "/data"
    assert script.problems == [
        "Do tasks share data, or keep it after they stop? no service sets a mount path for the shared file system, "
        "so nothing would use the file system [efs.enabled]"
    ]
    assert script.asked.count("services[0].efs_mount") == 2
    offered = [v for _, v in script.choices["fix"]]
    assert "storage" not in offered  # all preset: asking it again would change nothing
    assert offered[0] == "services"  # the problem names efs_mount, which the services section asks


def test_cross_field_problem_can_be_cancelled() -> None:
    script = Script({"fix": "cancel"})
    assert run(script, ["name=shop", "efs.enabled=true"], sent_back=True) is None


def test_going_back_drops_answers_that_no_longer_apply() -> None:
    # A web service with a certificate, then changed to a worker: the stack has no load balancer
    # left, and the certificate (which the model refuses without one) must not stay behind.
    cert = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    script = Script(
        {"name": "shop", "load_balancer.certificate_arn": cert, "next": [Attempt("change"), Attempt("write")], "section": "services",
         "services[0].kind": [Attempt("web"), Attempt("worker")]}
    )
    answers = run(script)
    assert answers.services[0].kind == "worker" and answers.load_balancer.certificate_arn is None
    assert "port" not in answers.services[0].model_fields_set and "path_pattern" not in answers.services[0].model_fields_set


def test_a_problem_is_named_by_its_question_with_the_key_path_in_brackets() -> None:
    script = Script(
        {"name": "shop", "services[0].kind": "job", "services[0].schedule": "rate(1 hour)", "fix": "cancel"}
    )
    assert run(script, ["load_balancer.certificate_arn=arn:aws:acm:us-east-1:123456789012:certificate/abc"], sent_back=True) is None
    (problem,) = script.problems
    assert problem.startswith("ACM certificate ARN? there is no load balancer to put it on")
    assert problem.endswith("[load_balancer.certificate_arn]")


@pytest.mark.parametrize("signal", [KeyboardInterrupt, EOFError])
def test_interrupt_anywhere_returns_none(signal: type[BaseException]) -> None:
    class Interrupting(Script):
        def select(self, key, message, choices, default):
            if key == "services[0].cpu":
                raise signal
            return super().select(key, message, choices, default)

    assert run(Interrupting({"name": "shop"})) is None


def test_quit_at_the_end_returns_none() -> None:
    assert run(Script({"name": "shop", "next": "quit"})) is None


def test_saved_answers_are_the_defaults_of_a_rerun() -> None:
    """Re-running the wizard on a stack keeps every earlier answer the person does not change."""
    earlier = build_answers({"name": "shop", "region": "eu-west-1", "efs": {"enabled": True},
                             "services": [{"name": "api", "image": "nginx:1", "cpu": 512, "memory": 2048, "efs_mount": "/data"}]})
    saved = earlier.model_dump(mode="json")
    script = Script({"services[0].desired_count": "3"})
    answers = run_wizard([], prompter=script, initial=saved)
    assert answers.services[0].desired_count == 3
    assert (answers.name, answers.region, answers.services[0].name, answers.services[0].memory) == ("shop", "eu-west-1", "api", 2048)
    assert answers.services[0].efs_mount == "/data" and answers.efs.enabled


def test_tags_environment_and_secrets_are_asked_and_refused_by_entry() -> None:
    arn = "arn:aws:ssm:us-east-1:123456789012:parameter/shop/db"
    script = Script(
        {
            "name": "shop",
            "tags": [Attempt("aws:team=x"), Attempt("team=shop, note=a b")],
            "services[0].more": True,
            "services[0].environment": [Attempt("oops"), Attempt("1X=2"), Attempt("MODE=prod, LIST=a,b")],
            "services[0].secrets": [Attempt("TOKEN=shop/db"), Attempt(f"TOKEN={arn}")],
        }
    )
    answers = run(script)
    assert answers.tags == {"team": "shop", "note": "a b"}
    assert answers.services[0].environment == {"MODE": "prod", "LIST": "a,b"}
    assert answers.services[0].secrets == {"TOKEN": arn}
    assert script.problems == [
        "aws:team: tag keys starting with 'aws:' are reserved by AWS",
        "write NAME=value pairs separated by commas",
        "'1X' is not valid: letters, digits and underscores, not starting with a digit",
        "TOKEN: 'shop/db' is not valid: a Secrets Manager secret ARN, an SSM parameter ARN, or an SSM parameter name such as "
        "/shop/prod/db or DB_PASSWORD (letters, digits, _ . - /, at most 1,011 characters and 15 levels; a name with a slash "
        "starts with one)",
    ]


def test_cpu_architecture_defaults_to_the_instance_types_and_arm64_needs_graviton() -> None:
    graviton = Script({"name": "shop", "launch_type": True, "ec2.instance_type": "c7g.large"})
    assert run(graviton).services[0].platform == "linux/arm64"
    x86 = Script(
        {"name": "shop", "launch_type": True, "ec2.instance_type": "m6i.large", "services[0].more": True,
         "services[0].platform": [Attempt("linux/arm64"), Attempt("linux/amd64")]}
    )
    assert run(x86).services[0].platform == "linux/amd64"
    (problem,) = x86.problems
    assert "Graviton" in problem and "m6i.large" in problem and "services[" not in problem
    fargate_arm = Script({"name": "shop", "services[0].more": True, "services[0].platform": "linux/arm64"})
    assert run(fargate_arm).services[0].platform == "linux/arm64"


def test_state_bucket_region_defaults_to_the_stacks() -> None:
    script = Script({"name": "shop", "region": "eu-west-1", "state.backend": "s3", "state.bucket": "acme-state"})
    assert run(script).state.region == "eu-west-1"
    other = Script({"name": "shop", "state.backend": "s3", "state.bucket": "acme-state", "state.region": "eu-central-1"})
    assert run(other).state.region == "eu-central-1"


def test_a_rerun_keeps_saved_mappings_on_enter_and_dash_clears_them() -> None:
    saved = build_answers({"name": "shop", "tags": {"team": "shop"}, "services": [{"image": "nginx:1", "environment": {"A": "1"}}]})
    kept = Script()
    answers = run_wizard([], prompter=kept, initial=saved.model_dump(mode="json"))
    assert answers.tags == {"team": "shop"} and answers.services[0].environment == {"A": "1"}
    cleared = Script({"tags": "-", "services[0].environment": "-"})
    answers = run_wizard([], prompter=cleared, initial=saved.model_dump(mode="json"))
    assert answers.tags == {} and answers.services[0].environment == {}


def test_a_refused_secret_is_named_even_when_the_reason_mentions_a_longer_name() -> None:
    """The model's reason names DB_PASSWORD as an example; the entry DB must still be named."""
    script = Script({"name": "shop", "services[0].more": True, "services[0].secrets": [Attempt("DB=no pe"), Attempt("DB=/shop/db")]})
    assert run(script).services[0].secrets == {"DB": "/shop/db"}
    (problem,) = script.problems
    assert problem.startswith("DB: 'no pe' is not valid: ") and "DB_PASSWORD" in problem
