#!/usr/bin/env python3
"""Smoke test for an Elasticsearch node as sohoa uses it.

    .venv/bin/python scripts/elasticsearch/smoke.py [URL]

URL defaults to $SOHOA_INDEX_URL, then http://127.0.0.1:9200.

REQUIRED checks (exit status 1 if any fails): index creation with
number_of_replicas 0 and an explicit mapping (text/standard, keyword with a
lowercase normalizer, date), helpers.bulk, match query + highlighting + terms
aggregation, atomic alias swap, delete by ids through _bulk.

PROBES (reported, never fatal): features that the Maven Central test
distribution lacks but a production cluster has (GET /, asciifolding,
painless, _delete_by_query, ...). sohoa must not depend on them.
"""
from __future__ import annotations

import os
import sys
import time
import traceback
import uuid

from elasticsearch import Elasticsearch, helpers

URL = (sys.argv[1] if len(sys.argv) > 1 else None) or os.environ.get(
    "SOHOA_INDEX_URL", "http://127.0.0.1:9200"
)
PREFIX = f"sohoa-smoke-{uuid.uuid4().hex[:8]}"

DOCS = [
    {"id": "1", "title": "Quyết định cấp giấy chứng nhận quyền sử dụng đất",
     "title_folded": "quyet dinh cap giay chung nhan quyen su dung dat",
     "procedure": "dat-dai", "issued": "2019-03-12"},
    {"id": "2", "title": "Giấy phép xây dựng nhà ở riêng lẻ",
     "title_folded": "giay phep xay dung nha o rieng le",
     "procedure": "xay-dung", "issued": "2020-07-01"},
    {"id": "3", "title": "Quyết định thu hồi đất nông nghiệp",
     "title_folded": "quyet dinh thu hoi dat nong nghiep",
     "procedure": "dat-dai", "issued": "2021-11-30"},
    {"id": "4", "title": "Đăng ký kết hôn",
     "title_folded": "dang ky ket hon",
     "procedure": "ho-tich", "issued": "2018-01-05"},
]

SETTINGS = {
    "number_of_shards": 1,
    "number_of_replicas": 0,
    "analysis": {
        # `lowercase` is a core filter; asciifolding/icu_folding are NOT available.
        "normalizer": {"lower": {"type": "custom", "filter": ["lowercase"]}},
    },
}
MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        "title": {"type": "text", "analyzer": "standard"},
        # accent-free copy computed in Python (no asciifolding on the test node)
        "title_folded": {"type": "text", "analyzer": "standard"},
        "procedure": {"type": "keyword", "normalizer": "lower"},
        "issued": {"type": "date", "format": "strict_date_optional_time||yyyy-MM-dd"},
    },
}

failures: list[str] = []


def check(name, fn):
    t = time.perf_counter()
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        failures.append(name)
        print(f"FAIL  {name}: {type(e).__name__}: {e}")
        traceback.print_exc(limit=2)
    else:
        print(f"ok    {name} ({(time.perf_counter() - t) * 1000:.0f} ms)")


def probe(name, fn):
    try:
        out = fn()
    except Exception as e:  # noqa: BLE001
        msg = str(e).replace("\n", " ")[:160]
        print(f"n/a   {name}: {type(e).__name__}: {msg}")
    else:
        print(f"avail {name}" + (f": {out}" if out is not None else ""))


def main() -> int:
    es = Elasticsearch(URL, request_timeout=30)
    v1, v2, alias = f"{PREFIX}-v1", f"{PREFIX}-v2", f"{PREFIX}-records"

    # es.ping()/es.info() use GET|HEAD / which the test node does not serve;
    # cluster health works everywhere.
    def health():
        h = es.cluster.health(wait_for_status="yellow", timeout="30s")
        assert h["status"] in ("green", "yellow"), h
    check("cluster health yellow", health)
    if failures:
        print(f"SMOKE FAILED: no healthy Elasticsearch at {URL}")
        return 1

    def create():
        for name in (v1, v2):
            es.indices.create(index=name, settings=SETTINGS, mappings=MAPPINGS)
        m = es.indices.get_mapping(index=v1)[v1]["mappings"]["properties"]
        assert m["issued"]["type"] == "date" and m["procedure"]["type"] == "keyword", m
    check("create index (replicas 0, explicit mapping)", create)

    def bulk():
        actions = [
            {"_index": v1, "_id": d["id"], "_source": {k: v for k, v in d.items() if k != "id"}}
            for d in DOCS
        ]
        ok, errors = helpers.bulk(es, actions, refresh="wait_for")
        assert ok == len(DOCS) and not errors, errors
        assert es.count(index=v1)["count"] == len(DOCS)
    check("helpers.bulk + _count", bulk)

    def search():
        r = es.search(
            index=v1,
            query={"bool": {
                "must": [{"match": {"title": "quyết định đất"}}],
                "filter": [{"range": {"issued": {"gte": "2019-01-01"}}}],
            }},
            highlight={"fields": {"title": {}}, "pre_tags": ["<em>"], "post_tags": ["</em>"]},
            aggs={"by_procedure": {"terms": {"field": "procedure"}},
                  "per_year": {"date_histogram": {"field": "issued", "calendar_interval": "year"}}},
            size=10,
        )
        hits = r["hits"]["hits"]
        assert {h["_id"] for h in hits} == {"1", "3"}, hits
        assert all("<em>" in h["highlight"]["title"][0] for h in hits), hits
        buckets = {b["key"]: b["doc_count"] for b in r["aggregations"]["by_procedure"]["buckets"]}
        assert buckets == {"dat-dai": 2}, buckets
        # folded copy: the user types without accents
        r2 = es.search(index=v1, query={"match": {"title_folded": "quyet dinh"}})
        assert {h["_id"] for h in r2["hits"]["hits"]} == {"1", "3"}
        # keyword normalizer: term query is lowercased too
        r3 = es.count(index=v1, query={"term": {"procedure": "DAT-DAI"}})
        assert r3["count"] == 2, r3
    check("match + highlight + terms/date_histogram aggs + normalizer", search)

    def aliases():
        es.indices.put_alias(index=v1, name=alias)
        src = {k: v for k, v in DOCS[3].items() if k != "id"}
        helpers.bulk(es, [{"_index": v2, "_id": "9", "_source": src}], refresh="wait_for")
        es.indices.update_aliases(actions=[
            {"remove": {"index": v1, "alias": alias}},
            {"add": {"index": v2, "alias": alias}},
        ])
        got = es.indices.get_alias(name=alias)
        assert list(got) == [v2], got
        assert es.count(index=alias)["count"] == 1
    check("atomic alias swap", aliases)

    def delete_by_ids():
        # no _delete_by_query on the test node: delete by ids with _bulk
        ids = [h["_id"] for h in es.search(index=v1, query={"term": {"procedure": "dat-dai"}},
                                           _source=False)["hits"]["hits"]]
        helpers.bulk(es, [{"_op_type": "delete", "_index": v1, "_id": i} for i in ids],
                     refresh="wait_for")
        assert es.count(index=v1)["count"] == len(DOCS) - len(ids)
    check("delete by ids via _bulk", delete_by_ids)

    print("-- probes (not required; production clusters usually have them) --")
    probe("GET / (es.info)", lambda: es.info()["version"]["number"])
    def ping():
        if not es.ping():
            raise RuntimeError("es.ping() returned False")
    probe("HEAD / (es.ping)", ping)
    probe("asciifolding filter", lambda: es.indices.analyze(
        tokenizer="standard", filter=["lowercase", "asciifolding"], text="Quyết Định")["tokens"][0]["token"])
    probe("icu_folding filter (analysis-icu)", lambda: es.indices.analyze(
        tokenizer="standard", filter=["icu_folding"], text="Quyết")["tokens"][0]["token"])
    probe("ngram tokenizer", lambda: len(es.indices.analyze(
        tokenizer={"type": "ngram", "min_gram": 2, "max_gram": 3}, text="abcd")["tokens"]))
    probe("stop filter", lambda: len(es.indices.analyze(
        tokenizer="standard", filter=["stop"], text="the house")["tokens"]))
    probe("painless script query", lambda: es.count(index=v1, query={"script": {"script": "true"}})["count"])
    probe("_delete_by_query (reindex module)", lambda: es.delete_by_query(
        index=v1, query={"match_none": {}}, refresh=True)["deleted"])
    probe("_reindex (reindex module)", lambda: es.reindex(
        source={"index": v1}, dest={"index": f"{PREFIX}-copy"}, refresh=True)["created"])
    probe("search_as_you_type (mapper-extras)", lambda: es.indices.create(
        index=f"{PREFIX}-sayt", mappings={"properties": {"t": {"type": "search_as_you_type"}}})["acknowledged"])
    probe("partial update (_update with doc)", lambda: es.update(
        index=v2, id="9", doc={"procedure": "ho-tich-2"}, refresh=True)["result"])
    probe("index template", lambda: es.indices.put_index_template(
        name=f"{PREFIX}-tpl", index_patterns=[f"{PREFIX}-tpl-*"],
        template={"settings": {"number_of_replicas": 0}})["acknowledged"])
    probe("point in time", lambda: bool(es.open_point_in_time(index=v1, keep_alive="1m")["id"]))
    probe("multi_match + query_string + prefix", lambda: es.count(index=v2, query={"bool": {"should": [
        {"multi_match": {"query": "kết hôn", "fields": ["title", "title_folded"]}},
        {"query_string": {"query": "title_folded:ket*"}},
        {"prefix": {"procedure": "ho"}}]}})["count"])

    # cleanup
    try:
        # explicit names: wildcard deletes need action.destructive_requires_name=false
        es.indices.delete(index=",".join([v1, v2, f"{PREFIX}-copy", f"{PREFIX}-sayt"]),
                          ignore_unavailable=True)
        es.options(ignore_status=404).indices.delete_index_template(name=f"{PREFIX}-tpl")
    except Exception as e:  # noqa: BLE001
        print(f"warn  cleanup: {e}")

    if failures:
        print(f"SMOKE FAILED against {URL}: {', '.join(failures)}")
        return 1
    print(f"SMOKE OK against {URL}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
