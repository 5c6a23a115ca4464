"""The one search interface every index backend implements.

Building the index document (:func:`to_index_doc`) is separate from writing
it; backends receive plain dicts. Status on a date (valid, expired, revoked,
unknown) is computed by the engine so counts never need every record fetched.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from pipeline.folding import fold, tokens
from pipeline.ledger import RecordRow

__all__ = [
    "INDEX_SCHEMA_VERSION",
    "SearchFilters",
    "Hit",
    "SearchResult",
    "CountRow",
    "SearchIndex",
    "rebuild_index",
    "to_index_doc",
    "number_key",
    "index_fold",
    "exact_words",
    "fuzzy_edits",
    "snippet_terms",
    "STATUSES",
    "TOTAL_CAP",
]

#: Status values of a record on a date, in the order counts list them.
STATUSES = ("valid", "expired", "revoked", "unknown")

#: Bump when the document shape, the mapping or the on-disk layout changes;
#: startup checks it (an old index is reported, and ``sohoa reindex`` rebuilds it).
#: 2: an unfolded column/fields for the exact-diacritics ranking tier.
#: 3: embedded index split into short-field and full-text FTS5 tables, contentless.
#: 4: type, year and batch as tokens of a `facets` column of both FTS5 tables (filters inside FTS5).
INDEX_SCHEMA_VERSION = 4

#: Searches with a query count their matches up to this many; beyond it
#: ``SearchResult.total`` is this number and ``total_capped`` is true ("more
#: than 1,000": the clerk narrows the query either way). Counting every match
#: of common words, or 10,000 of them through a filter, costs more than finding
#: the page (0.1–0.3 s at a million records). Listings without a query
#: (filters only) are counted exactly.
TOTAL_CAP = 1_000


@dataclass(frozen=True)
class SearchFilters:
    """Filters of a search; ``None`` means no filter."""

    type: str | None = None
    year: int | None = None
    issuer: str | None = None
    valid_on: dt.date | None = None
    batch: str | None = None


@dataclass(frozen=True)
class Hit:
    """One matching record, with a highlighted snippet of its text (``[…]`` marks the query's ``terms``).

    The snippet is made when first read: a search fetches up to a thousand
    hits for its facet counts, and a page shows twenty snippets (making them
    all was 75% of a search's time on 100,000 records).
    """

    key: str
    score: float
    doc: dict[str, object]
    terms: tuple[str, ...] = ()

    @cached_property
    def snippet(self) -> str:
        from indexing._snippet import make_snippet

        text = self.doc.get("text")
        return make_snippet(str(text) if text else "", list(self.terms))


@dataclass(frozen=True)
class SearchResult:
    """A page of hits and the total number of matches.

    ``total_capped``: more than :data:`TOTAL_CAP` records match the query and
    ``total`` is :data:`TOTAL_CAP` ("more than 1,000").
    """

    total: int
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    total_capped: bool = False


@dataclass(frozen=True)
class CountRow:
    """Number of records of a type issued in a year with a status on a date."""

    type: str
    year: int | None
    status: str
    count: int


class SearchIndex(Protocol):
    """What the CLI, the flows and the web app need of an index."""

    def write(self, docs: Iterable[dict[str, object]]) -> int:
        """Insert or replace documents in bulk; returns how many were written."""

    def delete(self, keys: Sequence[str]) -> int:
        """Remove documents by key; returns how many existed."""

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20) -> SearchResult:
        """Full-text search with diacritics-insensitive matching."""

    def lookup(self, code: str, limit: int = 20) -> SearchResult:
        """Records whose number (or a serial in their text) is exactly ``code``.

        The number is compared folded and case-insensitively, so
        ``123/qd-sgddt`` finds ``123/QĐ-SGDĐT``; exact number matches come
        before records that merely quote the code in their text.
        """

    def counts(self, on: dt.date) -> list[CountRow]:
        """Records grouped by type × year of issue × status on ``on``."""

    def doc_count(self) -> int:
        """How many documents the index holds."""

    def rebuild(self, chunks: Iterable[Iterable[dict[str, object]]]) -> int:
        """Replace the whole content with ``chunks`` of documents.

        Searches keep seeing the old content until the new one is complete
        (a single transaction, or a new index swapped in behind an alias).
        """

    def clear(self) -> None:
        """Remove every document (before a rebuild)."""

    def close(self) -> None:
        """Release the connection."""


# -- query semantics shared by every backend ---------------------------------
#
# Ranking tiers, the same in every backend:
#   1. the query as typed (diacritics and all) is a phrase of the record's
#      subject, number, title or issuer — only when the query has diacritics;
#   2. the folded query is a phrase anywhere;
#   3. every folded word of the query occurs somewhere;
#   4. fuzzy: every word occurs up to :func:`fuzzy_edits` edits away (OCR
#      errors) in the subject, number, title or issuer, asked for only when
#      tiers 1–3 fill less than a page. Not in the body text: one or two edits
#      turn a Vietnamese syllable into many others (thi → thu, thai, tri…), so
#      over the body nearly every record would match fuzzily.
# Elasticsearch orders records within a tier by its relevance (BM25). The
# embedded index uses no bm25 (FTS5 weighs a word by reading its whole posting
# list): within tiers 2–3 records matching in subject or number come first,
# then title or issuer, then body text only (newest first); fuzzy matches come
# by edit distance; ties in index order.


_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_D_LETTERS = "đĐÐðɖ"


def _fold_word(word: str) -> str:
    s = _COMBINING_RE.sub("", unicodedata.normalize("NFD", word))
    for ch in _D_LETTERS:
        if ch in s:
            s = s.replace(ch, "d")
    # lower() can reintroduce a combining mark (e.g. "İ" -> "i̇"); strip again.
    return _COMBINING_RE.sub("", s.lower())


_WORDS: dict[str, str] = {}


def index_fold(text: str) -> str:
    """:func:`pipeline.folding.fold`, several times faster on long text.

    Vietnamese has a few thousand syllables, so words are folded once and
    remembered (up to 500,000 of them); ``str.translate`` with a dict table,
    as :func:`~pipeline.folding.fold` uses, costs about a microsecond per
    character. Tests check that both give the same result.
    """
    if text.isascii():
        return " ".join(text.lower().split())
    out = []
    for word in text.split():
        folded = _WORDS.get(word)
        if folded is None:
            folded = _fold_word(word)
            if len(_WORDS) < 500_000:
                _WORDS[word] = folded
        if folded:
            out.append(folded)
    return " ".join(out)


def number_key(number: str) -> str:
    """The normalised form document numbers are compared in.

    Examples:
        >>> number_key("Số 123 / QĐ-SGDĐT")
        'so123/qd-sgddt'
        >>> number_key("123/QĐ-SGDĐT")
        '123/qd-sgddt'
    """
    return "".join(fold(number).split())


def exact_words(query: str) -> list[str]:
    """Lower-cased words of the query with their diacritics, or ``[]`` when it has none.

    Examples:
        >>> exact_words("Nguyễn Văn An")
        ['nguyễn', 'văn', 'an']
        >>> exact_words("nguyen van an")
        []
    """
    text = unicodedata.normalize("NFC", query).lower()
    if fold(text) == " ".join(text.split()):
        return []
    return re.findall(r"\w+", text)


def fuzzy_edits(token: str) -> int:
    """How many edits a fuzzy match of a folded token allows (Elasticsearch's ``AUTO``).

    Numbers and codes never match fuzzily; words of 1–2 letters need an exact
    match, 3–5 letters allow one edit, longer words two.
    """
    if not token.isalpha():
        return 0
    return 0 if len(token) < 3 else 1 if len(token) <= 5 else 2


def snippet_terms(query: str) -> list[str]:
    """Terms to highlight: the whole folded query first, then its words."""
    return [fold(query), *tokens(query)]


def rebuild_index(url: str, chunks: Iterable[Iterable[dict[str, object]]]) -> int:
    """Rebuild the index a URL names from ``chunks`` of documents, with no downtime.

    Unlike ``open_index(url).rebuild(...)`` this also works on an index built
    with an older schema (the reason one rebuilds): the embedded index is
    then built in a new file that replaces the old one, Elasticsearch gets a
    new versioned index behind its alias.

    Returns:
        How many documents were written.
    """
    if url.startswith("sqlite:///"):
        from pathlib import Path

        from indexing.sqlite_fts import rebuild_sqlite

        return rebuild_sqlite(Path(url[len("sqlite:///") :]), chunks)
    from indexing import open_index

    index = open_index(url) if not url.startswith(("http://", "https://")) else _open_elastic(url)
    try:
        return index.rebuild(chunks)
    finally:
        index.close()


def _open_elastic(url: str) -> SearchIndex:
    from indexing.elastic import ElasticIndex

    # The alias may point at an index of an older schema: open without the check.
    return ElasticIndex(url, check_schema=False)


def to_index_doc(rec: RecordRow) -> dict[str, object]:
    """The document an index stores for one ledger record."""
    location = " / ".join(x for x in (rec.fonds, rec.box, rec.file_code) if x)
    return {
        "key": rec.key,
        "type": rec.type,
        "number": rec.number,
        "issue_date": rec.issue_date.isoformat() if rec.issue_date else None,
        # A date whose day was unreadable still gives its year ("2025-02" read: see RecordRow.period).
        "year": rec.issue_date.year if rec.issue_date else int(rec.period[:4]) if rec.period else None,
        "issuer": rec.issuer,
        "subject": rec.subject,
        "title": rec.title,
        "valid_until": rec.valid_until.isoformat() if rec.valid_until else None,
        "revoked_on": rec.revoked_on.isoformat() if rec.revoked_on else None,
        "needs_review": rec.needs_review,
        "batch": rec.batch,
        "location": location or None,
        "path": rec.path,
        "pages": list(rec.pages),
        "text": rec.text,
    }
