"""bench/search_quality.py: the known items and their right records are what the clerk's query says."""

from __future__ import annotations

import random

import pytest

from bench.search_quality import KINDS, main, ocr_errors, queries, record_at
from pipeline.folding import fold


def test_every_query_knows_its_right_records() -> None:
    truths = [record_at(i, 5)[1] for i in range(3000)]
    qs = queries(truths, 4, 6)
    assert {q.kind for q in qs} == set(KINDS)
    for q in qs:
        assert q.right, q  # the wanted record is one of them
        for i in q.right:
            t = truths[i]
            if q.kind in ("name", "name and birth year"):
                assert q.text.startswith(t.person)
            elif q.kind == "name, no diacritics":
                assert q.text == fold(t.person)
            elif q.kind == "number":
                assert fold(q.text) == fold(t.number)
            elif q.kind == "school and year":
                assert q.text.endswith(str(t.year)) and t.school.endswith(q.text[: -5])
            elif q.kind == "name, type and year":
                assert (q.filters.type, q.filters.year) == (t.type, t.year)


def test_the_benchmark_prints_every_kind(capsys: pytest.CaptureFixture[str], tmp_path) -> None:
    assert main(["--records", "2000", "--per-kind", "3", "--backend", "sqlite", "--work-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for kind in KINDS:
        assert f"| {kind} |" in out
    rows = [line for line in out.splitlines() if line.startswith(("| sqlite | typed right", "| plain-fts5 | typed"))]
    ours, plain = (float(r.split("|")[3]) for r in sorted(rows, key=lambda r: "plain" in r))
    assert ours >= plain  # the tiers beat bm25 on what a clerk types, even on 2,000 records


def test_a_kept_index_is_searched_again_and_latency_is_given_by_kind(capsys: pytest.CaptureFixture[str],
                                                                     tmp_path) -> None:
    args = ["--records", "1500", "--per-kind", "2", "--backend", "sqlite", "--no-baseline", "--seed", "5",
            "--work-dir", str(tmp_path), "--keep"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert (tmp_path / "sqlite-1500-5.sqlite").exists()
    assert main(args) == 0
    again = capsys.readouterr()
    assert "searching the kept index" in again.err  # not written a second time: no writing rate
    rows = [line for line in again.out.splitlines() if line.startswith("| sqlite | typed right")]
    assert rows and rows[0].rstrip(" |").endswith("—")

    def ranks(out: str) -> list[str]:  # the same index, the same queries: the same success rates
        return [line.split("|")[3].rsplit("/", 1)[0] for line in out.splitlines() if line.startswith("| name")]

    assert ranks(first) == ranks(again.out)
    assert "| kind | sqlite p50 / p95 / CPU p95 |" in again.out
    for kind in KINDS:  # scores and p95, then p50 / p95
        assert sum(line.startswith(f"| {kind} | ") for line in again.out.splitlines()) == 2


def test_confusions_are_learned_from_aligned_words() -> None:
    from bench.ocr_confusions import changes, learn, word_pairs

    truth = "Ông Nguyễn Văn Nam, sinh năm 1990\nSố: 12/QĐ-SGDĐT"
    read = "Số: 12/QĐ-SGDĐT\nÔng Nguyễn Văn Narn, sinh nărn 1990"  # lines in another order
    pairs, words = word_pairs(truth, read)
    assert sorted(pairs) == [("nam", "narn"), ("nam", "narn")] and words == 9
    assert changes("nam", "narn") == [("m", "rn")]
    assert changes("hung", "hng") == [("u", "")]
    table = learn([{"truth": truth, "read": read}])
    assert table["changes"] == [["m", "rn", 2]] and table["words_misread"] == 2


def test_misreads_follow_the_learned_table() -> None:
    r = random.Random(3)
    table = [("m", "rn", 5), ("", "h", 1)]
    seen = {ocr_errors("Lâm Thị Tâm", 1, r, table) for _ in range(200)}
    assert seen >= {"larn thi tam", "lam thi tarn"}  # where the letters stand, as often as learned
    assert all(s.replace("rn", "m").replace("h", "", 1) in ("lam thi tam", "lam ti tam") or "h" in s for s in seen)
    assert ocr_errors("Lê Hà", 1, r, [("q", "g", 3)]) == "le ha"  # nothing to misread: as typed, folded
