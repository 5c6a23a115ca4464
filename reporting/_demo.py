"""A synthetic but realistic ledger for looking at reports (screenshots, docs, tests).

Several boxes digitized over a few months of working days, records of every
procedure type issued mostly in 2008–2013 (recognitions and accreditations
also recently, as a box of renewals would hold), some revoked, some needing review,
a few failed pages and quarantined files, the last boxes still in progress.
It is written through :class:`ledger.ledger.Ledger` and then back-dated in
SQL, because the ledger stamps rows with the current time.

Run ``python -m reporting._demo DATA_DIR`` to write ``DATA_DIR/ledger.sqlite``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
from pathlib import Path

from pipeline.domain import ClassifiedRecord, ProcedureType, RecordFields
from ledger import Ledger
from pipeline.validity import valid_until

__all__ = ["make_demo_ledger"]

_TYPES = (
    (ProcedureType.XAC_MINH_VAN_BANG, 58), (ProcedureType.KIEM_DINH_CHAT_LUONG, 9),
    (ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA, 13), (ProcedureType.CAP_BAN_SAO_VAN_BANG, 8),
    (ProcedureType.CHINH_SUA_VAN_BANG, 5), (ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI, 3),
    (ProcedureType.KHAC, 4),
)

_FIVE_YEARS = (ProcedureType.KIEM_DINH_CHAT_LUONG, ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA)


def _working_days(start: dt.date, n: int) -> list[dt.date]:
    days, d = [], start
    while len(days) < n:
        if d.weekday() < 5:
            days.append(d)
        d += dt.timedelta(days=1)
    return days


def _stamp(day: dt.date, rng: random.Random) -> str:
    # 08:00–16:59 local time of Hà Nội, stored as UTC like the ledger does.
    local = dt.datetime.combine(day, dt.time(8 + rng.randrange(9), rng.randrange(60)),
                                tzinfo=dt.timezone(dt.timedelta(hours=7)))
    return local.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _issue_date(rng: random.Random) -> dt.date | None:
    r = rng.random()
    if r < 0.05:
        return None
    year = rng.choice((2005, 2006, 2007, 2014)) if r < 0.13 else rng.randint(2008, 2013)
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def make_demo_ledger(path: Path, *, boxes: int = 8, start: dt.date = dt.date(2026, 3, 2), days: int = 70,
                     seed: int = 2026) -> Path:
    """Write a demo ledger at ``path`` (replaced if it exists).

    Args:
        path: The SQLite file to write.
        boxes: Number of boxes (batches), done one after the other.
        start: First working day of the campaign.
        days: Working days the campaign has run so far.
        seed: Random seed (same seed, same ledger).

    Returns:
        ``path``.
    """
    rng = random.Random(seed)
    for suffix in ("", "-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    calendar = _working_days(start, days)
    per_box = max(1, len(calendar) // boxes)
    types = [t for t, _ in _TYPES]
    weights = [w for _, w in _TYPES]
    with Ledger(path) as ledger:
        for b in range(boxes):
            name = f"hop-{b + 1:02d}"
            batch_id = ledger.ensure_batch(name, fonds="SGDĐT-HP", box=f"{b + 1:02d}",
                                           file_code=f"HS-{2008 + b % 6}-{b + 1:02d}")
            box_days = calendar[b * per_box: (b + 1) * per_box]
            n_files = rng.randint(14, 22)
            read = n_files if b < boxes - 2 else int(n_files * (0.8 if b == boxes - 2 else 0.4))
            for f in range(n_files):
                sha = hashlib.sha256(f"{seed}-{name}-{f}".encode()).hexdigest()
                n_pages = rng.randint(2, 9)
                row, _ = ledger.register_file(sha, 1000 * n_pages, f"/scans/{name}/tep-{f + 1:03d}.pdf", batch_id)
                if rng.random() < 0.03:
                    ledger.quarantine(batch_id, row.path, "file is empty or truncated", sha)
                    ledger.set_file(row.id, status="quarantined", error="truncated")
                    continue
                ledger.set_file(row.id, status="pending", kind="pdf", page_count=n_pages)
                if not box_days or f >= read:
                    continue  # not read yet
                day = box_days[min(len(box_days) - 1, f * len(box_days) // max(read, 1))]
                failed = set()
                for p in range(1, n_pages + 1):
                    bad = rng.random() < 0.02
                    if bad:
                        failed.add(p)
                    ledger.save_page(row.id, p, status="failed" if bad else "done", settings="demo", run_id=None,
                                     text="", mean_conf=None if bad else rng.uniform(55, 92),
                                     error="Tesseract timed out" if bad else None)
                records, p = [], 1
                while p <= n_pages:
                    span = min(rng.choice((1, 1, 2, 2, 3)), n_pages - p + 1)
                    ptype = rng.choices(types, weights)[0]
                    issued = _issue_date(rng)
                    if issued and ptype in _FIVE_YEARS and rng.random() < 0.3:
                        issued = dt.date(rng.randint(2021, 2025), rng.randint(1, 12), rng.randint(1, 28))
                    years = 5 if ptype in _FIVE_YEARS and rng.random() < 0.5 else None
                    until = valid_until(ptype, issued, years)
                    review = ptype is ProcedureType.KHAC or issued is None or rng.random() < 0.05
                    records.append((ClassifiedRecord(
                        pages=tuple(range(p, p + span)), type=ptype, confidence=rng.uniform(0.5, 0.99),
                        reasons=("demo",), fields=RecordFields(number=f"{rng.randint(1, 999)}/QĐ-SGDĐT",
                                                              date=issued, validity_years=years),
                        valid_until=until, needs_review=review), "demo"))
                    p += span
                ledger.replace_records(row.id, batch_id, records, run_id=None)
                ledger.set_file(row.id, status="failed" if failed else "done")
                with ledger.transaction() as c:
                    c.execute("UPDATE pages SET updated_at=? WHERE file_id=?", (_stamp(day, rng), row.id))
                    c.execute("UPDATE records SET created_at=?, updated_at=created_at WHERE file_id=?",
                              (_stamp(day, rng), row.id))
                    c.execute("UPDATE files SET first_seen=?, updated_at=first_seen WHERE id=?",
                              (_stamp(box_days[0], rng), row.id))
            with ledger.transaction() as c:
                stamp = _stamp(box_days[0] if box_days else calendar[-1], rng)
                c.execute("UPDATE files SET first_seen=?, updated_at=? WHERE batch_id=? AND status IN "
                          "('pending', 'quarantined')", (stamp, stamp, batch_id))
                c.execute("UPDATE quarantine SET seen_at=? WHERE batch_id=?", (stamp, batch_id))
        # Later decisions revoked a few recognitions and certificates.
        with ledger.transaction() as c:
            ids = [r[0] for r in c.execute(
                "SELECT id FROM records WHERE type IN ('cong_nhan_chuan_quoc_gia', 'kiem_dinh_chat_luong', "
                "'xac_minh_van_bang') AND issue_date IS NOT NULL ORDER BY id")]
            for rid in rng.sample(ids, k=min(len(ids), max(1, len(ids) // 25))):
                c.execute("UPDATE records SET revoked_on=date(issue_date, '+2 years') WHERE id=?", (rid,))
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "sohoa-demo-data")
    print(make_demo_ledger(target / "ledger.sqlite"))
