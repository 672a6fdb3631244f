"""`tfgen import copilot`: Copilot workspaces written for these tests (tests/copilot_workspaces/)
and small ones made per test, read into answers and a report of every manifest field."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tfgen.errors import InputError
from tfgen.importers.copilot import convert
from tfgen.importers.copilot.fields import markdown_table, resolve
from tfgen.importers.copilot.mapping import import_workspace

WORKSPACES = Path(__file__).parent / "copilot_workspaces"
SHOP = WORKSPACES / "shop"
REPO = Path(__file__).parent.parent


def tfgen(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tfgen", *args], capture_output=True, text=True, cwd=cwd)


def workspace(root: Path, files: dict[str, str], app: str = "demo") -> Path:
    """A Copilot workspace under `root`: copilot/.workspace and the given files (dedented)."""
    (root / "copilot").mkdir(parents=True, exist_ok=True)
    (root / "copilot" / ".workspace").write_text(f"application: {app}\n")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def services(imported) -> dict[str, dict]:
    return {s["name"]: s for s in imported.data["services"]}


def rows(imported, scope: str) -> dict[str, tuple[str, str, int | None]]:
    return {r.field: (r.status, r.note, r.line) for r in imported.report.rows if r.scope == scope}


@pytest.fixture(scope="module")
def prod():
    return import_workspace(SHOP, "prod", "tfgen-answers.yaml")


# --- workload types ------------------------------------------------------------------------------


def test_every_workload_type_becomes_its_kind(prod):
    kinds = {name: s["kind"] for name, s in services(prod).items()}
    assert kinds == {"api": "backend", "edge": "nlb", "frontend": "web", "orders-worker": "worker", "report": "job"}
    # Types tfgen has no kind for are reported and left out, never guessed.
    assert rows(prod, "svc/site")["type"][0] == "unsupported" and "Static Site" in rows(prod, "svc/site")["type"][1]
    assert rows(prod, "svc/legacy")["type"][0] == "unsupported" and "App Runner" in rows(prod, "svc/legacy")["type"][1]
    fn = rows(prod, "svc/fn")["type"]
    assert fn[0] == "unsupported" and "unknown workload type 'Lambda Function'" in fn[1] and "not guessed" in fn[1]
    assert fn[2] == 2


def test_web_service_fields_and_their_lines(prod):
    web = services(prod)["frontend"]
    assert web["image"] == "public.ecr.aws/nginx/nginx:1.27" and web["port"] == 8080
    assert web["cpu"] == 512 and web["memory"] == 1024 and web["exec"] is True
    assert web["path_pattern"] == "/*" and web["health_check_path"] == "/healthz"
    assert prod.origins[("services", 2, "health_check_path")] == "copilot/frontend/manifest.yml:12"
    assert prod.origins[("services", 2, "cpu")] == "copilot/frontend/manifest.yml:16"
    status, note, line = rows(prod, "svc/frontend")["http.healthcheck"]
    assert status == "approximated" and "healthy_threshold" in note and line == 11


def test_backend_with_http_takes_an_internal_path_and_connect(prod):
    api = services(prod)["api"]
    assert api["internal_path"] == "/api*" and "path_pattern" not in api
    assert api["connect"] is True and api["publish"] == [{"name": "orders"}]
    assert rows(prod, "svc/api")["http.path"][0] == "approximated"


def test_worker_queue_subscriptions_and_backlog_scaling(prod):
    worker = services(prod)["orders-worker"]
    assert worker["queue"] == {
        "retention_seconds": 96 * 3600,
        "processing_time_seconds": 300,
        "max_receive_count": 3,
        "subscribe": [{"service": "api", "topic": "orders", "filter_policy": {"event": ["order_placed"]}}],
    }
    # Copilot's queue_delay: 10 minutes of acceptable latency over 250 ms per message.
    assert worker["autoscaling"] == {"min": 1, "max": 5, "backlog_per_task": 2400}
    assert worker["command"] == ["python", "worker.py", "--queue", "orders queue"]


def test_scheduled_job(prod):
    job = services(prod)["report"]
    assert job["schedule"] == "cron(0 9 ? * 2-6 *)" and job["retries"] == 2 and job["max_age_seconds"] == 3600
    assert "port" not in job and "desired_count" not in job
    assert job["sidecars"] == [{"name": "nginx", "image": "public.ecr.aws/nginx/nginx:1.27", "essential": False}]
    assert rows(prod, "svc/report")["timeout"][0] == "approximated"


def test_nlb_service(prod):
    edge = services(prod)["edge"]
    assert edge["kind"] == "nlb" and edge["port"] == 8443 and edge["desired_count"] == 2


# --- environments ----------------------------------------------------------------------------------


def test_environment_in_an_imported_vpc(prod):
    assert prod.data["environment"] == "prod" and prod.data["region"] == "eu-west-1"
    assert prod.data["network"] == {
        "create_vpc": False,
        "vpc_id": "vpc-0a1b2c3d4e5f60718",
        "public_subnet_ids": ["subnet-0aa00000000000001", "subnet-0aa00000000000002"],
        "private_subnet_ids": ["subnet-0bb00000000000001", "subnet-0bb00000000000002"],
    }
    assert prod.data["load_balancer"]["certificate_arn"].startswith("arn:aws:acm:eu-west-1:123456789012:certificate/")
    assert prod.origins[("network", "private_subnet_ids", 1)] == "copilot/environments/prod/manifest.yml:14"


def test_environment_overrides_follow_env(prod):
    web = services(prod)["frontend"]
    assert web["autoscaling"] == {"min": 3, "max": 10, "cpu_target": 60} and web["desired_count"] == 3
    assert prod.origins[("services", 2, "autoscaling")] == "copilot/frontend/manifest.yml:46"
    frontend = rows(prod, "svc/frontend")
    assert frontend["environments.prod"][0] == "mapped" and frontend["environments.test"][0] == "ignored"
    test = import_workspace(SHOP, "test", "a.yaml")
    web = services(test)["frontend"]
    assert web["desired_count"] == 1 and "autoscaling" not in web
    assert test.data["network"] == {"vpc_cidr": "10.20.0.0/16", "azs": ["eu-west-1a", "eu-west-1b"]}


def test_several_environments_need_env_and_a_known_one():
    with pytest.raises(InputError, match="environments prod, test: choose one with --env NAME"):
        import_workspace(SHOP, None, "a.yaml")
    with pytest.raises(InputError, match="no environment 'prdo' in the workspace .*: prod, test"):
        import_workspace(SHOP, "prdo", "a.yaml")


def test_default_environment_and_copilot_defaults(tmp_path):
    root = workspace(tmp_path, {"copilot/web/manifest.yml": """\
        name: web
        type: Load Balanced Web Service
        image:
          location: public.ecr.aws/nginx/nginx:1.27
          port: 80
        http:
          path: /
        """})
    imported = import_workspace(root, None, "a.yaml")
    assert "network" not in imported.data and "environment" not in imported.data  # tfgen's new VPC over two AZs
    web = services(imported)["web"]
    assert (web["cpu"], web["memory"], web["desired_count"]) == (256, 512, 1)
    assert imported.origins[("services", 0, "cpu")] == "Copilot's default cpu 256"
    scope = rows(imported, "svc/web")
    assert "Copilot's default cpu 256" in scope["cpu"][1] and "Copilot's default count 1" in scope["count"][1]
    assert "Copilot's default health check path /" in scope["http.healthcheck"][1]
    assert "linux/x86_64" in scope["platform"][1]
    assert "public subnets" in scope["network.vpc.placement"][1] and scope["network.vpc.placement"][0] == "approximated"
    network = rows(imported, "workspace")["network"]
    assert "new VPC" in network[1] and "two AZs" in network[1]
    region = rows(imported, "workspace")["region"]
    assert region[0] == "approximated" and "us-east-1" in region[1] and imported.data["region"] == "us-east-1"
    # An environment Copilot made without a manifest: its name, and Copilot's default network.
    staging = import_workspace(root, "staging", "a.yaml")
    assert staging.data["environment"] == "staging" and "network" not in staging.data
    assert "Copilot's default environment" in rows(staging, "env/staging")["network"][1]


# --- images, secrets, storage, capacity ----------------------------------------------------------


def test_image_build_needs_the_pipeline(prod):
    api = services(prod)["api"]
    assert api["build"] == {"context": "api", "dockerfile": "api/Dockerfile"} and "image" not in api
    assert prod.data["deploy"] == {"images": "pipeline"} and prod.builds == ["api"]
    assert prod.origins[("services", 0, "build")].startswith("copilot/api/manifest.yml:5: no image yet; the pipeline builds it")
    assert any("push its first image" in step and "docker build -t REPOSITORY:first -f api/Dockerfile api" in step for step in prod.report.next_steps)


def test_image_build_as_a_dockerfile_path(tmp_path):
    root = workspace(tmp_path, {"copilot/jobs/manifest.yml": """\
        type: Scheduled Job
        image:
          build: ./jobs/Dockerfile
        on:
          schedule: "@daily"
        """})
    job = services(import_workspace(root, None, "a.yaml"))["jobs"]  # named after its folder
    assert job["build"] == {"context": "jobs", "dockerfile": "jobs/Dockerfile"} and job["schedule"] == "cron(0 0 * * ? *)"


def test_secrets_of_every_kind(prod):
    assert services(prod)["frontend"]["secrets"] == {
        "DB_PASSWORD": "/shop/prod/db_password",
        "STRIPE_KEY": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/stripe-AbCdEf",
    }
    # Copilot's `secretsmanager:` shorthand: the ARN from the account the workspace names.
    assert services(prod)["api"]["secrets"] == {"PAYMENTS_TOKEN": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-payments"}
    status, note, _ = rows(prod, "svc/api")["secrets.PAYMENTS_TOKEN"]
    assert status == "approximated" and "describe-secret --secret-id shop-payments" in note


def test_secretsmanager_shorthand_without_an_account_is_reported(tmp_path):
    root = workspace(tmp_path, {"copilot/w/manifest.yml": """\
        type: Worker Service
        image: {location: public.ecr.aws/docker/library/python:3.12-slim}
        secrets:
          TOKEN: {secretsmanager: shop-token}
          KEYED: {secretsmanager: 'shop-db:password::'}
          CFN: {from_cfn: SomeExport}
        """})
    imported = import_workspace(root, None, "a.yaml")
    assert "secrets" not in services(imported)["w"]
    scope = rows(imported, "svc/w")
    assert scope["secrets.TOKEN"][0] == scope["secrets.KEYED"][0] == scope["secrets.CFN"][0] == "unsupported"
    assert "no manifest names the account" in scope["secrets.TOKEN"][1]


def test_efs_volumes(prod, tmp_path):
    assert prod.data["efs"] == {"enabled": True}
    api = services(prod)["api"]
    assert api["efs_mount"] == "/data" and api["efs_read_only"] is False
    root = workspace(tmp_path, {"copilot/w/manifest.yml": """\
        type: Backend Service
        image: {location: public.ecr.aws/nginx/nginx:1.27, port: 80}
        storage:
          volumes:
            shared:
              path: /shared
              efs:
                id: fs-0123456789abcdef0
            scratch:
              path: /scratch
        """})
    imported = import_workspace(root, None, "a.yaml")
    w = services(imported)["w"]
    assert w["efs_mount"] == "/shared" and w["efs_read_only"] is True  # Copilot's default read_only
    scope = rows(imported, "svc/w")
    assert scope["storage.volumes.shared"][0] == "approximated" and "fs-0123456789abcdef0" in scope["storage.volumes.shared"][1]
    assert scope["storage.volumes.scratch"][0] == "unsupported"


def test_spot_and_arm64(prod, tmp_path):
    assert services(prod)["orders-worker"]["spot"] == {"base": 1, "share": 100}  # spot_from: 2
    assert services(prod)["frontend"]["platform"] == "linux/arm64"
    root = workspace(tmp_path, {"copilot/w/manifest.yml": """\
        type: Worker Service
        image: {location: public.ecr.aws/docker/library/python:3.12-slim}
        platform: {osfamily: linux, architecture: arm64}
        count:
          spot: 3
        """})
    w = services(import_workspace(root, None, "a.yaml"))["w"]
    assert w["spot"] == {"base": 0, "share": 100} and w["desired_count"] == 3 and w["platform"] == "linux/arm64"


# --- YAML 1.2, variables, typos, unsupported -------------------------------------------------------


def test_yaml_1_2_strings(prod):
    env = services(prod)["frontend"]["environment"]
    assert env["FEATURE_FLAG"] == "no" and env["TZ_OFFSET"] == "-05:00"  # YAML 1.1 would say False and -300
    assert services(prod)["report"]["schedule"].startswith("cron(")  # `on:` is a key, not True


def test_variables_copilot_names_substituted_shell_names_reported(prod):
    env = services(prod)["frontend"]["environment"]
    assert env["APP_NAME"] == "shop-prod" and env["LOG_LEVEL"] == "info"
    # ${RELEASE_TAG} as the whole value: a Terraform variable, not literal text in environment.
    assert "RELEASE" not in env and services(prod)["frontend"]["variables"] == {"RELEASE": "release_tag"}
    status, note, _ = rows(prod, "svc/frontend")["variables.RELEASE"]
    assert status == "mapped" and "Terraform variable release_tag" in note and "TF_VAR_release_tag" in note
    assert any("release_tag" in step and "${RELEASE_TAG}" in step for step in prod.report.next_steps)


def test_shell_variables_become_terraform_variables_mixed_text_stays_approximated(tmp_path):
    root = workspace(tmp_path / "ws", {
        "copilot/w/manifest.yml": """\
        name: w
        type: Backend Service
        image:
          location: nginx
        env_file: copilot/w/w.env
        variables:
          TAG: ${RELEASE_TAG}
          WHERE: ${REGION}
          URL: https://${DOMAIN}/api
          SHARED: ${RELEASE_TAG}
        """,
        "copilot/w/w.env": "TAG=from-the-file\nOTHER=1\n",
    })
    imported = import_workspace(root, None, "a.yaml")
    w = services(imported)["w"]
    # region is the stack's own variable: the shell's REGION takes a prefixed name.
    assert w["variables"] == {"TAG": "release_tag", "WHERE": "shell_region", "SHARED": "release_tag"}
    assert w["environment"] == {"OTHER": "1", "URL": "https://${DOMAIN}/api"}  # the variable wins over env_file's TAG
    assert ("services", 0, "environment", "TAG") not in imported.origins
    assert imported.origins[("services", 0, "variables", "TAG")].endswith("manifest.yml:7")
    status, note, _ = rows(imported, "svc/w")["variables.URL"]
    assert status == "approximated" and "${DOMAIN}" in note
    (step,) = [s for s in imported.report.next_steps if "release_tag" in s]
    assert "shell_region (Copilot's ${REGION})" in step and "TF_VAR_" in step


def test_env_file_contents_become_environment(prod):
    env = services(prod)["api"]["environment"]
    assert env["CACHE_TTL"] == "300" and env["GREETING"] == "hello world" and env["ORDERS_TOPIC"] == "orders"
    assert prod.origins[("services", 0, "environment", "GREETING")] == "api/api.env:3"


def test_keys_copilot_ignores_are_reported_as_ignored(prod):
    status, note, line = rows(prod, "svc/report")["memroy"]
    assert status == "ignored" and "did you mean memory?" in note and line == 11
    status, note, line = rows(prod, "svc/frontend")["http.healtcheck"]
    assert status == "ignored" and "did you mean http.healthcheck?" in note and line == 10
    assert services(prod)["report"]["memory"] == 512  # the typo's 2048 is not used, as in Copilot


def test_unsupported_features_say_what_to_do(prod, tmp_path):
    workspace_rows = rows(prod, "workspace")
    assert workspace_rows["copilot/api/addons/"][0] == "unsupported" and "Terraform" in workspace_rows["copilot/api/addons/"][1]
    assert workspace_rows["copilot/pipelines/"][0] == "unsupported" and "ci.system" in workspace_rows["copilot/pipelines/"][1]
    assert rows(prod, "svc/frontend")["taskdef_overrides"][0] == "unsupported"
    assert rows(prod, "env/prod")["cdn"][0] == "unsupported"
    # An alias needs a certificate: prod imports one, test does not.
    assert rows(prod, "svc/frontend")["http.alias"][0] == "approximated"
    status, note, _ = rows(import_workspace(SHOP, "test", "a.yaml"), "svc/frontend")["http.alias"]
    assert status == "unsupported" and "request an ACM certificate" in note and "load_balancer.certificate_arn" in note
    root = workspace(tmp_path, {"copilot/w/overrides/cfn.patches.yml": "- op: add\n", "copilot/w/manifest.yml": """\
        type: Backend Service
        image: {location: public.ecr.aws/nginx/nginx:1.27}
        variables:
          TABLE: {from_cfn: shop-table}
        """})
    imported = import_workspace(root, None, "a.yaml")
    assert rows(imported, "workspace")["copilot/w/overrides/"][0] == "unsupported"
    assert rows(imported, "svc/w")["variables.TABLE"][0] == "unsupported"


def test_every_field_of_every_manifest_has_a_row(prod):
    # Each manifest key is covered by a row (itself or an ancestor): nothing is silently dropped.
    from tfgen.importers.copilot.manifest import read_manifest

    for manifest in sorted((SHOP / "copilot").glob("**/manifest.yml")):
        shown = manifest.relative_to(SHOP).as_posix()
        if "pipelines" in shown or "environments/test" in shown:
            continue  # not a manifest Copilot reads / not the environment imported
        doc = read_manifest(manifest, shown)
        fields = {r.field for r in prod.report.rows if r.file == shown}
        leaves = [p for p in doc.lines if not any(len(q) > len(p) and q[: len(p)] == p for q in doc.lines)]
        for path in leaves:
            dotted = ".".join(str(p) for p in path if not isinstance(p, int))
            assert any(dotted == f or dotted.startswith(f + ".") for f in fields) or doc.get("type") in (
                "Static Site", "Request-Driven Web Service", "Lambda Function"
            ), f"{shown}: {dotted} has no row"


# --- conversions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("copilot", "expected"),
    [
        ("@hourly", "cron(0 * * * ? *)"),
        ("@weekly", "cron(0 0 ? * 1 *)"),
        ("@every 90m", "rate(90 minutes)"),
        ("@every 2h", "rate(2 hours)"),
        ("@every 24h", "rate(1 day)"),
        ("30 2 * * 0", "cron(30 2 ? * 1 *)"),
        ("0 0 1 * *", "cron(0 0 1 * ? *)"),
        ("none", None),
        ("@every 30s", None),
    ],
)
def test_schedules(copilot, expected):
    assert convert.schedule(copilot)[0] == expected


def test_durations_and_paths():
    assert convert.seconds("1h30m") == 5400 and convert.seconds("5d") == 432000 and convert.seconds("250ms") == 0.25
    assert convert.seconds("soon") is None
    assert convert.path_pattern("/") == ("/*", True) and convert.path_pattern("api/") == ("/api*", False)
    assert convert.port("443/tls") == (443, "tls") and convert.port(80) == (80, None)


def test_field_map_resolves_rows():
    assert resolve("Load Balanced Web Service", ("count", "range", "min")) == (("count", "range"), resolve("Load Balanced Web Service", ("count", "range"))[1])
    assert resolve("Load Balanced Web Service", ("count",))[1].pattern == "count"
    assert resolve("Load Balanced Web Service", ("count", "rnage")) == (("count", "rnage"), None)
    assert resolve("Scheduled Job", ("http", "path")) == (("http",), None)  # a job has no http
    assert resolve("Worker Service", ("sidecars", "envoy", "port"))[0] == ("sidecars", "envoy")


def test_readme_field_map_is_the_field_map():
    text = (REPO / "README.md").read_text()
    marker = "<!-- copilot-fields: generated from tfgen/importers/copilot/fields.py; a test keeps it in sync -->\n"
    assert marker in text, "README: the Copilot field map section is missing"
    table = text.split(marker, 1)[1].split("<!-- copilot-fields:end -->")[0]
    assert table == markdown_table()


# --- the command -------------------------------------------------------------------------------------


def test_invalid_manifest_exits_2_naming_file_and_line(tmp_path):
    root = workspace(tmp_path / "ws", {"copilot/api/manifest.yml": "name: api\ntype: Backend Service\nimage: [unclosed\n"})
    result = tfgen("import", "copilot", str(root), "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "copilot/api/manifest.yml:" in result.stderr and "invalid YAML" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_duplicate_key_and_non_mapping_manifests_are_refused(tmp_path):
    root = workspace(tmp_path / "ws", {"copilot/api/manifest.yml": "name: api\ntype: Backend Service\ncpu: 256\ncpu: 512\n"})
    result = tfgen("import", "copilot", str(root), "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 2 and "copilot/api/manifest.yml:4" in result.stderr
    (root / "copilot/api/manifest.yml").write_text("- a list\n")
    result = tfgen("import", "copilot", str(root), "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 2 and "copilot/api/manifest.yml:1: a manifest is a mapping" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


def test_not_a_workspace_and_missing_env_file(tmp_path):
    result = tfgen("import", "copilot", str(tmp_path), "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 2 and "not a Copilot workspace" in result.stderr
    root = workspace(tmp_path / "ws", {"copilot/api/manifest.yml": "type: Backend Service\nimage: {location: nginx}\nenv_file: missing.env\n"})
    result = tfgen("import", "copilot", str(root), "-o", str(tmp_path / "out.yaml"))
    assert result.returncode == 2 and "copilot/api/manifest.yml:3: env_file missing.env not found" in result.stderr
    assert not (tmp_path / "out.yaml").exists()


# --- writing the answers (needs the answers keys of issue 10: kinds, extras, pipeline) ------------


def test_writes_commented_answers_that_tfgen_loads(tmp_path):
    out = tmp_path / "answers.yaml"
    result = tfgen("import", "copilot", str(SHOP), "--env", "prod", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "cpu: 512 # copilot/frontend/manifest.yml:16" in text
    assert "schedule: cron(0 9 ? * 2-6 *) # copilot/report/manifest.yml:8" in text
    assert "# Copilot's default memory 512" in text
    from tfgen.answers import load_answers_file

    answers = load_answers_file(out)  # exactly as `tfgen new --answers` loads it
    frontend = next(s for s in answers.services if s.name == "frontend")
    assert frontend.environment["FEATURE_FLAG"] == "no" and frontend.environment["TZ_OFFSET"] == "-05:00"
    assert "svc/frontend" in result.stdout and "ignored      memroy" in result.stdout


def test_json_report(tmp_path):
    out = tmp_path / "answers.yaml"
    result = tfgen("import", "copilot", str(SHOP), "--env", "prod", "-o", str(out), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"version", "workspace", "env", "answers", "fields"}
    assert report["version"] == 1 and report["env"] == "prod" and report["answers"] == str(out)
    assert report["workspace"] == str(SHOP)
    for row in report["fields"]:
        assert set(row) == {"scope", "field", "file", "line", "status", "note"}
        assert row["status"] in ("mapped", "approximated", "unsupported", "ignored")
        assert row["scope"] == "workspace" or row["scope"].startswith(("svc/", "env/"))
    path = next(r for r in report["fields"] if r["scope"] == "svc/frontend" and r["field"] == "http.path")
    assert path == {"scope": "svc/frontend", "field": "http.path", "file": "copilot/frontend/manifest.yml", "line": 9,
                    "status": "mapped", "note": "path_pattern /* on the public ALB"}


def test_never_overwrites_without_force(tmp_path):
    out = tmp_path / "answers.yaml"
    out.write_text("name: mine\n")
    result = tfgen("import", "copilot", str(SHOP), "--env", "prod", "-o", str(out))
    assert result.returncode == 1 and "--force" in result.stderr
    assert out.read_text() == "name: mine\n"
    assert tfgen("import", "copilot", str(SHOP), "--env", "prod", "-o", str(out), "--force").returncode == 0
    assert out.read_text().startswith("# yaml-language-server: $schema=.tfgen-answers.schema.json\n# tfgen answers imported from an AWS Copilot workspace")
    again = tfgen("import", "copilot", str(SHOP), "--env", "prod", "-o", str(out))
    assert again.returncode == 0  # the same answers: nothing to overwrite


def test_answers_the_model_refuses_name_the_key_and_the_manifest_line(tmp_path):
    root = workspace(tmp_path / "ws", {"copilot/web/manifest.yml": """\
        name: web
        type: Load Balanced Web Service
        image: {location: public.ecr.aws/nginx/nginx:1.27, port: 80}
        cpu: 300
        """})
    out = tmp_path / "answers.yaml"
    result = tfgen("import", "copilot", str(root), "-o", str(out))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "services[0].cpu: 300 is not a Fargate CPU size" in result.stderr
    assert "[from copilot/web/manifest.yml:4]" in result.stderr
    assert not out.exists()


# --- end to end: import -> tfgen new -> terraform -> tfgen check -----------------------------------


@pytest.fixture(scope="module")
def shop_plan(offline_terraform, tmp_path_factory) -> dict:
    """The shop workspace's prod environment, imported, rendered and planned offline once."""
    here = tmp_path_factory.mktemp("copilot")
    answers, stack = here / "answers.yaml", here / "stack"
    result = tfgen("import", "copilot", str(SHOP), "--env", "prod", "-o", str(answers))
    assert result.returncode == 0, result.stderr
    result = tfgen("new", str(stack), "--answers", str(answers))
    assert result.returncode == 0, result.stderr
    checked = tfgen("check", str(stack), "--format", "json", "--fail-on", "warning")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert [f["rule_id"] for f in json.loads(checked.stdout)["findings"] if f["severity"] != "info"] == []
    tf = offline_terraform(stack)
    tf.fmt_check()
    tf.init()
    tf.validate()
    # The shop's ${RELEASE_TAG} is a stack input variable without a value: the deployer passes it.
    tf.plan("tfplan", "-refresh=false", "-var", "release_tag=v1.2.3")
    return tf.show_json("tfplan")


def _values(plan: dict, rtype: str) -> list[dict]:
    from stacks import of_type

    return [r["values"] for r in of_type(plan, rtype)]


def _containers(plan: dict, family_end: str) -> tuple[dict, list[dict]]:
    (td,) = [v for v in _values(plan, "aws_ecs_task_definition") if v["family"].endswith(family_end)]
    return td, json.loads(td["container_definitions"])


@pytest.mark.terraform
def test_shop_plan_carries_the_manifest_values(shop_plan):
    td, containers = _containers(shop_plan, "-frontend")
    assert (td["cpu"], td["memory"]) == ("512", "1024")
    assert td["runtime_platform"][0]["cpu_architecture"] == "ARM64"
    main = next(c for c in containers if c["name"] == "frontend")
    env = {e["name"]: e["value"] for e in main["environment"]}
    assert env["APP_NAME"] == "shop-prod" and env["FEATURE_FLAG"] == "no" and env["TZ_OFFSET"] == "-05:00"
    assert env["RELEASE"] == "v1.2.3"  # from the Terraform variable release_tag
    other = [c for v in _values(shop_plan, "aws_ecs_task_definition") if "container_definitions" in v for c in json.loads(v["container_definitions"]) if c != main]
    assert not any(e["name"] == "RELEASE" for c in other for e in c.get("environment") or [])
    targets = {(t["min_capacity"], t["max_capacity"]) for t in _values(shop_plan, "aws_appautoscaling_target")}
    assert (3, 10) in targets and (1, 5) in targets  # frontend's prod range, the worker's range
    paths = {p for rule in _values(shop_plan, "aws_lb_listener_rule") for c in rule["condition"] for pp in c.get("path_pattern", []) for p in pp["values"]}
    assert {"/*", "/api*"} <= paths
    schedules = [s["schedule_expression"] for s in _values(shop_plan, "aws_scheduler_schedule")]
    assert schedules == ["cron(0 9 ? * 2-6 *)"]
    (subscription,) = _values(shop_plan, "aws_sns_topic_subscription")
    assert json.loads(subscription["filter_policy"]) == {"event": ["order_placed"]}
    assert {t["name"] for t in _values(shop_plan, "aws_sns_topic")} == {"shop-prod-api-orders"}
    queues = {q["name"]: q for q in _values(shop_plan, "aws_sqs_queue")}
    assert any(q["message_retention_seconds"] == 345600 and q["visibility_timeout_seconds"] > 300 for q in queues.values())
    assert _values(shop_plan, "aws_efs_file_system") and _values(shop_plan, "aws_ecr_repository")
    services = {v["name"]: v for v in _values(shop_plan, "aws_ecs_service")}
    assert "shop-prod-report" not in services  # a job has no service
    strategy = {s["capacity_provider"]: (s["base"], s["weight"]) for s in services["shop-prod-orders-worker"]["capacity_provider_strategy"]}
    assert strategy == {"FARGATE": (1, 0), "FARGATE_SPOT": (0, 1)}  # spot_from: 2
    assert services["shop-prod-frontend"]["enable_execute_command"] is True


def test_a_sidecar_variable_from_the_shell_is_reported_not_called_mapped(tmp_path):
    """A sidecar has no `variables` key, so `${VAR}` in its variables stays literal text: the
    report once called that row mapped; it is approximated and names the shell variable."""
    root = workspace(tmp_path, {"copilot/web/manifest.yml": """\
        type: Backend Service
        image:
          location: nginx
        sidecars:
          agent:
            image: public.ecr.aws/datadog/agent:7
            variables:
              DD_API_KEY_VERSION: ${DD_VERSION}
              DD_SITE: datadoghq.eu
          plain:
            image: busybox:1.36
            variables:
              MODE: quiet
        """})
    imported = import_workspace(root, None, "a.yaml")
    found = rows(imported, "svc/web")
    status, note, _ = found["sidecars.agent"]
    assert status == "approximated" and "${DD_VERSION}" in note
    assert found["sidecars.plain"][0] == "mapped"
    (agent,) = [c for c in services(imported)["web"]["sidecars"] if c["name"] == "agent"]
    assert agent["environment"]["DD_API_KEY_VERSION"] == "${DD_VERSION}"
