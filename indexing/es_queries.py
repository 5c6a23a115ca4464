"""The Elasticsearch documents and queries of :mod:`indexing.elastic`: the mapping, a record as the
node indexes it, the filters, the ranking tiers and the fuzzy batches, as plain data (no client)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from indexing.base import (INDEX_SCHEMA_VERSION, Clause, SearchFilters, index_fold, number_key, ranking_tiers,
                           subject_ends)
from indexing.fts_rows import vocab_words
from indexing.spellings import Batch, anchors, ends_pairs
from pipeline.folding import fold

__all__ = ["SHORT_FIELDS", "FOLDED_FIELDS", "FIELDS_OF", "TIER_STEP", "MAPPINGS", "folded_tokens", "es_document",
           "status_filters", "date_range", "missing", "search_filters", "tier_queries", "batch_query"]

SHORT_FIELDS = ("subject", "number", "title", "issuer")
# Folded fields and their weights (the embedded index's bm25 column weights, softened).
FOLDED_FIELDS = ["subject_folded^3", "number_folded^3", "title_folded^1.5", "issuer_folded", "text_folded"]
# The folded fields of each kind of field of a ranking clause (indexing.base.FIELDS).
FIELDS_OF = {"name": ["subject_folded", "number_folded"], "other": ["title_folded", "issuer_folded"],
             "short": [f"{f}_folded" for f in SHORT_FIELDS],
             "any": [f"{f}_folded" for f in (*SHORT_FIELDS, "text")]}
# A tier's score: its rank times this, far above any bm25 sum within it, so tiers never mix.
TIER_STEP = 1000.0

MAPPINGS: dict[str, Any] = {
    "dynamic": "strict",
    "_meta": {"schema": INDEX_SCHEMA_VERSION},
    # The folded copies and the words are only for matching: keep them out of _source.
    "_source": {"excludes": ["*_folded", "vocab"]},
    "properties": {
        "key": {"type": "keyword"},
        "type": {"type": "keyword"},
        "year": {"type": "integer"},
        "batch": {"type": "keyword"},
        "issuer_key": {"type": "keyword", "normalizer": "lower"},
        "issue_date": {"type": "date", "format": "strict_date"},
        "valid_until": {"type": "date", "format": "strict_date"},
        "revoked_on": {"type": "date", "format": "strict_date"},
        "needs_review": {"type": "boolean"},
        "number_key": {"type": "keyword", "normalizer": "lower"},
        # The subject's first and last folded words, "nguyen an" (indexing.base.subject_ends).
        "subject_ends": {"type": "keyword"},
        **{f: {"type": "text", "analyzer": "standard"} for f in SHORT_FIELDS},
        **{f"{f}_folded": {"type": "text", "analyzer": "standard"} for f in (*SHORT_FIELDS, "text")},
        # The words of the short fields, for the fuzzy tier's vocabulary (a terms aggregation).
        "vocab": {"type": "keyword"},
        "doc": {"type": "object", "enabled": False},
    },
}

_SPLIT_RE = re.compile(r"\w+")


def folded_tokens(text: str) -> str:
    """The folded text as the embedded index tokenizes it, so both backends match the same words."""
    return " ".join(_SPLIT_RE.findall(index_fold(text)))


def es_document(doc: dict[str, object]) -> dict[str, object]:
    """The Elasticsearch document for one index document."""
    text = {f: str(doc.get(f) or "") for f in (*SHORT_FIELDS, "text")}
    return {
        "key": str(doc["key"]),
        "type": doc["type"],
        "year": doc.get("year"),
        "batch": doc.get("batch"),
        "issuer_key": fold(text["issuer"]) or None,
        "issue_date": doc.get("issue_date"),
        "valid_until": doc.get("valid_until"),
        "revoked_on": doc.get("revoked_on"),
        "needs_review": bool(doc.get("needs_review")),
        "number_key": number_key(text["number"]) or None,
        "subject_ends": " ".join(ends) if (ends := subject_ends(text["subject"])) else None,
        **{f: text[f] for f in SHORT_FIELDS},
        **{f"{f}_folded": folded_tokens(v) for f, v in text.items()},
        "vocab": sorted(vocab_words([doc])),
        "doc": doc,
    }


def date_range(field: str, op: str, on: dt.date) -> dict[str, Any]:
    return {"range": {field: {op: on.isoformat(), "format": "strict_date"}}}


def missing(field: str) -> dict[str, Any]:
    return {"bool": {"must_not": {"exists": {"field": field}}}}


def status_filters(on: dt.date) -> dict[str, dict[str, Any]]:
    """One filter per status on ``on``, mirroring :func:`pipeline.validity.status_on`.

    revoked: revoked on or before ``on``; unknown: not revoked and type
    ``khac``, no issue date, or issued after ``on``; valid: neither, and no
    end of validity or one on or after ``on``; expired: the rest.
    """
    revoked = date_range("revoked_on", "lte", on)
    unknown = {"bool": {"should": [{"term": {"type": "khac"}}, missing("issue_date"),
                                   date_range("issue_date", "gt", on)], "minimum_should_match": 1}}
    lasting = {"bool": {"should": [missing("valid_until"), date_range("valid_until", "gte", on)],
                        "minimum_should_match": 1}}
    return {
        "valid": {"bool": {"filter": [lasting], "must_not": [revoked, unknown]}},
        "expired": {"bool": {"must_not": [revoked, unknown, lasting]}},
        "revoked": revoked,
        "unknown": {"bool": {"filter": [unknown], "must_not": [revoked]}},
    }


def search_filters(f: SearchFilters) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if f.type:
        out.append({"term": {"type": f.type}})
    if f.year:
        out.append({"term": {"year": f.year}})
    if f.issuer:
        out.append({"match_phrase": {"issuer_folded": folded_tokens(f.issuer)}})
    if f.batch:
        out.append({"term": {"batch": f.batch}})
    if f.valid_on:
        out += [status_filters(f.valid_on)["valid"], date_range("issue_date", "lte", f.valid_on)]
    return out


def clause_query(clause: Clause) -> dict[str, Any]:
    """One clause of a ranking tier (:func:`indexing.base.ranking_tiers`) as a query."""
    if clause.fields == "year":
        return {"term": {"year": int(clause.terms[0][0])}}
    if clause.fields == "number":
        return {"term": {"number_key": clause.terms[0][0]}}
    if clause.fields == "ends":
        return {"term": {"subject_ends": " ".join(clause.terms[0])}}
    fields = list(SHORT_FIELDS) if clause.exact else FIELDS_OF[clause.fields]
    if clause.how == "phrase":
        return {"multi_match": {"query": " ".join(p for t in clause.terms for p in t), "type": "phrase",
                                "fields": fields}}
    kind = "phrase_prefix" if clause.how == "prefix" else "phrase"
    return {"bool": {"filter": [{"multi_match": {"query": " ".join(t), "fields": fields,
                                                 "type": kind if t[0].isalpha() else "phrase"}}
                                for t in clause.terms]}}


def tier_queries(query: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None:
    """The exact tiers as queries: those on the short fields, the two on the body, and what a tier on the
    short fields matches (the total of a query that names records; one that names none counts the body's).

    In each, a record scores its best tier's rank (the same ranks in both), so
    bm25 added within a tier never lifts it over another. None for an empty query.
    """
    tiers = ranking_tiers(query)
    if not tiers:
        return None
    filters = [{"bool": {"filter": [clause_query(c) for c in t.clauses]}} for t in tiers]
    ranked = [{"constant_score": {"filter": f, "boost": TIER_STEP * (len(filters) - i)}}
              for i, f in enumerate(filters)]
    named = {"bool": {"should": filters[:-2], "minimum_should_match": 1}}
    return {"dis_max": {"queries": ranked[:-2]}}, {"dis_max": {"queries": ranked[-2:]}}, named


def batch_query(batch: Batch, how: str = "short") -> dict[str, Any] | None:
    """A batch of spellings (:func:`indexing.spellings.batches`): a record whose subject or number (``how``
    "name") or short fields ("short") hold, for one group, one of each position's words; "ends": only the
    groups :func:`indexing.spellings.anchors` allows, in the short fields, the subject beginning and
    ending with one of their :func:`indexing.spellings.ends_pairs`. None when nothing is to be asked."""
    anchored = how == "ends"
    fields = FIELDS_OF["name" if how == "name" else "short"]

    def one(word: str) -> dict[str, Any]:
        return {"multi_match": {"query": word, "fields": fields, "type": "phrase"}}

    def position(words: list[str]) -> dict[str, Any]:
        return one(words[0]) if len(words) == 1 else {
            "bool": {"should": [one(w) for w in words], "minimum_should_match": 1}}

    def ends(group: list[list[str]]) -> list[dict[str, Any]]:
        return [{"terms": {"subject_ends": [f"{a} {b}" for a, b in ends_pairs(group)]}}] if anchored else []

    groups = [{"bool": {"filter": [*ends(group), *(position(p) for p in group if p)]}}
              for group in batch if not anchored or anchors(group)]
    return {"bool": {"should": groups, "minimum_should_match": 1}} if groups else None


