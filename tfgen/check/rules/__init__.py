"""The rule registry: every rule tfgen checks, listed explicitly, in ID order.

A new rule is a `Rule` value beside its check function in its family's module
(`launch` 1xx, `roles` and `launch_roles` 2xx, `load_balancing` 3xx, `efs` 4xx, `changes` 5xx,
`messaging` 6xx, `delivery` 7xx), citing the section of
docs/guidance.md it enforces, a good and a bad example under `examples/<ID>/`, and one line here. What the families share: `base` (Rule, known(), Undecided,
Pending), `helpers` (values, ECS relationships), `iam` (policies), `network` (security groups,
listeners), `fleet` (the container instances a service runs on).
"""

from __future__ import annotations

from tfgen.check.rules import changes, delivery, efs, launch, launch_roles, load_balancing, messaging, roles
from tfgen.check.rules.base import Rule

# Rules on configuration values: they run on HCL and on a plan's planned values.
CONFIG_RULES: tuple[Rule, ...] = (
    launch.TFG101,
    launch.TFG102,
    launch.TFG103,
    launch.TFG104,
    launch.TFG105,
    launch.TFG106,
    roles.TFG201,
    roles.TFG202,
    roles.TFG203,
    roles.TFG204,
    roles.TFG205,
    roles.TFG206,
    roles.TFG207,
    roles.TFG208,
    roles.TFG209,
    launch_roles.TFG210,
    launch_roles.TFG211,
    launch_roles.TFG212,
    load_balancing.TFG301,
    load_balancing.TFG302,
    load_balancing.TFG303,
    load_balancing.TFG304,
    load_balancing.TFG305,
    load_balancing.TFG306,
    load_balancing.TFG307,
    efs.TFG401,
    efs.TFG402,
    efs.TFG403,
    efs.TFG404,
    efs.TFG405,
    efs.TFG406,
    efs.TFG407,
    messaging.TFG601,
    messaging.TFG602,
    messaging.TFG603,
    messaging.TFG604,
    messaging.TFG605,
    messaging.TFG606,
    messaging.TFG607,
    delivery.TFG701,
    delivery.TFG702,
    delivery.TFG703,
)

# Rules on what a plan changes: they run only with --plan.
PLAN_RULES: tuple[Rule, ...] = (
    changes.TFG501,
    changes.TFG502,
    changes.TFG503,
    changes.TFG504,
)

RULES: tuple[Rule, ...] = CONFIG_RULES + PLAN_RULES

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
