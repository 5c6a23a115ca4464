"""A misread query's likeliest spellings, and how an index asks them (both backends alike).

Each word of the query may have been printed as a word of the index's
vocabulary within its edits (:func:`indexing.fuzzy.edit_caps`), or (last)
left out; the spellings of the whole query come cheapest first
(:func:`spellings`), by :func:`indexing.fuzzy.ocr_distance`, and an index
asks them in batches of about one cost (:func:`batches`), gathering
candidates until the page has enough (:func:`gather`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from rapidfuzz import process
from rapidfuzz.distance import OSA

from indexing.fuzzy import DROP_COST, SWAP_ONLY, drop_one, edit_caps, fuzzy_words, max_cost, ocr_distance

__all__ = [
    "NEAR_COST",
    "Spelling",
    "alternatives",
    "spellings",
    "near_words",
    "query_spellings",
    "known",
    "FUZZY_WINDOW",
    "BATCH_SPREAD",
    "MAX_BATCHES",
    "Batch",
    "ASKS",
    "anchors",
    "ends_pairs",
    "batches",
    "gather",
]

#: The spellings this near to the query (about two edits) are asked before the body tiers;
#: farther ones, and those that leave a word out, only fill a page still short.
NEAR_COST = 2.0

#: At most this many spellings of a query are asked (the nearest).
MAX_SPELLINGS = 400


def alternatives(word: tuple[str, ...], near: Iterable[str], droppable: bool,
                 known: bool = True) -> list[tuple[float, str | None]]:
    """What a query word may have been printed as, nearest first: itself (when ``known``), the
    vocabulary's ``near`` words at their :func:`ocr_distance`, and ``None`` (left out) at
    :data:`DROP_COST` when ``droppable``.

    A number's parts (``("12", "3")``) stand for themselves only.

    Examples:
        >>> alternatives(("1inh",), ["linh", "minh"], True)
        [(0.0, '1inh'), (0.5, 'linh'), (0.75, 'minh'), (2.5, None)]
        >>> alternatives(("miiih",), ["minh"], False, known=False)
        [(0.5, 'minh')]
    """
    if len(word) > 1:
        return [(0.0, " ".join(word))]
    out: list[tuple[float, str | None]] = [(0.0, word[0])] if known else []
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
    ``prefix_length`` 0); a word of two letters (:data:`SWAP_ONLY`) only by
    one read as another or one lost ("ah" printed "anh": the same edit as
    "anh" typed for an "ah" in the index), never one added.
    """
    out = []
    for n in range(len(word) - edits, len(word) + edits + 1) if len(word) != SWAP_ONLY else (SWAP_ONLY, SWAP_ONLY + 1):
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
    return list(spellings([alternatives(w, near_words(w[0], cap, vocabulary) if cap else [], j in drop,
                                        known(w[0], vocabulary))
                           for j, (w, cap) in enumerate(zip(words, edit_caps(query), strict=True))]))


def known(word: str, vocabulary: Mapping[int, Sequence[str]]) -> bool:
    """Whether a record's short fields may hold ``word`` as typed: a word of the vocabulary, or one of
    another shape than its words (a number, a letter alone, "1an"), which the vocabulary does not list.

    A word of letters the vocabulary lacks is in no record: every spelling
    holding it would be asked for nothing ("huywvuh duc tram" is "duc tram"
    with a word left out, or a near spelling of "huywvuh").
    """
    if not (len(word) >= 2 and word.isascii() and word.isalpha()):
        return True
    return word in vocabulary.get(len(word), ())


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

#: A batch as an index asks it: groups, each a list of positions (one a query word), each the
#: words any one of which a record's short fields must hold; an empty position is a word left out.
Batch = list[list[list[str]]]

#: An anchored ask names at most this many (first word, last word) pairs a group (:func:`ends_pairs`).
MOST_PAIRS = 128


def anchors(group: Sequence[Sequence[str]]) -> bool:
    """Whether a group's records may be asked anchored (:func:`ends_pairs`): two positions or more, the
    first and the last not left out and words of letters (a name: its family and its given name).

    Examples:
        >>> anchors([["pham"], ["thi"], ["van", "an"]]), anchors([[], ["thi"], ["van"]]), anchors([["12 3"], ["qd"]])
        (True, False, False)
    """
    return (len(group) >= 2 and bool(group[0]) and bool(group[-1])
            and all(w.isalpha() for w in (*group[0], *group[-1])))


def ends_pairs(group: Sequence[Sequence[str]]) -> list[tuple[str, str]]:
    """The (first, last) words a record's subject must begin and end with to be an anchored match of
    ``group`` (:func:`indexing.base.subject_ends`), at most :data:`MOST_PAIRS`.

    A misread name keeps its order: its family name first, its given name
    last. Asking those first finds "Phạm Thị Vân" for "pthum thi van" among
    the many records whose words are "thu", "thi" and "van" in another order
    ("Trần Thị Thu Vân"), which fill a window in index order otherwise.
    """
    return [(a, b) for a in group[0] for b in group[-1]][:MOST_PAIRS]


def _groups(batch: Sequence[tuple[str | None, ...]]) -> Batch:
    """A batch's spellings, those differing in one word folded into one group.

    ``a AND b AND (c OR c2 OR c3)`` finds what the three spellings find, and
    an engine reads the common words' lists once for it, not once a spelling
    ("van" is in the subject of one record in ten).

    Examples:
        >>> _groups([("a", "b", "c"), ("a", "b", "c2"), ("a", None, "c")])
        [[['a'], ['b'], ['c', 'c2']], [['a'], [], ['c']]]
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
        groups.append([[x for s in best if (x := s[j]) is not None] if j == at else [w] if w is not None else []
                       for j, w in enumerate(left[0])])
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


#: How a batch is asked, in turn, while the page lacks records: the subject beginning and ending as a
#: spelling's name does (:func:`ends_pairs`), the words in the subject or number, in any short field.
#: The order :func:`indexing.fuzzy.fuzzy_order` ranks them in: the first asks fill the window of
#: :data:`FUZZY_WINDOW` with what comes first ("duc" and "tram" are in every record's short fields,
#: the issuer "Sở Giáo dục …" holding "duc").
ASKS = ("ends", "name", "short")


def gather(plan: Sequence[Spelling], near: bool, ask: Callable[[Batch, str], Sequence[_K]], seen: Iterable[_K],
           room: int) -> list[_K]:
    """The candidates of a query's spellings, batch by batch (:func:`batches`), as both backends gather them.

    Args:
        plan: The query's spellings (:func:`query_spellings`).
        near: The near batches (before the body tiers), or the rest.
        ask: One batch's records, the first :data:`FUZZY_WINDOW` in index order, asked one way of
            :data:`ASKS`: "ends", only those of its groups that :func:`anchors` allows and only
            records whose subject begins and ends with one of their :func:`ends_pairs`; "name", the
            words in the subject or number; "short", in any of the four short fields.
        seen: Records already on the page.
        room: How many the page still lacks.

    Each batch is asked each way of :data:`ASKS` in turn while the page
    lacks records. Stops once ``room`` candidates are found, or when the
    next batch costs a whole edit more than the first that found any (its
    records would rank below those: the page fills from the other tiers).
    """
    skip = set(seen)
    pool: dict[_K, None] = {}
    found_at: float | None = None
    for cost, batch in batches(plan, near):
        if found_at is not None and cost > found_at + BATCH_SPREAD * 2:
            break
        for how in ASKS:
            if how == "ends" and not any(anchors(g) for g in batch):
                continue
            found = ask(batch, how)
            pool.update((k, None) for k in found if k not in skip)
            if found and found_at is None:
                found_at = cost
            if len(pool) >= room:
                return list(pool)
    return list(pool)
