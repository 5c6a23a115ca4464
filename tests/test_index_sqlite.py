"""The embedded FTS5 index: folding, numbers, filters, counts, snippets."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from indexing import SearchFilters, open_index
from indexing.sqlite_fts import SqliteIndex, fts_query
from pipeline.domain import ProcedureType
from pipeline.validity import status_on


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


@pytest.fixture
def index(tmp_path: Path) -> SqliteIndex:
    idx = SqliteIndex(tmp_path / "index.sqlite")
    assert idx.write(DOCS) == len(DOCS)
    yield idx
    idx.close()


def test_folded_search_finds_diacritics(index: SqliteIndex) -> None:
    res = index.search("nguyen van an")
    assert [h.key for h in res.hits][:1] == ["a"]
    assert "[Nguyễn Văn An]" in res.hits[0].snippet
    assert {h.key for h in index.search("dang lam").hits} == {"b"}
    assert {h.key for h in index.search("ĐẰNG LÂM").hits} == {"b"}


def test_number_matches_exactly_in_sequence(index: SqliteIndex) -> None:
    assert [h.key for h in index.search("123/QĐ-SGDĐT").hits] == ["b"]
    assert [h.key for h in index.search("123/qd-sgddt").hits] == ["b"]
    assert index.search("123/QĐ-UBND").total == 0
    assert fts_query("Số 45/SGDĐT-KTKĐ") == '"so" "45 sgddt ktkd"'


def test_filters(index: SqliteIndex) -> None:
    assert {h.key for h in index.search("", SearchFilters(type="xac_minh_van_bang")).hits} == {"a", "d"}
    assert {h.key for h in index.search("", SearchFilters(year=2013)).hits} == {"c"}
    assert {h.key for h in index.search("", SearchFilters(issuer="uy ban nhan dan")).hits} == {"c"}
    valid_2015 = {h.key for h in index.search("", SearchFilters(valid_on=dt.date(2015, 1, 1))).hits}
    assert valid_2015 == {"a", "b", "c"}  # d revoked in 2014, e unknown
    assert {h.key for h in index.search("", SearchFilters(valid_on=dt.date(2016, 3, 1))).hits} == {"a", "c"} | {"b"}
    assert {h.key for h in index.search("", SearchFilters(valid_on=dt.date(2016, 3, 2))).hits} == {"a", "c"}


def test_counts_grouped_by_type_year_status(index: SqliteIndex) -> None:
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


def test_rewrite_and_delete(index: SqliteIndex) -> None:
    index.write([doc("a", "xac_minh_van_bang", "2010-07-05", None, "Phạm Thị Hoa", "45/SGDĐT-KTKĐ")])
    assert index.search("nguyen van an").total == 0 or index.search("nguyen van an").hits[0].key != "a"
    assert index.search("pham thi hoa").hits[0].key == "a"
    assert index.delete(["a", "zz"]) == 1
    assert index.search("pham thi hoa").total == 0
    assert index.doc_count() == len(DOCS) - 1


def test_open_index_by_url(tmp_path: Path) -> None:
    idx = open_index(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert isinstance(idx, SqliteIndex)
    idx.close()


days = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 12, 31))


@hsettings(max_examples=200, deadline=None)
@given(type_=st.sampled_from(list(ProcedureType)), issued=st.none() | days, years=st.none() | st.integers(1, 10),
       revoked=st.none() | days, on=days)
def test_sql_status_agrees_with_status_on(tmp_path_factory: pytest.TempPathFactory, type_: ProcedureType,
                                          issued: dt.date | None, years: int | None, revoked: dt.date | None,
                                          on: dt.date) -> None:
    from pipeline.validity import valid_until

    until = valid_until(type_, issued, years)
    idx = _shared_index(tmp_path_factory)
    idx.clear()
    idx.write([doc("k", type_.value, issued.isoformat() if issued else None, until.isoformat() if until else None,
                   "X", "1/QĐ", revoked=revoked.isoformat() if revoked else None)])
    expected = status_on(type_, issued, until, on, revoked).value
    got = idx._conn.execute(
        "SELECT " + __import__("indexing.sqlite_fts", fromlist=["STATUS_SQL"]).STATUS_SQL + " FROM docs d",
        {"on": on.isoformat()},
    ).fetchone()[0]
    assert got == expected


_SHARED: dict[str, SqliteIndex] = {}


def _shared_index(factory: pytest.TempPathFactory) -> SqliteIndex:
    if "i" not in _SHARED:
        _SHARED["i"] = SqliteIndex(factory.mktemp("status") / "i.sqlite")
    return _SHARED["i"]
