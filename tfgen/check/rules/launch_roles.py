"""2xx: the roles that start tasks for you: EventBridge schedules and CI deploy roles.

A schedule's role and a CI pipeline's deploy role both hand roles to ECS (`iam:PassRole`) and
start or roll out tasks. What they may pass bounds what any task they start may do, and who may
assume the deploy role bounds who may deploy.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

from tfgen.check.model import Computed, Model, PartialString, Resource, Unknown
from tfgen.check.rules.base import Fail, Pending, Rule, Undecided, judges_each, known, unless_unknown
from tfgen.check.rules.helpers import ecs_launch, scheduled_sources
from tfgen.check.rules.iam import (
    allowed_statements,
    grants,
    items,
    managed_policy_allows,
    managed_policy_name,
    role_of,
    role_policies,
)
from tfgen.check.rules.roles import over_privileged

_ECS = "https://docs.aws.amazon.com/AmazonECS/latest/developerguide"
_IAM = "https://docs.aws.amazon.com/IAM/latest/UserGuide"
GITHUB_ISSUER = "token.actions.githubusercontent.com"


def schedule_roles(model: Model) -> dict[str, Resource]:
    """Role address -> role, for the roles in this configuration that schedules run ECS tasks with."""

    def build() -> dict[str, Resource]:
        found: dict[str, Resource] = {}
        for source in scheduled_sources(model):
            launch = unless_unknown(None, ecs_launch, source)
            role = role_of(model, launch.role) if launch is not None else None
            if isinstance(role, Resource):
                found[role.address] = role
        return found

    return model.memo("launch-roles.schedule", build)


def is_ci_issuer(host: str) -> bool:
    """GitHub Actions' issuer (GitHub Enterprise's unique URL adds a path) or a GitLab instance's."""
    return host == GITHUB_ISSUER or host.startswith(GITHUB_ISSUER + "/") or "gitlab" in host.lower()


def _issuer_of(model: Model, principal: Any) -> str:
    """The issuer host of an OIDC provider (its ARN, or a reference to one in this configuration)."""
    provider = model.resolve(principal, "aws_iam_openid_connect_provider", attributes=("arn",))
    if isinstance(provider, Resource):
        url = known(provider.get("url"), f"the URL of {provider.address} is not known")
        return str(url).removeprefix("https://").rstrip("/")
    text = principal.pattern if isinstance(principal, PartialString) else known(principal)
    if isinstance(text, str) and ":oidc-provider/" in text:
        host = text.split(":oidc-provider/", 1)[1]
        if "*" not in host:
            return host
    if isinstance(principal, Unknown):
        raise Undecided("federated principal not known")
    return ""


def _condition_hosts(statement: dict[str, Any]) -> set[str]:
    """Issuer hosts the statement's condition keys name (`<host>:sub`, `<host>:aud`)."""
    hosts = set()
    conditions = statement.get("Condition")
    for block in conditions.values() if isinstance(conditions, dict) else []:
        for key in block if isinstance(block, dict) else []:
            if isinstance(key, str) and ":" in key:
                hosts.add(key.rsplit(":", 1)[0])
    return hosts


def ci_trust(model: Model, role: Resource) -> list[tuple[dict[str, Any], str]]:
    """(statement, issuer host) for each Allow statement of the role's trust policy that lets a CI
    system's OIDC tokens (GitHub Actions, GitLab) assume it; Undecided when that cannot be told."""
    found = []
    pending = Pending()
    for statement in allowed_statements(role.get("assume_role_policy"), pending):
        with pending:
            if not grants(statement, "sts:AssumeRoleWithWebIdentity", "trust policy action not known"):
                continue
            principal = known(statement.get("Principal"), "trust policy principal not known")
            federated = principal.get("Federated") if isinstance(principal, dict) else None
            for value in items(federated):
                try:
                    host = _issuer_of(model, value)
                except Undecided:
                    # The provider is not known; the condition keys still name its issuer.
                    host = next((h for h in sorted(_condition_hosts(statement)) if is_ci_issuer(h)), None)
                    if host is None:
                        raise
                if is_ci_issuer(host):
                    found.append((statement, host))
                    break
    if not found:
        pending.settle()
    return found


def ci_roles(model: Model) -> dict[str, Resource]:
    """Role address -> role, for the roles a CI pipeline assumes through OIDC."""

    def build() -> dict[str, Resource]:
        return {role.address: role for role in model.managed("aws_iam_role") if unless_unknown([], ci_trust, model, role)}

    return model.memo("launch-roles.ci", build)


def launch_roles(model: Model) -> list[Resource]:
    """Roles that start or deploy tasks: the schedules' roles, then the CI deploy roles."""
    return list({**schedule_roles(model), **ci_roles(model)}.values())


def _label(model: Model, role: Resource) -> str:
    return "schedule role" if role.address in schedule_roles(model) else "CI deploy role"


# --- TFG210: iam:PassRole on any role -----------------------------------------------------------

_ANY_ROLE = re.compile(r"^(\*|arn:[^:]*:iam::[^:]*:(role/)?[*?]*)$")


def _pass_role_target(value: Any) -> tuple[str, bool] | None:
    """(what the Resource entry lets the role pass, whether that is every role), None for one
    role; Undecided when the entry is not known."""
    if isinstance(value, Computed):
        return None  # a reference to one role's ARN
    if isinstance(value, PartialString):
        literal = "".join(p for p in value.parts if isinstance(p, str))
        if "*" not in literal and "?" not in literal:
            known(value)  # an interpolated ARN: which role it names is not known
        text = value.pattern
    else:
        text = known(value)
    if not isinstance(text, str) or ("*" not in text and "?" not in text):
        return None
    if _ANY_ROLE.match(text):
        return ("any role" if text == "*" else f"any role of {text}"), True
    return f"every role matching {text}", False


def _passes(document: Any, pending: Pending) -> list[tuple[str, bool]]:
    found = []
    for statement in allowed_statements(document, pending):
        with pending:
            if not grants(statement, "iam:PassRole", "policy action not known"):
                continue
            if statement.get("NotResource") is not None:
                found.append(("every role its NotResource leaves out", True))
                continue
            for value in items(statement.get("Resource")):
                with pending:
                    target = _pass_role_target(value)
                    if target is not None:
                        found.append(target)
    return found


@judges_each(launch_roles)
def check_pass_role(model: Model, role: Resource) -> Iterator[Fail]:
    reported: set[str] = model.memo("TFG210.reported", set)
    label = _label(model, role)
    policies = role_policies(model, role)
    pending = Pending()
    for unknown in policies.unknown:
        pending.add(unknown.reason)
    hits = []
    for holder, document in policies.documents:
        with pending:
            found = _passes(document, pending)
            if found:
                hits.append((holder, found))
    for arn in policies.managed_arns:
        with pending:
            if managed_policy_allows(arn, "iam:PassRole"):
                hits.append((role, [(f"any role (AWS managed policy {managed_policy_name(arn)})", True)]))
    for holder, found in hits:
        key = f"{holder.address}|{role.address}"
        if key in reported:
            continue
        reported.add(key)
        targets = ", ".join(dict.fromkeys(text for text, _ in found))
        severe = any(every for _, every in found)
        yield Fail(holder, f"{label} {role.address} may pass {targets} to the tasks it starts (iam:PassRole)", severity=None if severe else "warning")
    if not hits:
        pending.settle(about=role)


TFG210 = Rule(
    id="TFG210",
    severity="error",
    title="Schedule and deploy roles must pass only the tasks' own roles",
    guidance="roles-that-start-tasks",
    why="A role that may pass any role can start a task with any role of the account: whoever "
    "controls the schedule or the pipeline gets the permissions of the most powerful role there is. "
    "ECS needs it to pass only the task role and execution role of the tasks it starts.",
    fix="Give iam:PassRole the full ARNs of the task's task role and execution role (a reference "
    "such as aws_iam_role.task.arn), with the condition iam:PassedToService = "
    "ecs-tasks.amazonaws.com; drop AmazonEC2ContainerServiceEventsRole, which allows every role.",
    url=f"{_ECS}/CWE_IAM_role.html",
    check=check_pass_role,
    attributes=("policy",),
)


# --- TFG211: an OIDC trust any repository satisfies ----------------------------------------------

# The subject claim's repository part: GitHub's `repo:OWNER/NAME:...`, GitLab's `project_path:GROUP/PROJECT:...`.
_SUBJECT = re.compile(r"^(repo|project_path):([^:]*)")


def _names_a_repository(value: Any) -> bool:
    text = known(value, "subject condition not known")
    if not isinstance(text, str):
        return False
    match = _SUBJECT.match(text)
    if match is None:
        return "*" not in text and "?" not in text  # a customised subject claim, matched exactly
    path = match.group(2)
    return "/" in path and "*" not in path and "?" not in path


def _restricting(operator: Any) -> bool:
    """Condition operators that admit only matching values (`StringEquals`, `ForAnyValue:StringLike`...);
    an `...IfExists` one also admits a token without the claim."""
    return isinstance(operator, str) and operator.split(":")[-1].startswith("String") and "Not" not in operator and not operator.endswith("IfExists")


def _subject_problem(statement: dict[str, Any], host: str) -> str | None:
    key = f"{host}:sub".lower()
    conditions = known(statement.get("Condition"), "trust policy condition not known") or {}
    values: list[Any] = []
    if isinstance(conditions, dict):
        for operator, block in conditions.items():
            block = known(block, "trust policy condition not known")
            if _restricting(operator) and isinstance(block, dict):
                values += [v for k, value in block.items() if isinstance(k, str) and k.lower() == key for v in items(value)]
    if not values:
        return f"has no condition on {host}:sub"
    pending = Pending()
    wide = []
    for value in values:
        with pending:
            if not _names_a_repository(value):
                wide.append(str(value))
    if wide:
        return f"lets {host}:sub match {', '.join(wide)}, which names no single repository"
    pending.settle()
    return None


@judges_each(lambda model: list(ci_roles(model).values()))
def check_ci_subject(model: Model, role: Resource) -> Iterator[Fail]:
    problems = []
    pending = Pending()
    for statement, host in ci_trust(model, role):
        with pending:
            problem = _subject_problem(statement, host)
            if problem is not None:
                problems.append(problem)
    if problems:
        yield Fail(role, f"the OIDC trust of {role.address} {'; '.join(problems)}: a pipeline of any repository could assume it")
    pending.settle()


TFG211 = Rule(
    id="TFG211",
    severity="error",
    title="A CI role's OIDC trust must name the repository in a sub condition",
    guidance="ci-deploy-roles",
    why="GitHub's and GitLab's OIDC providers issue tokens to every pipeline of every repository on "
    "the platform. Without a condition on the token's subject (sub) naming your repository, "
    "anyone's pipeline can assume the role; the audience (aud) alone does not tell repositories apart.",
    fix='Add a StringEquals (or StringLike) condition on "<issuer>:sub" naming the repository and '
    'branch: "repo:OWNER/NAME:ref:refs/heads/main" for GitHub, '
    '"project_path:GROUP/PROJECT:ref_type:branch:ref:main" for GitLab.',
    url=f"{_IAM}/id_roles_create_for-idp_oidc.html",
    check=check_ci_subject,
    attributes=("assume_role_policy",),
)


# --- TFG212: least privilege for the roles that start tasks --------------------------------------


@judges_each(launch_roles)
def check_launch_role_least_privilege(model: Model, role: Resource) -> Iterator[Fail]:
    # iam:PassRole on "*" is TFG210's finding.
    reported = model.memo("TFG212.reported", set)
    yield from over_privileged(model, role, _label(model, role), reported, everything="error", judged_elsewhere=("iam:passrole",))


TFG212 = Rule(
    id="TFG212",
    severity="warning",
    title="Schedule and deploy roles should be least privilege",
    guidance="roles-that-start-tasks",
    why="A schedule runs one task definition; a pipeline pushes to its repositories and rolls its "
    'services out. "*" or "service:*" actions, Resource "*" on actions that can be scoped, or a '
    "broad AWS managed policy hand whoever controls the schedule or the pipeline the account.",
    fix="List the exact actions (ecs:RunTask, ecs:UpdateService, ecr:PutImage...) on the exact "
    "task definition families, services and repositories; keep Resource \"*\" for the actions that "
    "take nothing else (ecr:GetAuthorizationToken, ecs:RegisterTaskDefinition).",
    url=f"{_ECS}/CWE_IAM_role.html",
    check=check_launch_role_least_privilege,
    attributes=("policy",),
)
