"""Extract the fields of one record from its (noisy) OCR text.

Every parser works on the folded text (see :mod:`pipeline.folding`) so that
lost or wrong diacritics do not matter, and cuts the value out of the
original text through :func:`~pipeline.folding.fold_aligned` when the printed
spelling is wanted (names, schools). Known vocabularies — issuers, document
titles, suffixes of document numbers — are data at the top of this module.

All functions are pure: text in, value (or ``None``) out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from pipeline.domain import ProcedureType, RecordFields
from pipeline.folding import fold, fold_aligned

__all__ = [
    "ISSUERS",
    "TITLES",
    "NUMBER_SUFFIXES",
    "extract_fields",
    "header_lines",
    "parse_number",
    "parse_date",
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


@dataclass(frozen=True)
class IssuerEntry:
    """A known issuing body: its printed header lines and folded aliases.

    Attributes:
        lines: Canonical printed header lines, top to bottom.
        aliases: For each line, folded spellings that count as that line.
    """

    lines: tuple[str, ...]
    aliases: tuple[tuple[str, ...], ...]

    @property
    def canonical(self) -> str:
        """Header lines joined with `` / ``."""
        return " / ".join(self.lines)


#: Gazetteer of issuers, most specific first.
ISSUERS: tuple[IssuerEntry, ...] = (
    IssuerEntry(
        lines=("UBND THÀNH PHỐ HẢI PHÒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"),
        aliases=(
            ("ubnd thanh pho hai phong", "ubnd tp hai phong", "ubnd tp. hai phong"),
            ("so giao duc va dao tao", "so giao duc - dao tao", "so gd&dt", "so gd va dt"),
        ),
    ),
    IssuerEntry(
        lines=("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG"),
        aliases=(("uy ban nhan dan",), ("thanh pho hai phong", "tp hai phong")),
    ),
    IssuerEntry(
        lines=("BỘ GIÁO DỤC VÀ ĐÀO TẠO",),
        aliases=(("bo giao duc va dao tao",),),
    ),
)

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

#: Folded suffix token of a document number -> printed form.
NUMBER_SUFFIXES: dict[str, str] = {
    "qd": "QĐ",
    "sgddt": "SGDĐT",
    "sgd&dt": "SGD&ĐT",
    "gd&dt": "GD&ĐT",
    "gddt": "GDĐT",
    "bgddt": "BGDĐT",
    "ubnd": "UBND",
    "ub": "UB",
    "nd": "NĐ",
    "ktkd": "KTKĐ",
    "kdcl": "KĐCL",
    "ktkdcl": "KTKĐCL",
    "qlcl": "QLCL",
    "gdtrh": "GDTrH",
    "gdth": "GDTH",
    "gdmn": "GDMN",
    "gdtx": "GDTX",
    "gdcn": "GDCN",
    "tccb": "TCCB",
    "tchc": "TCHC",
    "vp": "VP",
    "bc": "BC",
    "kh": "KH",
    "tb": "TB",
    "ttr": "TTr",
    "ct": "CT",
    "cv": "CV",
    "gcn": "GCN",
    "xmvb": "XMVB",
    "kt&kdclgd": "KT&KĐCLGD",
    "kt&kd": "KT&KĐ",
    "kdclgd": "KĐCLGD",
    "hd": "HĐ",
    "ctubnd": "CT-UBND",
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
# OCR confusions
# --------------------------------------------------------------------------

#: Characters Tesseract prints instead of digits (folded, lower-case).
_DIGIT_FIX = str.maketrans({"o": "0", "i": "1", "l": "1", "|": "1", "s": "5", "b": "8"})
# Character class of a digit or a digit look-alike, in folded text.
_D = r"[0-9oilsb|]"
# The reverse, for letters of a suffix read as digits ("5GDDT").
_LETTER_FIX = str.maketrans({"0": "o", "5": "s", "1": "i", "8": "b", "6": "g"})


def _fix_digits(raw: str) -> str:
    return re.sub(r"\s+", "", raw).translate(_DIGIT_FIX)


def _lines_aligned(text: str) -> list[tuple[str, str]]:
    original, folded = fold_aligned(text)
    return list(zip(original.split("\n"), folded.split("\n"), strict=True))


def header_lines(text: str, max_lines: int = 12) -> list[str]:
    """The first non-empty lines of a page or record (the header zone).

    Args:
        text: Record text.
        max_lines: How many non-empty lines to return at most.

    Returns:
        Stripped non-empty lines from the top.
    """
    out: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            out.append(line.strip())
            if len(out) >= max_lines:
                break
    return out


# --------------------------------------------------------------------------
# Document number
# --------------------------------------------------------------------------

_SUFFIX_TOKEN = r"[a-z0-9&]+"
_NUMBER_RE = re.compile(
    r"(?P<so>(?<![a-z0-9])s[o0](?=[\s:;.,0-9oilsb|]))\s*(?P<colon>[:;.,]?)\s*"
    rf"(?P<num>{_D}+(?:\s{_D}+)?(?:\s*/\s*{_D}+)*)"
    rf"\s*/\s*(?P<suf>{_SUFFIX_TOKEN}(?:\s*-\s*{_SUFFIX_TOKEN})*)"
)


def _canonical_suffix_token(tok: str, original: str) -> str:
    """Printed form of one suffix token (``qd`` -> ``QĐ``), OCR-tolerant."""
    if tok in NUMBER_SUFFIXES:
        return NUMBER_SUFFIXES[tok]
    as_letters = tok.translate(_LETTER_FIX)
    if as_letters in NUMBER_SUFFIXES:
        return NUMBER_SUFFIXES[as_letters]
    # "QĐ" is often read as "OD", "0D" or "QD".
    if as_letters in {"od", "oo", "qo"}:
        return "QĐ"
    if len(as_letters) >= 4:
        best = min(
            NUMBER_SUFFIXES,
            key=lambda k: Levenshtein.distance(k, as_letters),
        )
        if Levenshtein.distance(best, as_letters) <= 1 and len(best) >= 4:
            return NUMBER_SUFFIXES[best]
    if tok.isdigit():
        return tok
    return original.upper()


def normalize_number(num: str, suffix: str, suffix_original: str | None = None) -> str:
    """Normalise the parts of a document number to the printed form.

    Args:
        num: Numeric part as read (may contain look-alikes and ``/``), folded.
        suffix: Folded suffix such as ``qd-sgddt``.
        suffix_original: The suffix as printed, used for unknown tokens.

    Returns:
        E.g. ``"123/QĐ-SGDĐT"``.
    """
    segments = [_fix_digits(s) for s in num.split("/")]
    toks = [t.strip() for t in suffix.split("-")]
    origs = (
        [t.strip() for t in suffix_original.split("-")]
        if suffix_original is not None
        else toks
    )
    if len(origs) != len(toks):
        origs = toks
    canon = [_canonical_suffix_token(t, o) for t, o in zip(toks, origs, strict=True) if t]
    return "/".join(segments) + "/" + "-".join(canon)


def _number_candidates(text: str) -> list[tuple[float, int, str]]:
    out: list[tuple[float, int, str]] = []
    nonempty = 0
    for idx, (orig, fold_line) in enumerate(_lines_aligned(text)):
        if not fold_line.strip():
            continue
        nonempty += 1
        for m in _NUMBER_RE.finditer(fold_line):
            num = m.group("num")
            suffix = m.group("suf")
            if not re.search(r"[0-9]", num) and len(num.replace(" ", "")) > 3:
                continue
            if not re.search(r"[a-z]", suffix):
                continue
            first_tok = suffix.split("-")[0].strip()
            if not re.search(r"[0-9]", num):
                # Pure look-alikes ("lO") only when the suffix is known.
                if _canonical_suffix_token(first_tok, first_tok) == first_tok.upper():
                    continue
            score = 0.0
            start = m.start("so")
            if orig[start] == "S":
                score += 1.0
            if m.group("colon"):
                score += 1.0
            if not fold_line[:start].strip() or nonempty <= 12:
                score += 1.0
            if not fold_line[:start].strip():
                score += 0.5
            # "Quyết định số 12/QĐ-UBND ngày ..." in the body cites another act.
            before = fold_line[max(0, start - 12):start]
            if re.search(r"\b(dinh|van|cao|bao|hoach|trinh|tu|quyet|thi|ban)\s*$", before):
                score -= 2.0
            value = normalize_number(num, suffix, orig[m.start("suf"):m.end("suf")])
            out.append((score, idx, value))
    return out


def parse_number(text: str) -> str | None:
    """Find the document's own number ("Số: 123/QĐ-SGDĐT").

    Tolerates OCR noise: ``S0: l23/QD-SGDDT``, spaces around ``/`` and ``-``,
    a missing colon. Look-alike characters in the numeric part are turned into
    digits (O→0, l/I/|→1, S→5, B→8) and known suffix tokens get their
    diacritics back (QĐ, SGDĐT, KTKĐ, ...). Numbers cited in the body
    ("Quyết định số 12/QĐ-UBND") rank below the header's own "Số:".

    Args:
        text: Page or record text.

    Returns:
        The normalised number, e.g. ``"123/QĐ-SGDĐT"``, or ``None`` when no
        number with a numeric part is found (a blank "Số: /QĐ-..." gives None).
    """
    cands = _number_candidates(text)
    if not cands:
        return None
    best = max(cands, key=lambda c: (c[0], -c[1]))
    if best[0] < 1.0:
        return None
    return best[2]


# --------------------------------------------------------------------------
# Date
# --------------------------------------------------------------------------

_DAY = rf"{_D}{{1,2}}"
_YEAR = rf"{_D}(?:\s?{_D}){{3}}"
_WORD_DATE_RE = re.compile(
    rf"n\s?g\s?[a-z]{{1,2}}\s*[:.]?\s*(?P<d>{_DAY})\s*[,.]?\s*"
    rf"t\s?h\s?[a-z]{{2,3}}\s*[:.]?\s*(?P<m>{_DAY})\s*[,.]?\s*"
    rf"n\s?[a-z]\s?m\s*[:.]?\s*(?P<y>{_YEAR})(?![0-9])"
)
_NUM_DATE_RE = re.compile(
    rf"(?<![0-9])(?P<d>{_DAY})\s*[/.\-]\s*(?P<m>{_DAY})\s*[/.\-]\s*(?P<y>{_YEAR})(?![0-9])"
)
_PLACE_RE = re.compile(r"[a-z]{2,}(?:\s[a-z]{2,}){0,3}\s*[,.]\s*$")
_BIRTH_RE = re.compile(r"(sinh|ns|n/s)\b[^\n]{0,12}$")
_CITATION_RE = re.compile(r"\b(so|ky|cap|luc|tu|den|truoc|sau)\s*[:]?\s*$")
_CITED_ACT_RE = re.compile(r"\bs[o0]\s*[:]?\s*\S+\s+(?:ngay\s*)?$")

MIN_YEAR = 1945
MAX_YEAR = 2100


def _to_date(d: str, m: str, y: str) -> dt.date | None:
    try:
        day, month, year = int(_fix_digits(d)), int(_fix_digits(m)), int(_fix_digits(y))
    except ValueError:
        return None
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_candidates(text: str) -> list[tuple[float, int, dt.date]]:
    out: list[tuple[float, int, dt.date]] = []
    nonempty = 0
    for idx, (_orig, line) in enumerate(_lines_aligned(text)):
        if not line.strip():
            continue
        nonempty += 1
        top = nonempty <= 10
        for regex, base in ((_WORD_DATE_RE, 1.0), (_NUM_DATE_RE, 0.0)):
            for m in regex.finditer(line):
                date = _to_date(m.group("d"), m.group("m"), m.group("y"))
                if date is None:
                    continue
                before = line[: m.start()]
                score = base
                if _PLACE_RE.search(before):
                    score += 2.0
                    if "hai phong" in before or "phong" in before[-12:]:
                        score += 1.0
                if top:
                    score += 1.0
                if _BIRTH_RE.search(before):
                    score -= 5.0
                if _CITATION_RE.search(before[-14:]) or _CITED_ACT_RE.search(before[-50:]):
                    score -= 2.0
                if regex is _NUM_DATE_RE and re.search(r"\bngay\s*$", before):
                    score += 1.0
                out.append((score, idx, date))
    return out


def parse_date(text: str) -> dt.date | None:
    """The signing date from the place-date line.

    Reads "Hải Phòng, ngày 05 tháng 7 năm 2010", the same without
    diacritics, with OCR look-alikes in the digits ("ngay O5 thang 7 nam
    2Ol0"), and "Hải Phòng, 05/07/2010". A "<place>, ngày ..." line wins over
    other dates; birth dates ("sinh ngày ...") and dates of cited acts are
    penalised. Impossible dates (31/02) and years outside 1945–2100 are
    rejected.

    Args:
        text: Page or record text.

    Returns:
        The date, or ``None`` when no plausible signing date is found.
    """
    cands = _date_candidates(text)
    if not cands:
        return None
    best = max(cands, key=lambda c: (c[0], -c[1]))
    if best[0] < 2.0:
        return None
    return best[2]


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
        is_number_line = bool(re.match(r"\s*s[o0]\s*[:;.]?\s*" + _D + r"*\s*/", folded))
        o, f = _cut_motto(orig, folded)
        if f and not is_number_line:
            out.append((o, f))
        if is_number_line or len(out) >= max_lines:
            break
    return out


def _line_score(alias: str, line: str) -> float:
    """Similarity (0..100) of a header line to an issuer alias.

    Edit distance, not partial ratio: "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO" shares
    most characters with "BỘ GIÁO DỤC VÀ ĐÀO TẠO" but is another body.
    A line may carry trailing residue of the right-hand column.
    """
    dist = min(
        Levenshtein.distance(alias, line),
        Levenshtein.distance(alias, line[: len(alias)]),
    )
    allowed = max(2, round(0.12 * len(alias)))
    if dist > allowed:
        return 0.0
    return 100.0 * (1.0 - dist / len(alias))


def parse_issuer(text: str) -> str | None:
    """The issuing body from the left header block, in canonical form.

    Each header line is matched fuzzily (on folded text) against the
    :data:`ISSUERS` gazetteer; the issuer whose every line is found wins,
    e.g. ``"UBND THÀNH PHỐ HẢI PHÒNG / SỞ GIÁO DỤC VÀ ĐÀO TẠO"``. When no
    known issuer matches, the raw header lines (motto removed) are joined
    with `` / ``.

    Args:
        text: Page or record text.

    Returns:
        The issuer, or ``None`` when the page has no header lines.
    """
    zone = _header_zone(text)
    if not zone:
        return None
    folded_lines = [" ".join(f.split()) for _, f in zone]
    # Among issuers whose every line is found, the one with more lines wins
    # ("SỞ GIÁO DỤC VÀ ĐÀO TẠO" must not fall to "BỘ GIÁO DỤC VÀ ĐÀO TẠO").
    best: tuple[int, float, IssuerEntry] | None = None
    for entry in ISSUERS:
        line_scores = [
            max(_line_score(a, fl) for a in aliases for fl in folded_lines)
            for aliases in entry.aliases
        ]
        if min(line_scores) <= 0:
            continue
        key = (len(entry.lines), sum(line_scores) / len(line_scores), entry)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is not None:
        return best[2].canonical
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
# Words that end a name (or show that "Ông ..." introduces an office, not a name).
_NOT_NAME_WORDS = frozenset(
    {"sinh", "ngay", "so", "ubnd", "sgd", "tp", "huyen", "tot", "nghiep", "giam", "tich",
     "can", "bo", "giao", "vien", "hoc", "nguoi", "que", "dia", "chi", "noi", "lap"}
)
_OFFICE_PREFIXES = (
    "giam doc", "chu tich", "hieu truong", "truong phong", "pho ", "can bo", "giao vien",
    "truong ban", "thu truong", "chanh van", "truong khoa", "bo truong",
)
_PERSON_RES: tuple[tuple[float, re.Pattern[str]], ...] = (
    (3.5, re.compile(r"(?:nay sua lai la|sua lai la|sua thanh)\s*[:.]?\s*")),
    (3.0, re.compile(r"(?:ho va ten|ho ten|ho, ten)\s*(?:nguoi[a-z ]{0,20})?\s*[:.]?\s*")),
    (2.0, re.compile(
        r"(?:cho|cua|la|nhan|ten)\s+(?:ong|ba|anh|chi|em)(?:\s*/\s*(?:ba|chi))?\s*[:.]?\s+"
    )),
    (1.5, re.compile(r"(?:^|[\s:;,.(-])(?:ong|ba|anh|chi)\s*/\s*(?:ba|chi)\s*[:.]?\s+")),
    (1.0, re.compile(r"(?:^|[\s:;,.(-])(?:ong|ba)\s*[:.]?\s+")),
)


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
        if words and fold(w) in _NOT_NAME_WORDS:
            break
        words.append(w)
        pos = m.end()
        if len(words) >= max_words:
            break
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
        if gap.strip(" \t"):
            break
        if words and "\n" in gap:
            break
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
    for idx, (orig, folded) in enumerate(_lines_aligned(text)):
        for m in _SCHOOL_RE.finditer(folded):
            name = _take_school_name(orig, m.end())
            if not name:
                continue
            level = SCHOOL_LEVELS[m.group("level")]
            full = f"Trường {level} {name}"
            key = fold(full)
            counts.setdefault(key, []).append(idx)
            first_form.setdefault(key, full)
    if not counts:
        return None
    key = max(counts, key=lambda k: (len(counts[k]), -counts[k][0]))
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
    if procedure_type is None:
        from pipeline.classify import classify  # local: classify is optional here

        procedure_type = classify(text).type
    return RecordFields(
        number=parse_number(text),
        date=parse_date(text),
        issuer=parse_issuer(text),
        subject=parse_subject(text, procedure_type),
        title=parse_title(text),
        validity_years=parse_validity_years(text),
    )

