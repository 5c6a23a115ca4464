"""Every CLI command and option is documented in the README, and has --help."""

from __future__ import annotations

import argparse
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


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_and_options_are_in_the_readme(name: str) -> None:
    assert f"`sohoa {name}" in README, f"README lacks a row for `sohoa {name}`"
    row = next(line for line in README.splitlines() if line.startswith(f"| `sohoa {name}"))
    for action in _subparsers()[name]._actions:
        for opt in action.option_strings:
            if opt in ("-h", "--help"):
                continue
            assert opt in row, f"`sohoa {name}` option {opt} is not documented in the README"


def test_global_options_and_variables_are_documented() -> None:
    for opt in ("--data-dir", "--index", "SOHOA_DATA_DIR", "SOHOA_INDEX_URL", "SOHOA_WORKERS"):
        assert opt in README


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_runs(name: str) -> None:
    proc = subprocess.run([sys.executable, "-m", "sohoa.cli", name, "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "usage: sohoa" in proc.stdout
