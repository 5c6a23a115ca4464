"""Every review reason the pipeline writes is shown in Vietnamese on the Vietnamese pages (web/reasons.py).

Two kinds of test:

- one realistic reason per template of :data:`web.reasons.REASONS_VI` (made by the producing function where
  that is easy, else written as its f-string writes it): the Vietnamese differs from the English, has none
  of its words, and keeps the values read verbatim;
- a scan of the pipeline's source for the templates it writes (the f-strings and literals that become a
  ``review:`` reason or a field reader's note): each, its ``{…}`` filled with sample values, must be
  matched by a template of the table, so a reason added later without its Vietnamese fails here.
"""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import itertools
import re
from pathlib import Path

import pytest

from conftest import HP
from pipeline.domain import HandField, ProcedureType, RecordFields
from pipeline.number_repair import NumberReading, _odd_numeric, _other_body, _other_type, _type_twice
from pipeline.handwritten import _why
from pipeline.issuers import IssuerReading
from pipeline.place_dates import DateReading
from pipeline.records import PageText, _review_reasons
from pipeline.subject import SubjectReading
from web.i18n import reason_label
from web.reasons import REASONS_VI, reason_vi

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = ROOT / "pipeline"

#: English words that must not be left in a Vietnamese reason (the values read aside).
_ENGLISH = ("read", "confidence", "number", "issuer", "subject", "profile", "kept", "printed", "proposed",
            "line", "page", "unreadable", "missing", "found", "school", "symbol", "handwriting", "date")


# --------------------------------------------------------------------------
# One realistic reason per template
# --------------------------------------------------------------------------

def _made_by_records() -> list[tuple[str, tuple[str, ...]]]:
    """Reasons written by pipeline/records.py itself, with the values they carry."""
    pages = [PageText(1, "", failed=True), PageText(2, "Số: 45/SGDĐT-KTKĐ", mean_conf=42.4),
             PageText(3, "Hải Phòng, ngày 05 tháng 7 năm 2010", mean_conf=88.0, quality=0.61),
             PageText(4, "…", doubtful=("45/", "05", "DƯƠNG", "Cườg"))]
    fields = RecordFields(number="45/SGDĐT-KTKĐ", date=dt.date(2010, 7, 5), issuer="UBND TỈNH HẢI DƯƠNG",
                          subject="Lê Văn Cườg")
    first = _review_reasons(ProcedureType.KHAC, 0.2, RecordFields(period="2008-08"), pages)
    second = _review_reasons(ProcedureType.KIEM_DINH_CHAT_LUONG, 0.37,
                             RecordFields(number="12/QĐ-SGDĐT", subject="Trường THCS Lê"), [])
    third = _review_reasons(ProcedureType.XAC_MINH_VAN_BANG, 0.9, fields, pages[3:])
    values = {
        "unknown procedure type": (), "no document number found": (), "no issue date found (read: 2008-08)":
        ("2008-08",), "subject: no person or school found": (), "page 1 could not be read": ("1",),
        "page 2 OCR confidence 42": ("2", "42"), "page 3 reading quality 0.61": ("3", "0.61"),
        "low classification confidence 0.37": ("0.37",), "no issue date found": (),
        "subject Trường THCS Lê: a school's name of one word (cut short?)": ("Trường THCS Lê",),
        "number 45/SGDĐT-KTKĐ read with low confidence (handwritten or stained?)": ("45/SGDĐT-KTKĐ",),
        "date 2010-07-05 read with low confidence": ("2010-07-05",),
        "issuer UBND TỈNH HẢI DƯƠNG read with low confidence (DƯƠNG)": ("UBND TỈNH HẢI DƯƠNG", "DƯƠNG"),
        "subject Lê Văn Cườg read with low confidence or a word that is no word (Cườg)": ("Lê Văn Cườg", "Cườg"),
    }
    made = [r.removeprefix("review: ") for r in (*first, *second, *third)]
    assert sorted(made) == sorted(values)  # the producers still write these
    return list(values.items())


def _made_by_helpers() -> list[tuple[str, tuple[str, ...]]]:
    """Notes written by the field readers' helpers, called for real."""
    hand = HandField("number", "1595", 0.62, (0, 10, 0, 40), (0.91, 0.68))
    day = HandField("day", "21", 0.55, (0, 10, 50, 70), (0.74, 0.74))
    sgd = next(b for b in HP.bodies if b.code == "SGDĐT")
    return [
        (_why("number", "1595/SGDĐT-CTrTT", hand, "Số: 4/35 /SGDĐT-CTrTT"),
         ("1595/SGDĐT-CTrTT", "1595", "0.62", "0.91, 0.68", "Số: 4/35 /SGDĐT-CTrTT")),
        (_why("date", "2012-05-21", day, "2012-05"), ("2012-05-21", "21", "0.55", "0.74, 0.74", "2012-05")),
        (_why("date", "2012-05-21", day, "2012") + "; the month 5 handwritten too (confidence 0.48)",
         ("2012-05-21", "21", "0.55", "0.74, 0.74", "2012", "5", "0.48")),
        (_odd_numeric("4/35/QĐ-UBND", dt.date(2011, 3, 2)), ("4/35/QĐ-UBND", "4/35")),
        (_other_type("12/CT-SGDĐT", "QUYẾT ĐỊNH", HP), ("12/CT-SGDĐT", "CT", "QĐ")),
        (_other_body("12/QĐ-PGDĐT", IssuerReading("SỞ GIÁO DỤC VÀ ĐÀO TẠO", None, body=sgd), HP),
         ("12/QĐ-PGDĐT", "PGDĐT", "SGDĐT")),
        (_type_twice("272/QĐ-PG", HP), ("272/QĐ-PG", "PG", "QĐ")),
    ]


#: Notes as their f-strings write them (pipeline/extract.py, issuers.py, place_dates.py), with realistic values.
_WRITTEN: list[tuple[str, tuple[str, ...]]] = [
    ("subject: the name 'Phạm Thị Hoa' does not begin with a family name the profile knows", ("Phạm Thị Hoa",)),
    ("subject: the name 'Nguyên Minh' is also read 'Nguyễn Minh Hoa' (a word lost?)",
     ("Nguyên Minh", "Nguyễn Minh Hoa")),
    ("subject: the name 'Bùi M Thơm' has a letter alone (M), a word damaged?", ("Bùi M Thơm", "(M)")),
    ("subject: the name 'Bùi Xuân' was read only before a damaged word (its last word lost?)", ("Bùi Xuân",)),
    ("subject 'Trường THCS Hùng Tiên' kept as printed; the profile has 'Trường THCS Hùng Tiến'",
     ("'Trường THCS Hùng Tiên'", "'Trường THCS Hùng Tiến'")),
    ("subject read 'Trường THPT Đoàn ập', the profile's school 'Trường THPT Đoàn Lập' put in its place",
     ("'Trường THPT Đoàn ập'", "'Trường THPT Đoàn Lập'")),
    ("number 3212/THCS read inside a line, not on a header's 'Số:' line", ("3212/THCS", "'Số:'")),
    ("number unreadable on the header line 'Số: /QĐ-SGDĐT'", ("'Số: /QĐ-SGDĐT'",)),
    ("number unreadable: only the certificate's number 198/GCN-SGDĐT was read, not the decision's",
     ("198/GCN-SGDĐT",)),
    ("number 1406/QĐ-UBND proposed from the issuer's symbols (read 'Số: 1406 UBND')",
     ("1406/QĐ-UBND", "'Số: 1406 UBND'")),
    ("number 748/QĐ-UBND proposed from the issuer's symbols (read '748/QĐ-UEL')", ("748/QĐ-UBND", "'748/QĐ-UEL'")),
    ("number 45/SGDĐT-KTKĐ: its symbol was read 'nGDĐT-KTKĐ'", ("45/SGDĐT-KTKĐ", "'nGDĐT-KTKĐ'")),
    ("number 45/SGDĐT-KT&KĐ: its symbol is cut short", ("45/SGDĐT-KT&KĐ",)),
    ("number suffix XQ, ZZ not a known code", ("XQ, ZZ",)),
    ("number symbol of 45/SGDĐT may be cut short (the issuer uses SGDĐT-KTKĐ)", ("45/SGDĐT", "SGDĐT-KTKĐ")),
    ("number symbol of 45/KTKĐ is the start or end of the issuer's", ("45/KTKĐ",)),
    ("issuer SỞ GIÁO DỤC VÀ ĐÀO TẠO: the number 12/QĐ-PGDĐT is another body's (a header line lost?)",
     ("SỞ GIÁO DỤC VÀ ĐÀO TẠO", "12/QĐ-PGDĐT")),
    ("issuer UBND TỈNH QUẢNG NGÃI inferred from the authority or signature line (no header read)",
     ("UBND TỈNH QUẢNG NGÃI",)),
    ("issuer: no header lines read", ()),
    ("issuer read 'UBND HUYỆN YÊN DŨG / PHÒNG GD&ĐT', the profile's issuer "
     "'UBND HUYỆN YÊN DŨNG / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO' put in its place",
     ("'UBND HUYỆN YÊN DŨG / PHÒNG GD&ĐT'", "'UBND HUYỆN YÊN DŨNG / PHÒNG GIÁO DỤC VÀ ĐÀO TẠO'")),
    ("issuer: the lines read at the header's place, 'Ký bởi: Sở Giáo dục và Đào tạo', are no header's",
     ("'Ký bởi: Sở Giáo dục và Đào tạo'",)),
    ("issuer line read 'SỞ GIÁO DUC VÀ ĐÀ0 TẠO', the profile's line 'SỞ GIÁO DỤC VÀ ĐÀO TẠO' put in its place",
     ("'SỞ GIÁO DUC VÀ ĐÀ0 TẠO'", "'SỞ GIÁO DỤC VÀ ĐÀO TẠO'")),
    ("issuer line 'UBND TỈNH HẢI DƯƠNG' kept as printed; the profile has 'UBND TỈNH HẢI PHÒNG'",
     ("'UBND TỈNH HẢI DƯƠNG'", "'UBND TỈNH HẢI PHÒNG'")),
    ("issuer line 'UBN TÌNH HẢ' is not clearly read (no header line the profile knows)", ("'UBN TÌNH HẢ'",)),
    ("issuer line 'UBND HUYỆN THUỶ: NGUYÊN' holds marks no header line prints (:)",
     ("'UBND HUYỆN THUỶ: NGUYÊN'", "(:)")),
    ("issuer line 'UBND TỈNH' ends in a unit without its name (a word lost?)", ("'UBND TỈNH'",)),
    ("issuer line 'QUẬN LÊ CHÂN' names a place without its committee ('UBND' lost?)", ("'QUẬN LÊ CHÂN'",)),
    ("issuer line 'SỞ GIÁO DỤC ĐÀO TẠO' may have lost a word: the body is also printed 'SỞ GIÁO DỤC VÀ ĐÀO TẠO'",
     ("'SỞ GIÁO DỤC ĐÀO TẠO'", "'SỞ GIÁO DỤC VÀ ĐÀO TẠO'")),
    ("issuer 'ỦY BAN NHÂN DÂN' names no place (a header line lost?)", ("'ỦY BAN NHÂN DÂN'",)),
    ("issuer 'SỞ GIÁO DỤC VÀ ĐÀO TẠO' names no province (its parent line lost?)", ("'SỞ GIÁO DỤC VÀ ĐÀO TẠO'",)),
    ("issuer 'PHÒNG GIÁO DỤC VÀ ĐÀO TẠO' names no district (its parent line lost?)",
     ("'PHÒNG GIÁO DỤC VÀ ĐÀO TẠO'",)),
    ("issuer BỘ QUỐC PHÒNG read from the enacting line 'Bộ trưởng Bộ Quốc phòng ban hành' (no header read)",
     ("BỘ QUỐC PHÒNG", "'Bộ trưởng Bộ Quốc phòng ban hành'")),
    ("date 2010-06-08 has a digit read as 'B': 'ngay 0b thang 06 nam 2010'",
     ("2010-06-08", "'ngay 0b thang 06 nam 2010'")),
    ("date repaired from 'ngày 2l tháng O5 năm 2O12'", ("'ngày 2l tháng O5 năm 2O12'",)),
    ("date repaired from 'Hải Phòng, ngày 15' + 'tháng 3 năm 2011'", ("'Hải Phòng, ngày 15' + 'tháng 3 năm 2011'",)),
    ("date unreadable: 'ngày ... tháng .. năm 20'", ("'ngày ... tháng .. năm 20'",)),
    ("date 2006-03-14 is earlier than 2008-01-02, cited in the text", ("2006-03-14", "2008-01-02")),
]


def _cases() -> list[tuple[str, tuple[str, ...]]]:
    return [*_made_by_records(), *_made_by_helpers(), *_WRITTEN]


@pytest.mark.parametrize(("english", "values"), _cases(), ids=lambda v: v[:60] if isinstance(v, str) else "")
def test_reason_is_shown_in_vietnamese_with_its_values(english: str, values: tuple[str, ...]) -> None:
    vi = reason_label("vi", "review: " + english)
    assert vi != english and reason_vi(english) == vi
    assert reason_label("en", "review: " + english) == english
    rest = vi
    for value in values:
        assert value in vi, value
        rest = rest.replace(value, " ")
    left = [w for w in _ENGLISH if re.search(rf"(?<![^\W\d_]){w}(?![^\W\d_])", rest, re.IGNORECASE)]
    assert not left and "the " not in rest.lower(), (vi, left)


def test_every_template_has_a_realistic_case() -> None:
    def first(text: str) -> int:
        return next(i for i, (p, _) in enumerate(REASONS_VI) if p.fullmatch(text))

    covered = {first(english) for english, _ in _cases()}
    missing = [REASONS_VI[i][0].pattern for i in range(len(REASONS_VI)) if i not in covered]
    assert not missing


def test_vietnamese_keeps_every_value_of_its_template() -> None:
    for pattern, vietnamese in REASONS_VI:
        assert set(re.findall(r"\\g<(\w+)>", vietnamese)) == set(pattern.groupindex), pattern.pattern


def test_reason_without_template_is_shown_as_written() -> None:
    assert reason_vi("something new") is None
    assert reason_label("vi", "review: something new") == "something new"
    assert reason_label("vi", "review: no document number found") == "không tìm thấy số văn bản"


# --------------------------------------------------------------------------
# The pipeline writes no template without its Vietnamese
# --------------------------------------------------------------------------

#: The field readers' results whose ``note``/``notes`` field becomes a ``review:`` reason.
_READINGS = (NumberReading, SubjectReading, DateReading, IssuerReading)
#: A placeholder whose value is one of a few words the template's Vietnamese translates (any other
#: placeholder is a value read, shown verbatim): the kind ``_why`` is called with, and the level of a body
#: (pipeline/issuers.py, read_issuer: ``body.under in ("province", "district")``).
_WORD_VALUES = {"kind": ("number", "date"), "body.under": ("province", "district")}
#: A note extended in place (pipeline/handwritten.py, ``why += "; the month …"``): what it extends.
_EXTENDS = {"why": "date 2012-05-21 read from handwriting (21, confidence 0.55: 0.74, 0.74); Tesseract read '2012'"}
#: A function's string result that starts so is a note (``_why``, ``_odd_numeric``, ``_other_type``, …).
_FIELD_WORDS = ("number", "date", "issuer", "subject")
_SAMPLE = "X9"
#: Fewer templates than this found in a module: the scan has gone blind, not the module quiet.
_AT_LEAST = {"records.py": 14, "number_repair.py": 15, "subject.py": 6, "issuers.py": 13, "place_dates.py": 4, "handwritten.py": 3}


def _render(node: ast.AST | None) -> list[str]:
    """Each string an expression can make, its placeholders filled with sample values."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        parts = [[p.value] if isinstance(p, ast.Constant) else
                 list(_WORD_VALUES.get(ast.unparse(p.value), (_SAMPLE,))) for p in node.values]  # type: ignore[attr-defined]
        return ["".join(c) for c in itertools.product(*parts)]
    if isinstance(node, ast.IfExp):
        return _render(node.body) + _render(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [s for v in node.values for s in _render(v)]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return [a + b for a in _render(node.left) for b in _render(node.right)]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [s for e in node.elts for s in _render(e)]
    if isinstance(node, ast.ListComp):
        return _render(node.elt)
    return []  # a name, a call: its strings are found where they are made


def _note_field(cls: type) -> tuple[int, str]:
    names = [f.name for f in dataclasses.fields(cls)]
    name = "notes" if "notes" in names else "note"
    return names.index(name), name


def _templates(source: str) -> set[str]:
    """The reasons a module's source can write (``review:`` prefix removed), placeholders filled."""
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    readings = {cls.__name__: _note_field(cls) for cls in _READINGS}
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and not isinstance(
                parents.get(node), (ast.JoinedStr, ast.FormattedValue)):
            found += [s for s in _render(node) if s.startswith("review: ")]  # a reason wherever it is made
        elif isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr == "append" and isinstance(func.value, ast.Name):
                if func.value.id == "notes":
                    found += [s for a in node.args for s in _render(a)]
                elif func.value.id == "reasons":
                    found += [s for a in node.args for s in _render(a) if s.startswith("review: ")]
            elif isinstance(func, ast.Name) and func.id in readings:
                index, name = readings[func.id]
                args = node.args[index:index + 1] + [k.value for k in node.keywords if k.arg == name]
                found += [s for a in args for s in _render(a)]
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name) and target.id in ("note", "notes"):
                    found += _render(node.value)
                elif isinstance(target, ast.Tuple) and isinstance(node.value, ast.Tuple):
                    found += [s for t, v in zip(target.elts, node.value.elts, strict=False)
                              if isinstance(t, ast.Name) and t.id == "note" for s in _render(v)]
        elif isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id in _EXTENDS:
            found += [_EXTENDS[node.target.id] + s for s in _render(node.value)]
        elif isinstance(node, ast.Return):
            found += [s for s in _render(node.value) if s.startswith(_FIELD_WORDS)]
    texts = {s.removeprefix("review: ") for s in found}
    return {t for t in texts if t.strip() and t != _SAMPLE}  # "review: {note}": the notes, found where made


def test_every_template_the_pipeline_writes_has_its_vietnamese() -> None:
    untranslated: list[str] = []
    counts: dict[str, int] = {}
    for path in sorted(PIPELINE.glob("*.py")):
        templates = _templates(path.read_text(encoding="utf-8"))
        counts[path.name] = len(templates)
        untranslated += [f"{path.name}: {t}" for t in sorted(templates) if reason_vi(t) is None]
    assert not untranslated, "add these to web/reasons.py:\n" + "\n".join(untranslated)
    blind = {name: (counts.get(name, 0), n) for name, n in _AT_LEAST.items() if counts.get(name, 0) < n}
    assert not blind, blind


def test_scan_notices_a_new_reason() -> None:
    source = ('def f(reasons, notes):\n'
              '    reasons.append(f"review: page {p} upside down")\n'
              '    notes.append(f"issuer {x} stamped over")\n'
              '    return NumberReading(None, None, "number torn off")\n')
    assert {t for t in _templates(source) if reason_vi(t) is None} == {
        "page X9 upside down", "issuer X9 stamped over", "number torn off"}
