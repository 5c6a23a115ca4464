"""Options of the README's commands that change data, each as a user types it, with its effect checked.

Most read the session's ingest of the samples (``ingested_samples``) and write elsewhere; the ingest test
reads one page of its own.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from conftest import SAMPLES, render_lines, run_sohoa
from ocr.pages import page_fingerprint
from core.settings import Settings

pytestmark = pytest.mark.slow


@pytest.fixture
def data(ingested_samples: tuple[Path, subprocess.CompletedProcess[str]]) -> Path:
    """The session's ingest of the samples (read here, never changed)."""
    data, run = ingested_samples
    assert run.returncode == 0, run.stderr[-3000:]
    return data


@pytest.mark.parametrize("fmt", ["md", "csv", "html"])
def test_report_out_writes_what_the_command_prints(data: Path, tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"bao-cao.{fmt}"
    args = ("report", "--format", fmt, "--as-of", "2026-01-01")
    written = run_sohoa(data, *args, "--out", str(out))
    assert written.returncode == 0 and written.stdout == "", written.stderr
    printed = run_sohoa(data, *args)
    assert printed.returncode == 0 and printed.stdout.strip()
    assert out.read_text(encoding="utf-8") == printed.stdout


def test_reindex_to_another_embedded_index_and_search_it_with_index(data: Path, tmp_path: Path) -> None:
    """`reindex --to sqlite:///…` builds a second index from the ledger; the global `--index` searches it; the
    data dir's own index is left as it was."""
    own = data / "index.sqlite"
    before = own.stat().st_mtime_ns
    other = tmp_path / "khac" / "index.sqlite"
    other.parent.mkdir()
    url = f"sqlite:///{other}"
    done = run_sohoa(data, "reindex", "--to", url)
    assert done.returncode == 0 and f"records indexed into {url}" in done.stdout, done.stdout + done.stderr
    with sqlite3.connect(data / "ledger.sqlite") as con:
        kept = con.execute("SELECT count(*) FROM records WHERE duplicate_of IS NULL").fetchone()[0]
    assert done.stdout.startswith(f"{kept} records indexed")
    found = run_sohoa(data, "--index", url, "search", "nguyen van an", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["hits"][0]["subject"] == "Nguyễn Văn An"
    assert own.stat().st_mtime_ns == before
    empty = tmp_path / "rong" / "index.sqlite"
    nothing = run_sohoa(data, "--index", f"sqlite:///{empty}", "search", "nguyen van an", "--json")
    assert nothing.returncode == 0 and json.loads(nothing.stdout)["hits"] == []  # the option is obeyed


def test_ingest_location_and_profile_as_typed(tmp_path: Path) -> None:
    """`--fonds --box --file-code` are the batch's place in the store room; `--profile` is the knowledge the
    pages are read with (their reading's fingerprint is that profile's, not the default's; the same profile
    named by $SOHOA_PROFILE reads nothing again; a broken profile stops the run, naming its file)."""
    box = tmp_path / "hop-07"
    box.mkdir()
    shutil.copy(SAMPLES / "scans" / "006_mild_page.jpg", box)
    data = tmp_path / "data"
    first = run_sohoa(data, "--profile", "hai-phong", "ingest", str(box), "--batch", "hop-07", "--fonds", "SGDĐT",
                      "--box", "07", "--file-code", "HS-2012-03", "--workers", "1", "--no-progress")
    assert first.returncode == 0 and " 1 trang đã đọc" in first.stdout, first.stdout + first.stderr
    with sqlite3.connect(data / "ledger.sqlite") as con:
        assert con.execute("SELECT fonds, box, file_code FROM batches WHERE name = 'hop-07'").fetchall() == [
            ("SGDĐT", "07", "HS-2012-03")]
        (settings,) = {s for (s,) in con.execute("SELECT settings FROM pages")}
    assert settings == page_fingerprint(Settings(data_dir=data, profile="hai-phong"))
    assert settings != page_fingerprint(Settings(data_dir=data, profile="default"))
    same = run_sohoa(data, "ingest", str(box), "--batch", "hop-07", "--no-progress",
                     env={"SOHOA_PROFILE": "hai-phong"})
    assert same.returncode == 0 and " 0 trang đã đọc" in same.stdout, same.stdout + same.stderr
    broken = tmp_path / "ho-so-loi"
    broken.mkdir()
    (broken / "profile.json").write_text('{"format": 1, "name": "loi", "places": "not a list"}', encoding="utf-8")
    refused = run_sohoa(data, "--profile", str(broken), "ingest", str(box), "--batch", "hop-07", "--no-progress")
    assert refused.returncode == 1 and "profile.json" in refused.stderr, refused.stdout + refused.stderr


def test_the_global_index_option_is_where_ingest_and_reindex_write(data: Path, tmp_path: Path) -> None:
    """`sohoa --index URL reindex` rebuilds that index; `sohoa --index URL ingest` adds the new records to it;
    the data dir's own index is not touched."""
    copy = tmp_path / "data"
    shutil.copytree(data, copy)
    own = copy / "index.sqlite"
    before = own.stat().st_mtime_ns
    url = f"sqlite:///{tmp_path / 'khac.sqlite'}"
    done = run_sohoa(copy, "--index", url, "reindex")
    assert done.returncode == 0 and f"records indexed into {url}" in done.stdout, done.stdout + done.stderr
    box = tmp_path / "hop-moi"
    box.mkdir()
    lines = ["SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 77/SGDĐT-KTKĐ", "V/v xác minh văn bằng",
             "Hà Nội, ngày 05 tháng 7 năm 2010", "Sở Giáo dục và Đào tạo xác minh văn bằng của ông Lê Văn Khoa."]
    Image.fromarray(render_lines(lines)).save(box / "xac-minh.png")
    run = run_sohoa(copy, "--index", url, "ingest", str(box), "--batch", "hop-moi", "--no-progress")
    assert run.returncode == 0 and " 1 trang đã đọc" in run.stdout, run.stdout + run.stderr
    hits = json.loads(run_sohoa(copy, "--index", url, "search", "le van khoa", "--json").stdout)["hits"]
    assert [Path(h["path"]).name for h in hits] == ["xac-minh.png"], hits
    # (the data dir's own index may offer a near name, never the new record)
    own_hits = json.loads(run_sohoa(copy, "search", "le van khoa", "--json").stdout)["hits"]
    assert "xac-minh.png" not in [Path(h["path"]).name for h in own_hits], own_hits
    assert own.stat().st_mtime_ns == before


def test_search_in_text_adds_the_records_naming_the_words_in_their_text(tmp_path: Path) -> None:
    """`search` answers with the records whose subject holds the name and says the texts were skipped;
    `--in-text` adds the record naming the person only in its text, after them, in the total too."""
    from indexing import open_index

    def doc(key: str, subject: str, text: str) -> dict[str, object]:
        return {"key": key, "type": "xac_minh_van_bang", "number": f"{len(key)}/SGDĐT", "issue_date": "2011-01-01",
                "year": 2011, "issuer": "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "subject": subject, "title": "QUYẾT ĐỊNH",
                "valid_until": None, "revoked_on": None, "needs_review": False, "batch": "hop-01",
                "location": None, "path": "/scans/a.pdf", "pages": [1], "text": text}

    url = f"sqlite:///{tmp_path / 'index.sqlite'}"
    index = open_index(url)
    index.write([doc("an", "Nguyễn Văn An", "Xác minh văn bằng của ông Nguyễn Văn An."),
                 doc("list", "Trường THCS Lê Lợi", "Danh sách học sinh: Trần Bình, Nguyễn Văn An, Lê Hoa.")])
    index.close()
    named = run_sohoa(tmp_path, "--index", url, "search", "nguyen van an", "--json")
    out = json.loads(named.stdout)
    assert [h["key"] for h in out["hits"]] == ["an"] and out["total"] == 1 and out["texts_skipped"], named.stderr
    assert "--in-text" in run_sohoa(tmp_path, "--index", url, "search", "nguyen van an").stdout
    wide = json.loads(run_sohoa(tmp_path, "--index", url, "search", "nguyen van an", "--in-text", "--json").stdout)
    assert [h["key"] for h in wide["hits"]] == ["an", "list"] and wide["total"] == 2 and not wide["texts_skipped"]
