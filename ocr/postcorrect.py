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
from dataclasses import dataclass, replace
from pathlib import Path

from ocr.tesseract import OcrResult, OcrWord, words_to_text
from pipeline.folding import fold

__all__ = ["Lexicon", "load_lexicon", "correct_result", "is_garbage"]

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


def _match_case(template: str, syl: str) -> str:
    if template.isupper() and len(template) > 1:
        return syl.upper()
    if template[:1].isupper():
        return syl[:1].upper() + syl[1:]
    return syl


def _fix_word(text: str, prev: str | None, nxt: str | None, lex: Lexicon) -> str:
    m = _SYLLABLE.search(text)
    if m is None or any(ch.isalnum() for ch in text[: m.start()]):
        return text
    core = m.group(0)
    syl = unicodedata.normalize("NFC", core).lower()
    options = lex.variants.get(fold(syl), ())
    if len(options) < 2 and syl in options:
        return text
    if lex.support(prev, syl, nxt):
        return text
    scored = [(lex.support(prev, o, nxt), lex.unigrams[o], o) for o in options if o != syl]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return text
    best = max(scored)
    return text[: m.start()] + _match_case(core, best[2]) + text[m.end() :]


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
    kept = [w for w in result.words if not is_garbage(w)]
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
        fixed = _fix_word(w.text, prev, nxt, lex) if (prev or nxt) else w.text
        if fixed != w.text:
            changes += 1
            w = replace(w, text=fixed)
        out.append(w)
    return OcrResult(text=words_to_text(out), words=tuple(out)), changes
