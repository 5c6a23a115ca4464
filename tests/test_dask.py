"""The ingest flow on a real Dask cluster (prefect-dask) gives what the thread runner gives.

One ``distributed.LocalCluster`` of two single-threaded worker processes is
started for the module; the flow connects to it by address, as it would to a
cluster on several machines.
"""

from __future__ import annotations

import os
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest

from conftest import SAMPLES
from flows.ingest import page_runs, run_ingest, task_runner
from flows.prefect_api import prefect_api
from ocr.loader import FileInfo
from ocr.pages import PageJob
from sohoa.cli import build_parser
from core.errors import ConfigError
from core.settings import Settings, TesseractOptions

distributed = pytest.importorskip("distributed")
pytest.importorskip("prefect_dask")


@pytest.fixture(scope="module")
def cluster():
    """Two worker processes, one thread each, and a client to watch them."""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        yield c, client


_SUBSET = {"001_mild_stack.pdf", "003_heavy_record.tif", "005_heavy_page.jpg"}


def _pages(data: Path) -> dict[tuple[str, int], tuple[str, str]]:
    con = sqlite3.connect(data / "ledger.sqlite")
    try:
        return {(sha, n): (status, text) for sha, n, status, text in con.execute(
            "SELECT f.sha256, p.page_no, p.status, p.text FROM pages p JOIN files f ON f.id = p.file_id")}
    finally:
        con.close()


def _records(data: Path) -> list[tuple[object, ...]]:
    con = sqlite3.connect(data / "ledger.sqlite")
    try:
        return con.execute(
            "SELECT key, type, pages, number, issue_date, issuer, valid_until, duplicate_of, revoked_on, text "
            "FROM records ORDER BY key").fetchall()
    finally:
        con.close()


def _worker_pids(client: distributed.Client) -> dict[str, int]:
    return client.run(os.getpid)


def _tesseract_thread_limit() -> str:
    from ocr.tesseract import _env

    return _env(TesseractOptions())["OMP_THREAD_LIMIT"]


@pytest.mark.slow
@pytest.mark.usefixtures("prefect_harness")
def test_samples_on_dask_match_the_thread_runner(cluster, tmp_path: Path, ground_truth: dict) -> None:
    c, client = cluster
    # Three of the samples (a mild stack of 7 pages, a heavy TIFF record, a heavy photo): every input kind.
    box = tmp_path / "box"
    box.mkdir()
    files = [f for f in ground_truth["files"] if Path(f["path"]).name in _SUBSET]
    for f in files:
        shutil.copy(SAMPLES / f["path"], box)
    scans = str(box)
    # 200 dpi instead of 300 for PDFs: this compares runners, not OCR quality, and halves the time.
    on_dask = Settings(data_dir=tmp_path / "dask", runner="dask", dask_address=c.scheduler_address, dpi=200)
    with distributed.get_task_stream(client=client) as stream:
        dask_run = run_ingest([scans], "demo-dask", settings=on_dask)
    on_threads = Settings(data_dir=tmp_path / "threads", workers=2, dpi=200)
    thread_run = run_ingest([scans], "demo-threads", settings=on_threads)

    pages = sum(len(f["pages"]) for f in files)
    assert dask_run.exit_code == thread_run.exit_code == 0
    assert dask_run.originals_changed == thread_run.originals_changed == []
    assert dask_run.pages_read == thread_run.pages_read == pages
    assert (dask_run.files_new, dask_run.records_written, dask_run.indexed) == \
        (thread_run.files_new, thread_run.records_written, thread_run.indexed)
    # The same text for every page and the same records, field by field.
    assert _pages(on_dask.data_dir) == _pages(on_threads.data_dir)
    assert _records(on_dask.data_dir) == _records(on_threads.data_dir)
    assert len(_records(on_dask.data_dir)) >= len(files)

    # The scheduler's task log: every page was read by a worker process, not by this one.
    pids = _worker_pids(client)
    assert len(set(pids.values())) == 2 and os.getpid() not in pids.values()
    # prefect-dask names each Dask task after the task function: read_pages_task-<token>, one per run of pages.
    reads = [t for t in stream.data if str(t["key"]).startswith("read_pages_task-")]
    assert len(reads) == len(page_runs(pages, on_dask.workers)), sorted({str(t["key"]).rsplit("-", 1)[0] for t in stream.data})
    assert {t["worker"] for t in reads} == set(pids)  # both workers took pages
    # The other tasks ran there too: records for the files each run of pages completed,
    # inspection in one share per thread (workers + 1), and the end-of-run check of every original.
    ran = {name: sum(str(t["key"]).startswith(f"{name}-") for t in stream.data)
           for name in ("inspect_task", "records_task", "verify_task")}
    assert 1 <= ran.pop("records_task") <= len(reads)
    assert ran == {"inspect_task": min(on_dask.workers + 1, len(files)), "verify_task": 1}
    # Tesseract on those workers runs with one OpenMP thread.
    assert set(client.run(_tesseract_thread_limit).values()) == {"1"}


def test_task_arguments_pickle() -> None:
    settings = Settings(data_dir=Path("/srv/sohoa"), runner="dask", dask_address="tcp://10.0.0.5:8786")
    job = PageJob(Path("/mnt/scans/a.pdf"), "ab" * 32, FileInfo("pdf", 3, 1000), 2, settings)
    assert pickle.loads(pickle.dumps(job)) == job


def test_runner_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    from prefect.task_runners import ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    threads = task_runner(Settings(workers=3))
    # One thread more than the workers: it prepares the next page while Tesseract (capped at 3) runs.
    assert isinstance(threads, ThreadPoolTaskRunner) and threads._max_workers == 4
    local = task_runner(Settings(workers=3, runner="dask"))
    assert isinstance(local, DaskTaskRunner) and local.address is None
    assert local.cluster_kwargs["n_workers"] == 3 and local.cluster_kwargs["threads_per_worker"] == 1
    remote = task_runner(Settings(runner="dask", dask_address="tcp://10.0.0.5:8786"))
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://10.0.0.5:8786"

    monkeypatch.setenv("SOHOA_RUNNER", "dask")
    monkeypatch.setenv("SOHOA_DASK_ADDRESS", "tcp://10.0.0.5:8786")
    env = Settings.from_env()
    assert (env.runner, env.dask_address) == ("dask", "tcp://10.0.0.5:8786")

    args = build_parser().parse_args(["ingest", "hop", "--batch", "b", "--dask-address", "tcp://h:8786"])
    assert (args.runner, args.dask_address) == (None, "tcp://h:8786")
    with pytest.raises(SystemExit):
        build_parser().parse_args(["ingest", "hop", "--batch", "b", "--runner", "processes"])


def test_remote_cluster_needs_a_reachable_prefect_api(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings(restore_defaults={PREFECT_API_URL}):
        with pytest.raises(ConfigError, match="PREFECT_API_URL"):
            with prefect_api(tmp_path, remote_workers="tcp://10.0.0.5:8786"):
                pass


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def ledger_url(request: pytest.FixtureRequest) -> str | None:
    """None for the data dir's SQLite ledger, or a fresh PostgreSQL database (the README's several machines)."""
    return None if request.param == "sqlite" else request.getfixturevalue("pg_ledger_url")


@pytest.mark.slow
def test_the_command_starts_a_local_cluster_for_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         ledger_url: str | None,
                                                         request: pytest.FixtureRequest) -> None:
    """``sohoa ingest --runner dask --workers 2`` as the README shows it, on SQLite: a local cluster of two
    processes is started for the run and stopped after it. On the PostgreSQL ledger, the README's several
    machines: ``--dask-address`` of a running cluster (it implies ``--runner dask``), whose workers read the
    pages. Either way the pages are read and the records written."""
    import shutil

    from conftest import run_sohoa
    from ledger import Ledger

    box = tmp_path / "hop"
    box.mkdir()
    for name in ("004_mild_page.jpg", "006_mild_page.jpg"):
        shutil.copy(SAMPLES / "scans" / name, box)
    data = tmp_path / "data"
    if ledger_url is None:
        monkeypatch.setenv("DASK_LOGGING__DISTRIBUTED", "info")  # so the workers' start shows the cluster was there
        run = run_sohoa(data, "ingest", str(box), "--batch", "hop", "--runner", "dask", "--workers", "2",
                        "--no-progress")
        assert run.returncode == 0, run.stderr[-3000:]
        assert run.stderr.count("Register worker addr") == 2, run.stderr[-3000:]
    else:
        c, client = request.getfixturevalue("cluster")
        with distributed.get_task_stream(client=client) as stream:
            run = run_sohoa(data, "ingest", str(box), "--batch", "hop", "--dask-address", c.scheduler_address,
                            "--workers", "2", "--no-progress", env={"SOHOA_LEDGER_URL": ledger_url})
        assert run.returncode == 0, run.stderr[-3000:]
        assert "Register worker addr" not in run.stderr  # no cluster of its own
        reads = [t for t in stream.data if str(t["key"]).startswith("read_pages_task-")]
        assert reads and {t["worker"] for t in reads} <= set(_worker_pids(client))
    assert "2 trang đã đọc" in run.stdout, run.stdout
    with Ledger(ledger_url or data / "ledger.sqlite") as ledger:
        pages = ledger.query("SELECT status, text FROM pages")
        assert len(pages) == 2 and all(status == "done" and text for status, text in pages)
        assert ledger.query("SELECT count(*) FROM records")[0][0] >= 1
    assert ledger_url is None or not (data / "ledger.sqlite").exists()

