"""What every command shares: its description for the parser, its settings, the date argument."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from core.settings import Settings

__all__ = ["Command", "iso_date", "settings_from"]


@dataclass(frozen=True)
class Command:
    """One ``sohoa`` command: its name and help, how it reads its arguments, and what it does.

    Attributes:
        name: What is typed after ``sohoa``.
        help: The line ``sohoa --help`` shows for it.
        description: The paragraph its own ``--help`` opens with.
        arguments: Adds its arguments (and subcommands) to its parser.
        run: Does the work; returns the exit status (:class:`core.errors.ExitCode`).
    """

    name: str
    help: str
    description: str
    arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def iso_date(value: str) -> dt.date:
    """A ``YYYY-MM-DD`` argument as a date.

    Raises:
        argparse.ArgumentTypeError: the value is not such a date (argparse
            turns it into a usage error).
    """
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def settings_from(args: argparse.Namespace, **extra: object) -> Settings:
    """The settings of a command: the environment, overridden by the global options and ``extra``."""
    return Settings.from_env(data_dir=args.data_dir, index_url=args.index_url,
                             profile=getattr(args, "profile", None), **extra)
