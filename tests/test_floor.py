"""The floor under the reading (ocr/floor.py): a line restoration spoiled is read from the page as scanned."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import ImageFont

import ocr.pages
from ocr.floor import COVER, MAX_SHARE, FloorPlan, apply_floor, plan_floor
from ocr.loader import inspect_file
from ocr.pages import PageJob, read_page
from ocr.postcorrect import knowledge_for
from ocr.restore import restore_page
from ocr.tesseract import OcrResult, OcrWord, words_to_text
from ocr.variants import read_canvases
from pipeline.profile_load import load_profile
from core.settings import RestoreOptions, Settings, TesseractOptions

from conftest import FONT, TEXT_LINES, render_lines

KNOW = knowledge_for(load_profile("default"))
OPTIONS = TesseractOptions()
#: The line whose reading is spoiled.
SPOILED = 2


def _line(text: str, conf: float, top: int, line: int, left: int = 120) -> list[OcrWord]:
    """A line of ``render_lines`` as Tesseract would give it: each word's box as the font draws it."""
    font = ImageFont.truetype(FONT, 48)
    words = []
    for word in text.split():
        width = int(font.getlength(word))
        words.append(OcrWord(word, conf, left, top, width, 48, 1, 1, line))
        left += width + int(font.getlength(" "))
    return words


def test_a_line_restoration_spoiled_is_read_from_the_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A line read as garbage from the restored page (a fault injected into the first reading: Tesseract
    reads a rendered line too well to spoil it with pixels alone): the page keeps the line as the scan
    prints it, the step says so, and the words file records the decision."""
    page = render_lines(TEXT_LINES)
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), page)
    first_reading = ocr.pages.canvas_words

    def spoiled(*args: object) -> OcrResult:
        result = first_reading(*args)  # type: ignore[arg-type]
        target = next(w for w in result.words if w.text == TEXT_LINES[SPOILED].split()[0])
        words = [replace(w, text=w.text[:-1] + "ÿ", conf=40.0) if (w.block, w.par, w.line) == (target.block, target.par, target.line)
                 else w for w in result.words]
        return OcrResult(words_to_text(words), tuple(words), result.tesseract)

    monkeypatch.setattr(ocr.pages, "canvas_words", spoiled)
    settings = Settings(data_dir=tmp_path / "data")
    outcome = read_page(PageJob(path, "cd" * 32, inspect_file(path, settings.limits), 1, settings))

    assert TEXT_LINES[SPOILED] in outcome.text.splitlines(), outcome.text
    assert "floor-1" in outcome.steps, outcome.steps
    decisions = json.loads(Path(outcome.words_path).read_text(encoding="utf-8"))["decisions"]
    kept = [d for d in decisions if d["stage"] == "floor" and d["outcome"] == "plain"]
    assert [d["new"] for d in kept] == [TEXT_LINES[SPOILED]], decisions
    assert kept[0]["plain_conf"] > kept[0]["restored_conf"] and "below 80%" in kept[0]["why"]
    # The header's number line was read again or checked, and that decision is kept too, with its reason.
    assert any(d["stage"] in ("reread", "check") and d["kind"] == "number" and d["why"] for d in decisions), decisions

    # Without the floor the spoiled line stays as it was read.
    off = Settings(data_dir=tmp_path / "off", restore=RestoreOptions(floor=False))
    outcome = read_page(PageJob(path, "ef" * 32, inspect_file(path, off.limits), 1, off))
    assert TEXT_LINES[SPOILED] not in outcome.text.splitlines()
    assert not any(step.startswith("floor") for step in outcome.steps)


def test_a_confident_reading_has_no_floor() -> None:
    page = render_lines(TEXT_LINES[:3])
    result = OcrResult("", tuple(w for i, text in enumerate(TEXT_LINES[:3])
                                 for w in _line(text, 95.0, 112 + int(i * 76.8), i + 1)))
    assert plan_floor(page, result, KNOW, "vie") is None
    assert plan_floor(None, result, KNOW, "vie") is None


def test_a_page_mostly_in_doubt_is_left_to_restoration() -> None:
    """More than MAX_SHARE of the lines in doubt: a damaged page, read as restored."""
    page = render_lines(TEXT_LINES[:3])
    doubtful = int(3 * MAX_SHARE) + 1
    result = OcrResult("", tuple(w for i, text in enumerate(TEXT_LINES[:3])
                                 for w in _line(text, 40.0 if i < doubtful else 95.0, 112 + int(i * 76.8), i + 1)))
    assert plan_floor(page, result, KNOW, "vie") is None


def test_a_surer_reading_of_part_of_the_line_is_not_kept() -> None:
    """The plain crop read only the line's last words, surely: not the whole line (COVER), so not better."""
    page = render_lines(TEXT_LINES[:4])
    lines = [_line(text, 95.0 if i else 50.0, 112 + int(i * 76.8), i + 1) for i, text in enumerate(TEXT_LINES[:4])]
    result = OcrResult(words_to_text([w for ln in lines for w in ln]), tuple(w for ln in lines for w in ln))
    plan = plan_floor(page, result, KNOW, "vie")
    assert isinstance(plan, FloorPlan) and len(plan.keys) == 1
    reads = read_canvases(list(plan.canvases), OPTIONS)
    whole, decisions = apply_floor(plan, result, reads)
    assert decisions and decisions[0].kept == "plain" and decisions[0].plain == TEXT_LINES[0]
    assert whole.text.splitlines()[0] == TEXT_LINES[0]

    # The same crop, its left part blanked on the page as scanned: the reading covers too little of the line.
    cut = page.copy()
    cut[:, : int(120 + (1 - COVER) * 2000)] = 255
    plan = plan_floor(cut, result, KNOW, "vie")
    assert plan is not None
    kept, decisions = apply_floor(plan, result, read_canvases(list(plan.canvases), OPTIONS))
    assert all(d.kept == "restored" for d in decisions), decisions
    assert kept.words == result.words


def test_the_scan_is_turned_and_deskewed_with_the_page() -> None:
    """RestoredPage.plain has the restored page's geometry: the same size, its ink in the same places."""
    page = render_lines(TEXT_LINES)
    h, w = page.shape
    tilted = cv2.warpAffine(page, cv2.getRotationMatrix2D((w / 2, h / 2), 2.0, 1.0), (w, h), borderValue=255)
    restored = restore_page(tilted, RestoreOptions(), OPTIONS, plain=tilted.copy())
    assert restored.plain is not None and restored.plain.shape == restored.image.shape
    ink, plain_ink = restored.image < 128, restored.plain < 128
    assert (ink & plain_ink).sum() > 0.8 * ink.sum()
