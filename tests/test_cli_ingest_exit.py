"""``sohoa ingest``'s exit codes as the README states them, through the command: 2 with the files set aside
listed on stderr (the rest processed), 1 when the run failed (nothing lost: the next run finishes it)."""

from __future__ import annotations

import http.server
import shutil
import socket
import sqlite3
import threading
from pathlib import Path

import pytest

from conftest import SAMPLES, run_sohoa

pytestmark = pytest.mark.slow


def _box(tmp_path: Path) -> Path:
    box = tmp_path / "hop"
    box.mkdir()
    shutil.copy(SAMPLES / "scans" / "004_mild_page.jpg", box)
    return box


def _records(data: Path) -> int:
    with sqlite3.connect(data / "ledger.sqlite") as conn:
        return int(conn.execute("SELECT count(*) FROM records").fetchone()[0])


def test_exit_2_lists_the_files_set_aside_and_processes_the_rest(tmp_path: Path) -> None:
    box = _box(tmp_path)
    (box / "trong.pdf").write_bytes(b"")
    (box / "ghi-chu.jpg").write_text("not a scan", encoding="utf-8")
    run = run_sohoa(tmp_path / "data", "ingest", str(box), "--batch", "hop", "--no-progress")
    assert run.returncode == 2, run.stderr[-2000:]
    quarantined = [line for line in run.stderr.splitlines() if line.startswith("CÁCH LY / quarantined: ")]
    assert len(quarantined) == 2
    assert any(str(box / "trong.pdf") in line and "empty" in line for line in quarantined), quarantined
    assert any(str(box / "ghi-chu.jpg") in line for line in quarantined), quarantined
    assert "3 tệp" in run.stdout and _records(tmp_path / "data") >= 1


class _NotElasticsearch(http.server.BaseHTTPRequestHandler):
    """An index URL that answers, but not as Elasticsearch: every request is refused (not worth retrying)."""

    def _refuse(self) -> None:
        body = b'{"error": "no such service"}'
        self.send_response(400)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _refuse

    def log_message(self, *args: object) -> None:
        pass


def test_exit_1_when_the_run_fails_and_the_next_run_finishes_it(tmp_path: Path) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotElasticsearch)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    wrong = f"http://127.0.0.1:{server.server_address[1]}/hoso"  # the office's index URL set wrong
    box, data = _box(tmp_path), tmp_path / "data"
    try:
        run = run_sohoa(data, "ingest", str(box), "--batch", "hop", "--no-progress", env={"SOHOA_INDEX_URL": wrong})
    finally:
        server.shutdown()
    assert run.returncode == 1, run.stderr[-2000:]
    assert run.stderr.rstrip().splitlines()[-1].startswith(f"sohoa: error: Elasticsearch at {wrong}")
    assert _records(data) >= 1  # what was read is in the ledger
    again = run_sohoa(data, "ingest", str(box), "--batch", "hop", "--no-progress")  # the embedded index now
    assert again.returncode == 0, again.stderr[-2000:]
    assert "1 đã xử lý trước đó" in again.stdout and f"{_records(data)} hồ sơ đưa vào chỉ mục" in again.stdout


def test_an_unreachable_index_is_said_once_not_in_every_retry(tmp_path: Path) -> None:
    """The Elasticsearch client logs each retry with a traceback; the command says what failed once."""
    import logging

    from sohoa.cli import main

    logging.getLogger("elastic_transport").setLevel(logging.NOTSET)
    with socket.socket() as s:  # a port nobody listens on: the office's Elasticsearch is down
        s.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{s.getsockname()[1]}/hoso"
    assert main(["--data-dir", str(tmp_path), "--index", down, "search", "x"]) == 1
    assert logging.getLogger("elastic_transport").level == logging.ERROR
