"""Known-item search: does the record a clerk wants come first? Both backends and plain FTS5 bm25, one run.

    .venv/bin/python -m bench.search_quality --records 100000
    .venv/bin/python -m bench.search_quality --records 1000000 --work-dir /tmp/sq

A clerk looks for one record: a citizen asks for the verification of his
diploma, a school for its accreditation decision. This benchmark generates N
synthetic records (seeded; the vocabulary of :mod:`bench.index_scale`) whose
truth it keeps — the person and the year of birth, the school, the number,
the type and the year — with what makes ranking hard on real records: every
record names a signer and often another person in its body, persons share
names (the median full name is the subject of 50 records at a million), and
numbers restart every year. It then draws known items and types queries for
them as clerks do (:func:`queries`).

Which records are right: those the query cannot tell from the wanted one —
every record whose truth agrees with everything the query says (the same
person's name; and the birth year, school, year or type when the query
gives them; the same number, or the same serial with a symbol that begins
with what was typed). A query is a success at k when one of them is among
the first k hits. Per kind of query and backend: success@1, success@10, the
mean reciprocal rank of the first right record (0 past the page of 20), and
the p95 wall time of the search (a page of 20 hits, snippets read), and of
this process's CPU time (an embedded search's whole work, SQLite included:
the steadier figure on a machine shared with other work). For
Elasticsearch also the node's own ``took`` (p95) and its query cache.

Latency by kind: the p50 and p95 of each kind's searches on each backend,
so the kinds that make a group's p95 can be told apart.

``--keep`` (with ``--work-dir``) keeps the embedded index as
``<work-dir>/sqlite-<records>-<seed>.sqlite`` and a later run with the
same records and seed searches it again without writing it (its writing
rate is then not measured, "—"): the ranking or the search code can be
changed and measured again on the same index in a minute.

``--in-text`` asks every query "also in the texts" (``SearchIndex.search``
with ``in_text``: the records holding the words only in their text after the
named ones): what the wider scope costs, and that it keeps the named first.

Backends: the embedded index (``sqlite``), Elasticsearch (a node started
with ``scripts/elasticsearch/start.sh`` unless ``--es-url``) and the baseline
``plain-fts5`` (:class:`bench.index_scale.PlainFts`: one FTS5 table, every
field folded, ``ORDER BY bm25`` with column weights).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.index_scale import (FAMILY, GIVEN, LEVELS, MIDDLE, PLACES, SENTENCES, PlainFts, random_date, drop_es, percentile,
                               start_es)
from indexing import SearchFilters, SearchIndex, open_index
from indexing.base import number_key
from pipeline.folding import fold


PERSON_TYPES = [("xac_minh_van_bang", 40), ("cap_ban_sao_van_bang", 20), ("chinh_sua_van_bang", 8),
                ("cong_nhan_van_bang_nuoc_ngoai", 4), ("khac", 6)]
SCHOOL_TYPES = [("kiem_dinh_chat_luong", 10), ("cong_nhan_chuan_quoc_gia", 12)]
SYMBOLS = {"xac_minh_van_bang": ["SGDĐT-KTKĐ", "SGDĐT-VP"], "kiem_dinh_chat_luong": ["QĐ-SGDĐT", "QĐ-UBND"],
           "cong_nhan_chuan_quoc_gia": ["QĐ-UBND", "QĐ-SGDĐT"]}
SIGNERS = ["KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC", "GIÁM ĐỐC", "TL. GIÁM ĐỐC CHÁNH VĂN PHÒNG", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"]


@dataclass(frozen=True)
class Truth:
    """What a record is, as the benchmark knows it (not as the index stores it)."""

    person: str  # the subject person, or the school's principal
    birth_year: int
    school: str  # "Trường THCS Lê Lợi"
    level: str
    place: str
    number: str
    type: str
    year: int | None
    about_school: bool


def _person(r: random.Random) -> str:
    return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"


def make_record(i: int, r: random.Random) -> tuple[dict[str, object], Truth]:
    """One index document and its truth."""
    about_school = r.random() < 0.22
    types = SCHOOL_TYPES if about_school else PERSON_TYPES
    type_ = r.choices([t for t, _ in types], weights=[w for _, w in types])[0]
    issued = random_date(r, 2008, 2013) if r.random() > 0.03 else None
    level, place = r.choice(LEVELS), r.choice(PLACES)
    school = f"Trường {level} {place}"
    person, signer, other = _person(r), _person(r), _person(r)
    born = random_date(r, 1970, 1998)
    number = f"{r.randint(1, 3000)}/{r.choice(SYMBOLS.get(type_, ['QĐ-SGDĐT']))}"
    subject = school if about_school else person
    fill = {"n1": r.randint(1, 3000), "n2": r.randint(1, 60), "y": r.randint(2000, 2012),
            "d": random_date(r, 2005, 2012).strftime("%d/%m/%Y"), "name": other,
            "b": random_date(r, 1970, 1998).strftime("%d/%m/%Y"), "place": r.choice(PLACES), "level": r.choice(LEVELS),
            "g": r.randint(1990, 2012), "serial": f"{r.choice('ABCD')} {r.randint(100000, 999999)}",
            "n3": r.randint(1, 20000)}
    day = f"ngày {issued.day} tháng {issued.month} năm {issued.year}" if issued else "ngày .. tháng .. năm ...."
    body = [f"SỞ GIÁO DỤC VÀ ĐÀO TẠO. Số: {number}. {day}. V/v {subject}."]
    if about_school:
        body.append(f"{school} do ông (bà) {person} làm Hiệu trưởng đã hoàn thành tự đánh giá.")
    else:
        body.append(f"Ông (bà) {person}, sinh ngày {born.strftime('%d/%m/%Y')} tại {r.choice(PLACES)},"
                    f" học sinh {school}, tốt nghiệp năm {r.randint(1990, 2012)}.")
    body += [s.format(**fill) for s in r.sample(SENTENCES, r.randint(5, 9))]
    body.append(f"{r.choice(SIGNERS)} {signer}")
    doc: dict[str, object] = {
        "key": f"q{i:08d}", "type": type_, "number": number,
        "issue_date": issued.isoformat() if issued else None, "year": issued.year if issued else None,
        "issuer": "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "subject": subject,
        "title": r.choice(["QUYẾT ĐỊNH", "GIẤY CHỨNG NHẬN", "CÔNG VĂN", "BẢN SAO"]),
        "valid_until": None, "revoked_on": None, "needs_review": False, "batch": f"hop-{i // 2000:04d}",
        "location": None, "path": f"/scans/{i:08d}.pdf", "pages": [1], "text": " ".join(body),
    }
    truth = Truth(person=person, birth_year=born.year, school=school, level=level, place=place, number=number,
                  type=type_, year=issued.year if issued else None, about_school=about_school)
    return doc, truth


def record_at(i: int, seed: int) -> tuple[dict[str, object], Truth]:
    """Record ``i`` of the set (each has its own random stream)."""
    return make_record(i, random.Random(seed * 10_000_019 + i))


# -- what a clerk types ---------------------------------------------------------

#: How Tesseract misreads a word's letters, learned from sohoa's readings of generated pages
#: (bench/ocr_confusions.py; the command that made it is in the file).
CONFUSIONS = Path(__file__).resolve().parent / "data" / "ocr_confusions.json"


def load_confusions(path: Path = CONFUSIONS) -> list[tuple[str, str, int]]:
    """The learned changes ``(letters read, letters printed, count)``: what is in the file."""
    return [(a, b, int(n)) for a, b, n in json.loads(path.read_text())["changes"]]


def ocr_errors(text: str, n: int, r: random.Random, changes: list[tuple[str, str, int]] | None = None) -> str:
    """``text`` folded, with ``n`` misreads drawn from the learned changes as often as Tesseract makes them.

    A change of letters ("e" read "c", "m" read "rn") applies where those
    letters stand inside a word; a letter added applies between two letters.
    """
    table = load_confusions() if changes is None else changes
    out = fold(text)
    for _ in range(n):
        spots: list[tuple[int, str, str]] = []
        weights: list[float] = []
        between = [i for i in range(1, len(out)) if out[i - 1].isalpha() and out[i].isalpha()]
        for src, dst, count in table:
            if not src:
                at = between
            elif src.isalpha():
                at = [i for i in range(len(out) - len(src) + 1) if out[i:i + len(src)] == src]
            else:
                continue
            for i in at:
                spots.append((i, src, dst))
                weights.append(count / (len(at) if not src else 1))
        if not spots:
            break
        i, src, dst = r.choices(spots, weights=weights)[0]
        out = out[:i] + dst + out[i + len(src):]
    return out


@dataclass(frozen=True)
class Query:
    """One search a clerk makes for a known record."""

    kind: str
    group: str  # "typed right" or "OCR errors"
    text: str
    filters: SearchFilters
    right: frozenset[int]  # the records the query cannot tell from the wanted one


KINDS = ("name", "name, no diacritics", "family and given name", "name and birth year", "name, type and year",
         "number", "number, symbol cut", "number, symbol abbreviated", "school", "school without level",
         "school and year", "name, 1 OCR error", "name, 2 OCR errors", "number, OCR error in symbol")


def _serial(number: str) -> tuple[str, list[str]]:
    serial, _, symbol = number.partition("/")
    return serial, fold(symbol).replace("-", " ").split()


def queries(truths: list[Truth], per_kind: int, seed: int) -> list[Query]:
    """``per_kind`` known-item queries of each kind in :data:`KINDS`, with their right records."""
    r = random.Random(seed)
    by: dict[str, defaultdict[object, set[int]]] = {k: defaultdict(set) for k in (
        "name", "fg", "name_by", "name_ty", "number", "serial", "school", "place", "school_y")}
    for i, t in enumerate(truths):
        if not t.about_school:
            words = t.person.split()
            by["name"][t.person].add(i)
            by["fg"][(words[0], words[-1])].add(i)
            by["name_by"][(t.person, t.birth_year)].add(i)
            by["name_ty"][(t.person, t.type, t.year)].add(i)
        else:
            by["school"][t.school].add(i)
            by["place"][t.place].add(i)
            by["school_y"][(t.school, t.year)].add(i)
        by["number"][number_key(t.number)].add(i)
        by["serial"][_serial(t.number)[0]].add(i)
    changes = load_confusions()
    persons = [i for i, t in enumerate(truths) if not t.about_school]
    schools = [i for i, t in enumerate(truths) if t.about_school]
    out: list[Query] = []

    def add(kind: str, text: str, right: set[int], filters: SearchFilters = SearchFilters()) -> None:
        group = "OCR errors" if "OCR" in kind else "typed right"
        out.append(Query(kind, group, text, filters, frozenset(right)))

    def symbol_starts(i: int, parts: list[str]) -> bool:
        have = _serial(truths[i].number)[1]
        return all(any(h.startswith(p) for h in have) for p in parts)

    for _ in range(per_kind):
        t = truths[r.choice(persons)]
        add("name", t.person, by["name"][t.person])
        t = truths[r.choice(persons)]
        add("name, no diacritics", fold(t.person), by["name"][t.person])
        t = truths[r.choice(persons)]
        w = t.person.split()
        add("family and given name", f"{w[0]} {w[-1]}", by["fg"][(w[0], w[-1])])
        t = truths[r.choice(persons)]
        add("name and birth year", f"{t.person} {t.birth_year}", by["name_by"][(t.person, t.birth_year)])
        t = truths[r.choice([p for p in r.sample(persons, 50) if truths[p].year] or persons)]
        add("name, type and year", fold(t.person), by["name_ty"][(t.person, t.type, t.year)],
            SearchFilters(type=t.type, year=t.year))
        t = truths[r.choice(range(len(truths)))]
        add("number", t.number, by["number"][number_key(t.number)])
        t = truths[r.choice(range(len(truths)))]
        serial, parts = _serial(t.number)
        cut = t.number.rsplit("-", 1)[0]
        add("number, symbol cut", cut, {j for j in by["serial"][serial] if symbol_starts(j, _serial(cut)[1])})
        t = truths[r.choice(range(len(truths)))]
        serial, parts = _serial(t.number)
        abbrev = [max(parts, key=len)[:3]]
        add("number, symbol abbreviated", f"{serial} {abbrev[0]}",
            {j for j in by["serial"][serial] if symbol_starts(j, abbrev)})
        t = truths[r.choice(schools)]
        add("school", t.school, by["school"][t.school])
        t = truths[r.choice(schools)]
        add("school without level", f"trường {t.place}", by["place"][t.place])
        t = truths[r.choice([s for s in r.sample(schools, 50) if truths[s].year] or schools)]
        add("school and year", f"{t.level} {t.place} {t.year}", by["school_y"][(t.school, t.year)])
        t = truths[r.choice(persons)]
        add("name, 1 OCR error", ocr_errors(t.person, 1, r, changes), by["name"][t.person])
        t = truths[r.choice(persons)]
        add("name, 2 OCR errors", ocr_errors(t.person, 2, r, changes), by["name"][t.person])
        t = truths[r.choice(range(len(truths)))]
        serial, _, symbol = t.number.partition("/")
        add("number, OCR error in symbol", f"{serial}/{ocr_errors(symbol, 1, r, changes)}",
            by["number"][number_key(t.number)])
    return out


# -- running --------------------------------------------------------------------


@dataclass
class Scores:
    """What one backend did on one kind of query."""

    ranks: list[int | None]
    wall_ms: list[float]
    took_ms: list[float]
    #: This process's CPU time: all of an embedded search's work (SQLite runs in it), steadier than the wall
    #: time on a machine shared with other work; for Elasticsearch only the client's part.
    cpu_ms: list[float] = field(default_factory=list)

    def at(self, k: int) -> float:
        return sum(1 for x in self.ranks if x is not None and x <= k) / len(self.ranks)

    def mrr(self) -> float:
        return sum(1 / x for x in self.ranks if x is not None) / len(self.ranks)


def rank_of(keys: list[str], right: frozenset[int]) -> int | None:
    """1-based rank of the first right record among ``keys`` (``q00000042`` → 42), or None."""
    for n, key in enumerate(keys, 1):
        if int(key[1:]) in right:
            return n
    return None


def load(index: SearchIndex, docs: Callable[[], Iterator[dict[str, object]]], batch: int, name: str) -> float:
    """Write every document in batches; returns records per second of ``write()``."""
    spent, n, chunk = 0.0, 0, []
    for d in docs():
        chunk.append(d)
        if len(chunk) == batch:
            t = time.perf_counter()
            n += index.write(chunk)
            spent += time.perf_counter() - t
            chunk = []
            if n % (batch * 20) == 0:
                print(f"  {name}: {n:,} records, {n / spent:,.0f}/s", file=sys.stderr, flush=True)
    if chunk:
        t = time.perf_counter()
        n += index.write(chunk)
        spent += time.perf_counter() - t
    if hasattr(index, "optimize"):
        index.optimize()  # what `sohoa reindex` does after a bulk load
    return n / spent


def run_queries(index: SearchIndex, qs: list[Query], in_text: bool = False) -> dict[str, Scores]:
    """Each query once (after a warm-up pass over a few), its rank and time; ``in_text``: in the wider scope."""
    for q in qs[:: max(1, len(qs) // 20)]:
        index.search(q.text, q.filters, in_text=in_text)
    out: dict[str, Scores] = {}
    for q in qs:
        t, cpu = time.perf_counter(), time.process_time()
        result = index.search(q.text, q.filters, limit=20, in_text=in_text)
        _ = [h.snippet for h in result.hits]
        wall = (time.perf_counter() - t) * 1000
        s = out.setdefault(q.kind, Scores([], [], []))
        s.ranks.append(rank_of([h.key for h in result.hits], q.right))
        s.wall_ms.append(wall)
        s.cpu_ms.append((time.process_time() - cpu) * 1000)
        took = getattr(index, "last_took_ms", None)
        if took is not None:
            s.took_ms.append(float(took))
    return out


def _es_cache(url: str) -> dict[str, int]:
    from elasticsearch import Elasticsearch

    from indexing.elastic import parse_url

    base, alias, _ = parse_url(url)
    es = Elasticsearch(base)
    try:
        stats = es.indices.stats(index=alias, metric="query_cache")["_all"]["total"]["query_cache"]
        return {k: int(stats.get(k, 0)) for k in ("hit_count", "miss_count", "cache_size", "memory_size_in_bytes")}
    finally:
        es.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--per-kind", type=int, default=40, help="queries of each kind (default 40)")
    p.add_argument("--backend", choices=("sqlite", "es", "both"), default="both")
    p.add_argument("--no-baseline", action="store_true", help="leave out plain FTS5 bm25")
    p.add_argument("--batch", type=int, default=5000)
    p.add_argument("--seed", type=int, default=20261206)
    p.add_argument("--work-dir", type=Path, help="where the SQLite indexes go (default: a temp dir)")
    p.add_argument("--es-url", help="a running cluster (default: start a node)")
    p.add_argument("--es-port", type=int, default=9270)
    p.add_argument("--keep", action="store_true",
                   help="keep the embedded index in --work-dir and search it again on a later run (see above)")
    p.add_argument("--in-text", action="store_true",
                   help="search \"also in the texts\" (SearchIndex.search in_text): the cost of the wider scope")
    args = p.parse_args(argv)
    if args.keep and args.work_dir is None:
        p.error("--keep needs --work-dir")

    started = time.perf_counter()
    truths = [record_at(i, args.seed)[1] for i in range(args.records)]
    qs = queries(truths, args.per_kind, args.seed + 1)
    del truths
    print(f"{len(qs)} queries drawn from {args.records:,} records in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)

    def docs() -> Iterator[dict[str, object]]:
        return (record_at(i, args.seed)[0] for i in range(args.records))

    results: dict[str, dict[str, Scores]] = {}
    rates: dict[str, float] = {}
    cache: dict[str, int] = {}
    if args.work_dir is not None:
        Path(args.work_dir).mkdir(parents=True, exist_ok=True)  # "--work-dir /tmp/sq" on a fresh machine
    kept = Path(args.work_dir or ".") / f"sqlite-{args.records}-{args.seed}.sqlite"
    with tempfile.TemporaryDirectory(dir=args.work_dir) as tmp:
        backends: list[tuple[str, Callable[[], SearchIndex]]] = []
        if args.backend in ("sqlite", "both"):
            if not args.no_baseline:
                backends.append(("plain-fts5", lambda: PlainFts(Path(tmp) / "plain.sqlite")))  # type: ignore
            backends.append(("sqlite", lambda: open_index(f"sqlite:///{kept if args.keep else f'{tmp}/index.sqlite'}")))
        es_started = False
        es_url = ""
        if args.backend in ("es", "both"):
            es_started = not args.es_url
            es_url = (start_es(args.es_port) if es_started else args.es_url.rstrip("/")) + "/bench-quality"
            backends.append(("elasticsearch", lambda: open_index(es_url)))
        try:
            for name, opener in backends:
                index = opener()
                if name == "sqlite" and args.keep and index.doc_count() == args.records:
                    print(f"  {name}: searching the kept index {kept}", file=sys.stderr)
                else:
                    if name == "sqlite" and args.keep:
                        index.clear()  # a run that stopped half way, or another set
                    rates[name] = load(index, docs, args.batch, name)
                results[name] = run_queries(index, qs, args.in_text)
                if name == "elasticsearch":
                    cache = _es_cache(es_url)
                index.close()
                for f in Path(tmp).glob("plain.sqlite*"):
                    f.unlink()
        finally:
            if es_url:
                drop_es(es_url, args.es_port if es_started else None)
    report(args, qs, results, rates, cache)
    return 0


def report(args: argparse.Namespace, qs: list[Query], results: dict[str, dict[str, Scores]],
           rates: dict[str, float], cache: dict[str, int]) -> None:
    names = list(results)
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"records: {args.records:,} · seed {args.seed} · {args.per_kind} queries per kind · "
          f"page of 20{' · also in the texts' if args.in_text else ''} · {dt.date.today().isoformat()}\n")
    print("| kind | right records (median) | " + " | ".join(f"{n} s@1 / s@10 / MRR / p95" for n in names) + " |")
    print("|---|---:|" + "---|" * len(names))
    for kind in KINDS:
        sizes = sorted(len(q.right) for q in qs if q.kind == kind)
        cells = []
        for n in names:
            s = results[n][kind]
            cells.append(f"{s.at(1):.2f} / {s.at(10):.2f} / {s.mrr():.2f} / {percentile(s.wall_ms, 95):.0f} ms")
        print(f"| {kind} | {sizes[len(sizes) // 2]} | " + " | ".join(cells) + " |")
    print("\n| backend | group | success@1 | success@10 | MRR | p95 | engine took p95 | CPU p95 | index rate |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in names:
        for group in ("typed right", "OCR errors"):
            kinds = {q.kind for q in qs if q.group == group}
            s = Scores([], [], [])
            for k in kinds:
                s.ranks += results[n][k].ranks
                s.wall_ms += results[n][k].wall_ms
                s.took_ms += results[n][k].took_ms
                s.cpu_ms += results[n][k].cpu_ms
            took = f"{percentile(s.took_ms, 95):.0f} ms" if s.took_ms else "—"
            rate = f"{rates[n]:,.0f}/s" if n in rates else "—"
            print(f"| {n} | {group} | {s.at(1):.3f} | {s.at(10):.3f} | {s.mrr():.3f} | "
                  f"{percentile(s.wall_ms, 95):.0f} ms | {took} | {percentile(s.cpu_ms, 95):.0f} ms | {rate} |")
    print("\n| kind | " + " | ".join(f"{n} p50 / p95" + (" (took)" if any(results[n][k].took_ms for k in KINDS)
                                                          else "") + " / CPU p95" for n in names) + " |")
    print("|---|" + "---:|" * len(names))
    for kind in KINDS:
        cells = []
        for n in names:
            s = results[n][kind]
            cell = f"{percentile(s.wall_ms, 50):.0f} / {percentile(s.wall_ms, 95):.0f} ms"
            if s.took_ms:
                cell += f" ({percentile(s.took_ms, 50):.0f} / {percentile(s.took_ms, 95):.0f})"
            cell += f" / {percentile(s.cpu_ms, 95):.0f} ms"
            cells.append(cell)
        print(f"| {kind} | " + " | ".join(cells) + " |")
    if cache:
        print(f"\nElasticsearch query cache after the run: {cache}")


if __name__ == "__main__":
    raise SystemExit(main())
