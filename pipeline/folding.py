"""Vietnamese folding shared by every search backend and by the text stages.

Clerks type without diacritics and Tesseract loses or mangles them, so all
matching happens on *folded* text: Unicode-normalised, combining marks removed,
``đ``/``Đ`` mapped to ``d``, lower-cased, whitespace collapsed.

Two flavours:

* :func:`fold` — the canonical folded form (collapsed whitespace), used by the
  indexes and by phrase matching.
* :func:`fold_aligned` — a character-for-character folding of the NFC text, so
  a match position in the folded string is the same position in the original
  (used by the extractors to cut the original spelling out of the page).

Translation tables are built once at import time; folding is a handful of
C-level passes (``unicodedata.normalize``, ``str.translate``, ``str.lower``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "SYLLABLE_RE",
    "fold",
    "fold_aligned",
    "tokens",
    "subtokens",
    "index_tokens",
    "is_capitals",
    "is_vietnamese_syllable",
]

#: A run of letters: a syllable as written (digits and marks of punctuation end it).
SYLLABLE_RE = re.compile(r"[^\W\d_]+", re.UNICODE)

# Combining-mark blocks (diacritics Tesseract may emit as separate code points).
_COMBINING_RANGES: tuple[tuple[int, int], ...] = (
    (0x0300, 0x036F),
    (0x1AB0, 0x1AFF),
    (0x1DC0, 0x1DFF),
    (0x20D0, 0x20FF),
    (0xFE20, 0xFE2F),
)

# Letters NFD does not decompose but which are "d" for Vietnamese search.
# U+00D0 (Eth) is what some OCR engines and fonts produce for "Đ".
_EXTRA_LETTERS: dict[str, str] = {
    "đ": "d",
    "Đ": "d",
    "Ð": "d",
    "ð": "d",
    "ɖ": "d",
}


def _build_strip_table() -> dict[int, int | None]:
    table: dict[int, int | None] = {}
    for lo, hi in _COMBINING_RANGES:
        for cp in range(lo, hi + 1):
            table[cp] = None
    for src, dst in _EXTRA_LETTERS.items():
        table[ord(src)] = ord(dst)
    return table


def _build_aligned_table() -> dict[int, str]:
    """One-to-one map of precomposed Latin letters to their folded base."""
    table: dict[int, str] = {}
    ranges = ((0x0041, 0x005A), (0x00C0, 0x024F), (0x1E00, 0x1EFF))
    for lo, hi in ranges:
        for cp in range(lo, hi + 1):
            ch = chr(cp)
            base = "".join(
                c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c)
            ).lower()
            if len(base) == 1 and base != ch:
                table[cp] = base
    for src, dst in _EXTRA_LETTERS.items():
        table[ord(src)] = dst
    return table


_STRIP_TABLE = _build_strip_table()
_ALIGNED_TABLE = _build_aligned_table()
_DELETE_COMBINING = {cp: None for cp, v in _STRIP_TABLE.items() if v is None}

_TOKEN_RE = re.compile(r"\w+(?:[/&\-]\w+)*")
_SUBTOKEN_SPLIT_RE = re.compile(r"[/&\-]")


def fold(text: str) -> str:
    """Fold Vietnamese text for matching and search.

    Args:
        text: Any text, composed (NFC) or decomposed (NFD).

    Returns:
        Lower-case text without diacritics, ``đ`` → ``d``, runs of whitespace
        collapsed to one space and stripped at both ends.

    Examples:
        >>> fold("Nguyễn Văn An")
        'nguyen van an'
        >>> fold("SỞ GIÁO DỤC VÀ   ĐÀO TẠO")
        'so giao duc va dao tao'
    """
    s = unicodedata.normalize("NFD", text).translate(_STRIP_TABLE).lower()
    # lower() can reintroduce a combining mark (e.g. "İ" -> "i̇"); strip again.
    s = s.translate(_DELETE_COMBINING)
    return " ".join(s.split())


def fold_aligned(text: str) -> tuple[str, str]:
    """Fold character by character, keeping positions aligned.

    The input is NFC-normalised and stray combining marks (ones that do not
    compose with their base letter) are dropped; the folded string then has
    exactly the same length as the returned original, so ``folded[i:j]``
    corresponds to ``original[i:j]``. Whitespace is *not* collapsed.

    Args:
        text: Page or record text.

    Returns:
        ``(original, folded)`` of equal length.
    """
    original = unicodedata.normalize("NFC", text).translate(_DELETE_COMBINING)
    folded = original.translate(_ALIGNED_TABLE)
    # ASCII upper-case is covered by the table; other scripts keep their case
    # so that the lengths stay equal.
    return original, folded


def tokens(text: str) -> list[str]:
    """Folded word tokens; compound codes such as ``123/qd-sgddt`` stay whole.

    Args:
        text: Any text.

    Returns:
        Tokens of the folded text, split on whitespace and punctuation except
        ``/``, ``-`` and ``&`` inside a token.

    Examples:
        >>> tokens("Số: 123/QĐ-SGDĐT ngày 05/7/2010")
        ['so', '123/qd-sgddt', 'ngay', '05/7/2010']
    """
    return _TOKEN_RE.findall(fold(text))


def subtokens(token: str) -> list[str]:
    """Parts of a compound token split on ``/``, ``-`` and ``&``.

    Args:
        token: A (folded) token such as ``123/qd-sgddt``.

    Returns:
        Non-empty parts, e.g. ``['123', 'qd', 'sgddt']``; a simple token gives
        ``[token]``.
    """
    return [p for p in _SUBTOKEN_SPLIT_RE.split(token) if p]


def index_tokens(text: str) -> list[str]:
    """Tokens for an index: each compound token followed by its parts.

    A search for ``123/QĐ-SGDĐT``, ``123`` or ``SGDĐT`` then all hit the
    document.

    Args:
        text: Any text.

    Returns:
        Folded tokens, compound tokens followed by their parts.

    Examples:
        >>> index_tokens("Số 45/SGDĐT-KTKĐ")
        ['so', '45/sgddt-ktkd', '45', 'sgddt', 'ktkd']
    """
    out: list[str] = []
    for tok in tokens(text):
        out.append(tok)
        parts = subtokens(tok)
        if len(parts) > 1:
            out.extend(parts)
    return out


# --------------------------------------------------------------------------
# Syllables
# --------------------------------------------------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}  # huyền, sắc, ngã, hỏi, nặng
_SHAPE = re.compile(
    r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdghklmnpqrstvx])?"
    r"(?:[aeiouy]{1,3})"
    r"(ng|nh|ch|[cmnpt])?$"
)


def is_vietnamese_syllable(word: str) -> bool:
    """Whether ``word`` has the shape of a Vietnamese syllable (initial, vowels, final, one tone)."""
    nfd = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONES for ch in nfd) > 1:
        return False
    # "â", "ă" and "ươ" are never the end of a syllable: a final consonant or glide follows ("tâm", "năm",
    # "phương"); "Tâ" is what damage left of "Tâm".
    vowels = unicodedata.normalize("NFC", "".join(ch for ch in nfd if ch not in _TONES))
    if vowels.endswith(_OPEN_ENDS):
        return False
    base = "".join(ch for ch in nfd if not unicodedata.combining(ch)).replace("đ", "d")
    return bool(_SHAPE.match(base)) and _vowels_of_a_syllable(vowels)


#: Vowels that need a final consonant or glide after them (tone marks aside).
_OPEN_ENDS = ("â", "ă", "ươ")
#: The vowels a Vietnamese syllable can have between its initial and its final consonant (tone marks
#: aside; after "qu" and "gi" the u and the i belong to the initial). The language's, not an office's.
_NUCLEI = frozenset(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi "
    "ươ ưu yê iêu oai oao oay oeo uây uôi uya uyê uyu ươi ươu yêu".split())
#: ... and the same letters without hats and horns, as text typed or read without them has them ("nuoc").
_BARE_NUCLEI = frozenset("".join(ch for ch in unicodedata.normalize("NFD", n) if not unicodedata.combining(ch))
                         for n in _NUCLEI)
_PARTS = re.compile(r"^(ngh|ng|gh|gi|kh|nh|ph|th|tr|ch|qu|[bcdđghklmnpqrstvx])?([aăâeêioôơuưy]*)(ng|nh|ch|[cmnpt])?$")


def _vowels_of_a_syllable(letters: str) -> bool:
    """Whether the vowels of ``letters`` (lower case, tone marks off) are a syllable's: "uụa" ("Luụa", a misread
    of "Lụa") has the shape of one, initial, vowels and all, but no syllable has those vowels."""
    parts = _PARTS.match(letters)
    if parts is None:
        return False
    initial, vowels, _ = parts.groups()
    if not vowels:
        return initial == "gi"  # "gì", "gìn": the i is the vowel
    return vowels in _NUCLEI or (vowels.isascii() and vowels in _BARE_NUCLEI)


def is_capitals(line: str, share: float = 0.7, min_letters: int = 3) -> bool:
    """Whether a line is printed in capitals, as headers and titles are: ``share`` of its letters, ``min_letters`` at least."""
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= min_letters and sum(c.isupper() for c in letters) >= share * len(letters)
