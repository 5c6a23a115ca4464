"""One search interface, several backends, chosen by URL.

``sqlite:///path/index.sqlite`` is the embedded FTS5 index (the default);
``http(s)://host:9200`` is Elasticsearch. The interface is
:mod:`indexing.base`; this module, above both backends, picks one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from indexing.base import (
    INDEX_SCHEMA_VERSION,
    CountRow,
    Hit,
    SearchFilters,
    SearchIndex,
    SearchResult,
    to_index_doc,
)
from core.errors import ConfigError

__all__ = [
    "INDEX_SCHEMA_VERSION",
    "CountRow",
    "Hit",
    "SearchFilters",
    "SearchIndex",
    "SearchResult",
    "to_index_doc",
    "open_index",
    "rebuild_index",
]


def open_index(url: str) -> SearchIndex:
    """Open the index a URL names.

    Raises:
        ConfigError: the URL's scheme is not one sohoa knows.
    """
    if url.startswith("sqlite:///"):
        from indexing.sqlite_fts import SqliteIndex

        # sqlite:///relative.sqlite or sqlite:////absolute/path.sqlite
        return SqliteIndex(Path(url[len("sqlite:///") :]))
    if url.startswith(("http://", "https://")):
        from indexing.elastic import ElasticIndex

        return ElasticIndex(url)
    raise ConfigError(f"unknown index URL {url!r}: use sqlite:///path/to/index.sqlite or http://host:9200")


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
        from indexing.sqlite_fts import rebuild_sqlite

        return rebuild_sqlite(Path(url[len("sqlite:///") :]), chunks)
    index = open_index(url) if not url.startswith(("http://", "https://")) else _open_elastic(url)
    try:
        return index.rebuild(chunks)
    finally:
        index.close()


def _open_elastic(url: str) -> SearchIndex:
    from indexing.elastic import ElasticIndex

    # The alias may point at an index of an older schema: open without the check.
    return ElasticIndex(url, check_schema=False)
