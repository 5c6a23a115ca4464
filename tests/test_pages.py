"""Reading a run of pages: one Tesseract start for the run, and a page at fault fails alone."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

import ocr.tesseract as tess
from conftest import SAMPLES
from ocr.loader import inspect_file
from ocr.pages import PageJob, PageOutcome, read_pages
from core.errors import CorruptFileError, TesseractCrashError
from core.settings import Settings

STACK = SAMPLES / "scans" / "002_heavy_stack.pdf"


def _jobs(settings: Settings, pages: list[int]) -> list[PageJob]:
    info = inspect_file(STACK, settings.limits, settings.dpi)
    return [PageJob(STACK, "cd" * 32, info, n, settings) for n in pages]


def _wrapper(tmp_path: Path, rule: str) -> Path:
    """A ``tesseract`` that logs its input and runs the real one unless ``rule`` (shell) kills it first."""
    script = tmp_path / "tesseract"
    script.write_text(f'#!/bin/sh\necho "$1" >> {tmp_path}/calls\n{rule}\nexec tesseract "$@"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", dpi=150)


def test_a_run_is_read_by_one_tesseract_and_a_killed_run_is_read_page_by_page(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    jobs = _jobs(settings, [1, 2, 3])
    # Fault: the Tesseract that reads the whole run is killed (as the OOM killer would); single pages read.
    monkeypatch.setattr(tess, "TESSERACT", str(_wrapper(tmp_path, 'case "$1" in *.txt) kill -9 $$;; esac')))
    fallback = read_pages(jobs)
    calls = (tmp_path / "calls").read_text().split()
    # The run, killed (and the header re-read's run of a language with several canvases, killed too).
    runs = sum(c.endswith("pages.txt") for c in calls)
    assert runs >= 1
    assert sum(c.endswith(".pgm") for c in calls) >= 3  # then each page alone (and any header re-read)
    assert all(isinstance(o, PageOutcome) for o in fallback)

    (tmp_path / "calls").unlink()
    monkeypatch.setattr(tess, "TESSERACT", str(_wrapper(tmp_path, "")))
    batched = read_pages(jobs)
    calls_batched = (tmp_path / "calls").read_text().split()
    assert sum(c.endswith("pages.txt") for c in calls_batched) == runs  # each run started once
    assert len(calls_batched) < len(calls)
    assert [o.text for o in batched] == [o.text for o in fallback]  # the same words either way
    assert [o.page_no for o in batched] == [1, 2, 3] and all(Path(o.words_path).is_file() for o in batched)


def test_a_page_that_cannot_be_read_fails_alone(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    import ocr.pages

    real_load = ocr.pages.load_page

    def corrupt_page_2(path, page_no, *args, **kwargs):  # fault injection around the real loader
        if page_no == 2:
            raise CorruptFileError("page 2 cannot be rendered (injected)")
        return real_load(path, page_no, *args, **kwargs)

    monkeypatch.setattr(ocr.pages, "load_page", corrupt_page_2)
    out = read_pages(_jobs(settings, [1, 2, 3]))
    assert isinstance(out[1], CorruptFileError) and "injected" in str(out[1])
    assert isinstance(out[0], PageOutcome) and isinstance(out[2], PageOutcome)


def test_a_single_page_that_tesseract_fails_on_is_not_read_twice(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(tess, "TESSERACT", str(_wrapper(tmp_path, "kill -9 $$")))
    (out,) = read_pages(_jobs(settings, [1]))
    assert isinstance(out, TesseractCrashError) and "SIGKILL" in str(out) and out.retryable
    assert len((tmp_path / "calls").read_text().split()) == 1


def test_pages_beyond_the_pixel_budget_are_read_in_smaller_runs(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import ocr.pages

    # A budget of one page (as a 600 dpi A3 page is): no run holds two restored pages.
    monkeypatch.setattr(ocr.pages, "BATCH_PIXELS", 1)
    monkeypatch.setattr(tess, "TESSERACT", str(_wrapper(tmp_path, "")))
    out = read_pages(_jobs(settings, [1, 2]))
    calls = (tmp_path / "calls").read_text().split()
    assert not any(c.endswith("pages.txt") for c in calls) and sum(c.endswith(".pgm") for c in calls) >= 2
    assert [o.page_no for o in out if isinstance(o, PageOutcome)] == [1, 2]
