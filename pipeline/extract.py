"""Extract the fields of one record from its (noisy) OCR text.

Every parser works on the folded text (see :mod:`pipeline.folding`) so that
lost or wrong diacritics do not matter, and cuts the value out of the
original text through :func:`~pipeline.folding.fold_aligned` when the printed
spelling is wanted (names, schools). Known vocabularies — issuers, document
titles — are data at the top of this module; issuers and schools come from
the gazetteer (:mod:`pipeline.gazetteer`), numbers from
:mod:`pipeline.numbers_dates` and dates from :mod:`pipeline.place_dates`
(re-exported there).

All functions are pure: text in, value (or ``None``) out.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from rapidfuzz import fuzz

from pipeline.domain import ProcedureType, RecordFields
from pipeline.folding import fold, fold_aligned
from pipeline.gazetteer import (
    Gazetteer,
    issuer_symbols,
    match_authority,
    match_issuer,
    match_school_name,
    normalize_school,
)
from pipeline.numbers_dates import (
    _D,
    NUMBER_SUFFIXES,
    _fix_digits,
    _lines_aligned,
    header_lines,
    normalize_number,
    parse_date,
    parse_date_detail,
    parse_number,
    repair_symbol,
    slashless_number,
    snap_symbol,
    symbol_tail,
    unknown_codes,
)

__all__ = [
    "TITLES",
    "NUMBER_SUFFIXES",
    "extract_fields",
    "extract_fields_noted",
    "filing_unit",
    "parse_number_detail",
    "header_lines",
    "parse_number",
    "parse_date",
    "parse_date_detail",
    "parse_issuer",
    "parse_title",
    "parse_about",
    "parse_subject",
    "parse_person",
    "parse_school",
    "parse_validity_years",
    "normalize_number",
    "PERSON_TYPES",
    "SCHOOL_TYPES",
]

# --------------------------------------------------------------------------
# Vocabularies (data)
# --------------------------------------------------------------------------


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
}

#: Procedures whose subject is a person / a school.
PERSON_TYPES: frozenset[ProcedureType] = frozenset(
    {
        ProcedureType.XAC_MINH_VAN_BANG,
        ProcedureType.CAP_BAN_SAO_VAN_BANG,
        ProcedureType.CHINH_SUA_VAN_BANG,
        ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI,
    }
)
SCHOOL_TYPES: frozenset[ProcedureType] = frozenset(
    {ProcedureType.KIEM_DINH_CHAT_LUONG, ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA}
)

#: Folded school levels -> printed form (longest first when matching).
SCHOOL_LEVELS: dict[str, str] = {
    "trung hoc co so": "Trung học cơ sở",
    "trung hoc pho thong": "Trung học phổ thông",
    "tieu hoc va thcs": "Tiểu học và THCS",
    "th va thcs": "TH và THCS",
    "th&thcs": "TH&THCS",
    "thcs va thpt": "THCS và THPT",
    "thcs&thpt": "THCS&THPT",
    "mam non": "Mầm non",
    "mau giao": "Mẫu giáo",
    "tieu hoc": "Tiểu học",
    "nha tre": "Nhà trẻ",
    "thcs": "THCS",
    "thpt": "THPT",
    "ptth": "PTTH",
    "ptcs": "PTCS",
}

# --------------------------------------------------------------------------
# Issuer, title, "Về việc"
# --------------------------------------------------------------------------

_MOTTO_PHRASES = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
)


def _cut_motto(orig: str, folded: str) -> tuple[str, str]:
    """Remove the right-hand header (motto, place-date) from an interleaved line."""
    cut = len(folded)
    for phrase in _MOTTO_PHRASES:
        if len(folded) < 8:
            break
        if len(folded.strip()) < len(phrase):
            if fuzz.ratio(phrase, folded.strip()) >= 80:
                cut = 0
            continue
        al = fuzz.partial_ratio_alignment(phrase, folded)
        if al is not None and al.score >= 80:
            cut = min(cut, al.dest_start)
    m = re.search(r"(?:^|\s)(?:hai phong|[a-z]+ [a-z]+)\s*,\s*ngay", folded)
    if m:
        cut = min(cut, m.start())
    m = re.search(r"(?:^|\s)s[o0]\s*[:;.]?\s*" + _D + r"*\s*/", folded)
    if m:
        cut = min(cut, m.start())
    return orig[:cut].strip(" -_|"), folded[:cut].strip(" -_|")


def _header_zone(text: str, max_lines: int = 8) -> list[tuple[str, str]]:
    """Left-header lines (original, folded) up to the "Số:" line."""
    out: list[tuple[str, str]] = []
    for orig, folded in _lines_aligned(text):
        if not folded.strip():
            continue
        is_number_line = bool(re.match(r"\s*s[o06]\s*[:;.]?\s*" + _D + r"*\s*/", folded))
        if _looks_like_title(folded) or _ABOUT_RE.match(folded) and out:
            break  # the header was lost: the title and body are no issuer
        o, f = _cut_motto(orig, folded)
        if f and not is_number_line:
            out.append((o, f))
        if is_number_line or len(out) >= max_lines:
            break
    return out


def parse_issuer(text: str, gazetteer: Gazetteer | None = None) -> str | None:
    """The issuing body from the left header block, in canonical form.

    The header lines (up to the "Số:" line, the right-hand column cut off)
    are matched fuzzily on folded text against the gazetteer's issuers (see
    :func:`pipeline.gazetteer.match_issuer`), e.g. ``"UBND THÀNH PHỐ HẢI
    PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO"``. When no known issuer matches, the raw
    header lines are joined with `` / ``.

    Args:
        text: Page or record text.
        gazetteer: Names to use; the packaged gazetteer by default.

    Returns:
        The issuer, or ``None`` when the page has no header lines.
    """
    zone = _header_zone(text)
    folded_lines = [" ".join(f.split()) for _, f in zone]
    found = match_issuer(folded_lines, gazetteer) if zone else None
    if found is not None:
        return found[0].canonical
    # A header eaten by mould: the authority line ("CHỦ TỊCH ỦY BAN NHÂN DÂN
    # THÀNH PHỐ HẢI PHÒNG") or the signature block ("TM. ỦY BAN NHÂN DÂN")
    # names the body too.
    by_authority = match_authority(text, gazetteer)
    if by_authority is not None:
        return by_authority.canonical
    raw = [" ".join(o.split()) for o, f in zone[:3] if len(f) >= 4 and not _looks_like_title(f)]
    return " / ".join(raw) if raw else None


def _looks_like_title(folded_line: str) -> bool:
    line = " ".join(folded_line.split())
    return any(fuzz.ratio(a, line) >= 85 for aliases in TITLES.values() for a in aliases)


def parse_title(text: str) -> str | None:
    """The centred document title (QUYẾT ĐỊNH, GIẤY CHỨNG NHẬN, ...).

    Args:
        text: Page or record text.

    Returns:
        The canonical printed title from :data:`TITLES`, or ``None`` (a công
        văn has no title).
    """
    for n, (_orig, folded) in enumerate(_lines_aligned(text)):
        if n > 40:
            break
        line = " ".join(folded.split()).strip(" .:")
        if not line or len(line) > 60:
            continue
        best_title, best_score = None, 0.0
        for title, aliases in TITLES.items():
            for alias in aliases:
                score = fuzz.ratio(alias, line)
                if score > best_score:
                    best_title, best_score = title, score
        if best_title is not None and best_score >= 85:
            return best_title
    return None


_ABOUT_RE = re.compile(r"^\s*(?:v[e\u00ea]\s*v[i1l]?[e3]c|v\s*[/l1|]\s*[vy])\s*[:.]?\s*")
_ABOUT_STOP_RE = re.compile(
    r"^\s*(?:can cu|kinh gui|dieu\s*\d|quyet dinh|xet|giam doc|chu tich|-|\d+[.)])"
)


def parse_about(text: str) -> str | None:
    """The subject line ("Về việc ..." / "V/v ..."), possibly wrapped.

    Args:
        text: Page or record text.

    Returns:
        The text after "Về việc"/"V/v" (original spelling, whitespace
        collapsed, continued over at most one more line), or ``None``.
    """
    lines = _lines_aligned(text)
    for i, (orig, folded) in enumerate(lines[:60]):
        m = _ABOUT_RE.match(folded)
        if not m:
            continue
        rest = orig[m.end():].strip()
        if i + 1 < len(lines):
            nxt_o, nxt_f = lines[i + 1]
            if (
                nxt_f.strip()
                and len(nxt_f.strip()) < 70
                and not _ABOUT_STOP_RE.match(nxt_f)
                and not _looks_like_title(nxt_f)
                and nxt_o.strip()[:1].islower()
            ):
                rest += " " + nxt_o.strip()
        rest = " ".join(rest.split())
        return rest or None
    return None


# --------------------------------------------------------------------------
# Subject: person or school
# --------------------------------------------------------------------------

_NAME_WORD = re.compile(r"[A-Za-zÀ-ỹĐđ]+")
# Words that end a name (or show that "Ông ..." introduces an office, not a name), as printed.
# Folded, some are given names too ("Huyền" folds to "huyen", as "huyện" does): a word read
# with its diacritics ends the name only as printed here; one read without any, folded.
_NOT_NAME_PRINTED = frozenset(unicodedata.normalize("NFC", w) for w in (
    "sinh", "ngày", "số", "ubnd", "sgd", "tp", "huyện", "tốt", "nghiệp", "giám", "tịch",
    "cán", "bộ", "giáo", "viên", "học", "người", "quê", "địa", "nơi", "lập"))
_NOT_NAME_WORDS = frozenset(fold(w) for w in _NOT_NAME_PRINTED)


def _ends_name(word: str) -> bool:
    """Whether a capitalised word after a name's first word is no part of the name."""
    lower = unicodedata.normalize("NFC", word.lower())
    folded = fold(lower)
    return lower in _NOT_NAME_PRINTED or (folded == lower and folded in _NOT_NAME_WORDS)


_OFFICE_PREFIXES = (
    "giam doc", "chu tich", "hieu truong", "truong phong", "pho ", "can bo", "giao vien",
    "truong ban", "thu truong", "chanh van", "truong khoa", "bo truong",
)
_PERSON_RES: tuple[tuple[float, re.Pattern[str]], ...] = (
    (3.5, re.compile(r"(?:nay sua lai la|sua lai la|sua thanh)\s*[:.]?\s*")),
    # "Họ" read "He" or "Hq": one letter of it may be wrong.
    (3.0, re.compile(r"(?:h[a-z] va ten|ho ten|ho, ten)\s*(?:nguoi[a-z ]{0,20})?\s*[:.]?\s*")),
    (2.0, re.compile(
        r"(?:cho|cua|la|nhan|ten)\s+(?:ong|ba|anh|chi|em)(?:\s*/\s*(?:ba|chi))?\s*[:.]?\s+"
    )),
    (1.5, re.compile(r"(?:^|[\s:;,.(-])(?:ong|ba|anh|chi)\s*/\s*(?:ba|chi)\s*[:.]?\s+")),
    (1.0, re.compile(r"(?:^|[\s:;,.(-])(?:ong|ba)\s*[:.]?\s+")),
)


#: Letters that are no Vietnamese name on their own ("Y" and "Ý" are): a name's last word
#: of one of them is a speck read as a letter.
_SPECK_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXZ")


def _take_name(orig: str, start: int, max_words: int = 5) -> list[str]:
    """Consecutive name words of ``orig`` from ``start``.

    Words may be separated by spaces or one line break (a name wrapped at the
    end of a line); any punctuation ends the name.
    """
    words: list[str] = []
    pos = start
    for m in _NAME_WORD.finditer(orig, start):
        gap = orig[pos:m.start()]
        if gap.strip(" \t\n") or gap.count("\n") > 1:
            break
        if "\n" in gap:
            if not words:
                break
            # Only a wrapped paragraph continues a name, not a "Label: value" line.
            next_line = orig[m.start():].split("\n", 1)[0]
            if ":" in next_line[:25] or len(words) >= 4:
                break
        w = m.group(0)
        if not w[:1].isupper():
            break
        if words and _ends_name(w):
            break
        words.append(w)
        pos = m.end()
        if len(words) >= max_words:
            break
    if len(words) > 2 and len(words[-1]) == 1 and words[-1] in _SPECK_LETTERS:
        words.pop()  # "Vũ Thùy Nhung O": a speck after the name read as a letter
    return words


def _title_case_name(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())


def parse_person(text: str) -> str | None:
    """The person a diploma procedure is about.

    Looks for "nay sửa lại là: …", "Họ và tên: …", "cho ông …", "của
    Anh/Chị …", "Ông/Bà …" and takes the following capitalised words (a name
    wrapped onto the next line of a paragraph is followed). Each mention
    votes with the weight of its pattern; the name with most votes wins,
    the earliest on a tie.

    Args:
        text: Record text.

    Returns:
        The name with its printed diacritics, title-cased
        ("NGUYỄN VĂN AN" → "Nguyễn Văn An"), or ``None``.
    """
    # Every mention votes with its pattern's weight; OCR damage to one
    # mention ("Bùi Xuân eoàn") is outvoted by the others.
    votes: dict[str, float] = {}
    first: dict[str, tuple[int, str]] = {}
    orig, folded = fold_aligned(text)
    for weight, regex in _PERSON_RES:
        for m in regex.finditer(folded):
            words = _take_name(orig, m.end())
            if len(words) < 2 or len(words) > 5:
                continue
            name = " ".join(words)
            folded_name = fold(name)
            if folded_name.startswith(_OFFICE_PREFIXES) or fold(words[0]) in _NOT_NAME_WORDS:
                continue
            if re.search(r"\b(?:xa hoi|chu nghia)\b", folded_name):
                continue  # the motto, its "C" lost: ":ÔNG HÒA XÃ HỘI …" read as "ông Hòa Xã Hội …"
            votes[folded_name] = votes.get(folded_name, 0.0) + weight
            if folded_name not in first or m.start() < first[folded_name][0]:
                first[folded_name] = (m.start(), _title_case_name(name))
    if not votes:
        return None
    # A name cut short by a damaged last word ("Bùi Xuân") backs the full one.
    total = {
        k: v + sum(w for j, w in votes.items() if j != k and k.startswith(j + " "))
        for k, v in votes.items()
    }
    best = max(total, key=lambda k: (total[k], -first[k][0]))
    return first[best][1]


_LEVEL_ALT = "|".join(re.escape(k) for k in sorted(SCHOOL_LEVELS, key=len, reverse=True))
_SCHOOL_RE = re.compile(rf"(?<![a-z])tr[u]?[o0]ng\s+(?P<level>{_LEVEL_ALT})(?![a-z])\s*")
_WORDS_RE = re.compile(r"[^\W_]+")
_SCHOOL_STOP = frozenset(
    {"huyen", "quan", "phuong", "xa", "thi", "tinh", "dat", "nam", "giai", "duoc", "tai",
     "co", "la", "theo", "va", "ve", "thuoc", "dia", "so", "muc", "cap", "tp"}
)


def _take_school_name(orig: str, start: int) -> str | None:
    words: list[str] = []
    pos = start
    for m in re.finditer(r"[A-Za-zÀ-ỹĐđ0-9]+", orig[start:]):
        s, e = start + m.start(), start + m.end()
        gap = orig[pos:s]
        if gap.strip(" \t\n") or gap.count("\n") > 1:
            break
        if words and "\n" in gap:
            break  # the name may start on the next line, not continue there
        w = m.group(0)
        fw = fold(w)
        if not (w[:1].isupper() or w.isdigit()):
            break
        if fw in _SCHOOL_STOP or (fw == "thanh" and fold(orig[e:e + 4]).strip().startswith("pho")):
            break
        words.append(w)
        pos = e
        if len(words) >= 5:
            break
    if not words:
        return None
    return " ".join(w if w.isdigit() else _title_case_name(w) for w in words)


def parse_school(text: str) -> str | None:
    """The school a school procedure is about ("Trường THCS Lê Lợi").

    Args:
        text: Record text.

    Returns:
        "Trường <level> <Name>" with the printed diacritics, the level in its
        usual spelling (THCS, Mầm non, Tiểu học, ...) and the name title-cased;
        the most frequently mentioned school wins (first on a tie).
    """
    counts: dict[str, list[int]] = {}
    first_form: dict[str, str] = {}
    orig, folded = fold_aligned(text)
    for m in _SCHOOL_RE.finditer(folded):
        level = SCHOOL_LEVELS[m.group("level")]
        # A known school, looked up by its following words (OCR errors, a
        # wrapped line and stop-like words such as "Đất" are fine) ...
        following = _WORDS_RE.findall(orig[m.end():m.end() + 60].split("\n\n")[0])
        known = match_school_name(following[:6])
        if known is not None and (known[2] == 0 or following[0][:1].isupper()):
            full = f"Trường {level} {known[0]}"
        else:
            # ... or the capitalised words as printed, in the gazetteer's
            # spelling when it knows them.
            name = _take_school_name(orig, m.end())
            if not name:
                continue
            full, _ = normalize_school(f"Trường {level} {name}")
        key = fold(full)
        counts.setdefault(key, []).append(m.start())
        first_form.setdefault(key, full)
    if not counts:
        return None
    # A name cut short by a stain or a line break ("Trường THPT Đoàn") backs
    # the full one ("Trường THPT Đoàn Lập").
    votes = {k: len(v) + sum(len(counts[j]) for j in counts if j != k and k.startswith(j + " "))
             for k, v in counts.items()}
    key = max(counts, key=lambda k: (votes[k], -counts[k][0]))
    return first_form[key]


def parse_subject(text: str, procedure_type: ProcedureType) -> str | None:
    """The subject of a record: a person or a school, depending on the type.

    Args:
        text: Record text.
        procedure_type: The classified type; person procedures (diploma
            verification, copy, correction, foreign recognition) look for a
            person, school procedures (accreditation, national standard) for a
            school, ``khac`` tries the school then the person.

    Returns:
        The subject or ``None``.
    """
    if procedure_type in PERSON_TYPES:
        return parse_person(text)
    if procedure_type in SCHOOL_TYPES:
        return parse_school(text)
    return parse_school(text) or parse_person(text)


# --------------------------------------------------------------------------
# Validity period
# --------------------------------------------------------------------------

_NUMBER_WORDS: dict[str, int] = {
    "mot": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "sau": 6, "bay": 7,
    "tam": 8, "chin": 9, "muoi": 10,
}
_VALIDITY_RE = re.compile(
    r"(?:gia tri|thoi han|hieu luc)"
    r"(?:\s+(?:su dung|trong|thoi han|la|toi da|vong|ke ca))*\s*[:]?\s*"
    rf"(?:(?P<num>{_D}{{1,2}})|(?P<word>mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi))"
    r"\s*(?:\([a-z ]{2,12}\)\s*)?[a-z]{1,2}m(?![a-z])"
)


def parse_validity_years(text: str) -> int | None:
    """A validity period printed in the text, in years.

    Reads "có giá trị trong thời hạn 05 năm", "có thời hạn 5 năm",
    "có giá trị 05 (năm) năm", "có hiệu lực trong năm năm".

    Args:
        text: Record text.

    Returns:
        Years (1–20) or ``None``.
    """
    folded = " ".join(fold_aligned(text)[1].split())
    for m in _VALIDITY_RE.finditer(folded):
        if m.group("num"):
            try:
                years = int(_fix_digits(m.group("num")))
            except ValueError:
                continue
        else:
            years = _NUMBER_WORDS[m.group("word")]
        if 1 <= years <= 20:
            return years
    return None


# --------------------------------------------------------------------------
# Number: the symbol repaired from what is known
# --------------------------------------------------------------------------

_FILING_RE = re.compile(r"\blu[u]?\s*[:.;]?\s*vt\s*[,.;]\s*(?P<unit>[a-z&]{2,12})\b")


def filing_unit(text: str) -> str | None:
    """The unit that drafted the document, from "Lưu: VT, KTKĐ." under "Nơi nhận".

    A công văn's symbol ends with that unit's code ("837/SGDĐT-KTKĐ").

    Args:
        text: Record text.

    Returns:
        The unit's printed code when it is a known code ("KTKĐ"), else ``None``.
    """
    for line in fold_aligned(text)[1].split("\n"):
        m = _FILING_RE.search(line)
        if m is not None and m.group("unit") in NUMBER_SUFFIXES:
            return NUMBER_SUFFIXES[m.group("unit")]
    return None


def _damaged(symbol: str, number: str, symbols: tuple[str, ...], known: tuple[str, ...]) -> bool:
    """A symbol that is none of the known ones and has a code no one knows or is the start or end of one.

    ``symbols`` are the issuer's, ``known`` every issuer's in the gazetteer. The start may end
    inside a code ("SGDĐT-KT&KĐ" of "SGDĐT-KT&KĐCLGD"); the end is whole codes ("UBND" of "QĐ-UBND").
    """
    if symbol in symbols or symbol in known:
        return False
    return bool(unknown_codes(number)) or any(
        k.startswith(symbol) or k.endswith("-" + symbol) for k in symbols)


def _cut_inside(symbol: str, tail: str | None, symbols: tuple[str, ...]) -> bool:
    """``symbol`` is the start of one of ``symbols`` and its line goes on after it (garbage)."""
    read = fold(symbol)
    return (tail is not None and len(fold(tail).replace(" ", "")) > len(read)
            and any(fold(s).startswith(read) and fold(s) != read for s in symbols))


def _certificate_for_decision(number: str, title: str | None) -> bool:
    """A certificate's number ("198/GCN-SGDĐT") read for a record whose title is a decision."""
    return TITLE_CODES.get(title or "") == "QĐ" and number.rpartition("/")[2].startswith("GCN")


def parse_number_detail(text: str, issuer: str | None = None, date: dt.date | None = None,
                        title: str | None = None) -> tuple[str | None, str]:
    """The document number, its symbol repaired from the issuer's, and a note when it was inferred.

    1. The number as read (:func:`parse_number`), its symbol snapped to the
       issuer's symbols in use on ``date`` (:func:`snap_symbol`); a snap
       that only the date made possible (no "QĐ-UB" after 2005) is noted.
       A decision never takes the number of the certificate it issues
       ("…/GCN-…", filed after it): its own line is looked for without it.
    2. A symbol that is still none of the known ones, with an unknown code
       ("QĐ-UEL") or cut short ("SGDĐT"), is repaired with
       :func:`repair_symbol` from the whole tail of its line ("SGDĐ_ Á<TKĐ")
       or, failing that, from the symbol as parsed; ties are broken by the
       title's type code and the filing unit ("Lưu: VT, KTKĐ").
    3. No number, but a header line "Số: 1406 UBND" whose slash went with
       the start of the symbol (or another shape of
       :func:`~pipeline.numbers_dates.slashless_number`): the tail repaired
       the same way.

    A symbol any issuer of the gazetteer uses is never changed (one of the
    Ministry's read under the Department's header stays what it is). Every
    value from steps 2–3 is an
    inference: the note says so and sends the record to review.

    Args:
        text: Record text.
        issuer: The issuer as :func:`parse_issuer` printed it (its symbols;
            every known symbol when ``None`` or unknown).
        date: The document's date (symbols in use that day).
        title: The document's title (:func:`parse_title`).

    Returns:
        ``(number or None, note)``; the note is empty when nothing was inferred.
    """
    symbols = issuer_symbols(issuer, on=date)
    prefer = tuple(c for c in (TITLE_CODES.get(title or ""), filing_unit(text)) if c)
    number = parse_number(text)
    certificate = number if number is not None and _certificate_for_decision(number, title) else None
    if certificate is not None:  # the decision's own line ranked below its certificate's ("số 773 /QĐ-…")
        number = parse_number(text, skip=("GCN",))
    if number is None:
        # No number read, or only the number of the certificate a decision issues (another number):
        # the decision's own line may still be there, its slash or the start of its symbol damaged.
        found = slashless_number(text)
        fixed = repair_symbol(found[1], symbols, prefer) if found and found[1] else None
        if found is None or fixed is None:
            return None, (f"number unreadable: only the certificate's number {certificate} was read, "
                          "not the decision's" if certificate else "")
        number = f"{found[0]}/{fixed}"
        return number, f"number {number} inferred from the issuer's symbols (read 'Số: {found[0]} {found[1]}')"
    known = issuer_symbols(None)
    if number.rpartition("/")[2] in known:
        return number, ""  # a known symbol, if of another issuer ("QĐ-BGDĐT" cited on a page), stays
    head, _, symbol = number.rpartition("/")
    # Cut short inside a code ("SGDĐT-KT&KĐ" of "SGDĐT-KT&KĐCLGD", more of the line after it, under a
    # stain) is one edit from "SGDĐT-KTKĐ" as well: not snapped, the line's whole tail decides below.
    tail = symbol_tail(text, head)  # the numeric part is never snapped: one tail for both uses
    cut = _cut_inside(symbol, tail, symbols)
    snapped = number if cut else snap_symbol(number, symbols)
    note = f"number {number}: its symbol is cut short" if cut else ""
    if not cut and snapped != snap_symbol(number, issuer_symbols(issuer)):
        note = f"number {snapped} inferred from the issuer's symbols (read '{number}')"
    symbol = snapped.rpartition("/")[2]
    if not _damaged(symbol, snapped, symbols, known):
        return snapped, note
    for read in (tail, symbol):
        fixed = repair_symbol(read, symbols, prefer) if read else None
        if fixed is not None:
            return f"{head}/{fixed}", f"number {head}/{fixed} inferred from the issuer's symbols (read '{number}')"
    return snapped, note


# --------------------------------------------------------------------------
# All fields
# --------------------------------------------------------------------------


def extract_fields(
    text: str, procedure_type: ProcedureType | None = None
) -> RecordFields:
    """Extract every field of a record.

    Args:
        text: The record's text (its pages joined with newlines).
        procedure_type: The classified type, which decides whether the
            subject is a person or a school; when ``None`` the record is
            classified here with :func:`pipeline.classify.classify`.

    Returns:
        The fields; any of them may be ``None``.
    """
    return extract_fields_noted(text, procedure_type)[0]


def extract_fields_noted(
    text: str, procedure_type: ProcedureType | None = None
) -> tuple[RecordFields, tuple[str, ...]]:
    """:func:`extract_fields` and the notes of the values that were repaired or inferred.

    Args:
        text: The record's text.
        procedure_type: As for :func:`extract_fields`.

    Returns:
        The fields and the notes ("number … inferred …", "date repaired
        from …"), each a reason to review the record.
    """
    if procedure_type is None:
        from pipeline.classify import classify  # local: classify is optional here

        procedure_type = classify(text).type
    issuer = parse_issuer(text)
    date, date_note = parse_date_detail(text)
    title = parse_title(text)
    number, number_note = parse_number_detail(text, issuer, date, title)
    fields = RecordFields(
        number=number,
        date=date,
        issuer=issuer,
        subject=parse_subject(text, procedure_type),
        title=title,
        validity_years=parse_validity_years(text),
    )
    return fields, tuple(n for n in (number_note, date_note if date is not None else "") if n)

