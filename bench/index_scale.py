"""Index at scale: indexing rate, search latency, grouped counts and disk size per backend.

    .venv/bin/python -m bench.index_scale --records 100000 --backend both
    .venv/bin/python -m bench.index_scale --records 1000000 --backend sqlite

Generates N synthetic records (deterministic seed): Vietnamese names, schools,
document numbers and 1–2 KB of administrative text, the shape
:func:`indexing.to_index_doc` produces. For each backend it measures

* indexing rate: ``write()`` in batches of ``--batch`` documents (what the
  ingest flow does), records per second including folding in Python;
* search latency p50/p95 over a fixed mix of queries: full names with and
  without diacritics, document numbers, names with filters (type, year,
  valid on a date), schools, names with an OCR error (fuzzy tier) — both
  wall time and the CPU time of this process (on a machine shared with other
  work the CPU time is the steadier figure; for Elasticsearch it excludes the
  node's own work, so only wall time is comparable across backends);
* grouped-count latency: ``counts(on)`` (type × year × status) on 5 dates;
* disk size after loading.

``--baseline`` also loads the same records into a plain FTS5 table (one
table, every field folded in Python, ``ORDER BY bm25`` over all matches and
an exact ``count(*)``, as a first embedded index would do it) and times the
same queries, so the embedded index is compared with it in the same run on
the same machine load.

Elasticsearch: ``--es-url`` uses a running cluster (under the alias
``bench-scale``, deleted afterwards); otherwise a node is started with
``scripts/elasticsearch/start.sh`` on ``--es-port`` with heap
``SOHOA_ES_HEAP`` (default here 2g) and stopped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from indexing import Hit, SearchFilters, SearchIndex, SearchResult, open_index
from indexing.base import index_fold, snippet_terms
from indexing.fts_rows import fts_query
from pipeline.folding import fold

ROOT = Path(__file__).resolve().parent.parent

FAMILY = (["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 10 + ["Phạm"] * 7 + ["Hoàng"] * 5 + ["Huỳnh"] * 4
          + ["Phan"] * 4 + ["Vũ"] * 4 + ["Võ"] * 3 + ["Đặng"] * 2 + ["Bùi"] * 2 + ["Đỗ"] * 2 + ["Hồ"] * 2
          + ["Ngô", "Dương", "Lý", "Đào", "Đoàn", "Vương", "Trịnh", "Lương", "Mai", "Tạ", "Cao", "Lâm"])
MIDDLE = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quang", "Xuân", "Thu", "Kim", "Hồng", "Công",
          "Đình", "Bảo", "Gia", "Anh", "Tuấn", "Thị Thu", "Văn Minh", "Thị Ngọc", "Hoài", "Phương", "Mạnh"]
GIVEN = ["An", "Anh", "Bình", "Chi", "Cường", "Dũng", "Duy", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa",
         "Hòa", "Hùng", "Hương", "Huy", "Khánh", "Khoa", "Lan", "Linh", "Long", "Mai", "Minh", "Nam", "Nga",
         "Ngân", "Ngọc", "Nhung", "Phong", "Phúc", "Phương", "Quân", "Quỳnh", "Sơn", "Tâm", "Thảo", "Thắng",
         "Thành", "Thủy", "Tiến", "Trang", "Trung", "Tú", "Tuấn", "Uyên", "Vân", "Việt", "Vy", "Yến", "Đạt",
         "Đông", "Hậu", "Lộc", "Lợi", "Nghĩa", "Oanh", "Quý", "Sang", "Thư", "Toàn", "Trâm", "Vinh", "Xuân"]
PLACES = ["Đằng Lâm", "Lê Lợi", "Ngô Quyền", "Lạch Tray", "Hồng Bàng", "Kiến An", "Đồ Sơn", "Thủy Nguyên",
          "An Dương", "An Lão", "Tiên Lãng", "Vĩnh Bảo", "Cát Hải", "Kiến Thụy", "Dương Kinh", "Hải An",
          "Trần Phú", "Chu Văn An", "Lý Thường Kiệt", "Nguyễn Trãi", "Bạch Đằng", "Tô Hiệu", "Đông Hải",
          "Cát Bi", "Lam Sơn", "Hùng Vương", "Quang Trung", "Lê Chân", "Thái Phiên", "Văn Cao"]
LEVELS = ["Mầm non", "Tiểu học", "THCS", "THPT"]
TYPES = [("xac_minh_van_bang", 40), ("cap_ban_sao_van_bang", 20), ("chinh_sua_van_bang", 8),
         ("cong_nhan_van_bang_nuoc_ngoai", 4), ("kiem_dinh_chat_luong", 10), ("cong_nhan_chuan_quoc_gia", 12),
         ("khac", 6)]
SCHOOL_TYPES = {"kiem_dinh_chat_luong", "cong_nhan_chuan_quoc_gia"}
SENTENCES = [
    "Căn cứ Luật Giáo dục ngày 14 tháng 6 năm 2005 và Luật sửa đổi, bổ sung một số điều của Luật Giáo dục.",
    "Căn cứ Quyết định số {n1}/QĐ-UBND ngày {d} của Ủy ban nhân dân thành phố Hải Phòng quy định chức năng,"
    " nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở Giáo dục và Đào tạo.",
    "Căn cứ Thông tư số {n2}/{y}/TT-BGDĐT của Bộ trưởng Bộ Giáo dục và Đào tạo ban hành Quy chế văn bằng,"
    " chứng chỉ của hệ thống giáo dục quốc dân.",
    "Xét đề nghị của Trưởng phòng Khảo thí và Kiểm định chất lượng giáo dục.",
    "Theo hồ sơ lưu trữ tại Sở, {name} sinh ngày {b} tại {place}, đã tốt nghiệp {level} năm {g}"
    " với số hiệu văn bằng {serial}, vào sổ cấp bằng số {n3}.",
    "Trường {level} {place} đã hoàn thành tự đánh giá và được đánh giá ngoài theo quy định.",
    "Kết quả kiểm tra cho thấy cơ sở vật chất, đội ngũ giáo viên và chất lượng giáo dục đáp ứng các tiêu chuẩn.",
    "Văn bằng, chứng chỉ được cấp đúng thẩm quyền, đúng đối tượng và phù hợp với sổ gốc cấp văn bằng.",
    "Giấy chứng nhận có giá trị trong thời hạn 05 năm kể từ ngày ký.",
    "Chánh Văn phòng Sở, Trưởng các phòng chức năng và các cá nhân có liên quan chịu trách nhiệm thi hành"
    " Quyết định này.",
    "Quyết định này có hiệu lực kể từ ngày ký; các quy định trước đây trái với Quyết định này đều bãi bỏ.",
    "Nơi nhận: như Điều 3; Ủy ban nhân dân thành phố; lưu VT, phòng KT-KĐ.",
    "Sở Giáo dục và Đào tạo thành phố Hải Phòng trả lời để cơ quan, đơn vị được biết và thực hiện.",
    "Thông tin về người học được đối chiếu với hồ sơ, sổ sách lưu tại phòng Khảo thí và Kiểm định chất lượng.",
    "Trường hợp phát hiện sai sót, đề nghị liên hệ Sở Giáo dục và Đào tạo để được hướng dẫn chỉnh sửa.",
]


def _person(r: random.Random) -> str:
    return f"{r.choice(FAMILY)} {r.choice(MIDDLE)} {r.choice(GIVEN)}"


def random_date(r: random.Random, lo: int, hi: int) -> dt.date:
    return dt.date(r.randint(lo, hi), r.randint(1, 12), r.randint(1, 28))


def make_doc(i: int, r: random.Random) -> dict[str, object]:
    """One synthetic index document (the shape :func:`indexing.to_index_doc` returns)."""
    type_ = r.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
    issued = random_date(r, 2008, 2013) if r.random() > 0.03 else None
    level, place = r.choice(LEVELS), r.choice(PLACES)
    name = _person(r)
    school = f"Trường {level} {place}"
    subject = school if type_ in SCHOOL_TYPES else name
    code = "QĐ-SGDĐT" if type_ != "xac_minh_van_bang" else r.choice(["SGDĐT-KTKĐ", "SGDĐT-VP"])
    number = f"{r.randint(1, 3000)}/{code}" if type_ not in SCHOOL_TYPES or r.random() < 0.6 \
        else f"{r.randint(1, 3000)}/QĐ-UBND"
    until = None
    if type_ in SCHOOL_TYPES and issued:
        until = issued.replace(year=issued.year + 5)
    revoked = random_date(r, 2009, 2020).isoformat() if r.random() < 0.02 else None
    fill = {"n1": r.randint(1, 3000), "n2": r.randint(1, 60), "y": r.randint(2000, 2012),
            "d": random_date(r, 2005, 2012).strftime("%d/%m/%Y"), "name": name, "b": random_date(r, 1970, 1998).strftime("%d/%m/%Y"),
            "place": place, "level": level, "g": r.randint(1990, 2012),
            "serial": f"{r.choice('ABCD')} {r.randint(100000, 999999)}", "n3": r.randint(1, 20000)}
    body = [f"SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG. Số: {number}. "
            f"Hải Phòng, ngày {issued.day if issued else '..'} tháng {issued.month if issued else '..'} "
            f"năm {issued.year if issued else '....'}. V/v {subject}."]
    body += [s.format(**fill) for s in r.sample(SENTENCES, r.randint(7, 12))]
    return {
        "key": f"r{i:08d}", "type": type_, "number": number,
        "issue_date": issued.isoformat() if issued else None, "year": issued.year if issued else None,
        "issuer": r.choice(["SỞ GIÁO DỤC VÀ ĐÀO TẠO", "ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"]),
        "subject": subject, "title": r.choice(["QUYẾT ĐỊNH", "GIẤY CHỨNG NHẬN", "CÔNG VĂN", "BẢN SAO"]),
        "valid_until": until.isoformat() if until else None, "revoked_on": revoked,
        "needs_review": type_ == "khac", "batch": f"hop-{i // 2000:04d}", "location": f"SGDĐT / {i // 2000}",
        "path": f"/scans/hop-{i // 2000:04d}/{i:08d}.pdf", "pages": [1, 2], "text": " ".join(body),
    }


def generate(n: int, seed: int = 20240501) -> Iterator[dict[str, object]]:
    """``n`` documents, the same for the same seed."""
    for i in range(n):
        yield doc_at(i, seed)


def doc_at(i: int, seed: int = 20240501) -> dict[str, object]:
    """Document ``i`` of the generated set (each has its own random stream)."""
    return make_doc(i, random.Random(seed * 10_000_019 + i))


def _typo(word: str, r: random.Random) -> str:
    """One OCR-like substitution inside a folded word of 4+ letters."""
    i = r.randrange(1, len(word))
    return word[:i] + r.choice("mnrlic") + word[i + 1 :]


def query_mix(n: int, seed: int = 7) -> list[tuple[str, str, SearchFilters]]:
    """(kind, query, filters): the fixed mix of searches timed on every backend."""
    r = random.Random(seed)
    sample_ids = sorted(r.sample(range(n), min(n, 120)))
    mix: list[tuple[str, str, SearchFilters]] = []
    for j, d in enumerate(doc_at(i) for i in sample_ids):
        subject, number = str(d["subject"]), str(d["number"])
        kind = j % 6
        if kind == 0:
            mix.append(("name, diacritics", subject, SearchFilters()))
        elif kind == 1:
            mix.append(("name, folded", fold(subject), SearchFilters()))
        elif kind == 2:
            mix.append(("number", number, SearchFilters()))
        elif kind == 3:
            f = [SearchFilters(type=str(d["type"])), SearchFilters(year=d["year"]),  # type: ignore[arg-type]
                 SearchFilters(valid_on=dt.date(2014, 6, 30))][j % 3]
            mix.append(("name + filter", fold(subject), f))
        elif kind == 4:
            mix.append(("school/place", f"truong {fold(r.choice(PLACES))}", SearchFilters()))
        else:
            words = fold(subject).split()
            k = max(range(len(words)), key=lambda w: len(words[w]))
            if len(words[k]) >= 4:
                words[k] = _typo(words[k], r)
            mix.append(("name, OCR typo", " ".join(words), SearchFilters()))
    return mix


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class PlainFts:
    """The baseline: one FTS5 table, bm25 over every match, an exact count (no tiers, no cap)."""

    def __init__(self, path: Path) -> None:
        import sqlite3

        self.path = path
        self._conn = sqlite3.connect(str(path), isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("CREATE TABLE docs (rowid INTEGER PRIMARY KEY, key TEXT UNIQUE, type TEXT, year INT,"
                           " doc TEXT)")
        self._conn.execute("CREATE VIRTUAL TABLE fts USING fts5(subject, number, title, issuer, body)")

    def clear(self) -> None:
        pass

    def write(self, docs: list[dict[str, object]]) -> int:
        c = self._conn
        c.execute("BEGIN")
        start = int(c.execute("SELECT coalesce(max(rowid), 0) FROM docs").fetchone()[0]) + 1
        c.executemany("INSERT INTO docs VALUES (?,?,?,?,?)", [
            (start + i, d["key"], d["type"], d["year"], json.dumps(d, ensure_ascii=False)) for i, d in enumerate(docs)])
        c.executemany("INSERT INTO fts(rowid, subject, number, title, issuer, body) VALUES (?,?,?,?,?,?)", [
            (start + i, *(index_fold(str(d.get(f) or "")) for f in ("subject", "number", "title", "issuer", "text")))
            for i, d in enumerate(docs)])
        c.execute("COMMIT")
        return len(docs)

    def search(self, query: str, filters: SearchFilters = SearchFilters(), limit: int = 20, *,
               in_text: bool = False) -> SearchResult:
        # (one table, every field and the body: every search is "also in the texts")
        filt, params = "", {"m": fts_query(query), "n": limit}
        for col in ("type", "year"):
            if getattr(filters, col):
                filt += f" AND d.{col} = :{col}"
                params[col] = getattr(filters, col)
        base = f"FROM fts f CROSS JOIN docs d ON d.rowid = f.rowid WHERE fts MATCH :m{filt}"
        total = self._conn.execute(f"SELECT count(*) {base}", params).fetchone()[0]
        rows = self._conn.execute(f"SELECT d.key, d.doc {base} ORDER BY bm25(fts, 10, 10, 3, 2, 1) LIMIT :n",
                                  params).fetchall()
        terms = snippet_terms(query)
        hits = []
        for key, raw in rows:  # the same work per hit as the real index: parse (the snippet when read)
            hits.append(Hit(key=key, score=0.0, doc=json.loads(raw), terms=tuple(terms)))
        return SearchResult(total=total, hits=tuple(hits))

    def counts(self, on: dt.date) -> list[object]:
        return list(self._conn.execute("SELECT type, year, count(*) FROM docs GROUP BY 1, 2"))

    def doc_count(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM docs").fetchone()[0])

    def disk_size(self) -> int:
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return self.path.stat().st_size

    def close(self) -> None:
        self._conn.close()


def run_backend(name: str, url: str, n: int, batch: int) -> dict[str, object]:
    """Load ``n`` documents into a fresh index at ``url`` and time it."""
    index: SearchIndex = PlainFts(Path(url)) if name == "plain-fts5" else open_index(url)  # type: ignore
    index.clear()
    # Only write() is timed: generating the documents is not indexing.
    load_s, load_cpu, written, chunk = 0.0, 0.0, 0, []
    for i, d in enumerate(generate(n), 1):
        chunk.append(d)
        if len(chunk) == batch or i == n:
            t0, c0 = time.perf_counter(), time.process_time()
            written += index.write(chunk)
            load_s += time.perf_counter() - t0
            load_cpu += time.process_time() - c0
            chunk = []
            if written % (batch * 20) == 0:
                print(f"  {name}: {written:,} docs, {written / load_s:,.0f}/s", file=sys.stderr, flush=True)
    assert index.doc_count() == n, (index.doc_count(), n)
    mix = query_mix(n)
    for _, q, f in mix[:20]:  # warm caches
        index.search(q, f)
    lat: dict[str, list[float]] = {}
    cpu: list[float] = []
    for kind, q, f in mix * 2:
        t, c = time.perf_counter(), time.process_time()
        # A page of results shows each hit's snippet: read them, or a lazy snippet would be free here.
        _ = [h.snippet for h in index.search(q, f, limit=20).hits]
        lat.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - c) * 1000)
    every = [v for vs in lat.values() for v in vs]
    count_ms = []
    for on in (dt.date(2010, 1, 1), dt.date(2012, 6, 30), dt.date(2014, 3, 31), dt.date(2017, 12, 31),
               dt.date(2026, 9, 30)):
        t = time.perf_counter()
        rows = index.counts(on)
        count_ms.append((time.perf_counter() - t) * 1000)
        assert rows
    size = index.disk_size()  # type: ignore[attr-defined]
    index.close()
    return {"backend": name, "records": n, "load_s": load_s, "rate": n / load_s, "cpu_rate": n / load_cpu,
            "p50": percentile(every, 50), "p95": percentile(every, 95), "cpu50": percentile(cpu, 50), "cpu95": percentile(cpu, 95),
            "by_kind": {k: (percentile(v, 50), percentile(v, 95)) for k, v in lat.items()},
            "counts_p50": statistics.median(count_ms), "counts_max": max(count_ms), "disk": size}


def start_es(port: int) -> str:
    """Start a local Elasticsearch node on ``port`` (``scripts/elasticsearch/start.sh``); returns its URL.

    The heap is ``SOHOA_ES_HEAP`` (2 GB unless set); a node that does not start ends the benchmark.
    """
    env = {**os.environ, "SOHOA_ES_HEAP": os.environ.get("SOHOA_ES_HEAP", "2g")}
    out = subprocess.run([str(ROOT / "scripts/elasticsearch/start.sh"), str(port)], env=env,
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"Elasticsearch did not start:\n{out.stderr[-4000:]}")
    return out.stdout.strip().splitlines()[-1]


def drop_es(url: str, port: int | None) -> None:
    """Delete the benchmark's index behind ``url``; stop the node started on ``port``, if one was."""
    from indexing.elastic import ElasticIndex

    idx = ElasticIndex(url, check_schema=False)
    idx.drop()
    idx.close()
    if port is not None:
        subprocess.run([str(ROOT / "scripts/elasticsearch/stop.sh"), str(port)], capture_output=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--records", type=int, default=100_000)
    p.add_argument("--backend", choices=("sqlite", "es", "both"), default="both")
    p.add_argument("--batch", type=int, default=5000, help="documents per write() (default 5000)")
    p.add_argument("--work-dir", type=Path, help="where the SQLite index goes (default: a temp dir)")
    p.add_argument("--es-url", help="a running cluster (default: start a node)")
    p.add_argument("--es-port", type=int, default=9260)
    p.add_argument("--baseline", action="store_true", help="also time a plain FTS5 table (see above)")
    args = p.parse_args(argv)
    results = []
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(dir=args.work_dir) as tmp:
            if args.baseline:
                results.append(run_backend("plain-fts5", f"{tmp}/plain.sqlite", args.records, args.batch))
                Path(f"{tmp}/plain.sqlite").unlink()
            results.append(run_backend("sqlite", f"sqlite:///{tmp}/index.sqlite", args.records, args.batch))
    if args.backend in ("es", "both"):
        started = not args.es_url
        base = start_es(args.es_port) if started else args.es_url.rstrip("/")
        url = f"{base}/bench-scale"
        try:
            results.append(run_backend("elasticsearch", url, args.records, args.batch))
        finally:
            drop_es(url, args.es_port if started else None)
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"{platform.platform()}")
    print(f"records: {args.records:,} · batch {args.batch} · queries: {len(query_mix(args.records)) * 2} · "
          f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n")
    print("| backend | records | index rate (rec/s) | CPU rate (rec/s) | load time | search p50 | search p95 | "
          "CPU p50 | CPU p95 | counts p50 | counts max | disk |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['backend']} | {r['records']:,} | {r['rate']:,.0f} | {r['cpu_rate']:,.0f} | {r['load_s']:.0f} s | "
              f"{r['p50']:.1f} ms | {r['p95']:.1f} ms | {r['cpu50']:.1f} ms | {r['cpu95']:.1f} ms | "
              f"{r['counts_p50']:.0f} ms | {r['counts_max']:.0f} ms | {r['disk'] / 1e6:,.0f} MB |")
    print("\nsearch p50 / p95 by kind of query (ms):\n")
    print("| kind | " + " | ".join(str(r["backend"]) for r in results) + " |")
    print("|---|" + "---:|" * len(results))
    for kind in results[0]["by_kind"]:  # type: ignore[union-attr]
        cells = [f"{r['by_kind'][kind][0]:.1f} / {r['by_kind'][kind][1]:.1f}" for r in results]  # type: ignore
        print(f"| {kind} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
