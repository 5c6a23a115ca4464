"""Group the pages of a scanned file into records.

A whole box is often scanned into one multi-page PDF, so the pages must be
cut into documents. A page *starts* a record when the top of the page carries
a document header; every other page continues the record before it:

* the number line "Số: 123/QĐ-SGDĐT",
* the motto "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" / "Độc lập - Tự do - Hạnh
  phúc" (matched fuzzily: OCR of stained headers is poor),
* an issuer line (a body of the profile: ỦY BAN NHÂN DÂN, SỞ GIÁO DỤC VÀ
  ĐÀO TẠO, …, or UBND …),
* the place-date line "<place>, ngày … tháng … năm …",
* a centred title (QUYẾT ĐỊNH, GIẤY CHỨNG NHẬN, …).

Each kind of evidence has a weight (:data:`HEADER_EVIDENCE`); a page whose
top scores at least :data:`START_THRESHOLD` starts a record. Blank or
unreadable pages join the previous record; the first page always starts one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.classify import find_phrase
from pipeline.place_dates import parse_date
from pipeline.folding import fold, is_capitals
from pipeline.numbers_dates import header_number_line, parse_number
from pipeline.patterns import HEADER_LINES, MOTTO, NGAY, PLACE
from pipeline.profile import Profile
from pipeline.subject import parse_school

__all__ = [
    "HEADER_EVIDENCE",
    "START_THRESHOLD",
    "TOP_LINES",
    "PageDecision",
    "header_evidence",
    "is_blank",
    "segment",
    "segment_with_reasons",
]

#: How many non-empty lines count as "the top of the page": the header window and the title below it.
TOP_LINES = HEADER_LINES + 3
#: Score at which a page starts a new record.
START_THRESHOLD = 3.0

#: name -> (folded phrases, weight, minimum fuzzy score). Phrase evidence is
#: matched per line, so a header interleaved on one OCR line still counts.
HEADER_EVIDENCE: dict[str, tuple[tuple[str, ...], float, float]] = {
    "motto": ((MOTTO[0],), 2.0, 80.0),
    "motto_2": ((MOTTO[1], MOTTO[1].replace(" -", "")), 1.5, 80.0),
    # The bodies of the profile are added to these (see _evidence).
    "issuer": (("ubnd", "uy ban nhan dan", "so giao duc va dao tao", "bo giao duc va dao tao"), 1.0, 85.0),
    "title": (
        ("quyet dinh", "giay chung nhan", "giay xac minh van bang", "bang cong nhan"),
        1.0,
        90.0,
    ),
}
_MATCH_MODE = {"issuer": "start", "title": "line"}
#: Weights of the parsed evidence.
NUMBER_WEIGHT = 2.0
PLACE_DATE_WEIGHT = 1.5


@dataclass(frozen=True)
class PageDecision:
    """Why a page starts or continues a record.

    Attributes:
        page: 1-based page number.
        starts_record: Whether the page starts a new record.
        score: Header score of the top of the page.
        reasons: Evidence found (or why the page was joined).
    """

    page: int
    starts_record: bool
    score: float
    reasons: tuple[str, ...]


_WORD_RE = re.compile(r"[^\W\d_]{2,}")
#: "<place>, ngày": a line that may be the place-date line (:func:`parse_date` reads it).
_PLACE_DATE_RE = re.compile(rf"{PLACE}\s*{NGAY}")


def is_blank(text: str) -> bool:
    """Whether a page's OCR text is empty or only noise (stains, specks).

    Args:
        text: Page text.

    Returns:
        True when the page has fewer than three words of two letters or more.
    """
    return len(_WORD_RE.findall(text)) < 3


def _top(text: str) -> list[str]:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return lines[:TOP_LINES]


def _evidence(profile: Profile) -> dict[str, tuple[tuple[str, ...], float, float]]:
    """:data:`HEADER_EVIDENCE` with the profile's bodies among the issuer lines."""
    phrases, weight, cutoff = HEADER_EVIDENCE["issuer"]
    bodies = tuple(dict.fromkeys(phrases + tuple(fold(b.name) for b in profile.bodies if len(b.name) >= 8)))
    return {**HEADER_EVIDENCE, "issuer": (bodies, weight, cutoff)}


def header_evidence(text: str, profile: Profile) -> tuple[float, tuple[str, ...]]:
    """Score the top of a page as a document header.

    Args:
        text: Page text.
        profile: The office's profile (bodies, codes, places).

    Returns:
        ``(score, reasons)``; each kind of evidence counts at most once.
    """
    top = _top(text)
    if not top:
        return 0.0, ()
    folded_lines = [fold(ln) for ln in top]
    score = 0.0
    reasons: list[str] = []
    # Header lines are printed in capitals: a body named in a sentence of running text is none.
    upper = [f if is_capitals(ln) else "" for ln, f in zip(top, folded_lines, strict=True)]
    for name, (phrases, weight, cutoff) in _evidence(profile).items():
        mode = _MATCH_MODE.get(name, "anywhere")
        hit = _best_line(phrases, upper if name == "issuer" else folded_lines, cutoff, mode)
        if hit is not None:
            score += weight
            reasons.append(f"{name}: '{hit}' (+{weight:.1f})")
    # The page's own number is on a line that opens with "Số", not one an act cites ("Luật … số 67/2025/QH15").
    slot = header_number_line("\n".join(top))
    number = parse_number(slot, profile.codes) if slot else None
    if number is not None:
        score += NUMBER_WEIGHT
        reasons.append(f"number: '{number}' (+{NUMBER_WEIGHT:.1f})")
    for line, folded in zip(top, folded_lines, strict=True):
        # Only a "<place>, ngày …" line: body text near the top of a
        # continuation page also has dates ("đơn đề nghị ngày …").
        if _PLACE_DATE_RE.search(folded):
            date = parse_date(line, profile.folded_places)
            if date is not None:
                score += PLACE_DATE_WEIGHT
                reasons.append(f"place-date: {date.isoformat()} (+{PLACE_DATE_WEIGHT:.1f})")
                break
    return score, tuple(reasons)


def _best_line(
    phrases: tuple[str, ...], lines: list[str], cutoff: float, mode: str
) -> str | None:
    for line in lines:
        for phrase in phrases:
            if mode == "line":
                # A title stands alone on its line ("QUYẾT ĐỊNH" or "QUYẾT ĐỊNH:").
                if fuzz.ratio(phrase, line.strip(" .:")) >= cutoff:
                    return line
                continue
            if len(line) < len(phrase) * 0.6:
                continue
            # Issuer lines open their line (the right column may follow);
            # the motto may sit anywhere on an interleaved line.
            hay = line[: len(phrase) + 8] if mode == "start" else line
            if fuzz.partial_ratio(phrase, hay) >= cutoff:
                return line
    return None


#: What opens an annex of an act ("PHỤ LỤC", "(Ban hành kèm theo Quyết định số …)", "Danh mục … kèm theo"):
#: its pages belong to the act before them, whatever header-like lines they hold.
_ANNEX_RE = re.compile(r"\bkem\s+theo\s+(?:quyet\s+dinh|cong\s+van|thong\s+tu|nghi\s+dinh|ke\s+hoach|van\s+ban)"
                       r"|^\W*phu\s+luc\b")


#: An annex says so in its first lines, above its own title; lower, "kèm theo …" is running text
#: or a table's row.
_ANNEX_LINES = 8


def _annex(text: str) -> str | None:
    """The line that makes a page an annex of the act before it, or ``None``."""
    for line in _top(text)[:_ANNEX_LINES]:
        if _ANNEX_RE.search(fold(line)):
            return line.strip()
    return None


_CERTIFICATE_TITLES = ("giay chung nhan", "bang cong nhan")
#: A certificate for the school a decision just before it grants one to, dated less than this many
#: days from the decision, is that decision's: its own certificate is signed with it, and another
#: decision's for the same school (a renewal) comes years later.
CERTIFICATE_DAYS = 31
_DECISION_TITLES = ("quyet dinh",)


@dataclass(frozen=True)
class _PageKind:
    """What a header page is: a decision, a certificate, or something else."""

    kind: str | None
    date: dt.date | None
    school: str | None
    grants_certificate: bool


_NO_KIND = _PageKind(None, None, None, False)


def _page_kind(text: str, profile: Profile) -> _PageKind:
    """Kind, place-date, school and whether a decision grants a certificate."""
    top = _top(text)
    folded = [fold(ln) for ln in top]
    kind = None
    if _best_line(_CERTIFICATE_TITLES, folded, 90.0, "line") is not None:
        kind = "certificate"
    elif _best_line(_DECISION_TITLES, folded, 90.0, "line") is not None:
        kind = "decision"
    number = parse_number("\n".join(top), profile.codes) or ""
    # The page's own number tells its kind best: a decision's body may hold a line "Giấy chứng nhận …",
    # and only decisions carry "QĐ" (their title line may be read with a stain in it).
    if "/GCN" in number:
        kind = "certificate"
    elif "/QĐ" in number:
        kind = "decision"
    school = parse_school(text, profile.gazetteer)
    grants = kind == "decision" and find_phrase("giay chung nhan", fold(text)) is not None
    return _PageKind(kind, parse_date("\n".join(top), profile.folded_places), fold(school) if school else None, grants)


def _certificate_of(page: _PageKind, record: _PageKind) -> str | None:
    """Why a certificate page belongs to the decision before it, or ``None``.

    The same signing date is enough. When one of the two dates could not be
    read, or they are less than :data:`CERTIFICATE_DAYS` apart (a day's digit
    is the likeliest misread on a damaged page), the decision must grant a
    certificate ("cấp Giấy chứng nhận …") and name the same school as the
    certificate page.
    """
    if page.kind != "certificate" or record.kind != "decision":
        return None
    if page.date is not None and page.date == record.date:
        return f"certificate of the decision dated {page.date.isoformat()}: joins it"
    if not record.grants_certificate or page.school is None or record.school is None or (
            fuzz.ratio(page.school, record.school) < 85):
        return None
    if page.date is None or record.date is None:
        return "certificate for the same school as the decision (a date unreadable): joins it"
    if abs((page.date - record.date).days) < CERTIFICATE_DAYS:
        return (f"certificate for the same school as the decision, dated {page.date.isoformat()} against "
                f"{record.date.isoformat()} (one may be misread): joins it")
    return None


def segment_with_reasons(pages: Sequence[str], profile: Profile) -> list[PageDecision]:
    """Decide for every page whether it starts a record, with reasons.

    A certificate page (GIẤY CHỨNG NHẬN, number "…/GCN-…") that follows a
    decision (QUYẾT ĐỊNH) of the same date is that decision's certificate:
    the decision and its certificate form one result, so the page joins the
    decision's record even though it has a full header. So does an annex
    ("PHỤ LỤC", "ban hành kèm theo Quyết định số …") of the act before it.

    Args:
        pages: OCR text of each page, in file order.
        profile: The office's profile.

    Returns:
        One decision per page, in order.
    """
    decisions: list[PageDecision] = []
    record_kind = _NO_KIND
    for i, text in enumerate(pages, start=1):
        if is_blank(text):
            starts = i == 1
            why = "blank or unreadable page" + (
                " (first page: starts a record)" if starts else ": joins the previous record"
            )
            decisions.append(PageDecision(i, starts, 0.0, (why,)))
            continue
        score, reasons = header_evidence(text, profile)
        starts = i == 1 or score >= START_THRESHOLD
        annex = _annex(text) if i > 1 else None
        if annex is not None and starts:
            starts = False
            reasons = (*reasons, f"annex of the act before it ('{annex[:60]}'): joins it")
        certificate_joined = annex is not None
        if starts:
            kind = _page_kind(text, profile)
            why_join = _certificate_of(kind, record_kind) if i > 1 else None
            if why_join is not None:
                starts, certificate_joined = False, True
                reasons = (*reasons, why_join)
            else:
                record_kind = kind
        if i == 1 and score < START_THRESHOLD:
            reasons = (*reasons, "first page: starts a record")
        elif not starts and not certificate_joined:
            reasons = (*reasons, f"header score {score:.1f} < {START_THRESHOLD:.1f}: continuation")
        decisions.append(PageDecision(i, starts, score, reasons))
    return decisions


def segment(pages: Sequence[str], profile: Profile) -> list[tuple[int, ...]]:
    """Group 1-based page numbers into records.

    Args:
        pages: OCR text of each page, in file order.
        profile: The office's profile.

    Returns:
        Page-number tuples, one per record, e.g. ``[(1, 2), (3,), (4, 5, 6)]``;
        empty input gives an empty list.
    """
    records: list[list[int]] = []
    for d in segment_with_reasons(pages, profile):
        if d.starts_record or not records:
            records.append([d.page])
        else:
            records[-1].append(d.page)
    return [tuple(r) for r in records]
