"""A setting declared once: its environment variable, default, allowed values and one-line doc; read and refused here."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from core.errors import InputError, Problem
from core.text import plural

T = TypeVar("T")
_SETTING = "setting"  # a dataclass field's metadata key: the Setting it is read from
_TABLE = "table"  # … or: the dataclass whose own fields are settings (the read limits inside the app's settings)


class Setting:
    """What every kind below has: `name` (the environment variable), `doc` (one line), `value` (the default as kept).

    `parse` turns a set value (stripped, not empty) into what is kept, or raises ValueError; `refusal` then says
    what the setting allows, in Chinese and English, naming the variable.
    """

    __slots__ = ()
    name: str
    doc: str

    @property
    def value(self) -> Any:
        raise NotImplementedError

    def parse(self, raw: str) -> Any:
        raise NotImplementedError

    def refusal(self, raw: str) -> Problem:
        raise NotImplementedError

    def shown_default(self) -> str:
        """The default as the settings table in the docs shows it."""
        raise NotImplementedError

    def allowed(self) -> str:
        """What may be set, as the settings table in the docs shows it."""
        raise NotImplementedError

    def read(self, env: Mapping[str, str] | None = None) -> Any:
        """The value in `env` (os.environ when None), the default when unset or blank; InputError when not allowed."""
        problems: list[Problem] = []
        value = self.read_into(os.environ if env is None else env, problems)
        if problems:
            raise InputError(problems)
        return value

    def read_into(self, env: Mapping[str, str], problems: list[Problem]) -> Any:
        """As read(), a refusal added to `problems` (and the default returned)."""
        raw = env.get(self.name, "").strip()
        if not raw:
            return self.value
        try:
            return self.parse(raw)
        except ValueError:
            problems.append(self.refusal(raw))
            return self.value


@dataclass(frozen=True, slots=True)
class Unit:
    """What a whole-number setting counts, in both languages; `scale` turns it into what is kept (MB → bytes)."""

    zh: str
    en: str
    scale: int = 1
    one: str = ""  # the English word for exactly one (working day); empty: the same as `en` (MB)


@dataclass(frozen=True, slots=True)
class Whole(Setting):
    """A whole number of `unit`s (ASCII digits only), from `low` to `high` (None: no upper bound)."""

    name: str
    default: int  # in `unit`s, as it would be written in the environment
    unit: Unit
    doc: str
    low: int = 1
    high: int | None = None

    @property
    def value(self) -> int:
        return self.default * self.unit.scale

    def parse(self, raw: str) -> int:
        if not (raw.isascii() and raw.isdigit()):
            raise ValueError(raw)
        number = int(raw)
        if number < self.low or (self.high is not None and number > self.high):
            raise ValueError(raw)
        return number * self.unit.scale

    def refusal(self, raw: str) -> Problem:
        if self.high is None:  # the read limits: any positive number (low is 1 for all of them)
            return Problem(None, self.name, f"设置应为正整数（{self.unit.zh}）",
                           f"the setting must be a positive whole number ({self.unit.en})", raw)
        return Problem(None, self.name, f"设置应为{self.low}到{self.high}之间的整数（{self.unit.zh}）",
                       f"the setting must be a whole number of {self.unit.en} from {self.low} to {self.high}", raw)

    def shown_default(self) -> str:
        return f"{self.default:,} {plural(self.default, self.unit.one or self.unit.en, self.unit.en)}"

    def allowed(self) -> str:
        return f"{self.low}–{self.high:,}" if self.high is not None else f"{self.low} or more"


@dataclass(frozen=True, slots=True)
class Choice(Setting):
    """One of a few words; `choices` maps each to what is kept and what it means in Chinese and English."""

    name: str
    default: str
    choices: Mapping[str, tuple[Any, str, str]]
    doc: str

    @property
    def value(self) -> Any:
        return self.choices[self.default][0]

    def parse(self, raw: str) -> Any:
        if raw not in self.choices:
            raise ValueError(raw)
        return self.choices[raw][0]

    def refusal(self, raw: str) -> Problem:
        return Problem(None, self.name, "设置应为 " + "或 ".join(f"{k}（{zh}）" for k, (_, zh, _) in self.choices.items()),
                       "the setting must be " + " or ".join(f"{k} ({en})" for k, (_, _, en) in self.choices.items()),
                       raw)

    def shown_default(self) -> str:
        return f"`{self.default}`"

    def allowed(self) -> str:
        return " or ".join(f"`{k}` ({en})" for k, (_, _, en) in self.choices.items())


@dataclass(frozen=True, slots=True)
class Text(Setting):
    """Free text: a URL, a folder, a file. `default` "" means unset (None is kept, or what the code derives, said in
    `doc`); a relative default lies under `root`. `check` raises ValueError on a value it refuses, and `refused`
    (zh, en) says why; a `secret` value (a URL with its password) is never repeated in the message."""

    name: str
    doc: str
    what: str  # what may be set, for the docs
    default: str = ""
    root: Path | None = None
    convert: Callable[[str], Any] = str
    check: Callable[[str], object] | None = None
    refused: tuple[str, str] = ("", "")
    secret: bool = False

    @property
    def value(self) -> Any:
        if not self.default:
            return None
        return self.convert(str(self.root / self.default) if self.root else self.default)

    def parse(self, raw: str) -> Any:
        if self.check is not None:
            self.check(raw)
        return self.convert(raw)

    def refusal(self, raw: str) -> Problem:
        return Problem(None, self.name, *self.refused, None if self.secret else raw)

    def shown_default(self) -> str:
        return f"`{self.default}`" + (" (in the project)" if self.root else "") if self.default else "unset"

    def allowed(self) -> str:
        return self.what


@dataclass(frozen=True, slots=True)
class Switch(Setting):
    """Off unless set: any value turns it on."""

    name: str
    doc: str

    @property
    def value(self) -> bool:
        return False

    def parse(self, raw: str) -> bool:
        return True

    def refusal(self, raw: str) -> Problem:  # never refused
        raise AssertionError(raw)

    def shown_default(self) -> str:
        return "unset"

    def allowed(self) -> str:
        return "any value turns it on"


def declared(setting: Setting) -> Any:
    """A dataclass field read from `setting`, its default the setting's: the default is stated once, there."""
    return field(default=setting.value, metadata={_SETTING: setting})


def included(table: type) -> Any:
    """A dataclass field that is itself a dataclass of declared settings (defaults: its own)."""
    return field(default_factory=table, metadata={_TABLE: table})


def settings_of(table: type) -> Iterator[Setting]:
    """Every setting a dataclass declares, included tables' in their place."""
    for f in fields(table):
        if _SETTING in f.metadata:
            yield f.metadata[_SETTING]
        elif _TABLE in f.metadata:
            yield from settings_of(f.metadata[_TABLE])


def read_settings(table: type[T], env: Mapping[str, str] | None = None,
                  refuse: Callable[[list[Problem]], Exception] = InputError) -> T:
    """`table` with every declared field read from `env` (os.environ when None); `refuse` makes the one error that
    names every bad variable, in the table's order."""
    problems: list[Problem] = []
    read = _read(table, os.environ if env is None else env, problems)
    if problems:
        raise refuse(problems)
    return read


def _read(table: type[T], env: Mapping[str, str], problems: list[Problem]) -> T:
    values: dict[str, Any] = {}
    for f in fields(table):
        if _SETTING in f.metadata:
            values[f.name] = f.metadata[_SETTING].read_into(env, problems)
        elif _TABLE in f.metadata:
            values[f.name] = _read(f.metadata[_TABLE], env, problems)
    return table(**values)


def markdown_table(settings: Iterable[Setting]) -> str:
    """The settings as the docs list them (generated; tests/test_docs.py checks the docs hold exactly this)."""
    lines = ["| setting | default | allowed | what it sets |", "| --- | --- | --- | --- |"]
    lines += [f"| `{s.name}` | {s.shown_default()} | {s.allowed()} | {s.doc} |" for s in settings]
    return "\n".join(lines)
