"""The fixed parts of a Vietnamese administrative document, as OCR reads them (folded).

One place for the patterns every parser shares: the document's titles and
the type code each gives its number's symbol, the "Về việc" / "V/v"
subject line, and the header's "Số:" line whether its digits were read or
not. They are the form of a document under Nghị định 30/2020/NĐ-CP, not
any office's knowledge (that is the profile's, :mod:`pipeline.profile`).
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

__all__ = ["ABOUT_RE", "BODY_START_RE", "NUMBER_SLOT_RE", "TITLES", "TITLE_CODES", "looks_like_title"]

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

#: "Về việc" and "V/v" as OCR reads them: "V/ xác minh" (the second "v" lost), "V+$v" (the slash garbled).
ABOUT_RE = re.compile(r"^\s*(?:v[e\u00ea]\s*v[i1l]?[e3]c|v\s*[/l1|]\s*[vy]|v\s*[/+$|]{1,3}\s*[vy]?(?=\s))\s*[:.]?\s*")

#: A header line that opens with "Số" (a scrap before it at most) and has a slash soon after, digits
#: read or not ("Số: /QĐ-UBND" of a number never written in, "Số: 43† /QĐ-UBND" or "Số:0/ /QĐ-UBND" of a
#: handwritten one),
#: or digits and a hyphenated symbol with the slash read "." or lost ("Số: 79 GDĐT-KT"), or "Số"
#: read as a scrap glued to the digits or a short word ("S&533/QĐ-UBND", "võ 191 /PGDĐT-CM").
NUMBER_SLOT_RE = re.compile(r"^(?:(?:\S{1,3}\s+)?\W{0,3}s[o06]\s*[:;.]?\s*(?:[^\n]{0,12}?[/)]\s*[a-z]"
                            r"|[0-9]{1,5}(?:\s*[.,]\s*|\s+)[a-z&]{2,}[a-z0-9&]*\s*-)"
                            r"|[\W_]{0,3}(?:s[^\w\s]|[a-z]{1,3}\s+)[0-9]{1,5}\s*/\s*[a-z])")


#: A line where the header is over and the body begins: the addressee ("Kính gửi:") or the legal
#: bases ("Căn cứ …"). The document's number is printed above it; a "số …" below is a cited act's.
BODY_START_RE = re.compile(r"^\W{0,3}(?:kinh gui|can cu)\b")


def looks_like_title(folded_line: str) -> bool:
    """Whether a folded line is one of the :data:`TITLES` (a letter or two misread)."""
    line = " ".join(folded_line.split()).strip(" .:")
    return any(fuzz.ratio(a, line) >= 85 for aliases in TITLES.values() for a in aliases)
