"""How the pages write and read values: dates, times, snippets, numbers in URLs, CSV.

Pure text in, text out: nothing here sees a request. The templates use
:func:`highlight`, :func:`vn_date` and :func:`local_iso` as filters; the
handlers use the parsers to check what a URL asks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from markupsafe import Markup, escape

__all__ = ["MAX_DIGITS", "highlight", "vn_date", "local_iso", "local_time", "parse_date", "small_int",
           "safe_next", "shown_path", "csv_bytes"]

#: The most digits a page number, a count or a year in a URL may have (more is no page of ours).
MAX_DIGITS = 6
_SNIPPET_MARK = re.compile(r"\[([^\[\]]*)\]")


def highlight(snippet: str) -> Markup:
    """A search snippet as HTML: text escaped, ``[…]`` matches in ``<mark>``."""
    out, pos = [], 0
    for m in _SNIPPET_MARK.finditer(snippet):
        out += [str(escape(snippet[pos : m.start()])), "<mark>", str(escape(m.group(1))), "</mark>"]
        pos = m.end()
    out.append(str(escape(snippet[pos:])))
    return Markup("".join(out))


def vn_date(value: object) -> str:
    """``2010-07-05`` (or a date) as ``05/07/2010``; anything else unchanged."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return "" if value is None else str(value)


def local_iso(value: object, *, zone: dt.tzinfo) -> str:
    """A stored time (ISO text, UTC when it names no zone) as the office reads it; anything else as it is."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, dt.datetime):
        return "" if value is None else str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return local_time(value, zone=zone)


def local_time(at: dt.datetime, *, zone: dt.tzinfo) -> str:
    """A UTC time as the office reads it: ``06/12/2026 23:05:09``."""
    return at.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")


def parse_date(value: str | None) -> dt.date | None:
    """A date typed in a form or a URL, ISO (``2010-07-05``) or as the office writes it (``5/7/2010``);
    ``None`` for nothing or anything else."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value.strip())
        try:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1))) if m else None
        except ValueError:
            return None


def small_int(value: str | None, *, least: int = 0) -> int | None:
    """A query parameter as a number of at most :data:`MAX_DIGITS` ASCII digits, not below ``least``;
    ``None`` for anything else ("²", "", 5,000 digits)."""
    if value is None or not re.fullmatch(r"[0-9]{1,%d}" % MAX_DIGITS, value):
        return None
    number = int(value)
    return number if number >= least else None


def safe_next(target: str | None) -> str:
    """A redirect target inside this site (defaults to the search page)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/search"


def shown_path(path: str, *, admin: bool) -> str:
    """Where a scanned file is, as a user may see it: the file's name; its full path on the server for admins."""
    return path if admin else Path(path).name


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as CSV in UTF-8 with a BOM, so spreadsheet programs read the diacritics."""
    out = io.StringIO()
    out.write("\ufeff")
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")
