"""The titles of a Vietnamese administrative document, and the type code each gives its number.

They are the form of a document under Nghị định 30/2020/NĐ-CP, not any
office's knowledge (that is the profile's, :mod:`pipeline.profile`); the
patterns of its other fixed parts ("Số:", "ngày … tháng … năm", "V/v") are
in :mod:`pipeline.patterns`.
"""

from __future__ import annotations

from rapidfuzz import fuzz

__all__ = ["TITLES", "TITLE_CODES", "looks_like_title"]

#: Centred document titles: canonical printed form -> folded aliases.
TITLES: dict[str, tuple[str, ...]] = {
    "GIẤY XÁC MINH VĂN BẰNG, CHỨNG CHỈ": (
        "giay xac minh van bang, chung chi",
        "giay xac minh van bang chung chi",
        "giay xac minh van bang",
    ),
    "GIẤY CHỨNG NHẬN KIỂM ĐỊNH CHẤT LƯỢNG GIÁO DỤC": (
        "giay chung nhan kiem dinh chat luong giao duc",
    ),
    "GIẤY CHỨNG NHẬN": ("giay chung nhan",),
    "BẰNG CÔNG NHẬN": ("bang cong nhan",),
    "QUYẾT ĐỊNH": ("quyet dinh",),
    "BẢN SAO VĂN BẰNG, CHỨNG CHỈ": ("ban sao van bang, chung chi", "ban sao van bang"),
    "GIẤY CÔNG NHẬN VĂN BẰNG": ("giay cong nhan van bang",),
    "THÔNG BÁO": ("thong bao",),
    "BÁO CÁO": ("bao cao",),
    "TỜ TRÌNH": ("to trinh",),
    "KẾ HOẠCH": ("ke hoach",),
    "THÔNG TƯ": ("thong tu",),
    "CHỈ THỊ": ("chi thi",),
    "HƯỚNG DẪN": ("huong dan",),
    "CÔNG VĂN": ("cong van",),
}

#: The type code a title gives the symbol of the document's number
#: ("QUYẾT ĐỊNH" → "123/QĐ-…"); a công văn has no title and no type code.
TITLE_CODES: dict[str, str] = {
    "QUYẾT ĐỊNH": "QĐ",
    "GIẤY CHỨNG NHẬN": "GCN",
    "GIẤY CHỨNG NHẬN KIỂM ĐỊNH CHẤT LƯỢNG GIÁO DỤC": "GCN",
    "THÔNG BÁO": "TB",
    "BÁO CÁO": "BC",
    "TỜ TRÌNH": "TTr",
    "KẾ HOẠCH": "KH",
    "THÔNG TƯ": "TT",
    "CHỈ THỊ": "CT",
    "HƯỚNG DẪN": "HD",
}

def looks_like_title(folded_line: str) -> bool:
    """Whether a folded line is one of the :data:`TITLES` (a letter or two misread)."""
    line = " ".join(folded_line.split()).strip(" .:")
    return any(fuzz.ratio(a, line) >= 85 for aliases in TITLES.values() for a in aliases)
