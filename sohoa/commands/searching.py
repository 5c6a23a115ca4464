"""Searching: ``search`` the index for records, ``reindex`` it from the ledger."""

from __future__ import annotations

import argparse
import datetime as dt
import json

from sohoa.commands.base import Command, iso_date, settings_from
from core.errors import ExitCode

__all__ = ["SEARCH", "REINDEX", "STATUS_LABELS", "cmd_search", "cmd_reindex"]
STATUS_LABELS = {
    "vi": {"valid": "còn hiệu lực", "expired": "hết hiệu lực", "revoked": "đã thu hồi", "unknown": "chưa rõ"},
    "en": {"valid": "valid", "expired": "expired", "revoked": "revoked", "unknown": "unknown"},
}


def cmd_search(args: argparse.Namespace) -> int:
    """Search the index and print the hits."""
    from indexing import SearchFilters, open_index
    from pipeline.domain import PROCEDURE_LABELS, ProcedureType
    from pipeline.validity import status_on

    settings = settings_from(args)
    index = open_index(settings.resolved_index_url)
    try:
        result = index.search(
            args.query,
            SearchFilters(type=args.type, year=args.year, issuer=args.issuer, valid_on=args.valid_on),
            limit=args.limit,
            in_text=args.in_text,
        )
    finally:
        index.close()
    today = args.valid_on or dt.date.today()
    rows = []
    for hit in result.hits:
        d = hit.doc
        issued = dt.date.fromisoformat(str(d["issue_date"])) if d.get("issue_date") else None
        until = dt.date.fromisoformat(str(d["valid_until"])) if d.get("valid_until") else None
        revoked = dt.date.fromisoformat(str(d["revoked_on"])) if d.get("revoked_on") else None
        status = status_on(ProcedureType(str(d["type"])), issued, until, today, revoked).value
        rows.append({**{k: d.get(k) for k in ("key", "type", "number", "issue_date", "issuer", "subject",
                                              "valid_until", "batch", "location", "path", "pages")},
                     "status": status, "score": round(hit.score, 3), "snippet": hit.snippet})
    if args.json:
        print(json.dumps({"query": args.query, "total": result.total, "total_capped": result.total_capped,
                          "texts_skipped": result.texts_skipped, "hits": rows}, ensure_ascii=False, indent=2))
        return ExitCode.OK
    labels = PROCEDURE_LABELS[args.lang]
    more = ("hơn " if args.lang == "vi" else "more than ") if result.total_capped else ""
    print(f"{more}{result.total} kết quả" if args.lang == "vi" else f"{more}{result.total} results")
    for r in rows:
        print(f"- {r['subject'] or '?'} | {labels[ProcedureType(str(r['type']))]} | số {r['number'] or '?'} | "
              f"{r['issue_date'] or '?'} | {STATUS_LABELS[args.lang][str(r['status'])]}")
        print(f"  {r['location'] or r['batch']} · {r['path']} trang {r['pages']}")
        print(f"  {r['snippet']}")
    if result.texts_skipped:
        print("(chỉ các văn bản có tên/số khớp; thêm --in-text để tìm cả trong nội dung văn bản)" if args.lang == "vi"
              else "(only records named by the query; add --in-text to also search the documents' text)")
    return ExitCode.OK


def cmd_reindex(args: argparse.Namespace) -> int:
    """Rebuild an index from the ledger with no downtime.

    Elasticsearch gets a new versioned index and its alias is swapped
    atomically; the embedded index is rebuilt in one transaction (or, when
    its schema is outdated, in a new file renamed over the old one).
    """
    from indexing import to_index_doc
    from indexing import rebuild_index
    from ledger import Ledger

    settings = settings_from(args)
    url = args.to_url or settings.resolved_index_url
    with Ledger(settings.ledger_target) as ledger:
        # Duplicates (another scan of a paper already recorded) are never indexed.
        n = rebuild_index(url, ([to_index_doc(r) for r in chunk if r.duplicate_of is None]
                                for chunk in ledger.iter_records()))
        if url == settings.resolved_index_url:
            ledger.mark_all_unindexed()
            todo, gone = ledger.index_backlog()
            ledger.mark_indexed(todo, gone)
    print(f"{n} records indexed into {url}")
    return ExitCode.OK


# -- their arguments --------------------------------------------------------


def _search_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", metavar="QUERY", nargs="?", default="")
    p.add_argument("--type", help="procedure type code, e.g. xac_minh_van_bang")
    p.add_argument("--year", type=int, help="year of issue")
    p.add_argument("--issuer", help="issuing body (part of its name)")
    p.add_argument("--valid-on", type=iso_date, help="only records still valid on this date (YYYY-MM-DD)")
    p.add_argument("--limit", type=int, default=20, help="at most this many results (default: 20)")
    p.add_argument("--in-text", action="store_true",
                   help="also records holding the words only in their text (a signer, a pupil listed), after those "
                        "whose subject, number, title or issuer holds them")
    p.add_argument("--json", action="store_true", help="JSON output")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of labels (default: vi)")


SEARCH = Command(
    "search",
    help="search records (diacritics optional)",
    description="Full-text search over records; typing without diacritics works.",
    arguments=_search_arguments,
    run=cmd_search,
)


def _reindex_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--to", dest="to_url",
                   help="index URL to rebuild, sqlite:///… or http://host:9200[/alias] (default: the configured index)")


REINDEX = Command(
    "reindex",
    help="rebuild an index from the ledger",
    description="Rebuild a search index from the ledger (the source of truth).",
    arguments=_reindex_arguments,
    run=cmd_reindex,
)
