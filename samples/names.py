"""Names of people and schools for the varied style, combined at random.

The varied style draws people from family, middle and given names (a
Vietnamese full name is family + middle + given, sometimes with a second
middle name for women: "Nguyễn Thị Thu Hà"), and schools from a school level
and a proper name: a historical figure, an invented commune-like place name
made of two syllables ("Yên Phúc", "Tân Hòa"), or for kindergartens a
flower or bird name ("Hoa Sen"), sometimes with a branch suffix ("A", "số 2").

The lists are this package's own and exclude the proper names of the
classic style (:mod:`samples.vocab`), which are the Hải Phòng names the
reading code was first written on. :func:`school_proper_names` and
:func:`could_be_person_name` describe everything the varied style can print.
"""

from __future__ import annotations

import random
from functools import lru_cache

from samples import vocab as V
from samples.places import PROVINCES

__all__ = [
    "FAMILY_WEIGHTS",
    "MIDDLE_MALE",
    "MIDDLE_FEMALE",
    "SECOND_MIDDLE_FEMALE",
    "GIVEN_MALE",
    "GIVEN_FEMALE",
    "HISTORICAL_FIGURES",
    "PLACE_FIRST",
    "PLACE_SECOND",
    "KINDERGARTEN_NAMES",
    "SCHOOL_LEVELS",
    "SCHOOL_SUFFIXES",
    "PROVINCE_NAMES",
    "random_name",
    "random_school_name",
    "school_proper_names",
    "school_full_names",
    "could_be_person_name",
]

#: Family name -> relative frequency (roughly as in the population).
FAMILY_WEIGHTS: dict[str, int] = {
    "Nguyễn": 30, "Trần": 10, "Lê": 9, "Phạm": 7, "Hoàng": 4, "Huỳnh": 1, "Phan": 4,
    "Vũ": 4, "Võ": 2, "Đặng": 2, "Bùi": 2, "Đỗ": 2, "Hồ": 1, "Ngô": 1, "Dương": 1,
    "Lý": 1, "Đinh": 1, "Đoàn": 1, "Lương": 1, "Trịnh": 1, "Đào": 1, "Mai": 1, "Cao": 1,
    "Tạ": 1, "Tô": 1, "Vương": 1, "Kiều": 1, "Quách": 1, "Lã": 1, "Khúc": 1,
    "Nghiêm": 1, "Phùng": 1, "Chu": 1, "Lưu": 1, "Hà": 1, "Triệu": 1, "Doãn": 1,
    "Bạch": 1, "Thân": 1, "Lại": 1, "Mạc": 1, "Nhữ": 1,
}
MIDDLE_MALE: tuple[str, ...] = (
    "Văn", "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Xuân", "Mạnh",
    "Tiến", "Ngọc", "Đình", "Công", "Trọng", "Quốc", "Huy", "Duy", "Thế", "Bá", "Anh",
    "Hoàng", "Trung", "Việt", "Gia", "Tuấn", "Hải", "Khắc", "Đăng", "Nhật", "Thanh",
)
MIDDLE_FEMALE: tuple[str, ...] = (
    "Thị", "Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Phương", "Hồng", "Kim",
    "Thùy", "Diệu", "Bích", "Mai", "Lan", "Khánh", "Hoài", "Thúy", "Kiều", "Mỹ", "Hải",
    "Quỳnh", "Tuyết", "Vân", "Như", "Cẩm",
)
#: Second middle names after "Thị" ("Nguyễn Thị Thu Hà").
SECOND_MIDDLE_FEMALE: tuple[str, ...] = (
    "Thu", "Thanh", "Minh", "Ngọc", "Kim", "Bích", "Hồng", "Lan", "Phương", "Thúy",
)
GIVEN_MALE: tuple[str, ...] = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Hưng", "Khánh", "Long", "Nam",
    "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh", "Đông", "Hiếu", "Toàn",
    "Trung", "Bảo", "Chiến", "Công", "Duy", "Dương", "Giang", "Hào", "Hậu", "Hiệp",
    "Hoàng", "Huy", "Kiên", "Lâm", "Lộc", "Lợi", "Mạnh", "Minh", "Nghĩa", "Phú", "Phúc",
    "Quang", "Quyết", "Tài", "Tâm", "Thành", "Thịnh", "Tiến", "Tú", "Tùng", "Vũ", "Khoa",
    "Đức", "Thái", "Hòa", "Khải", "Sáng", "Trường", "Nhân",
)
GIVEN_FEMALE: tuple[str, ...] = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương", "Lan", "Linh",
    "Mai", "Ngân", "Nhung", "Phương", "Quỳnh", "Thảo", "Trang", "Yến", "Huyền", "Đào",
    "Hiền", "Huệ", "Hồng", "Liên", "Loan", "Ly", "Mơ", "Nga", "Ngọc", "Nhàn", "Oanh",
    "Phượng", "Quyên", "Tâm", "Thanh", "Thơm", "Thu", "Thủy", "Thúy", "Trâm", "Tuyết",
    "Uyên", "Vân", "Xuân", "Nhi", "My", "Lụa", "Duyên", "Gấm", "Hậu", "Lý",
)

#: Historical and revolutionary figures schools are named after.
HISTORICAL_FIGURES: tuple[str, ...] = (
    "Quang Trung", "Nguyễn Trãi", "Trần Hưng Đạo", "Lê Quý Đôn", "Nguyễn Du",
    "Phan Bội Châu", "Phan Chu Trinh", "Võ Thị Sáu", "Nguyễn Huệ", "Hai Bà Trưng",
    "Bà Triệu", "Lý Tự Trọng", "Kim Đồng", "Nguyễn Văn Trỗi", "Tô Hiến Thành",
    "Mạc Đĩnh Chi", "Lương Thế Vinh", "Nguyễn Khuyến", "Trần Quốc Toản", "Đinh Tiên Hoàng",
    "Lê Hồng Phong", "Hoàng Văn Thụ", "Phạm Ngũ Lão", "Yết Kiêu", "Trần Nhân Tông",
    "Lý Công Uẩn", "Nguyễn Hiền", "Hồ Tùng Mậu", "Lê Văn Tám", "Võ Trường Toản",
    "Nguyễn Đình Chiểu", "Nguyễn Công Trứ", "Cao Bá Quát", "Ngô Sĩ Liên", "Phan Đình Phùng",
    "Trưng Vương", "Nguyễn Viết Xuân", "Bế Văn Đàn", "Tô Vĩnh Diện", "Phan Đình Giót",
    "Cù Chính Lan", "La Văn Cầu", "Trần Cao Vân", "Huỳnh Thúc Kháng", "Đào Duy Từ",
    "Trần Quang Khải", "Trần Khánh Dư", "Lê Hoàn", "Ngô Gia Tự", "Nguyễn Văn Cừ",
    "Trần Đăng Ninh", "Hoàng Hoa Thám", "Đặng Thai Mai", "Nguyễn Trung Trực",
    "Lê Thánh Tông", "Lê Văn Hưu", "Phan Huy Chú", "Nguyễn Thiện Thuật", "Nguyễn Thái Học",
    "Phạm Hồng Thái", "Nguyễn An Ninh", "Lê Ngọc Hân", "Đoàn Thị Điểm", "Hồ Xuân Hương",
    "Nguyễn Gia Thiều", "Trương Định", "Phùng Hưng", "Mai Hắc Đế", "Lý Nam Đế",
    "Ngô Thì Nhậm", "Nguyễn Văn Linh", "Tôn Đức Thắng", "Võ Nguyên Giáp", "Trần Quốc Tuấn",
)
#: First and second syllables of invented commune-like place names.
PLACE_FIRST: tuple[str, ...] = (
    "An", "Bình", "Đông", "Tây", "Nam", "Bắc", "Hòa", "Phú", "Tân", "Vĩnh", "Xuân", "Yên",
    "Hưng", "Quảng", "Thanh", "Hải", "Hồng", "Minh", "Nghĩa", "Phúc", "Đại", "Kim", "Ngọc",
    "Lạc", "Cẩm", "Gia", "Mỹ", "Long", "Thái", "Hiệp", "Liên", "Quỳnh", "Trung", "Thượng",
    "Cao", "Thạch", "Hoằng", "Diễn", "Nghi", "Kỳ", "Trực", "Giao", "Hợp", "Thụy", "Quang",
)
PLACE_SECOND: tuple[str, ...] = (
    "Hưng", "Lạc", "Phú", "Thịnh", "Hòa", "Bình", "Lâm", "Giang", "Tiến", "Phong",
    "Thành", "Yên", "Khê", "Lộc", "Điền", "Châu", "Mỹ", "Ninh", "Nghĩa", "Thuận", "Xuyên",
    "Trạch", "Vinh", "Dương", "Long", "Lợi", "Phước", "Quang", "Thanh", "Hà", "Đức",
    "Tường", "Khánh", "Hội", "Định", "Kiều", "Liêm", "Bồng",
)
#: Proper names only kindergartens take.
KINDERGARTEN_NAMES: tuple[str, ...] = (
    "Hoa Sen", "Sao Mai", "Họa Mi", "Hoa Hồng", "Tuổi Thơ", "Sơn Ca", "Hoa Mai",
    "Hoa Phượng", "Vàng Anh", "Bông Sen", "Hoa Lan", "Ánh Dương", "Măng Non",
    "Hướng Dương", "Thỏ Ngọc", "Sen Hồng", "Hoa Cúc", "Bình Minh",
)
#: School level prefixes, as printed in full names.
SCHOOL_LEVELS: tuple[str, ...] = ("Trường Mầm non", "Trường Tiểu học", "Trường THCS", "Trường THPT")
#: Branch suffixes of schools sharing a commune name ("Trường Tiểu học Yên Phúc A").
SCHOOL_SUFFIXES: tuple[str, ...] = ("A", "B", "số 1", "số 2")


#: Provinces and centrally-run cities (2008–2025 names): never a school's proper
#: name, so that a school cannot be read as a place.
PROVINCE_NAMES: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bắc Giang", "Bắc Kạn", "Bạc Liêu", "Bắc Ninh", "Bến Tre",
    "Bình Định", "Bình Dương", "Bình Phước", "Bình Thuận", "Cà Mau", "Cần Thơ", "Cao Bằng",
    "Đà Nẵng", "Đắk Lắk", "Đắk Nông", "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai",
    "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tây", "Hà Tĩnh", "Hải Dương", "Hải Phòng", "Hậu Giang",
    "Hòa Bình", "Hồ Chí Minh", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình",
    "Ninh Thuận", "Phú Thọ", "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh",
    "Quảng Trị", "Sóc Trăng", "Sơn La", "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa",
    "Thừa Thiên Huế", "Huế", "Tiền Giang", "Trà Vinh", "Tuyên Quang", "Vĩnh Long", "Vĩnh Phúc",
    "Yên Bái",
)


def _classic_names() -> frozenset[str]:
    """Names a varied school never takes: the classic style's schools and districts,
    the provinces, and the districts the varied style names."""
    names = {n for names in V.SCHOOL_NAMES.values() for n in names}
    names |= {d for p in PROVINCES for d, _ in p.districts}
    return frozenset(names | set(V.DISTRICTS) | set(PROVINCE_NAMES))


@lru_cache(maxsize=1)
def _place_names() -> tuple[str, ...]:
    classic = _classic_names()
    out = []
    for a in PLACE_FIRST:
        for b in PLACE_SECOND:
            name = f"{a} {b}"
            # Not even the start of a province's name ("Vĩnh Phú" of "Vĩnh Phúc").
            inside = any(name in province for province in PROVINCE_NAMES)
            if a != b and name not in classic and not inside and name not in out:
                out.append(name)
    return tuple(out)


@lru_cache(maxsize=1)
def _figures() -> tuple[str, ...]:
    classic = _classic_names()
    return tuple(n for n in HISTORICAL_FIGURES if n not in classic)


def school_proper_names() -> frozenset[str]:
    """Every proper name (without level or suffix) a varied school can have."""
    return frozenset(_place_names()) | frozenset(_figures()) | frozenset(KINDERGARTEN_NAMES)


def school_full_names() -> frozenset[str]:
    """Every full school name the varied style can print ("Trường THCS Yên Phúc A")."""
    out: set[str] = set()
    for level in SCHOOL_LEVELS:
        propers = list(_place_names()) + list(_figures())
        if level == "Trường Mầm non":
            propers += list(KINDERGARTEN_NAMES)
        for proper in propers:
            out.add(f"{level} {proper}")
            if level in ("Trường Tiểu học", "Trường THCS"):
                out.update(f"{level} {proper} {s}" for s in SCHOOL_SUFFIXES)
    return frozenset(out)


def random_school_name(rng: random.Random, level: str) -> str:
    """A full school name of a level: a figure, an invented place, or a kindergarten name.

    Args:
        rng: Random source.
        level: One of :data:`SCHOOL_LEVELS`.

    Returns:
        The full name, e.g. ``Trường Tiểu học Yên Phúc A``.
    """
    roll = rng.random()
    if level == "Trường Mầm non" and roll < 0.3:
        proper = rng.choice(KINDERGARTEN_NAMES)
    elif roll < 0.6:
        proper = rng.choice(_place_names())
    else:
        proper = rng.choice(_figures())
    name = f"{level} {proper}"
    if level in ("Trường Tiểu học", "Trường THCS") and proper in _place_names() \
            and rng.random() < 0.12:
        name += f" {rng.choice(SCHOOL_SUFFIXES)}"
    return name


def random_name(rng: random.Random, male: bool) -> str:
    """A plausible Vietnamese full name: family + middle (+ second middle) + given.

    Args:
        rng: Random source.
        male: Draw a man's middle and given names, else a woman's.

    Returns:
        The full name.
    """
    families = sorted(FAMILY_WEIGHTS)
    family = rng.choices(families, weights=[FAMILY_WEIGHTS[f] for f in families])[0]
    middle = rng.choice(MIDDLE_MALE if male else MIDDLE_FEMALE)
    if not male and middle == "Thị" and rng.random() < 0.2:
        middle = f"Thị {rng.choice(SECOND_MIDDLE_FEMALE)}"
    given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    while given == middle.split()[-1]:  # "Mai Minh Minh" is no name
        given = rng.choice(GIVEN_MALE if male else GIVEN_FEMALE)
    return f"{family} {middle} {given}"


def could_be_person_name(name: str) -> bool:
    """Whether :func:`random_name` can produce ``name`` (exact spelling).

    Args:
        name: A full name, syllables separated by single spaces.

    Returns:
        True when the name is family + middle + given of one gender, or
        family + "Thị" + second middle + a woman's given name, the given
        name differing from the middle name before it.
    """
    parts = name.split(" ")
    if len(parts) == 3:
        family, middle, given = parts
        return family in FAMILY_WEIGHTS and middle != given and (
            (middle in MIDDLE_MALE and given in GIVEN_MALE)
            or (middle in MIDDLE_FEMALE and given in GIVEN_FEMALE))
    if len(parts) == 4:
        family, thi, second, given = parts
        return (family in FAMILY_WEIGHTS and thi == "Thị" and second in SECOND_MIDDLE_FEMALE
                and given in GIVEN_FEMALE and second != given)
    return False
