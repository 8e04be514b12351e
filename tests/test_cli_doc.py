"""docs/cli.md is checked against both argparse parsers: every command, option, choice and argument, and no other."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import core.cli
import db.cli.commands

DOC = (Path(__file__).resolve().parents[1] / "docs" / "cli.md").read_text(encoding="utf-8")
PARSERS = {"python -m core": core.cli._parser, "python -m db": db.cli.commands.build_parser}


def leaves(parser: argparse.ArgumentParser, path: str) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """Every command that runs (`python -m db notice open`), walking nested subcommands, with its parser."""
    groups = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not groups:
        yield path, parser
        return
    for name, sub in groups[0].choices.items():
        yield from leaves(sub, f"{path} {name}")


def synopsis(path: str, parser: argparse.ArgumentParser) -> str:
    """The one-line synopsis the doc must show: arguments in the parser's order, optional ones in [ ], choices a|b,
    a value by its metavar (else its name in capitals)."""
    parts = [path]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        value = "|".join(map(str, action.choices)) if action.choices else action.metavar or action.dest.upper()
        if not action.option_strings:
            parts.append(value)
            continue
        word = action.option_strings[0] if action.nargs == 0 else f"{action.option_strings[0]} {value}"
        parts.append(word if action.required else f"[{word}]")
    return " ".join(parts)


def commands() -> dict[str, argparse.ArgumentParser]:
    return {path: parser for root, build in PARSERS.items() for path, parser in leaves(build(), root)}


def documented() -> dict[str, str]:
    """Each `### \\`python -m …\\`` heading and the first `text` block under it, its lines joined into one."""
    found = {}
    for heading, body in re.findall(r"^### `(python -m [^`]+)`\n(.*?)(?=^### |\Z)", DOC, re.M | re.S):
        block = re.search(r"```text\n(.*?)\n```", body, re.S)
        found[heading] = " ".join(block.group(1).split()) if block else ""
    return found


def test_the_walk_finds_nested_commands_and_every_kind_of_option():
    found = commands()
    assert {"python -m core rate", "python -m core watch", "python -m db import", "python -m db notice open",
            "python -m db listings expire", "python -m db create-user"} <= set(found)
    assert "[--allow-repeats]" in synopsis("python -m db import", found["python -m db import"])  # a flag
    assert "--by NAME" in synopsis("python -m db import", found["python -m db import"])  # a required value


def test_every_command_is_documented_and_no_other():
    assert sorted(documented()) == sorted(commands())


@pytest.mark.parametrize("path", sorted(commands()))
def test_each_synopsis_is_the_parsers(path):
    assert documented().get(path) == synopsis(path, commands()[path])


def test_a_missing_option_or_an_invented_one_is_caught():
    """The check is not vacuous: a parser with one option more, or one fewer, no longer matches its synopsis."""
    path = "python -m db diff"
    parser = commands()[path]
    parser.add_argument("--dry-run", action="store_true")
    assert documented()[path] != synopsis(path, parser)
    bare = argparse.ArgumentParser()
    assert documented()[path] != synopsis(path, bare)
