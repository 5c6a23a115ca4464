"""The Elasticsearch backend: the same interface as the embedded index, for a city or a country.

Design, so that a bare node (no analysis-common, painless or reindex module)
and a production cluster behave the same:

* Vietnamese folding happens in Python (:func:`pipeline.folding.fold`); each
  searchable field is indexed as the original (``standard`` analyzer: lower
  case, diacritics kept — the exact-diacritics tier) and as a folded copy made
  of the same tokens the embedded index sees.
* Numbers are also a ``keyword`` (:func:`indexing.base.number_key`, with a
  ``lowercase`` normalizer) for exact lookup.
* The original document is kept, unindexed, under ``doc`` and returned as is.
* Writes go to a versioned index (``<alias>-v<schema>-<timestamp>``) behind
  the alias; :meth:`ElasticIndex.rebuild` and :meth:`ElasticIndex.clear`
  build a new one and swap the alias atomically, then delete the old index
  by name. Deletes by id go through ``_bulk``. No scripts anywhere.
* Status on a date is computed by the engine with range/term filters that
  mirror :func:`pipeline.validity.status_on`.

URL: ``http(s)://[user:pass@]host:9200[/ALIAS][?alias=ALIAS&replicas=N&shards=N]``;
the alias defaults to ``sohoa-records``, replicas to 0 (a single node).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qs, urlsplit

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers

from indexing.base import (
    INDEX_SCHEMA_VERSION,
    STATUSES,
    TOTAL_CAP,
    CountRow,
    Hit,
    SearchFilters,
    SearchResult,
    number_key,
    snippet_terms,
)
from indexing.es_queries import (FOLDED_FIELDS, MAPPINGS, batch_query, date_range, es_document, folded_tokens,
                                 missing, search_filters, status_filters, tier_queries)
from indexing.fuzzy import FUZZY_FIELDS, rank_fuzzy
from indexing.spellings import ASKS, FUZZY_WINDOW, Batch, Spelling, gather, query_spellings
from core.errors import ConfigError, IndexSchemaError, IndexUnavailableError, SohoaError

__all__ = ["ElasticIndex", "DEFAULT_ALIAS", "parse_url"]

DEFAULT_ALIAS = "sohoa-records"
_TIER_EXACT = 100_000.0  # lookup: the number itself
_UNAVAILABLE_STATUS = {408, 429, 502, 503, 504}
#: Hits one request brings at most; more page by ``search_after`` (see :meth:`ElasticIndex._run`).
PAGE = 1000
# Schema 6 added the words of the short fields (``vocab``): an older index lacks them.
# Schema 8 changed only the embedded layout: an index of schema 7 is read as is.
_COMPATIBLE_SCHEMAS = {7, INDEX_SCHEMA_VERSION}
#: The fuzzy tier's vocabulary is read from the node again after this many seconds (a word new
#: to the index is spelled fuzzily after at most that long; this process's writes at once).
VOCABULARY_SECONDS = 60.0
#: At most this many words of the vocabulary are read (a terms aggregation's buckets).
VOCABULARY_MOST = 50_000

def parse_url(url: str) -> tuple[str, str, dict[str, int]]:
    """Split an index URL into the cluster URL, the alias and index settings.

    Examples:
        >>> parse_url("http://127.0.0.1:9250/t-1?replicas=1")
        ('http://127.0.0.1:9250', 't-1', {'number_of_replicas': 1, 'number_of_shards': 1})
    """
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    alias = query.get("alias") or parts.path.strip("/") or DEFAULT_ALIAS
    if alias != alias.lower() or "/" in alias or alias.startswith(("_", "-", "+")):
        raise ConfigError(f"bad Elasticsearch alias {alias!r} in {url!r}: lower case, no '/'")
    try:
        settings = {"number_of_replicas": int(query.get("replicas", 0)),
                    "number_of_shards": int(query.get("shards", 1))}
    except ValueError as exc:
        raise ConfigError(f"bad replicas/shards in {url!r}") from exc
    return f"{parts.scheme}://{parts.netloc}", alias, settings


def _result(total: int, hits: list[Hit], *, texts_skipped: bool = False) -> SearchResult:
    return SearchResult(total=min(total, TOTAL_CAP), hits=tuple(hits), total_capped=total > TOTAL_CAP,
                        texts_skipped=texts_skipped)


def _total(res: Mapping[str, Any]) -> int:
    """A search response's count of matches: ``TOTAL_CAP + 1`` when it stopped counting at the cap."""
    t = res["hits"]["total"]
    return int(t["value"]) + (t["relation"] == "gte")


def _hits(page: Sequence[Mapping[str, Any]], terms: Sequence[str]) -> list[Hit]:
    """A response's hits, scored by ``_score``, or by their first sort value when sorted by field."""
    return [Hit(key=h["_id"], score=float(h["_score"] if h.get("_score") is not None
                                          else (h.get("sort") or [0.0])[0] or 0.0),
                doc=h["_source"]["doc"], terms=tuple(terms)) for h in page]


class ElasticIndex:
    """An index in Elasticsearch 8.x/9.x behind an alias.

    Args:
        url: ``http(s)://host:9200[/alias]`` (see the module docstring).
        check_schema: Refuse an alias whose index has another schema version.

    Raises:
        IndexUnavailableError: the cluster cannot be reached (retryable).
        IndexSchemaError: the alias points at an index of another schema.
    """

    def __init__(self, url: str, *, check_schema: bool = True) -> None:
        base, self.alias, self._settings = parse_url(url)
        self.url = url
        #: The engine's own time (``took``) of the last search or lookup, summed over its requests.
        self.last_took_ms = 0
        self._vocab: tuple[float, dict[int, list[str]]] | None = None  # (when read, words by length)
        self._es = Elasticsearch(base, request_timeout=120, max_retries=2, retry_on_timeout=True)
        with self._guard():
            names = self._indices()
            if not names:
                self._create(with_alias=True)
            elif check_schema:
                mappings = self._es.indices.get_mapping(index=self.alias)
                for name, body in mappings.body.items():
                    schema = body["mappings"].get("_meta", {}).get("schema")
                    if schema not in _COMPATIBLE_SCHEMAS:
                        raise IndexSchemaError(f"{name}: index schema {schema} differs from "
                                               f"{INDEX_SCHEMA_VERSION}; run `sohoa reindex --to {url}`")

    # -- plumbing -------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn "cannot reach the cluster" into IndexUnavailableError (retryable)."""
        try:
            yield
        except ApiError as exc:
            if exc.meta.status in _UNAVAILABLE_STATUS:
                raise IndexUnavailableError(f"Elasticsearch at {self.url} is busy or down: {exc}") from exc
            raise SohoaError(f"Elasticsearch at {self.url} refused the request: {exc}") from exc
        except helpers.BulkIndexError as exc:
            raise SohoaError(f"Elasticsearch at {self.url} rejected {len(exc.errors)} documents: "
                             f"{exc.errors[:1]}") from exc
        except TransportError as exc:  # connection refused, timeouts, TLS
            raise IndexUnavailableError(f"Elasticsearch at {self.url} is unreachable: {exc}") from exc

    def _indices(self) -> list[str]:
        """The concrete indices behind the alias (normally one)."""
        try:
            return sorted(self._es.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def _create(self, *, with_alias: bool, loading: bool = False) -> str:
        """Create a new versioned index; with ``loading``, refreshes are off until :meth:`_finish`."""
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d%H%M%S%f")
        name = f"{self.alias}-v{INDEX_SCHEMA_VERSION}-{stamp}"
        settings: dict[str, Any] = {
            **self._settings,
            "analysis": {"normalizer": {"lower": {"type": "custom", "filter": ["lowercase"]}}},
        }
        if loading:
            settings["refresh_interval"] = "-1"
        aliases = {self.alias: {"is_write_index": True}} if with_alias else {}
        self._es.indices.create(index=name, settings=settings, mappings=MAPPINGS, aliases=aliases)
        self._es.cluster.health(index=name, wait_for_status="yellow", timeout="60s")
        return name

    def _bulk(self, actions: Iterable[dict[str, Any]]) -> Iterator[tuple[bool, dict[str, Any]]]:
        return helpers.streaming_bulk(self._es, actions, chunk_size=500, max_chunk_bytes=20 * 1024 * 1024,
                                      raise_on_error=False, raise_on_exception=True, max_retries=3)

    def _index_docs(self, docs: Iterable[dict[str, object]], index: str) -> int:
        actions = ({"_op_type": "index", "_index": index, "_id": str(d["key"]), "_source": es_document(d)}
                   for d in docs)
        n, errors = 0, []
        for ok, item in self._bulk(actions):
            if ok:
                n += 1
            else:
                errors.append(item)
        if errors:
            raise helpers.BulkIndexError(f"{len(errors)} documents failed", errors)
        return n

    def _swap(self, new: str) -> None:
        """Point the alias at ``new`` alone, atomically, then delete the old indices by name."""
        old = [n for n in self._indices() if n != new]
        actions: list[dict[str, Any]] = [{"remove": {"index": n, "alias": self.alias}} for n in old]
        actions.append({"add": {"index": new, "alias": self.alias, "is_write_index": True}})
        self._es.indices.update_aliases(actions=actions)
        for n in old:
            self._es.indices.delete(index=n)

    # -- writing --------------------------------------------------------------

    def write(self, docs: Iterable[dict[str, object]]) -> int:
        """Insert or replace documents through the bulk API; visible to searches on return."""
        with self._guard():
            n = self._index_docs(docs, self.alias)
            self._es.indices.refresh(index=self.alias)
        self._vocab = None
        return n

    def delete(self, keys: Sequence[str]) -> int:
        """Remove documents by key (``_bulk`` deletes); returns how many existed."""
        keys = list(dict.fromkeys(keys))
        if not keys:
            return 0
        with self._guard():
            n = 0
            for ok, item in self._bulk({"_op_type": "delete", "_index": self.alias, "_id": k} for k in keys):
                result = item.get("delete", {})
                if ok and result.get("result") == "deleted":
                    n += 1
                elif result.get("status") != 404:
                    raise helpers.BulkIndexError("delete failed", [item])
            self._es.indices.refresh(index=self.alias)
        self._vocab = None
        return n

    def clear(self) -> None:
        """Swap in a new empty index (no ``_delete_by_query`` needed)."""
        with self._guard():
            self._swap(self._create(with_alias=False))
        self._vocab = None

    def rebuild(self, chunks: Iterable[Iterable[dict[str, object]]]) -> int:
        """Bulk-load a new versioned index, then swap the alias to it atomically.

        Searches see the old index until the swap; if loading fails, the new
        index is deleted and the alias is left as it was.
        """
        with self._guard():
            new = self._create(with_alias=False, loading=True)
            try:
                n = self._index_docs((d for chunk in chunks for d in chunk), new)
                self._es.indices.put_settings(index=new, settings={"refresh_interval": None})
                self._es.indices.refresh(index=new)
            except BaseException:
                self._es.indices.delete(index=new, ignore_unavailable=True)
                raise
            self._swap(new)
        self._vocab = None
        return n

    def drop(self) -> None:
        """Delete every index behind the alias, by name (tests and benchmarks)."""
        with self._guard():
            for name in self._indices():
                self._es.indices.delete(index=name)

    def close(self) -> None:
        """Close the client's connections."""
        self._es.close()

    # -- reading --------------------------------------------------------------

    def _run(self, body: dict[str, Any], size: int, terms: list[str], *, exact: bool = False, count: bool = True,
             source: Sequence[str] = ("doc",)) -> tuple[int, list[Hit]]:
        """Total (``TOTAL_CAP + 1`` when more match, unless ``exact``) and hits of one search.

        Up to :data:`PAGE` hits come in one request; more (``sohoa search
        --limit 50000``, past the index's ``max_result_window``) page by
        ``search_after`` on the body's sort, inside a point in time, so every
        page sees the same index.
        """
        pit: str | None = None
        hits: list[Hit] = []
        total = 0
        after: list[Any] | None = None
        with self._guard():
            try:
                while True:
                    want = min(PAGE, size - len(hits))
                    args: dict[str, Any] = {"size": want, "source": list(source), **body}
                    if pit is None and size > PAGE:
                        pit = self._es.open_point_in_time(index=self.alias, keep_alive="1m")["id"]
                    if pit is not None:
                        args["pit"] = {"id": pit, "keep_alive": "1m"}
                    else:
                        args["index"] = self.alias
                    if after is not None or not count:
                        if after is not None:
                            args["search_after"] = after
                        args["track_total_hits"] = False
                    else:
                        args["track_total_hits"] = True if exact else TOTAL_CAP
                    res = self._es.search(**args)
                    self.last_took_ms += int(res.get("took") or 0)
                    pit = res.get("pit_id", pit)
                    if after is None and count:
                        total = _total(res)
                    page = res["hits"]["hits"]
                    hits += _hits(page, terms)
                    if len(page) < want or len(hits) >= size:  # (size 0: the count alone)
                        return total, hits
                    after = page[-1]["sort"]
            finally:
                if pit is not None:
                    self._es.close_point_in_time(id=pit)

    def _run_many(self, requests: Sequence[tuple[dict[str, Any], int, bool, Sequence[str]]], terms: list[str]
                  ) -> list[tuple[int, list[Hit]]]:
        """Several searches of at most :data:`PAGE` hits in one request (``_msearch``), as :meth:`_run` makes each.

        Each request: the body, the hits wanted, whether to count (up to ``TOTAL_CAP + 1``), the
        ``_source`` fields. One round trip instead of one each: the client's and the node's cost of a
        request (5-10 ms on this machine) is paid once. More hits than a page are read as
        :meth:`_run` reads them, one search after the other.
        """
        if any(size > PAGE for _, size, _, _ in requests):
            return [self._run(body, size, terms, count=count, source=source) for body, size, count, source in requests]
        searches: list[dict[str, Any]] = []
        for body, size, count, source in requests:
            searches += [{"index": self.alias}, {**body, "size": size, "_source": list(source),
                                                 "track_total_hits": TOTAL_CAP if count else False}]
        with self._guard():
            res = self._es.msearch(searches=searches)
        out = []
        for (_, _, count, _), r in zip(requests, res["responses"], strict=True):
            if "error" in r:
                raise SohoaError(f"Elasticsearch at {self.url} refused a search: {r['error']}")
            self.last_took_ms += int(r.get("took") or 0)
            out.append((_total(r) if count else 0, _hits(r["hits"]["hits"], terms)))
        return out

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20, *,
               in_text: bool = False) -> SearchResult:
        """Search with the ranking tiers of :mod:`indexing.base`; an empty query lists by date, newest first.

        ``in_text``: the records holding the words only in their text come after those the query names.
        """
        self.last_took_ms = 0
        filt = search_filters(filters)
        tiers = tier_queries(query)
        if tiers is None:
            body = {"query": {"bool": {"filter": filt}},
                    "sort": [{"issue_date": {"order": "desc", "missing": "_last"}}, {"key": "asc"}]}
            total, hits = self._run(body, limit, [], exact=True)
            return SearchResult(total=total, hits=tuple(hits))
        terms = snippet_terms(query)
        short, body, named = tiers
        sort = ["_score", {"key": "asc"}]
        bm25 = {"multi_match": {"query": folded_tokens(query), "fields": FOLDED_FIELDS}}
        # As the embedded index does: the short fields first, and their records are the answer when there
        # are any (with their total, in the same request); the body, only for a query they do not hold, or
        # (in_text) after them: those records and the total of both asked in the same request too.
        counted = {"bool": {"should": [named, body], "minimum_should_match": 1}} if in_text else named
        asks = [({"query": {"bool": {"must": [short], "should": [bm25], "filter": filt}}, "sort": sort}, limit, False,
                 ("doc",)),
                ({"query": {"bool": {"filter": [*filt, counted]}}}, 0, True, ())]
        if in_text:
            asks.append(({"query": {"bool": {"must": [body], "should": [bm25], "filter": filt, "must_not": [named]}},
                          "sort": sort}, limit, False, ("doc",)))
        (_, hits), (total, _), *texts = self._run_many(asks, terms)
        if hits:
            return _result(total, hits + [h for _, more in texts for h in more][: limit - len(hits)],
                           texts_skipped=not in_text)
        # No record holds the words in its short fields (likely misread, or words of a text): a subject
        # about two edits away comes first, then the words found in passing in a text (their total is
        # the body's: no tier on the short fields matches).
        rest = {"bool": {"must": [body], "should": [bm25], "filter": filt}}
        total, hits = self._run({"query": rest, "sort": sort}, limit, terms)
        plan = query_spellings(query, self._vocabulary())
        more, first = self._nearest(query, plan, True, filt, terms, [], limit)
        found = {h.key for h in first}
        total += more - len(found & {h.key for h in hits})  # those found both ways, counted once
        hits = (first + [h for h in hits if h.key not in found])[:limit]
        if len(hits) < limit:  # farther spellings, and all words but one: to fill the page
            more, extra = self._nearest(query, plan, False, filt, terms, hits, limit - len(hits))
            total += more
            hits += extra
        return _result(total, hits)

    def _vocabulary(self) -> dict[int, list[str]]:
        """The fuzzy tier's vocabulary by length: the index's ``vocab`` words, read again after
        :data:`VOCABULARY_SECONDS` or when this process has written."""
        if self._vocab is None or time.monotonic() - self._vocab[0] > VOCABULARY_SECONDS:
            with self._guard():
                res = self._es.search(index=self.alias, size=0, aggs={
                    "v": {"terms": {"field": "vocab", "size": VOCABULARY_MOST}}})
            by_len: dict[int, list[str]] = {}
            for b in res["aggregations"]["v"]["buckets"]:
                by_len.setdefault(len(b["key"]), []).append(b["key"])
            self._vocab = (time.monotonic(), by_len)
        return self._vocab[1]

    def _nearest(self, text: str, plan: list[Spelling], near: bool, filt: list[dict[str, Any]], terms: list[str],
                 seen: list[Hit], limit: int) -> tuple[int, list[Hit]]:
        """The fuzzy matches of the query ``text``'s spellings (``plan``), gathered batch by batch as the
        embedded index gathers them (:func:`~indexing.spellings.gather`) and ordered as it orders them
        (:func:`~indexing.fuzzy.rank_fuzzy`): how many, and the first ``limit`` with their documents."""
        window: dict[str, Hit] = {}
        asked: dict[str, list[Hit]] = {}
        current: list[Batch] = []

        def ask(batch: Batch, how: str) -> list[str]:
            if not current or current[0] is not batch:
                # Every way of asking a batch (ASKS) in one request: gather asks them in turn until the
                # page has enough, and a round trip costs more than the node's work on one ask.
                current[:] = [batch]
                queries = {h: q for h in ASKS if (q := batch_query(batch, h)) is not None}
                # (in index order, as the embedded index takes its window: no scores to compute)
                found = self._run_many([({"query": {"bool": {"filter": [q, *filt]}}, "sort": ["_doc"]}, FUZZY_WINDOW,
                                         False, [f"doc.{f}" for f in FUZZY_FIELDS]) for q in queries.values()], terms)
                asked.clear()
                asked.update(zip(queries, (hits for _, hits in found), strict=True))
            found_now = asked.get(how, [])
            window.update((h.key, h) for h in found_now if h.key not in window)
            return [h.key for h in found_now]

        pool = gather(plan, near, ask, (h.key for h in seen), limit)
        kept = rank_fuzzy(text, {k: window[k].doc for k in pool})
        if not kept:
            return 0, []
        _, full = self._run({"query": {"ids": {"values": kept[:limit]}}}, limit, terms, count=False)
        by_key = {h.key: h for h in full}
        return len(kept), [replace(by_key[k], near=True) for k in kept[:limit] if k in by_key]

    def lookup(self, code: str, limit: int = 20) -> SearchResult:
        """Records numbered ``code`` first, then records quoting it in their text."""
        self.last_took_ms = 0
        key = number_key(code)
        if not key:
            return SearchResult(total=0)
        should = [{"constant_score": {"filter": {"term": {"number_key": key}}, "boost": _TIER_EXACT}},
                  {"multi_match": {"query": folded_tokens(code), "type": "phrase", "fields": FOLDED_FIELDS}}]
        body = {"query": {"bool": {"should": should, "minimum_should_match": 1}},
                "sort": ["_score", {"key": "asc"}]}
        total, hits = self._run(body, limit, snippet_terms(code))
        return _result(total, hits)

    def counts(self, on: dt.date) -> list[CountRow]:
        """Records issued on or before ``on`` by type × year × status, in one aggregation."""
        issued = {"bool": {"should": [missing("issue_date"), date_range("issue_date", "lte", on)],
                           "minimum_should_match": 1}}
        aggs = {"type": {"terms": {"field": "type", "size": 1000}, "aggs": {
            "year": {"terms": {"field": "year", "size": 10_000, "missing": -1}, "aggs": {
                "status": {"filters": {"filters": status_filters(on)}}}}}}}
        with self._guard():
            res = self._es.search(index=self.alias, size=0, query=issued, aggs=aggs)
        rows = []
        for t in res["aggregations"]["type"]["buckets"]:
            for y in t["year"]["buckets"]:
                year = None if y["key"] == -1 else int(y["key"])
                for status in STATUSES:
                    n = y["status"]["buckets"][status]["doc_count"]
                    if n:
                        rows.append(CountRow(type=t["key"], year=year, status=status, count=int(n)))
        rows.sort(key=lambda r: (r.type, r.year is not None, r.year or 0, r.status))
        return rows

    def doc_count(self) -> int:
        """How many documents the alias holds."""
        with self._guard():
            return int(self._es.count(index=self.alias)["count"])

    def disk_size(self) -> int:
        """Bytes of the primary shards on disk."""
        with self._guard():
            self._es.indices.flush(index=self.alias)
            stats = self._es.indices.stats(index=self.alias, metric="store")
        return int(stats["_all"]["primaries"]["store"]["size_in_bytes"])
