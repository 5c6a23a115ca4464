"""One contract, every backend: the same tests on the embedded index and on a real Elasticsearch node.

The Elasticsearch cases carry the ``elasticsearch`` marker; the node is
started once per session by the ``es_url`` fixture (tests/es_node.py).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from indexing import SearchFilters, SearchIndex, open_index, rebuild_index
from pipeline.domain import ProcedureType
from pipeline.validity import status_on, valid_until


def doc(key: str, type_: str, issued: str | None, until: str | None, subject: str, number: str,
        text: str = "", revoked: str | None = None, issuer: str = "SỞ GIÁO DỤC VÀ ĐÀO TẠO") -> dict[str, object]:
    return {
        "key": key, "type": type_, "number": number, "issue_date": issued,
        "year": int(issued[:4]) if issued else None, "issuer": issuer, "subject": subject,
        "title": "QUYẾT ĐỊNH", "valid_until": until, "revoked_on": revoked, "needs_review": False,
        "batch": "hop-01", "location": "SGDĐT / 01", "path": "/scans/a.pdf", "pages": [1],
        "text": text or f"{subject} {number}",
    }


DOCS = [
    doc("a", "xac_minh_van_bang", "2010-07-05", None, "Nguyễn Văn An", "45/SGDĐT-KTKĐ",
        "Sở xác nhận ông Nguyễn Văn An, sinh ngày 12/3/1990, đã được cấp bằng tốt nghiệp."),
    doc("b", "kiem_dinh_chat_luong", "2011-03-01", "2016-03-01", "Trường THCS Đằng Lâm", "123/QĐ-SGDĐT"),
    doc("c", "cong_nhan_chuan_quoc_gia", "2013-05-20", "2018-05-20", "Trường Tiểu học Lê Lợi", "1234/QĐ-UBND",
        issuer="ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG"),
    doc("d", "xac_minh_van_bang", "2012-01-10", None, "Nguyễn Văn Anh", "12/SGDĐT-KTKĐ", revoked="2014-01-01"),
    doc("e", "khac", None, None, "Trần Thị Bình", "7/BC-SGDĐT"),
]

BACKENDS = ["sqlite", pytest.param("elasticsearch", marks=pytest.mark.elasticsearch)]


@pytest.fixture(params=BACKENDS)
def make_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A factory of URLs of fresh, empty indexes of the backend under test."""
    if request.param == "sqlite":
        return lambda: f"sqlite:///{tmp_path / uuid.uuid4().hex}.sqlite"
    return request.getfixturevalue("es_index_factory")


@pytest.fixture
def index(make_url: Callable[[], str]) -> Iterator[SearchIndex]:
    idx = open_index(make_url())
    assert idx.write(DOCS) == len(DOCS)
    yield idx
    idx.close()


def keys(res) -> list[str]:
    return [h.key for h in res.hits]


def test_folded_search_finds_diacritics(index: SearchIndex) -> None:
    res = index.search("nguyen van an")
    assert keys(res)[:1] == ["a"]
    assert "[Nguyễn Văn An]" in res.hits[0].snippet
    assert res.hits[0].doc["subject"] == "Nguyễn Văn An"
    assert keys(index.search("dang lam")) == ["b"]
    assert keys(index.search("ĐẰNG LÂM")) == ["b"]
    assert index.search("zzzz qqqq").total == 0


def test_number_matches_exactly(index: SearchIndex) -> None:
    for q in ("123/QĐ-SGDĐT", "123/qd-sgddt", "123/QD-SGDDT"):
        assert keys(index.search(q)) == ["b"], q
    assert index.search("123/QĐ-UBND").total == 0
    assert keys(index.search("1234/QĐ-UBND")) == ["c"]
    assert keys(index.lookup("123/qđ-sgdđt")) == ["b"]
    assert keys(index.lookup("45/SGDĐT-KTKĐ")) == ["a"]
    assert index.lookup("999/QĐ-SGDĐT").total == 0


def test_filters_without_query(index: SearchIndex) -> None:
    assert set(keys(index.search("", SearchFilters(type="xac_minh_van_bang")))) == {"a", "d"}
    assert set(keys(index.search("", SearchFilters(year=2013)))) == {"c"}
    assert set(keys(index.search("", SearchFilters(issuer="uy ban nhan dan")))) == {"c"}
    assert set(keys(index.search("", SearchFilters(issuer="Ủy ban nhân dân")))) == {"c"}
    assert index.search("", SearchFilters(batch="hop-01")).total == len(DOCS)
    assert index.search("", SearchFilters(batch="hop-99")).total == 0
    # d revoked in 2014, e of unknown type
    assert set(keys(index.search("", SearchFilters(valid_on=dt.date(2015, 1, 1))))) == {"a", "b", "c"}
    assert set(keys(index.search("", SearchFilters(valid_on=dt.date(2016, 3, 1))))) == {"a", "b", "c"}
    assert set(keys(index.search("", SearchFilters(valid_on=dt.date(2016, 3, 2))))) == {"a", "c"}
    # newest first, undated last
    assert keys(index.search("")) == ["c", "d", "b", "a", "e"]
    assert index.search("", limit=2).total == len(DOCS)


def test_filters_with_query(index: SearchIndex) -> None:
    assert keys(index.search("nguyen van", SearchFilters(year=2012)))[:1] == ["d"]
    assert index.search("nguyen van an", SearchFilters(type="kiem_dinh_chat_luong")).total == 0
    assert keys(index.search("truong", SearchFilters(valid_on=dt.date(2017, 1, 1)))) == ["c"]
    # every tier honours the filters: short fields, body text, fuzzy
    assert keys(index.search("nguyen van", SearchFilters(type="xac_minh_van_bang", year=2010))) == ["a"]
    assert keys(index.search("bang tot nghiep", SearchFilters(year=2010))) == ["a"]  # body only
    assert index.search("bang tot nghiep", SearchFilters(year=2011)).total == 0
    assert keys(index.search("tran thi binb", SearchFilters(type="khac"))) == ["e"]  # fuzzy
    assert index.search("tran thi binb", SearchFilters(type="xac_minh_van_bang")).total == 0
    assert keys(index.search("truong", SearchFilters(batch="hop-01", issuer="uy ban"))) == ["c"]
    assert index.search("truong", SearchFilters(batch="hop-99")).total == 0
    assert index.search("nguyen", SearchFilters(year=1999)).total == 0


def test_filter_values_are_not_searchable_words(index: SearchIndex) -> None:
    """Type, year and batch are filters, not words of the record (the embedded index keeps them as tokens)."""
    for q in ("y2010", "2010", "xac_minh_van_bang", "hop-01", "khac"):
        assert index.search(q).total == 0, q


def test_counts_grouped_by_type_year_status(index: SearchIndex) -> None:
    rows = {(r.type, r.year, r.status): r.count for r in index.counts(dt.date(2017, 1, 1))}
    assert rows == {
        ("xac_minh_van_bang", 2010, "valid"): 1,
        ("xac_minh_van_bang", 2012, "revoked"): 1,
        ("kiem_dinh_chat_luong", 2011, "expired"): 1,
        ("cong_nhan_chuan_quoc_gia", 2013, "valid"): 1,
        ("khac", None, "unknown"): 1,
    }
    # records issued after the date are not counted
    assert all(r.year != 2013 for r in index.counts(dt.date(2012, 12, 31)))


def test_rewrite_and_delete(index: SearchIndex) -> None:
    for i in range(3):  # rewritten three times: only the last content is found
        index.write([doc("a", "xac_minh_van_bang", "2010-07-05", None, f"Phạm Thị Hoa {i}", "45/SGDĐT-KTKĐ",
                         f"Bản sao số {i} của Phạm Thị Hoa")])
    assert keys(index.search("pham thi hoa")) == ["a"]
    assert index.search("pham thi hoa 2").total == 1 and index.search("pham thi hoa 0").total == 0
    assert "a" not in keys(index.search("nguyen van an"))
    # "Nguyễn Văn Anh" only as a near match: "an" may be "anh" with its "n" lost, as "anh" may be "an"
    assert [(h.key, h.near) for h in index.search("nguyen van an").hits] == [("d", True)]
    assert index.search("sinh ngay").total == 0  # words of the first text of "a"
    assert index.doc_count() == len(DOCS)
    assert index.delete(["a", "zz"]) == 1
    assert index.delete([]) == 0
    assert index.search("pham thi hoa").total == 0
    assert index.doc_count() == len(DOCS) - 1
    index.clear()
    assert index.doc_count() == 0
    assert index.search("").total == 0


def test_total_counted_up_to_the_cap(make_url: Callable[[], str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Beyond TOTAL_CAP matches the total is the cap and says so; below it, it is exact."""
    import indexing.elastic
    import indexing.sqlite_fts
    import indexing.sqlite_match

    for module in (indexing.sqlite_fts, indexing.sqlite_match, indexing.elastic):
        monkeypatch.setattr(module, "TOTAL_CAP", 3)
    idx = open_index(make_url())
    try:
        idx.write([doc(f"n{i}", "xac_minh_van_bang", f"2011-01-0{i}", None, f"Nguyễn Văn Nam {i}", f"{i}/SGDĐT")
                   for i in range(1, 6)] + DOCS)
        many = idx.search("nguyen van nam")
        assert (many.total, many.total_capped, len(many.hits)) == (3, True, 5)
        few = idx.search("tran thi binh")
        assert (few.total, few.total_capped) == (1, False)
        listing = idx.search("", limit=2)  # filters only: counted exactly
        assert (listing.total, listing.total_capped) == (10, False)
    finally:
        idx.close()


RANKED = [
    doc("r3", "xac_minh_van_bang", "2011-01-01", None, "Lê Thị Hồng", "3/SGDĐT",
        "An ninh trật tự; ông Văn, bà Nguyễn có mặt. Nguyễn Văn An"[:40]),
    doc("r2", "xac_minh_van_bang", "2011-01-02", None, "Nguyên Văn An", "2/SGDĐT"),
    doc("r5", "xac_minh_van_bang", "2011-01-03", None, "Nguyễn Văm An", "5/SGDĐT"),
    doc("r1", "xac_minh_van_bang", "2011-01-04", None, "Nguyễn Văn An", "1/SGDĐT"),
    doc("r9", "xac_minh_van_bang", "2011-01-05", None, "Trần Thị Bình", "9/SGDĐT"),
]


def test_text_answers_what_no_record_is_named_by(make_url: Callable[[], str]) -> None:
    """A record about the person is the answer: the records naming him only in their text are not offered
    beside it, nor counted. Without one, the texts answer (after a subject a letter away), every one counted."""
    idx = open_index(make_url())
    try:
        idx.write([doc(f"k{i}", "xac_minh_van_bang", "2011-01-01", None, f"Trần Thị {i}", f"{i}/SGDĐT",
                       f"Theo hồ sơ, ông Nguyễn Văn An đã tốt nghiệp năm {2000 + i}.") for i in range(8)])
        idx.write(DOCS)
        named = idx.search("nguyen van an", limit=20)
        assert keys(named) == ["a"] and named.total == 1 and not named.total_capped
        idx.delete(["a"])
        res = idx.search("nguyen van an", limit=5)
        assert keys(res)[:1] == ["d"]  # "Nguyễn Văn Anh", a letter away, before the words found in passing
        assert len(res.hits) == 5 and res.total == 9 and not res.total_capped
        assert sorted(keys(idx.search("nguyen van an", limit=20))) == ["d"] + [f"k{i}" for i in range(8)]
    finally:
        idx.close()


def test_also_in_texts_ranks_them_after_the_named_records(make_url: Callable[[], str]) -> None:
    """The ranking contract of the two scopes. By default a record about the person is the answer and the result
    says the texts were skipped; asked "also in the texts" (``in_text``), the records naming him only in their
    text come after it, each record shown and counted once (the one about him holds his name in its text too),
    a page full or not."""
    idx = open_index(make_url())
    try:
        idx.write([doc(f"k{i}", "xac_minh_van_bang", "2011-01-01", None, f"Trần Thị {i}", f"{i}/SGDĐT",
                       f"Theo hồ sơ, ông Nguyễn Văn An đã tốt nghiệp năm {2000 + i}.") for i in range(8)])
        idx.write(DOCS)
        named = idx.search("nguyen van an")
        assert keys(named) == ["a"] and named.total == 1 and named.texts_skipped
        wide = idx.search("nguyen van an", in_text=True)
        assert keys(wide)[0] == "a" and sorted(keys(wide)[1:]) == [f"k{i}" for i in range(8)]
        assert wide.total == 9 and not wide.total_capped and not wide.texts_skipped
        for limit in (1, 5):
            page = idx.search("nguyen van an", limit=limit, in_text=True)
            assert keys(page)[0] == "a" and len(set(keys(page))) == limit and page.total == 9
        # A name and a year: the named records hold the year in their text, one more record only there.
        idx.write([doc(f"n{i}", "xac_minh_van_bang", "2012-01-01", None, "Lê Văn Tám", f"{20 + i}/SGDĐT",
                       f"Ông Lê Văn Tám, sinh năm {1990 + i % 3}.") for i in range(6)])
        idx.write([doc("p", "cong_nhan_chuan_quoc_gia", "2013-01-01", None, "Trường THCS Lê Lợi", "7/QĐ-UBND",
                       "Hiệu trưởng: ông Lê Văn Tám, sinh năm 1990.")])
        for limit in (1, 20):
            res = idx.search("Lê Văn Tám 1990", limit=limit, in_text=True)
            assert res.total == 3 and keys(res)[: min(limit, 2)] == ["n0", "n3"][:limit]
        assert keys(idx.search("Lê Văn Tám 1990", in_text=True))[2] == "p"
        assert keys(idx.search("Lê Văn Tám 1990")) == ["n0", "n3"]
        # Nothing to skip: a query no record is named by (the texts answer), a listing without words.
        texts = idx.search("tot nghiep")
        assert texts.total == 9 and not texts.texts_skipped
        assert not idx.search("", SearchFilters(year=2013)).texts_skipped
    finally:
        idx.close()


def test_total_of_named_records_counts_each_tier(make_url: Callable[[], str]) -> None:
    """The total of a query that names records counts every record of its tiers, a page full or not: the words
    in the short fields, a name with a number anywhere, a number typed short."""
    idx = open_index(make_url())
    try:
        idx.write([doc(f"n{i}", "xac_minh_van_bang", "2011-01-01", None, "Lê Văn Tám", f"{i}/SGDĐT",
                       f"Ông Lê Văn Tám, sinh năm {1990 + i % 3}.") for i in range(9)])
        idx.write([doc(f"s{i}", "xac_minh_van_bang", "2012-01-01", None, f"Phạm Thị {i}", f"{1595 + i}/SGDĐT-VP")
                   for i in range(3)])
        for limit in (2, 20):
            assert idx.search("le van tam", limit=limit).total == 9
            assert idx.search("Lê Văn Tám 1990", limit=limit).total == 3
            assert idx.search("1595 sgd", limit=limit).total == 1
        idx.write([doc("t", "xac_minh_van_bang", "2011-01-01", None, "Tám Lê Văn", "99/SGDĐT")])
        assert idx.search("le van tam", limit=2).total == 10  # the words in any order count too
    finally:
        idx.close()


def test_ranking_exact_then_folded_then_fuzzy(make_url: Callable[[], str]) -> None:
    idx = open_index(make_url())
    try:
        idx.write(RANKED)
        # exact diacritics, then the folded phrase; the words apart in a text (r3) and the OCR-damaged
        # name ("Nguyễn Văm An") are not offered while the name is found as typed
        assert keys(idx.search("Nguyễn Văn An")) == ["r1", "r2"]
        assert set(keys(idx.search("nguyen van an"))) == {"r1", "r2"}
        assert keys(idx.search("Nguyễn Văn An", in_text=True)) == ["r1", "r2", "r3"]  # the text's words last
        assert keys(idx.search("Nguyên Văn An"))[:2] == ["r2", "r1"]
        # fuzzy matches fill a page when no record holds the words: each one edit away here
        assert set(keys(idx.search("nguyen vaz an"))) == {"r1", "r2", "r5"}
        assert keys(idx.search("tran thi binb")) == ["r9"]
        assert idx.search("tran thi binb").total == 1
        assert "[Trần Thị Bình]" not in idx.search("tran thi binb").hits[0].snippet  # not an exact match
        assert keys(idx.search("5/SGDĐX")) == ["r5"]  # a symbol's letters may be misread
        assert idx.search("6/SGDĐT").total == 0  # its numbers never match fuzzily
    finally:
        idx.close()


def test_fuzzy_matches_short_fields_only(index: SearchIndex) -> None:
    index.write([doc("f", "xac_minh_van_bang", "2011-01-01", None, "Lê Văn Tám", "9/SGDĐT",
                     "Giấy xác nhận cho bà Trần Thị Bình.")])
    assert keys(index.search("tran thi binb")) == ["e"]  # not "f", whose body has the name
    assert keys(index.search("tran thi binh"))[:1] == ["e"]


def test_rebuild_replaces_everything(make_url: Callable[[], str]) -> None:
    url = make_url()
    idx = open_index(url)
    try:
        idx.write(DOCS)
        seen_during: list[int] = []

        def chunks() -> Iterator[list[dict[str, object]]]:
            yield RANKED[:2]
            # mid-rebuild, a reader still sees the old content
            other = open_index(url)
            try:
                seen_during.append(other.search("", limit=1).total)
            finally:
                other.close()
            yield RANKED[2:]

        assert rebuild_index(url, chunks()) == len(RANKED)
        assert seen_during == [len(DOCS)]
        assert idx.doc_count() == len(RANKED)
        assert idx.search("dang lam").total == 0
        assert keys(idx.search("Nguyễn Văn An"))[:1] == ["r1"]
    finally:
        idx.close()


days = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 12, 31))
records = st.tuples(st.sampled_from(list(ProcedureType)), st.none() | days, st.none() | st.integers(1, 10),
                    st.none() | days)


@hsettings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(recs=st.lists(records, min_size=40, max_size=40), on=days)
def test_engine_status_agrees_with_status_on(make_url: Callable[[], str], recs: list, on: dt.date) -> None:
    """Counts and the valid-on filter computed by the engine agree with pipeline.validity.status_on."""
    docs, expected = [], {}
    for i, (type_, issued, years, revoked) in enumerate(recs):
        until = valid_until(type_, issued, years)
        docs.append(doc(f"k{i}", type_.value, issued.isoformat() if issued else None,
                        until.isoformat() if until else None, "X", f"{i}/QĐ",
                        revoked=revoked.isoformat() if revoked else None))
        expected[f"k{i}"] = (type_.value, issued, status_on(type_, issued, until, on, revoked).value)
    idx = open_index(make_url())
    try:
        idx.write(docs)  # one bulk
        want = Counter((t, d.year if d else None, s) for t, d, s in expected.values() if d is None or d <= on)
        got = {(r.type, r.year, r.status): r.count for r in idx.counts(on)}
        assert got == dict(want)
        valid = {k for k, (_, _, s) in expected.items() if s == "valid"}
        assert set(keys(idx.search("", SearchFilters(valid_on=on), limit=100))) == valid
        assert all(expected[k][1] and expected[k][1] <= on for k in valid)  # valid: issued by then
        # the same filter on a search with a query
        assert set(keys(idx.search("X", SearchFilters(valid_on=on), limit=100))) == valid
    finally:
        idx.close()


@pytest.mark.elasticsearch
@hsettings(max_examples=3, deadline=None)
@given(recs=st.lists(records, min_size=60, max_size=60), on=days)
def test_elastic_status_per_doc(es_url: str, recs: list, on: dt.date) -> None:
    """Each document's status as the Elasticsearch filters compute it equals status_on's."""
    from indexing.elastic import ElasticIndex
    from indexing.es_queries import status_filters

    docs, expected = [], {}
    for i, (type_, issued, years, revoked) in enumerate(recs):
        until = valid_until(type_, issued, years)
        docs.append(doc(f"k{i}", type_.value, issued.isoformat() if issued else None,
                        until.isoformat() if until else None, "X", f"{i}/QĐ",
                        revoked=revoked.isoformat() if revoked else None))
        expected[f"k{i}"] = status_on(type_, issued, until, on, revoked).value
    idx = ElasticIndex(f"{es_url}/t-{uuid.uuid4().hex[:12]}")
    try:
        idx.write(docs)
        aggs = {"status": {"filters": {"filters": status_filters(on)},
                           "aggs": {"keys": {"terms": {"field": "key", "size": 1000}}}}}
        res = idx._es.search(index=idx.alias, size=0, aggs=aggs)
        got: dict[str, list[str]] = {}
        for status, bucket in res["aggregations"]["status"]["buckets"].items():
            for b in bucket["keys"]["buckets"]:
                got.setdefault(b["key"], []).append(status)
        assert got == {k: [s] for k, s in expected.items()}  # exactly one status per doc, the right one
    finally:
        idx.drop()
        idx.close()


@hsettings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60)
       | st.sampled_from(["Nguyễn Văn An", "ĐẰNG LÂM Ð ð ɖ", "İstanbul", "Số: 123/QĐ-SGDĐT\n\t x"]))
def test_index_fold_equals_fold(text: str) -> None:
    from indexing.base import index_fold
    from pipeline.folding import fold

    assert index_fold(text) == fold(text)


KNOWN = [
    doc("s1", "xac_minh_van_bang", "2011-01-01", None, "Trần Thanh Linh", "1/SGDĐT-VP"),
    doc("s2", "xac_minh_van_bang", "2011-01-02", None, "Trần Văn Thành", "2/SGDĐT-VP"),
    doc("p1", "xac_minh_van_bang", "2011-01-03", None, "Lê Thị Hoa", "3/SGDĐT-VP",
        "Bà Lê Thị Hoa, sinh năm 1990. KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC Nguyễn Văn An"),
    doc("p2", "xac_minh_van_bang", "2011-01-04", None, "Nguyễn Văn An", "4/SGDĐT-VP",
        "Ông Nguyễn Văn An, sinh năm 1990, tốt nghiệp năm 2008."),
    doc("t1", "kiem_dinh_chat_luong", "2010-05-05", None, "Trường THCS Lê Lợi", "5/QĐ-SGDĐT",
        "Trường THCS Lê Lợi; kế hoạch năm học 2011."),
    doc("t2", "kiem_dinh_chat_luong", "2011-05-05", None, "Trường THCS Lê Lợi", "6/QĐ-SGDĐT"),
    doc("n1", "xac_minh_van_bang", "2012-01-01", None, "Phan Bảo An", "1595/SGDĐT-VP"),
    doc("n2", "xac_minh_van_bang", "2012-01-02", None, "Phạm Bảo An", "1595/SGDĐT"),
]


def test_known_items_come_first(make_url: Callable[[], str]) -> None:
    """The ranking of indexing.base, kind by kind of what a clerk types (bench/search_quality.py measures it)."""
    idx = open_index(make_url())
    try:
        idx.write(KNOWN)
        # the words as typed, diacritics and all, before the same letters folded in order
        assert keys(idx.search("Trần Thành"))[:2] == ["s2", "s1"]
        # the person, born that year, before a record naming him only as its signer
        assert keys(idx.search("Nguyễn Văn An 1990"))[:1] == ["p2"]
        # a year in the query is the year of issue before a year in the text
        assert keys(idx.search("THCS Lê Lợi 2011"))[:2] == ["t2", "t1"]
        # the number itself before the numbers that hold it; typed short, found by its beginnings
        assert keys(idx.search("1595/SGDĐT"))[:2] == ["n2", "n1"]
        assert set(keys(idx.search("1595 sgd"))) == {"n1", "n2"}
        # OCR errors: fewer edits first ("beo" is one from "bao"; "phan" one more from "pham")
        assert keys(idx.search("pham beo an"))[:2] == ["n2", "n1"]
        assert keys(idx.search("1595/SCDĐT-VP"))[:1] == ["n1"]  # a misread letter of the symbol
    finally:
        idx.close()


NAMES = [
    doc("k1", "xac_minh_van_bang", "2011-01-01", None, "Nguyễn An Khang", "21/SGDĐT-VP"),
    doc("k2", "xac_minh_van_bang", "2011-01-02", None, "Nguyễn Văn Ân", "22/SGDĐT-VP"),
    doc("k3", "xac_minh_van_bang", "2011-01-03", None, "Nguyễn Văn An", "23/SGDĐT-VP"),
    doc("k4", "xac_minh_van_bang", "2011-01-04", None, "Nguyễn An", "24/SGDĐT-VP"),
    doc("k5", "kiem_dinh_chat_luong", "2011-01-05", None, "Trường Tiểu học Hải An", "25/QĐ-SGDĐT"),
    doc("k6", "kiem_dinh_chat_luong", "2011-01-06", None, "Trường THCS An Lão", "26/QĐ-SGDĐT"),
    doc("k7", "xac_minh_van_bang", "2011-01-07", None, "Phạm Thị Vân", "27/SGDĐT-VP"),
    doc("k8", "xac_minh_van_bang", "2011-01-08", None, "Trần Thị Thu Vân", "28/SGDĐT-VP"),
]


def test_a_name_is_its_family_and_given_name(make_url: Callable[[], str]) -> None:
    """Tiers A–D of indexing.base: the query's first and last words the subject's first and last."""
    idx = open_index(make_url())
    try:
        idx.write(NAMES)
        # the whole name, then the middle name left out as typed, then folded; then the words side by
        # side that leave the given name out ("Nguyễn An Khang" is called Khang)
        assert keys(idx.search("Nguyễn An")) == ["k4", "k3", "k2", "k1"]
        assert keys(idx.search("nguyen an"))[:3] in (["k4", "k2", "k3"], ["k4", "k3", "k2"])
        assert keys(idx.search("nguyen an"))[3] == "k1"
        # a school named without its level
        assert keys(idx.search("trường Hải An"))[:1] == ["k5"]
        # a misread name: its family and given name found first, before the same words in another order
        assert keys(idx.search("pthum thi van"))[:2] == ["k7", "k8"]
    finally:
        idx.close()


MISREAD = [
    doc("m1", "xac_minh_van_bang", "2011-01-01", None, "Nguyễn Thị Ngọc Quỳnh", "11/SGDĐT-VP"),
    doc("m2", "xac_minh_van_bang", "2011-01-02", None, "Nguyễn Ngọc Quỳnh", "12/SGDĐT-VP"),
    doc("m3", "xac_minh_van_bang", "2011-01-03", None, "Trần Ngọc Minh", "13/SGDĐT-VP"),
    doc("m4", "xac_minh_van_bang", "2011-01-04", None, "Trần Ngọc Linh", "14/SGDĐT-VP"),
    doc("m5", "xac_minh_van_bang", "2011-01-05", None, "Trần Thị Thu Nam", "15/SGDĐT-VP"),
    doc("m6", "xac_minh_van_bang", "2011-01-06", None, "Nguyễn Thị Thu Nam", "16/QĐ-SGDĐT"),
    doc("m7", "xac_minh_van_bang", "2011-01-07", None, "Lê Minh Giang", "17/SGDĐT-VP"),
]


def test_misread_names_come_nearest_first(make_url: Callable[[], str]) -> None:
    """The fuzzy tiers (indexing.fuzzy): a misread name finds the record it most likely is."""
    idx = open_index(make_url())
    try:
        idx.write(MISREAD)
        # the name of as many words before the one with a middle name more
        assert keys(idx.search("nguyen ngec quynh"))[:2] == ["m2", "m1"]
        # a digit that looks like a letter is that letter before another ("1" is "l", not "m")
        assert keys(idx.search("tran ngoc 1inh"))[:2] == ["m4", "m3"]
        # and a near spelling's hits say so; the words as typed do not
        assert all(h.near for h in idx.search("tran ngoc 1inh").hits)
        assert not any(h.near for h in idx.search("tran ngoc linh").hits)
        # two letters read for one ("ii" for "n") cost less than two edits
        assert keys(idx.search("le miiih giang"))[:1] == ["m7"]
        # a word garbled past two edits: the other words find the record, the nearest first
        assert keys(idx.search("wvguyon thi thu nam"))[:2] == ["m6", "m5"]
        # a number's serial stands; a letter of its symbol lost ("QĐ" read "Q") is found
        assert keys(idx.search("16/Q-SGDĐT")) == ["m6"]
        # but no part of a number is left out, nor a two-letter word ("an" is not "anh")
        assert idx.search("16/QĐ-UBND").total == 0
    finally:
        idx.close()


@pytest.mark.elasticsearch
def test_elastic_asks_together_what_it_needs_together(es_index_factory: Callable[[], str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The short-field tiers and the total in one request (``_msearch``), a misread name's batch asked all
    ways in one: fewer round trips, the same pages as each search on its own."""
    from bench.search_quality import queries, record_at
    from indexing.elastic import ElasticIndex

    made = [record_at(i, 5) for i in range(600)]
    idx = open_index(es_index_factory())
    try:
        idx.write([d for d, _ in made] + MISREAD)
        qs = [(q.text, q.filters) for q in queries([t for _, t in made], 3, 6)]
        qs += [("nguyen ngec quynh", SearchFilters()), ("wvguyon thi thu nam", SearchFilters())]
        requests: list[str] = []
        perform = idx._es.perform_request

        def counted(method: str, path: str, *args: object, **kwargs: object):  # the real node answers
            requests.append(path)
            return perform(method, path, *args, **kwargs)

        monkeypatch.setattr(idx._es, "perform_request", counted)
        together = [idx.search(text, f) for text, f in qs]
        n_together = len(requests)
        assert any(p.endswith("/_msearch") for p in requests)
        requests.clear()
        with monkeypatch.context() as m:  # every search a request of its own, as before
            m.setattr(ElasticIndex, "_run_many", lambda self, reqs, terms: [
                self._run(b, n, terms, count=c, source=src) for b, n, c, src in reqs])
            alone = [idx.search(text, f) for text, f in qs]
        assert [keys(r) for r in together] == [keys(r) for r in alone]
        assert [r.total for r in together] == [r.total for r in alone]
        assert n_together <= len(requests) - len(qs)  # at least one round trip fewer a search
    finally:
        idx.close()


@pytest.mark.elasticsearch
def test_elastic_deep_pages_follow_search_after(es_index_factory: Callable[[], str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """More hits than one request brings page by search_after in a point in time: the same hits, in order."""
    import indexing.elastic

    idx = open_index(es_index_factory())
    try:
        idx.write([doc(f"p{i:02d}", "xac_minh_van_bang", f"2011-01-{1 + i % 28:02d}", None,
                       f"Nguyễn Văn {'An' if i % 3 else 'Anh'} {i}", f"{i}/SGDĐT") for i in range(30)])
        whole = [keys(idx.search("nguyen van", limit=30)), keys(idx.search("", limit=30)),
                 keys(idx.search("nguyen van an", limit=30))]
        monkeypatch.setattr(indexing.elastic, "PAGE", 7)
        paged = [idx.search("nguyen van", limit=30), idx.search("", limit=30), idx.search("nguyen van an", limit=30)]
        assert [keys(r) for r in paged] == whole
        assert [r.total for r in paged] == [30, 30, 20] and len(whole[2]) == 20
    finally:
        idx.close()
