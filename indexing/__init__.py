"""One search interface, several backends, chosen by URL.

``sqlite:///path/index.sqlite`` is the embedded FTS5 index (the default);
``http(s)://host:9200`` is Elasticsearch.
"""

from __future__ import annotations

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
from sohoa.errors import ConfigError

__all__ = [
    "INDEX_SCHEMA_VERSION",
    "CountRow",
    "Hit",
    "SearchFilters",
    "SearchIndex",
    "SearchResult",
    "to_index_doc",
    "open_index",
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
