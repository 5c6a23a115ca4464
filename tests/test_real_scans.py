"""What real archive boxes hold, end to end through restoration, Tesseract and extraction.

Each page is made for one situation: a 1-bit CCITT fax-style TIFF, a colour
scan with a red seal stamped over the text, a page scanned on its side, and
a number and day written by hand in blue pen into the blanks the typist
left. The fields must come out right, or the record must go to review — a
wrong number is never trusted.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from ocr.postcorrect import knowledge_for
from conftest import FONT, HP
from ocr.layout import read_page_text
from ocr.loader import inspect_file, load_page
from ocr.restore import restore_page
from pipeline.records import PageText, build_records, doubtful_words
from core.settings import Settings

#: The Hải Phòng office's reading knowledge (the documents here are its).
KNOW = knowledge_for(HP)

LEFT = ["UBND THÀNH PHỐ HẢI PHÒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "Số: 457/QĐ-SGDĐT"]
RIGHT = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Hải Phòng, ngày 18 tháng 7 năm 2010"]
BODY = ["QUYẾT ĐỊNH", "Về việc công nhận văn bằng do cơ sở giáo dục nước ngoài cấp",
        "Điều 1. Công nhận văn bằng của ông Nguyễn Văn An, sinh ngày 12/3/1985,",
        "do Trường Đại học Quốc gia Singapore cấp ngày 20/6/2009."]
TODAY = dt.date(2026, 1, 1)


def _page(left: list[str] = LEFT, right: list[str] = RIGHT) -> Image.Image:
    """An A4-wide page at about 300 dpi, cream paper, black print."""
    font = ImageFont.truetype(FONT, 46)
    img = Image.new("RGB", (2480, 1500), (248, 244, 232))
    d = ImageDraw.Draw(img)
    for i, line in enumerate(left):
        d.text((560 - d.textlength(line, font=font) / 2, 150 + i * 70), line, font=font, fill=(0, 0, 0))
    for i, line in enumerate(right):
        d.text((1720 - d.textlength(line, font=font) / 2, 150 + i * 70), line, font=font, fill=(0, 0, 0))
    for i, line in enumerate(BODY):
        x = 1240 - d.textlength(line, font=font) / 2 if i < 2 else 180
        d.text((x, 520 + i * 90), line, font=font, fill=(0, 0, 0))
    return img


def _read(path: Path) -> tuple[str, tuple[str, ...]]:
    s = Settings()
    info = inspect_file(path, s.limits)
    image = load_page(path, 1, info, s.limits)
    result = read_page_text(restore_page(image, s.restore, s.tesseract).image, s.tesseract, KNOW)
    return result.text, doubtful_words([(w.text, w.conf) for w in result.words])


def _record(path: Path):  # type: ignore[no-untyped-def]
    text, doubtful = _read(path)
    (rec, _), = build_records([PageText(1, text, 85.0, doubtful=doubtful)], TODAY, HP)
    return rec


def test_one_bit_ccitt_fax_scan(tmp_path: Path) -> None:
    path = tmp_path / "fax.tif"
    _page().convert("L").point(lambda v: 255 if v > 128 else 0).convert("1").save(path, compression="group4")
    assert Image.open(path).info.get("compression") == "group4"
    rec = _record(path)
    assert (rec.fields.number, rec.fields.date) == ("457/QĐ-SGDĐT", dt.date(2010, 7, 18))
    assert rec.fields.subject == "Nguyễn Văn An"


def test_red_seal_over_the_text_is_not_read(tmp_path: Path) -> None:
    img = np.asarray(_page()).copy()
    # A round red seal with its ring of text, stamped over the header's right column and the title.
    seal = np.zeros(img.shape[:2], np.uint8)
    cv2.circle(seal, (1720, 330), 230, 255, 14)
    cv2.circle(seal, (1720, 330), 150, 255, 6)
    cv2.putText(seal, "SO GIAO DUC", (1560, 345), cv2.FONT_HERSHEY_DUPLEX, 1.6, 255, 4)
    # Stamp ink multiplies: the paper under it turns red, the print under it stays black.
    red = img.astype(np.float32) * (np.array((215, 35, 45), np.float32) / 255.0)
    img[seal > 0] = red[seal > 0].astype(np.uint8)
    path = tmp_path / "seal.jpg"
    Image.fromarray(img).save(path, quality=90)
    text, _ = _read(path)
    assert "GIAO DUC" not in text.upper().replace("GIÁO DỤC", "")
    rec = _record(path)
    assert (rec.fields.number, rec.fields.date) == ("457/QĐ-SGDĐT", dt.date(2010, 7, 18))


def test_page_scanned_on_its_side(tmp_path: Path) -> None:
    path = tmp_path / "side.png"
    _page().rotate(90, expand=True).save(path)
    rec = _record(path)
    assert (rec.fields.number, rec.fields.date) == ("457/QĐ-SGDĐT", dt.date(2010, 7, 18))


def _handwritten(number: str, day: str) -> np.ndarray:
    """The number and the day written in blue pen into the blanks of the typed form."""
    left = [*LEFT[:2], "Số:          /QĐ-SGDĐT"]
    right = [*RIGHT[:2], "Hải Phòng, ngày        tháng 7 năm 2010"]
    img = _page(left, right)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 46)
    x_num = int(560 - d.textlength(left[2], font=font) / 2 + d.textlength("Số: ", font=font))
    x_day = int(1720 - d.textlength(right[2], font=font) / 2 + d.textlength("Hải Phòng, ngày ", font=font))
    a = np.asarray(img).copy()
    pen = (25, 45, 165)  # RGB: blue ballpoint
    cv2.putText(a, number, (x_num, 330), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.6, pen, 3, cv2.LINE_AA)
    cv2.putText(a, day, (x_day + 10, 330), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.6, pen, 3, cv2.LINE_AA)
    return a


@pytest.mark.parametrize(("number", "day"), [("457", "18"), ("89", "21"), ("1406", "30")])
def test_handwritten_number_is_read_or_sent_to_review(tmp_path: Path, number: str, day: str) -> None:
    path = tmp_path / f"hw{number}.png"
    Image.fromarray(_handwritten(number, day)).save(path)
    text, _ = _read(path)
    # The pen ink is kept (it is not a stain): its digits reach Tesseract.
    assert any(ch.isdigit() for ch in text.split("/QĐ")[0].split("Số")[-1]) or "Số" not in text
    rec = _record(path)
    got = rec.fields.number
    # Right, or flagged for review; never a wrong number trusted.
    assert got == f"{number}/QĐ-SGDĐT" or rec.needs_review, (got, rec.reasons)
    if got != f"{number}/QĐ-SGDĐT" and got is not None:
        assert any("number" in r for r in rec.reasons), rec.reasons
    wanted = dt.date(2010, 7, int(day))
    assert rec.fields.date == wanted or any("date" in r for r in rec.reasons), (rec.fields.date, rec.reasons)


def test_orientation_is_read_from_the_print_not_the_signature(tmp_path: Path) -> None:
    # A continuation page: a few footer lines and a big blue signature, whose
    # loops once made the page look upside down.
    img = Image.new("RGB", (2480, 1400), (248, 244, 232))
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 44)
    for i, line in enumerate(["Nơi nhận:", "- Như trên;", "- Lưu: VT, KTKĐ."]):
        d.text((180, 200 + i * 60), line, font=font, fill=(0, 0, 0))
    for i, line in enumerate(["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]):
        d.text((1500, 200 + i * 60), line, font=font, fill=(0, 0, 0))
    d.text((1540, 700), "Vũ Thị Lan Anh", font=font, fill=(0, 0, 0))
    a = np.asarray(img).copy()
    rng = np.random.default_rng(1)
    pts = np.cumsum(rng.normal(0, 25, (60, 2)), axis=0).astype(np.int32) + (1650, 520)
    cv2.polylines(a, [pts], False, (25, 45, 165), 6, cv2.LINE_AA)
    cv2.ellipse(a, (1700, 520), (160, 70), 15, 0, 360, (25, 45, 165), 6, cv2.LINE_AA)
    s = Settings()
    restored = restore_page(a[:, :, ::-1].copy(), s.restore, s.tesseract)
    assert "flip180" not in restored.steps and "pen" in restored.steps
    text = read_page_text(restored.image, s.tesseract, KNOW).text
    assert "Nơi nhận" in text and "Vũ Thị Lan Anh" in text


def test_ink_gray_keeps_pen_and_print_and_drops_stamp_and_stain() -> None:
    from ocr.restore import ink_gray

    bgr = {"black print": (10, 10, 10), "blue pen": (165, 45, 25), "violet pen": (150, 40, 110),
           "red stamp": (40, 35, 215), "brown mould": (60, 105, 165), "yellowed paper": (186, 222, 238)}
    # A 20 x 20 patch of each (a stroke, not a stray coloured pixel at a letter's edge).
    patches = np.repeat(np.repeat(np.array([list(bgr.values())], np.uint8), 20, axis=0), 20, axis=1)
    gray = dict(zip(bgr, ink_gray(patches)[0, ::20].tolist(), strict=True))
    assert max(gray["black print"], gray["blue pen"], gray["violet pen"]) < 100
    assert min(gray["red stamp"], gray["brown mould"], gray["yellowed paper"]) > 160
