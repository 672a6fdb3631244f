"""What an answers change does to running infrastructure, said from the answers alone.

The words are the plan rules' (TFG501-504, tfgen.check.rules.changes): the same consequence
reads the same before planning as in the plan's report. `tfgen plan` has the last word.
"""

from __future__ import annotations

from tfgen.answers.model import Answers
from tfgen.check.rules.changes import CREDENTIALS_LOST, FILES_LOST, NEW_DNS_NAME, TASKS_REPLACED, TASKS_STOPPED
from tfgen.render.stack import load_balancers


def impact(old: Answers, new: Answers) -> list[str]:
    """One line per consequence of going from `old` to `new`, most severe first."""
    said: list[str] = []
    if (old.name, old.environment) != (new.name, new.environment):
        said.append(
            f"name/environment {old.prefix} -> {new.prefix}: every resource is renamed, so the load balancer, the "
            f"EFS file system and every ECS service are replaced: {FILES_LOST}; {TASKS_REPLACED}; {NEW_DNS_NAME}"
        )
        return said
    if old.efs.enabled and not new.efs.enabled:
        said.append(f"efs.enabled true -> false: the EFS file system is deleted (TFG501): {FILES_LOST}")
    elif old.efs.enabled and old.efs.performance_mode != new.efs.performance_mode:
        said.append(
            f"efs.performance_mode {old.efs.performance_mode} -> {new.efs.performance_mode}: the EFS file system is "
            f"replaced (TFG501): {FILES_LOST}"
        )
    old_services = [s.name for s in old.services]
    new_services = [s.name for s in new.services]
    gone = [n for n in old_services if n not in new_services]
    added = [n for n in new_services if n not in old_services]
    for name in gone:
        renamed = added[gone.index(name)] if len(gone) == len(added) else None
        how = f"renamed to {renamed!r}" if renamed else "removed"
        said.append(
            f"service {name!r} {how}: ECS service {name!r} is deleted (TFG503): {TASKS_STOPPED}; its task role is "
            f"deleted (TFG504): {CREDENTIALS_LOST}"
        )
    lb_old, lb_new = old.load_balancer, new.load_balancer
    if lb_old.type != "none" and lb_old.type != lb_new.type:
        said.append(f"load_balancer.type {lb_old.type} -> {lb_new.type}: the load balancer is replaced (TFG503): {NEW_DNS_NAME}")
    elif lb_old.type != "none" and lb_old.internal != lb_new.internal:
        said.append(
            f"load_balancer.internal {str(lb_old.internal).lower()} -> {str(lb_new.internal).lower()}: the load balancer "
            f"is replaced (TFG503): {NEW_DNS_NAME}"
        )
    said += _kind_impact(old, new)
    said += _service_impact(old, new)
    if old.launch_type != new.launch_type:
        kept = [n for n in new_services if n in old_services]
        said.append(
            f"launch_type {old.launch_type} -> {new.launch_type}: ECS service {', '.join(repr(n) for n in kept)} "
            f"replaced (TFG503): {TASKS_REPLACED}"
        )
    return said


_LB_WORDS = {"alb": "the ALB", "nlb": "the NLB", "internal_alb": "the internal ALB"}


def _kind_impact(old: Answers, new: Answers) -> list[str]:
    """A service that becomes a job loses its ECS service; a load balancer no kind needs any more goes."""
    said = []
    kinds = {s.name: s.kind for s in old.services}
    for s in new.services:
        if s.kind == "job" and kinds.get(s.name) not in (None, "job"):
            said.append(
                f"service {s.name!r} kind {kinds[s.name]} -> job: ECS service {s.name!r} is deleted and the task runs "
                f"on its schedule instead (TFG503): {TASKS_STOPPED}"
            )
    if old.load_balancer.type == new.load_balancer.type:
        kept = {lb.module for lb in load_balancers(new)}
        for lb in load_balancers(old):
            if lb.module not in kept:
                said.append(f"no service of kind {lb.kind} needs {_LB_WORDS[lb.module]} any more: it is deleted (TFG503): {NEW_DNS_NAME}")
    return said


def _service_impact(old: Answers, new: Answers) -> list[str]:
    """Answers of one service whose change replaces its ECS service (the same service kept)."""
    said = []
    before = {s.name: s for s in old.services}
    piped_before = {s.name for s in old.pipeline_services}
    piped_now = {s.name for s in new.pipeline_services}
    for s in new.services:
        was = before.get(s.name)
        if was is None or s.kind == "job" or was.kind == "job":
            continue
        if s.name in piped_before and s.name not in piped_now:
            said.append(
                f"service {s.name!r} is no longer deployed by the pipeline (deploy.images, build): ECS service "
                f"{s.name!r} is replaced (TFG503) unless you first run terraform state mv "
                f"'module.service[\"{s.name}\"].aws_ecs_service.pipeline[0]' 'module.service[\"{s.name}\"].aws_ecs_service.this[0]': "
                f"{TASKS_REPLACED}"
            )
        if (was.spot is None) != (s.spot is None) and old.launch_type == new.launch_type:
            change = "added" if s.spot is not None else "removed"
            said.append(f"service {s.name!r} spot {change}: ECS service {s.name!r} is replaced (TFG503): {TASKS_REPLACED}")
    return said
