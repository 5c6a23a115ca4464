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
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipeline.domain import ProcedureType, RecordFields
from pipeline.folding import fold, fold_aligned, is_vietnamese_syllable
from pipeline.forms import ABOUT_RE, TITLE_CODES, TITLES, looks_like_title
from pipeline.gazetteer import Gazetteer, match_school_name
from pipeline.issuers import IssuerReading, read_issuer, symbols_for
from pipeline.numbers_dates import (
    DIGIT,
    Codes,
    fix_digits,
    lines_aligned,
    header_number_line,
    normalize_number,
    parse_number,
    repair_symbol,
    slashless_number,
    snap_symbol,
    symbol_tail,
    unknown_codes,
)
from pipeline.place_dates import parse_date, parse_date_detail, parse_date_reading
from pipeline.profile import Profile

__all__ = [
    "TITLES",
    "Extraction",
    "extract_fields",
    "extract_fields_noted",
    "filing_unit",
    "parse_number_detail",
    "parse_number",
    "parse_title",
    "parse_about",
    "parse_subject",
    "parse_subject_detail",
    "parse_school_detail",
    "school_name_words",
    "split_school",
    "NumberReading",
    "SubjectReading",
    "parse_person",
    "parse_person_detail",
    "parse_school",
    "parse_validity_years",
    "normalize_number",
    "PERSON_TYPES",
    "SCHOOL_TYPES",
]

# --------------------------------------------------------------------------
# Vocabularies (data)
# --------------------------------------------------------------------------


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

def parse_title(text: str) -> str | None:
    """The centred document title (QUYẾT ĐỊNH, GIẤY CHỨNG NHẬN, ...).

    Args:
        text: Page or record text.

    Returns:
        The canonical printed title from :data:`TITLES`, or ``None`` (a công
        văn has no title).
    """
    for n, (_orig, folded) in enumerate(lines_aligned(text)):
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
    lines = lines_aligned(text)
    for i, (orig, folded) in enumerate(lines[:60]):
        m = ABOUT_RE.match(folded)
        if not m:
            continue
        rest = orig[m.end():].strip()
        if i + 1 < len(lines):
            nxt_o, nxt_f = lines[i + 1]
            if (
                nxt_f.strip()
                and len(nxt_f.strip()) < 70
                and not _ABOUT_STOP_RE.match(nxt_f)
                and not looks_like_title(nxt_f)
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
    # Its colon is read ";" as often as ":".
    (3.0, re.compile(r"(?:h[a-z] va ten|ho ten|ho, ten)\s*(?:nguoi[a-z ]{0,20})?\s*[:.;]?\s*")),
    # "Người được cấp văn bằng: …", "Thí sinh: …", "cấp cho học sinh …": the holder named by a role.
    (2.5, re.compile(r"nguoi duoc cap(?: van bang| bang| chung chi)?\s*[:.]\s*")),
    (2.0, re.compile(r"(?:(?:cho|cua|la)\s+(?:hoc sinh|thi sinh|sinh vien|hoc vien)\s+"
                     r"|(?:^|\n)\s*(?:hoc sinh|thi sinh|sinh vien|hoc vien)\s*:\s*)")),
    (2.0, re.compile(
        r"(?:cho|cua|la|nhan|ten)\s+(?:ong|ba|anh|chi|em)(?:\s*(?:/\s*(?:ba|chi)|\(\s*(?:ba|chi|ong)\s*\)))?"
        r"\s*[:.]?\s+"
    )),
    # "Ông/Bà", "ông (bà)": a form's label, the name after it.
    (1.5, re.compile(r"(?:^|[\s:;,.(-])(?:ong|ba|anh|chi)\s*(?:/\s*(?:ba|chi)|\(\s*(?:ba|chi|ong)\s*\))"
                     r"\s*[:.]?\s+")),
    (1.0, re.compile(r"(?:^|[\s:;,.(-])(?:ong|ba)\s*[:.]?\s+")),
)


#: Letters that are no Vietnamese name on their own ("Y" and "Ý" are): a name's last word
#: of one of them is a speck read as a letter.
_SPECK_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXZ")


def _garbled_case(word: str, first: str) -> bool:
    """A word of a title-cased name with a capital inside it ("MIx", "KÌ" of "Nguyên KÌ"): misread letters.

    In a name printed in capitals ("NGUYỄN VĂN AN") a small letter is only a mark misread, not damage.
    """
    title = first[:1].isupper() and first[1:].islower()
    return title and any(c.isupper() for c in word[1:])


def _take_name(orig: str, start: int, max_words: int = 5) -> tuple[list[str], bool]:
    """Consecutive name words of ``orig`` from ``start``, and whether a damaged word cut them short.

    Words may be separated by spaces or one line break (a name wrapped at the
    end of a line); any punctuation ends the name. A word glued to a digit
    ("Á1v", "0anh"), with capitals inside a title-cased name ("MIx") or
    followed on its line by what is no word ("Vũ Bá k") is damaged: the
    name stops before it.
    """
    words: list[str] = []
    pos = start
    # A name after a label ("Họ và tên: …") is the label's value: it ends with its line.
    labelled = any(mark in orig[orig.rfind("\n", 0, start) + 1 : start] for mark in ":;")
    for m in _NAME_WORD.finditer(orig, start):
        gap = orig[pos:m.start()]
        if words and gap[-1:].isdigit():
            return words, True  # "Nguyễn Thúy 0anh": a letter read as a digit
        if gap.strip(" \t\n") or gap.count("\n") > 1:
            break
        if "\n" in gap:
            if labelled:
                break
            # Only a wrapped paragraph continues a name, or holds one after "… và bà" at a line's end;
            # not a "Label: value" line.
            next_line = orig[m.start():].split("\n", 1)[0]
            if ":" in next_line[:25] or len(words) >= 4:
                break
        w = m.group(0)
        if not w[:1].isupper():
            # "ông Vũ Bá k": what follows on the line is no word: the name's last word, damaged.
            return words, bool(words) and "\n" not in gap and not is_vietnamese_syllable(w)
        if words and _ends_name(w):
            break
        glued = orig[m.end():m.end() + 1].isdigit() or orig[m.start() - 1:m.start()].isdigit()
        if words and (glued or _garbled_case(w, words[0])):
            return words, True
        words.append(w)
        pos = m.end()
        if len(words) >= max_words:
            break
    if len(words) > 2 and len(words[-1]) == 1 and words[-1] in _SPECK_LETTERS:
        words.pop()  # "Vũ Thùy Nhung O": a speck after the name read as a letter
    return words, False


def _title_case_name(name: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in name.split())


def parse_person(text: str) -> str | None:
    """The person a diploma procedure is about (see :func:`parse_person_detail`)."""
    return parse_person_detail(text).value


def parse_person_detail(text: str, families: frozenset[str] = frozenset(),
                        given: frozenset[str] = frozenset()) -> SubjectReading:
    """The person a diploma procedure is about, and a note when only a name cut short was read.

    Looks for "nay sửa lại là: …", "Họ và tên: …", "cho ông …", "của
    Anh/Chị …", "Ông/Bà …" and takes the following capitalised words (a name
    wrapped onto the next line of a paragraph is followed). Each mention
    votes with the weight of its pattern; the name with most votes wins,
    the earliest on a tie. A mention cut before a damaged word ("Nguyễn Thị
    Á1v") backs the full names it begins; when it wins alone, the note says
    the name may be cut. With the profile's family names (``families``,
    folded), a name that begins with one wins over one that does not ("ông
    CÓ TÊN SAU:", a capitalised phrase), and a name that begins with none is
    kept as read with a note; so is a name that another mention reads
    longer by a given name the profile knows ("Nguyên Minh" and, further
    on, "Nguyễn Minh Hoa": a word of the first may be lost).

    Args:
        text: Record text.
        families: The family names the profile knows, folded.
        given: The given names the profile knows, folded.

    Returns:
        The name with its printed diacritics, title-cased
        ("NGUYỄN VĂN AN" → "Nguyễn Văn An"), or ``None``.
    """
    # Every mention votes with its pattern's weight; OCR damage to one
    # mention ("Bùi Xuân eoàn") is outvoted by the others.
    votes: dict[str, float] = {}
    first: dict[str, tuple[int, str]] = {}
    whole: set[str] = set()  # names read at least once without a damaged word after them
    orig, folded = fold_aligned(text)
    for weight, regex in _PERSON_RES:
        for m in regex.finditer(folded):
            words, cut = _take_name(orig, m.end())
            if len(words) < 2 or len(words) > 5:
                continue
            name = " ".join(words)
            folded_name = fold(name)
            if folded_name.startswith(_OFFICE_PREFIXES) or fold(words[0]) in _NOT_NAME_WORDS:
                continue
            if re.search(r"\b(?:xa hoi|chu nghia)\b", folded_name):
                continue  # the motto, its "C" lost: ":ÔNG HÒA XÃ HỘI …" read as "ông Hòa Xã Hội …"
            votes[folded_name] = votes.get(folded_name, 0.0) + weight
            if not cut:
                whole.add(folded_name)
            if folded_name not in first or m.start() < first[folded_name][0]:
                first[folded_name] = (m.start(), _title_case_name(name))
    if not votes:
        return SubjectReading(None)
    # A name cut short by a damaged last word ("Bùi Xuân") backs the full one; a whole name does not
    # back a longer one ("bà Đoàn Thùy Tuyết Có tên" does not outvote "Họ và tên: Đoàn Thùy Tuyết").
    total = {
        k: v + sum(w for j, w in votes.items() if j != k and j not in whole and k.startswith(j + " "))
        for k, v in votes.items()
    }

    def known(k: str) -> bool:
        return k.split()[0] in families

    best = max(total, key=lambda k: (known(k), total[k], -first[k][0]))
    name = first[best][1]
    if families and not known(best):
        return SubjectReading(name, None, f"subject: the name '{name}' does not begin with a family name"
                                          " the profile knows")
    longer = [k for k in votes if k.startswith(best + " ") and set(k[len(best) + 1 :].split()) & given]
    if longer:
        return SubjectReading(name, None, f"subject: the name '{name}' is also read '{first[longer[0]][1]}'"
                                          " (a word lost?)")
    specks = [w for w in name.split() if w in _SPECK_LETTERS]
    if specks:  # "Bùi M Thơm", "Phạm V": a word of the name read as one letter
        return SubjectReading(name, None, f"subject: the name '{name}' has a letter alone ({', '.join(specks)}),"
                                          " a word damaged?")
    if best not in whole:
        return SubjectReading(name, None, f"subject: the name '{name}' was read only before a damaged word"
                                          " (its last word lost?)")
    return SubjectReading(name)


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
        w = m.group(0)
        if words and "\n" in gap and len(words) > 1:
            # A name of two words or more is whole at a line's end ("… Lê Lợi\nHiệu trưởng …"), unless
            # the next line opens with one capitalised word and a comma: its wrapped last word
            # ("Hồ Xuân\nHương, huyện Yên Khánh").
            if w[:1].isupper() and w[1:].islower() and re.match(r"[,.;]", orig[e:e + 1]):
                words.append(w)
            break
        fw = fold(w)
        numbered = re.match(r"\s*(\d{1,2})(?![\d/.])", orig[e:]) if words and fw == "so" else None
        if numbered is not None:
            # "Trường Tiểu học Trực Định số 2": a school's number is part of its name.
            words += ["số", numbered.group(1)]
            break
        if not (w[:1].isupper() or w.isdigit()):
            break
        # "Năm" ends a name ("… năm 2010"), "Nam" is one ("Trường Tiểu học Nam Hương").
        after = fold(orig[e:e + 6]).strip()
        # "Thị" is a name's ("Trường THPT Võ Thị Sáu") unless "thị xã"/"thị trấn" follows, as "thành" is
        # unless "phố" does.
        if (fw in _SCHOOL_STOP and not (fw == "nam" and w.lower() == "nam") and not (
                fw == "thi" and not after.startswith(("xa", "tran")))) or (
                fw == "thanh" and after.startswith("pho")):
            break
        words.append(w)
        pos = e
        if len(words) >= 5:
            break
    if not words:
        return None
    return " ".join(w if w.isdigit() or w == "số" else _title_case_name(w) for w in words)


@dataclass(frozen=True)
class SubjectReading:
    """The subject kept, as read when the profile proposed another spelling, and why to review it."""

    value: str | None
    read: str | None = None
    note: str = ""


def parse_school_detail(text: str, gazetteer: Gazetteer) -> SubjectReading:
    """The school a school procedure is about ("Trường THCS Lê Lợi"), as printed.

    Each "Trường <level> …" mention gives the capitalised words after it as
    printed. The office's own schools (the profile's) confirm a name read
    with the same letters (its marks are taken from the profile); a name a
    letter or two from one of them is kept as printed when its words are
    whole words (another school, or one the profile spells otherwise: a
    note names the profile's), and replaced only where the reading is
    garbled or cut ("Trường THPT Đoàn ập": the note keeps the reading). A
    school the profile does not know is kept as read. The most frequently
    mentioned school wins (first on a tie); a name cut short by a stain or
    a line break ("Trường THPT Đoàn") backs the full one ("Trường THPT Đoàn
    Lập").

    Args:
        text: Record text.
        gazetteer: The office's names.

    Returns:
        "Trường <level> <Name>" with the level in its usual spelling (THCS,
        Mầm non, Tiểu học, ...) and the name title-cased.
    """
    counts: dict[str, list[int]] = {}
    forms: dict[str, tuple[str, str, str]] = {}
    orig, folded = fold_aligned(text)
    for m in _SCHOOL_RE.finditer(folded):
        level = SCHOOL_LEVELS[m.group("level")]
        printed = _take_school_name(orig, m.end())
        # A known school, looked up by its following words (a wrapped line, stop-like words such
        # as "Đất", a small letter where a stain took the capital's top).
        following = _WORDS_RE.findall(orig[m.end():m.end() + 60].split("\n\n")[0])
        known = match_school_name(following[:6], gazetteer)
        if known is not None and not (known[2] == 0 or following[0][:1].isupper()):
            known = None
        if known is None:
            if not printed:
                continue
            read = value = f"Trường {level} {printed}"
            note = ""
        else:
            whole_words = printed if printed and len(printed.split()) >= known[1] else None
            read = f"Trường {level} {whole_words or ' '.join(following[:known[1]])}"
            value, note = f"Trường {level} {known[0]}", ""
            longer = printed is not None and len(printed.split()) > known[1]
            if longer:
                # More printed than the profile's name ("Hùng Tiến số 2", "Hùng Tiến Mới"): another school.
                value, note = read, f"subject '{read}' kept as printed; the profile has '{value}'"
            elif known[2]:
                whole = printed is not None and len(printed.split()) == known[1] and all(
                    is_vietnamese_syllable(w) for w in printed.split())
                if whole:
                    value, note = read, f"subject '{read}' kept as printed; the profile has '{value}'"
                else:
                    note = f"subject read '{read}', the profile's school '{value}' put in its place"
        key = fold(value)
        counts.setdefault(key, []).append(m.start())
        forms.setdefault(key, (value, read, note))
    if not counts:
        return SubjectReading(None)
    votes = {k: len(v) + sum(len(counts[j]) for j in counts if j != k and k.startswith(j + " "))
             for k, v in counts.items()}
    key = max(counts, key=lambda k: (votes[k], -counts[k][0]))
    value, read, note = forms[key]
    return SubjectReading(value, read if read != value else None, note)


def split_school(school: str) -> tuple[str, str] | None:
    """``(level, proper name)`` of "Trường <level> <name>" as printed; ``None`` when the level is none we know."""
    f = fold(school)
    for level in sorted(SCHOOL_LEVELS, key=len, reverse=True):
        head = f"truong {level} "
        if f.startswith(head) and len(school.split()) > len(head.split()):
            words = school.split()
            return " ".join(words[1:len(head.split())]), " ".join(words[len(head.split()):])
    return None


def school_name_words(school: str) -> int:
    """How many words the proper name of "Trường <level> <name>" has (0 when the level is none we know)."""
    parts = split_school(school)
    return len(parts[1].split()) if parts else 0


def parse_school(text: str, gazetteer: Gazetteer) -> str | None:
    """The school a school procedure is about (see :func:`parse_school_detail`)."""
    return parse_school_detail(text, gazetteer).value


def parse_subject_detail(text: str, procedure_type: ProcedureType, gazetteer: Gazetteer,
                         families: frozenset[str] = frozenset(), given: frozenset[str] = frozenset()
                         ) -> SubjectReading:
    """The subject of a record: a person or a school, depending on the type.

    Person procedures (diploma verification, copy, correction, foreign
    recognition) look for a person, school procedures (accreditation,
    national standard) for a school, ``khac`` tries the school then the
    person. A person's name is kept as read.

    Args:
        text: Record text.
        procedure_type: The classified type.
        gazetteer: The office's names (its schools).
        families: The family names the profile knows, folded (see :func:`parse_person_detail`).
        given: The given names the profile knows, folded.
    """
    if procedure_type in PERSON_TYPES:
        return parse_person_detail(text, families, given)
    school = parse_school_detail(text, gazetteer)
    if procedure_type in SCHOOL_TYPES or school.value is not None:
        return school
    return parse_person_detail(text, families, given)


def parse_subject(text: str, procedure_type: ProcedureType, gazetteer: Gazetteer) -> str | None:
    """The subject of a record (see :func:`parse_subject_detail`)."""
    return parse_subject_detail(text, procedure_type, gazetteer).value


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
    rf"(?:(?P<num>{DIGIT}{{1,2}})|(?P<word>mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi))"
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
                years = int(fix_digits(m.group("num")))
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


def filing_unit(text: str, codes: Codes) -> str | None:
    """The unit that drafted the document, from "Lưu: VT, KTKĐ." under "Nơi nhận".

    A công văn's symbol ends with that unit's code ("837/SGDĐT-KTKĐ").

    Args:
        text: Record text.
        codes: The known codes (the profile's).

    Returns:
        The unit's printed code when it is a known code ("KTKĐ"), else ``None``.
    """
    for line in fold_aligned(text)[1].split("\n"):
        m = _FILING_RE.search(line)
        if m is not None and m.group("unit") in codes:
            return codes[m.group("unit")]
    return None


def _damaged(number: str, symbols: tuple[str, ...], codes: Codes) -> bool:
    """A symbol with a code no one knows, or the start or the end of one of the issuer's symbols.

    The start may end inside a code ("SGDĐT-KT&KĐ" of "SGDĐT-KT&KĐCLGD");
    the end is whole codes ("UBND" of "QĐ-UBND").
    """
    symbol = number.rpartition("/")[2]
    if symbol in symbols:
        return False
    return bool(unknown_codes(number, codes)) or any(
        k.startswith(symbol) or k.endswith("-" + symbol) for k in symbols)


#: Punctuation around a word of the number line ("KT,", "Khánh").
_SYMBOL_EDGE = " .,;:'`|_()"


def _cut_inside(symbol: str, tail: str | None, symbols: tuple[str, ...]) -> bool:
    """``symbol`` is the start of one of ``symbols`` and its line goes on after it (garbage).

    A symbol read as a whole word and followed by a word of running text
    ("591/SGDĐT-KT Khánh Hòa, ngày …": the place-date column) ends where it
    was printed: it is not cut inside a code.
    """
    read = fold(symbol)
    if tail is None or len(fold(tail).replace(" ", "")) <= len(read):
        return False
    words = tail.split()
    if len(words) > 1 and fold(words[0]).strip(_SYMBOL_EDGE) == read and _running_word(words[1]):
        return False
    return any(fold(s).startswith(read) and fold(s) != read for s in symbols)


def _running_word(word: str) -> bool:
    """A word of running text: two letters or more, none a capital after the first ("Khánh", "ngày")."""
    core = word.strip(_SYMBOL_EDGE)
    return len(core) >= 2 and core.isalpha() and not any(c.isupper() for c in core[1:])


def _cut_short(number: str, symbols: tuple[str, ...]) -> str | None:
    """The issuer's symbol that ``number``'s symbol is the cut-off start of, if any.

    A stain at the end of the number line turns "837/SGDĐT-KTKĐ" into
    "837/SGDĐT": every code in it is known, so only the issuer's own
    symbols tell that something is missing.
    """
    _, sep, symbol = number.rpartition("/")
    if not sep or not symbol or symbol in symbols:
        return None
    return next((s for s in symbols if s.startswith(symbol + "-")), None)


def _certificate_for_decision(number: str, title: str | None) -> bool:
    """A certificate's number ("198/GCN-SGDĐT") read for a record whose title is a decision."""
    return TITLE_CODES.get(title or "") == "QĐ" and number.rpartition("/")[2].startswith("GCN")


def _odd_numeric(number: str, date: dt.date | None) -> str:
    """Why a number's numeric part cannot be as read ("4/35" of a handwritten 1595), or ``""``.

    After the running number only a year may follow ("12/2010/QĐ-UBND",
    an act's number within its year): four digits, not after the
    document's own year.
    """
    parts = number.rpartition("/")[0].split("/")
    for part in parts[1:]:
        if not (len(part) == 4 and part.isdigit() and 1945 <= int(part) <= (date.year if date else 2100)):
            return f"number {number}: '{'/'.join(parts)}' is no number and year (misread?)"
    return ""


def _as_read(symbol: str, tail: str) -> bool:
    """The symbol has the letters of the line as read (its marks aside): no code was guessed."""
    read = re.sub(r"[^a-z0-9&-]", "", fold(tail))
    return read.startswith(re.sub(r"[^a-z0-9&-]", "", fold(symbol)))


def _other_type(number: str, title: str | None, profile: Profile) -> str:
    """Why a number cannot be the document's under its title: another document type's code ("CĐ" under
    "QUYẾT ĐỊNH", a "QĐ" damaged), or no "QĐ" in a decision's, or ``""``."""
    want = TITLE_CODES.get(title or "")
    codes = number.rpartition("/")[2].split("-")
    types = {c for _, c in profile.document_types}
    if want is None or want in codes or not codes or (codes[0] not in types and want != "QĐ"):
        return ""
    return f"number {number}: its type code {codes[0]} is not the title's ({want})"


def _other_body(number: str, issuer: IssuerReading | None, profile: Profile) -> str:
    """Why a number cannot be its issuer's: another body's code and none of the issuer's ("QĐ-PGDĐT" under
    "SỞ GIÁO DỤC VÀ ĐÀO TẠO", an "S" read "p"), or ``""``."""
    body = issuer.body if issuer is not None else None
    if body is None:
        return ""
    codes = set(number.rpartition("/")[2].split("-"))
    own = {body.code, *body.codes}
    others = {c for b in profile.bodies if b is not body for c in (b.code, *b.codes)} - own
    if codes & own or not codes & others:
        return ""
    return (f"number {number}: its body code {', '.join(sorted(codes & others))} is not the issuer's "
            f"({body.code})")


def _on_line(number: str, line: str) -> bool:
    """Whether the digits of ``number``'s numeric part are read on ``line`` (look-alikes as digits)."""
    digits = re.sub(r"[^0-9]", "", number.rpartition("/")[0])
    return bool(digits) and digits in re.sub(r"[^0-9]", "", fix_digits(fold(line)))


@dataclass(frozen=True)
class NumberReading:
    """The document number kept, as read, and why to review it.

    Attributes:
        value: The number kept (``None``: none read).
        read: The number as read when ``value`` is a proposal from the
            issuer's symbols (``None``: ``value`` is the reading).
        note: Why a person should look ("number … proposed from …",
            "… not a known code", "… cut short"); empty when read cleanly.
    """

    value: str | None
    read: str | None = None
    note: str = ""


def parse_number_detail(text: str, profile: Profile, issuer: IssuerReading | None = None,
                        date: dt.date | None = None, title: str | None = None) -> NumberReading:
    """The document number as read, with a proposal where its symbol is damaged (see :func:`_number_reading`).

    A number read although no line of the header opens with "Số" (the
    number read inside another line: "vào sổ số: 3212/THCS" of a diploma's
    register, an act cited — maybe the header's, maybe not) is flagged.
    """
    slot = header_number_line(text)
    found = _number_reading(text, profile, issuer, date, title, slot)
    if found.value is not None and not found.note and slot is None:
        return NumberReading(found.value, found.read,
                             f"number {found.value} read inside a line, not on a header's 'Số:' line")
    return found


def _number_reading(text: str, profile: Profile, issuer: IssuerReading | None,
                    date: dt.date | None, title: str | None, slot: str | None) -> NumberReading:
    """The document number as read, with a proposal from the issuer's symbols where its symbol is damaged.

    1. The number as read (:func:`parse_number`). A symbol made of codes the
       profile knows is kept as printed ("QĐ-PGDĐT" of a district office is
       not the Department's "QĐ-SGDĐT"). A decision never takes the number
       of the certificate it issues ("…/GCN-…", filed after it): its own
       line is looked for without it.
    2. A symbol with a code no one knows ("QĐ-UEL") or cut short ("SGDĐT")
       gets a *proposal* from the issuer's symbols in use on ``date``
       (:func:`~pipeline.issuers.symbols_for`): the closest one
       (:func:`snap_symbol`), or one :func:`repair_symbol` rebuilds from the
       whole tail of its line ("SGDĐ_ Á<TKĐ"), ties broken by the title's
       type code and the filing unit ("Lưu: VT, KTKĐ").
    3. No number, but a header line "Số: 1406 UBND" whose slash went with
       the start of the symbol (or another shape of
       :func:`~pipeline.numbers_dates.slashless_number`): a proposal the
       same way.

    Every proposal keeps the reading beside it and a note that sends the
    record to review; nothing read is replaced silently.

    Args:
        text: Record text.
        profile: The office's profile (codes; the issuer's symbols).
        issuer: The record's issuer (:func:`pipeline.issuers.read_issuer`).
        date: The document's date (symbols in use that day).
        title: The document's title (:func:`parse_title`).
    """
    codes = profile.codes
    symbols = symbols_for(issuer, profile, date) if issuer is not None else ()
    prefer = tuple(c for c in (TITLE_CODES.get(title or ""), filing_unit(text, codes)) if c)
    number = parse_number(text, codes)
    certificate = number if number is not None and _certificate_for_decision(number, title) else None
    if certificate is not None:  # the decision's own line ranked below its certificate's ("số 773 /QĐ-…")
        number = parse_number(text, codes, skip=("GCN",))
    if number is not None and slot is not None and not _on_line(number, slot):
        # The header has its own "Số:" line and the number is not on it (a handwritten number Tesseract
        # could not read, a blank slot): a number cited in the body is another act's.
        return NumberReading(None, None, f"number unreadable on the header line '{slot}'")
    if number is None:
        # No number read, or only the number of the certificate a decision issues (another number):
        # the decision's own line may still be there, its slash or the start of its symbol damaged.
        found = slashless_number(text, codes)
        fixed = repair_symbol(found[1], symbols, prefer) if found and found[1] else None
        if found is None or fixed is None:
            return NumberReading(None, None, f"number unreadable: only the certificate's number {certificate} "
                                             "was read, not the decision's" if certificate else "")
        read = f"{found[0]} {found[1]}"
        return NumberReading(f"{found[0]}/{fixed}", read,
                             f"number {found[0]}/{fixed} proposed from the issuer's symbols (read 'Số: {read}')")
    odd = _odd_numeric(number, date) or ("" if unknown_codes(number, codes) else (
        _other_type(number, title, profile) or _other_body(number, issuer, profile)))
    if odd:
        return NumberReading(number, None, odd)
    head, _, symbol = number.rpartition("/")
    # Cut short inside a code ("SGDĐT-KT&KĐ" of "SGDĐT-KT&KĐCLGD", more of the line after it, under a
    # stain) is one edit from "SGDĐT-KTKĐ" as well: not snapped, the line's whole tail decides below.
    tail = symbol_tail(text, head)  # the numeric part is never snapped: one tail for both uses
    cut = _cut_inside(symbol, tail, symbols)
    if not cut and not _damaged(number, symbols, codes):
        if tail is not None and not _as_read(symbol, tail):
            # The parser gave a code back for letters it took for OCR confusions ("nGDĐT" read as "SGDĐT").
            return NumberReading(number, f"{head}/{tail.split()[0]}",
                                 f"number {number}: its symbol was read '{tail.split()[0]}'")
        return NumberReading(number)
    snapped = number if cut else snap_symbol(number, symbols)
    if snapped != number and not _damaged(snapped, symbols, codes):
        return NumberReading(snapped, number, f"number {snapped} proposed from the issuer's symbols "
                                              f"(read '{number}')")
    for read in (tail, symbol):
        fixed = repair_symbol(read, symbols, prefer) if read else None
        if fixed is not None and fixed != symbol:
            return NumberReading(f"{head}/{fixed}", number, f"number {head}/{fixed} proposed from the issuer's "
                                                           f"symbols (read '{number}')")
    if cut:
        return NumberReading(number, None, f"number {number}: its symbol is cut short")
    unknown = unknown_codes(number, codes)
    if unknown:
        return NumberReading(number, None, f"number suffix {', '.join(unknown)} not a known code")
    longer = _cut_short(number, symbols)
    return NumberReading(number, None, f"number symbol of {number} may be cut short (the issuer uses {longer})"
                         if longer else f"number symbol of {number} is the start or end of the issuer's")


# --------------------------------------------------------------------------
# All fields
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Extraction:
    """Every field of a record, what was read where a field holds a proposal, and why to review.

    Attributes:
        fields: The fields kept.
        notes: Review reasons of the fields ("number …", "date …",
            "issuer …", "subject …"), each naming its field first.
        read: Field name -> the value as read, for each field whose value is
            a proposal of the profile ("number": "748/QĐ-UEL").
    """

    fields: RecordFields
    notes: tuple[str, ...] = ()
    read: dict[str, str] = field(default_factory=dict)


def extract_fields(text: str, profile: Profile, procedure_type: ProcedureType | None = None) -> RecordFields:
    """Extract every field of a record (see :func:`extract_fields_noted`)."""
    return extract_fields_noted(text, profile, procedure_type).fields


def extract_fields_noted(text: str, profile: Profile,
                         procedure_type: ProcedureType | None = None) -> Extraction:
    """Every field of a record, with the readings behind proposals and the notes that send it to review.

    Args:
        text: The record's text (its pages joined with newlines).
        profile: The office's profile.
        procedure_type: The classified type, which decides whether the
            subject is a person or a school; when ``None`` the record is
            classified here with :func:`pipeline.classify.classify`.
    """
    if procedure_type is None:
        from pipeline.classify import classify  # local: classify is optional here

        procedure_type = classify(text, profile).type
    date = parse_date_reading(text, profile.folded_places)
    issuer = read_issuer(text, profile, date.date)
    title = parse_title(text)
    number = parse_number_detail(text, profile, issuer, date.date, title)
    subject = parse_subject_detail(text, procedure_type, profile.gazetteer, profile.folded_families,
                                   profile.folded_given)
    fields = RecordFields(
        number=number.value,
        date=date.date,
        issuer=issuer.value,
        subject=subject.value,
        title=title,
        validity_years=parse_validity_years(text),
        period=date.period,
    )
    read = {k: v for k, v in (("number", number.read), ("issuer", issuer.read), ("subject", subject.read))
            if v is not None and v != getattr(fields, k)}
    notes = [n for n in (number.note, date.note) if n]
    notes += list(issuer.notes) + ([subject.note] if subject.note else [])
    if number.value and not issuer.notes and _other_body(number.value, issuer, profile):
        # The number names another body than the header read: a line of the header may be lost.
        notes.append(f"issuer {issuer.value}: the number {number.value} is another body's (a header line lost?)")
    return Extraction(fields, tuple(notes), read)
