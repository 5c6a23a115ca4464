"""The subject of a record: the person a diploma procedure is about, or the school.

Which of the two is looked for depends on the procedure type
(:data:`PERSON_TYPES`, :data:`SCHOOL_TYPES`). A person's name is taken
after the phrases that introduce it ("Họ và tên:", "cho ông …"), each
mention voting; a school's after "Trường <level>", confirmed with the
office's own schools (:mod:`pipeline.gazetteer`). Both are read on folded
text and cut out of the original so that they keep their printed
diacritics; a name cut short or a school the profile spells otherwise is
kept as read with a note that sends the record to review.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pipeline.domain import ProcedureType
from pipeline.folding import fold, fold_aligned, is_vietnamese_syllable
from pipeline.gazetteer import Gazetteer, match_school_name

__all__ = [
    "PERSON_TYPES",
    "SCHOOL_LEVELS",
    "SCHOOL_TYPES",
    "SubjectReading",
    "parse_person",
    "parse_person_detail",
    "parse_school",
    "parse_school_detail",
    "parse_subject",
    "parse_subject_detail",
    "school_name_words",
    "split_school",
]

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


@dataclass(frozen=True)
class SubjectReading:
    """The subject kept, as read when the profile proposed another spelling, and why to review it."""

    value: str | None
    read: str | None = None
    note: str = ""


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
