"""Walking the questions over the raw answers dict: asking, skipping presets, validating.

The wizard builds the same dict an answers file holds, then hands it to `build_answers`. Every
check it makes comes from the model: `field_problem` for one key, and the model's cross-field
rules (through `build_answers` on the answers so far) for the keys a question names in `check`.
How a question is put to the person is the `Prompter`'s business (terminal.py; a script in tests).
"""

from __future__ import annotations

import copy
import re
import typing
from collections.abc import Callable
from typing import Any, Protocol


from tfgen.answers import apply_overrides, build_answers
from tfgen.answers.model import Answers, field_error, field_problem
from tfgen.errors import AnswersError
from tfgen.wizard import keys, words
from tfgen.wizard.keys import MISSING, Path
from tfgen.wizard.questions import (
    REPLACED_BY_KIND,
    SECTIONS,
    Ask,
    Ctx,
    Gate,
    Group,
    Node,
    Repeat,
    Section,
    applies,
    load_balancer_type,
    question_at,
    section_of,
    terms,
)
from tfgen.wizard.summary import summary_rows

CANCEL = "cancel"
# What to do with answers that validate: the choices at the end.
WRITE, CHANGE, SAVE, QUIT = "write", "change", "save", "quit"


class Prompter(Protocol):
    """How questions reach a person. `key` is the answers key path being asked ("services[1].port")."""

    def heading(self, title: str, intro: str) -> None: ...
    def subheading(self, title: str) -> None: ...
    def why(self, text: str) -> None: ...
    def preset(self, key: str, value: Any) -> None: ...
    def problem(self, text: str) -> None: ...
    def text(self, key: str, message: str, default: str) -> str: ...  # "" (Enter alone) means the default
    def confirm(self, key: str, message: str, default: bool) -> bool: ...
    def select(self, key: str, message: str, choices: list[tuple[str, Any]], default: Any) -> Any: ...
    def summary(self, rows: list[tuple[str, str]]) -> None: ...


class Wizard:
    def __init__(
        self,
        prompter: Prompter,
        data: dict[str, Any],
        presets: list[Path],
        save_answers: Callable[[Answers], None] | None = None,
    ):
        self.p = prompter
        self.data = data
        self.presets = presets
        self.save_answers = save_answers
        self.terms = terms()

    # --- the whole run ---------------------------------------------------------------------

    def run(self) -> Answers | None:
        self.p.heading(
            "tfgen new: a Terraform stack for Amazon ECS",
            "Questions in the order the ECS guidance thinks about a stack, each with why it matters. "
            "Enter keeps the default shown; Ctrl-C stops without writing anything.",
        )
        for number, section in enumerate(SECTIONS, 1):
            self.ask_section(section, number)
        while True:
            self.prune()
            try:
                answers = build_answers(copy.deepcopy(self.data), source="wizard")
            except AnswersError as err:
                if not self.offer_fix(err.problems):
                    return None
                continue
            self.p.summary(summary_rows(answers))
            chosen = self.p.select("next", "What do you want to do?", self.end_choices(), WRITE)
            if chosen == WRITE:
                return answers
            if chosen == SAVE and self.save_answers:
                self.save_answers(answers)
                return None
            if chosen == QUIT:
                return None
            self.change_section()

    def end_choices(self) -> list[tuple[str, str]]:
        """Write, change a section (the other answers kept), save the answers only, or quit."""
        choices = [("Write the stack", WRITE)]
        if any(self.askable(s) for s in SECTIONS):
            choices.append(("Change a section (the other answers are kept)", CHANGE))
        if self.save_answers:
            choices.append(("Save the answers only (write .tfgen-answers.yaml, not the stack)", SAVE))
        choices.append(("Quit: write nothing", QUIT))
        return choices

    def change_section(self) -> None:
        choices = [(f"{s.title}", s.name) for s in SECTIONS if self.askable(s)]
        chosen = self.p.select("section", "Which section?", choices, choices[0][1])
        number = next(i for i, s in enumerate(SECTIONS, 1) if s.name == chosen)
        self.ask_section(SECTIONS[number - 1], number)

    def ask_section(self, section: Section, number: int | None = None) -> None:
        """Ask a section's questions; a section with none that applies (the load balancers of a
        stack of workers and jobs) says so under its heading, or is passed over."""
        where = f"{number}/{len(SECTIONS)} " if number else ""
        if not any(applies(node, Ctx(self.data)) for node in section.items):
            if section.nothing:
                self.p.heading(f"{where}{section.title}", section.nothing)
            self.walk(section.items, (), ask=False)
            return
        self.p.heading(f"{where}{section.title}", section.intro)
        self.walk(section.items, (), ask=True)

    def offer_fix(self, problems: list[str]) -> bool:
        """Show what the model refused and re-ask the section of the person's choice: first the
        sections the problems sit in, then those whose keys they mention. False: cancel."""
        self.p.heading("These answers do not fit together", "")
        named: list[Section] = []
        mentioned: list[Section] = []
        for text in problems:
            where, _, message = text.partition(":")
            self.p.problem(self.at_question(keys.parse(where), message.strip()))
            section = section_of(keys.parse(where))
            if section and section not in named:
                named.append(section)
            named_keys = {w.strip(".") for w in re.findall(r"[a-z_][a-z0-9_.]*", message)}
            mentioned += [s for s in SECTIONS if named_keys & s.asked_keys and s not in mentioned]
        order = named + [s for s in mentioned if s not in named] + [s for s in SECTIONS if s not in named + mentioned]
        choices = [(f"Answer the {s.name} questions again", s.name) for s in order if self.askable(s)]
        choices.append(("Cancel: write nothing", CANCEL))
        chosen = self.p.select("fix", "What do you want to do?", choices, choices[0][1])
        if chosen == CANCEL:
            return False
        self.ask_section(next(s for s in SECTIONS if s.name == chosen))
        return True

    def at_question(self, path: Path, message: str) -> str:
        """A problem with the answers as a whole, named by the question that asks its key (the
        key path too, in brackets, for whoever edits the saved answers file)."""
        found = next((q for n in range(len(path), 0, -1) if (q := question_at(path[:n]))), None)
        if found is None:
            return f"{keys.show(path)}: {message}"
        node, base = found
        where = _text(node.message, Ctx(self.data, base)).split("?")[0] + "?"
        if base[:1] == ("services",):
            where += f" (service {keys.get(self.data, base[:2] + ('name',), base[1])})"
        return f"{where} {words.in_words(message, self.terms)} [{keys.show(path)}]"

    def askable(self, section: Section) -> bool:
        """False when no question of the section applies, or --set preset every key of those that
        do, so asking would change nothing."""
        ctx = Ctx(self.data)
        return any(applies(node, ctx) and not self.is_preset(keys.parse(node.key)) for node in section.items)

    def prune(self) -> None:
        """Drop answers to questions that no longer apply (an existing VPC's ids after choosing a
        new VPC), and the keys older answers used where every service now has a kind."""
        for section in SECTIONS:
            self.walk(section.items, (), ask=False)
        services = keys.get(self.data, ("services",), [])
        services = services if isinstance(services, list) else []
        for i, service in enumerate(services):
            if isinstance(service, dict) and "kind" in service:
                for key in REPLACED_BY_KIND:
                    if not self.is_preset(("services", i, key)):
                        keys.drop(self.data, ("services", i, key))
        lb_type = ("load_balancer", "type")
        if services and all(isinstance(s, dict) and s.get("kind") for s in services) and not self.is_preset(lb_type):
            wanted = load_balancer_type({s["kind"] for s in services})
            if wanted is None:
                keys.drop(self.data, lb_type)
            else:
                keys.put(self.data, lb_type, wanted)

    # --- one node at a time ----------------------------------------------------------------

    def walk(self, nodes: tuple[Node, ...], base: Path, ask: bool, seen: tuple[set[Path], set[Path]] | None = None) -> None:
        """Ask (or, with `ask` false, only judge) `nodes`, then drop the answers of those that do
        not apply. `seen` collects (active, inactive) key paths over nested groups and gates,
        so a key asked by several questions is dropped only when none of them applies."""
        active, inactive = seen if seen is not None else (set(), set())
        for node in nodes:
            path = base + keys.parse(node.key)
            ctx = Ctx(self.data, base)
            if isinstance(node, Gate):
                if applies(node, ctx):
                    self.gate(node, base, ctx, ask, (active, inactive))
                continue
            if not applies(node, ctx):
                inactive.add(path)
                continue
            active.add(path)
            if isinstance(node, Ask):
                if ask:
                    self.ask(node, path, ctx)
            elif isinstance(node, Group):
                self.group(node, path, base, ctx, ask, (active, inactive))
            else:
                self.repeat(node, path, ctx, ask)
        if seen is not None:
            return  # the outermost walk drops
        # One key may be asked two ways (Fargate's CPU select, EC2's CPU number): keep it if either applies.
        for path in inactive - active:
            if not self.is_preset(path):
                keys.drop(self.data, path)

    def ask(self, node: Ask, path: Path, ctx: Ctx) -> None:
        shown = keys.show(path)
        if self.is_preset(path):
            self.p.preset(shown, keys.get(self.data, path, None))
            return
        kind = _kind(node, path)
        message = _text(node.message, ctx)
        default = self.default(node, path, ctx)
        if node.why:
            self.p.why(_text(node.why, ctx))
        while True:
            if kind == "confirm":
                yes, no = node.values or (True, False)
                value = yes if self.p.confirm(shown, message, default == yes) else no
            elif kind == "select":
                choices = _choices(node, path, ctx)
                values = [v for _, v in choices]
                value = self.p.select(shown, message, choices, default if default in values else values[0])
            else:
                # Empty input takes the default; a refused answer is never offered as the default.
                shown_default = _as_text(default)
                hint = " (- for none)" if kind in ("optional", "optional_int", "optional_list", "mapping") and shown_default else ""
                typed = self.p.text(shown, message + hint, shown_default)
                value = _parse(kind, typed if typed.strip() else shown_default)
            problem = self.problem(node, path, value)
            if problem is None:
                keys.put(self.data, path, value)
                return
            self.p.problem(problem)

    def gate(self, node: Gate, base: Path, ctx: Ctx, ask: bool, seen: tuple[set[Path], set[Path]]) -> None:
        """One yes/no before optional questions; no keeps their answers as they are (the
        defaults, or a re-run's earlier answers). Yes is the default when any of them differs."""
        if ask:
            self.p.why(_text(node.why, ctx))
            given = any(_differs(keys.get(self.data, base + keys.parse(k)), keys.model_default(base + keys.parse(k))) for k in node.keys)
            ask = self.p.confirm(f"{keys.show(base)}.{node.name}" if base else node.name, _text(node.message, ctx), given)
        self.walk(node.items, base, ask, seen)

    def group(self, node: Group, path: Path, base: Path, ctx: Ctx, ask: bool, seen: tuple[set[Path], set[Path]]) -> None:
        current = keys.get(self.data, path, None)
        if ask and not self.is_preset(path) and not self.presets_under(path):
            self.p.why(_text(node.why, ctx))
            wanted = self.p.confirm(keys.show(path), _text(node.message, ctx), isinstance(current, dict))
            if not wanted:
                keys.put(self.data, path, None)
                return
            if not isinstance(current, dict):
                keys.put(self.data, path, {})
        elif self.is_preset(path):
            if ask:
                self.p.preset(keys.show(path), current)
            return
        if isinstance(keys.get(self.data, path, None), dict):
            self.walk(node.items, base, ask, seen)

    def repeat(self, node: Repeat, path: Path, ctx: Ctx, ask: bool) -> None:
        items = keys.get(self.data, path, None)
        if not ask or self.is_preset(path):
            if ask:
                self.p.preset(keys.show(path), items)
            for i in range(len(items) if isinstance(items, list) else 0):
                self.walk(node.items, path + (i,), ask=False)
            return
        existing = len(items) if isinstance(items, list) else 0
        preset_count = 1 + max((p[len(path)] for p in self.presets_under(path) if isinstance(p[len(path)], int)), default=-1)
        if node.first is not None and not preset_count:
            if node.why:
                self.p.why(_text(node.why, ctx))
            if not self.p.confirm(keys.show(path), _text(node.first, ctx), existing > 0):
                keys.put(self.data, path, [])
                return
        count = 0
        while True:
            if not isinstance(keys.get(self.data, path, None), list):
                keys.put(self.data, path, [])
            if len(keys.get(self.data, path)) <= count:
                keys.get(self.data, path).append({})
            self.p.subheading(node.label.format(n=count + 1))
            self.walk(node.items, path + (count,), ask=True)
            count += 1
            if count < preset_count:
                continue  # --set gave keys of a later item: it exists
            if not self.p.confirm(f"{keys.show(path)}[{count}]", _text(node.another, ctx), count < existing):
                break
        del keys.get(self.data, path)[count:]

    # --- defaults, presets, checks ---------------------------------------------------------

    def default(self, node: Ask, path: Path, ctx: Ctx) -> Any:
        """What was answered before (going back to a section), else the question's own default,
        else the model's."""
        value = keys.get(self.data, path)
        if value is MISSING and node.default is not None:
            value = node.default(ctx)
        if value is MISSING:
            value = keys.model_default(path)
        return None if value is MISSING else value

    def is_preset(self, path: Path) -> bool:
        return any(keys.within(path, p) for p in self.presets)

    def presets_under(self, path: Path) -> list[Path]:
        return [p for p in self.presets if keys.within(p, path) and p != path]

    def problem(self, node: Ask, path: Path, value: Any) -> str | None:
        """Why the model refuses `value` at `path`: the field's own rule first, then the
        cross-field rules on the keys the question names, judged with the answers so far."""
        found = keys.field_at(path)
        if found is not None:
            error = field_error(*found, value)
            if error:
                return words.field_message(error, node.unit)
        if not node.check:
            return None
        trial = copy.deepcopy(self.data)
        keys.put(trial, path, value)
        base = path[: len(path) - len(keys.parse(node.key))]
        watched = [base + keys.parse(k) for k in node.check]
        try:
            build_answers(trial, source="wizard")
        except AnswersError as err:
            for text in err.problems:
                where, _, message = text.partition(": ")
                at = keys.parse(where)
                if any(keys.within(at, w) for w in watched):
                    return self.in_words(where, path, message)
        return None

    def in_words(self, where: str, path: Path, message: str) -> str:
        """A refusal at the prompt for `path`, of the answer at `where`: no key paths, the questions' words."""
        message = words.in_words(message, self.terms)
        at = keys.parse(where)
        if at == path:
            return message
        if keys.within(at, path):  # one entry of a mapping: name the entry (an environment variable, a tag)
            return f"{where[len(keys.show(path)):].lstrip('.')}: {message}"
        other = question_at(at)
        term = other[0].term if other else ""
        return f"{term[:1].upper()}{term[1:]}: {message}" if term else message


def _differs(value: Any, default: Any) -> bool:
    """An answer other than the model's default (a false or empty answer where the model leaves
    the key null, such as `connect: false`, is none)."""
    if value is MISSING or value == default:
        return False
    return not (default is None and not value)


def _kind(node: Ask, path: Path) -> str:
    if node.kind:
        return node.kind
    if node.choices:
        return "select"
    base = keys.base_type(path)
    if base is bool:
        return "confirm"
    if base is int:
        return "optional_int" if keys.is_optional(path) else "int"
    if base is list:
        return "optional_list" if keys.is_optional(path) else "list"
    if base is dict:
        return "mapping"
    if typing.get_origin(base) is typing.Literal:
        return "select"
    return "optional" if keys.is_optional(path) else "text"


def _choices(node: Ask, path: Path, ctx: Ctx) -> list[tuple[str, Any]]:
    if node.choices:
        return node.choices(ctx)
    return [(str(v), v) for v in typing.get_args(keys.base_type(path))]


def _text(text: Any, ctx: Ctx) -> str:
    return text(ctx) if callable(text) else text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


# A comma starts the next pair only when NAME= follows it, so values may hold commas.
_NEXT_PAIR = re.compile(r",\s*(?=[^,=\s]+=)")


def _parse(kind: str, typed: str) -> Any:
    """The typed text as the value the answers file would hold; the model judges it."""
    text = typed.strip()
    if kind == "optional_int" and text in ("", "-"):
        return None
    if kind in ("int", "optional_int"):
        try:
            return int(text)
        except ValueError:
            return text  # the model says why it is not a number
    if kind in ("list", "optional_list"):
        parts = [part.strip() for part in text.split(",") if part.strip()]
        return None if kind == "optional_list" and text in ("", "-") else parts
    if kind == "mapping":
        if text in ("", "-"):
            return {}
        pairs = [part.partition("=") for part in _NEXT_PAIR.split(text)]
        if any(not sep or not name.strip() for name, sep, _ in pairs):
            return text  # not NAME=value pairs: the model says so
        return {name.strip(): value.strip() for name, _, value in pairs}
    if kind == "optional":
        return None if text in ("", "-") else text
    return text


def start(
    overrides: list[str],
    prompter: Prompter | None = None,
    initial: dict[str, Any] | None = None,
    save_answers: Callable[[Answers], None] | None = None,
) -> Answers | None:
    """Preset the `--set` keys, ask the rest. None when the person cancels (Ctrl-C / Ctrl-D / no).

    `initial` (answers saved by an earlier run) supplies the defaults shown, so re-running the
    wizard on a stack changes what the person changes and keeps the rest.
    """
    data: dict[str, Any] = copy.deepcopy(initial) if initial else {}
    apply_overrides(data, overrides)
    presets = [keys.parse(item.split("=", 1)[0]) for item in overrides]
    problems = preset_problems(data, presets)
    if problems:
        raise AnswersError(problems)  # not askable, so not fixable here: exit 2 like an answers file
    if prompter is None:
        from tfgen.wizard.terminal import TerminalPrompter

        prompter = TerminalPrompter()
    try:
        return Wizard(prompter, data, presets, save_answers).run()
    except (KeyboardInterrupt, EOFError):
        return None


def preset_problems(data: dict[str, Any], presets: list[Path]) -> list[str]:
    """Problems the model finds in the `--set` values themselves: unknown keys, values a field refuses.

    A preset is never asked, so the wizard could not fix them; cross-field problems are left
    for later, since the questions may still resolve them.
    """
    bad: list[Path] = []
    for path in presets:
        cut = next((n for n in range(len(path), 0, -1) if keys.field_at(path[:n])), 0)
        if cut == 0 or field_problem(*keys.field_at(path[:cut]), keys.get(data, path[:cut], None)):
            bad.append(path[: cut or 1])
    if not bad:
        return []
    try:
        build_answers(copy.deepcopy(data), source="--set")
    except AnswersError as err:
        found = [p for p in err.problems if any(keys.within(keys.parse(p.split(":", 1)[0]), b) for b in bad)]
        if found:
            return found
    return [f"{keys.show(b)}: not a valid value for this key" for b in bad]
