"""The fuzzy tiers of the ranking: which words may be misread, how far, and how near a record is.

A query none of whose records holds its words in the short fields is likely
a misread ("Trần Thị Bình" read "tran thi binb"). Both backends then ask the
query's likeliest spellings (:mod:`indexing.spellings`): each word within a
few edits (:func:`edit_caps`) or, last, left out (:func:`drop_one`: the one
Tesseract garbled beyond a few edits, "wvguyon thi thu nam"). What they find
is ordered by one key (:func:`fuzzy_order`), the same in both backends:
found in the subject or number first, then the nearest by
:func:`ocr_distance`, then the words in the query's order, then the fewest
words of the field left unmatched ("nguyen ngoc quynh" finds "Nguyễn Ngọc
Quỳnh" before "Nguyễn Thị Ngọc Quỳnh"); nothing over :func:`max_cost`.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple, TypeVar

from pipeline.folding import subtokens, tokens

__all__ = [
    "SWAP_ONLY",
    "LOOK_ALIKE",
    "fuzzy_word",
    "fuzzy_edits",
    "fuzzy_words",
    "edit_caps",
    "drop_one",
    "DROP_COST",
    "MAX_COST",
    "max_cost",
    "ocr_distance",
    "FUZZY_FIELDS",
    "fuzzy_fields",
    "FuzzyMatch",
    "fuzzy_order",
    "rank_fuzzy",
]

#: Words this long or shorter match fuzzily only by one letter replaced or lost, never one added
#: (see :func:`fuzzy_edits`).
SWAP_ONLY = 2

#: Letters and digits of Latin print that look alike, one string or two for another
#: ("1" for "l", "rn" for "m"): generic glyph shapes, not learned from any page set.
#: Replacing one by the other costs :data:`LOOK_ALIKE_COST` instead of a whole edit.
LOOK_ALIKE: tuple[tuple[str, str], ...] = (
    ("0", "o"), ("1", "l"), ("1", "i"), ("1", "t"), ("l", "i"), ("l", "t"), ("4", "a"), ("5", "s"),
    ("6", "b"), ("6", "g"), ("8", "b"), ("9", "g"), ("9", "q"), ("2", "z"), ("3", "e"),
    ("c", "e"), ("o", "e"), ("o", "a"), ("n", "u"), ("h", "b"), ("g", "q"), ("v", "y"),
    ("rn", "m"), ("nn", "m"), ("in", "m"), ("ii", "n"), ("ii", "u"), ("vv", "w"), ("cl", "d"), ("li", "h"),
)
#: What replacing a look-alike costs (a whole edit is 1).
LOOK_ALIKE_COST = 0.5
#: What a digit read for a letter costs when it is no look-alike of it: a digit inside a
#: name is surely a misread, but of which letter the shape does not say.
DIGIT_COST = 0.75
_NOISE_RE = re.compile(r"[^0-9a-z]")
_PAIRS = {frozenset(p) for p in LOOK_ALIKE if len(p[0]) == len(p[1]) == 1}
_MULTI = [(a, b) for a, b in LOOK_ALIKE if len(a) + len(b) > 2] + [
    (b, a) for a, b in LOOK_ALIKE if len(a) + len(b) > 2]


def fuzzy_word(word: str) -> str:
    """A folded word as the fuzzy tiers compare it: what is neither letter nor digit is noise ("d_o_a" → "doa")."""
    return _NOISE_RE.sub("", word)


def fuzzy_edits(token: str) -> int:
    """How many edits a fuzzy match of a folded word allows.

    Numbers never match fuzzily (1595 and 1596 are two documents), nor codes
    of more digits than letters ("B123456"); a word with a letter read as a
    digit ("1an", "ng6", "1e") is a word. A word of one letter needs an exact
    match, 2–3 letters allow one edit, longer words two (Tesseract drops or
    splits letters: "nguyen" read "uyen", "minh" read "miiih"; but see
    :func:`edit_caps` for a word alone). For a word of
    two letters the edit is one letter read as another or one lost
    (:data:`SWAP_ONLY`): "an" may be "ah" or "en", or "anh" printed with its
    "n" lost (as "anh" typed finds "ah" read in the index), never "a".
    Elasticsearch's ``AUTO``
    spares words of two letters, but a Vietnamese name is mostly such words
    ("Lê", "Võ", "An", "Hà"), and the other words of the query narrow what
    one edit lets in.
    """
    token = fuzzy_word(token)
    letters = sum(1 for ch in token if ch.isalpha())
    if not token or letters < len(token) - letters:
        return 0  # a number, or a code such as "b123456"
    return 0 if len(token) < 2 else 1 if len(token) <= 3 else 2


def _split(query: str) -> Iterator[tuple[tuple[str, ...], bool]]:
    """:func:`fuzzy_words`' words, each with whether it is a part of a code ("qd" of "123/qd-sgddt")."""
    for tok in tokens(query):
        parts = [w for p in subtokens(tok) if (w := fuzzy_word(p))]
        if len(parts) > 1 and not any(fuzzy_edits(p) for p in parts):
            yield tuple(parts), True
        else:
            yield from (((p,), len(parts) > 1) for p in parts)


def fuzzy_words(query: str) -> list[tuple[str, ...]]:
    """The query's words as the fuzzy tier sees them: a code's parts each on their own, a number whole.

    Examples:
        >>> fuzzy_words("Lê Văn 1595/SCDĐT-VP 12/3 d_o_a")
        [('le',), ('van',), ('1595',), ('scddt',), ('vp',), ('12', '3'), ('doa',)]
    """
    return [w for w, _ in _split(query)]


#: A word alone in its query this long or shorter allows one edit at most: no other word narrows
#: what a second one lets in ("khac" two edits from "hoc").
ALONE_ONE_EDIT = 5


def edit_caps(query: str) -> tuple[int, ...]:
    """The most edits each of :func:`fuzzy_words`' words allows (:func:`fuzzy_edits`; a number's parts: none).

    A letter alone in a code may have lost its neighbour ("q" of "2305/q-sgddt",
    printed "QĐ"): one edit. A word alone in its query of up to
    :data:`ALONE_ONE_EDIT` letters allows one edit at most.

    Examples:
        >>> edit_caps("khac"), edit_caps("uyen van 1595 12/3"), edit_caps("2305/q-sgddt")
        ((1,), (2, 1, 0, 0), (0, 1, 2))
    """
    words = list(_split(query))
    caps = tuple(0 if len(w) > 1 else 1 if code and len(w[0]) == 1 and w[0].isalpha() else fuzzy_edits(w[0])
                 for w, code in words)
    if len(words) == 1 and len(words[0][0][0]) <= ALONE_ONE_EDIT:
        return tuple(min(c, 1) for c in caps)
    return caps


def drop_one(query: str) -> list[int]:
    """The words (of :func:`fuzzy_words`) the last fuzzy level may leave out, one at a time: a word of
    three letters or more (a two-letter one is only ever one letter read as another: "an" is not
    "anh"), in a query of three words or more (fewer would leave one word to find, in nearly
    every record), and no part of a code ("123/QĐ-UBND" is not "123/QĐ-SGDĐT").

    Examples:
        >>> drop_one("wvguyon thi nam"), drop_one("nguyen van an")
        ([0, 1, 2], [0, 1])
        >>> drop_one("123/QĐ-UBND"), drop_one("le an")
        ([], [])
    """
    words = list(_split(query))
    if len(words) < 3:
        return []
    return [i for i, (w, code) in enumerate(words)
            if not code and len(w[0]) > SWAP_ONLY and any(ch.isalpha() for ch in w[0])]


#: What leaving a word of the query out costs: more than two edits of any word, so a record
#: holding every word within its edits always comes first.
DROP_COST = 2.5
#: No spelling costs more: a word left out and a look-alike more, or three edits; and a query of
#: fewer words less (:func:`max_cost`).
MAX_COST = DROP_COST + 0.5
#: What one word of a query may cost on average, a look-alike's quarter edit above one edit.
WORD_COST = 1.25


def max_cost(words: int) -> float:
    """The most a fuzzy match of a query of so many words may cost: :data:`WORD_COST` a word, at most
    :data:`MAX_COST` ("sinh ngay" is not "Quyết định … nhân").

    Examples:
        >>> max_cost(1), max_cost(2), max_cost(4)
        (1.25, 2.5, 3.0)
    """
    return min(MAX_COST, WORD_COST * words)


def _sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if frozenset((a, b)) in _PAIRS:
        return LOOK_ALIKE_COST
    if a.isdigit() != b.isdigit():
        return DIGIT_COST
    return 1.0


#: What replacing one letter or digit of a folded word by another costs (:func:`_sub`), looked up
#: in the distance's inner loop instead of computed there (that loop is most of a misread query's time).
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_SUBS = {a: {b: _sub(a, b) for b in _ALPHABET} for a in _ALPHABET}


def _jumps(typed: str, word: str) -> dict[tuple[int, int], list[tuple[int, int]]]:
    """Where a look-alike of several letters (:data:`LOOK_ALIKE`, "rn" for "m") ends in both words:
    ``(i, j)`` → the lengths ``(la, lb)`` of ``typed[i - la:i]`` and ``word[j - lb:j]`` it replaces."""
    out: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for a, b in _MULTI:
        if a in typed and b in word:
            la, lb = len(a), len(b)
            ends = [j for j in range(lb, len(word) + 1) if word[j - lb:j] == b]
            for i in range(la, len(typed) + 1):
                if typed[i - la:i] == a:
                    for j in ends:
                        out.setdefault((i, j), []).append((la, lb))
    return out


@lru_cache(maxsize=65536)
def ocr_distance(typed: str, word: str) -> float:
    """Edits from ``typed`` to ``word``, a look-alike replaced costing less than another letter.

    A letter added, lost, replaced or two swapped cost 1 each; a look-alike
    of :data:`LOOK_ALIKE` (one or two letters for one or two) costs
    :data:`LOOK_ALIKE_COST`, a digit for a letter :data:`DIGIT_COST`.

    Examples:
        >>> ocr_distance("1inh", "linh"), ocr_distance("1inh", "minh")
        (0.5, 0.75)
        >>> ocr_distance("miiih", "minh"), ocr_distance("miiih", "mai")
        (0.5, 3.0)
    """
    if typed == word:
        return 0.0
    n, m = len(typed), len(word)
    jumps = _jumps(typed, word)
    d = [[float(j) for j in range(m + 1)]]
    for i in range(1, n + 1):
        x = typed[i - 1]
        subs = _SUBS.get(x, {})
        up = d[i - 1]
        row = [float(i)]
        left = float(i)
        for j in range(1, m + 1):
            y = word[j - 1]
            best = up[j] + 1
            if left + 1 < best:
                best = left + 1
            c = up[j - 1] if x == y else up[j - 1] + (subs[y] if y in subs else _sub(x, y))
            if c < best:
                best = c
            if i > 1 and j > 1 and x == word[j - 2] and typed[i - 2] == y and d[i - 2][j - 2] + 1 < best:
                best = d[i - 2][j - 2] + 1
            if jumps and (i, j) in jumps:
                for la, lb in jumps[i, j]:
                    if d[i - la][j - lb] + LOOK_ALIKE_COST < best:
                        best = d[i - la][j - lb] + LOOK_ALIKE_COST
            row.append(best)
            left = best
        d.append(row)
    return d[n][m]


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for t in tokens(text) for p in subtokens(t) if (w := fuzzy_word(p)))


#: The fields of a record :func:`fuzzy_order` reads.
FUZZY_FIELDS = ("subject", "number", "title", "issuer")


def fuzzy_fields(doc: Mapping[str, object]) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    """A record's words as :func:`fuzzy_order` weighs them: its subject's and its number's, field by field,
    and its title's and issuer's together."""

    def text(name: str) -> str:
        return str(doc.get(name) or "")

    return [_words(text("subject")), _words(text("number"))], _words(f"{text('title')} {text('issuer')}")


@lru_cache(maxsize=65536)
def _nearest(words: tuple[str, ...], field: tuple[str, ...], caps: tuple[float, ...]) -> tuple[tuple[float, int], ...]:
    """Each query word's :func:`ocr_distance` to the nearest word of ``field`` and that word's place, when
    nearer than its cap; ``(cap, -1)`` when no word of the field is (a cap of 99: none)."""
    out = []
    for w, cap in zip(words, caps, strict=True):
        best = (cap, -1)
        for i, t in enumerate(field):
            # Every letter added or lost costs at least a look-alike's, every letter of a word for a
            # number's digit too.
            least = LOOK_ALIKE_COST * (max(len(w), len(t)) if w.isalpha() and t.isdigit() else abs(len(w) - len(t)))
            if least < best[0] and (d := ocr_distance(w, t)) < best[0]:
                best = (d, i)
        out.append(best)
    return tuple(out)


class FuzzyMatch(NamedTuple):
    """How near a record is to a misread query (:func:`fuzzy_order`); compared as a tuple, lower first."""

    elsewhere: bool  # nearer in the title or issuer than in the subject or number
    cost: float  # the query words' distances
    out_of_order: int  # query words found in another order
    left_over: int  # words of the fields found in that no query word took
    bounded: float  # the cost with each word's at most DROP_COST: what max_cost bounds


def fuzzy_order(words: Sequence[str], fields: Sequence[tuple[str, ...]], others: tuple[str, ...]) -> FuzzyMatch:
    """How a fuzzy candidate ranks (lower first): found in the subject or number, cost, order, words left over.

    Args:
        words: The query's words (:func:`fuzzy_words`, a number's parts each on their own).
        fields: The folded words of the record's subject and of its number, field by field.
        others: The folded words of its title and issuer.

    Each query word costs its :func:`ocr_distance` to the nearest word of
    the subject or number, or of the title or issuer when nearer there
    (``elsewhere``: the record is found through those). Then the query's
    words out of order there, then the words of the fields they were found
    in that no query word took ("Thị" of "Nguyễn Thị Ngọc Quỳnh" for
    "nguyen ngoc quynh"). A record whose cost, each word's at most
    :data:`DROP_COST` (the word left out), is over :func:`max_cost` is no
    fuzzy match at all.
    """
    words = tuple(words)
    # A word's place in a later field, or in the title or issuer, matters only when nearer than in the
    # fields before it (ties go to the first): each is asked only for words nearer than that, which
    # spares the distances to every record's own serial number ("1595" of each number differs).
    caps = (99.0,) * len(words)
    per_field = []
    for field in fields:
        per_field.append(nearest := _nearest(words, field, caps))
        caps = tuple(min(c, d) for c, (d, _) in zip(caps, nearest, strict=True))
    far = _nearest(words, others, caps)
    total = bounded = 0.0
    places, elsewhere, taken = [], False, set()
    for k in range(len(words)):
        d, f, i = min((per_field[f][k][0], f, per_field[f][k][1]) for f in range(len(fields)))
        elsewhere |= far[k][0] < d
        total += min(d, far[k][0])
        bounded += min(d, far[k][0], DROP_COST)
        places.append((f, i))
        if d <= far[k][0]:
            taken.add((f, i))
    inversions = sum(1 for a, b in zip(places, places[1:]) if b < a)
    used = {f for f, _ in taken}
    left = sum(1 for f, field in enumerate(fields) if f in used for i in range(len(field)) if (f, i) not in taken)
    return FuzzyMatch(elsewhere, total, inversions, left, bounded)


_K = TypeVar("_K", bound=Hashable)


def rank_fuzzy(query: str, docs: Mapping[_K, Mapping[str, object]]) -> list[_K]:
    """Fuzzy candidates (key → the record's :data:`FUZZY_FIELDS`) in :func:`fuzzy_order`, then by key; those
    costing more than :func:`max_cost` left out. Both backends order what their spellings found by it."""
    found = fuzzy_words(query)
    words = tuple(p for w in found for p in w)
    top = max_cost(len(found))
    order = {k: fuzzy_order(words, *fuzzy_fields(d)) for k, d in docs.items()}
    return sorted((k for k in docs if order[k].bounded <= top), key=lambda k: (order[k], k))
