"""Tests for the explainable procedure classifier."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import HP
from pipeline.classify import RULES, Classification, Evidence, classify, find_phrase
from pipeline.domain import ProcedureType as P
from pipeline.folding import fold

HEADER_SGD = """UBND THÀNH PHỐ HẢI PHÒNG
SỞ GIÁO DỤC VÀ ĐÀO TẠO
Số: {number}
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Hải Phòng, ngày 05 tháng 7 năm 2010
"""
CLOSING = """Điều 3. Chánh Văn phòng, Trưởng phòng Khảo thí và Kiểm định chất lượng giáo dục
chịu trách nhiệm thi hành Quyết định này./.
Nơi nhận:
- Như Điều 3;
- Lưu VT.
GIÁM ĐỐC
"""

DOCS: dict[P, str] = {
    P.XAC_MINH_VAN_BANG: HEADER_SGD.format(number="45/SGDĐT-KTKĐ") + """V/v xác minh văn bằng
Kính gửi: Công ty TNHH Hoa Mai
Sở Giáo dục và Đào tạo Hải Phòng nhận được Công văn đề nghị xác minh văn bằng của ông có tên sau:
Họ và tên: Nguyễn Văn An
Kết quả xác minh: ông Nguyễn Văn An đã được Sở cấp bằng tốt nghiệp THPT năm 2008.
Nơi nhận:
- Như trên;
""",
    P.KIEM_DINH_CHAT_LUONG: HEADER_SGD.format(number="512/QĐ-SGDĐT") + """QUYẾT ĐỊNH
Về việc cấp Giấy chứng nhận kiểm định chất lượng giáo dục
GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG
Căn cứ Quyết định số 83/2008/QĐ-BGDĐT ngày 31/12/2008 về quy trình và chu kỳ kiểm định chất lượng giáo dục;
QUYẾT ĐỊNH:
Điều 1. Cấp Giấy chứng nhận kiểm định chất lượng giáo dục cho Trường THCS Lê Lợi,
đạt tiêu chuẩn chất lượng giáo dục cấp độ 2.
Điều 2. Giấy chứng nhận có giá trị trong thời hạn 05 năm kể từ ngày ký.
""" + CLOSING,
    P.CONG_NHAN_CHUAN_QUOC_GIA: """ỦY BAN NHÂN DÂN
THÀNH PHỐ HẢI PHÒNG
Số: 1234/QĐ-UBND
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Hải Phòng, ngày 15 tháng 8 năm 2011
QUYẾT ĐỊNH
Về việc công nhận Trường Tiểu học Đằng Lâm, quận Hải An
đạt chuẩn Quốc gia mức độ 1
Điều 1. Công nhận Trường Tiểu học Đằng Lâm đạt chuẩn Quốc gia mức độ 1.
Điều 2. Danh hiệu trường đạt chuẩn Quốc gia có giá trị trong thời hạn 05 năm.
""",
    P.CAP_BAN_SAO_VAN_BANG: HEADER_SGD.format(number="77/QĐ-SGDĐT") + """QUYẾT ĐỊNH
Về việc cấp bản sao văn bằng từ sổ gốc
Xét đơn đề nghị cấp bản sao văn bằng của bà Trần Thị Mai;
Điều 1. Cấp bản sao bằng tốt nghiệp THPT từ sổ gốc cho bà có tên sau:
Họ và tên: Trần Thị Mai
Điều 2. Bản sao văn bằng cấp từ sổ gốc có giá trị sử dụng thay cho bản chính.
""" + CLOSING,
    P.CHINH_SUA_VAN_BANG: HEADER_SGD.format(number="301/QĐ-SGDĐT") + """QUYẾT ĐỊNH
Về việc chỉnh sửa nội dung văn bằng
Xét đơn đề nghị chỉnh sửa văn bằng của ông Lê Văn Nam;
Điều 1. Chỉnh sửa nội dung bằng tốt nghiệp THCS đã cấp cho ông Lê Văn Nam:
Họ và tên ghi trong văn bằng: Lê Văn Năm; nay sửa lại là: Lê Văn Nam.
""" + CLOSING,
    P.CONG_NHAN_VAN_BANG_NUOC_NGOAI: HEADER_SGD.format(number="88/QĐ-SGDĐT") + """QUYẾT ĐỊNH
Về việc công nhận văn bằng do cơ sở giáo dục nước ngoài cấp
Căn cứ Quyết định số 77/2007/QĐ-BGDĐT về trình tự, thủ tục công nhận văn bằng của người Việt Nam
do cơ sở giáo dục nước ngoài cấp;
Điều 1. Công nhận Bằng tốt nghiệp trung học do Trường Trung học Box Hill, Australia cấp cho ông Phạm Minh Đức.
""" + CLOSING,
}

#: The Hải Phòng Department's Q1-2023 report (the user's seed document), kept with its profile.
SEED = Path(__file__).resolve().parent.parent / "pipeline/profiles/hai-phong/report_q1_2023.txt"


def _drop_diacritics(text: str) -> str:
    # Keep case and line structure; fold() would lower-case and join lines.
    return "\n".join(
        "".join(c if not c.isalpha() else (fold(c) if c.islower() else fold(c).upper()) or c
                for c in line)
        for line in text.split("\n")
    )


def _substitute(text: str, rate: float, seed: int) -> str:
    rng = random.Random(seed)
    letters = "abcdeghiklmnopqrstuvxy"
    return "".join(
        rng.choice(letters) if c.isalpha() and rng.random() < rate else c for c in text
    )


@pytest.mark.parametrize("ptype", list(DOCS))
def test_clean_documents(ptype: P) -> None:
    result = classify(DOCS[ptype], HP)
    assert result.type is ptype, result.reasons
    assert result.confidence >= 0.5
    assert not result.needs_review
    assert result.reasons and all("(+" in r for r in result.reasons)
    assert result.candidates[ptype] == max(result.candidates.values())


@pytest.mark.parametrize("ptype", list(DOCS))
def test_without_diacritics(ptype: P) -> None:
    assert classify(_drop_diacritics(DOCS[ptype]), HP).type is ptype


@pytest.mark.parametrize("ptype", list(DOCS))
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_noisy_five_percent_substitutions(ptype: P, seed: int) -> None:
    noisy = _substitute(_drop_diacritics(DOCS[ptype]), 0.05, seed)
    assert classify(noisy, HP).type is ptype, noisy


def test_reasons_are_readable() -> None:
    result = classify(DOCS[P.CONG_NHAN_CHUAN_QUOC_GIA], HP)
    assert any(r.startswith("about: ") and "dat chuan quoc gia" in r and "(+3.0)" in r
               for r in result.reasons)
    assert any(r.startswith("number: '1234/qd-ubnd'") for r in result.reasons)


def test_no_evidence_is_khac() -> None:
    result = classify("Điều 2. Các nội dung khác giữ nguyên.\nNơi nhận:\n- Lưu VT.", HP)
    assert result == Classification(P.KHAC, 0.0, result.reasons, {})
    assert result.needs_review


def test_seed_report_is_not_a_procedure_result() -> None:
    result = classify(SEED.read_text(encoding="utf-8"), HP)
    assert result.type is P.KHAC or result.confidence < 0.5
    assert result.needs_review


def test_weak_evidence_goes_to_khac() -> None:
    result = classify("Công văn nhắc lại việc xác minh văn bằng năm trước.", HP)
    assert result.type is P.KHAC
    assert result.needs_review
    assert result.reasons[0].startswith("weak evidence")


def test_find_phrase_tolerance() -> None:
    assert find_phrase("xac minh van bang", "v/v xac mlnh van bang") is not None
    assert find_phrase("xac minh van bang", "v/v xac mlnh vau bang") is None  # 2 errors, 17 chars
    assert find_phrase("chinh sua", "co che chinh sach") is None  # short: exact only
    assert find_phrase("dat chuan quoc gia", "dat chuan quoc gia") == (0, 18)


def test_registry_is_data() -> None:
    assert all(isinstance(r, Evidence) for r in RULES)
    assert {r.type for r in RULES} == set(P)
    with pytest.raises(ValueError):
        Evidence(P.KHAC, ("x",), ("nowhere",), 1.0)
    custom = (Evidence(P.XAC_MINH_VAN_BANG, ("giay bao",), ("body",), 5.0),)
    assert classify("đây là giấy báo", HP, rules=custom).type is P.XAC_MINH_VAN_BANG


@pytest.mark.parametrize(("about", "ptype"), [
    ("V/v xác minh bằng tốt nghiệp trung học phổ thông", P.XAC_MINH_VAN_BANG),
    ("Về việc chỉnh sửa nội dung bằng tốt nghiệp", P.CHINH_SUA_VAN_BANG),
    ("Về việc chỉnh sửa nội dung chứng chỉ tiếng Anh", P.CHINH_SUA_VAN_BANG),
    ("Về việc cấp bản sao bằng tốt nghiệp", P.CAP_BAN_SAO_VAN_BANG),
    ("Về việc cấp bản sao chứng chỉ tin học", P.CAP_BAN_SAO_VAN_BANG),
])
def test_a_diploma_named_by_its_kind_is_still_a_diploma(about: str, ptype: P) -> None:
    """The procedures cover every diploma and certificate: a title may name the kind, not "văn bằng"."""
    text = HEADER_SGD.format(number="12/QĐ-SGDĐT") + "QUYẾT ĐỊNH\n" + about + "\n" + CLOSING
    result = classify(text, HP)
    assert result.type is ptype and not result.needs_review, result.reasons


def test_a_verification_reply_whose_subject_line_is_lost_is_known_by_what_it_did() -> None:
    """A stain over "V/v xác minh văn bằng" leaves the reply's account of the check: it compared the
    register ("đối chiếu sổ gốc") and found the holder in it. A copy issued from the register says so too,
    but names itself a copy first."""
    reply = HEADER_SGD.format(number="151/GDĐT-VP") + """VY Xác dĩmh vàn đang cá nghe
Kính gửi: Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh tỉnh Nghệ An
Theo đề nghị của Ngân hàng tại Công văn số 550/NHNG-HCNS ngày 03/09/2009, Phòng đã kiểm tra,
đối chiếu với sổ gốc cấp văn bằng lưu tại Phòng về văn bằng của ông Nguyễn Trọng Hậu.
Đối chiếu sổ gốc cấp văn bằng năm 2005, ông Nguyễn Trọng Hậu có tên trong sổ gốc.
"""
    result = classify(reply, HP)
    assert result.type is P.XAC_MINH_VAN_BANG, result.reasons
    copy = DOCS[P.CAP_BAN_SAO_VAN_BANG].replace("Điều 1.", "Sau khi đối chiếu với sổ gốc,\nĐiều 1.")
    assert classify(copy, HP).type is P.CAP_BAN_SAO_VAN_BANG
