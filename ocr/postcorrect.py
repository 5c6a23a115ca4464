"""Vietnamese post-correction of OCR words: diacritics by context, stain garbage out.

Tesseract reads the letters of damaged Vietnamese print well and its marks
less well: "kiểm" comes back as "kiếm", "phổ" as "phố", "sổ" as "số" — each a
real syllable, so no spell checker notices. Which marks a syllable takes is
decided here by its neighbours: a lexicon of syllable bigrams learnt from
administrative text (the office's own quarterly report and a list of the
documents' formulas in ``ocr/data/``) picks, among the syllables that fold
to the same letters, the one that fits its neighbours. A word is changed
only when the lexicon has seen the replacement next to a neighbour and has
never seen the word as read there, so names and rare words stay as read.

Signatures, seals and stains also come back as runs of symbols ("—>_ 3>");
low-confidence words that are half symbols or more are dropped.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ocr.tesseract import OcrResult, OcrWord, words_to_text
from pipeline.folding import fold

__all__ = ["Lexicon", "load_lexicon", "correct_result", "fix_characters", "is_garbage", "tall_strokes"]

DATA = Path(__file__).with_name("data")
_SYLLABLE = re.compile(r"[^\W\d_]+", re.UNICODE)


@dataclass(frozen=True)
class Lexicon:
    """Syllable counts, bigram counts and the spellings of each folded syllable (lower case)."""

    unigrams: Counter[str]
    bigrams: Counter[tuple[str, str]]
    variants: dict[str, tuple[str, ...]]

    @classmethod
    def from_texts(cls, texts: list[str]) -> "Lexicon":
        """Learn a lexicon from plain texts."""
        uni: Counter[str] = Counter()
        bi: Counter[tuple[str, str]] = Counter()
        for text in texts:
            for line in text.splitlines():
                if line.startswith("#"):
                    continue
                sylls = [s.lower() for s in _SYLLABLE.findall(unicodedata.normalize("NFC", line))]
                uni.update(sylls)
                bi.update(zip(sylls, sylls[1:]))
        variants: dict[str, set[str]] = defaultdict(set)
        for syl in uni:
            variants[fold(syl)].add(syl)
        return cls(uni, bi, {k: tuple(sorted(v)) for k, v in variants.items()})

    def support(self, prev: str | None, syl: str, nxt: str | None) -> int:
        """How often the lexicon saw ``syl`` next to these neighbours."""
        return (self.bigrams[(prev, syl)] if prev else 0) + (self.bigrams[(syl, nxt)] if nxt else 0)


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """The packaged lexicon (built once per process from ``ocr/data/*.txt``)."""
    return Lexicon.from_texts([p.read_text(encoding="utf-8") for p in sorted(DATA.glob("*.txt"))])


def is_garbage(word: OcrWord) -> bool:
    """A low-confidence word that is half symbols or more: a stain, seal or signature."""
    alnum = sum(ch.isalnum() for ch in word.text)
    return word.conf < 60 and 2 * alnum <= len(word.text)


#: A word this many times the page's median word height is a pen stroke (a
#: signature, a flourish) read as letters: no print on these documents is that
#: large (titles are about 1.3 times the body).
TALL_WORD_RATIO = 2.2
#: Fewer words than this give no reliable median height.
_MIN_WORDS_FOR_HEIGHT = 20
#: A number, or a document number such as "123/QĐ-UBND": digits, capitals and separators.
_NUMBER = re.compile(r"(?=.*\d)[\dA-ZĐ]+([./-][\dA-ZĐ]+)*[.,;:]?")


def tall_strokes(words: Sequence[OcrWord]) -> set[int]:
    """Indices of the words far taller than the page's text: signature strokes.

    A number read with confidence stays (alone or with its printed symbol,
    "123/QĐ-UBND"): a handwritten number filled into a blank can be written large.
    """
    heights = sorted(w.height for w in words if w.text.strip())
    if len(heights) < _MIN_WORDS_FOR_HEIGHT:
        return set()
    limit = TALL_WORD_RATIO * heights[len(heights) // 2]
    return {i for i, w in enumerate(words)
            if w.height >= limit and not (w.conf >= 60 and _NUMBER.fullmatch(w.text))}


#: Look-alike characters Tesseract prints that Vietnamese never uses: the
#: Icelandic eth for "Đ" (often doubled: "QĐÐ"), the fraction slash for "/".
_CHAR_FIXES = (("ĐÐ", "Đ"), ("ÐĐ", "Đ"), ("ĐĐ", "Đ"), ("Ð", "Đ"), ("ð", "đ"), ("/\u2044", "/"), ("\u2044", "/"))


def fix_characters(text: str) -> str:
    """Replace characters no Vietnamese document prints by the ones meant."""
    for bad, good in _CHAR_FIXES:
        text = text.replace(bad, good)
    return text


#: "- Lưu: VT, KTKĐ." ends every act (VT: the records office); its short
#: code is read "VE", "VI;", "VTE;".
_FILING_CODE = re.compile(r"^V[TEIl1][^\W\d_]{0,2}[,.;:]?$")


def _fix_filing_code(text: str, prev: str | None, has_next: bool) -> str:
    if prev != "lưu" or text == "VT" or not _FILING_CODE.match(text):
        return text
    return "VT," if has_next else "VT."


def _match_case(template: str, syl: str) -> str:
    if template.isupper() and len(template) > 1:
        return syl.upper()
    if template[:1].isupper():
        return syl[:1].upper() + syl[1:]
    return syl


def _sides(lex: Lexicon, prev: str | None, syl: str, nxt: str | None) -> int:
    """On how many sides (0-2) the lexicon saw ``syl`` next to these neighbours."""
    return int(bool(prev and lex.bigrams[(prev, syl)])) + int(bool(nxt and lex.bigrams[(syl, nxt)]))


def _fix_word(text: str, prev: str | None, nxt: str | None, lex: Lexicon) -> str:
    """The word with the diacritics its neighbours call for.

    A word the lexicon saw on both sides stays. Otherwise a spelling of the
    same letters that the lexicon saw on more sides replaces it — and a
    capitalised word inside a line (a name: "Văn Phong", not "Văn phòng")
    only for a spelling seen on both sides.
    """
    m = _SYLLABLE.search(text)
    if m is None or any(ch.isalnum() for ch in text[: m.start()]):
        return text
    core = m.group(0)
    syl = unicodedata.normalize("NFC", core).lower()
    options = lex.variants.get(fold(syl), ())
    if len(options) < 2 and syl in options:
        return text
    both = 2 if prev and nxt else 1
    have = _sides(lex, prev, syl, nxt)
    if have == both:
        return text
    need = both if core[:1].isupper() and prev is not None else have + 1
    scored = [(_sides(lex, prev, o, nxt), lex.support(prev, o, nxt), lex.unigrams[o], o)
              for o in options if o != syl]
    # A common word read with no support ("có" between two rare neighbours)
    # yields only to a spelling seen there more than once.
    least = 2 if lex.unigrams[syl] >= 3 else 1
    scored = [c for c in scored if c[0] >= need and c[1] >= least]
    if not scored:
        return text
    best = max(scored)
    return text[: m.start()] + _match_case(core, best[3]) + text[m.end() :]


def correct_result(result: OcrResult, lex: Lexicon | None = None) -> tuple[OcrResult, int]:
    """Drop garbage words and fix diacritics by context.

    Args:
        result: Tesseract's words for one page (or zone).
        lex: The lexicon; the packaged one by default.

    Returns:
        The corrected result (text rebuilt from the words) and how many words
        were changed or dropped.
    """
    lex = lex or load_lexicon()
    tall = tall_strokes(result.words)
    kept = [w for i, w in enumerate(result.words) if not is_garbage(w) and i not in tall]
    changes = len(result.words) - len(kept)
    # Neighbours are taken within a line, as the lexicon was learnt.
    lowered = [
        (unicodedata.normalize("NFC", m.group(0)).lower() if (m := _SYLLABLE.search(w.text)) else None)
        for w in kept
    ]
    out: list[OcrWord] = []
    for i, w in enumerate(kept):
        same_line = lambda j: 0 <= j < len(kept) and (kept[j].block, kept[j].par, kept[j].line) == (  # noqa: E731
            w.block, w.par, w.line)
        prev = lowered[i - 1] if same_line(i - 1) else None
        nxt = lowered[i + 1] if same_line(i + 1) else None
        fixed = fix_characters(w.text)
        fixed = _fix_word(fixed, prev, nxt, lex) if (prev or nxt) else fixed
        fixed = _fix_filing_code(fixed, prev, same_line(i + 1))
        if fixed != w.text:
            changes += 1
            w = replace(w, text=fixed)
        out.append(w)
    return OcrResult(text=words_to_text(out), words=tuple(out)), changes
