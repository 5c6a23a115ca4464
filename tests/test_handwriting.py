"""Handwritten number and day: where they are, how the digit reader reads them, and how a record uses them.

The pages are drawn here: a typed template (Liberation Serif) with digits
written in OpenCV's Hershey script, a hand the model never saw in training
(its data card lists MNIST and the fonts it drew).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from conftest import DEFAULT, FONT
from ocr.digits_train import font_digits, train
from ocr.hand_slots import field_slots
from ocr.handwriting import DIGIT_MODEL, DigitModel, normalise, read_hand_fields, read_slot
from ocr.loader import inspect_file, load_page
from ocr.derived import load_hand
from ocr.pages import hand_fields, restore_and_read
from ocr.tesseract import OcrWord
from pipeline.domain import HandField, RecordFields
from pipeline.extract import Extraction
from pipeline.handwritten import with_handwriting
from pipeline.records import PageText, build_records
from core.settings import Settings


def _word(text: str, left: int, width: int, top: int = 100, height: int = 50, conf: float = 95) -> OcrWord:
    return OcrWord(text, conf, left, top, width, height, 1, 1, 1)


def test_slots_lie_between_the_typed_words_around_them() -> None:
    number = [_word("Số:", 400, 65), _word("/QĐ-UBND", 620, 265)]
    (slot,) = field_slots("number", number)
    assert (slot.kind, slot.left, slot.right) == ("number", 465, 620)
    date = [_word("Hà", 1190, 70), _word("Nội,", 1280, 90), _word("ngày", 1390, 110), _word("tháng", 1590, 130),
            _word("4", 1750, 30), _word("năm", 1810, 95), _word("2026", 1930, 105)]
    slots = {s.kind: (s.left, s.right) for s in field_slots("date", date)}
    assert slots == {"day": (1500, 1590), "month": (1720, 1810)}


def test_a_typed_word_glued_to_the_handwriting_is_cut_by_its_typed_width() -> None:
    """Tesseract reads "Số:" and the digits as one word ("Số:209"): the slot starts where "Số:" ends."""
    (slot,) = field_slots("number", [_word("Só:0/", 500, 160), _word("/QĐ-UBND", 672, 261)])
    assert 560 <= slot.left <= 580 and slot.right == 672
    # Read "Số:" alone, its box may still take in the digits beside it (a real scan, read as
    # "Số:" over 159 pixels and "0" at confidence 0): the slot still starts where "Số:" ends.
    (slot,) = field_slots("number", [_word("Số:", 500, 160), _word("0", 596, 52), _word("/QĐ-UBND", 672, 261)])
    assert 560 <= slot.left <= 580 and slot.right == 672


def test_no_slot_without_the_typed_words_on_both_sides() -> None:
    assert field_slots("number", [_word("Số:", 400, 65), _word("Bạc", 700, 80)]) == []
    assert field_slots("date", [_word("ngày", 1390, 110), _word("18", 1510, 60)]) == []


def test_the_model_ships_with_its_card_and_reads_digits() -> None:
    model = DigitModel.load(DIGIT_MODEL)
    assert model.version == "digits-v1" and model.card["mnist_test_accuracy"] >= 0.97
    assert model.accept_above == 1.0  # no calibration crops yet: nothing skips review
    assert DIGIT_MODEL.stat().st_size < 2_000_000
    digits = np.stack([normalise(_drawn(str(d))) for d in range(10)])
    probs = model.probabilities(digits)
    assert probs.shape == (10, 10) and np.allclose(probs.sum(axis=1), 1.0, atol=1e-4)
    assert (probs.argmax(axis=1) == np.arange(10)).sum() >= 8  # a hand it never saw


def _drawn(text: str, scale: float = 2.0) -> np.ndarray:
    """Digits in Hershey script, white ink on black (a mask)."""
    img = np.zeros((90, 60 * len(text) + 20), np.uint8)
    cv2.putText(img, text, (8, 70), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, scale, 255, 4, cv2.LINE_AA)
    return (img > 100).astype(np.uint8)


def test_save_and_load_keep_the_model(tmp_path: Path) -> None:
    model = DigitModel.load(DIGIT_MODEL)
    model.card["note"] = "copy"
    model.save(tmp_path / "m.npz")
    again = DigitModel.load(tmp_path / "m.npz")
    x = np.stack([normalise(_drawn("7"))])
    assert again.card["note"] == "copy" and np.allclose(again.probabilities(x), model.probabilities(x), atol=1e-3)


def test_training_learns_digits_from_a_font() -> None:
    """The training loop the shipped weights came from, on digits drawn with a typed font (a smoke test)."""
    x, y = font_digits([FONT], per_font=100)
    assert x.shape[1:] == (28, 28) and set(y.tolist()) == set(range(10))
    layers = train(np.concatenate([x] * 10), np.concatenate([y] * 10), epochs=4, log=False)
    model = DigitModel(layers, {})
    assert (model.probabilities(x.astype(np.float32) / 255).argmax(axis=1) == y).mean() >= 0.8


def _template(number: str, day: str) -> np.ndarray:
    """A header's "Số: … /QĐ-UBND" and "ngày … tháng 4 năm 2026", the number and day written in."""
    img = Image.new("L", (1400, 260), 255)
    d = ImageDraw.Draw(img)
    font = ImageFont.truetype(FONT, 40)
    d.text((60, 60), "Số:", font=font, fill=0)
    d.text((360, 60), "/QĐ-UBND", font=font, fill=0)
    d.text((700, 60), "Hà Nội, ngày", font=font, fill=0)
    d.text((1060, 60), "tháng 4 năm 2026", font=font, fill=0)
    a = np.asarray(img).copy()
    cv2.putText(a, number, (150, 108), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.7, 40, 3, cv2.LINE_AA)
    cv2.putText(a, day, (950, 108), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 1.7, 40, 3, cv2.LINE_AA)
    return a


def _template_words() -> list[tuple[str, list[OcrWord]]]:
    return [("number", [_word("Số:", 60, 60, top=62, height=42), _word("/QĐ-UBND", 360, 200, top=62, height=42)]),
            ("date", [_word("Hà", 700, 45, 62, 42), _word("Nội,", 755, 70, 62, 42), _word("ngày", 835, 80, 62, 42),
                      _word("tháng", 1060, 100, 62, 42), _word("4", 1170, 20, 62, 42),
                      _word("năm", 1200, 75, 62, 42), _word("2026", 1285, 85, 62 + _YEAR_TOP, _YEAR_HEIGHT)])]


# The typed year's box as Tesseract gives it: its digits' own height, not the line's.
_YEAR_TOP, _YEAR_HEIGHT = (lambda b: (b[1], b[3] - b[1]))(ImageFont.truetype(FONT, 40).getbbox("2026"))


@pytest.mark.parametrize(("number", "day"), [("457", "18"), ("89", "21"), ("203", "30")])
def test_handwritten_digits_in_their_slots_are_read(number: str, day: str) -> None:
    got = {h.kind: h for h in read_hand_fields(_template(number, day), _template_words())}
    assert got["number"].digits == number and got["day"].digits == day, got
    assert 0 < got["number"].confidence <= 1 and not got["number"].sure
    top, bottom, left, right = got["number"].box
    assert 60 <= left < right <= 360


def test_typed_digits_in_the_slot_are_told_from_handwriting() -> None:
    """Digits as tall as the page's typed year are print (a typed number under a stain), taller ones a hand."""
    written = {h.kind: h for h in read_hand_fields(_template("457", "18"), _template_words())}
    assert written["number"].written is True and written["day"].written is True
    img = Image.fromarray(_template("", ""))
    ImageDraw.Draw(img).text((170, 60), "457", font=ImageFont.truetype(FONT, 40), fill=0)
    typed = {h.kind: h for h in read_hand_fields(np.asarray(img), _template_words())}
    assert typed["number"].written is False
    words = [(k, [w for w in ws if not w.text.isdigit()]) for k, ws in _template_words()]  # no typed year
    assert {h.written for h in read_hand_fields(_template("457", "18"), words)} == {None}


def test_an_empty_slot_reads_nothing() -> None:
    blank = _template("", "")
    assert {h.kind for h in read_hand_fields(blank, _template_words())} <= {"month"}  # the month is typed here
    (slot,) = field_slots("number", _template_words()[0][1])
    assert read_slot(blank, slot, DigitModel.load(DIGIT_MODEL)) is None


def test_a_page_read_keeps_its_handwritten_fields(tmp_path: Path) -> None:
    """The whole page path: restore, read, find the slots, read the digits (the words file keeps them)."""
    page = np.full((1100, 1600), 250, np.uint8)
    page[100:360, 100:1500] = _template("457", "18")
    path = tmp_path / "page.png"
    Image.fromarray(page).save(path)
    settings = Settings.from_env(data_dir=tmp_path / "data")
    info = inspect_file(path, settings.limits, settings.dpi)
    reading = restore_and_read(lambda: load_page(path, 1, info, settings.limits, settings.dpi), settings, what="p")
    got = {h.kind: h.digits for h in reading.hand}
    assert got.get("number") == "457", (got, reading.result.text)
    words = tmp_path / "w.json"
    words.write_text(json.dumps({"words": [], "tesseract": [], "hand": [h.to_json() for h in reading.hand]}))
    assert [(h.kind, h.digits, h.box) for h in load_hand(words)] == [(h.kind, h.digits, h.box) for h in reading.hand]
    assert load_hand(tmp_path / "missing.json") == ()


def test_a_missing_model_leaves_the_page_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The digit reader is an extra: without its weights a page is still read, with no handwritten fields."""
    import ocr.handwriting as hw

    monkeypatch.setattr(hw, "DIGIT_MODEL", Path("/nonexistent/digits.npz"))
    from ocr.pages import knowledge
    from ocr.tesseract import OcrResult

    words = tuple(w for _, ws in _template_words() for w in ws)
    result = OcrResult(" ".join(w.text for w in words), words)
    assert hand_fields(_template("457", "18"), result, knowledge(Settings())) == ()


# --------------------------------------------------------------------------
# The record: the reader's reading weighed against Tesseract's
# --------------------------------------------------------------------------

_TEXT = "ỦY BAN NHÂN DÂN\nTỈNH BẠC LIÊU\nSố: 4/35 /QĐ-UBND Bạc Liêu, ngày 48 tháng 02 năm 2025\nQUYẾT ĐỊNH\n"


def _hand(kind: str, digits: str, confidence: float = 0.9, sure: bool = False) -> HandField:
    return HandField(kind, digits, confidence, (10, 60, 100, 200), (confidence,), sure)


def test_a_number_tesseract_could_not_read_is_the_readers_and_goes_to_review() -> None:
    found = Extraction(RecordFields(number=None), ("number unreadable on the header line 'Số: 4/35 /QĐ-UBND'",))
    got = with_handwriting(found, [_hand("number", "1595")], _TEXT)
    assert got.fields.number == "1595/QĐ-UBND"
    (note,) = got.notes
    assert note.startswith("number 1595/QĐ-UBND read from handwriting") and "4/35" in note
    assert "Số: 4/35" in got.read["number"]


def test_digits_tesseract_read_with_confidence_stay() -> None:
    """Typed digits are Tesseract's: the reader does not overrule them, nor does a note about the symbol alone."""
    clean = Extraction(RecordFields(number="1906/SGDĐT-CTrTT"))
    assert with_handwriting(clean, [_hand("number", "1908")], _TEXT) == clean
    symbol = Extraction(RecordFields(number="591/SGDĐT-KTKĐ"),
                        ("number 591/SGDĐT-KTKĐ proposed from the issuer's symbols (read '591/SGDĐT-KT')",))
    assert with_handwriting(symbol, [_hand("number", "5910")], _TEXT) == symbol
    doubted = with_handwriting(clean, [_hand("number", "1908")], _TEXT, number_doubted=True)
    assert doubted.fields.number == "1908/SGDĐT-CTrTT" and doubted.read["number"] == "1906/SGDĐT-CTrTT"


def test_a_digit_the_reader_doubts_is_no_evidence_against_tesseracts() -> None:
    """"7118" with its last digit at 0.40 agrees with Tesseract's "711" on every digit it is sure of."""
    found = Extraction(RecordFields(number="711/QĐ-SGDĐT"), ("number 711/QĐ-SGDĐT read with low confidence",))
    speck = HandField("number", "7118", 0.40, (10, 60, 100, 200), (1.0, 1.0, 1.0, 0.40))
    assert with_handwriting(found, [speck], _TEXT) == found
    # A digit it is sure of that Tesseract did not read still makes the two disagree.
    other = HandField("number", "7118", 0.80, (10, 60, 100, 200), (1.0, 1.0, 1.0, 0.80))
    assert with_handwriting(found, [other], _TEXT).fields.number == "7118/QĐ-SGDĐT"
    # A reading the reader gives no better than even odds as a whole ("2071" at 0.48, seed 103) does
    # not overrule Tesseract's digits either.
    coin = HandField("number", "2071", 0.48, (10, 60, 100, 200), (0.56, 1.0, 0.87, 0.99))
    assert with_handwriting(found, [coin], _TEXT) == found


def test_a_typed_slot_only_fills_what_tesseract_could_not_read() -> None:
    typed = HandField("number", "221", 0.9, (10, 60, 100, 200), (0.9,), written=False)
    doubted = Extraction(RecordFields(number="421/QĐ-SGDĐT"))
    assert with_handwriting(doubted, [typed], _TEXT, number_doubted=True) == doubted
    missing = Extraction(RecordFields(number=None), ("number unreadable on the header line",))
    assert with_handwriting(missing, [typed], _TEXT).fields.number == "221/QĐ-UBND"


def test_a_sure_reading_skips_review() -> None:
    found = Extraction(RecordFields(number=None), ("number unreadable on the header line",))
    got = with_handwriting(found, [_hand("number", "1595", 0.999, sure=True)], _TEXT)
    assert got.fields.number == "1595/QĐ-UBND" and got.notes == ()


def test_a_handwritten_day_completes_the_month_and_year_read() -> None:
    found = Extraction(RecordFields(date=None, period="2025-02"), ("date unreadable: 'ngay 48 thang 02 nam 2025'",))
    got = with_handwriting(found, [_hand("day", "18")], _TEXT)
    assert got.fields.date == dt.date(2025, 2, 18) and got.fields.period is None
    assert got.notes[0].startswith("date 2025-02-18 read from handwriting") and got.read["date"] == "2025-02"
    # A handwritten month where the typed one was lost too; a day no month has is not a date.
    year_only = Extraction(RecordFields(period="2026"), ("date unreadable: 'ngay ø9 thang # nam 2026'",))
    got = with_handwriting(year_only, [_hand("day", "08"), _hand("month", "4")], _TEXT)
    assert got.fields.date == dt.date(2026, 4, 8) and "the month 4 handwritten too" in got.notes[0]
    assert with_handwriting(found, [_hand("day", "31")], _TEXT) == found


def test_a_record_takes_the_handwritten_number_from_its_first_page() -> None:
    page = PageText(1, _TEXT + "Căn cứ Luật Tổ chức chính quyền địa phương;\nĐiều 1. Công bố thủ tục.\n",
                    90.0, quality=0.9, hand=(_hand("number", "209"), _hand("day", "18")))
    ((record, _),) = build_records([page], dt.date(2026, 1, 1), DEFAULT)
    assert record.fields.number == "209/QĐ-UBND" and record.fields.date == dt.date(2025, 2, 18)
    assert record.needs_review and record.read["number"]
    assert any(r.startswith("review: number 209/QĐ-UBND read from handwriting") for r in record.reasons)
    assert not any("read with low confidence" in r for r in record.reasons if r.startswith("review: number"))


# --------------------------------------------------------------------------
# Learning from what people confirmed
# --------------------------------------------------------------------------


def test_calibration_needs_enough_readings_that_sure() -> None:
    from ocr.digits_train import calibrate

    sure = [(0.99 - i / 1000, True) for i in range(150)] + [(0.5, False)] * 10
    assert calibrate(sure) == pytest.approx(0.99 - 149 / 1000)  # every reading above it was right
    assert calibrate(sure[:50]) == 1.0  # too few to show 99%
    mixed = [(0.9, i % 10 != 0) for i in range(200)]  # 90% right at any level
    assert calibrate(mixed) == 1.0


def _confirmed_ledger(root: Path, n: int) -> Path:
    """A ledger of ``n`` approved one-page records whose handwritten number the reader read (as ingest saves it)."""
    from ocr.handwriting import load_model
    from pipeline.domain import ClassifiedRecord, ProcedureType
    from ledger import Ledger
    from web.corrections import apply_correction

    rng = np.random.default_rng(3)
    model = load_model(DIGIT_MODEL)
    ledger_path = root / "ledger.sqlite"
    with Ledger(ledger_path) as ledger:
        batch = ledger.ensure_batch("hop-1")
        for i in range(n):
            number = str(int(rng.integers(100, 999)))
            image = root / f"p{i}.jpg"
            gray = _template(number, str(int(rng.integers(10, 28))))
            Image.fromarray(gray).save(image, quality=90)
            hand = read_hand_fields(np.asarray(Image.open(image).convert("L")), _template_words(), model)
            words = root / f"p{i}.json"
            words.write_text(json.dumps({"words": [], "tesseract": [], "hand": [h.to_json() for h in hand]}))
            f, _ = ledger.register_file(hashlib.sha256(image.read_bytes()).hexdigest(), 1, str(image), batch)
            ledger.save_page(f.id, 1, status="done", settings="t", run_id=None, text="", mean_conf=90.0,
                             image_path=str(image), words_path=str(words))
            rec = ClassifiedRecord(pages=(1,), type=ProcedureType.KHAC, confidence=0.5, reasons=(),
                                   fields=RecordFields(number=f"{number}/QĐ-UBND"), needs_review=True)
            (key,), _ = ledger.replace_records(f.id, batch, [(rec, f"Quyết định số {number} về hồ sơ {i}")],
                                               run_id=None)
            apply_correction(ledger, key, {"needs_review": "0"}, "luutru")
    return ledger_path


def test_confirmed_fields_teach_and_calibrate_a_local_model(tmp_path: Path) -> None:
    from ocr.digits_train import confirmed_fields, learn_confirmed
    from ocr.handwriting import digit_model_path, load_model
    from ledger import Ledger

    with Ledger(_confirmed_ledger(tmp_path, 30)) as ledger:
        fields = confirmed_fields(ledger)
    assert len(fields) == 30 and all(f.field.kind == "number" and len(f.digits) == 3 for f in fields)
    learned = learn_confirmed(load_model(DIGIT_MODEL), fields, "digits-local-v1", epochs=2)
    assert learned.model is not None, learned.why
    card = learned.model.card
    assert card["based_on"] == "digits-v1" and card["confirmed_fields"] == 30 and "held_out" in card
    assert card["accept_above"] == 1.0  # 30 fields cannot show 99% on 100
    models = tmp_path / "models"
    models.mkdir()
    assert digit_model_path(models) == DIGIT_MODEL
    learned.model.save(models / "digits-local-v1.npz")
    (models / "digits-local-v10.npz").write_bytes((models / "digits-local-v1.npz").read_bytes())
    assert digit_model_path(models).name == "digits-local-v10.npz"  # the newest by number, not by name


def test_sohoa_train_says_when_no_handwriting_was_confirmed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sohoa.cli import main

    assert main(["--data-dir", str(tmp_path / "data"), "train"]) == 1
    assert "no confirmed handwritten field yet" in capsys.readouterr().err


def test_sohoa_train_learns_from_the_keyboard_queue_confirmations(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """Fields confirmed in /review/handwritten count even while their record waits for other reasons."""
    from ledger import Ledger
    from sohoa.commands.learning import confirmed_hand_fields
    from web.corrections import ensure_schema

    with Ledger(_confirmed_ledger(tmp_path, 2)) as ledger:
        ensure_schema(ledger)
        key, file_id = ledger.query("SELECT key, file_id FROM records ORDER BY id")[0]
        with ledger.transaction() as c:
            c.execute("INSERT INTO hand_confirmations(record_key, field, kind, page_no, box, read, confidence, "
                      "confirmed, value, \"user\", at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                      (key, "issue_date", "day", 1, "[48, 118, 900, 990]", "18", 0.9, "19", "2025-02-19",
                       "luutru", "2026-12-06T00:00:00+00:00"))
        fields = confirmed_hand_fields(ledger, [])
    assert [(f.field.kind, f.field.digits, f.digits) for f in fields] == [("day", "18", "19")]


def test_sohoa_train_writes_the_next_digit_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`sohoa train` as typed, with handwritten numbers people confirmed: models/digits-local-v1.npz, then v2,
    and the ingest's reading takes the newest (the page fingerprint names it)."""
    from ocr.handwriting import digit_model_path
    from ocr.pages import page_fingerprint
    from sohoa.cli import main
    from core.settings import Settings

    data = tmp_path / "data"
    data.mkdir()
    _confirmed_ledger(data, 30)
    before = page_fingerprint(Settings(data_dir=data))
    assert main(["--data-dir", str(data), "train"]) == 0
    assert "digit model v1: 30 confirmed fields" in capsys.readouterr().out
    assert digit_model_path(data / "models").name == "digits-local-v1.npz"
    assert page_fingerprint(Settings(data_dir=data)) != before  # pages are read with it from now on
    assert main(["--data-dir", str(data), "train"]) == 0
    assert digit_model_path(data / "models").name == "digits-local-v2.npz"
