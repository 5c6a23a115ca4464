"""Personal names read as other syllables with the same letters, put back to a common name's spelling.

Personal names are outside any lexicon: a name read as another syllable with
the same letters ("bà Định Thị" for "bà Đinh Thị") takes the spelling of a
common name (the profile's person names, :class:`PersonNames`). Used by
:func:`ocr.postcorrect.correct_result`.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

from ocr.tesseract import OcrWord, line_key
from pipeline.folding import SYLLABLE_RE, fold

__all__ = ["PersonNames", "fix_names"]


@dataclass(frozen=True)
class PersonNames:
    """Common Vietnamese family, middle and given names, and their spellings by folded letters."""

    family: frozenset[str]
    middle: frozenset[str]
    given: frozenset[str]

    def spelling(self, word: str, role: str) -> str | None:
        """The one listed name of ``role`` with the letters of ``word``, if ``word`` is not one itself.

        A family name must be a family name ("Định" is a given name, never a
        family name: "Đinh"); a middle or given name may be either.
        """
        pool = {"family": self.family, "middle": self.middle, "given": self.given}[role]
        if word in (pool if role == "family" else self.middle | self.given):
            return None
        found = {n for n in pool if fold(n) == fold(word)}
        return found.pop() if len(found) == 1 else None


    @classmethod
    def from_roles(cls, roles: dict[str, tuple[str, ...]]) -> "PersonNames":
        """Names by role, as a profile lists them (``person_names.tsv``)."""
        def pool(role: str) -> frozenset[str]:
            return frozenset(unicodedata.normalize("NFC", n) for n in roles.get(role, ()))

        return cls(pool("family"), pool("middle"), pool("given"))


#: Words after which a person's name follows.
_NAME_CUES = frozenset({"ông", "bà", "em", "anh", "chị", "tên:"})


def _is_name_word(text: str) -> bool:
    return bool(SYLLABLE_RE.fullmatch(text)) and text[:1].isupper() and not text[1:2].isupper()


def fix_names(words: list[OcrWord], names: PersonNames) -> list[OcrWord]:
    """Names read as other syllables with the same letters, put back to a common name.

    A name is a run of capitalised syllables after "ông", "bà", "tên:"…, or
    a line made of two to four capitalised syllables (the signer). Its first
    word is a family name and its second a middle name, both from short
    closed lists: a word that is not one of them but has the letters of
    exactly one takes its marks ("Định" → "Đinh" first, "Vẫn" → "Văn"
    second). Given names are too many to list and stay as read ("Án").
    """
    out = list(words)
    line_len = Counter(line_key(w) for w in words)
    i = 0
    while i < len(out):
        key = line_key(out[i])
        cue = i > 0 and out[i - 1].text.lower() in _NAME_CUES
        alone = (i == 0 or line_key(out[i - 1]) != key) and 2 <= line_len[key] <= 4
        j = i
        while j < len(out) and _is_name_word(out[j].text) and line_key(out[j]) == key:
            j += 1
        if j - i >= 2 and (cue or (alone and j - i == line_len[key])):
            for k, role in ((i, "family"), (i + 1, "middle")):
                new = names.spelling(out[k].text, role)
                if new is not None:
                    out[k] = replace(out[k], text=new)
            i = j
        else:
            i += 1
    return out
