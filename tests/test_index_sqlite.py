"""The embedded FTS5 index only: its layout, folding by FTS5, schema upgrades, status SQL.

Behaviour both backends share is in tests/test_index_contract.py.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings as hsettings, strategies as st

import indexing.fts_rows
import indexing.sqlite_fts
import indexing.sqlite_match
from indexing import SearchFilters, open_index, rebuild_index
from indexing.fts_rows import fts_body, fts_query, years_text
from indexing.sqlite_fts import SqliteIndex
from indexing.sqlite_match import facet_match, filter_sql
from indexing.sqlite_schema import STATUS_SQL
from pipeline.domain import ProcedureType
from pipeline.folding import fold
from pipeline.validity import status_on, valid_until
from core.errors import IndexSchemaError
from test_index_contract import DOCS, doc


@pytest.fixture
def index(tmp_path: Path) -> SqliteIndex:
    idx = SqliteIndex(tmp_path / "index.sqlite")
    assert idx.write(DOCS) == len(DOCS)
    yield idx
    idx.close()


def test_number_query_is_a_phrase_of_its_parts() -> None:
    assert fts_query("Số 45/SGDĐT-KTKĐ") == '"so" "45 sgddt ktkd"'


def test_open_index_by_url(tmp_path: Path) -> None:
    idx = open_index(f"sqlite:///{tmp_path / 'x.sqlite'}")
    assert isinstance(idx, SqliteIndex)
    idx.close()


@pytest.mark.parametrize("old", ["2", "3", None])
def test_old_layout_is_reported_then_rebuilt(tmp_path: Path, old: str | None) -> None:
    """An index of schema 2 or 3 or one without a recorded schema is refused, and reindex replaces it."""
    path = tmp_path / "index.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE docs (rowid INTEGER PRIMARY KEY, key TEXT, doc TEXT)")
    if old:
        con.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)")
        con.execute("INSERT INTO meta VALUES ('schema', ?)", (old,))
    con.commit()
    con.close()
    with pytest.raises(IndexSchemaError, match="reindex"):
        SqliteIndex(path)
    assert rebuild_index(f"sqlite:///{path}", [DOCS]) == len(DOCS)
    idx = SqliteIndex(path)
    try:
        assert idx.doc_count() == len(DOCS)
        assert [h.key for h in idx.search("dang lam").hits] == ["b"]
    finally:
        idx.close()


def test_a_file_of_an_older_layout_is_refused(tmp_path: Path) -> None:
    """Schema 7 added ``short_fts.ends``: a file written by schema 6 is refused with the command that rebuilds it."""
    path = tmp_path / "index.sqlite"
    SqliteIndex(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value = '6' WHERE name = 'schema'")
    con.commit()
    con.close()
    with pytest.raises(IndexSchemaError, match="sohoa reindex"):
        SqliteIndex(path)


_VI = "aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
vi_text = st.text(alphabet=st.sampled_from(list(_VI + _VI.upper() + "ÐðɖƯƠ  ,./-:;()0123456789")), max_size=80)


@hsettings(max_examples=150, deadline=None)
@given(text=vi_text, form=st.sampled_from(["NFC", "NFD"]))
def test_fts_folds_body_like_fold(text: str, form: str) -> None:
    """The body is folded by FTS5 (unicode61, remove_diacritics 2): same words as pipeline.folding.fold."""
    text = unicodedata.normalize(form, text)
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2')")
    con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    con.execute("INSERT INTO t(rowid, x) VALUES (1, ?)", (fts_body({"text": text}),))
    got = [t for (t,) in con.execute("SELECT term FROM v ORDER BY offset")]
    assert got == re.findall(r"\w+", fold(text))


year_text = st.text(alphabet=st.sampled_from(list("19200865 /.-:aăbđ_Ưư\u0301")), max_size=40)


@hsettings(max_examples=200, deadline=None)
@given(text=year_text)
def test_years_column_holds_the_years_fts_reads(text: str) -> None:
    """``short_fts.years`` holds exactly the words of 1900-2099 that FTS5 reads in the text."""
    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE t USING fts5(x, tokenize = 'unicode61 remove_diacritics 2')")
    con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")
    con.execute("INSERT INTO t(rowid, x) VALUES (1, ?)", (fts_body({"text": text}),))
    got = {t for (t,) in con.execute("SELECT term FROM v") if re.fullmatch(r"(19|20)[0-9][0-9]", t)}
    assert years_text([text]) == " ".join(sorted(got))


def test_years_anywhere_asked_of_the_short_fields(generated, monkeypatch: pytest.MonkeyPatch) -> None:
    """A name with a year anywhere ("Nguyễn Văn An 1990") asked of ``short_fts.years`` finds the same pages and
    totals as asked of the text."""
    idx, qs = generated
    qs = [q for q in qs if q.kind in ("name and birth year", "school and year")]
    with_years = [idx.search(q.text, q.filters, limit=5) for q in qs]
    with monkeypatch.context() as m:
        m.setattr(indexing.fts_rows, "in_years", lambda clause: False)
        in_text = [idx.search(q.text, q.filters, limit=5) for q in qs]
    assert [[h.key for h in p.hits] for p in with_years] == [[h.key for h in p.hits] for p in in_text]
    assert [p.total for p in with_years] == [p.total for p in in_text]


def test_rewrites_leave_no_stale_entries(index: SqliteIndex) -> None:
    """Contentless tables are told exactly what to forget (integrity-check); rowids are not reused.

    That the old words are no longer found is a contract test (test_rewrite_and_delete).
    """
    for i in range(3):
        index.write([doc("a", "xac_minh_van_bang", "2010-07-05", None, f"Phạm Thị Hoa {i}", "45/SGDĐT-KTKĐ",
                         f"Bản sao số {i} của Phạm Thị Hoa")])
    last = index._conn.execute("SELECT max(rowid) FROM docs").fetchone()[0]
    index.delete(["a"])
    index.write([doc("z", "khac", None, None, "Lê Văn Tám", "8/SGDĐT")])
    assert index._conn.execute("SELECT rowid FROM docs WHERE key='z'").fetchone()[0] > last
    for table in ("short_fts", "text_fts"):
        index._conn.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    # the facets of the deleted versions went too: only "z" carries type khac
    assert index._conn.execute("SELECT count(*) FROM text_fts WHERE text_fts MATCH ?",
                               (facet_match(SearchFilters(type="khac")),)).fetchone()[0] == 2


def test_filters_are_tokens_of_the_fts_tables(index: SqliteIndex) -> None:
    """Type, year and batch filters are answered inside FTS5; issuer and valid-on on ``docs``."""
    params: dict[str, object] = {}
    assert filter_sql(SearchFilters(type="khac", year=2010, batch="hop-01"), params, fts=True) == []
    facet = facet_match(SearchFilters(type="xac_minh_van_bang", year=2010, batch="hop-01"))
    got = index._conn.execute("SELECT rowid FROM short_fts WHERE short_fts MATCH ?", (facet,)).fetchall()
    assert [index._conn.execute("SELECT key FROM docs WHERE rowid=?", r).fetchone()[0] for r in got] == ["a"]
    assert len(filter_sql(SearchFilters(issuer="x", valid_on=dt.date(2015, 1, 1)), {}, fts=True)) == 2


def test_body_tiers_rank_within_a_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """With more body-only matches than the window, the page is still full and the total exact.

    The same records as the contract's test_text_answers_what_no_record_is_named_by, with a window of 3.
    """
    monkeypatch.setattr(indexing.sqlite_match, "BODY_WINDOW", 3)
    idx = SqliteIndex(tmp_path / "w.sqlite")
    try:
        idx.write([doc(f"k{i}", "xac_minh_van_bang", "2011-01-01", None, f"Trần Thị {i}", f"{i}/SGDĐT",
                       f"Theo hồ sơ, ông Nguyễn Văn An đã tốt nghiệp năm {2000 + i}.") for i in range(8)])
        idx.write([d for d in DOCS if d["key"] != "a"])
        res = idx.search("nguyen van an", limit=5)
        assert [h.key for h in res.hits][:1] == ["d"]  # the near subject first
        assert len(res.hits) == 5 and res.total == 9 and not res.total_capped
        every = [h.key for h in idx.search("nguyen van an", limit=20).hits]
        assert sorted(every) == ["d"] + [f"k{i}" for i in range(8)]
        assert every.index("k7") < every.index("k0")  # window by window, newest first
    finally:
        idx.close()


days = st.dates(min_value=dt.date(2005, 1, 1), max_value=dt.date(2025, 12, 31))


@hsettings(max_examples=200, deadline=None)
@given(type_=st.sampled_from(list(ProcedureType)), issued=st.none() | days, years=st.none() | st.integers(1, 10),
       revoked=st.none() | days, on=days)
def test_sql_status_agrees_with_status_on(tmp_path_factory: pytest.TempPathFactory, type_: ProcedureType,
                                          issued: dt.date | None, years: int | None, revoked: dt.date | None,
                                          on: dt.date) -> None:
    until = valid_until(type_, issued, years)
    idx = _shared_index(tmp_path_factory)
    idx.clear()
    idx.write([doc("k", type_.value, issued.isoformat() if issued else None, until.isoformat() if until else None,
                   "X", "1/QĐ", revoked=revoked.isoformat() if revoked else None)])
    expected = status_on(type_, issued, until, on, revoked).value
    got = idx._conn.execute(f"SELECT {STATUS_SQL} FROM docs d", {"on": on.isoformat()}).fetchone()[0]
    assert got == expected
    # (the valid-on filter built on it is checked on both backends by test_engine_status_agrees_with_status_on)


_SHARED: dict[str, SqliteIndex] = {}


def _shared_index(factory: pytest.TempPathFactory) -> SqliteIndex:
    if "i" not in _SHARED:
        _SHARED["i"] = SqliteIndex(factory.mktemp("status") / "i.sqlite")
    return _SHARED["i"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[SqliteIndex, list]:
    """2,000 records as bench/search_quality.py makes them (names shared, signers in the body), and its queries."""
    from bench.search_quality import queries, record_at

    made = [record_at(i, 5) for i in range(2000)]
    idx = SqliteIndex(tmp_path_factory.mktemp("gen") / "g.sqlite")
    idx.write([d for d, _ in made])
    yield idx, queries([t for _, t in made], 6, 6)
    idx.close()


def test_tiers_within_the_words_are_asked_among_their_few_records(generated, monkeypatch: pytest.MonkeyPatch) -> None:
    """When fewer records than a page hold the query's words in their short fields, the tiers that ask those
    words and more are asked among those records only (or not at all): the same pages as asking each in full."""
    idx, qs = generated
    for limit in (5, 20):
        pages = [idx.search(q.text, q.filters, limit=limit) for q in qs]
        with monkeypatch.context() as m:
            m.setattr(indexing.sqlite_fts, "within", lambda tier, words: False)  # every tier asked in full
            full = [idx.search(q.text, q.filters, limit=limit) for q in qs]
        assert [[h.key for h in p.hits] for p in pages] == [[h.key for h in p.hits] for p in full]
        assert [p.total for p in pages] == [p.total for p in full]


def test_total_is_what_a_page_large_enough_shows(generated) -> None:
    """The total of a page of 3 (counted, the page being full) is the number of records a page of 1,000 shows
    (every tier read to its end), names, numbers and misread queries alike."""
    idx, qs = generated
    counted = 0
    for q in qs:
        small, large = idx.search(q.text, q.filters, limit=3), idx.search(q.text, q.filters, limit=1000)
        if not large.total_capped and not any(h.near for h in large.hits):
            assert small.total == large.total == len(large.hits), q
            counted += len(small.hits) == 3 and len(large.hits) > 3
    assert counted >= 10  # a dozen of them counted past a full page


def test_words_no_short_field_holds_spare_the_tiers_within_them(generated) -> None:
    from indexing.base import ranking_tiers
    from indexing.fts_rows import tier_match
    from indexing.sqlite_match import within

    idx, _ = generated
    query = "Giám Đốc Sở"  # in every issuer and signature, never all three words in a short field
    tiers = ranking_tiers(query)
    words = next(t for t in tiers if t.name == "words in short fields")
    probes = [words]  # asked once, for FEW + 1 records: none, so no tier within it is asked anywhere
    spared = [tier_match(t)[1] for t in tiers if within(t, words) and t not in probes]
    assert len(spared) >= 2  # exact words, the phrase in the subject or number
    asked: list[str] = []
    idx._conn.set_trace_callback(asked.append)
    try:
        hits = idx.search(query).hits
    finally:
        idx._conn.set_trace_callback(None)
    assert hits  # found in the body
    assert all(any(tier_match(t)[1] in s for s in asked) for t in probes)
    assert not [e for e in spared if any(e in s for s in asked)]
