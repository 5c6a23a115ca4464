"""Provinces, districts and the issuing bodies of the varied style.

Three kinds of issuer, as competence for the procedures was split in
2008–2013:

- ``sgd``: the Department of Education of a province or city
  (``UBND TỈNH NAM ĐỊNH / SỞ GIÁO DỤC VÀ ĐÀO TẠO``), numbering decisions
  ``123/QĐ-SGDĐT`` and letters ``123/SGDĐT-KTKĐ``;
- ``ubnd``: the provincial People's Committee (``ỦY BAN NHÂN DÂN / TỈNH THÁI
  BÌNH`` or one line ``ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH``), ``123/QĐ-UBND``;
- ``pgd``: the education office of a district (``UBND HUYỆN GIAO THỦY /
  PHÒNG GIÁO DỤC VÀ ĐÀO TẠO``), ``45/QĐ-PGDĐT`` and ``45/PGDĐT-VP``; it
  handles lower-secondary (THCS) diplomas.

Symbols follow the national rules on document form: the type code comes
before the body's code in a decision (``QĐ-SGDĐT``); a letter (công văn)
has no type code, only the body's and the unit's (``SGDĐT-KTKĐ``).
Older papers sometimes spell ``HOÀ``, ``UỶ``, ``THUỶ`` and
``SỞ GIÁO DỤC - ĐÀO TẠO``; :func:`old_spelling` gives those forms.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

__all__ = [
    "Province",
    "Issuer",
    "PROVINCES",
    "old_spelling",
    "pick_province",
    "sgd_issuer",
    "ubnd_issuer",
    "pgd_issuer",
]


@dataclass(frozen=True)
class Province:
    """A province or centrally-run city and some of its districts.

    Attributes:
        name: Name as in running text (``Nam Định``).
        kind: ``tỉnh`` or ``thành phố``.
        districts: (name, kind) pairs; kind ``huyện``, ``quận`` or ``thị xã``.
        weight: Relative frequency in varied sets.
    """

    name: str
    kind: str
    districts: tuple[tuple[str, str], ...]
    weight: int = 1

    @property
    def label(self) -> str:
        """As in running text: ``tỉnh Nam Định``, ``thành phố Đà Nẵng``."""
        return f"{self.kind} {self.name}"


def _h(*names: str) -> tuple[tuple[str, str], ...]:
    return tuple((n, "huyện") for n in names)


PROVINCES: tuple[Province, ...] = (
    Province("Hải Phòng", "thành phố", (("Lê Chân", "quận"), ("Hải An", "quận"))
             + _h("Thủy Nguyên", "An Lão", "Vĩnh Bảo", "Tiên Lãng"), 4),
    Province("Nam Định", "tỉnh", _h("Giao Thủy", "Hải Hậu", "Xuân Trường", "Nghĩa Hưng",
                                   "Ý Yên", "Trực Ninh")),
    Province("Thái Bình", "tỉnh", _h("Kiến Xương", "Tiền Hải", "Thái Thụy", "Quỳnh Phụ",
                                    "Đông Hưng", "Vũ Thư")),
    Province("Hải Dương", "tỉnh", (("Chí Linh", "thị xã"),)
             + _h("Kinh Môn", "Nam Sách", "Thanh Hà", "Cẩm Giàng", "Gia Lộc")),
    Province("Quảng Ninh", "tỉnh", (("Quảng Yên", "thị xã"),)
             + _h("Đông Triều", "Hoành Bồ", "Vân Đồn", "Tiên Yên")),
    Province("Đà Nẵng", "thành phố", (("Hải Châu", "quận"), ("Thanh Khê", "quận"),
                                      ("Sơn Trà", "quận"), ("Liên Chiểu", "quận"))
             + _h("Hòa Vang")),
    Province("Thanh Hóa", "tỉnh", _h("Hoằng Hóa", "Quảng Xương", "Nông Cống", "Thọ Xuân",
                                    "Hậu Lộc")),
    Province("Nghệ An", "tỉnh", _h("Diễn Châu", "Quỳnh Lưu", "Nghi Lộc", "Đô Lương",
                                  "Yên Thành")),
    Province("Ninh Bình", "tỉnh", _h("Kim Sơn", "Yên Khánh", "Gia Viễn", "Hoa Lư",
                                    "Nho Quan")),
    Province("Hưng Yên", "tỉnh", _h("Văn Lâm", "Mỹ Hào", "Khoái Châu", "Kim Động", "Tiên Lữ")),
    Province("Khánh Hòa", "tỉnh", (("Ninh Hòa", "thị xã"),) + _h("Diên Khánh", "Vạn Ninh",
                                                                  "Cam Lâm")),
    Province("Hòa Bình", "tỉnh", _h("Lương Sơn", "Kim Bôi", "Mai Châu", "Lạc Thủy")),
    Province("Bắc Giang", "tỉnh", _h("Lục Nam", "Yên Dũng", "Hiệp Hòa", "Lạng Giang",
                                    "Tân Yên")),
    Province("Hà Nam", "tỉnh", _h("Duy Tiên", "Kim Bảng", "Thanh Liêm", "Bình Lục", "Lý Nhân")),
)

_OLD_TONES = {
    "òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ",
    "ùy": "uỳ", "úy": "uý", "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ",
}
_OLD_TONES.update({k.upper(): v.upper() for k, v in list(_OLD_TONES.items())})
_OLD_TONES.update({k[0].upper() + k[1]: v[0].upper() + v[1] for k, v in list(_OLD_TONES.items())
                   if k.islower()})
_OLD_RE = re.compile("(" + "|".join(_OLD_TONES) + r")(?!\w)")


def old_spelling(text: str) -> str:
    """The old tone placement on open syllables: ``HÒA`` -> ``HOÀ``, ``Ủy`` -> ``Uỷ``.

    Only a syllable ending in the two vowels changes ("hoàng" stays).

    Args:
        text: Text in today's spelling.

    Returns:
        The same text with the tone mark moved to the second vowel.
    """
    return _OLD_RE.sub(lambda m: _OLD_TONES[m.group(1)], text)


@dataclass(frozen=True)
class Issuer:
    """An issuing body as it prints itself and names itself.

    Attributes:
        kind: ``sgd``, ``ubnd`` or ``pgd``.
        lines: Header lines as printed (one or two).
        place: The place-date line's place, as printed.
        province: The province of the body.
        district: (name, kind) of a district office, else None.
        body: Full name in running text ("Sở Giáo dục và Đào tạo Nam Định").
        short: Short name in running text ("Sở GD&ĐT Nam Định", "Sở").
        authority: The decision's authority line ("GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO").
        decision_codes: Symbols of decisions (``QĐ-SGDĐT``).
        letter_codes: Symbols of letters (``SGDĐT-KTKĐ``).
        old: Whether the header uses the old spelling.
    """

    kind: str
    lines: tuple[str, ...]
    place: str
    province: Province
    district: tuple[str, str] | None
    body: str
    short: str
    authority: str
    decision_codes: tuple[str, ...]
    letter_codes: tuple[str, ...]
    old: bool = False

    @property
    def printed(self) -> str:
        """Header lines joined with `` / `` (the ground truth's ``issuer``)."""
        return " / ".join(self.lines)


def pick_province(rng: random.Random) -> Province:
    """A province, Hải Phòng more often than the others."""
    return rng.choices(PROVINCES, weights=[p.weight for p in PROVINCES])[0]


def _upper_label(p: Province) -> str:
    return f"{p.kind} {p.name}".upper()


def _finish(issuer: Issuer, old: bool) -> Issuer:
    if not old:
        return issuer
    return Issuer(issuer.kind, tuple(old_spelling(ln) for ln in issuer.lines),
                  old_spelling(issuer.place), issuer.province, issuer.district, issuer.body,
                  issuer.short, old_spelling(issuer.authority), issuer.decision_codes,
                  issuer.letter_codes, True)


def sgd_issuer(rng: random.Random, province: Province, old: bool = False) -> Issuer:
    """The Department of Education of a province.

    Args:
        rng: Random source.
        province: Its province.
        old: Use the old spelling in the header.

    Returns:
        The issuer.
    """
    parent = rng.choice((f"UBND {_upper_label(province)}",) * 3
                        + (f"ỦY BAN NHÂN DÂN {_upper_label(province)}",))
    if province.kind == "thành phố" and rng.random() < 0.3:
        parent = f"UBND TP {province.name.upper()}"
    own = "SỞ GIÁO DỤC - ĐÀO TẠO" if old and rng.random() < 0.5 else "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    code = rng.choice(("SGDĐT", "SGDĐT", "SGD&ĐT", "GDĐT"))
    units = ("KTKĐ", "KT&KĐCLGD", "KTQLCLGD", "KT", "VP")
    return _finish(Issuer(
        kind="sgd", lines=(parent, own), place=province.name, province=province, district=None,
        body=f"Sở Giáo dục và Đào tạo {province.name}",
        short=rng.choice((f"Sở GD&ĐT {province.name}", "Sở Giáo dục và Đào tạo", "Sở")),
        authority=rng.choice((f"GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO {province.name.upper()}",
                              "GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO")),
        decision_codes=(f"QĐ-{code}",),
        letter_codes=tuple(f"{code}-{u}" for u in units),
    ), old)


def ubnd_issuer(rng: random.Random, province: Province, old: bool = False) -> Issuer:
    """The People's Committee of a province, in two lines or one."""
    if rng.random() < 0.35:
        lines: tuple[str, ...] = (f"ỦY BAN NHÂN DÂN {_upper_label(province)}",)
    else:
        lines = ("ỦY BAN NHÂN DÂN", _upper_label(province))
    full = f"Ủy ban nhân dân {province.label}"
    return _finish(Issuer(
        kind="ubnd", lines=lines, place=province.name, province=province, district=None,
        body=full, short=rng.choice((f"UBND {province.label}", full)),
        authority=rng.choice((f"CHỦ TỊCH ỦY BAN NHÂN DÂN {_upper_label(province)}",
                              f"ỦY BAN NHÂN DÂN {_upper_label(province)}")),
        decision_codes=("QĐ-UBND",), letter_codes=("UBND-VX", "UBND-VP"),
    ), old)


def pgd_issuer(rng: random.Random, province: Province, old: bool = False) -> Issuer:
    """The education office of one of the province's districts."""
    district = rng.choice(province.districts)
    name, kind = district
    parent = rng.choice((f"UBND {kind.upper()} {name.upper()}",) * 2
                        + (f"ỦY BAN NHÂN DÂN {kind.upper()} {name.upper()}",))
    own = "PHÒNG GIÁO DỤC - ĐÀO TẠO" if old and rng.random() < 0.5 else "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO"
    code = rng.choice(("PGDĐT", "PGDĐT", "PGD&ĐT", "GDĐT"))
    return _finish(Issuer(
        kind="pgd", lines=(parent, own), place=name, province=province, district=district,
        body=f"Phòng Giáo dục và Đào tạo {kind} {name}",
        short=rng.choice((f"Phòng GD&ĐT {kind} {name}", "Phòng Giáo dục và Đào tạo", "Phòng")),
        authority=rng.choice((f"TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO {kind.upper()} {name.upper()}",
                              "TRƯỞNG PHÒNG GIÁO DỤC VÀ ĐÀO TẠO")),
        decision_codes=(f"QĐ-{code}",),
        letter_codes=tuple(f"{code}-{u}" for u in ("VP", "CM", "THCS")) + (code,),
    ), old)
