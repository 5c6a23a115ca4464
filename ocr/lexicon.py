"""The lexicon post-correction reads by: syllables, their neighbours, and what they decide for a word.

Tesseract reads the letters of damaged Vietnamese print well and its marks
less well ("kiểm" as "kiếm", "phổ" as "phố"), each a real syllable. A
:class:`Lexicon` is learnt from administrative text (the profile's
vocabulary and standard lines): how often each syllable was seen, next to
which, and capitalised where. The fixes here ask it about one word and its
neighbours on the line: which spelling of the same letters fits them
(:func:`fix_diacritics`), which syllable one letter away a non-word was
(:func:`fix_misspelling`), whether a capital at a line's start is the
sentence's or the word's (:func:`fix_line_start_capital`). The page-level
correction that calls them is :func:`ocr.postcorrect.correct_result`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import Levenshtein

from pipeline.folding import SYLLABLE_RE, fold, is_vietnamese_syllable

__all__ = ["Lexicon", "fix_diacritics", "fix_inner_capital", "fix_line_start_capital", "fix_misspelling"]


@dataclass(frozen=True)
class Lexicon:
    """Syllable counts, bigram counts and the spellings of each folded syllable (lower case).

    ``capitals`` counts the syllables seen capitalised inside a line (names,
    "Sở", "Đào tạo") and ``capital_pairs`` the pairs whose second syllable
    was ("chuẩn Quốc gia"), so a capital Tesseract put on a plain word can be
    told from one the word has there.
    """

    unigrams: Counter[str]
    bigrams: Counter[tuple[str, str]]
    variants: dict[str, tuple[str, ...]]
    capitals: Counter[str] = field(default_factory=Counter)
    capital_pairs: Counter[tuple[str, str]] = field(default_factory=Counter)

    @classmethod
    def from_texts(cls, texts: list[str]) -> "Lexicon":
        """Learn a lexicon from plain texts."""
        uni: Counter[str] = Counter()
        bi: Counter[tuple[str, str]] = Counter()
        caps: Counter[str] = Counter()
        cap_pairs: Counter[tuple[str, str]] = Counter()
        for text in texts:
            for line in text.splitlines():
                if line.startswith("#"):
                    continue
                found = SYLLABLE_RE.findall(unicodedata.normalize("NFC", line))
                sylls = [s.lower() for s in found]
                uni.update(sylls)
                bi.update(zip(sylls, sylls[1:]))
                caps.update(s.lower() for s in found[1:] if s[:1].isupper())
                cap_pairs.update((a.lower(), b.lower()) for a, b in zip(found, found[1:]) if b[:1].isupper())
        variants: dict[str, set[str]] = defaultdict(set)
        for syl in uni:
            variants[fold(syl)].add(syl)
        return cls(uni, bi, {k: tuple(sorted(v)) for k, v in variants.items()}, caps, cap_pairs)

    def support(self, prev: str | None, syl: str, nxt: str | None) -> int:
        """How often the lexicon saw ``syl`` next to these neighbours."""
        return (self.bigrams[(prev, syl)] if prev else 0) + (self.bigrams[(syl, nxt)] if nxt else 0)


def _match_case(template: str, syl: str) -> str:
    if template.isupper() and len(template) > 1:
        return syl.upper()
    if template[:1].isupper():
        return syl[:1].upper() + syl[1:]
    return syl


def _sides(lex: Lexicon, prev: str | None, syl: str, nxt: str | None) -> int:
    """On how many sides (0-2) the lexicon saw ``syl`` next to these neighbours."""
    return int(bool(prev and lex.bigrams[(prev, syl)])) + int(bool(nxt and lex.bigrams[(syl, nxt)]))


def fix_diacritics(text: str, prev: str | None, nxt: str | None, lex: Lexicon) -> str:
    """The word with the diacritics its neighbours call for.

    A word the lexicon saw on both sides stays. Otherwise a spelling of the
    same letters that the lexicon saw on more sides replaces it — and a
    capitalised word inside a line (a name: "Văn Phong", not "Văn phòng")
    only for a spelling seen on both sides.
    """
    m = SYLLABLE_RE.search(text)
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


def fix_misspelling(text: str, conf: float, prev: str | None, nxt: str | None, lex: Lexicon) -> str:
    """A word that is no Vietnamese syllable, as the syllable one letter away that fits its neighbours.

    "GLIÁM ĐỐC" → "GIÁM ĐỐC", "nàyv./." → "này./.". Only doubtful words
    (below 90% confidence) of three letters or more are changed, and only to
    a Vietnamese syllable the lexicon saw next to one of the neighbours, so
    codes and acronyms ("PCT" is not "CT") stay.
    """
    m = SYLLABLE_RE.search(text)
    if conf >= 90 or m is None or len(m.group(0)) < 3 or any(ch.isalnum() for ch in text[: m.start()]):
        return text
    core = m.group(0)
    syl = unicodedata.normalize("NFC", core).lower()
    if is_vietnamese_syllable(syl) or syl in lex.unigrams:
        return text
    scored = [(_sides(lex, prev, o, nxt), lex.support(prev, o, nxt), lex.unigrams[o], o)
              for o in lex.unigrams if len(o) >= 2 and abs(len(o) - len(syl)) <= 1
              and Levenshtein.distance(o, syl, score_cutoff=1) <= 1 and is_vietnamese_syllable(o)]
    scored = [c for c in scored if c[0] >= 1]
    if not scored:
        return text
    best = max(scored)
    if sum(c[:2] == best[:2] for c in scored) > 1:
        return text  # two equally good readings: leave it
    upper = 2 * sum(ch.isupper() for ch in core) > len(core)
    return text[: m.start()] + (best[3].upper() if upper else _match_case(core, best[3])) + text[m.end() :]


def fix_line_start_capital(text: str, prev_word: str | None, next_word: str | None, lex: Lexicon) -> str:
    """A plain word capitalised at the start of a line in mid-sentence ("của ông | Có tên sau:").

    Lowered only when the previous line ends in a lower-case word (no full
    stop, colon or semicolon), the lexicon saw the pair, the next word is not
    capitalised too (a name: "cho | Trường Mầm non"), and the lexicon never
    saw the pair with the capital ("chuẩn | Quốc gia") and saw the word
    capitalised inside a line less than a third of the time.
    """
    m = SYLLABLE_RE.fullmatch(text.rstrip(",.;:"))
    if m is None or prev_word is None or not text[:1].isupper() or text[1:2].isupper():
        return text
    if not (prev_word[-1:].isalpha() and prev_word.islower()) or (next_word and next_word[:1].isupper()):
        return text
    syl = unicodedata.normalize("NFC", m.group(0)).lower()
    prev = unicodedata.normalize("NFC", prev_word).lower()
    if not lex.bigrams[(prev, syl)] or lex.capital_pairs[(prev, syl)] or 3 * lex.capitals[syl] >= lex.unigrams[syl]:
        return text
    return text[:1].lower() + text[1:]


#: Capitals Tesseract reads for a lower-case letter of the same shape: a monospace "l" has a foot.
_LOOKALIKE_CAPITALS = frozenset("L")


def fix_inner_capital(text: str, prev_word: str, next_word: str | None, lex: Lexicon) -> str:
    """A plain word whose first letter was read as a look-alike capital inside a line, between two
    lower-case words ("hiệu Lực kể": a monospace "l" read as "L"), lowered as :func:`fix_line_start_capital`
    lowers one at a line's start. Other capitals stay: a document's name is capitalised in running text
    at its writer's choice ("được cấp Bằng tốt nghiệp"); so does a word followed by a capitalised one (a
    name, "bà Lê Thị") or by none."""
    if text[:1] not in _LOOKALIKE_CAPITALS or not next_word or not next_word[:1].islower():
        return text
    return fix_line_start_capital(text, prev_word, next_word, lex)
