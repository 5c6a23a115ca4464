"""The fuzzy tiers of the ranking: which words may be misread, how far, and how near a record is.

A query none of whose records holds its words in the short fields is likely
a misread ("Trần Thị Bình" read "tran thi binb"). Both backends then look
for records whose subject, number, title or issuer hold every word within a
few edits (:func:`edit_budgets`, the levels asked in turn), and last the
records that hold all the words but one, the one Tesseract garbled beyond a
few edits ("wvguyon thi thu nam"). Candidates of a level are ordered by one
key (:func:`fuzzy_order`), the same in both backends: found in the subject
or number first, then the nearest by :func:`ocr_distance`, then the words in
the query's order, then the fewest words of the field left unmatched
("nguyen ngoc quynh" finds "Nguyễn Ngọc Quỳnh" before "Nguyễn Thị Ngọc
Quỳnh").
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import NamedTuple, TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

from pipeline.folding import subtokens, tokens

__all__ = [
    "SWAP_ONLY",
    "LOOK_ALIKE",
    "fuzzy_word",
    "fuzzy_edits",
    "fuzzy_words",
    "edit_caps",
    "edit_budgets",
    "drop_one",
    "DROP_COST",
    "NEAR_COST",
    "MAX_COST",
    "max_cost",
    "Spelling",
    "alternatives",
    "spellings",
    "near_words",
    "query_spellings",
    "FUZZY_WINDOW",
    "BATCH_SPREAD",
    "MAX_BATCHES",
    "batches",
    "gather",
    "ocr_distance",
    "FUZZY_FIELDS",
    "fuzzy_fields",
    "FuzzyMatch",
    "fuzzy_order",
]

#: Words this long or shorter match fuzzily only by one letter replaced (see :func:`fuzzy_edits`).
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
_MULTI_SET = set(_MULTI)


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
    two letters the edit is one letter read as another (:data:`SWAP_ONLY`):
    "an" may be "ah" or "en", never "ban" or "a". Elasticsearch's ``AUTO``
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


def edit_budgets(caps: Sequence[int]) -> list[list[tuple[int, ...]]]:
    """The levels of the fuzzy tier: the ways to spend one edit on the words, then two, then each word's most.

    ``caps``: each word's most (:func:`edit_caps`). A record is in a level
    when, for one of its budgets, each word is found within its share of
    edits (0: exactly). Empty when no word may be misread.

    Examples:
        >>> edit_budgets((2, 1, 0))
        [[(1, 0, 0), (0, 1, 0)], [(2, 0, 0), (1, 1, 0)], [(2, 1, 0)]]
    """
    n = len(caps)

    def spend(*on: int, edits: int = 1) -> tuple[int, ...]:
        return tuple(edits if j in on else 0 for j in range(n))

    one = [spend(i) for i in range(n) if caps[i]]
    two = [spend(i, edits=2) for i in range(n) if caps[i] >= 2]
    two += [spend(i, k) for i in range(n) for k in range(i + 1, n) if caps[i] and caps[k]]
    levels = [one, two] + ([[tuple(caps)]] if sum(caps) > 2 else [])
    return [level for level in levels if level]


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
#: The spellings this near to the query (about two edits) are asked before the body tiers;
#: farther ones, and those that leave a word out, only fill a page still short.
NEAR_COST = 2.0
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
#: At most this many spellings of a query are asked (the nearest).
MAX_SPELLINGS = 400


def alternatives(word: tuple[str, ...], near: Iterable[str], droppable: bool) -> list[tuple[float, str | None]]:
    """What a query word may have been printed as, nearest first: itself, the vocabulary's ``near``
    words at their :func:`ocr_distance`, and ``None`` (left out) at :data:`DROP_COST` when ``droppable``.

    A number's parts (``("12", "3")``) stand for themselves only.

    Examples:
        >>> alternatives(("1inh",), ["linh", "minh"], True)
        [(0.0, '1inh'), (0.5, 'linh'), (0.75, 'minh'), (2.5, None)]
    """
    if len(word) > 1:
        return [(0.0, " ".join(word))]
    out: list[tuple[float, str | None]] = [(0.0, word[0])]
    out += sorted((ocr_distance(word[0], t), t) for t in set(near) if t != word[0])
    if droppable:
        out.append((DROP_COST, None))
    return sorted(out, key=lambda a: a[0])


#: One way the query may have been printed: its cost and each word's spelling (None: left out).
Spelling = tuple[float, tuple[str | None, ...]]


def spellings(alts: Sequence[Sequence[tuple[float, str | None]]], most: int = MAX_SPELLINGS) -> Iterator[Spelling]:
    """The ways to spell the whole query from each word's :func:`alternatives`, cheapest first.

    At most one word is left out, and never every word; none costs more than :func:`max_cost`.

    Examples:
        >>> alts = [[(0.0, "tran"), (2.5, None)], [(0.0, "miiih"), (0.5, "minh"), (2.5, None)]]
        >>> [s for s in spellings(alts)]
        [(0.0, ('tran', 'miiih')), (0.5, ('tran', 'minh')), (2.5, ('tran', None)), (2.5, (None, 'miiih'))]
    """
    if not alts or not all(alts):
        return
    top = max_cost(len(alts))
    start = (0,) * len(alts)
    heap = [(sum(a[0][0] for a in alts), start)]
    seen = {start}
    given = 0
    while heap and given < most:
        cost, at = heapq.heappop(heap)
        if cost > top:
            return
        words = tuple(alts[j][i][1] for j, i in enumerate(at))
        if sum(w is None for w in words) <= min(1, len(words) - 1):
            yield cost, words
            given += 1
        for j in range(len(at)):
            if at[j] + 1 < len(alts[j]):
                nxt = at[:j] + (at[j] + 1,) + at[j + 1:]
                if nxt not in seen:
                    seen.add(nxt)
                    heapq.heappush(heap, (cost - alts[j][at[j]][0] + alts[j][at[j] + 1][0], nxt))


def near_words(word: str, edits: int, vocabulary: Mapping[int, Sequence[str]]) -> list[str]:
    """The vocabulary's words (by length) within ``edits`` of ``word``, itself left out.

    Any letter may be the misread one, the first too (Elasticsearch's
    ``prefix_length`` 0); a word of two letters only by one read as another
    (:data:`SWAP_ONLY`), a letter alone by one more.
    """
    out = []
    for n in range(len(word) - edits, len(word) + edits + 1) if len(word) != SWAP_ONLY else (len(word),):
        for t, _, _ in process.extract(word, vocabulary.get(n, ()), scorer=OSA.distance, score_cutoff=edits,
                                       limit=None):
            if t != word:
                out.append(t)
    return out


def query_spellings(query: str, vocabulary: Mapping[int, Sequence[str]]) -> list[Spelling]:
    """The ways the query may have been printed, from an index's vocabulary (:func:`spellings`).

    A word given ``d`` edits (:func:`edit_caps`) may be any word of the
    vocabulary within ``d`` of it; a code's letters may be misread too
    ("1595/SCDĐT-VP"), its numbers not.
    """
    words = fuzzy_words(query)
    drop = set(drop_one(query))
    return list(spellings([alternatives(w, near_words(w[0], cap, vocabulary) if cap else [], j in drop)
                           for j, (w, cap) in enumerate(zip(words, edit_caps(query), strict=True))]))


#: Fuzzy candidates an index orders by :func:`fuzzy_order` at most, a batch of spellings' (each
#: record's fields read: 1-3 ms a hundred).
FUZZY_WINDOW = 300
#: A batch of spellings asked at once: the next cheapest, within this much of the first ...
BATCH_SPREAD = 0.5
#: ... and at most this many.
_BATCH_MOST = 32
#: A query's spellings are asked in at most this many batches (each a MATCH of 2-10 ms at a
#: million records).
MAX_BATCHES = 6

#: A batch as an index asks it: groups, each a list of positions, each the words any one of
#: which a record's short fields must hold.
Batch = list[list[list[str]]]


def _groups(batch: Sequence[tuple[str | None, ...]]) -> Batch:
    """A batch's spellings, those differing in one word folded into one group.

    ``a AND b AND (c OR c2 OR c3)`` finds what the three spellings find, and
    an engine reads the common words' lists once for it, not once a spelling
    ("van" is in the subject of one record in ten).

    Examples:
        >>> _groups([("a", "b", "c"), ("a", "b", "c2"), ("a", None, "c")])
        [[['a'], ['b'], ['c', 'c2']], [['a'], ['c']]]
    """
    left = list(dict.fromkeys(batch))
    groups: Batch = []
    while left:
        best: list[tuple[str | None, ...]] = left[:1]
        at = -1
        for j in range(len(left[0])):
            same = [s for s in left if s[:j] == left[0][:j] and s[j + 1:] == left[0][j + 1:]
                    and (s[j] is None) == (left[0][j] is None)]
            if len(same) > len(best):
                best, at = same, j
        groups.append([[x for s in best if (x := s[j]) is not None] if j == at else [w]
                       for j, w in enumerate(left[0]) if w is not None])
        left = [s for s in left if s not in best]
    return groups


def batches(plan: Sequence[Spelling], near: bool) -> Iterator[tuple[float, Batch]]:
    """The spellings to ask, in batches of about one cost, cheapest first: ``(the first's cost, groups)``.

    ``near``: those up to :data:`NEAR_COST` that leave no word out (asked
    before the body tiers); else the rest (only to fill a page still short).
    The query as typed (cost 0) is no spelling to ask: no record holds it.
    At most :data:`MAX_BATCHES`.
    """
    asked = [s for s in plan if s[0] > 0 and (s[0] <= NEAR_COST and None not in s[1]) == near]
    i = n = 0
    while i < len(asked) and n < MAX_BATCHES:
        first = asked[i][0]
        j = i
        while j < len(asked) and j - i < _BATCH_MOST and asked[j][0] <= first + BATCH_SPREAD:
            j += 1
        yield first, _groups([s[1] for s in asked[i:j]])
        i, n = j, n + 1


_K = TypeVar("_K", bound=Hashable)


def gather(plan: Sequence[Spelling], near: bool, ask: Callable[[Batch], Sequence[_K]], seen: Iterable[_K],
           room: int) -> list[_K]:
    """The candidates of a query's spellings, batch by batch (:func:`batches`), as both backends gather them.

    Args:
        plan: The query's spellings (:func:`query_spellings`).
        near: The near batches (before the body tiers), or the rest.
        ask: One batch's records, the first :data:`FUZZY_WINDOW` in index order.
        seen: Records already on the page.
        room: How many the page still lacks.

    Stops once ``room`` candidates are found, or when the next batch costs a
    whole edit more than the first that found any (its records would rank
    below those: the page fills from the other tiers).
    """
    skip = set(seen)
    pool: dict[_K, None] = {}
    found_at: float | None = None
    for cost, batch in batches(plan, near):
        if found_at is not None and cost > found_at + BATCH_SPREAD * 2:
            break
        found = ask(batch)
        pool.update((k, None) for k in found if k not in skip)
        if found and found_at is None:
            found_at = cost
        if len(pool) >= room:
            break
    return list(pool)


def _sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if frozenset((a, b)) in _PAIRS:
        return LOOK_ALIKE_COST
    if a.isdigit() != b.isdigit():
        return DIGIT_COST
    return 1.0


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
    rules = [(len(a), len(b)) for a, b in _MULTI if a in typed and b in word]
    d = [[float(i + j) if not (i and j) else 0.0 for j in range(m + 1)] for i in range(n + 1)]
    for i in range(1, n + 1):
        row, up, x = d[i], d[i - 1], typed[i - 1]
        for j in range(1, m + 1):
            y = word[j - 1]
            best = min(up[j] + 1, row[j - 1] + 1, up[j - 1] + (0.0 if x == y else _sub(x, y)))
            if i > 1 and j > 1 and x == word[j - 2] and typed[i - 2] == y:
                best = min(best, d[i - 2][j - 2] + 1)
            for la, lb in rules:
                if (i >= la and j >= lb and d[i - la][j - lb] + LOOK_ALIKE_COST < best
                        and (typed[i - la:i], word[j - lb:j]) in _MULTI_SET):
                    best = d[i - la][j - lb] + LOOK_ALIKE_COST
            row[j] = best
    return d[n][m]


@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(w for t in tokens(text) for p in subtokens(t) if (w := fuzzy_word(p)))


#: The fields of a record :func:`fuzzy_order` reads.
FUZZY_FIELDS = ("subject", "number", "title", "issuer")


def fuzzy_fields(doc: dict[str, object]) -> tuple[list[tuple[str, ...]], tuple[str, ...]]:
    """A record's words as :func:`fuzzy_order` weighs them: its subject's and its number's, field by field,
    and its title's and issuer's together."""

    def text(name: str) -> str:
        return str(doc.get(name) or "")

    return [_words(text("subject")), _words(text("number"))], _words(f"{text('title')} {text('issuer')}")


@lru_cache(maxsize=65536)
def _nearest(words: tuple[str, ...], field: tuple[str, ...]) -> tuple[tuple[float, int], ...]:
    """Each query word's :func:`ocr_distance` to the nearest word of ``field``, and that word's place."""
    out = []
    for w in words:
        best = (99.0, 0)
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
    per_field = [_nearest(words, f) for f in fields]
    far = _nearest(words, others)
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
