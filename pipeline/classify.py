"""Classify the text of one record into a procedure type, with reasons.

The classifier is a registry of weighted evidence (:data:`RULES`): a phrase
(or a set of phrases that must all occur) looked for, fuzzily, in one or more
*scopes* of the folded text:

* ``title``  — upper-case lines near the top (QUYẾT ĐỊNH, GIẤY CHỨNG NHẬN …),
* ``about``  — the "Về việc …" / "V/v …" line,
* ``number`` — the document's own number ("1234/QĐ-UBND"),
* ``header`` — the first lines of the page (issuer block),
* ``body``   — the whole text.

Each rule that fires adds its weight to its type and leaves a human-readable
reason. The best-scoring type wins; weak or ambiguous evidence gives
``khac`` and the record goes to review. A learned model can later be added
as one more source of evidence with its own reason strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from pipeline.domain import REVIEW_CONFIDENCE, ProcedureType
from pipeline.folding import fold, is_capitals
from pipeline.numbers_dates import Codes, parse_number
from pipeline.profile import Profile
from pipeline.titles import parse_about

__all__ = [
    "Classification",
    "Evidence",
    "RULES",
    "MIN_SCORE",
    "classify",
    "find_phrase",
    "text_scopes",
]

P = ProcedureType

#: Below this total score the best type is not trusted at all (→ khac).
MIN_SCORE = 2.0
#: Below this confidence a non-khac result is still reported as khac.
KHAC_THRESHOLD = 0.3
#: A score at which one type alone is "sure" (before subtracting rivals).
_STRONG_SCORE = 4.0

_SCOPES = ("title", "about", "number", "header", "body")
#: The "title" scope: the capital lines among this many non-empty lines at the top. The title and
#: its subtitle stand below the header and its banner, the issuer's capital lines above them.
_TITLE_SCOPE_LINES = 25
#: The "header" scope: the short lines among this many non-empty lines at the top, where the issuer
#: is named. Narrower than the header window (:data:`pipeline.patterns.HEADER_LINES`): its last
#: lines may be the body's first, whose "Căn cứ … của Ủy ban nhân dân" names no issuer.
_HEADER_SCOPE_LINES = 10


@dataclass(frozen=True)
class Evidence:
    """One weighted piece of evidence for a procedure type.

    Attributes:
        type: The type this evidence supports.
        phrases: Folded phrases that must all be found in the same scope.
        scopes: Scopes searched in order; the first that matches counts once.
        weight: Score added to ``type`` when the evidence is found.
    """

    type: ProcedureType
    phrases: tuple[str, ...]
    scopes: tuple[str, ...]
    weight: float

    def __post_init__(self) -> None:
        unknown = set(self.scopes) - set(_SCOPES)
        if unknown:
            raise ValueError(f"unknown scopes {sorted(unknown)}")


def _ev(t: ProcedureType, phrases: str | tuple[str, ...], scopes: str, weight: float) -> Evidence:
    ph = (phrases,) if isinstance(phrases, str) else phrases
    return Evidence(t, ph, tuple(scopes.split(",")), weight)


#: The evidence registry. Phrases are folded (no diacritics, lower case).
RULES: tuple[Evidence, ...] = (
    # Xác minh văn bằng, chứng chỉ
    _ev(P.XAC_MINH_VAN_BANG, "xac minh van bang", "title,about", 3.0),
    _ev(P.XAC_MINH_VAN_BANG, ("xac minh", "bang tot nghiep"), "title,about", 3.0),
    _ev(P.XAC_MINH_VAN_BANG, ("xac minh", "chung chi"), "title,about", 3.0),
    _ev(P.XAC_MINH_VAN_BANG, "giay xac minh", "title", 1.0),
    _ev(P.XAC_MINH_VAN_BANG, "xac minh van bang", "body", 1.5),
    _ev(P.XAC_MINH_VAN_BANG, "de nghi xac minh", "body", 1.0),
    _ev(P.XAC_MINH_VAN_BANG, "ket qua xac minh", "body", 1.0),
    # The reply itself: "Trả lời Công văn số … về việc xác minh văn bằng", "… xác nhận: ông X đã được cấp …".
    _ev(P.XAC_MINH_VAN_BANG, ("tra loi", "xac minh van bang"), "body", 1.5),
    _ev(P.XAC_MINH_VAN_BANG, ("xac nhan", "da duoc cap"), "body", 1.0),
    # What a verification reply did: "Đối chiếu (với) sổ gốc cấp văn bằng …, ông X có tên trong sổ gốc"
    # (a damaged "V/v" line leaves only this; a copy issued from the register says "bản sao" first).
    _ev(P.XAC_MINH_VAN_BANG, ("doi chieu", "so goc"), "body", 2.0),
    # Kiểm định chất lượng giáo dục
    _ev(P.KIEM_DINH_CHAT_LUONG, "kiem dinh chat luong giao duc", "title,about", 3.0),
    _ev(P.KIEM_DINH_CHAT_LUONG, "giay chung nhan kiem dinh chat luong", "body", 1.5),
    _ev(P.KIEM_DINH_CHAT_LUONG, "tieu chuan chat luong giao duc cap do", "body", 2.0),
    _ev(P.KIEM_DINH_CHAT_LUONG, "chu ky kiem dinh", "body", 0.5),
    # A stain may cut the "Về việc" line short or hide the title.
    _ev(P.KIEM_DINH_CHAT_LUONG, "kiem dinh chat luong", "about", 2.5),
    _ev(P.KIEM_DINH_CHAT_LUONG, "kiem dinh chat luong giao duc cho truong", "body", 1.5),
    _ev(P.KIEM_DINH_CHAT_LUONG, "dat cap do", "body", 1.0),
    # "Công nhận trường đạt tiêu chuẩn chất lượng giáo dục": the accreditation decision's own title.
    _ev(P.KIEM_DINH_CHAT_LUONG, "tieu chuan chat luong giao duc", "about", 2.5),
    _ev(P.KIEM_DINH_CHAT_LUONG, ("kiem dinh chat luong giao duc", "cap do"), "body", 1.5),
    # Công nhận trường đạt chuẩn quốc gia
    _ev(P.CONG_NHAN_CHUAN_QUOC_GIA, "dat chuan quoc gia", "title,about", 3.0),
    _ev(P.CONG_NHAN_CHUAN_QUOC_GIA, "dat chuan quoc gia", "body", 1.5),
    _ev(P.CONG_NHAN_CHUAN_QUOC_GIA, "cong nhan truong", "about,body", 1.0),
    _ev(P.CONG_NHAN_CHUAN_QUOC_GIA, "chuan quoc gia muc do", "body", 1.0),
    _ev(P.CONG_NHAN_CHUAN_QUOC_GIA, "qd-ubnd", "number", 1.0),
    _ev(P.CONG_NHAN_CHUAN_QUOC_GIA, "uy ban nhan dan", "header", 0.5),
    # Cấp bản sao văn bằng từ sổ gốc
    _ev(P.CAP_BAN_SAO_VAN_BANG, "ban sao van bang", "title,about", 3.0),
    _ev(P.CAP_BAN_SAO_VAN_BANG, ("ban sao", "so goc"), "about", 2.0),
    _ev(P.CAP_BAN_SAO_VAN_BANG, ("ban sao", "bang tot nghiep"), "title,about", 3.0),
    _ev(P.CAP_BAN_SAO_VAN_BANG, ("ban sao", "chung chi"), "title,about", 3.0),
    # In a body "bản sao" alone is any copy ("kèm theo bản sao giấy khai sinh"): a diploma's, from the register.
    _ev(P.CAP_BAN_SAO_VAN_BANG, ("ban sao van bang", "so goc"), "body", 2.0),
    _ev(P.CAP_BAN_SAO_VAN_BANG, "cap ban sao", "body", 1.0),
    # Chỉnh sửa nội dung văn bằng
    _ev(P.CHINH_SUA_VAN_BANG, "chinh sua noi dung van bang", "title,about", 3.0),
    _ev(P.CHINH_SUA_VAN_BANG, ("chinh sua", "van bang"), "title,about", 3.0),
    # The procedure covers every diploma and certificate: "chỉnh sửa nội dung bằng tốt nghiệp THPT".
    _ev(P.CHINH_SUA_VAN_BANG, ("chinh sua", "bang tot nghiep"), "title,about", 3.0),
    _ev(P.CHINH_SUA_VAN_BANG, ("chinh sua", "chung chi"), "title,about", 3.0),
    _ev(P.CHINH_SUA_VAN_BANG, ("chinh sua", "van bang"), "body", 2.0),
    _ev(P.CHINH_SUA_VAN_BANG, "sua lai la", "body", 1.0),
    # "Điều chỉnh nội dung ghi trên văn bằng": the same procedure in other words.
    _ev(P.CHINH_SUA_VAN_BANG, ("dieu chinh", "van bang"), "title,about", 3.0),
    _ev(P.CHINH_SUA_VAN_BANG, ("dieu chinh noi dung", "van bang"), "body", 1.5),
    # Công nhận văn bằng do cơ sở giáo dục nước ngoài cấp
    _ev(P.CONG_NHAN_VAN_BANG_NUOC_NGOAI, ("cong nhan van bang", "nuoc ngoai"), "title,about", 3.0),
    _ev(P.CONG_NHAN_VAN_BANG_NUOC_NGOAI, "co so giao duc nuoc ngoai", "body", 1.5),
    _ev(P.CONG_NHAN_VAN_BANG_NUOC_NGOAI, ("cong nhan van bang", "nuoc ngoai"), "body", 1.5),
    # Documents that are not results of these procedures
    _ev(P.KHAC, "bao cao", "title", 3.0),
    _ev(P.KHAC, "ke hoach", "title", 3.0),
    _ev(P.KHAC, "to trinh", "title", 3.0),
    _ev(P.KHAC, "thong bao", "title", 2.0),
)


@dataclass(frozen=True)
class Classification:
    """The result of classifying one record.

    Attributes:
        type: The chosen procedure type (``khac`` when unsure).
        confidence: 0..1, confidence in ``type``.
        reasons: Human-readable evidence, strongest first.
        candidates: Score per type that had any evidence.
    """

    type: ProcedureType
    confidence: float
    reasons: tuple[str, ...] = ()
    candidates: dict[ProcedureType, float] = field(default_factory=dict)

    @property
    def needs_review(self) -> bool:
        """Whether a person should confirm the type."""
        return self.type is ProcedureType.KHAC or self.confidence < REVIEW_CONFIDENCE


def _allowed_errors(phrase: str) -> int:
    n = len(phrase)
    if n < 10:
        return 0
    if n < 20:
        return 1
    return 2


def find_phrase(phrase: str, text: str) -> tuple[int, int] | None:
    """Find a folded phrase in folded text, allowing a few OCR errors.

    Phrases shorter than 10 characters must match exactly ("chinh sua" must
    not match "chinh sach"); 10–19 characters allow one substituted
    character, longer phrases two (measured with
    rapidfuzz's partial_ratio).

    Args:
        phrase: Folded phrase.
        text: Folded text.

    Returns:
        ``(start, end)`` of the match in ``text``, or ``None``.
    """
    pos = text.find(phrase)
    if pos >= 0:
        return pos, pos + len(phrase)
    k = _allowed_errors(phrase)
    if k == 0 or len(text) < len(phrase) - k:
        return None
    # One substitution costs two indel operations out of 2*len characters.
    cutoff = 100.0 * (1.0 - k / len(phrase)) - 1e-6
    al = fuzz.partial_ratio_alignment(phrase, text, score_cutoff=cutoff)
    if al is None or al.score < cutoff:
        return None
    if len(text) < len(phrase):
        return 0, len(text)
    return al.dest_start, al.dest_end


def text_scopes(text: str, codes: Codes) -> dict[str, str]:
    """Split a record's text into the folded scopes the rules look at.

    Args:
        text: Record text.
        codes: The known codes of document numbers (the profile's).

    Returns:
        Mapping scope name → folded text (lines joined with newlines).
    """
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    title_lines = []
    for ln in lines[:_TITLE_SCOPE_LINES]:
        if is_capitals(ln, min_letters=6):
            title_lines.append(ln)
    about = parse_about(text) or ""
    number = parse_number(text, codes) or ""
    return {
        "title": "\n".join(fold(ln) for ln in title_lines),
        "about": fold(about),
        "number": fold(number),
        # Header lines are short; long lines near the top are body paragraphs.
        "header": "\n".join(fold(ln) for ln in lines[:_HEADER_SCOPE_LINES] if len(ln) <= 80),
        "body": fold(text),
    }


def _snippet(text: str, start: int, end: int, width: int = 70) -> str:
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    if line_end < 0:
        line_end = len(text)
    if line_end - line_start <= width:
        return text[line_start:line_end]
    lo = max(line_start, start - 20)
    hi = min(line_end, max(end + 20, lo + width))
    return ("…" if lo > line_start else "") + text[lo:hi] + ("…" if hi < line_end else "")


def _confidence(best: float, second: float) -> float:
    if best <= 0:
        return 0.0
    return round((best / (best + second + 1.0)) * min(1.0, best / _STRONG_SCORE), 3)


def classify(text: str, profile: Profile, rules: tuple[Evidence, ...] = RULES) -> Classification:
    """Classify a record's text into a procedure type.

    Args:
        text: The record's OCR text (pages joined with newlines).
        profile: The office's profile (the codes of document numbers).
        rules: Evidence registry; defaults to :data:`RULES`.

    Returns:
        The chosen type, a confidence in 0..1, the reasons (strongest first)
        and the score of every candidate type. With no evidence, a best score
        below :data:`MIN_SCORE`, or a confidence below ``KHAC_THRESHOLD`` the
        type is ``khac`` (needs review).
    """
    scopes = text_scopes(text, profile.codes)
    scores: dict[ProcedureType, float] = {}
    found: list[tuple[float, str]] = []
    for rule in rules:
        for scope in rule.scopes:
            hay = scopes[scope]
            if not hay:
                continue
            spans = [find_phrase(p, hay) for p in rule.phrases]
            if any(s is None for s in spans):
                continue
            first = spans[0]
            assert first is not None
            scores[rule.type] = scores.get(rule.type, 0.0) + rule.weight
            quoted = " + ".join(f"'{p}'" for p in rule.phrases)
            found.append(
                (
                    rule.weight,
                    f"{scope}: '{_snippet(hay, *first)}' matches {quoted}"
                    f" → {rule.type.value} (+{rule.weight:.1f})",
                )
            )
            break
    found.sort(key=lambda f: -f[0])
    reasons = tuple(r for _, r in found)
    if not scores:
        return Classification(P.KHAC, 0.0, ("no evidence for any procedure type",), {})
    # On a tie "khac" wins: evidence that a document is something else counts.
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0] is not P.KHAC))
    best_type, best = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    conf = _confidence(best, second)
    candidates = dict(ranked)
    if best_type is P.KHAC:
        return Classification(P.KHAC, conf, reasons, candidates)
    if best < MIN_SCORE or conf < KHAC_THRESHOLD:
        why = (
            f"weak evidence: best {best_type.value} scored {best:.1f}"
            f" (confidence {conf:.2f}) → khac, needs review"
        )
        return Classification(P.KHAC, 0.0, (why, *reasons), candidates)
    return Classification(best_type, conf, reasons, candidates)
