"""The wizard's service kinds (issue 10): the kind is asked first, then only what that kind needs.

Each kind is driven in a pseudo-terminal through `python -m tfgen new` (web and nlb also in
tests/test_wizard.py's end-to-end runs), and the saved answers are judged on disk; a run with
every kind writes a stack whose answers the model accepts.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from test_wizard import Attempt, Script, Terminal, answers_on_disk, run, web_service
from tfgen.answers import build_answers
from tfgen.answers.load import load_answers_file
from tfgen.wizard import run_wizard

ANSWERS = ".tfgen-answers.yaml"


def _start(t: Terminal, name: str = "shop") -> None:
    """The stack's questions before the services: Fargate, no shared storage."""
    t.text("Stack name?", name)
    t.text("Environment?")
    t.text("AWS region?")
    t.text("Tags for every resource?")
    t.confirm("Do you want to manage servers yourself?", False)
    t.confirm("Do tasks share data", False)


def _finish(t: Terminal) -> None:
    """A new VPC, local state, write."""
    t.select("Which network?")
    t.text("VPC address range (CIDR)?")
    t.text("Availability zones?")
    t.confirm("One shared NAT gateway?", True)
    t.select("Where should Terraform keep its state?")
    t.wait("What will be written")
    t.select("What do you want to do?")
    assert t.finish() == 0, t.output
    assert "Traceback" not in t.output


def _more_until_topics(t: Terminal, spot: bool = False, exec_: bool = False) -> None:
    """A Fargate web service's more options before its topics: Service Connect no, x86-64, then as given."""
    t.confirm("Reachable by the stack's other services by name", False)
    t.select("CPU architecture?")
    t.confirm("Run part of the tasks on Fargate Spot?", spot)
    if spot:
        t.text("Tasks always on regular Fargate?")
        t.text("Percent of the other tasks on Spot?", "75")
    t.confirm("Allow ECS Exec", exec_)
    t.text("Command?")
    t.text("Environment variables?")
    t.text("Secrets?")


def _publish(t: Terminal, name: str, *topics: str) -> None:
    t.confirm(f"Does {name} publish messages to topics", True)
    for i, topic in enumerate(topics, 1):
        t.text("Topic name?", topic)
        t.confirm("Another topic?", i < len(topics))
    t.confirm(f"Does {name} read or write S3 buckets?", False)
    t.confirm(f"Does {name} read or write DynamoDB tables?", False)


def _asked_for(output: str, service: int) -> str:
    """The transcript of a service's questions after its kind (the kind's menu names them all)."""
    heading = output.split(f"-- Service {service + 1}")[1]
    return heading.split("Service name?", 1)[1].split("Add another service?")[0]


def _said(output: str) -> str:
    """The transcript with its line wrapping undone (the summary wraps to the terminal)."""
    return re.sub(r"\s+", " ", re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", output))


def _service(out: Path, index: int = 0) -> dict:
    return answers_on_disk(out)["services"][index]


# --- each kind in a pseudo-terminal ------------------------------------------------------------


def test_the_kind_is_the_first_question_of_each_service_with_a_line_on_each(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    _start(t)
    t.wait("What kind of service?")
    before_kind = t.output
    t.child.send("\r")  # web
    t.wait("Service name?")
    t.child.send("\x03")
    assert t.finish() == 130
    # Nothing of the service was asked before its kind, and each kind is explained in its own words.
    assert "Service name?" not in before_kind and "Container image?" not in before_kind
    for line in ("web: a website or HTTP API", "backend: an API only the stack's other services call",
                 "worker: works in the background", "job: runs on a schedule", "nlb: TCP or TLS traffic"):
        assert line in t.output, line


def test_backend_asks_its_port_and_an_internal_path_and_no_load_balancer(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    _start(t)
    t.select("What kind of service?", down=1)  # backend
    t.text("Service name?")  # the kind's name is the default
    t.text("Container image?")
    t.text("Port it serves on?", "8080")
    t.text("Also route a path to it on an internal ALB?", "/orders/*")
    t.confirm("More options for backend?", False)
    t.confirm("Add another service?", False)
    _finish(t)
    asked = _asked_for(t.output, 0)
    for question in ("CPU per task?", "Which request paths", "Health check path?", "How many tasks", "Scale the number", "queue"):
        assert question not in asked, question
    # No web or nlb service: no public load balancer to ask about, and the section says so.
    assert "Internal only" not in t.output and "ACM certificate" not in t.output
    assert "None to set up: no service is of kind web or nlb" in t.output
    assert "called at http://backend:8080" in _said(t.output)  # the summary says how others reach it
    svc = _service(out)
    assert (svc["kind"], svc["name"], svc["port"], svc["internal_path"], svc["connect"]) == ("backend", "backend", 8080, "/orders/*", True)
    assert "path_pattern" not in svc  # a backend takes none: left out of the saved answers
    assert answers_on_disk(out)["load_balancer"]["type"] == "none"
    load_answers_file(out / ANSWERS)


def test_worker_takes_a_queue_fed_by_a_published_topic_and_scales_on_its_backlog(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    _start(t)
    # A web service that publishes two topics (under its more options).
    web_service(t)
    t.confirm("More options for web?", True)
    _more_until_topics(t)
    _publish(t, "web", "orders", "refunds")
    t.confirm("Extra containers in its task", False)
    t.confirm("Add another service?", True)
    # The worker.
    t.select("What kind of service?", down=2)
    t.text("Service name?", "mailer")
    t.text("Container image?")
    t.select("CPU per task?", down=1)  # 0.5 vCPU
    t.select("Memory per task?")
    t.confirm("Does it take its work from a queue", True)
    t.text("Longest time one message takes", "0")
    t.wait("give at least 1 second")
    t.text("Longest time one message takes", "120")
    t.confirm("Does it subscribe to topics", True)
    t.select("Which service publishes it?")  # web, the only publisher
    t.select("Which of its topics?", down=1)  # refunds
    t.confirm("Another topic?", False)
    t.confirm("Scale the number of tasks with the queue's backlog?", True)
    t.text("Fewest tasks?", "1")
    t.text("Most tasks?", "5")
    t.text("Messages waiting per task", "20")
    t.text("How many tasks to start with?")  # the fewest
    t.confirm("More options for mailer?", False)
    t.confirm("Add another service?", False)
    t.confirm("Internal only", False)  # the web service's ALB
    t.text("ACM certificate ARN for HTTPS?")
    _finish(t)
    asked = _asked_for(t.output, 1)
    for question in ("Port the container", "Which request paths", "Health check path?", "internal ALB", "When does it run?"):
        assert question not in asked, question
    assert "web (topics orders, refunds)" in asked  # the topics the stack publishes are the choices
    assert "AWS PrivateLink" not in t.output  # no nlb service
    worker = _service(out, 1)
    assert (worker["kind"], worker["cpu"], worker["memory"], worker["desired_count"]) == ("worker", 512, 1024, 1)
    assert worker["queue"] == {
        "processing_time_seconds": 120,
        "max_receive_count": 5,
        "retention_seconds": 345600,
        "subscribe": [{"service": "web", "topic": "refunds", "filter_policy": None}],
    }
    assert worker["autoscaling"] == {"min": 1, "max": 5, "cpu_target": 60, "backlog_per_task": 20}
    assert _service(out, 0)["publish"] == [{"name": "orders"}, {"name": "refunds"}]
    assert answers_on_disk(out)["load_balancer"]["type"] == "alb"
    load_answers_file(out / ANSWERS)


def test_job_asks_a_schedule_checked_as_typed_and_retries_never_a_port_or_a_count(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    _start(t)
    t.select("What kind of service?", down=3)  # job
    t.text("Service name?", "nightly")
    t.text("Container image?")
    t.select("CPU per task?")
    t.select("Memory per task?")
    t.text("When does it run?")  # nothing: a job needs one
    t.wait("a job needs a schedule")
    t.text("When does it run?", "cron(0 3 * * * *)")  # both day fields: EventBridge refuses it
    t.wait("'cron(0 3 * * * *)' is not valid: an EventBridge Scheduler expression")  # the model's words (wrapped)
    t.text("When does it run?", "rate(1 day)")
    t.text("Retries when a run cannot start?", "200")
    t.wait("give at most 185 retries")
    t.text("Retries when a run cannot start?", "3")
    t.confirm("More options for nightly?", True)
    t.text("Time zone of the schedule?", "Mars/Olympus")
    t.wait("not an IANA time zone name")
    t.text("Time zone of the schedule?", "Europe/Paris")
    t.text("Longest a run may wait to start")
    t.select("CPU architecture?")
    t.confirm("Run part of the tasks on Fargate Spot?", False)
    t.confirm("Allow ECS Exec", False)
    t.text("Command?", "python, nightly.py")
    t.text("Environment variables?")
    t.text("Secrets?", "DB_PASSWORD=/shop/prod/db")
    t.confirm("Does nightly publish messages to topics", False)
    t.confirm("Does nightly read or write S3 buckets?", False)
    t.confirm("Does nightly read or write DynamoDB tables?", False)
    t.confirm("Extra containers in its task", False)
    t.confirm("Add another service?", False)
    _finish(t)
    asked = _asked_for(t.output, 0)
    for question in ("Port", "Which request paths", "Health check path?", "How many tasks", "Scale the number", "Service Connect", "work from a queue"):
        assert question not in asked, question
    assert "Internal only" not in t.output and "ACM certificate" not in t.output
    assert "runs rate(1 day) (Europe/Paris), 3 retries" in _said(t.output)  # the summary
    job = _service(out)
    assert (job["kind"], job["schedule"], job["retries"], job["timezone"]) == ("job", "rate(1 day)", 3, "Europe/Paris")
    assert (job["command"], job["secrets"]) == (["python", "nightly.py"], {"DB_PASSWORD": "/shop/prod/db"})
    for key in ("port", "desired_count", "path_pattern", "health_check_path"):
        assert key not in job, key  # what a job refuses is neither asked nor saved
    load_answers_file(out / ANSWERS)


def test_every_kind_in_one_run_writes_a_stack_the_model_accepts(tmp_path: Path) -> None:
    out = tmp_path / "stack"
    t = Terminal(out)
    _start(t)
    # web, with an nginx sidecar in front of it taking the ALB's traffic
    web_service(t, name="front", port="3000")
    t.confirm("More options for front?", True)
    _more_until_topics(t, spot=True, exec_=True)
    _publish(t, "front", "orders")
    t.confirm("Extra containers in its task", True)
    t.text("Container name?", "proxy")
    t.text("Container image?", "public.ecr.aws/nginx/nginx:1.27")
    t.text("Port it listens on?", "3000")  # the app's port: refused, a task shares one network
    t.wait("port 3000 is already used by container 'front'")
    t.text("Port it listens on?", "8080")
    t.confirm("Stop the task when it stops?", True)
    t.confirm("Another sidecar?", False)
    t.select("Which container takes the load balancer's traffic?", down=1)  # the proxy
    t.confirm("Add another service?", True)
    # backend
    t.select("What kind of service?", down=1)
    t.text("Service name?", "orders")
    t.text("Container image?")
    t.text("Port it serves on?", "8080")
    t.text("Also route a path to it on an internal ALB?")  # no
    t.confirm("More options for orders?", False)
    t.confirm("Add another service?", True)
    # worker, subscribed to the web service's topic
    t.select("What kind of service?", down=2)
    t.text("Service name?", "mailer")
    t.text("Container image?")
    t.select("CPU per task?")
    t.select("Memory per task?")
    t.confirm("Does it take its work from a queue", True)
    t.text("Longest time one message takes")
    t.confirm("Does it subscribe to topics", True)
    t.select("Which service publishes it?")
    t.select("Which of its topics?")
    t.confirm("Another topic?", False)
    t.confirm("Scale the number of tasks with the queue's backlog?", False)
    t.text("How many tasks should run?", "1")
    t.confirm("More options for mailer?", False)
    t.confirm("Add another service?", True)
    # job
    t.select("What kind of service?", down=3)
    t.text("Service name?", "report")
    t.text("Container image?")
    t.select("CPU per task?")
    t.select("Memory per task?")
    t.text("When does it run?", "cron(0 3 * * ? *)")
    t.text("Retries when a run cannot start?")
    t.confirm("More options for report?", False)
    t.confirm("Add another service?", True)
    # nlb
    t.select("What kind of service?", down=4)
    t.text("Service name?", "db")
    t.text("Container image?")
    t.text("Port the NLB sends traffic to", "5432")
    t.confirm("More options for db?", False)
    t.confirm("Add another service?", False)
    # Both load balancers: one certificate question names both, and PrivateLink is offered for the NLB.
    t.confirm("Internal only", False)
    t.text("ACM certificate ARN for HTTPS on the ALB and TLS on the NLB?")
    t.confirm("Publish the nlb services through AWS PrivateLink", True)
    _finish(t)
    assert "Input should" not in t.output and "services[" not in t.output
    saved = answers_on_disk(out)
    assert [(s["name"], s["kind"]) for s in saved["services"]] == [
        ("front", "web"), ("orders", "backend"), ("mailer", "worker"), ("report", "job"), ("db", "nlb")
    ]
    front = saved["services"][0]
    assert (front["spot"], front["exec"], front["target"]) == ({"base": 1, "share": 75}, True, "proxy")
    assert [(c["name"], c["port"], c["essential"]) for c in front["sidecars"]] == [("proxy", 8080, True)]
    assert saved["load_balancer"]["privatelink"] is True
    # The saved answers, read back as an answers file, pass the model as they are.
    answers = load_answers_file(out / ANSWERS)
    assert [s.kind for s in answers.services] == ["web", "backend", "worker", "job", "nlb"]
    assert answers.queue_workers[0].queue.subscribe[0].topic == "orders"
    assert answers.connect_servers == [answers.services[1]]
    assert (out / "main.tf").is_file()


# --- the flow over the model, with a scripted prompter ------------------------------------------


def test_each_kind_is_asked_only_its_own_questions() -> None:
    needs = {
        "web": {"port", "path_pattern", "health_check_path", "cpu", "desired_count", "autoscaling"},
        "backend": {"port", "internal_path"},
        "worker": {"cpu", "queue"},
        "job": {"cpu", "schedule", "retries"},
        "nlb": {"port"},
    }
    every = set().union(*needs.values())
    for kind, own in needs.items():
        script = Script({"name": "shop", "services[0].kind": kind, "services[0].schedule": "rate(1 hour)"} if kind == "job"
                        else {"name": "shop", "services[0].kind": kind})
        answers = run(script)
        asked = {k.removeprefix("services[0].") for k in script.asked if k.startswith("services[0].")}
        assert asked & every == own, kind
        assert answers.services[0].kind == kind
        lb_asked = {k for k in script.asked if k.startswith("load_balancer.")}
        expected = {"web": {"internal", "certificate_arn"}, "nlb": {"internal", "certificate_arn", "privatelink"}}.get(kind, set())
        assert lb_asked == {f"load_balancer.{k}" for k in expected}, kind


def test_a_worker_without_publishers_is_not_asked_to_subscribe() -> None:
    script = Script({"name": "shop", "services[0].kind": "worker", "services[0].queue": True})
    answers = run(script)
    assert answers.services[0].queue is not None and answers.services[0].queue.subscribe == []
    assert "services[0].queue.subscribe" not in script.asked
    assert "services[0].autoscaling.backlog_per_task" not in script.asked  # scaling was declined


def test_a_subscription_is_checked_against_the_publishers_topics() -> None:
    script = Script(
        {
            "name": "shop",
            "services[0].more": True,
            "services[0].publish": True,
            "services[0].publish[0].name": [Attempt("bad topic!"), Attempt("orders")],
            "services[1]": True,
            "services[1].kind": "worker",
            "services[1].queue": True,
            "services[1].queue.subscribe": True,
        }
    )
    answers = run(script)
    assert answers.services[1].queue.subscribe[0].model_dump() == {"service": "web", "topic": "orders", "filter_policy": None}
    assert script.choices["services[1].queue.subscribe[0].service"] == [("web (topics orders)", "web")]
    assert len(script.problems) == 1 and "1-64 letters, digits, hyphens or underscores" in script.problems[0]


def test_an_older_answers_file_keeps_its_services_kinds_on_a_rerun() -> None:
    """Answers saved before kinds (expose, load_balancer.type) give each service its derived kind
    as the default; the rerun saves kinds, drops expose, and keeps load_balancer.type consistent."""
    worker_stack = {"name": "shop", "load_balancer": {"type": "none"}, "services": [{"name": "jobs", "image": "nginx:1", "expose": False}]}
    script = Script()
    answers = run_wizard([], prompter=script, initial=worker_stack)
    assert answers.services[0].kind == "worker" and answers.load_balancer.type == "none"
    assert "expose" not in answers.services[0].model_fields_set
    nlb_stack = {"name": "shop", "load_balancer": {"type": "nlb"}, "services": [{"name": "tcp", "image": "nginx:1", "port": 5432}]}
    answers = run_wizard([], prompter=Script(), initial=nlb_stack)
    assert (answers.services[0].kind, answers.services[0].port, answers.load_balancer.type) == ("nlb", 5432, "nlb")
    # Making the worker a web service replaces type none (refused beside a web service) by the ALB.
    script = Script({"services[0].kind": "web"})
    answers = run_wizard([], prompter=script, initial=worker_stack)
    assert answers.services[0].kind == "web" and answers.load_balancer.type == "alb"


def test_more_options_are_offered_open_when_a_rerun_has_some() -> None:
    saved = build_answers({"name": "shop", "services": [{"image": "nginx:1", "environment": {"A": "1"}}]}).model_dump(mode="json")
    script = Script()
    answers = run_wizard([], prompter=script, initial=saved)
    assert answers.services[0].environment == {"A": "1"}
    assert "services[0].environment" in script.asked  # the gate's default was yes
    plain = Script()
    run_wizard([], prompter=plain, initial=build_answers({"name": "shop"}).model_dump(mode="json"))
    assert "services[0].more" in plain.asked and "services[0].environment" not in plain.asked


def test_changing_a_kind_drops_what_the_old_kind_took() -> None:
    saved = build_answers(
        {"name": "shop", "services": [{"name": "api", "image": "nginx:1", "port": 8080, "path_pattern": "/api/*", "health_check_path": "/up"}]}
    ).model_dump(mode="json")
    script = Script({"services[0].kind": "job", "services[0].schedule": "rate(5 minutes)"})
    answers = run_wizard([], prompter=script, initial=saved)
    job = answers.services[0]
    assert job.kind == "job" and job.schedule == "rate(5 minutes)"
    assert not {"port", "path_pattern", "health_check_path", "desired_count"} & job.model_fields_set
    assert answers.load_balancer.type == "none"


def test_summary_and_change_menu_cover_the_kinds() -> None:
    script = Script(
        {
            "name": "shop",
            "services[0].kind": "backend",
            "services[0].internal_path": "/orders/*",
            "next": [Attempt("change"), Attempt("write")],
            "section": "services",
        }
    )
    run(script)
    rows = dict(script.summary_rows)
    assert rows["Service backend"].startswith("backend, ") and "on /orders/* of the internal ALB" in rows["Service backend"]
    assert rows["Traffic"] == "internal ALB for backend; Service Connect to backend"
    # No web or nlb service: the traffic section has nothing to ask, so it is not offered.
    assert "traffic" not in [v for _, v in script.choices["section"]]
    assert script.asked.count("services[0].kind") == 2


def test_saved_answers_of_a_job_read_back_the_same() -> None:
    script = Script({"name": "shop", "services[0].kind": "job", "services[0].schedule": "rate(1 hour)"})
    answers = run(script)
    from tfgen.render.provenance import answers_yaml

    text = answers_yaml(answers)
    assert "port:" not in text and "desired_count" not in text
    assert yaml.safe_load(text)["services"][0]["schedule"] == "rate(1 hour)"


def test_a_backend_on_ec2_takes_its_size_under_more_options_and_never_spot() -> None:
    script = Script(
        {
            "name": "shop",
            "launch_type": True,
            "services[0].kind": "backend",
            "services[0].more": True,
            "services[0].cpu": [Attempt("100"), Attempt("512")],
            "services[0].memory": "1024",
        }
    )
    answers = run(script)
    assert (answers.services[0].cpu, answers.services[0].memory) == (512, 1024)
    assert "services[0].cpu" not in script.choices  # a number on EC2, not Fargate's menu
    assert "services[0].spot" not in script.asked  # Fargate Spot is Fargate's
    assert script.problems == ["task CPU on EC2 must be 128-16384 units, got 100"]
