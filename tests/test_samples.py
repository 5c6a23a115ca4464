"""Tests of the synthetic sample generator (``samples``).

Everything runs at low resolution (30–72 dpi) so the module stays fast; the
committed demo set is only read, never regenerated (its records and page
texts are rebuilt without drawing and compared).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

import cv2
import numpy as np
import pytest

from PIL import Image

from pipeline.domain import ProcedureType
from samples import (
    COLOUR_MODES,
    DEMO_DPI,
    DEMO_SEED,
    FONT_FAMILIES,
    GENERATED_TYPES,
    GENERATOR_VERSION,
    SAMPLES_DIR,
    SCANNER_DARK,
    STRIP_SIDES,
    Look,
    add_strips,
    bleed_through,
    blur,
    could_be_generated_name,
    damage_page,
    demo_plan,
    fading,
    foxing,
    generator_vocabulary,
    layout_document,
    make_record,
    mold,
    pick_skew_angle,
    pick_strips,
    render_document,
    rotate_quarter,
    scanner_border,
    scanner_noise,
    scanner_strips,
    skew_by,
    termite_holes,
    to_colour_mode,
    yellowing,
)
from samples.generate import main
from samples.generator import generate
from samples.headers import HEADER_LAYOUTS
from samples.output import read_scan_pages
from samples.places import old_spelling

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


# --- the varied style --------------------------------------------------------

def _varied(seeds: range, kinds: tuple[ProcedureType, ...] = GENERATED_TYPES) -> list:
    return [make_record(random.Random(s), k, style="varied") for s in seeds for k in kinds]


@pytest.fixture(scope="module")
def varied_records() -> list:
    """Varied records of every type over many seeds (content only, no drawing)."""
    return _varied(range(45))


@pytest.fixture(scope="module")
def varied_pages(varied_records: list) -> dict[int, list[list[str]]]:
    """The page lines of each varied record (by position), laid out once without drawing."""
    return {i: layout_document(r.blocks, 40, r.look) for i, r in enumerate(varied_records)}


@pytest.fixture(scope="module")
def varied_set(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("varied")
    truth = generate(out, seed=7, n_records=12, levels=("clean", "mild", "heavy"), dpis=(30, 40),
                     rescans=4)
    return out, truth




def test_varied_records_use_several_fonts_layouts_and_margins(varied_records: list) -> None:
    fonts = {r.look.font for r in varied_records}
    assert {"serif", "sans", "mono"} <= fonts and fonts & {"serif_heavy_header", "sans_heavy_header"}
    assert len(fonts) >= 5
    assert {r.header_layout for r in varied_records} == set(HEADER_LAYOUTS)
    lefts = [r.look.left_mm for r in varied_records]
    assert min(lefts) < 15 and max(lefts) > 30
    for key, family in FONT_FAMILIES.items():
        for style in ("regular", "bold", "italic", "bold_italic"):
            assert Path(family.path(style, heading=True)).is_file(), key


def test_fonts_and_margins_change_the_pixels() -> None:
    rec = make_record(random.Random(3), ProcedureType.CAP_BAN_SAO_VAN_BANG, style="varied")
    images = {}
    for font in ("serif", "sans", "mono", "serif_heavy_header"):
        look = Look(font=font, left_mm=12.0)
        images[font] = render_document(rec.blocks, 40, look)[0].image
    assert len({img.tobytes() for img in images.values()}) == 4
    # The left margin is where the running text starts.
    for left_mm in (12.0, 35.0):
        img = render_document(rec.blocks, 50, Look(left_mm=left_mm))[0].image
        ink = np.flatnonzero((img[img.shape[0] // 3: 2 * img.shape[0] // 3] < 100).any(axis=(0, 2)))
        assert ink[0] == pytest.approx(left_mm * 50 / 25.4, abs=3)


def test_header_layouts_give_their_reading_order(varied_records: list,
                                                varied_pages: dict) -> None:
    seen = set()
    for i, rec in enumerate(varied_records):
        lines = varied_pages[i][0]
        number_at = next(i for i, ln in enumerate(lines) if ln.startswith("Số"))
        motto_at = next(i for i, ln in enumerate(lines) if ln.startswith("CỘNG H"))
        issuer_at = lines.index(rec.issuer.split(" / ")[0])
        if rec.header_layout == "two_column":
            assert issuer_at < number_at < motto_at
        elif rec.header_layout == "one_column":
            assert motto_at < issuer_at < number_at
        else:
            title_at = lines.index("QUYẾT ĐỊNH")
            assert issuer_at < motto_at < title_at < number_at
        seen.add(rec.header_layout)
    assert seen == set(HEADER_LAYOUTS)


def test_letters_have_a_vv_line_and_decisions_a_ve_viec_line(varied_records: list,
                                                             varied_pages: dict) -> None:
    vv, ve_viec = set(), set()
    for i, rec in enumerate(varied_records):
        lines = varied_pages[i][0]
        if rec.type is ProcedureType.XAC_MINH_VAN_BANG:
            number_at = next(i for i, ln in enumerate(lines) if ln.startswith("Số"))
            assert lines[number_at + 1].startswith("V/v ") and "xác minh" in lines[number_at + 1]
            assert rec.header_layout != "number_under_title"
            vv.add(lines[number_at + 1])
        else:
            about = next(ln for ln in lines if ln.startswith("Về việc"))
            ve_viec.add((rec.type, about))
    assert len(vv) >= 3
    for kind in GENERATED_TYPES:
        if kind is not ProcedureType.XAC_MINH_VAN_BANG:
            assert len({a for k, a in ve_viec if k is kind}) >= 3, kind


#: Phrases that make the procedure type plain to a person reading the record.
_TYPE_WORDS = {
    ProcedureType.XAC_MINH_VAN_BANG: ("xác minh văn bằng",),
    ProcedureType.KIEM_DINH_CHAT_LUONG: ("chất lượng giáo dục",),
    ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA: ("chuẩn quốc gia",),
    ProcedureType.CAP_BAN_SAO_VAN_BANG: ("bản sao", "sổ gốc"),
    ProcedureType.CHINH_SUA_VAN_BANG: ("chỉnh sửa", "điều chỉnh"),
    ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI: ("nước ngoài",),
}


def test_wordings_differ_but_each_record_reads_as_its_type(varied_records: list,
                                                          varied_pages: dict) -> None:
    by_type: dict[ProcedureType, set[str]] = {}
    for i, rec in enumerate(varied_records):
        by_type.setdefault(rec.type, set()).add(rec.wording)
        text = " ".join(" ".join(p) for p in varied_pages[i]).lower()
        words = _TYPE_WORDS[rec.type]
        assert any(w in text for w in words), (rec.type, rec.wording)
        assert rec.subject.lower() in text
    for kind, wordings in by_type.items():
        assert len(wordings) >= 10, kind
    parts = [dict(kv.split(":") for kv in r.wording.split(",")) for r in varied_records
             if r.type is ProcedureType.XAC_MINH_VAN_BANG]
    for part in ("open", "result", "person", "vv"):
        assert len({p[part] for p in parts}) >= 3, part


def test_person_is_named_in_several_phrasings(varied_records: list, varied_pages: dict) -> None:
    kinds = (ProcedureType.XAC_MINH_VAN_BANG, ProcedureType.CAP_BAN_SAO_VAN_BANG)
    text = "\n".join("\n".join(varied_pages[i][0]) for i, r in enumerate(varied_records)
                     if r.type in kinds)
    joined = text.replace("\n", " ")
    assert "Họ và tên:" in text
    assert "ông (bà)" in joined and ", sinh năm" in joined
    assert ", sinh ngày" in joined


def test_issuers_of_several_provinces_and_district_offices(varied_records: list,
                                                          varied_pages: dict) -> None:
    issuers = {r.issuer for r in varied_records}
    places = {r.place for r in varied_records}
    assert len(places) >= 10
    assert any(i.startswith("UBND TỈNH NAM ĐỊNH / SỞ GIÁO DỤC") for i in issuers)
    assert any(" / PHÒNG GIÁO DỤC" in i and "HUYỆN" in i for i in issuers)
    assert any(i.startswith(("ỦY BAN NHÂN DÂN / TỈNH", "UỶ BAN NHÂN DÂN / TỈNH")) for i in issuers)
    assert any(" / " not in i and "ỦY BAN NHÂN DÂN TỈNH" in i.replace("UỶ", "ỦY") for i in issuers)
    assert any("UỶ" in i or "HOÀ" in i or "GIÁO DỤC - ĐÀO TẠO" in i for i in issuers)
    for i, rec in enumerate(varied_records):
        lines = varied_pages[i][0]
        assert any(ln.startswith(f"{rec.place}, ngày ") for ln in lines), rec.place
        symbol = rec.number.split("/", 1)[1]
        if rec.type is ProcedureType.XAC_MINH_VAN_BANG:
            assert "QĐ" not in symbol and symbol.split("-")[0] in (
                "SGDĐT", "SGD&ĐT", "GDĐT", "PGDĐT", "PGD&ĐT"), symbol
        elif rec.type is ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA:
            assert symbol == "QĐ-UBND"
        elif "PHÒNG GIÁO DỤC" in rec.issuer:
            assert symbol in ("QĐ-PGDĐT", "QĐ-PGD&ĐT", "QĐ-GDĐT")
        else:
            assert symbol in ("QĐ-SGDĐT", "QĐ-SGD&ĐT", "QĐ-GDĐT")


def test_many_schools_and_people_from_the_generators_own_lists(varied_records: list) -> None:
    vocab = generator_vocabulary()
    schools = [r.subject for r in _varied(range(150), (ProcedureType.KIEM_DINH_CHAT_LUONG,))]
    assert len(set(schools)) > 120
    assert all(s in vocab["school_names"] for s in schools)
    people = [r.subject for r in varied_records if not r.subject.startswith("Trường")]
    assert all(could_be_generated_name(p) and p in vocab["person_names"] for p in people)
    classic = generator_vocabulary("classic")
    assert not vocab["school_proper_names"] & classic["school_proper_names"]
    assert not vocab["school_proper_names"] & vocab["provinces"]
    assert len(vocab["school_names"]) > 1000
    assert could_be_generated_name("Nguyễn Thị Thu Hà") and not could_be_generated_name("Nguyễn An")
    assert not could_be_generated_name("Mai Minh Minh")


def test_varied_records_are_deterministic() -> None:
    for kind in GENERATED_TYPES:
        a = make_record(random.Random(11), kind, style="varied")
        b = make_record(random.Random(11), kind, style="varied")
        assert a == b and a.blocks == b.blocks and a.look == b.look


def test_old_spelling_moves_the_tone_of_open_syllables() -> None:
    assert old_spelling("CỘNG HÒA XÃ HỘI") == "CỘNG HOÀ XÃ HỘI"
    assert old_spelling("ỦY BAN NHÂN DÂN TỈNH THANH HÓA") == "UỶ BAN NHÂN DÂN TỈNH THANH HOÁ"
    assert old_spelling("Hoàng Thủy, Thụy Hoàng") == "Hoàng Thuỷ, Thuỵ Hoàng"


def test_scanner_strips_run_along_any_side() -> None:
    img = np.full((280, 200, 3), 250, np.uint8)
    sides_seen: set[str] = set()
    for seed in range(40):
        strips = pick_strips(np.random.default_rng(seed), "mild")
        assert 1 <= len(strips) <= 2 and all(0.005 <= w <= 0.04 for w in strips.values())
        sides_seen |= set(strips)
    assert sides_seen == set(STRIP_SIDES)
    grown = scanner_strips(img, np.random.default_rng(0), "heavy")
    assert grown.shape[0] >= img.shape[0] and grown.shape[1] >= img.shape[1]
    assert grown.shape != img.shape
    out = add_strips(img, {"left": 0.05, "bottom": 0.03})
    assert out.shape == (280 + 8, 200 + 10, 3)
    assert out[:, :10].max() < 40 and out[-8:].max() < 40 and out[0, -1].min() > 200
    with_strips = [damage_page(img, np.random.default_rng(s), "mild", border="strips")
                   for s in range(8)]
    assert any(d.strips for d in with_strips)
    for d in with_strips:
        turned = skew_by(img, d.skew_deg, expand=True).shape
        assert (d.image.shape != turned) == bool(d.strips)


def test_varied_set_records_the_new_keys(varied_set: tuple[Path, dict]) -> None:
    root, truth = varied_set
    _check_consistency(root, truth)
    assert truth["style"] == "varied" and truth["generator_version"] == GENERATOR_VERSION
    assert {f["dpi"] for f in truth["files"]} <= {30, 40}
    assert {f["colour"] for f in truth["files"]} <= set(COLOUR_MODES)
    for f in truth["files"]:
        if f["format"] in ("png", "tiff", "jpg"):
            with Image.open(root / f["path"]) as im:
                assert round(im.info["dpi"][0]) == f["dpi"]
                assert im.mode == {"colour": "YCbCr" if f["format"] == "tiff" else "RGB",
                                   "grey": "L", "bilevel": "1"}[f["colour"]]
        for p in f["pages"]:
            assert set(p["strips"]) <= set(STRIP_SIDES)
    for r in truth["records"]:
        assert {"issuer", "font", "header_layout", "place", "wording", "rescan_of",
                "margins_mm"} <= set(r)
        assert r["font"] in FONT_FAMILIES and r["header_layout"] in HEADER_LAYOUTS


def test_rescans_repeat_a_paper_in_another_file(varied_set: tuple[Path, dict]) -> None:
    root, truth = varied_set
    by_id = {r["id"]: r for r in truth["records"]}
    rescans = [r for r in truth["records"] if r["rescan_of"]]
    assert len(rescans) == 4 and len(truth["records"]) == 16
    files = {f["path"]: f for f in truth["files"]}
    for r in rescans:
        first = by_id[r["rescan_of"]]
        assert first["rescan_of"] is None
        for key in ("type", "number", "date", "issuer", "subject", "font", "wording"):
            assert r[key] == first[key]
        assert r["file"] != first["file"] and r["damage"] != "clean"
        texts = [files[r["file"]]["pages"][n - 1]["text"] for n in r["pages"]]
        assert texts == [files[first["file"]]["pages"][n - 1]["text"] for n in first["pages"]]
        assert (root / r["file"]).read_bytes() != (root / first["file"]).read_bytes()


def test_colour_modes_are_written_as_such(tmp_path: Path) -> None:
    from pypdf import PdfReader

    bilevel = generate(tmp_path / "b", seed=2, n_records=8, dpi=30, colours=("bilevel",),
                       levels=("heavy",))
    formats = set()
    for f in bilevel["files"]:
        path = tmp_path / "b" / f["path"]
        formats.add(f["format"])
        assert f["colour"] == "bilevel" and f["format"] != "jpg"
        if f["format"] == "pdf":
            image = PdfReader(str(path)).pages[0]["/Resources"]["/XObject"].values()
            obj = next(iter(image)).get_object()
            assert obj["/BitsPerComponent"] == 1 and "/CCITTFaxDecode" in str(obj["/Filter"])
        else:
            with Image.open(path) as im:
                assert im.mode == "1"
                if f["format"] == "tiff":
                    assert im.info["compression"] == "group4"
    assert "pdf" in formats and formats & {"tiff", "png"}
    grey = generate(tmp_path / "g", seed=2, n_records=3, dpi=30, colours=("grey",),
                    layout="images")
    for f in grey["files"]:
        with Image.open(tmp_path / "g" / f["path"]) as im:
            assert im.mode == "L"
    page = np.full((120, 90, 3), 230, np.uint8)
    page[40:50, 10:80] = 60
    page[:, :8] = SCANNER_DARK
    one_bit = to_colour_mode(page, "bilevel")
    assert one_bit.dtype == bool and one_bit[45, 40] == 0 and one_bit[10, 40] == 1
    assert not one_bit[:, :8].any()


def test_varied_sets_are_deterministic(tmp_path: Path) -> None:
    kwargs = dict(seed=5, n_records=6, dpis=(30, 40), rescans=2, levels=("mild", "heavy"))
    a = generate(tmp_path / "a", **kwargs)
    b = generate(tmp_path / "b", jobs=2, **kwargs)
    assert a == b
    for f in a["files"]:
        assert (tmp_path / "a" / f["path"]).read_bytes() == (tmp_path / "b" / f["path"]).read_bytes()


def test_classic_style_keeps_the_first_format(tmp_path: Path) -> None:
    truth = generate(tmp_path, seed=1, n_records=2, dpi=30, style="classic")
    assert truth["generator_version"] == "1.0.0" and "style" not in truth
    assert set(truth["files"][0]) == {"path", "format", "damage", "pages"}
    assert "font" not in truth["records"][0]
    assert truth["records"][0]["issuer"] in ("UBND THÀNH PHỐ HẢI PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO",
                                             "ỦY BAN NHÂN DÂN / THÀNH PHỐ HẢI PHÒNG")
    with pytest.raises(ValueError):
        generate(tmp_path, n_records=1, dpi=30, style="classic", rescans=1)
    with pytest.raises(ValueError):
        generate(tmp_path, n_records=1, dpi=30, style="fancy")


def test_demo_plan_still_gives_the_committed_records() -> None:
    """The demo's records and page texts, rebuilt without drawing, match the committed truth."""
    truth = json.loads((SAMPLES_DIR / "ground_truth.json").read_text(encoding="utf-8"))
    rng = random.Random(DEMO_SEED)
    specs = [r for f in demo_plan() for r in f.records]
    records = [make_record(rng, s.type, person=s.person, school=s.school, long_body=s.long_body,
                           certificate=s.certificate) for s in specs]
    committed = sorted(truth["records"], key=lambda r: r["id"])
    texts = [t for f in truth["files"] for t in (p["text"] for p in f["pages"])]
    assert [p for rec in records for p in ("\n".join(x) for x in
                                             layout_document(rec.blocks, DEMO_DPI))] == texts
    for rec, gt in zip(records, committed):
        assert (rec.type.value, rec.number, rec.date.isoformat(), rec.issuer, rec.subject) == (
            gt["type"], gt["number"], gt["date"], gt["issuer"], gt["subject"])


def test_cli_new_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["--out", str(tmp_path / "v"), "--records", "3", "--dpis", "30,40", "--colours",
                 "grey,bilevel", "--rescans", "1", "--levels", "mild", "--seed", "4"])
    assert code == 0 and "4 records" in capsys.readouterr().out
    truth = json.loads((tmp_path / "v" / "ground_truth.json").read_text(encoding="utf-8"))
    assert {f["colour"] for f in truth["files"]} <= {"grey", "bilevel"}
    assert sum(1 for r in truth["records"] if r["rescan_of"]) == 1
    main(["--out", str(tmp_path / "c"), "--records", "1", "--dpi", "30", "--style", "classic"])
    truth = json.loads((tmp_path / "c" / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["generator_version"] == "1.0.0"
    with pytest.raises(SystemExit):
        main(["--out", str(tmp_path / "x"), "--style", "classic", "--rescans", "2"])


def test_varied_skew_keeps_the_corners_of_the_page() -> None:
    img = np.full((300, 210, 3), 255, np.uint8)
    for y, x in ((5, 5), (5, 195), (285, 5), (285, 195)):
        img[y:y + 10, x:x + 10] = 0
    kept = skew_by(img, 8.0, (255, 255, 255), expand=True)
    cut = skew_by(img, 8.0, (255, 255, 255))
    assert kept.shape[0] > img.shape[0] and kept.shape[1] > img.shape[1]
    assert (kept < 128).all(axis=-1).sum() > 0.9 * 400 > (cut < 128).all(axis=-1).sum()
    assert _ink_angle(skew_by(_text_block(), 3.0, (255, 255, 255), expand=True)) == pytest.approx(
        3.0, abs=0.5)
