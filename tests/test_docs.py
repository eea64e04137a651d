"""Docs that tests keep honest: every CLI command and option is documented, the README's
commands exist, and the Makefile targets it names are real."""

from __future__ import annotations

import re

import click
import typer.main

from flows.cli import app
from tests.conftest import ROOT


def documentation() -> str:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return "\n".join(page.read_text("utf-8") for page in pages)


def cli_commands() -> dict[str, click.Command]:
    group = typer.main.get_command(app)
    commands: dict[str, click.Command] = dict(getattr(group, "commands", {}))
    assert commands, "the ctgov app has no commands"
    return commands


def test_every_cli_command_and_option_is_documented() -> None:
    docs = documentation()
    undocumented = []
    for name, command in cli_commands().items():
        if f"ctgov {name}" not in docs:
            undocumented.append(f"ctgov {name}")
        for param in command.params:
            for flag in getattr(param, "opts", []):
                if flag.startswith("--") and flag not in docs:
                    undocumented.append(f"ctgov {name} {flag}")
    assert undocumented == []


def test_every_cli_command_has_an_example_in_its_help() -> None:
    missing = [name for name, cmd in cli_commands().items() if "Example:" not in (cmd.help or "")]
    assert missing == []


def test_readme_opens_with_the_two_commands_and_the_makefile_has_them() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    first_block = readme.split("```")[1]
    assert "make ingest" in first_block and "make test" in first_block
    makefile = (ROOT / "Makefile").read_text("utf-8")
    for target in ("ingest", "test", "demo"):
        assert re.search(rf"^{target}:", makefile, re.MULTILINE), target
