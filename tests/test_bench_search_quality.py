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
