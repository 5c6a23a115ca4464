"""The ledger: WAL, idempotent keys, provenance and index bookkeeping."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from pipeline.domain import ClassifiedRecord, ProcedureType, RecordFields
from pipeline.ledger import Ledger, record_key


def _rec(first: int, number: str = "1/QĐ-SGDĐT") -> ClassifiedRecord:
    return ClassifiedRecord(
        pages=(first, first + 1), type=ProcedureType.KIEM_DINH_CHAT_LUONG, confidence=0.9, reasons=("title",),
        fields=RecordFields(number=number, date=dt.date(2010, 7, 5), subject="Trường THCS Lê Lợi"),
        valid_until=dt.date(2015, 7, 5),
    )


def test_wal_and_schema(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        assert ledger.query("PRAGMA journal_mode")[0][0] == "wal"
    with Ledger(tmp_path / "l.sqlite") as again:  # reopening does not migrate twice
        assert again.query("PRAGMA user_version")[0][0] == 3


def test_same_content_is_one_file_seen_in_two_batches(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        b1 = ledger.ensure_batch("hop-01", fonds="SGDĐT", box="01")
        b2 = ledger.ensure_batch("hop-02")
        assert ledger.ensure_batch("hop-01") == b1
        f1, new1 = ledger.register_file("a" * 64, 10, "/scans/x.pdf", b1)
        f2, new2 = ledger.register_file("a" * 64, 10, "/other/copy-of-x.pdf", b2)
        assert (new1, new2) == (True, False) and f1.id == f2.id and f2.batch_id == b1
        assert len(ledger.query("SELECT * FROM sightings")) == 2
        # archive codes are kept when a later call omits them
        assert ledger.query("SELECT fonds, box FROM batches WHERE id=?", (b1,))[0][:] == ("SGDĐT", "01")


def test_records_keep_their_keys_and_removed_ones_leave_tombstones(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        b = ledger.ensure_batch("hop-01")
        f, _ = ledger.register_file("b" * 64, 10, "/x.pdf", b)
        written, removed = ledger.replace_records(f.id, b, [(_rec(1), "t1"), (_rec(3), "t3")], run_id=None)
        assert written == [record_key("b" * 64, 1), record_key("b" * 64, 3)] and removed == []
        todo, gone = ledger.index_backlog()
        assert todo == written and gone == []
        ledger.mark_indexed(todo, gone)
        assert ledger.index_backlog() == ([], [])
        # a rerun finds the same first record, and the second one is gone
        written2, removed2 = ledger.replace_records(f.id, b, [(_rec(1, "2/QĐ-SGDĐT"), "t1")], run_id=None)
        assert written2 == written[:1] and removed2 == written[1:]
        assert ledger.index_backlog() == (written[:1], written[1:])
        rows = ledger.records()
        assert len(rows) == 1 and rows[0].number == "2/QĐ-SGDĐT" and rows[0].batch == "hop-01"
        assert rows[0].pages == (1, 2) and rows[0].valid_until == dt.date(2015, 7, 5)


def test_pages_done_depend_on_settings(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        b = ledger.ensure_batch("hop-01")
        f, _ = ledger.register_file("c" * 64, 10, "/x.pdf", b)
        ledger.save_page(f.id, 1, status="done", settings="s1", run_id=None, text="a")
        ledger.save_page(f.id, 2, status="failed", settings="s1", run_id=None, error="timeout")
        assert ledger.pages_done(f.id, "s1") == {1}
        assert ledger.pages_done(f.id, "s2") == set()
        ledger.save_page(f.id, 2, status="done", settings="s1", run_id=None, text="b")
        assert ledger.pages_done(f.id, "s1") == {1, 2}
        assert [p.text for p in ledger.pages_of(f.id)] == ["a", "b"]


def test_iter_records_in_chunks(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        b = ledger.ensure_batch("hop-01")
        f, _ = ledger.register_file("d" * 64, 10, "/x.pdf", b)
        ledger.replace_records(f.id, b, [(_rec(i), f"t{i}") for i in range(1, 12, 2)], run_id=None)
        chunks = list(ledger.iter_records(chunk=4))
        assert [len(c) for c in chunks] == [4, 2]


def test_a_version_1_ledger_is_migrated(tmp_path: Path) -> None:
    import sqlite3

    from pipeline import ledger as mod

    path = tmp_path / "old.sqlite"
    con = sqlite3.connect(path)
    old = mod._SCHEMA.replace("    quality REAL,\n", "").replace("    duplicate_of TEXT,\n    link_reason TEXT,\n", "")
    con.executescript(old + "PRAGMA user_version=1;")
    con.close()
    with Ledger(path) as ledger:
        assert ledger.query("PRAGMA user_version")[0][0] == mod.SCHEMA_VERSION
        b = ledger.ensure_batch("hop-01")
        f, _ = ledger.register_file("e" * 64, 1, "/x.pdf", b)
        ledger.save_page(f.id, 1, status="done", settings="s", run_id=None, text="a", quality=0.91)
        assert ledger.pages_of(f.id)[0].quality == 0.91


def test_duplicates_leave_the_index_and_revocations_are_kept(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        b = ledger.ensure_batch("hop-01")
        f1, _ = ledger.register_file("f" * 64, 10, "/a.pdf", b)
        f2, _ = ledger.register_file("g" * 64, 10, "/a-scanned-again.pdf", b)
        (k1,), _ = ledger.replace_records(f1.id, b, [(_rec(1), "t")], run_id=None)
        (k2,), _ = ledger.replace_records(f2.id, b, [(_rec(1), "t")], run_id=None)
        ledger.mark_indexed(*ledger.index_backlog())
        changed = ledger.apply_links({k2: (k1, "same number, date and text")},
                                     {k1: (dt.date(2012, 1, 1), "revoked by 9/QĐ-SGDĐT")})
        assert changed == 2
        assert ledger.index_backlog() == ([k1], [k2])  # k1 re-indexed with its revocation, k2 dropped
        ledger.mark_indexed(*ledger.index_backlog())
        assert ledger.index_backlog() == ([], [])
        rows = {r.key: r for r in ledger.records()}
        assert rows[k2].duplicate_of == k1 and rows[k1].revoked_on == dt.date(2012, 1, 1)
        assert ledger.apply_links({k2: (k1, "same")}, {k1: (dt.date(2012, 1, 1), "x")}) == 0  # idempotent
        assert ledger.apply_links({}, {}) == 2  # links that no longer hold are cleared


def test_corrections_survive_a_rebuild_and_link_detection(tmp_path: Path) -> None:
    from web.corrections import apply_correction

    with Ledger(tmp_path / "l.sqlite") as ledger:
        b = ledger.ensure_batch("hop-01")
        f, _ = ledger.register_file("h" * 64, 10, "/a.pdf", b)
        (key,), _ = ledger.replace_records(f.id, b, [(_rec(1), "t")], run_id=None)
        apply_correction(ledger, key, {"subject": "Trường THCS Lê Lợi (đã sửa)", "revoked_on": "01/02/2014"}, "an")
        ledger.replace_records(f.id, b, [(_rec(1), "t")], run_id=None)  # the file is read again
        ledger.apply_links({}, {})  # and link detection finds no revocation
        rec = ledger.records([key])[0]
        assert rec.subject == "Trường THCS Lê Lợi (đã sửa)" and rec.revoked_on == dt.date(2014, 2, 1)
