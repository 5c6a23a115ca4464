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

from indexing.snippet import make_snippet
from pipeline.folding import fold, subtokens, tokens
from ledger.rows import RecordRow

__all__ = [
    "INDEX_SCHEMA_VERSION",
    "SearchFilters",
    "Hit",
    "SearchResult",
    "CountRow",
    "SearchIndex",
    "to_index_doc",
    "number_key",
    "index_fold",
    "exact_words",
    "Clause",
    "Tier",
    "FIELDS",
    "ranking_tiers",
    "name_ends",
    "subject_ends",
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
#: 5: the fuzzy tier's vocabulary holds words of two letters and the letters of numbers
#:    (also how a number typed short, "1595 sgd", is spelled out).
#: 6: Elasticsearch keeps those words too (``vocab``), for the same fuzzy spellings; the
#:    embedded layout is unchanged (a layout-5 file is read as is).
#: 7: the subject's first and last words (:func:`name_ends`) are kept as one term in both backends,
#:    for the tiers that anchor a name at its family and given name.
#: 8: the embedded index keeps the years written anywhere in a record among its short fields (``short_fts.years``);
#:    Elasticsearch's layout is unchanged (an index of schema 7 is read as is).
INDEX_SCHEMA_VERSION = 8

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
    #: Found by the fuzzy tiers: the record holds a near spelling of the query, not the words as
    #: typed (likely a misread on the page or in the query); shown as a near match.
    near: bool = False

    @cached_property
    def snippet(self) -> str:
        """A window of the record's text around the query's terms, matches marked ``[…]``."""
        text = self.doc.get("text")
        return make_snippet(str(text) if text else "", list(self.terms))


@dataclass(frozen=True)
class SearchResult:
    """A page of hits and the total number of matches.

    ``total_capped``: more than :data:`TOTAL_CAP` records match the query and
    ``total`` is :data:`TOTAL_CAP` ("more than 1,000").
    ``texts_skipped``: records name what was typed (ranking tiers 0–10), so they alone were the answer and
    the texts were not searched (tiers 12–13); asked again with ``in_text=True``, the records holding the
    words only in their text come after them. It says the texts were not asked, not that they hold more.
    """

    total: int
    hits: tuple[Hit, ...] = field(default_factory=tuple)
    total_capped: bool = False
    texts_skipped: bool = False


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

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20, *,
               in_text: bool = False) -> SearchResult:
        """Full-text search with diacritics-insensitive matching, in the ranking below.

        ``in_text``: also the records holding the query only in their text (tiers 12–13) when records
        name it (tiers 0–10), after those; by default they are left out then, and the result says so
        (:attr:`SearchResult.texts_skipped`).
        """

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
# One ranking, the same in every backend (:func:`ranking_tiers` says it in
# data, each backend translates it). A record comes in the first tier it
# matches:
#   A. a query of two words or more, all of letters (a name, a school), whose
#      first and last words are the subject's first and last (:func:`name_ends`):
#      a Vietnamese name is known by its family name and its given name, the
#      last word, and a clerk leaves the middle name out ("Nguyễn An" for
#      "Nguyễn Văn An"), never the given name. In turn: the words as typed
#      (diacritics) a phrase, then (B) anywhere in the short fields; then (C)
#      the folded words a phrase of the subject (the whole name), then (D) in
#      it in any place. So "Nguyễn An" finds "Nguyễn Văn An" before "Nguyễn An
#      Khang", whose given name is Khang. A–B only when the query has
#      diacritics; none of A–D when it holds a number;
#   0. a query that is one number ("1595/SGDĐT") finds the records with that
#      number before those whose number holds it ("1595/SGDĐT-VP");
#   1. the query as typed (diacritics and all) is a phrase of the record's
#      subject, number, title or issuer — only when the query has diacritics;
#   2. every word as typed is in those fields and every folded word in the
#      subject or number ("Trần Thành" finds "Trần Văn Thành" before "Trần
#      Thanh Linh") — only when the query has diacritics;
#   3. the folded query is a phrase of the subject or number, then (4) of the
#      title or issuer: a name's words in order;
#   5. every folded word in the subject or number, then (6) in those four
#      fields: the record is about what was typed, in any order;
#   7. the query's words of letters are a phrase of the subject or number and
#      a year in it is the record's year of issue ("THCS Lê Lợi 2011"); then
#      (8) the same with its numbers anywhere ("Nguyễn Văn An 1990": the
#      person, born in 1990), then (9) the words in any order. When the
#      query holds a year (1900–2099), 7–9 come right after 3–4 (before 2, 5
#      and 6): a year typed beside a name is a year before it is a serial
#      number;
#  10. a number typed short: the serial, then words of two letters or more,
#      each the beginning of a word of the number ("1595 sgd" finds
#      1595/SGDĐT-VP);
#  11. only when no record matches 0–10 (no subject, number, title or issuer
#      holds the words: they are likely misread): fuzzy, the query's
#      spellings about two edits away (:mod:`indexing.spellings`), ordered by
#      :func:`indexing.fuzzy.fuzzy_order` (the subject or number before the
#      title or issuer, then the nearest by an OCR-aware distance, then the
#      words in order, then the fewest words left over);
#  12. the folded query is a phrase anywhere, the body included; then (13)
#      every folded word anywhere: a signer's name, a pupil listed in a
#      decision, a school named in passing. By default only when no record
#      matches 0–10, like 11 (the query names no record: it is misread, or
#      words of a text): a record about what was typed is the answer, and the
#      result says the texts were skipped (``SearchResult.texts_skipped``):
#      they would fill the page's rest with common syllables scattered over a
#      text, and finding them costs a pass over every text's postings (issue
#      24, session 24). Asked with ``in_text=True`` ("also in the texts"),
#      12–13 come after 0–10 whatever matched: a match in a subject or number
#      outranks one in a text, it does not hide it;
#  14. only when no record matches 0–10 and the page is still short: fuzzy
#      with every word up to :func:`indexing.fuzzy.fuzzy_edits` edits, then
#      (15) every word but one (:func:`indexing.fuzzy.drop_one`: a word
#      garbled beyond two edits), each ordered as in 11.
# The total counts the records of the tiers that answer, each once: 0–10 when
# any matches (0–10 and 12–13 with ``in_text``), else 11–15 (up to TOTAL_CAP).
# The fuzzy tiers look at the short fields only, never the body text: one or
# two edits turn a Vietnamese syllable into many others (thi → thu, thai,
# tri…), so over the body nearly every record would match.
# Within a tier Elasticsearch orders records by its relevance (BM25, the
# subject and number weighed most). The embedded index uses no bm25 (FTS5
# weighs a word by reading its whole posting list): within a tier on the
# short fields records come in index order, within the body tiers newest
# first. Fuzzy candidates are ordered by the same key in both.

#: Where a clause looks: the subject and number ("name"), the title and
#: issuer ("other"), all four short fields ("short"), those and the body
#: ("any"), the record's year of issue ("year"), its whole number as
#: :func:`number_key` makes it ("number"), or the subject's first and last
#: words (:func:`name_ends`; the clause's one term is that pair: "ends").
FIELDS = ("name", "other", "short", "any", "year", "number", "ends")


@dataclass(frozen=True)
class Clause:
    """Words that must all be in one set of fields.

    ``terms``: folded words, a code's parts together (``("1595", "sgddt",
    "vp")``); as typed, with diacritics, when ``exact``. ``how``: ``phrase``
    (in this order, next to each other), ``all`` (anywhere in the fields,
    each term's parts next to each other) or ``prefix`` (each part whole if
    a number, as the beginning of a word if letters).
    """

    terms: tuple[tuple[str, ...], ...]
    fields: str
    how: str
    exact: bool = False


@dataclass(frozen=True)
class Tier:
    """One step of the ranking: a record is in it when it matches every clause."""

    name: str
    clauses: tuple[Clause, ...]


_YEAR_RE = re.compile(r"(19|20)\d\d")


def _terms(query: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(parts) for t in tokens(query) if (parts := subtokens(t)))


def name_ends(words: Sequence[str]) -> tuple[str, str] | None:
    """The first and last of a field's folded words, as the "ends" clauses compare them (None when empty).

    Examples:
        >>> name_ends(["nguyen", "van", "an"]), name_ends(["an"]), name_ends([])
        (('nguyen', 'an'), ('an', 'an'), None)
    """
    return (words[0], words[-1]) if words else None


_FIELD_WORD_RE = re.compile(r"[^\W_]+")


def subject_ends(subject: str, *, folded: bool = False) -> tuple[str, str] | None:
    """What a record's "ends" clauses are compared with: its subject's first and last folded words.

    ``folded``: the subject is already :func:`index_fold`'s (the embedded index's row holds it so),
    and is not folded again on the writing path.

    Examples:
        >>> subject_ends("Trường THCS Lê Lợi"), subject_ends("truong thcs le loi", folded=True), subject_ends("")
        (('truong', 'loi'), ('truong', 'loi'), None)
    """
    return name_ends(_FIELD_WORD_RE.findall(subject if folded else index_fold(subject)))


def _anchored(terms: tuple[tuple[str, ...], ...], typed: tuple[tuple[str, ...], ...]) -> list[Tier]:
    """Tiers A–D: the query's first and last words are the subject's (a name's family and given name)."""
    if len(terms) < 2 or not all(len(t) == 1 and t[0].isalpha() for t in terms):
        return []
    ends = Clause((name_ends([t[0] for t in terms]),), "ends", "all")  # type: ignore[arg-type]
    out = [Tier("whole name as typed", (Clause(typed, "short", "phrase", exact=True), ends)),
           Tier("family and given name as typed", (Clause(typed, "short", "all", exact=True),
                                                    Clause(terms, "name", "all"), ends))] if typed else []
    return out + [Tier("whole name", (Clause(terms, "name", "phrase"), ends)),
                  Tier("family and given name", (Clause(terms, "name", "all"), ends))]


def ranking_tiers(query: str) -> list[Tier]:
    """The exact tiers (A–D and 0–13 above) of a query, in rank order; the ones that do not apply are left out."""
    terms = _terms(query)
    if not terms:
        return []
    out: list[Tier] = []
    if len(terms) == 1 and len(terms[0]) > 1 and any(p.isdigit() for p in terms[0]):
        out.append(Tier("the number itself", (Clause(((number_key(query),),), "number", "all"),)))
    typed = tuple((w,) for w in exact_words(query))
    exact = [Tier("exact words", (Clause(typed, "short", "all", exact=True), Clause(terms, "name", "all")))
             ] if typed else []
    out += _anchored(terms, typed)
    if typed:
        out.append(Tier("exact phrase", (Clause(typed, "short", "phrase", exact=True),)))
    phrases = [Tier("phrase in subject or number", (Clause(terms, "name", "phrase"),)),
               Tier("phrase in title or issuer", (Clause(terms, "other", "phrase"),))]
    letters = tuple(t for t in terms if len(t) == 1 and t[0].isalpha())
    others = tuple(t for t in terms if not (len(t) == 1 and t[0].isalpha()))
    years = [t for t in others if len(t) == 1 and _YEAR_RE.fullmatch(t[0])]
    split: list[Tier] = []
    if letters and years:
        rest = tuple(t for t in others if t != years[0])
        split.append(Tier("letters as a phrase in subject or number, issued that year",
                          (Clause(letters, "name", "phrase"), Clause((years[0],), "year", "all"))
                          + ((Clause(rest, "any", "all"),) if rest else ())))
    if letters and others:
        split += [Tier("letters as a phrase in subject or number, numbers anywhere",
                       (Clause(letters, "name", "phrase"), Clause(others, "any", "all"))),
                  Tier("letters in subject or number, numbers anywhere",
                       (Clause(letters, "name", "all"), Clause(others, "any", "all")))]
    whole = [Tier("words in subject or number", (Clause(terms, "name", "all"),)),
             Tier("words in short fields", (Clause(terms, "short", "all"),))]
    # A year typed beside a name is a year (of issue, of birth), before the same digits as a serial number.
    out += phrases + split + exact + whole if years else exact + phrases + whole + split
    if (len(terms) > 1 and len(terms[0]) == 1 and terms[0][0].isdigit()
            and all(len(t) == 1 and t[0].isalpha() and len(t[0]) >= 2 for t in terms[1:])):
        out.append(Tier("number typed short", (Clause(terms, "name", "prefix"),)))
    out += [Tier("phrase anywhere", (Clause(terms, "any", "phrase"),)),
            Tier("words anywhere", (Clause(terms, "any", "all"),))]
    return out


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


def snippet_terms(query: str) -> list[str]:
    """Terms to highlight: the whole folded query first, then its words."""
    return [fold(query), *tokens(query)]


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
