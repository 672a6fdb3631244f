"""Conversions of Copilot's value forms into tfgen's: durations, schedules, paths, commands, ports.

Each returns the tfgen value and, when the conversion is not exact, what changed (for the report).
"""

from __future__ import annotations

import math
import re
import shlex

_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}


def seconds(value: object) -> float | None:
    """A Go-style duration (`30s`, `1h30m`, `96h`, `250ms`; Copilot also takes `5d`) or a bare
    number of seconds; None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).strip()
    if not text or _DURATION_PART.sub("", text):
        return None
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in _DURATION_PART.findall(text))


# Copilot's shorthands, as the Scheduled Job reference defines them (UTC).
_PRESETS = {
    "@yearly": "cron(0 0 1 1 ? *)",
    "@annually": "cron(0 0 1 1 ? *)",
    "@monthly": "cron(0 0 1 * ? *)",
    "@weekly": "cron(0 0 ? * 1 *)",
    "@daily": "cron(0 0 * * ? *)",
    "@midnight": "cron(0 0 * * ? *)",
    "@hourly": "cron(0 * * * ? *)",
}


def schedule(text: str) -> tuple[str | None, str]:
    """An EventBridge Scheduler expression for Copilot's `on.schedule`, and how it was derived;
    None when there is none (`none`, or a form Copilot does not take)."""
    value = text.strip()
    if value.lower() in _PRESETS:
        return _PRESETS[value.lower()], f"{value} is {_PRESETS[value.lower()]} (UTC)"
    if value.startswith(("rate(", "cron(")):
        return value, "kept as written"
    if value.lower().startswith("@every "):
        secs = seconds(value[7:].strip())
        if secs is None or secs < 60 or secs % 60:
            return None, f"{value!r}: EventBridge Scheduler's rate() counts whole minutes, at least one"
        minutes = int(secs // 60)
        for size, unit in ((1440, "day"), (60, "hour"), (1, "minute")):
            if minutes % size == 0:
                n = minutes // size
                expression = f"rate({n} {unit}{'' if n == 1 else 's'})"
                return expression, f"{value} is {expression}"
    fields = value.split()
    if len(fields) == 5:
        minute, hour, dom, month, dow = fields
        # EventBridge numbers weekdays 1-7 from Sunday (cron: 0-7, both 0 and 7 Sunday) and
        # wants `?` in one of day-of-month and day-of-week.
        dow = re.sub(r"\d+", lambda m: str(int(m.group()) % 7 + 1), dow).upper()
        note = ""
        if dow == "*":
            dow = "?"
        elif dom == "*":
            dom = "?"
        else:
            note = f"; cron runs on day {dom} of the month or on weekdays {fields[4]}, EventBridge cannot say both: kept the day of the month"
            dow = "?"
        expression = f"cron({minute} {hour} {dom} {month} {dow} *)"
        return expression, f"{value!r} is {expression} (UTC){note}"
    return None, f"{value!r} is not a schedule Copilot takes"


def path_pattern(path: str) -> tuple[str, bool]:
    """The ALB path pattern for Copilot's `http.path`, and whether it is exact. Copilot routes
    `api` to /api and /api/*; one ALB pattern /api* takes both (and /apiX too)."""
    trimmed = path.strip().strip("/")
    if not trimmed:
        return "/*", True
    return f"/{trimmed}*", False


def words(value: object) -> list[str] | None:
    """A command or entry point: a list as it is, a string split as a shell would (Copilot does)."""
    if isinstance(value, list):
        return [str(v) for v in value]
    if isinstance(value, str):
        try:
            return shlex.split(value)
        except ValueError:
            return None
    return None


def port(value: object) -> tuple[int | None, str | None]:
    """`8080`, `"8080"`, `"443/tls"` -> (8080, None), (443, "tls")."""
    if isinstance(value, bool):
        return None, None
    if isinstance(value, int):
        return value, None
    match = re.fullmatch(r"\s*(\d+)\s*(?:/\s*([A-Za-z]+))?\s*", str(value))
    if not match:
        return None, None
    return int(match.group(1)), (match.group(2) or "").lower() or None


def backlog_per_task(latency: object, processing: object) -> int | None:
    """Copilot's queue_delay target: acceptable latency over one message's processing time."""
    a, b = seconds(latency), seconds(processing)
    if not a or not b:
        return None
    return max(1, math.floor(a / b))
