"""Who may assess: the city bureau and the towns (镇街园), with the short forms staff write."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.text import fold

BUREAU = "bureau"
BUREAU_NAME_ZH = "市应急管理局"
BUREAU_ALIASES = ("bureau", "市应急管理局", "江阴市应急管理局", "市应急局", "应急管理局", "市局", "city bureau")
TOWNS_FILE = Path(__file__).with_name("towns.toml")


@dataclass(frozen=True)
class Towns:
    """The list of towns and their aliases; resolves what a user typed to a canonical assessor."""

    names: tuple[str, ...]
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def lookup(self) -> dict[str, str]:
        """Folded spelling → canonical assessor (`bureau` or a town's full name)."""
        table = {fold(a): BUREAU for a in BUREAU_ALIASES}
        for name in self.names:
            table[fold(name)] = name
            for alias in self.aliases.get(name, ()):
                table[fold(alias)] = name
        return table

    def resolve(self, value: str) -> str | None:
        """`bureau`, a town's full name, or None when the value names no known assessor."""
        return self.lookup().get(fold(value))


def default_towns() -> Towns:
    """The 19 towns, streets and parks of Jiangyin with their common short forms."""
    raw = tomllib.loads(TOWNS_FILE.read_text(encoding="utf-8"))
    return Towns(
        names=tuple(t["name"] for t in raw["towns"]),
        aliases={t["name"]: tuple(t.get("aliases", ())) for t in raw["towns"]},
    )


def is_bureau(assessor: str) -> bool:
    """Whether a canonical assessor (as `Towns.resolve` gives it, or its Chinese name) is the city bureau."""
    return assessor in (BUREAU, BUREAU_NAME_ZH)


def assessor_kind(assessor: str) -> str:
    """`bureau` for the city bureau, `town` for any town: the kind of assessor a rulebook bucket takes."""
    return BUREAU if is_bureau(assessor) else "town"


def own_assessor(town: str | None) -> str:
    """The assessor a staff account records for: its town, or the city bureau for an account bound to none."""
    return town or BUREAU


def assessor_name_zh(assessor: str) -> str:
    """How people read an assessor: 市应急管理局 for the bureau, a town by its name."""
    return BUREAU_NAME_ZH if is_bureau(assessor) else assessor
