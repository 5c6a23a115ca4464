"""Print the page read missed (ocr/unread.py): found where no word covers ink, read alone, kept when sure."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

import ocr.pages
from ocr.loader import inspect_file
from ocr.pages import PageJob, read_page
from ocr.postcorrect import knowledge_for
from ocr.tesseract import OcrResult, line_key, run_ocr, words_to_text
from ocr.unread import UnreadPlan, apply_unread, plan_unread, unread_groups
from ocr.variants import read_canvases
from pipeline.profile_load import load_profile
from core.settings import Settings, TesseractOptions

from conftest import FONT, TEXT_LINES, render_lines

KNOW = knowledge_for(load_profile("default"))
OPTIONS = TesseractOptions()


def _draw(page: np.ndarray, texts: list[tuple[int, int, str]], size: int = 48) -> np.ndarray:
    """``page`` with each ``(left, top, text)`` drawn on it."""
    img = Image.fromarray(page)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, size)
    for left, top, text in texts:
        draw.text((left, top), text, font=font, fill=0)
    return np.asarray(img).copy()


def _without(result: OcrResult, drop: set[str]) -> OcrResult:
    """``result`` without the words whose text is in ``drop`` (as if the page read had lost them)."""
    words = tuple(w for w in result.words if w.text not in drop)
    return OcrResult(words_to_text(words), words)


def _found(image: np.ndarray, result: OcrResult) -> tuple[OcrResult, UnreadPlan | None, list[str]]:
    """What the stage makes of ``result`` on ``image``: the reading, the plan and the decisions' outcomes."""
    plan = plan_unread(image, result, KNOW, "vie")
    if plan is None:
        return result, None, []
    after, decisions = apply_unread(plan, result, read_canvases(list(plan.canvases), OPTIONS))
    return after, plan, [f"{d.outcome}: {d.why}: {d.new}" for d in decisions]


def _read_parts(image: np.ndarray, parts: list[tuple[int, int, int, int]]) -> OcrResult:
    """``image`` read a part (top, bottom, left, right) at a time, as the page's zones are: blocks apart."""
    words = []
    for block, (top, bottom, left, right) in enumerate(parts, start=1):
        words += [replace(w, top=w.top + top, left=w.left + left, block=100 * block + w.block)
                  for w in run_ocr(image[top:bottom, left:right], OPTIONS).words]
    return OcrResult(words_to_text(words), tuple(words))


@pytest.fixture(scope="module")
def page() -> tuple[np.ndarray, OcrResult]:
    """A clean page of text and Tesseract's reading of it."""
    image = render_lines(TEXT_LINES[:6])
    return image, run_ocr(image, OPTIONS)


def test_a_page_read_whole_leaves_nothing_to_read(page: tuple[np.ndarray, OcrResult]) -> None:
    image, result = page
    assert "Đằng Lâm" in result.text  # the rendered page reads whole
    assert [g for g in unread_groups(image, result.words) if g.blobs > 1] == []
    assert plan_unread(image, result, KNOW, "vie") is None


def test_a_line_lost_whole_is_found_and_put_back_in_its_place(page: tuple[np.ndarray, OcrResult]) -> None:
    image, result = page
    lost = TEXT_LINES[3]  # "đạt chuẩn Quốc gia mức độ 1 trong thời hạn 05 năm."
    key = line_key(next(w for w in result.words if w.text == "Quốc"))
    words = tuple(w for w in result.words if line_key(w) != key)
    after, plan, decisions = _found(image, OcrResult(words_to_text(words), words))

    assert plan is not None and plan.lines == (None,)  # a row of its own
    lines = after.text.splitlines()
    assert lines[lines.index(TEXT_LINES[2]) + 1] == lost, after.text
    assert decisions == [f"found: a line of its own: {lost}"]


def test_a_word_lost_inside_a_line_goes_back_where_it_stands(page: tuple[np.ndarray, OcrResult]) -> None:
    """A word a stain took out of the middle of a line is read alone and put between its neighbours."""
    image, result = page
    after, plan, decisions = _found(image, _without(result, {"Trường"}))

    assert plan is not None and plan.lines[0] is not None
    assert TEXT_LINES[2] in after.text.splitlines(), after.text
    assert decisions == ["found: in a read line: Trường"]


def test_a_page_number_alone_on_its_row_is_read(page: tuple[np.ndarray, OcrResult]) -> None:
    """A continuation page's number, alone at the top (Tesseract's layout drops such a lone glyph), comes
    first; a ring drawn alone on a row (a termite hole's outline reads "O") is read and left out."""
    image, result = page
    numbered = _draw(np.vstack([np.full((200, image.shape[1]), 255, np.uint8), image]), [(1000, 60, "2")])
    ringed = cv2.circle(np.vstack([numbered, np.full((200, image.shape[1]), 255, np.uint8)]),
                        (700, numbered.shape[0] + 100), 16, 0, 3)
    moved = tuple(replace(w, top=w.top + 200) for w in result.words)
    after, plan, decisions = _found(ringed, OcrResult(words_to_text(moved), moved))

    assert after.text.splitlines()[0] == "2", after.text
    assert "found: a number alone on its row: 2" in decisions
    assert any(d.startswith("not found: not a sure number") for d in decisions), decisions
    assert after.text.splitlines()[1:] == words_to_text(moved).splitlines()  # nothing else added


def test_the_columns_of_a_header_stay_apart() -> None:
    """A header's right column lost on a row whose left column was read is a line of its own, not the end
    of the left one: clean paper parts them. A line cut by damage takes its rest back."""
    blank = np.full((700, 2400), 255, np.uint8)
    body = "Trường Tiểu học Đằng Lâm đạt chuẩn Quốc gia mức độ 1 năm 2010"
    image = _draw(blank, [(120, 120, "UBND TỈNH QUẢNG NINH"), (1300, 120, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA"),
                          (120, 220, "SỞ GIÁO DỤC VÀ ĐÀO TẠO"), (1300, 220, "Độc lập - Tự do - Hạnh phúc"),
                          (120, 400, body)])
    result = _read_parts(image, [(0, 320, 0, 1250), (0, 320, 1250, 2400), (320, 700, 0, 2400)])
    right = {"CỘNG", "HÒA", "XÃ", "HỘI", "CHỦ", "NGHĨA"}
    after, plan, _ = _found(image, _without(result, right))
    assert plan is not None and plan.lines == (None,)
    assert "UBND TỈNH QUẢNG NINH" in after.text.splitlines(), after.text
    lines = after.text.splitlines()
    assert lines.index("CỘNG HÒA XÃ HỘI CHỦ NGHĨA") == lines.index("Độc lập - Tự do - Hạnh phúc") - 1

    # A blot across the middle of the body line: the words after it are that line's.
    blotted = image.copy()
    lam = next(w for w in result.words if w.text == "Lâm")
    cv2.rectangle(blotted, (lam.left + lam.width + 20, 395), (lam.left + lam.width + 240, 460), 0, 6)
    gone = {"đạt", "chuẩn", "Quốc", "gia", "mức", "độ", "1", "năm", "2010"}
    cut = _without(result, gone)
    after, plan, _ = _found(blotted, cut)
    assert plan is not None and any(key is not None for key in plan.lines)
    body = next(line for line in after.text.splitlines() if line.startswith("Trường"))
    assert body.endswith("năm 2010"), after.text


def test_the_ingest_records_what_was_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Through the page's whole reading: a line the first reading lost (a fault injected) is back in the
    page's text, its step says so, and the words file keeps the decision."""
    path = tmp_path / "page.png"
    cv2.imwrite(str(path), render_lines(TEXT_LINES))
    first_reading = ocr.pages.canvas_words

    def lossy(*args: object) -> OcrResult:
        result = first_reading(*args)  # type: ignore[arg-type]
        key = line_key(next(w for w in result.words if w.text == "Quốc"))
        words = tuple(w for w in result.words if line_key(w) != key)
        return OcrResult(words_to_text(words), words, result.tesseract)

    monkeypatch.setattr(ocr.pages, "canvas_words", lossy)
    settings = Settings(data_dir=tmp_path / "data")
    outcome = read_page(PageJob(path, "ab" * 32, inspect_file(path, settings.limits), 1, settings))

    assert TEXT_LINES[3] in outcome.text.splitlines(), outcome.text
    assert "unread-1" in outcome.steps, outcome.steps
    decisions = json.loads(Path(outcome.words_path).read_text(encoding="utf-8"))["decisions"]
    assert [d["new"] for d in decisions if d["stage"] == "unread" and d["outcome"] == "found"] == [TEXT_LINES[3]]


def test_a_sure_reading_mostly_of_signs_is_not_put_in() -> None:
    """A seal's arc beside "./." read "L/," at 85% is no word; print's brackets and marks do not count."""
    from ocr.postcorrect import mostly_signs

    assert mostly_signs("L/,") and mostly_signs("°")
    assert not mostly_signs("b/c);") and not mostly_signs("2") and not mostly_signs("(để")
