"""Tests of the synthetic sample generator (``samples``).

Everything runs at low resolution (40–72 dpi) so the module stays fast; the
committed demo set is only read, never regenerated.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from pipeline.domain import ProcedureType
from samples import (
    GENERATED_TYPES,
    SAMPLES_DIR,
    SCANNER_DARK,
    bleed_through,
    blur,
    damage_page,
    demo_plan,
    fading,
    foxing,
    generate,
    make_record,
    mold,
    pick_skew_angle,
    render_document,
    rotate_quarter,
    scanner_border,
    scanner_noise,
    skew_by,
    termite_holes,
    yellowing,
)
from samples._output import read_scan_pages
from samples.generate import main

EFFECTS = (yellowing, foxing, mold, termite_holes, fading, bleed_through, blur,
           scanner_noise, scanner_border)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    """A clean rendered decision page at 72 dpi (595 x 842 px)."""
    rec = make_record(random.Random(5), ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA, long_body=0)
    return render_document(rec.blocks, dpi=72)[0].image


@pytest.fixture(scope="module")
def small_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("samples")
    truth = generate(out, seed=3, n_records=8, levels=("clean", "mild", "heavy"), dpi=40)
    return out, truth


def _text_block(angle: float = 0.0) -> np.ndarray:
    """White page with a justified block of text-like bars, skewed by ``angle``."""
    img = np.full((700, 500, 3), 255, np.uint8)
    for i, y in enumerate(range(150, 550, 22)):
        right = 400 if i % 5 != 4 else 260
        cv2.rectangle(img, (100, y), (right, y + 9), (20, 20, 20), -1)
    return skew_by(img, angle, (255, 255, 255)) if angle else img


def _ink_angle(img: np.ndarray) -> float:
    """Angle of the ink's minimum-area rectangle, counter-clockwise positive, in (-45, 45]."""
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    pts = cv2.findNonZero((gray < 128).astype(np.uint8))
    a = float(cv2.minAreaRect(pts)[2])
    # The rectangle's angle is defined modulo 90 (and its range differs across
    # OpenCV versions); fold it into (-45, 45].
    while a > 45:
        a -= 90
    while a <= -45:
        a += 90
    return -a


def _bar_angle(img: np.ndarray) -> float:
    """Median angle of the text-like bars alone, ignoring stains, holes and borders."""
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    n, labels, stats, _ = cv2.connectedComponentsWithStats((gray < 128).astype(np.uint8))
    angles = []
    for i in range(1, n):
        x, y, w, h, area = stats[i]
        if 140 < w < 330 and h < 60 and area > 900:
            mask = np.zeros_like(gray)
            mask[labels == i] = 255
            angles.append(_ink_angle(np.dstack([255 - mask] * 3)))
    assert len(angles) >= 8
    return float(np.median(angles))


def _saturation(img: np.ndarray) -> float:
    return float(cv2.cvtColor(img, cv2.COLOR_RGB2HSV)[..., 1].mean())


# --- content and rendering -------------------------------------------------

def test_make_record_is_deterministic() -> None:
    for kind in GENERATED_TYPES:
        a = make_record(random.Random(11), kind)
        b = make_record(random.Random(11), kind)
        assert a == b and a.blocks == b.blocks


@pytest.mark.parametrize("kind", GENERATED_TYPES)
def test_records_have_one_to_three_pages_and_their_fields(kind: ProcedureType) -> None:
    for long_body in (0, 7):
        rec = make_record(random.Random(2), kind, long_body=long_body)
        pages = render_document(rec.blocks, dpi=50)
        assert 1 <= len(pages) <= 3
        text = "\n".join(p.text for p in pages)
        assert rec.subject in text.replace("\n", " ") or rec.subject.split()[-1] in text
        assert rec.number.split("/")[0] in pages[0].text
        assert dt.date(2008, 1, 1) <= rec.date <= dt.date(2013, 12, 31)
        if kind in (ProcedureType.KIEM_DINH_CHAT_LUONG, ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA):
            assert rec.validity_years == 5
            assert rec.valid_until == rec.date.replace(year=rec.date.year + 5) or (
                rec.date.month == 2 and rec.date.day == 29)
        else:
            assert rec.validity_years is None and rec.valid_until is None


def test_page_text_follows_reading_order() -> None:
    rec = make_record(random.Random(1), ProcedureType.XAC_MINH_VAN_BANG, long_body=0)
    lines = render_document(rec.blocks, dpi=50)[0].text.split("\n")
    assert lines[0] == "UBND THÀNH PHỐ HẢI PHÒNG"
    assert lines[1] == "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    assert lines[2].startswith("Số")
    assert lines[3] == "V/v xác minh văn bằng"
    assert lines[4].startswith("CỘNG H") and lines[5] == "Độc lập - Tự do - Hạnh phúc"
    assert lines[6].startswith("Hải Phòng, ngày")
    assert lines[7].startswith("Kính gửi:")


def test_fixed_person_and_school() -> None:
    rec = make_record(random.Random(0), ProcedureType.XAC_MINH_VAN_BANG, person="Nguyễn Văn An")
    assert rec.subject == "Nguyễn Văn An"
    rec = make_record(random.Random(0), ProcedureType.KIEM_DINH_CHAT_LUONG,
                      school="Trường Tiểu học Đằng Lâm")
    assert rec.subject == "Trường Tiểu học Đằng Lâm"
    assert rec.issuer == "UBND THÀNH PHỐ HẢI PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    rec = make_record(random.Random(0), ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA)
    assert rec.issuer == "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG"
    assert rec.number.endswith("/QĐ-UBND")


# --- damage functions ------------------------------------------------------

@pytest.mark.parametrize("effect", EFFECTS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("level", ("mild", "heavy"))
def test_effects_keep_shape_and_are_deterministic(page: np.ndarray, effect, level: str) -> None:
    a = effect(page, np.random.default_rng(1), level)
    b = effect(page, np.random.default_rng(1), level)
    assert a.shape == page.shape and a.dtype == np.uint8
    assert np.array_equal(a, b)
    assert not np.array_equal(a, page)


@pytest.mark.parametrize("angle", (-7.0, -1.5, 0.8, 3.2, 6.0))
def test_skew_rotates_content_by_the_given_angle(angle: float) -> None:
    assert abs(_ink_angle(_text_block())) < 0.2
    measured = _ink_angle(_text_block(angle))
    assert measured == pytest.approx(angle, abs=0.5)


def test_skew_angle_bounds() -> None:
    rng = np.random.default_rng(0)
    mild = [pick_skew_angle(rng, "mild") for _ in range(200)]
    heavy = [pick_skew_angle(rng, "heavy") for _ in range(200)]
    capped = [pick_skew_angle(rng, "heavy", max_deg=4) for _ in range(200)]
    assert max(map(abs, mild)) <= 2.0 and max(map(abs, heavy)) <= 8.0
    assert max(map(abs, heavy)) > 4.0 and max(map(abs, capped)) <= 4.0


def test_damage_page_reports_the_skew_it_applied() -> None:
    img = _text_block()
    for seed in range(3):
        out = damage_page(img, np.random.default_rng(seed), "mild", rotation=0)
        assert abs(out.skew_deg) <= 2.0 and out.rotation == 0
        # Mild damage leaves the bars dominant: the ink box follows the angle.
        assert _bar_angle(out.image) == pytest.approx(out.skew_deg, abs=0.5)


def test_rotate_quarter_is_clockwise() -> None:
    img = np.zeros((4, 6, 3), np.uint8)
    img[0, 0] = 255  # top-left marker
    r90 = rotate_quarter(img, 90)
    assert r90.shape == (6, 4, 3) and r90[0, -1, 0] == 255  # now top-right
    assert rotate_quarter(img, 180)[-1, -1, 0] == 255
    assert rotate_quarter(img, 270)[-1, 0, 0] == 255
    with pytest.raises(ValueError):
        rotate_quarter(img, 45)


def test_damage_page_clean_and_forced_rotation(page: np.ndarray) -> None:
    clean = damage_page(page, np.random.default_rng(0), "clean")
    assert np.array_equal(clean.image, page) and clean.skew_deg == 0 and clean.rotation == 0
    turned = damage_page(page, np.random.default_rng(0), "heavy", rotation=90)
    assert turned.rotation == 90 and turned.image.shape == (page.shape[1], page.shape[0], 3)


def test_yellowing_raises_saturation(page: np.ndarray) -> None:
    mild = yellowing(page, np.random.default_rng(0), "mild")
    heavy = yellowing(page, np.random.default_rng(0), "heavy")
    assert _saturation(page) < _saturation(mild) < _saturation(heavy)
    r, g, b = (heavy[..., i].mean() for i in range(3))
    assert r > g > b  # yellow-brown, not grey


def test_termite_holes_show_the_background(page: np.ndarray) -> None:
    def count(img: np.ndarray, colour: tuple[int, int, int]) -> int:
        return int(np.all(img == np.asarray(colour, np.uint8), axis=-1).sum())

    dark = termite_holes(page, np.random.default_rng(0), "heavy")
    assert count(dark, SCANNER_DARK) > count(page, SCANNER_DARK) + 100
    white = termite_holes(page[..., ::-1].copy() // 2, np.random.default_rng(0), "mild",
                          background=(250, 250, 250))
    assert count(white, (250, 250, 250)) > 20


def test_fading_reduces_ink_contrast(page: np.ndarray) -> None:
    ink = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY) < 80
    paper = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY) > 250

    def contrast(img: np.ndarray) -> float:
        g = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY).astype(float)
        return float(g[paper].mean() - g[ink].mean())

    mild = fading(page, np.random.default_rng(0), "mild")
    heavy = fading(page, np.random.default_rng(0), "heavy")
    assert contrast(heavy) < contrast(mild) < contrast(page)
    assert contrast(heavy) > 0.25 * contrast(page)  # still readable


def test_stains_darken_paper(page: np.ndarray) -> None:
    paper = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY) > 250
    for effect in (mold, foxing):
        out = effect(page, np.random.default_rng(0), "heavy")
        g = cv2.cvtColor(out, cv2.COLOR_RGB2GRAY)
        assert (g[paper] < 235).mean() > 0.001, effect.__name__


def test_bleed_through_shows_the_verso_on_blank_paper() -> None:
    blank = np.full((300, 200, 3), 255, np.uint8)
    verso = _text_block()[:300, :200].copy()
    out = bleed_through(blank, np.random.default_rng(0), "heavy", verso)
    assert out.min() < 250 and out.mean() < 255


def test_blur_noise_and_border(page: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    sharp = cv2.Laplacian(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY), cv2.CV_64F).var()
    soft = cv2.Laplacian(cv2.cvtColor(blur(page, rng, "heavy"), cv2.COLOR_RGB2GRAY),
                         cv2.CV_64F).var()
    assert soft < sharp
    blank = np.full((200, 200, 3), 240, np.uint8)
    assert scanner_noise(blank, rng, "heavy").std() > scanner_noise(blank, rng, "mild").std() > 0
    bordered = scanner_border(page, rng, "heavy")
    edges = np.concatenate([bordered[0], bordered[-1], bordered[:, 0], bordered[:, -1]])
    assert (edges.max(axis=-1) < 60).mean() > 0.4


# --- generated sets and their ground truth ----------------------------------

def _check_consistency(root: Path, truth: dict) -> None:
    files = {f["path"]: f for f in truth["files"]}
    assert len(files) == len(truth["files"])
    covered: dict[str, set[int]] = {p: set() for p in files}
    for rec in truth["records"]:
        f = files[rec["file"]]
        assert set(rec["pages"]) <= {p["page"] for p in f["pages"]}
        assert rec["pages"] == list(range(rec["pages"][0], rec["pages"][-1] + 1))
        assert not covered[rec["file"]] & set(rec["pages"])
        covered[rec["file"]] |= set(rec["pages"])
        assert ProcedureType(rec["type"]) is not ProcedureType.KHAC
        assert rec["damage"] == f["damage"]
        date = dt.date.fromisoformat(rec["date"])
        if rec["validity_years"]:
            assert rec["valid_until"] == date.replace(year=date.year + 5).isoformat()
        else:
            assert rec["valid_until"] is None
    for path, f in files.items():
        assert (root / path).is_file(), path
        assert read_scan_pages(root / path) == len(f["pages"])
        assert covered[path] == set(range(1, len(f["pages"]) + 1))
        for p in f["pages"]:
            assert p["rotation"] in (0, 90, 180, 270) and p["text"].strip()


def test_generate_writes_consistent_ground_truth(small_set: tuple[Path, dict]) -> None:
    root, truth = small_set
    assert json.loads((root / "ground_truth.json").read_text(encoding="utf-8")) == truth
    assert truth["seed"] == 3 and len(truth["records"]) == 8
    assert {r["type"] for r in truth["records"]} == {t.value for t in GENERATED_TYPES}
    _check_consistency(root, truth)


def test_generate_is_deterministic(small_set: tuple[Path, dict], tmp_path: Path) -> None:
    _, first = small_set
    again = generate(tmp_path, seed=3, n_records=8, levels=("clean", "mild", "heavy"), dpi=40)
    assert again == first
    other = generate(tmp_path / "b", seed=4, n_records=8, dpi=40)
    assert other["records"] != first["records"]


def test_generate_layouts_and_clean_images(tmp_path: Path) -> None:
    truth = generate(tmp_path, seed=1, n_records=4, levels=("mild",), layout="images",
                     dpi=40, clean_images=True)
    for f in truth["files"]:
        assert f["format"] in ("jpg", "png", "tiff")
        for p in f["pages"]:
            assert (tmp_path / p["clean_path"]).is_file()
    with pytest.raises(ValueError):
        generate(tmp_path, seed=1, n_records=1, levels=("burnt",), dpi=40)


def test_cli_writes_a_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--out", str(tmp_path), "--records", "2", "--levels", "mild,heavy",
                 "--layout", "pdf", "--dpi", "40", "--seed", "9"])
    assert code == 0 and "2 records" in capsys.readouterr().out
    truth = json.loads((tmp_path / "ground_truth.json").read_text(encoding="utf-8"))
    assert all(f["path"].endswith(".pdf") for f in truth["files"])


def test_committed_demo_set_matches_its_ground_truth() -> None:
    truth = json.loads((SAMPLES_DIR / "ground_truth.json").read_text(encoding="utf-8"))
    _check_consistency(SAMPLES_DIR, truth)
    listed = {f["path"] for f in truth["files"]}
    on_disk = {f"scans/{p.name}" for p in (SAMPLES_DIR / "scans").iterdir()}
    assert listed == on_disk
    pages = sum(len(f["pages"]) for f in truth["files"])
    assert 15 <= pages <= 25
    assert sum(p.stat().st_size for p in (SAMPLES_DIR / "scans").iterdir()) < 8_000_000
    types = {r["type"] for r in truth["records"]}
    assert types == {t.value for t in GENERATED_TYPES}
    subjects = {r["subject"] for r in truth["records"]}
    assert "Nguyễn Văn An" in subjects
    assert any(s.startswith("Trường") and ("Đ" in s or "đ" in s) for s in subjects)
    heavy = [p for f in truth["files"] if f["damage"] == "heavy" for p in f["pages"]]
    assert heavy and all(abs(p["skew_deg"]) <= 4.0 for p in heavy)
    assert any(p["rotation"] in (90, 180) for p in heavy)
    formats = {f["format"] for f in truth["files"]}
    assert {"pdf", "tiff", "jpg"} <= formats
    assert len(demo_plan()) == len(truth["files"])
