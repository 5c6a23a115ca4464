"""The fixed parts of a document as OCR reads them: one compiled pattern each, on folded text.

Every administrative document prints the same parts (Nghị định 30/2020/NĐ-CP):
the motto, the "Số:" line, the place-date line "<place>, ngày … tháng …
năm …", the "V/v" line. Each is written here once, with the OCR spellings
the parsers accept and why each is there; the parsers
(:mod:`pipeline.numbers_dates`, :mod:`pipeline.place_dates`,
:mod:`pipeline.date_repair`, :mod:`pipeline.header_block`,
:mod:`pipeline.segment`, :mod:`pipeline.titles`, :mod:`ocr.header_lines`,
:mod:`ocr.lost_lines`, :mod:`pipeline.revocation`) build on these and keep no copy
of their own. :mod:`ocr.hand_slots` alone keeps looser word forms: it finds the
typed words around a handwritten slot one word at a time, digits glued to
them ("ngày15", "Số:12"), and needs where in the word each ends. All
patterns match folded text (see :mod:`pipeline.folding`: lower case, no
diacritics, "đ" as "d"). The titles and their type codes are the form's
vocabulary, in :mod:`pipeline.forms`.

The string fragments (``SO``, ``NGAY``, …) are for patterns that read a
value around the part; the compiled ones (``…_RE``) are used as they are.
"""

from __future__ import annotations

import re

__all__ = [
    "ABOUT_RE",
    "BODY_START_RE",
    "HEADER_LINES",
    "MOTTO",
    "MOTTO_LINE_RES",
    "NAM",
    "NAM_DAMAGED",
    "NAM_WORD",
    "NGAY",
    "NGAY_WORD",
    "NUMBER_SLOT_RE",
    "PLACE",
    "PLACE_RE",
    "SO",
    "SO_LABEL",
    "SO_PUNCT",
    "SO_SCRAP",
    "THANG",
    "THANG_WORD",
]

#: The header window: how many non-empty lines at the top of a page hold the header (the issuer's
#: lines, the motto, the number line and the place-date line beside it). An e-signature banner or
#: a copy stamp read above the header takes two or three lines, the header itself six to eight;
#: below twelve the title and the body begin, where a "số …" or a date is a cited act's.
HEADER_LINES = 12

# --------------------------------------------------------------------------
# "Số:" — the number line
# --------------------------------------------------------------------------

#: "Số" as read: "so", its "o" read as a digit ("s0", "s6", "s8": the hook of "ố" closes the
#: "o"), or its "S" read as a "5" ("5o").
SO = r"(?:s[o068]|5o)"
#: What Tesseract makes of the colon after "Số": ":", or ";", "." or "," (a speck of its two dots).
SO_PUNCT = r"[:;.,]"
#: "Số" opening a number: not the end of a word or a number; "5o" only before its colon
#: (before digits it may be a "50" misread: "5o 12" is no number line).
SO_LABEL = r"(?<![a-z0-9])(?:s[o068]|5o(?=\s*:))"

#: "Số" read as a short word or a scrap of one to three characters, a letter among them ("võ" of "Số",
#: "3o" of a "Số" whose "S" a tear took): only ever taken before a number and its slash.
SO_SCRAP = r"[a-z0-9]{0,2}[a-z]"

#: A header line that opens with "Số" (a scrap before it at most) and has a slash soon after, digits
#: read or not ("Số: /QĐ-UBND" of a number never written in, "Số: 43† /QĐ-UBND" or "Số:0/ /QĐ-UBND" of a
#: handwritten one), or digits and a hyphenated symbol with the slash read "." or ":" or lost ("Số: 79
#: GDĐT-KT", "Số: 678:QĐ-SG1& T"), or "Số" read as a scrap glued to the digits or a short word
#: ("S&533/QĐ-UBND", "võ 191 /PGDĐT-CM", "3ố 703 /QĐ-SGDĐT": a tear took the "S", its scrap read as a digit).
NUMBER_SLOT_RE = re.compile(rf"^(?:(?:\S{{1,3}}\s+)?\W{{0,3}}{SO}\s*{SO_PUNCT}?\s*(?:[^\n]{{0,12}}?[/)]\s*[a-z]"
                            r"|[0-9]{1,5}(?:\s*[.,]\s*|[:;]|\s+)[a-z&]{2,}[a-z0-9&]*\s*-)"
                            rf"|[\W_]{{0,3}}(?:s[^\w\s]|{SO_SCRAP}\s+)[0-9]{{1,5}}\s*/\s*[a-z])")

#: A line where the header is over and the body begins: the addressee ("Kính gửi:") or the legal
#: bases ("Căn cứ …"). The document's number is printed above it; a "số …" below is a cited act's.
BODY_START_RE = re.compile(r"^\W{0,3}(?:kinh gui|can cu)\b")

# --------------------------------------------------------------------------
# "<place>, ngày … tháng … năm …" — the place-date line
# --------------------------------------------------------------------------

#: "ngày" as read, for a pattern whose numbers confirm it: its "ng" read "rg", "nq", "mg", "pg",
#: "pq", "rq", "mq" or "ny" (one letter may be wrong, the shape must stay), any one or two
#: letters after; or "9ay"/"9av" ("ng" read as one "9", not after a digit).
NGAY = r"(?:(?:[nrmp]\s?[gq]|n\s?y)\s?[a-z]{1,2}|(?<![0-9])9a[yv])"
#: "tháng" as read: its "h" read "b" or "k" ("tbang"), two or three letters after.
THANG = r"t\s?[hbk]\s?[a-z]{2,3}"
#: "năm" as read: any letter for "ă", its "m" read "rn" ("narn").
NAM = r"n\s?[a-z]\s?(?:m|rn)"
#: "năm" as a damaged line may read it: a letter more between its "n" and "m" ("nềšm").
NAM_DAMAGED = r"n\s?[a-z]{1,2}\s?(?:m|rn)"
#: "ngày" as a whole word, for a line found by its words alone (no numbers to confirm it): the
#: spellings of :data:`NGAY` with the word's end kept ("ay"), or "ng" and one letter misread before
#: "y" ("ngày" read "ngáy" folds alike, "ngiy").
NGAY_WORD = r"(?:[nrmp][gq]ay|9ay|ng[a-z]y)(?![a-z])"
#: "tháng" as a whole word: "thong" (in "phổ thông năm 2012") is none.
THANG_WORD = r"(?<![a-z])t[hbk]a?ng(?![a-z])"
#: "năm" as a whole word: "nam" (also "Việt Nam"'s: the caller asks for more), "narn".
NAM_WORD = r"(?<![a-z])n[a-z](?:m|rn)(?![a-z])"

#: The place in front of the date: one to four words ("Huế", "Hải Phòng", "Thành phố Hồ Chí
#: Minh"'s last four), then the comma (a dot when the comma's tail is lost).
PLACE = r"[a-z]{2,}(?:\s[a-z]{2,}){0,3}\s*[,.]"
#: Text before "ngày" that ends with a place ("Hải Phòng,").
PLACE_RE = re.compile(rf"{PLACE}\s*$")

# --------------------------------------------------------------------------
# The motto, and "V/v"
# --------------------------------------------------------------------------

#: The motto's two lines, folded, as printed.
MOTTO = ("cong hoa xa hoi chu nghia viet nam", "doc lap - tu do - hanh phuc")
#: A word pair of each motto line, either of which says the line is there when a stain took the rest.
MOTTO_LINE_RES = (re.compile(r"(?<![a-z])(?:cong hoa|chu nghia|viet nam)(?![a-z])"),
                  re.compile(r"(?<![a-z])(?:hanh phuc|tu do|doc lap)(?![a-z])"))

#: "Về việc" and "V/v" opening a line as OCR reads them: "V/ xác minh" (the second "v" lost), "V+$v"
#: (the slash garbled), "V1v"/"Vlv" (the slash read as a stroke), "V/y".
ABOUT_RE = re.compile(r"^\s*(?:v[e\u00ea]\s*v[i1l]?[e3]c|v\s*[/l1|]\s*[vy]|v\s*[/+$|]{1,3}\s*[vy]?(?=\s))\s*[:.]?\s*")
