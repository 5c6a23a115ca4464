"""Every CLI command and option is documented in the README, and has --help."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sohoa.cli import COMMANDS, build_parser

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_command_is_wired() -> None:
    assert set(_subparsers()) == set(COMMANDS)


def _options(parser: argparse.ArgumentParser, path: str) -> list[tuple[str, str]]:
    """(command path, option) of a parser and of its own subcommands' (``user add --role``)."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                out += [(f"{path} {name}", opt) for _, opt in _options(sub, f"{path} {name}")]
        out += [(path, opt) for opt in action.option_strings if opt not in ("-h", "--help")]
    return out


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_and_options_are_in_the_readme(name: str) -> None:
    """The command's row names every option, its subcommands' too (``user add --password-stdin``)."""
    assert f"`sohoa {name}" in README, f"README lacks a row for `sohoa {name}`"
    row = next(line for line in README.splitlines() if line.startswith(f"| `sohoa {name}"))
    for action in _subparsers()[name]._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices:
                assert sub in row, f"`sohoa {name} {sub}` is not documented in the README"
    for path, opt in _options(_subparsers()[name], name):
        assert opt in row, f"`sohoa {path}` option {opt} is not documented in the README"


def test_global_options_and_variables_are_documented() -> None:
    for opt in ("--data-dir", "--index", "SOHOA_DATA_DIR", "SOHOA_INDEX_URL", "SOHOA_WORKERS"):
        assert opt in README


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_runs(name: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "sohoa.cli", name, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "usage: sohoa" in proc.stdout


def test_the_exit_statuses_the_readme_gives_are_the_commands() -> None:
    """The README's exit statuses are :class:`core.errors.ExitCode`'s, and an input error's is INCOMPLETE."""
    from core.errors import ExitCode, InputError, SohoaError

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    line = next(par for par in readme.split("\n\n") if par.startswith("Exit status"))
    assert [int(code) for code in re.findall(r"\b(\d+)\s+(?:done|failed|interrupted)", line)] == [0, 1, 2, 130]
    assert [int(c) for c in ExitCode] == [0, 1, 2, 130]
    assert InputError("x").exit_code is ExitCode.INCOMPLETE and SohoaError("x").exit_code is ExitCode.FAILED
