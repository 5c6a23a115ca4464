"""Tests for grouping pages into records."""

from __future__ import annotations

import random

from conftest import HP
from pipeline.segment import START_THRESHOLD, header_evidence, is_blank, segment, segment_with_reasons

HEADER = """UBND THÀNH PHỐ HẢI PHÒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
SỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc
Số: {n}/QĐ-SGDĐT Hải Phòng, ngày 05 tháng 7 năm 2010
QUYẾT ĐỊNH
Về việc cấp bản sao văn bằng từ sổ gốc
Căn cứ Quyết định số 33/2007/QĐ-BGDĐT ngày 20/6/2007;
Xét đơn đề nghị cấp bản sao văn bằng của bà Trần Thị Mai ngày 12 tháng 6 năm 2010;
"""
UBND_HEADER = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HẢI PHÒNG
Số: 1234/QĐ-UBND
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hải Phòng, ngày 15 tháng 8 năm 2011
QUYẾT ĐỊNH
Về việc công nhận Trường Tiểu học Đằng Lâm đạt chuẩn Quốc gia
"""
CONTINUATION = """Điều 2. Quyết định có hiệu lực kể từ ngày ký.
Điều 3. Chánh Văn phòng Sở Giáo dục và Đào tạo, Trưởng phòng Khảo thí
và bà Trần Thị Mai chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu VT.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
"""
# A continuation page that opens with body text citing acts and dates.
TRICKY_CONTINUATION = """QUYẾT ĐỊNH:
Sở Giáo dục và Đào tạo xét đơn ngày 12 tháng 6 năm 2010 của bà Trần Thị Mai
Căn cứ Quyết định số 12/QĐ-SGDĐT ngày 02/01/2010 của Sở Giáo dục và Đào tạo;
Điều 1. Cấp bản sao bằng tốt nghiệp THPT từ sổ gốc.
"""
CERTIFICATE_PAGE = """CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
GIẤY CHỨNG NHẬN
KIỂM ĐỊNH CHẤT LƯỢNG GIÁO DỤC
Trường THCS Lê Lợi
Đạt tiêu chuẩn chất lượng giáo dục cấp độ 2
Hải Phòng, ngày 05 tháng 7 năm 2010
"""


def _noisy(text: str, seed: int, rate: float = 0.05) -> str:
    rng = random.Random(seed)
    swaps = {"o": "0", "l": "1", "S": "5", "i": "l", "a": "e", "n": "u"}
    out = []
    for c in text:
        r = rng.random()
        if r < rate and c in swaps:
            out.append(swaps[c])
        elif r < rate / 2 and c.isalpha():
            out.append(rng.choice("abcdeghik"))
        else:
            out.append(c)
    return "".join(out)


def test_header_pages_start_records() -> None:
    pages = [HEADER.format(n=1), CONTINUATION, HEADER.format(n=2), UBND_HEADER, CONTINUATION]
    assert segment(pages, HP) == [(1, 2), (3,), (4, 5)]


def test_first_page_without_header_starts_a_record() -> None:
    assert segment([CONTINUATION, CONTINUATION, HEADER.format(n=3)], HP) == [(1, 2), (3,)]


def test_blank_pages_join_previous_record() -> None:
    pages = [HEADER.format(n=1), "", "  \n . , ' ~ \n", HEADER.format(n=2), "\f"]
    assert segment(pages, HP) == [(1, 2, 3), (4, 5)]
    assert segment(["", HEADER.format(n=1)], HP) == [(1,), (2,)]
    assert segment([], HP) == []


def test_body_text_with_dates_and_citations_is_a_continuation() -> None:
    score, reasons = header_evidence(TRICKY_CONTINUATION, HP)
    assert score < 3.0, reasons
    assert segment([HEADER.format(n=1), TRICKY_CONTINUATION], HP) == [(1, 2)]


def test_certificate_page_with_motto_starts_a_record() -> None:
    other_day = CERTIFICATE_PAGE.replace("ngày 05 tháng 7", "ngày 06 tháng 7")
    assert segment([HEADER.format(n=1), CONTINUATION, other_day], HP) == [(1, 2), (3,)]
    assert segment([CONTINUATION, CERTIFICATE_PAGE], HP) == [(1,), (2,)]


def test_certificate_of_the_same_date_joins_its_decision() -> None:
    decisions = segment_with_reasons([HEADER.format(n=1), CONTINUATION, CERTIFICATE_PAGE], HP)
    assert [d.starts_record for d in decisions] == [True, False, False]
    assert decisions[2].reasons[-1].startswith("certificate of the decision dated 2010-07-05")
    # A new decision after the certificate starts its own record.
    pages = [HEADER.format(n=1), CERTIFICATE_PAGE, HEADER.format(n=2)]
    assert segment(pages, HP) == [(1, 2), (3,)]


def test_noisy_ocr_headers() -> None:
    for seed in range(5):
        pages = [
            _noisy(HEADER.format(n=10 + seed), seed),
            _noisy(CONTINUATION, seed + 100),
            _noisy(UBND_HEADER, seed + 200),
        ]
        assert segment(pages, HP) == [(1, 2), (3,)], seed


def test_header_without_diacritics() -> None:
    page = ("UBND THANH PHO HAI PHONG CONG HOA XA HOI CHU NGHIA VIET NAM\n"
            "SO GIAO DUC VA DAO TAO Doc lap - Tu do - Hanh phuc\n"
            "So: 45/SGDDT-KTKD Hai Phong, ngay 5 thang 7 nam 2010\n")
    assert segment([HEADER.format(n=1), page], HP) == [(1,), (2,)]


def test_reasons_explain_each_page() -> None:
    decisions = segment_with_reasons([HEADER.format(n=1), CONTINUATION, ""], HP)
    assert [d.starts_record for d in decisions] == [True, False, False]
    assert any(r.startswith("number: '1/QĐ-SGDĐT'") for r in decisions[0].reasons)
    assert any(r.startswith("motto:") for r in decisions[0].reasons)
    assert "continuation" in decisions[1].reasons[-1]
    assert "blank" in decisions[2].reasons[0]


def test_is_blank() -> None:
    assert is_blank("")
    assert is_blank("~ . ' ,, 1 2")
    assert not is_blank("Điều 2. Quyết định có hiệu lực")


def test_certificate_joins_its_decision_when_a_date_is_unreadable() -> None:
    decision = ("UBND THÀNH PHỐ HẢI PHÒNG CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSỞ GIÁO DỤC VÀ ĐÀO TẠO\n"
                "Số: 745/QĐ-SGDĐT\nHải Phòng, ngày 22 tháng 05 năm 2009\nQUYẾT ĐỊNH\n"
                "Về việc cấp Giấy chứng nhận kiểm định chất lượng giáo dục\n"
                "Điều 1. Cấp Giấy chứng nhận kiểm định chất lượng giáo dục cho Trường THPT Đồ Sơn, quận Đồ Sơn")
    certificate = ("UBND THÀNH PHỐ HẢI PHÒNG\nSỞ GIÁO DỤC VÀ ĐÀO TẠO Độc lập - Tự do - Hạnh phúc\n"
                   "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: 69/GCN-SGDĐT\nHải Phòng, ngày ?? tháng 5 năm 2009\n"
                   "GIẤY CHỨNG NHẬN\nKIỂM ĐỊNH CHẤT LƯỢNG GIÁO DỤC\nCHỨNG NHẬN\nTrường THPT Đồ Sơn\n")
    other_school = certificate.replace("Đồ Sơn", "Lê Lợi")
    assert segment([decision, certificate], HP) == [(1, 2)]
    assert segment([decision, other_school], HP) == [(1,), (2,)]
    with_rgay = certificate.replace("ngày ??", "rgày 22")  # the OCR of the demo's TIFF
    assert segment([decision, with_rgay], HP) == [(1, 2)]
    # A day misread on either page ("28" for "29"): the same school, a certificate the decision grants.
    a_day_off = segment_with_reasons([decision, certificate.replace("ngày ??", "ngày 23")], HP)
    assert [d.starts_record for d in a_day_off] == [True, False]
    assert "one may be misread" in a_day_off[1].reasons[-1]
    # Years apart it is another decision's (a renewal), and another school's is never joined.
    assert segment([decision, certificate.replace("ngày ?? tháng 5 năm 2009", "ngày 22 tháng 5 năm 2014")],
                   HP) == [(1,), (2,)]
    assert segment([decision, other_school.replace("ngày ??", "ngày 23")], HP) == [(1,), (2,)]


def test_a_decision_whose_title_line_is_stained_still_takes_its_certificate() -> None:
    """The title line came back "ú 9 ° QUYẾT ĐỊNH": the number's "QĐ" says the page is a decision."""
    stained = HEADER.format(n=476).replace("QUYẾT ĐỊNH\n", "ú 9 ° QUYẾT ĐỊNH Lo 4\n")
    decisions = segment_with_reasons([stained, CERTIFICATE_PAGE], HP)
    assert [d.starts_record for d in decisions] == [True, False]
    assert decisions[1].reasons[-1].startswith("certificate of the decision dated 2010-07-05")
    # A page whose number is a certificate's, or a công văn's, is no decision.
    official_letter = stained.replace("/QĐ-SGDĐT", "/SGDĐT-KTKĐ").replace("ú 9 ° QUYẾT ĐỊNH Lo 4\n", "")
    assert segment([official_letter, CERTIFICATE_PAGE], HP) == [(1,), (2,)]


def test_an_annex_joins_the_act_it_is_issued_with() -> None:
    """A real decision's annex ("PHỤ LỤC … kèm theo Quyết định số 237/QĐ-UBND …") is no record of its own."""
    decision = ("ỦY BAN NHÂN DÂN\nTỈNH QUẢNG NGÃI\nSố: 237/QĐ-UBND\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
                "Quảng Ngãi, ngày 17 tháng 02 năm 2025\nQUYẾT ĐỊNH\nVề việc công bố Danh mục thủ tục hành chính")
    annex = ("PHỤ LỤC\nDANH MỤC THỦ TỤC HÀNH CHÍNH\n(Ban hành kèm theo Quyết định số 237/QĐ-UBND ngày 17/02/2025\n"
             "của Chủ tịch UBND tỉnh Quảng Ngãi)\nỦY BAN NHÂN DÂN\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSTT")
    table = "STT\nMã số thủ tục\nTên thủ tục hành chính\nĐịa điểm, cách thức thực hiện"
    assert segment([decision, CONTINUATION, annex, table], HP) == [(1, 2, 3, 4)]
    reasons = segment_with_reasons([decision, annex], HP)[1].reasons
    assert any(r.startswith("annex of the act before it") for r in reasons)
    # Another act on the next page still starts a record of its own.
    assert segment([decision, HEADER.format(n=2)], HP) == [(1,), (2,)]


def test_a_body_naming_a_body_and_citing_a_law_is_no_header() -> None:
    """A real công văn's page 4: "Sở Khoa học và Công nghệ …" in a sentence, "Luật … số 67/2025/QH15"."""
    page = ("4\nvà các văn bản hướng dẫn thì được hưởng ưu đãi thuế TNDN theo Luật Thuế\n"
            "TNDN số 67/2025/QH15 (thuế suất 10% trong 15 năm)\n"
            "Khoa học và Công nghệ tỉnh Ninh Bình cấp nên điều kiện cấp Giấy\n")
    score, reasons = header_evidence(page, HP)
    assert score < START_THRESHOLD, reasons
    assert segment([HEADER.format(n=1), page], HP) == [(1, 2)]
