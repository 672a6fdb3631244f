"""The CPU/memory pairs that Fargate accepts for a task.

The one place this table lives: the answers model validates against it, the wizard offers
choices from it, and rule TFG102 judges task definitions by it. Source: the task size table of
the Amazon ECS developer guide (Fargate task definitions).
"""

from __future__ import annotations

GIB = 1024

# cpu units -> (smallest MiB, largest MiB, step MiB); 256 is the one irregular size.
_RANGES: dict[int, tuple[int, int, int]] = {
    512: (1 * GIB, 4 * GIB, 1 * GIB),
    1024: (2 * GIB, 8 * GIB, 1 * GIB),
    2048: (4 * GIB, 16 * GIB, 1 * GIB),
    4096: (8 * GIB, 30 * GIB, 1 * GIB),
    8192: (16 * GIB, 60 * GIB, 4 * GIB),
    16384: (32 * GIB, 120 * GIB, 8 * GIB),
}

VALID_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    **{cpu: tuple(range(lo, hi + 1, step)) for cpu, (lo, hi, step) in _RANGES.items()},
}

CPU_CHOICES: tuple[int, ...] = tuple(sorted(VALID_MEMORY))


def is_valid(cpu: int, memory: int) -> bool:
    """True when Fargate accepts a task of `cpu` units and `memory` MiB."""
    return memory in VALID_MEMORY.get(cpu, ())


def describe_allowed(cpu: int) -> str:
    """A sentence naming the memory sizes Fargate allows for `cpu`, for error messages."""
    if cpu not in VALID_MEMORY:
        return "Fargate CPU must be one of " + ", ".join(str(c) for c in CPU_CHOICES) + " units"
    if cpu == 256:
        return "with cpu 256 Fargate allows memory 512, 1024 or 2048 MiB"
    lo, hi, step = _RANGES[cpu]
    return (
        f"with cpu {cpu} Fargate allows memory {lo} to {hi} MiB in steps of {step} MiB "
        f"({lo // GIB}-{hi // GIB} GiB)"
    )


def describe_pair(cpu: int, memory: int) -> str:
    """Human label for a pair, as the wizard shows it: '0.25 vCPU / 0.5 GiB'."""
    return f"{cpu / 1024:g} vCPU / {memory / GIB:g} GiB"
