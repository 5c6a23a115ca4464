"""What the embedded index's FTS5 tables hold for a record, and the MATCH expressions of a query.

:mod:`indexing.sqlite_write` writes and :mod:`indexing.sqlite_fts` searches;
this module only turns a stored document into the rows of ``short_fts`` and
``text_fts`` (the same rows a delete has to repeat, the tables being
contentless) and a user's query into FTS5 syntax. The folding here is part of the index's schema: it
must not change without a schema bump.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Mapping, Sequence
from functools import lru_cache

from indexing.base import Clause, Tier, index_fold, subject_ends
from pipeline.folding import subtokens, tokens

__all__ = ["SHORT_ROW_FIELDS", "ends_term", "facet", "field_text", "fts_body", "fts_query", "fts_rows", "in_years",
           "phrase_query", "quoted", "short_row", "tier_match", "vocab_words", "years_text"]

_WORD_RE = re.compile(r"[^\W\d_]{2,}")
_D_LETTERS = ("đ", "Đ", "Ð", "ð", "ɖ")


def quoted(parts: Sequence[str]) -> str:
    """FTS5 phrase of words (double quotes inside them dropped): ``"123 qd sgddt"``."""
    return '"' + " ".join(p.replace('"', "") for p in parts) + '"'


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for a user's query (all terms must match).

    Compound tokens such as ``123/qd-sgddt`` become phrases of their parts, so
    a document number matches exactly in sequence.
    """
    return " ".join(quoted(subtokens(tok)) for tok in tokens(query))


def phrase_query(query: str) -> str:
    """An FTS5 MATCH expression for the whole query as one phrase."""
    return quoted([p for tok in tokens(query) for p in subtokens(tok)])


#: The FTS5 columns of each kind of field (:data:`indexing.base.FIELDS`).
COLUMNS = {"name": "{subject number}", "other": "{title issuer}", "short": "{subject number title issuer}",
           "any": "{subject number title issuer body}"}


def ends_term(first: str, last: str) -> str:
    """The ``ends`` column's one term for a subject's first and last words (:func:`indexing.base.subject_ends`).

    One term, not two: FTS5 reads a term's posting list whole, and a pair
    ("nguyen0an") is rare where "nguyen" is in a third of the records. The
    digit between keeps it one token of ``unicode61``.
    """
    return f"{first}0{last}"


#: A year as the ``years`` column holds it: 1900-2099 in ASCII digits, a word of its own. One pattern a
#: century, "not after a letter or digit" written after the digits: a pattern that starts with a literal is
#: scanned for fast (several times faster over a record's text than one with a look-behind first, measured).
_YEAR_RES = [re.compile(rf"{c}[0-9][0-9](?<![^\W_]....)(?![^\W_])") for c in ("19", "20")]


def years_text(texts: Sequence[str]) -> str:
    """The ``years`` column: the distinct years (:data:`_YEAR_RES`) written in ``texts``, as FTS5 reads them there
    (a word of its own: "12/3/1990" holds 1990, "A1990" does not)."""
    text = "\n".join(texts)
    return " ".join(sorted({y for r in _YEAR_RES for y in r.findall(text)}))


def in_years(clause: Clause) -> bool:
    """Whether a clause asks only years, anywhere ("Nguyễn Văn An 1990": born that year): beside a clause on the
    short fields, the ``years`` column of ``short_fts`` answers it, not the text (:func:`tier_match`)."""
    return clause.fields == "any" and clause.how == "all" and all(
        len(t) == 1 and t[0].isascii() and any(r.fullmatch(t[0]) for r in _YEAR_RES) for t in clause.terms)


def clause_match(clause: Clause) -> str:
    """One clause of a ranking tier as an FTS5 expression.

    A ``prefix`` clause needs the index's vocabulary to be spelled out
    (:func:`indexing.sqlite_match.prefix_match`), so it is refused here.
    """
    if clause.how == "prefix":
        raise ValueError("a prefix clause is spelled out from the index's vocabulary")
    if clause.fields == "year":
        return f'facets : "{facet("y", clause.terms[0][0])}"'
    if clause.fields == "ends":
        return f'ends : "{ends_term(*clause.terms[0])}"'
    cols = "exact" if clause.exact else COLUMNS[clause.fields]
    if clause.how == "phrase":
        return f"{cols} : {quoted([p for t in clause.terms for p in t])}"
    return f"{cols} : (" + " AND ".join(quoted(t) for t in clause.terms) + ")"


#: Between the two halves of a ``split`` tier's expression (see :func:`tier_match`).
SPLIT = "\x1f"


def tier_match(tier: Tier) -> tuple[str, str]:
    """Where a ranking tier is asked and its MATCH expression.

    ``short_fts`` or ``text_fts`` (years anywhere are asked of ``short_fts.years``,
    :func:`in_years`); or ``split`` for a tier with clauses on
    both the short fields and the body ("Nguyễn Văn An" in the subject,
    "12" anywhere): its short-field expression and its body expression,
    joined by :data:`SPLIT`, so the few records the first finds are looked
    up in the second instead of the whole body being searched.
    """
    short = [c for c in tier.clauses if c.fields != "any"]
    years = [c for c in tier.clauses if short and in_years(c)]
    body = [c for c in tier.clauses if c.fields == "any" and c not in years]

    def one(c: Clause) -> str:
        return "(years : (" + " AND ".join(quoted(t) for t in c.terms) + "))" if c in years else f"({clause_match(c)})"

    if body and short:
        return "split", " AND ".join(one(c) for c in short + years) + SPLIT + " AND ".join(one(c) for c in body)
    return "text_fts" if body else "short_fts", " AND ".join(one(c) for c in tier.clauses)


def field_text(doc: Mapping[str, object], name: str) -> str:
    value = doc.get(name)
    return str(value) if value else ""


def fts_body(doc: dict[str, object]) -> str:
    """The body as ``text_fts`` receives it: only the letters FTS5 does not fold to ``d`` are mapped."""
    text = field_text(doc, "text")
    if not text.isascii():
        for ch in _D_LETTERS:
            if ch in text:
                text = text.replace(ch, "d")
    return text


@lru_cache(maxsize=4096)
def facet(name: str, value: object) -> str:
    """The token standing for a filter value in the ``facets`` column (``y2010``, ``t<hash>``, ``b<hash>``).

    Years are written out; type and batch codes are hashed, so any string
    becomes one FTS5 token and no two values share one.
    """
    if name == "y":
        return f"y{int(value)}"  # type: ignore[call-overload]
    return name + hashlib.blake2b(str(value).encode(), digest_size=8).hexdigest()


def _facets(doc: Mapping[str, object]) -> str:
    """The ``facets`` column of a document: its type, year and batch as tokens."""
    out = [facet("t", doc["type"])]
    if doc.get("year"):
        out.append(facet("y", doc["year"]))
    if doc.get("batch"):
        out.append(facet("b", doc["batch"]))
    return " ".join(out)


#: The fields of a document :func:`short_row` reads.
SHORT_ROW_FIELDS = ("subject", "number", "title", "issuer", "type", "year", "batch")


def short_row(rowid: int, doc: Mapping[str, object]) -> tuple[object, ...]:
    """The ``short_fts`` row of a document: the folded short fields, their lower-cased copy with diacritics
    (``exact``), the subject's first and last words as one term (``ends``, :func:`ends_term`), the years
    written in it, its text too when ``doc`` has one (``years``, :func:`years_text`), the facets.

    Besides the text it reads only :data:`SHORT_ROW_FIELDS`.
    """
    short = [field_text(doc, f) for f in ("subject", "number", "title", "issuer")]
    folded = [index_fold(s) for s in short]
    exact = unicodedata.normalize("NFC", " \n ".join(short)).lower()
    pair = subject_ends(folded[0], folded=True)
    ends = ends_term(*pair) if pair else ""
    return (rowid, *folded, exact, ends, years_text([*folded, field_text(doc, "text")]), _facets(doc))


def fts_rows(rowid: int, doc: dict[str, object]) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """The ``short_fts`` (:func:`short_row`) and ``text_fts`` rows of a document (also what a delete must
    repeat)."""
    short = short_row(rowid, doc)
    return short, (*short[:5], fts_body(doc), short[-1])


def vocab_words(docs: Sequence[dict[str, object]]) -> set[str]:
    """Folded words of 2+ letters in the documents' short fields (the fuzzy tier's vocabulary).

    The letters of a number's symbol are words too ("sgddt", "qd"), so a
    misread symbol is found like a misread name.
    """
    raw: set[str] = set()
    for doc in docs:
        for f in ("subject", "number", "title", "issuer"):
            raw.update(field_text(doc, f).split())
    return {w for r in raw for w in _WORD_RE.findall(index_fold(r)) if w.isascii()}
