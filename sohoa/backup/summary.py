"""What a backup or a restore did, for people (in Vietnamese or English)."""

from __future__ import annotations

from pathlib import Path

from sohoa.backup.manifest import DATABASES
from sohoa.backup.restore import RestoreResult
from sohoa.backup.writing import BackupResult

__all__ = ["backup_summary", "restore_summary"]

_TEXT = {
    "vi": {
        "backup": "Đã sao lưu {data} vào {dest}: {dbs} cơ sở dữ liệu, {files} tệp, {size}; manifest.json ghi sau cùng.",
        "totals": "Sổ cái: {records} hồ sơ, {pages} trang, {files} tệp gốc, {batches} lô (ngày đối chiếu {on}).",
        "requeued": "{n} hồ sơ được ghi nhận là cần đưa lại vào chỉ mục (một lần nhập đang chạy khi sao lưu).",
        "ledger_pg": "Sổ cái nằm trên PostgreSQL: hãy sao lưu nó bằng pg_dump; bản sao này chỉ có các tệp còn lại.",
        "index_es": "Chỉ mục là Elasticsearch: không sao lưu; dựng lại từ sổ cái bằng `sohoa reindex`.",
        "index_rebuilt": "Chỉ mục nhúng đã được dựng lại từ sổ cái đã khôi phục.",
        "index_outdated": "Chỉ mục nhúng có lược đồ cũ: khi khôi phục sẽ được dựng lại từ sổ cái.",
        "restored": "Đã khôi phục {files} tệp từ {src} vào {target}.",
        "ledger_totals": "Số lô, tệp, trang, hồ sơ trong sổ cái",
        "ledger_cube": "Số hồ sơ theo loại × năm × tình trạng",
        "index_counts": "Số bản ghi của chỉ mục theo loại × năm × tình trạng",
        "searches": "Các tìm kiếm mẫu",
        "derived_files": "Tệp phái sinh mà sổ cái trỏ tới (thiếu)",
        "audit_trail": "Nhật ký truy cập (số dòng, chuỗi mã băm)",
        "ok": "khớp", "bad": "KHÔNG KHỚP",
        "pass": "Kiểm tra đạt: bản khôi phục cho cùng số liệu và kết quả tìm kiếm như lúc sao lưu.",
        "fail": "Kiểm tra KHÔNG đạt: bản khôi phục khác với lúc sao lưu.",
    },
    "en": {
        "backup": "Backed up {data} into {dest}: {dbs} databases, {files} files, {size}; manifest.json written last.",
        "totals": "Ledger: {records} records, {pages} pages, {files} source files, {batches} batches (check date {on}).",
        "requeued": "{n} records marked for re-indexing (an ingest was running during the backup).",
        "ledger_pg": "The ledger is on PostgreSQL: back it up with pg_dump; this backup holds the other files only.",
        "index_es": "The index is Elasticsearch: not backed up; rebuild it from the ledger with `sohoa reindex`.",
        "index_rebuilt": "The embedded index was rebuilt from the restored ledger.",
        "index_outdated": "The embedded index has an older schema: a restore rebuilds it from the ledger.",
        "restored": "Restored {files} files from {src} into {target}.",
        "ledger_totals": "Batches, files, pages, records in the ledger",
        "ledger_cube": "Records by type × year × status",
        "index_counts": "Index documents by type × year × status",
        "searches": "Sample searches",
        "derived_files": "Derived files the ledger names (missing)",
        "audit_trail": "Access log (lines, hash chain)",
        "ok": "match", "bad": "MISMATCH",
        "pass": "Check passed: the restored copy gives the same counts and search results as at backup time.",
        "fail": "Check FAILED: the restored copy differs from the backup.",
    },
}


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def backup_summary(result: BackupResult, data_dir: Path, lang: str = "vi") -> str:
    """What a backup did, for people."""
    t = _TEXT[lang]
    dbs = sum(1 for f in result.files if f.path in DATABASES)
    lines = [t["backup"].format(data=data_dir, dest=result.dest, dbs=dbs, files=len(result.files),
                                size=_size(result.bytes))]
    ledger = result.check.get("ledger")
    if isinstance(ledger, dict):
        lines.append(t["totals"].format(on=result.check["on"], **ledger["totals"]))
    if result.requeued:
        lines.append(t["requeued"].format(n=result.requeued))
    lines += [t[n] for n in result.notes if n in t]
    return "\n".join(lines)


def restore_summary(result: RestoreResult, src: Path, lang: str = "vi") -> str:
    """What a restore did and how each comparison of its check went, for people."""
    t = _TEXT[lang]
    lines = [t["restored"].format(files=result.files, src=src, target=result.target)]
    lines += [t[n] for n in result.notes if n in t]
    for item in result.items:
        lines.append(f"- {t.get(item.what, item.what)}: {t['ok'] if item.ok else t['bad']}"
                     + (f" ({item.detail})" if item.detail else ""))
    lines.append(t["pass"] if result.ok else t["fail"])
    return "\n".join(lines)
