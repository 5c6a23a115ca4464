"""What names the generator can print, for tests that keep it apart from the reading code.

:func:`generator_vocabulary` lists the school names and person full names a
style can produce; :func:`could_be_generated_name` answers for one name
without building the (combinatorial) set of full names.
"""

from __future__ import annotations

from functools import lru_cache

from samples import names as N
from samples import vocab as V
from samples.places import PROVINCES

__all__ = ["generator_vocabulary", "could_be_generated_name"]


def _classic_people() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    family = frozenset(V.FAMILY_NAMES)
    middle = frozenset(V.MIDDLE_MALE) | frozenset(V.MIDDLE_FEMALE)
    given = frozenset(V.GIVEN_MALE) | frozenset(V.GIVEN_FEMALE)
    full = {f"{f} {m} {g}" for f in family for m in V.MIDDLE_MALE for g in V.GIVEN_MALE}
    full |= {f"{f} {m} {g}" for f in family for m in V.MIDDLE_FEMALE for g in V.GIVEN_FEMALE}
    full |= {name for _, name in V.SIGNERS_SGD + V.SIGNERS_UBND}
    return family, middle, given, frozenset(full)


def _varied_people() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    family = frozenset(N.FAMILY_WEIGHTS)
    middle = frozenset(N.MIDDLE_MALE) | frozenset(N.MIDDLE_FEMALE) | frozenset(
        N.SECOND_MIDDLE_FEMALE)
    given = frozenset(N.GIVEN_MALE) | frozenset(N.GIVEN_FEMALE)
    full = {f"{f} {m} {g}" for f in family for m in set(N.MIDDLE_MALE) for g in N.GIVEN_MALE
            if m != g}
    full |= {f"{f} {m} {g}" for f in family for m in set(N.MIDDLE_FEMALE) for g in N.GIVEN_FEMALE
             if m != g}
    full |= {f"{f} Thị {m} {g}" for f in family for m in N.SECOND_MIDDLE_FEMALE
             for g in N.GIVEN_FEMALE if m != g}
    return family, middle, given, frozenset(full)


@lru_cache(maxsize=2)
def generator_vocabulary(style: str = "varied") -> dict[str, frozenset[str]]:
    """The names a style of the generator can print.

    The ``classic`` style (the committed demo set) prints the Hải Phòng
    schools and names of :mod:`samples.vocab`, which the reading code's
    first knowledge was written from; the ``varied`` style has its own
    lists, which exclude the classic proper names.

    Args:
        style: ``varied`` (default) or ``classic``.

    Returns:
        ``school_names`` (full names, "Trường THCS Yên Phúc A"),
        ``school_proper_names`` (without the level or branch suffix),
        ``family_names``, ``middle_names``, ``given_names``, ``person_names``
        (every full name, signers included; about 145 000 for ``varied``),
        ``provinces`` and ``districts`` (names as in running text).
    """
    if style == "classic":
        propers = frozenset(n for names in V.SCHOOL_NAMES.values() for n in names)
        schools = frozenset(f"{lv} {n}" for lv in V.SCHOOL_LEVELS for n in propers)
        family, middle, given, people = _classic_people()
        provinces = frozenset({"Hải Phòng"})
        districts = frozenset(V.DISTRICTS)
    elif style == "varied":
        propers = N.school_proper_names()
        schools = N.school_full_names()
        family, middle, given, people = _varied_people()
        provinces = frozenset(p.name for p in PROVINCES)
        districts = frozenset(d for p in PROVINCES for d, _ in p.districts)
    else:
        raise ValueError(f"unknown style {style!r}")
    return {
        "school_names": schools,
        "school_proper_names": propers,
        "family_names": family,
        "middle_names": middle,
        "given_names": given,
        "person_names": people,
        "provinces": provinces,
        "districts": districts,
    }


def could_be_generated_name(name: str, style: str = "varied") -> bool:
    """Whether a style can print ``name`` as a person's full name.

    Args:
        name: A full name, syllables separated by single spaces.
        style: ``varied`` (default) or ``classic``.

    Returns:
        True when the name is one the style's name lists combine to.
    """
    if style == "varied":
        return N.could_be_person_name(name)
    return name in generator_vocabulary("classic")["person_names"]
