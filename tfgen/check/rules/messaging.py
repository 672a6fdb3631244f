"""6xx: queues, topics and schedules around ECS tasks (SQS, SNS, EventBridge).

The queues and topics judged are the ones ECS tasks use: those a task role's policy names
(and the dead-letter queues of those queues, and the topics feeding them). Queues and topics
of other workloads in the same configuration are not this checker's business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from tfgen.check.model import Computed, Model, Resource, glob_match
from tfgen.check.rules.base import Fail, Pending, Rule, judges_each, known, unless_unknown
from tfgen.check.rules.helpers import decode_json, ecs_launch, scheduled_sources, shown
from tfgen.check.rules.iam import allowed_statements, items, role_of, role_policies, trusts

_SQS = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide"
_SNS = "https://docs.aws.amazon.com/sns/latest/dg"
_SCHEDULER = "https://docs.aws.amazon.com/scheduler/latest/UserGuide"

QUEUE = "aws_sqs_queue"
TOPIC = "aws_sns_topic"


@dataclass
class Use:
    """A queue or topic a task role acts on, and the actions it may take on it."""

    resource: Resource
    actions: set[str] = field(default_factory=set)


def _task_roles(model: Model) -> list[Resource]:
    """Roles task definitions name, and roles ECS tasks may assume (a module that makes a worker's
    role and queue without its task definition)."""
    roles: dict[str, Resource] = {}
    for task in model.managed("aws_ecs_task_definition"):
        role = role_of(model, task.get("task_role_arn"))
        if isinstance(role, Resource):
            roles[role.address] = role
    for role in model.managed("aws_iam_role"):
        if unless_unknown(False, trusts, role, "ecs-tasks.amazonaws.com"):
            roles.setdefault(role.address, role)
    return list(roles.values())


def task_role_uses(model: Model) -> dict[str, Use]:
    """Address -> Use, for every queue and topic in this configuration that a task role's policy
    names as a Resource (a reference to it, or its ARN)."""

    def build() -> dict[str, Use]:
        uses: dict[str, Use] = {}
        for role in _task_roles(model):
            for _, document in role_policies(model, role).documents:
                pending = Pending()  # a policy not known names no queue this rule can follow
                with pending:
                    for statement in allowed_statements(document, pending):
                        actions = [a for a in items(statement.get("Action")) if isinstance(a, str)]
                        for value in items(statement.get("Resource")):
                            target = model.resolve(value, QUEUE, TOPIC, attributes=("arn",))
                            if isinstance(target, Resource):
                                uses.setdefault(target.address, Use(target)).actions.update(actions)
        return uses

    return model.memo("messaging.uses", build)


def _allows(use: Use, action: str) -> bool:
    return any(glob_match(pattern, action) for pattern in use.actions)


def dead_letter_queue(model: Model, queue: Resource) -> Resource | None:
    """The queue's dead-letter queue when it is in this configuration; Undecided when not known."""
    policy = redrive_policy(model, queue)
    if policy is None:
        return None
    target = model.resolve(policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None, QUEUE, attributes=("arn",))
    return target if isinstance(target, Resource) else None


def redrive_policy(model: Model, queue: Resource) -> Any:
    """The redrive policy (decoded) set on the queue or by an aws_sqs_queue_redrive_policy; None when none."""
    value = queue.get("redrive_policy")
    if value in (None, ""):
        for policy in model.managed("aws_sqs_queue_redrive_policy"):
            owner = model.resolve(policy.get("queue_url"), QUEUE, attributes=("id", "url"))
            if owner is queue:
                value = policy.get("redrive_policy")
            elif not isinstance(owner, Computed):
                known(owner, f"the queue of {policy.address} is not known")
    if value in (None, ""):
        return None
    return decode_json(value)


def used_queues(model: Model) -> list[Resource]:
    """Queues task roles use, with their dead-letter queues."""

    def build() -> list[Resource]:
        queues = {a: u.resource for a, u in task_role_uses(model).items() if u.resource.type == QUEUE}
        for queue in list(queues.values()):
            dead = unless_unknown(None, dead_letter_queue, model, queue)
            if dead is not None:
                queues.setdefault(dead.address, dead)
        return list(queues.values())

    return model.memo("messaging.queues", build)


def consumed_queues(model: Model) -> list[Resource]:
    """Queues a task role may receive messages from: the work queues of workers."""
    return [u.resource for u in task_role_uses(model).values() if u.resource.type == QUEUE and _allows(u, "sqs:ReceiveMessage")]


def used_topics(model: Model) -> list[Resource]:
    """Topics task roles publish to, and topics subscribed to by the queues tasks consume."""

    def build() -> list[Resource]:
        topics = {a: u.resource for a, u in task_role_uses(model).items() if u.resource.type == TOPIC}
        queues = {q.address for q in consumed_queues(model)}
        for subscription in model.managed("aws_sns_topic_subscription"):
            endpoint = model.resolve(subscription.get("endpoint"), QUEUE, attributes=("arn",))
            topic = model.resolve(subscription.get("topic_arn"), TOPIC, attributes=("arn",))
            if isinstance(endpoint, Resource) and endpoint.address in queues and isinstance(topic, Resource):
                topics.setdefault(topic.address, topic)
        return list(topics.values())

    return model.memo("messaging.topics", build)


# --- TFG601: queues encrypted at rest ------------------------------------------------------------


@judges_each(used_queues)
def check_queue_encrypted(model: Model, queue: Resource) -> Iterator[Fail]:
    if known(queue.get("kms_master_key_id")) not in (None, ""):
        return
    # Left out, SQS encrypts a new queue with SSE-SQS: only an explicit false turns it off.
    if known(queue.get("sqs_managed_sse_enabled")) in (False, "false"):
        yield Fail(queue, "SQS queue used by ECS tasks is not encrypted at rest (sqs_managed_sse_enabled = false and no kms_master_key_id)")


TFG601 = Rule(
    id="TFG601",
    severity="error",
    title="SQS queues used by ECS tasks must be encrypted at rest",
    guidance="queues-for-workers",
    why="Messages wait in the queue until a task takes them, often with order, customer or job "
    "data in them. SQS encrypts new queues with its own keys (SSE-SQS) unless told not to; "
    "turning that off stores them in clear.",
    fix="Remove sqs_managed_sse_enabled = false (SSE-SQS is the default), or set kms_master_key_id "
    "to a KMS key the task roles may use (kms:Decrypt).",
    url=f"{_SQS}/sqs-server-side-encryption.html",
    check=check_queue_encrypted,
    attributes=("sqs_managed_sse_enabled", "kms_master_key_id"),
)


# --- TFG602: a work queue has a dead-letter queue ------------------------------------------------


@judges_each(consumed_queues)
def check_queue_redrive(model: Model, queue: Resource) -> Iterator[Fail]:
    policy = redrive_policy(model, queue)
    target = policy.get("deadLetterTargetArn") if isinstance(policy, dict) else None
    if policy is None or target in (None, ""):
        yield Fail(queue, "SQS queue that ECS tasks receive from has no redrive policy to a dead-letter queue")
        return
    if not isinstance(target, Computed):  # a reference to a queue is all this rule needs
        known(target, "the dead-letter queue is not known")


TFG602 = Rule(
    id="TFG602",
    severity="warning",
    title="SQS queues ECS tasks consume should redrive to a dead-letter queue",
    guidance="queues-for-workers",
    why="A message the worker cannot process comes back after every visibility timeout and is "
    "received again, forever (until its retention ends), costing a task each time and hiding "
    "the failure. A redrive policy moves it to a dead-letter queue after maxReceiveCount tries.",
    fix="Create a second aws_sqs_queue as the dead-letter queue and set redrive_policy = "
    "jsonencode({ deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5 }) on the work queue.",
    url=f"{_SQS}/sqs-dead-letter-queues.html",
    check=check_queue_redrive,
    attributes=("redrive_policy",),
)


# --- TFG606: the dead-letter queue outlives the messages moved into it ---------------------------

RETENTION_DEFAULT = 345600  # four days, the SQS default
RETENTION_MAX = 1209600  # fourteen days


def _seconds(queue: Resource, attribute: str, default: int) -> int | None:
    """A number of seconds set on the queue (its SQS default when left out); None when it is not a number."""
    value = known(queue.get(attribute))
    if value in (None, ""):
        return default
    try:
        return int(float(value)) if not isinstance(value, bool) else None
    except (TypeError, ValueError, OverflowError):
        return None  # AWS rejects it: no duration to judge


@judges_each(consumed_queues)
def check_dead_letter_retention(model: Model, queue: Resource) -> Iterator[Fail]:
    if known(queue.get("fifo_queue")) in (True, "true"):
        return  # a FIFO queue's message starts a new retention period in its dead-letter queue
    dead = dead_letter_queue(model, queue)
    if dead is None:
        return
    source = _seconds(queue, "message_retention_seconds", RETENTION_DEFAULT)
    kept = _seconds(dead, "message_retention_seconds", RETENTION_DEFAULT)
    if source is None or kept is None:
        return
    if kept < source or (kept == source and kept < RETENTION_MAX):
        yield Fail(
            dead,
            f"dead-letter queue of {queue.address} keeps messages {kept} s, no longer than the queue itself ({source} s): "
            "a message that waited long before it was moved expires there almost at once",
        )


TFG606 = Rule(
    id="TFG606",
    severity="warning",
    title="A dead-letter queue should keep messages longer than its source queue",
    guidance="queues-for-workers",
    why="A standard queue keeps a message's original enqueue time when it moves to the dead-letter "
    "queue, so the message expires there by the time it was first sent. With a retention no longer "
    "than the source queue's, the failures the dead-letter queue should keep can be gone before "
    "anyone looks.",
    fix="Set message_retention_seconds on the dead-letter queue above the source queue's; 1209600 "
    "(14 days, the maximum) leaves the most time.",
    url=f"{_SQS}/setting-up-dead-letter-queue-retention.html",
    check=check_dead_letter_retention,
    attributes=("message_retention_seconds",),
)


# --- TFG607: a received message stays hidden while a worker processes it -------------------------


@judges_each(consumed_queues)
def check_visibility_timeout(model: Model, queue: Resource) -> Iterator[Fail]:
    if _seconds(queue, "visibility_timeout_seconds", 30) == 0:
        yield Fail(queue, "SQS queue that ECS tasks receive from has visibility_timeout_seconds = 0: every message received is at once visible to the other workers again")


TFG607 = Rule(
    id="TFG607",
    severity="warning",
    title="Queues ECS tasks consume should hide a received message while it is processed",
    guidance="queues-for-workers",
    why="The visibility timeout keeps a received message from the other consumers while one "
    "processes it. At 0 the message is visible again the moment it is received: every worker "
    "scaled out on the queue takes the same message, and a slow one is processed many times.",
    fix="Set visibility_timeout_seconds above the time a task takes to process and delete a "
    "message (the SQS default is 30 seconds).",
    url=f"{_SQS}/sqs-visibility-timeout.html",
    check=check_visibility_timeout,
    attributes=("visibility_timeout_seconds",),
)


# --- TFG603: topics encrypted at rest ------------------------------------------------------------


@judges_each(used_topics)
def check_topic_encrypted(model: Model, topic: Resource) -> Iterator[Fail]:
    if known(topic.get("kms_master_key_id")) in (None, ""):
        yield Fail(topic, "SNS topic used by ECS tasks has no kms_master_key_id: its messages are stored unencrypted")


TFG603 = Rule(
    id="TFG603",
    severity="warning",
    title="SNS topics used by ECS tasks should be encrypted",
    guidance="topics",
    why="SNS stores each message until it is delivered to every subscription. Without "
    "server-side encryption (kms_master_key_id) that data is not encrypted at rest; SNS does "
    "not encrypt topics by default.",
    fix='Set kms_master_key_id = "alias/aws/sns" (publishers in the account) or a customer managed '
    "key whose policy lets the publishers and SNS use it.",
    url=f"{_SNS}/sns-server-side-encryption.html",
    check=check_topic_encrypted,
    attributes=("kms_master_key_id",),
)


# --- TFG604: queue and topic policies open to everyone -------------------------------------------

_POLICY_OF = {"aws_sqs_queue_policy": (QUEUE, "queue_url", ("id", "url")), "aws_sns_topic_policy": (TOPIC, "arn", ("arn",))}


def _policies(model: Model) -> list[Resource]:
    """Queue and topic policies of the queues and topics ECS tasks use (set on them, or apart)."""

    def build() -> list[Resource]:
        used = {r.address for r in [*used_queues(model), *used_topics(model)]}
        found = [r for r in [*used_queues(model), *used_topics(model)] if r.get("policy") not in (None, "")]
        for policy in model.managed(*_POLICY_OF):
            kind, attribute, names = _POLICY_OF[policy.type]
            owner = model.resolve(policy.get(attribute), kind, attributes=names)
            if isinstance(owner, Resource) and owner.address in used:
                found.append(policy)
        return found

    return model.memo("messaging.policies", build)


def _open_to_everyone(statement: dict[str, Any]) -> bool:
    principal = known(statement.get("Principal"), "policy principal not known")
    everyone = principal == "*" or (isinstance(principal, dict) and "*" in items(principal.get("AWS")))
    return everyone and known(statement.get("Condition"), "policy condition not known") in (None, {}, [])


@judges_each(_policies)
def check_policy_not_public(model: Model, holder: Resource) -> Iterator[Fail]:
    pending = Pending()
    open_actions: list[str] = []
    for statement in allowed_statements(holder.get("policy"), pending):
        with pending:
            if _open_to_everyone(statement):
                open_actions += [shown(a) for a in items(statement.get("Action"))]
    if open_actions:
        what = "queue" if holder.type.startswith("aws_sqs") else "topic"
        yield Fail(holder, f"{what} policy allows {', '.join(dict.fromkeys(open_actions))} to any principal (\"*\") without a condition")
    pending.settle()


TFG604 = Rule(
    id="TFG604",
    severity="error",
    title="Queue and topic policies must not admit everyone without a condition",
    guidance="topics",
    why='A statement with Principal "*" and no condition lets any AWS account (and, for some '
    "actions, anyone at all) send to, read from or subscribe to the queue or topic the tasks "
    "rely on.",
    fix="Name the principals (the publishing task roles, sns.amazonaws.com with an aws:SourceArn "
    "condition for a subscribed topic), or add a condition such as aws:SourceArn or "
    "aws:PrincipalAccount that limits the statement to your own resources.",
    url=f"{_SNS}/sns-security-best-practices.html",
    check=check_policy_not_public,
    attributes=("policy",),
)


# --- TFG605: a scheduled task's failed invocations are kept --------------------------------------


@judges_each(scheduled_sources)
def check_schedule_dead_letter(model: Model, source: Resource) -> Iterator[Fail]:
    launch = ecs_launch(source)
    if launch is None:
        return
    # A dead_letter_config block is all it takes (its arn is required), even when the ARN is
    # known only after apply.
    if launch.dead_letter in (None, ""):
        what = "schedule" if source.type == "aws_scheduler_schedule" else "EventBridge target"
        yield Fail(source, f"{what} runs an ECS task without a dead-letter queue: an invocation that fails after its retries is dropped without a trace")


TFG605 = Rule(
    id="TFG605",
    severity="warning",
    title="Scheduled ECS tasks should have a dead-letter queue",
    guidance="scheduled-tasks",
    why="When EventBridge cannot start the task (no capacity, a missing permission, a deleted "
    "task definition) it retries, then drops the invocation: the job silently did not run. A "
    "dead-letter queue keeps each failed invocation with the error that stopped it.",
    fix="Create a standard aws_sqs_queue, let the schedule's role sqs:SendMessage to it, and set "
    "dead_letter_config { arn = aws_sqs_queue.dlq.arn } in the target.",
    url=f"{_SCHEDULER}/configuring-schedule-dlq.html",
    check=check_schedule_dead_letter,
    attributes=("target.dead_letter_config", "dead_letter_config"),
)
