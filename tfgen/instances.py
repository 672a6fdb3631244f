"""EC2 instance sizes: what a container instance of a given type offers ECS tasks.

The one place this table lives: the answers model refuses a task that cannot fit one instance
of its Auto Scaling group's type, and the checker's EC2 capacity rule judges task definitions
by it. Source: the instance type pages of the Amazon EC2 documentation (vCPUs and memory per
size). A type outside the table is unknown: callers treat it as "cannot say", never as a fit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GIB = 1024


@dataclass(frozen=True)
class InstanceSize:
    """What one instance type has, and what of it ECS can place tasks on."""

    name: str
    vcpus: int
    memory_mib: int

    @property
    def cpu_units(self) -> int:
        """ECS registers 1,024 CPU units per vCPU."""
        return self.vcpus * 1024

    @property
    def task_memory_mib(self) -> int:
        """Memory left for tasks: the OS and the ECS agent keep some of every instance.

        The ECS-optimized AMI registers somewhat less than the instance's memory; reserving the
        larger of 256 MiB and 5% keeps a task that "just fits" on paper from never being placed.
        """
        return self.memory_mib - max(256, self.memory_mib * 5 // 100)

    def describe(self) -> str:
        """'t3.small (2 vCPU = 2048 CPU units, 2 GiB of which 1792 MiB for tasks)'."""
        return (
            f"{self.name} ({self.vcpus} vCPU = {self.cpu_units} CPU units, "
            f"{self.memory_mib / GIB:g} GiB of which {self.task_memory_mib} MiB for tasks)"
        )


# size suffix -> vCPUs for the general, compute and memory families.
_SIZES: dict[str, int] = {
    "large": 2, "xlarge": 4, "2xlarge": 8, "4xlarge": 16, "8xlarge": 32,
    "12xlarge": 48, "16xlarge": 64, "24xlarge": 96,
}
# family -> GiB per vCPU; Graviton families (a "g" after the generation) also come as medium (1 vCPU).
_FAMILIES: dict[str, int] = {
    **{f: 4 for f in ("m5", "m5a", "m6i", "m6a", "m7i", "m7a", "m6g", "m7g")},
    **{f: 2 for f in ("c5", "c5a", "c6i", "c6a", "c7i", "c7a", "c6g", "c7g")},
    **{f: 8 for f in ("r5", "r5a", "r6i", "r6a", "r7i", "r7a", "r6g", "r7g")},
}
# The burstable families: (vCPUs, GiB) per size.
_BURSTABLE: dict[str, tuple[int, float]] = {
    "nano": (2, 0.5), "micro": (2, 1), "small": (2, 2), "medium": (2, 4),
    "large": (2, 8), "xlarge": (4, 16), "2xlarge": (8, 32),
}


def _table() -> dict[str, InstanceSize]:
    table: dict[str, InstanceSize] = {}
    for family in ("t3", "t3a", "t4g"):
        for size, (vcpus, gib) in _BURSTABLE.items():
            name = f"{family}.{size}"
            table[name] = InstanceSize(name, vcpus, int(gib * GIB))
    for family, gib_per_vcpu in _FAMILIES.items():
        sizes = dict(_SIZES)
        if is_graviton(family):
            sizes = {"medium": 1, **sizes}
        for size, vcpus in sizes.items():
            name = f"{family}.{size}"
            table[name] = InstanceSize(name, vcpus, vcpus * gib_per_vcpu * GIB)
    return table


_GRAVITON = re.compile(r"^[a-z]+\d+g[a-z]*(\.|$)")


def is_graviton(instance_type: str) -> bool:
    """True for AWS Graviton (arm64) types: t4g, m6g, c7gn, r7gd... (a "g" after the generation)."""
    return bool(_GRAVITON.match(instance_type))


SIZES: dict[str, InstanceSize] = _table()


def size_of(instance_type: str) -> InstanceSize | None:
    """The size of `instance_type`, or None when the table does not know it."""
    return SIZES.get(instance_type)


def task_fits(instance_type: str, cpu: int | None, memory: int | None) -> bool | None:
    """Whether a task of `cpu` units and `memory` MiB fits one instance; None when the type is unknown.

    A missing cpu or memory asks for nothing of that resource.
    """
    size = size_of(instance_type)
    if size is None:
        return None
    return (cpu or 0) <= size.cpu_units and (memory or 0) <= size.task_memory_mib
