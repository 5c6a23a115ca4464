"""The README's Elasticsearch commands as a user types them: an ingest into Elasticsearch, ``reindex --to``
from the ledger, and ``search`` through ``--index`` or ``SOHOA_INDEX_URL``; an outdated index is refused."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import SAMPLES, run_sohoa

pytestmark = [pytest.mark.elasticsearch, pytest.mark.slow]


def _sohoa_es(data: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``sohoa`` with ``SOHOA_INDEX_URL`` set, as an office pointing at its cluster does."""
    return run_sohoa(data, *args, env={"SOHOA_INDEX_URL": url})


def _keys(out: str) -> set[str]:
    return {h["key"] for h in json.loads(out)["hits"]}


def test_ingest_reindex_and_search_on_elasticsearch(tmp_path: Path, es_index_factory) -> None:  # type: ignore[no-untyped-def]
    box = tmp_path / "hop"
    box.mkdir()
    shutil.copy(SAMPLES / "scans" / "004_mild_page.jpg", box)
    data, es = tmp_path / "data", es_index_factory()
    run = _sohoa_es(data, es, "ingest", str(box), "--batch", "hop", "--no-progress")
    assert run.returncode == 0, run.stderr[-3000:]
    assert not (data / "index.sqlite").exists()  # the records went to Elasticsearch only
    found = _sohoa_es(data, es, "search", "", "--json")
    assert found.returncode == 0 and len(_keys(found.stdout)) >= 1, found.stderr
    keys = _keys(found.stdout)

    # the embedded index, rebuilt from the ledger by the command, then a second cluster index from it too
    local = run_sohoa(data, "reindex")
    assert local.returncode == 0 and f"{len(keys)} records indexed" in local.stdout, local.stderr
    assert _keys(run_sohoa(data, "search", "", "--json").stdout) == keys
    other = es_index_factory()
    moved = run_sohoa(data, "reindex", "--to", other)
    assert moved.returncode == 0 and f"into {other}" in moved.stdout, moved.stderr
    via_option = run_sohoa(data, "--index", other, "search", "", "--json")
    assert via_option.returncode == 0 and _keys(via_option.stdout) == keys, via_option.stderr


def test_an_index_of_an_older_schema_is_refused_until_reindexed(tmp_path: Path, es_index_url: str) -> None:
    from indexing.elastic import ElasticIndex

    data = tmp_path / "data"
    data.mkdir()
    old = ElasticIndex(es_index_url, check_schema=False)
    try:
        old._es.indices.put_mapping(index=old.alias, meta={"schema": 1})  # what an older sohoa wrote
    finally:
        old.close()
    refused = _sohoa_es(data, es_index_url, "search", "x")
    assert refused.returncode != 0 and f"sohoa reindex --to {es_index_url}" in refused.stderr, refused.stderr
    assert run_sohoa(data, "reindex", "--to", es_index_url).returncode == 0
    assert _sohoa_es(data, es_index_url, "search", "x").returncode == 0
