"""The fuzzy tiers' pure parts (indexing.fuzzy, indexing.spellings): distances, spellings, what may be left out,
the order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexing.base import SearchIndex, SearchResult
from indexing.fuzzy import (DROP_COST, LOOK_ALIKE_COST, FuzzyMatch, drop_one, edit_caps, fuzzy_fields, fuzzy_order,
                            fuzzy_words, max_cost, ocr_distance)
from indexing.spellings import (ASKS, MAX_BATCHES, Batch, alternatives, anchors, batches, ends_pairs, gather, near_words,
                                query_spellings, spellings)

word = st.text(alphabet="abcdeghilmnoqrtuvwy0146", max_size=7)


@given(a=word, b=word)
def test_ocr_distance_is_at_most_plain_edits_and_zero_only_when_equal(a: str, b: str) -> None:
    from rapidfuzz.distance import OSA

    d = ocr_distance(a, b)
    assert d <= OSA.distance(a, b)
    assert (d == 0) == (a == b)
    assert d >= LOOK_ALIKE_COST * abs(len(a) - len(b))  # the bound fuzzy_order prunes by


def _edits(typed: str, word: str) -> float:
    """The distance as its docstring defines it, every cell and every look-alike tried (the reference)."""
    from indexing.fuzzy import DIGIT_COST, LOOK_ALIKE

    pairs = {frozenset(p) for p in LOOK_ALIKE if len(p[0]) == len(p[1]) == 1}
    multi = {p for a, b in LOOK_ALIKE if len(a) + len(b) > 2 for p in ((a, b), (b, a))}

    def sub(a: str, b: str) -> float:
        return 0.0 if a == b else LOOK_ALIKE_COST if frozenset((a, b)) in pairs else (
            DIGIT_COST if a.isdigit() != b.isdigit() else 1.0)

    d = {(i, j): float(i + j) for i in range(len(typed) + 1) for j in range(len(word) + 1) if not (i and j)}
    for i in range(1, len(typed) + 1):
        for j in range(1, len(word) + 1):
            best = min(d[i - 1, j] + 1, d[i, j - 1] + 1, d[i - 1, j - 1] + sub(typed[i - 1], word[j - 1]))
            if i > 1 and j > 1 and typed[i - 1] == word[j - 2] and typed[i - 2] == word[j - 1]:
                best = min(best, d[i - 2, j - 2] + 1)
            for la in (1, 2):
                for lb in (1, 2):
                    if i >= la and j >= lb and (typed[i - la:i], word[j - lb:j]) in multi:
                        best = min(best, d[i - la, j - lb] + LOOK_ALIKE_COST)
            d[i, j] = best
    return d[len(typed), len(word)]


@given(a=word, b=word)
@settings(max_examples=500)
def test_ocr_distance_is_the_defined_one(a: str, b: str) -> None:
    # the distance's inner loop is written for speed (a misread query computes hundreds); same values
    assert ocr_distance(a, b) == _edits(a, b)
    assert ocr_distance("nguyeii", "nguyen") == _edits("nguyeii", "nguyen") == LOOK_ALIKE_COST
    assert ocr_distance("clvvrn", "dwm") == _edits("clvvrn", "dwm") == 3 * LOOK_ALIKE_COST


def test_look_alikes_cost_less_than_other_letters() -> None:
    assert ocr_distance("1inh", "linh") < ocr_distance("1inh", "minh") < ocr_distance("xinh", "minh")
    assert ocr_distance("rnai", "mai") == ocr_distance("miiih", "minh") == LOOK_ALIKE_COST
    assert ocr_distance("tran", "trna") == 1  # two letters swapped: one edit


def test_noise_in_a_word_is_left_out_and_codes_split() -> None:
    assert fuzzy_words("d_o_a thi") == [("doa",), ("thi",)]
    assert fuzzy_words("1595/SCDĐT-VP 12/3") == [("1595",), ("scddt",), ("vp",), ("12", "3")]


def test_edit_caps() -> None:
    # numbers never; a letter read as a digit is still a word; a letter alone in a code may lose its neighbour
    assert edit_caps("nguyen 1an 1595 an") == (2, 1, 0, 1)
    assert edit_caps("2305/q-sgddt") == (0, 1, 2)
    assert edit_caps("khac") == (1,)  # a word alone: one edit, nothing else narrows a second


def test_what_may_be_left_out() -> None:
    assert drop_one("wvguyon thi nam") == [0, 1, 2]
    assert drop_one("nguyen van an") == [0, 1]  # two letters: only ever one read as another
    assert drop_one("tran an") == []  # a word left of two is too little to go on
    assert drop_one("16/QĐ-UBND le van") == [4]  # no part of a number
    assert drop_one("16/QĐ-UBND le van")[0] == len(fuzzy_words("16/QĐ-UBND le van")) - 1


def test_spellings_come_cheapest_first_within_the_bound() -> None:
    alts = [alternatives(("tran",), [], True), alternatives(("miiih",), ["minh", "mai"], True),
            alternatives(("giung",), ["giang", "dung"], True)]
    got = list(spellings(alts))
    costs = [c for c, _ in got]
    assert costs == sorted(costs) and costs[-1] <= max_cost(3)
    assert got[0] == (0.0, ("tran", "miiih", "giung"))
    assert ("tran", "minh", "giang") in [s for _, s in got]
    assert all(sum(w is None for w in s) <= 1 for _, s in got)  # at most one word left out
    assert (DROP_COST, ("tran", "miiih", None)) in got


def test_a_number_stands_for_itself_only() -> None:
    assert alternatives(("12", "3"), ["13"], True) == [(0.0, "12 3")]


def doc(subject: str, number: str = "1/SGDĐT") -> dict[str, object]:
    return {"subject": subject, "number": number, "title": "QUYẾT ĐỊNH", "issuer": "SỞ GIÁO DỤC VÀ ĐÀO TẠO"}


def order(query: str, d: dict[str, object]):
    return fuzzy_order([p for w in fuzzy_words(query) for p in w], *fuzzy_fields(d))


def test_fuzzy_order() -> None:
    exact_length = order("nguyen ngec quynh", doc("Nguyễn Ngọc Quỳnh"))
    longer = order("nguyen ngec quynh", doc("Nguyễn Thị Ngọc Quỳnh"))
    assert exact_length.cost == longer.cost and exact_length < longer  # fewer words left over
    assert order("an van nguyen", doc("Nguyễn Văn An")).out_of_order == 2
    # a word nearer in the title than in the name: found through the title, after those found by name
    assert order("quyet", doc("Nguyễn Văn An")).elsewhere
    # the bound: each word at most a word left out
    far = order("wvguyon thi thu nam", doc("Trần Thị Thu Nam"))
    assert far.cost > far.bounded == DROP_COST


def _order_everywhere(words: list[str], fields: list[tuple[str, ...]], others: tuple[str, ...]) -> FuzzyMatch:
    """fuzzy_order as its docstring says it, every distance computed (the reference)."""

    def nearest(w: str, field: tuple[str, ...]) -> tuple[float, int]:
        return min(((ocr_distance(w, t), i) for i, t in enumerate(field)), default=(99.0, 0))

    total = bounded = 0.0
    places, elsewhere, taken = [], False, set()
    for w in words:
        d, f, i = min((nearest(w, field)[0], f, nearest(w, field)[1]) for f, field in enumerate(fields))
        far = nearest(w, others)[0]
        elsewhere |= far < d
        total += min(d, far)
        bounded += min(d, far, DROP_COST)
        places.append((f, i))
        if d <= far:
            taken.add((f, i))
    inversions = sum(1 for a, b in zip(places, places[1:]) if b < a)
    used = {f for f, _ in taken}
    left = sum(1 for f, field in enumerate(fields) if f in used for i in range(len(field)) if (f, i) not in taken)
    return FuzzyMatch(elsewhere, total, inversions, left, bounded)


names = st.lists(st.sampled_from(["nguyen", "tran", "thi", "van", "an", "anh", "minh", "rnai", "1595", "qd", "sgddt",
                                  "quyet", "dinh", "so", "giao", "duc"]) | word, max_size=5)


@given(query=names.filter(bool), subject=names, number=names, others=names)
@settings(max_examples=300)
def test_fuzzy_order_asks_later_fields_only_for_nearer_words(query: list[str], subject: list[str], number: list[str],
                                                             others: list[str]) -> None:
    # a later field (the number, the title and issuer) is searched only below the nearest so far: same order
    fields = [tuple(subject), tuple(number)]
    assert fuzzy_order(query, fields, tuple(others)) == _order_everywhere(query, fields, tuple(others))


def test_the_module_examples_hold() -> None:
    import doctest

    import indexing.fuzzy
    import indexing.spellings

    assert doctest.testmod(indexing.fuzzy).failed == 0
    assert doctest.testmod(indexing.spellings).failed == 0


def test_batches_fold_spellings_that_differ_in_one_word() -> None:
    vocabulary = {4: ["tran", "minh", "linh"], 5: ["giang"], 2: ["an", "en"], 3: ["anh"]}
    assert sorted(near_words("1inh", 1, vocabulary)) == ["linh", "minh"]
    # two letters: one read as another, or one lost ("anh" read "an"), never one added
    assert near_words("an", 1, vocabulary) == ["en", "anh"]
    plan = query_spellings("tran 1inh giung", vocabulary)
    # "giung" is in no record: no spelling keeps it; "1inh" (a digit in it) may be in one as read
    assert all("giung" not in s for _, s in plan) and any("1inh" in s for _, s in plan)
    near = list(batches(plan, near=True))
    assert near and len(near) <= MAX_BATCHES
    costs = [c for c, _ in near]
    assert costs == sorted(costs) and costs[0] > 0  # the query as typed is not asked again
    # "1inh" as read or as "linh" (half an edit apart), asked as one group
    assert near[0][1] == [[["tran"], ["1inh", "linh"], ["giang"]]]
    # what leaves a word out is only asked to fill a page (its place an empty position)
    assert all(all(g) for _, b in near for g in b)
    assert [["tran"], ["1inh", "linh"], []] in next(b for _, b in batches(plan, near=False))


def test_spellings_are_asked_anchored_then_by_field() -> None:
    """A misread name keeps its family name first and its given name last: those are asked first."""
    assert ASKS == ("ends", "name", "short")
    assert anchors([["pham", "tham"], ["thi"], ["van"]]) and not anchors([[], ["duc"], ["tram"]])
    assert not anchors([["1595"], ["sgddt"]]) and not anchors([["van"]])
    assert ends_pairs([["pham", "tham"], ["thi"], ["van"]]) == [("pham", "van"), ("tham", "van")]
    asked: list[str] = []

    def ask(batch: Batch, how: str) -> list[int]:
        asked.append(how)
        return {"ends": [1], "name": [1, 2], "short": [1, 2, 3]}[how]

    plan = [(1.0, ("pham", "thi", "van"))]
    assert gather(plan, True, ask, [], 2) == [1, 2] and asked == ["ends", "name"]
    asked.clear()
    assert gather(plan, True, ask, [], 5) == [1, 2, 3] and asked == ["ends", "name", "short"]


def test_rank_fuzzy_orders_and_bounds_what_both_backends_found() -> None:
    from indexing.fuzzy import rank_fuzzy

    found = {3: doc("Nguyễn Thị Ngọc Quỳnh"), 1: doc("Nguyễn Ngọc Quỳnh"), 2: doc("Trần Văn Bình")}
    # fewer words left over first; a record far past max_cost is no match at all
    assert rank_fuzzy("nguyen ngec quynh", found) == [1, 3]


@pytest.fixture(scope="module")
def small_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchIndex]:
    from indexing import open_index

    idx = open_index(f"sqlite:///{tmp_path_factory.mktemp('fuzzy')}/fuzz.sqlite")
    idx.write([{"key": f"k{i}", "type": "khac", "number": f"{i}/QĐ-SGDĐT", "issue_date": None, "year": None,
                "issuer": "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "subject": s, "title": "QUYẾT ĐỊNH", "valid_until": None,
                "revoked_on": None, "needs_review": False, "batch": "b", "location": None, "path": "/a.pdf",
                "pages": [1], "text": s}
               for i, s in enumerate(["Nguyễn Văn An", "Trần Thị Bình", "Lê Minh Giang", "Trường THCS Lê Lợi"])])
    yield idx
    idx.close()


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=40) | st.sampled_from(['"', 'a" OR "b', "NEAR(x y)", "^*", "nguyen AND", "1/", "-", "_ _"]))
def test_any_query_text_is_searched_without_error(small_index: SearchIndex, text: str) -> None:
    """User text reaches the fuzzy tier's MATCH expressions only as folded letters and digits: nothing a clerk
    types breaks a search (FTS5's own syntax included)."""
    result = small_index.search(text)
    assert isinstance(result, SearchResult) and result.total >= len(result.hits)
    assert all(isinstance(w, str) and w for s in query_spellings(text, {4: ["binh"]}) for w in s[1] if w)
