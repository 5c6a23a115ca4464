"""Vietnamese post-correction of OCR words: diacritics by context, stain garbage out.

Tesseract reads the letters of damaged Vietnamese print well and its marks
less well: "kiểm" comes back as "kiếm", "phổ" as "phố", "sổ" as "số" — each a
real syllable, so no spell checker notices. Which marks a syllable takes is
decided here by its neighbours: a lexicon of syllable bigrams learnt from
administrative text (the profile's vocabulary: the documents' formulas,
an office's own reports; :mod:`pipeline.profile`) picks, among the
syllables that fold to the same letters, the one that fits its neighbours
(:mod:`ocr.lexicon`). A word is changed
only when the lexicon has seen the replacement next to a neighbour and has
never seen the word as read there, so names and rare words stay as read.

Signatures, seals and stains also come back as runs of symbols ("—>_ 3>");
low-confidence words that are half symbols or more are dropped, and so are
pen strokes far taller than the print and the scraps read beside them.

Some lines are the same on every document: the motto, the issuer, the
signature titles, the closing "Nơi nhận:" list. A line read within a
character or two of one of these (the profile's standard lines) is put
back to it, and the "./." that ends every act is kept and put back where
it was read as "...". Personal names are outside any lexicon: a name read
as another syllable with the same letters ("bà Định Thị" for "bà Đinh
Thị") takes the spelling of a common name (the profile's person names).
Every change is recorded with the page (:mod:`ocr.pages` keeps Tesseract's
own words beside the corrected ones).
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from rapidfuzz.distance import Levenshtein

from ocr.lexicon import Lexicon, fix_diacritics, fix_inner_capital, fix_line_start_capital, fix_misspelling
from ocr.names import PersonNames, fix_names
from ocr.tesseract import OcrResult, OcrWord, line_key, words_to_text
from pipeline.folding import SYLLABLE_RE, fold, is_vietnamese_syllable
from pipeline.numbers_dates import Codes
from pipeline.profile import Profile

__all__ = [
    "ACT_END",
    "Knowledge",
    "correct_result",
    "fix_characters",
    "in_print_flow",
    "list_marks",
    "mostly_signs",
    "is_garbage",
    "knowledge_for",
    "flat_strokes",
    "lone_specks",
    "snap_formula_line",
    "stray_marks",
    "stroke_scraps",
    "tall_strokes",
]


#: The mark that ends every act ("... thi hành./."): punctuation, but never garbage.
ACT_END = "./."


#: Punctuation that opens or closes a printed word.
_WORD_MARKS = "()[],;:.!?\"'“”"


def is_garbage(word: OcrWord) -> bool:
    """A low-confidence word that is half symbols or more: a stain, seal or signature.

    The act ending "./." is kept whatever its confidence: it is small and
    often printed next to the signature's strokes, which Tesseract doubts.
    """
    if word.text == ACT_END:
        return False
    return word.conf < 60 and mostly_signs(word.text)


def mostly_signs(text: str) -> bool:
    """Half the characters or more of a word are no letter or digit, brackets and sentence marks around it
    left aside: they are print ("(để", "b/c);"), not scribble."""
    core = text.strip(_WORD_MARKS) or text
    return 2 * sum(ch.isalnum() for ch in core) <= len(core)


#: A word this many times the page's median word height is a pen stroke (a
#: signature, a flourish) read as letters: no print on these documents is that
#: large (titles are about 1.3 times the body).
TALL_WORD_RATIO = 2.2
#: Fewer words than this give no reliable median height.
_MIN_WORDS_FOR_HEIGHT = 8
#: A number, or a document number such as "123/QĐ-UBND": digits, capitals and separators.
_NUMBER = re.compile(r"(?=.*\d)[\dA-ZĐ]+([./-][\dA-ZĐ]+)*[.,;:]?")


#: A tall word read at this confidence or above, every syllable of it a known one, is large print.
TALL_PRINT_CONF = 80


def _large_print(word: OcrWord, lex: Lexicon | None) -> bool:
    """A confidently read word of known syllables ("GIẤY CHỨNG NHẬN" of a certificate's title)."""
    syllables = SYLLABLE_RE.findall(unicodedata.normalize("NFC", word.text))
    return (lex is not None and word.conf >= TALL_PRINT_CONF and bool(syllables)
            and all(lex.unigrams[syl.lower()] for syl in syllables))


def _median_height(words: Sequence[OcrWord]) -> int | None:
    """The page's median word height, or ``None`` when too few words give a reliable one."""
    heights = sorted(w.height for w in words if w.text.strip())
    return heights[len(heights) // 2] if len(heights) >= _MIN_WORDS_FOR_HEIGHT else None


def tall_strokes(words: Sequence[OcrWord], lex: Lexicon | None = None) -> set[int]:
    """Indices of the words far taller than the page's text: signature strokes.

    A number read with confidence stays (alone or with its printed symbol,
    "123/QĐ-UBND"): a handwritten number filled into a blank can be written
    large. So does a title in large print: a word of syllables ``lex`` knows,
    read with confidence (a stroke read as letters is doubted or no word).
    """
    median = _median_height(words)
    if median is None:
        return set()
    limit = TALL_WORD_RATIO * median
    return {i for i, w in enumerate(words)
            if w.height >= limit and not (w.conf >= 60 and _NUMBER.fullmatch(w.text))
            and not _large_print(w, lex)}


#: A word this many times the page's median word height or less is no print: the smallest letters
#: ("ư", "a") stand half the height of a line's capitals; a rule, a fold or a scanner strip's edge is a
#: few pixels tall and as long as a line.
FLAT_WORD_RATIO = 0.3
#: ... when it holds this many letters or digits, doubted (a dash or a dot is as flat, and print),
#: and is at least this many median word heights long.
_FLAT_LETTERS = 3
_FLAT_LENGTH = 2.0


def flat_strokes(words: Sequence[OcrWord]) -> set[int]:
    """Indices of doubtful words far flatter than the page's text and long: a rule or an edge read as
    letters ("T"r-_~-—ẶÉKXKẶÏ…" at confidence 0, 769 x 6 px under 46 px print)."""
    median = _median_height(words)
    if median is None:
        return set()
    # Long, too: Tesseract may give a word it read right a box of a few pixels ("PHỔ" at 6 x 2).
    return {i for i, w in enumerate(words)
            if w.height <= FLAT_WORD_RATIO * median and w.width >= _FLAT_LENGTH * median and w.conf < 60
            and sum(ch.isalnum() for ch in w.text) >= _FLAT_LETTERS}


def stray_marks(words: Sequence[OcrWord]) -> set[int]:
    """Indices of the words of lines that hold no letter or digit, only marks far flatter than the page's
    text (:data:`FLAT_WORD_RATIO`): the accents of a capitals line Tesseract read as a line of their own
    above it ("ˆ", "`", "^" at 80–96%), specks in a row. "./." stays (:data:`ACT_END`)."""
    median = _median_height(words)
    if median is None:
        return set()
    lines: dict[tuple[int, int, int], list[int]] = {}
    for i, w in enumerate(words):
        lines.setdefault(line_key(w), []).append(i)
    return {i for found in lines.values()
            # A modifier letter ("ˆ", "ˋ") is a letter to Python, an accent on the page.
            if all(not any(ch.isalnum() and unicodedata.category(ch) != "Lm" for ch in words[i].text)
                   and words[i].text != ACT_END
                   and words[i].height <= FLAT_WORD_RATIO * median for i in found)
            for i in found}


def stroke_scraps(words: Sequence[OcrWord], tall: set[int]) -> set[int]:
    """Indices of the scraps Tesseract read on the same line as a pen stroke.

    A signature read as a line also yields small doubtful pieces beside its
    tall strokes ("'", "có" at confidence 20): a word on such a line read
    below 60% confidence, or without a letter or digit, goes with the stroke.
    """
    lines = {line_key(words[i]) for i in tall}
    return {i for i, w in enumerate(words)
            if i not in tall and line_key(w) in lines
            and (w.conf < 60 or not any(ch.isalnum() for ch in w.text)) and w.text != ACT_END}


#: A confident word beside a doubted one: Tesseract is sure of this word.
_SURE_CONF = 80
#: The doubted word is of that word's size (its height within this ratio either way), on its baseline
#: (its top within this share of a height) and a word space away (a gap of at most one height).
_SAME_SIZE = 1.3
_SAME_TOP = 0.25


def in_print_flow(words: Sequence[OcrWord]) -> set[int]:
    """Indices of doubted words with a letter or digit set as the print beside them: as tall as a word
    of their line read surely, on its baseline, a space from it, on a line of two such words or more
    ("(để b/©);": "b/©);" at 25%, its "c" read as a symbol). A stain, a seal's ring or a signature is
    not cut to a line's print."""
    sure = Counter(line_key(w) for w in words if w.conf >= _SURE_CONF and any(ch.isalnum() for ch in w.text))
    keep: set[int] = set()
    for i, w in enumerate(words):
        # A line of print holds two sure words or more (a page number alone is no line's flow).
        if w.conf >= 60 or not any(ch.isalnum() for ch in w.text) or w.height <= 0 or sure[line_key(w)] < 2:
            continue
        for j in (i - 1, i + 1):
            if not 0 <= j < len(words) or line_key(words[j]) != line_key(w) or words[j].conf < _SURE_CONF:
                continue
            n = words[j]
            gap = w.left - (n.left + n.width) if j < i else n.left - (w.left + w.width)
            if (1 / _SAME_SIZE <= w.height / max(1, n.height) <= _SAME_SIZE
                    and abs(w.top - n.top) <= _SAME_TOP * n.height and 0 <= gap <= n.height):
                keep.add(i)
    return keep


#: The marks that open an item of a list ("- Như trên;", "+ Lớp 12").
LIST_MARKS = frozenset("-–+•")


def list_marks(words: Sequence[OcrWord]) -> set[int]:
    """Indices of doubted list marks: a dash (or a plus, a bullet) that starts its line, flat and low
    enough to sit inside the x-height of the word after it, that word read surely a space on.

    Tesseract doubts a lone dash (about 46% on a mild page's "- Lưu: VT."), and a doubted word of signs is
    garbage (:func:`is_garbage`); a stain's speck seldom lies just where a list's mark is printed.
    """
    keep: set[int] = set()
    for i, w in enumerate(words[:-1]):
        n = words[i + 1]
        if (w.text not in LIST_MARKS or w.conf >= 60 or (i and line_key(words[i - 1]) == line_key(w))
                or line_key(n) != line_key(w) or n.conf < _SURE_CONF or not any(ch.isalnum() for ch in n.text)):
            continue
        middle = w.top + w.height / 2
        gap = n.left - (w.left + w.width)
        if (0 <= gap <= 1.5 * n.height and w.height <= 0.5 * n.height and w.width <= 1.5 * n.height
                and n.top + 0.2 * n.height <= middle <= n.top + 0.9 * n.height):
            keep.add(i)
    return keep


def lone_specks(words: Sequence[OcrWord]) -> set[int]:
    """Indices of single doubtful letters standing alone in a block: a speck or a pen dot.

    A lone digit stays (a page number), and so does any confident word.
    """
    per_block = Counter(w.block for w in words)
    return {i for i, w in enumerate(words)
            if per_block[w.block] == 1 and len(w.text) <= 2 and w.conf < 50
            and not any(ch.isdigit() for ch in w.text)}


#: Look-alike characters Tesseract prints that Vietnamese never uses: the
#: Icelandic eth for "Đ" (often doubled: "QĐÐ"), the fraction slash for "/".
_CHAR_FIXES = (("ĐÐ", "Đ"), ("ÐĐ", "Đ"), ("ĐĐ", "Đ"), ("Ð", "Đ"), ("ð", "đ"), ("/\u2044", "/"), ("\u2044", "/"))


def fix_characters(text: str) -> str:
    """Replace characters no Vietnamese document prints by the ones meant."""
    for bad, good in _CHAR_FIXES:
        text = text.replace(bad, good)
    return text


#: "- Lưu: VT, KTKĐ." ends every act (VT: the records office); its short
#: code is read "VE", "VI;", "VTE;", "VFE".
_FILING_CODE = re.compile(r"^V[TEIlF1][^\W\d_]{0,2}[,.;:]?$")


def _fix_filing_code(text: str, prev: str | None, has_next: bool) -> str:
    if prev != "lưu" or text == "VT" or not _FILING_CODE.match(text):
        return text
    return "VT," if has_next else "VT."


def _fix_case(text: str, neighbours: Sequence[str] = ()) -> str:
    """A syllable read with a stray capital inside ("tÊn", "GiÁM") in one case.

    The case of its neighbours on the line decides ("có tÊn sau:", "PHÓ GiÁM
    ĐỐC"); without a letter beside it, the case of most of its own letters.
    """
    m = SYLLABLE_RE.search(text)
    if m is None:
        return text
    core = m.group(0)
    if not (any(ch.isupper() for ch in core[1:]) and any(ch.islower() for ch in core)):
        return text
    if not is_vietnamese_syllable(core):
        return text  # a code such as "TTr", "GDTrH"
    cased = [w for w in neighbours if any(ch.isalpha() for ch in w)]
    if cased and all(w.isupper() for w in cased):
        upper = True
    elif cased and all(w.islower() for w in cased):
        upper = False
    else:
        upper = 2 * sum(ch.isupper() for ch in core) > len(core)
    return text[: m.start()] + (core.upper() if upper else core.lower()) + text[m.end() :]



#: A word ending an act whose "./." was read as an ellipsis: "biết..." for "biết./.".
_ELLIPSIS_END = re.compile(r"^([^\W\d_]+)\.\.\.$")


def _mend_act_endings(words: list[OcrWord]) -> list[OcrWord]:
    """Put the "./." ending an act back: glued to its word, and read from "..." at a paragraph's end."""
    out: list[OcrWord] = []
    for i, w in enumerate(words):
        last_of_par = i + 1 == len(words) or (words[i + 1].block, words[i + 1].par) != (w.block, w.par)
        if last_of_par and (m := _ELLIPSIS_END.match(w.text)):
            w = replace(w, text=m.group(1) + ACT_END)
        if w.text == ACT_END and out and line_key(out[-1]) == line_key(w) and out[-1].text[-1:].isalpha():
            out[-1] = replace(out[-1], text=out[-1].text + ACT_END)
            continue
        out.append(w)
    return out


@dataclass(frozen=True)
class Knowledge:
    """What reading a page takes from the office's profile, built once per profile.

    Attributes:
        fingerprint: A hash of all of the below (a page read with other
            knowledge is read again).
        lexicon: Syllables and their neighbours (diacritics by context).
        names: Common personal names (their marks).
        formulas: Lines printed alike on documents (standard lines).
        codes: The codes of document numbers, folded -> printed.
        places: The profile's places, folded (place-date lines).
    """

    fingerprint: str
    lexicon: Lexicon
    names: PersonNames
    formulas: tuple[str, ...]
    codes: Codes
    places: tuple[str, ...]


_KNOWLEDGE: dict[str, Knowledge] = {}


def knowledge_for(profile: Profile) -> Knowledge:
    """The reading knowledge of a profile (built once per profile and process)."""
    key = profile.fingerprint
    found = _KNOWLEDGE.get(key)
    if found is None:
        formulas = tuple(dict.fromkeys(unicodedata.normalize("NFC", ln) for ln in (
            *profile.standard_lines, *(n for b in profile.bodies for n in (b.name, *b.aliases)))))
        # Everything a page's reading takes from the profile: a page read with other knowledge is due again.
        digest = hashlib.sha256(json.dumps([profile.reading_fingerprint, formulas, sorted(profile.codes.printed),
                                            profile.folded_places], ensure_ascii=False).encode()).hexdigest()
        found = Knowledge(
            digest[:12],
            Lexicon.from_texts([*profile.lexicon_texts, "\n".join(profile.standard_lines)]),
            PersonNames.from_roles(profile.person_names),
            # The bodies' names are standard lines too, each spelling its own ("SỞ GIÁO DỤC - ĐÀO TẠO" of old
            # headers stays: only a line near none of them is put back to the nearest).
            formulas,
            profile.codes,
            profile.folded_places,
        )
        _KNOWLEDGE[key] = found
    return found


_DIGITS = re.compile(r"\d+")


def snap_formula_line(line: str, formulas: Sequence[str]) -> str | None:
    """The formula ``line`` was read from, or None when it is none or already exact.

    The formula must have the same number of words and the same digits and
    be the closest, within one character in ten (at least one); a tie
    between two formulas goes to the one listed first.
    """
    line = unicodedata.normalize("NFC", line)
    if line in formulas:
        return None
    count = len(line.split())
    limit = max(1, len(line) // 10)
    best: tuple[int, str] | None = None
    for f in formulas:
        if len(f.split()) != count or _DIGITS.findall(f) != _DIGITS.findall(line):
            continue
        d = Levenshtein.distance(line, f, score_cutoff=limit)
        if d <= limit and (best is None or d < best[0]):
            best = (d, f)
    return best[1] if best else None


#: A word read at this confidence or more that the lexicon knows keeps its letters when its line is
#: put back to a standard line: "- Sở GD&ĐT (để b/c);" at 93% is not the formula "- Bộ GD&ĐT (để b/c);".
SNAP_KEEP_CONF = 90.0


def _letters(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _may_snap(word: OcrWord, text: str, lex: Lexicon) -> bool:
    """Whether a standard line may replace ``word`` by ``text``: marks and diacritics on the same letters
    always; other letters only for a doubtful word or one that is no word the lexicon knows."""
    if _letters(word.text) == _letters(text):
        return True
    read = "".join(ch for ch in unicodedata.normalize("NFC", word.text).lower() if ch.isalnum())
    return word.conf < SNAP_KEEP_CONF or not lex.unigrams[read]


def _snap_lines(words: list[OcrWord], formulas: Sequence[str], lex: Lexicon) -> list[OcrWord]:
    """Lines read close to a standard line put back to it (:func:`snap_formula_line`), word by word, except
    the words read as another known word with confidence (:func:`_may_snap`)."""
    out = list(words)
    start = 0
    while start < len(out):
        end = start
        while end < len(out) and line_key(out[end]) == line_key(out[start]):
            end += 1
        snapped = snap_formula_line(" ".join(w.text for w in out[start:end]), formulas)
        if snapped is not None:
            for k, text in enumerate(snapped.split()):
                if out[start + k].text != text and _may_snap(out[start + k], text, lex):
                    out[start + k] = replace(out[start + k], text=text)
        start = end
    return out


def correct_result(result: OcrResult, knowledge: Knowledge) -> tuple[OcrResult, int]:
    """Drop garbage words, fix diacritics by context, put formulas, names and act endings back.

    Args:
        result: Tesseract's words for one page (or zone).
        knowledge: The profile's lexicon, names and standard lines.

    Returns:
        The corrected result (text rebuilt from the words) and how many words
        were changed or dropped.
    """
    lex = knowledge.lexicon
    words = result.words
    tall = tall_strokes(words, lex)
    dropped = tall | stroke_scraps(words, tall) | lone_specks(words) | flat_strokes(words) | stray_marks(words)
    printed = in_print_flow(words) | list_marks(words)
    kept = [w for i, w in enumerate(words) if (i in printed or not is_garbage(w)) and i not in dropped]
    # Neighbours are taken within a line, as the lexicon was learnt.
    lowered = [
        (unicodedata.normalize("NFC", m.group(0)).lower() if (m := SYLLABLE_RE.search(w.text)) else None)
        for w in kept
    ]
    out: list[OcrWord] = []
    for i, w in enumerate(kept):
        same_line = lambda j: 0 <= j < len(kept) and line_key(kept[j]) == line_key(w)  # noqa: E731
        prev = lowered[i - 1] if same_line(i - 1) else None
        nxt = lowered[i + 1] if same_line(i + 1) else None
        fixed = _fix_case(fix_characters(w.text),
                          [kept[j].text for j in (i - 1, i + 1) if same_line(j)])
        if prev is None and i > 0:
            fixed = fix_line_start_capital(fixed, kept[i - 1].text, kept[i + 1].text if nxt else None, lex)
        elif prev is not None:
            fixed = fix_inner_capital(fixed, kept[i - 1].text, kept[i + 1].text if nxt else None, lex)
        fixed = _fix_filing_code(fixed, prev, same_line(i + 1))
        if prev or nxt:
            fixed = fix_diacritics(fixed, prev, nxt, lex)
            fixed = fix_misspelling(fixed, w.conf, prev, nxt, lex)
        elif i > 0:
            # A word alone on its line ("gia;" after "Quốc") continues the line before.
            fixed = fix_misspelling(fixed, w.conf, lowered[i - 1], None, lex)
        out.append(replace(w, text=fixed) if fixed != w.text else w)
    out = fix_names(out, knowledge.names)
    out = _snap_lines(_mend_act_endings(out), knowledge.formulas, lex)
    original = set(words)
    changes = len(words) - sum(w in original for w in out)
    return OcrResult(text=words_to_text(out), words=tuple(out)), changes
