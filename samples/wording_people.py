"""Varied records naming a person: verification letters and the three person decisions.

A verification (xác minh văn bằng) is a letter answering an agency; a copy
from the register, a correction and a foreign-diploma recognition are
decisions. A district office (``pgd``) handles lower-secondary diplomas, a
Department (``sgd``) the others. The person is named in one of several
phrasings ("Họ và tên: X" in a list, "ông (bà) X, sinh năm …", "bà X, sinh
ngày … tại …").
"""

from __future__ import annotations

import datetime as dt
import random

from pipeline.domain import ProcedureType

from samples import headers as H
from samples import names as N
from samples import vocab as V
from samples.blocks import Block, Paragraph, Space
from samples.record import MISSPELLINGS, Person, misspell
from samples.draft import (
    Draft, article, before, decides, decision_title, draw_number, executors, first_page,
    legal_bases, proposal, recipients, vn_date,
)
from samples.places import Issuer, pick_province

__all__ = ["verification", "person_decision"]

#: Diplomas a Department certifies (kind, register code, age at graduation).
_SGD_DIPLOMAS: tuple[tuple[str, str, int], ...] = (
    ("Bằng tốt nghiệp Trung học phổ thông", "THPT", 18),
    ("Bằng tốt nghiệp Trung học phổ thông", "TN-THPT", 18),
    ("Bằng tốt nghiệp Bổ túc trung học phổ thông", "BTTHPT", 20),
    ("Chứng chỉ Tin học trình độ B", "CCTH", 21),
    ("Chứng chỉ Tiếng Anh trình độ C", "CCNN", 22),
)


#: Diplomas a district office certifies (lower secondary).
_PGD_DIPLOMAS: tuple[tuple[str, str, int], ...] = (
    ("Bằng tốt nghiệp Trung học cơ sở", "THCS", 15),
    ("Bằng tốt nghiệp Trung học cơ sở", "TN-THCS", 15),
    ("Bằng tốt nghiệp Bổ túc trung học cơ sở", "BTTHCS", 17),
)


#: Agencies asking for a verification: (name pattern, number code pattern).
_REQUESTERS: tuple[tuple[str, str], ...] = (
    ("Công an {label}", "CV-PC13"),
    ("Ban Tổ chức {party}", "CV-BTC"),
    ("Sở Nội vụ {label}", "SNV-CCVC"),
    ("Bộ Chỉ huy Quân sự {label}", "BCH-TM"),
    ("Cục Thuế {label}", "CT-TCCB"),
    ("Ngân hàng Nông nghiệp và Phát triển nông thôn chi nhánh {label}", "NHNo-HCNS"),
    ("Trường Cao đẳng Sư phạm {name}", "CĐSP-ĐT"),
    ("Công ty Cổ phần Xây lắp {name}", "CV-TCHC"),
    ("Bảo hiểm xã hội {label}", "BHXH-TCCB"),
    ("Ủy ban nhân dân {label}", "UBND-NV"),
)


_FOREIGN: tuple[tuple[str, str, str], ...] = V.FOREIGN_DIPLOMAS + (
    ("Bằng tốt nghiệp trung học (Diplôme du baccalauréat)",
     "Học viện Lyon, Cộng hòa Pháp", "Bằng tốt nghiệp Trung học phổ thông"),
    ("Bằng tốt nghiệp trung học (Abitur)",
     "Trường Trung học Goethe, thành phố Leipzig, Cộng hòa Liên bang Đức",
     "Bằng tốt nghiệp Trung học phổ thông"),
    ("Chứng chỉ tốt nghiệp trung học cơ sở (GCSE)",
     "Hội đồng Khảo thí AQA, Vương quốc Anh", "Bằng tốt nghiệp Trung học cơ sở"),
)


def _person(rng: random.Random, name: str | None, year: int) -> Person:
    if name is None:
        male = rng.random() < 0.5
        name = N.random_name(rng, male)
    else:
        male = " Thị " not in f" {name} " and name.split()[-1] not in N.GIVEN_FEMALE
    birth = dt.date(year - rng.randint(16, 40), rng.randint(1, 12), rng.randint(1, 28))
    return Person(name, male, birth, pick_province(rng).name)


def _diploma(rng: random.Random, p: Person, issuer: Issuer) -> tuple[str, int, str, str]:
    kinds = _PGD_DIPLOMAS if issuer.kind == "pgd" else _SGD_DIPLOMAS
    kind, code, age = rng.choice(kinds)
    year = min(p.birth.year + age, 2012)
    serial = rng.choice((f"{rng.choice('ABC')} {rng.randint(0, 9999999):07d}",
                         f"{rng.choice(('AA', 'BA', 'QB'))} {rng.randint(0, 999999):06d}",
                         f"{rng.randint(100000, 999999)}"))
    book = rng.choice((f"{rng.randint(10, 9999)}/{code}", f"{rng.randint(10, 9999)}/{year}",
                       f"{rng.randint(10, 999)}"))
    return kind, year, serial, book


def _honorific(p: Person) -> str:
    return "ông" if p.male else "bà"


def _person_list(doc: Draft, p: Person, kind: str, year: int, serial: str, book: str,
                 form: int) -> list[Paragraph]:
    """The person's details as an indented list, in one of two forms."""
    if form == 0:
        rows = [f"Họ và tên: {p.name}",
                f"Ngày sinh: {vn_date(p.birth)}; Nơi sinh: {p.birth_place}",
                f"Văn bằng: {kind} năm {year}",
                f"Số hiệu: {serial}; Số vào sổ cấp bằng: {book}"]
    else:
        rows = [f"{'Ông' if p.male else 'Bà'}: {p.name}",
                f"Sinh ngày: {vn_date(p.birth)}",
                f"Quê quán: {p.birth_place}",
                f"Đã được cấp: {kind}, năm tốt nghiệp {year}",
                f"Số hiệu bằng: {serial}, vào sổ số: {book}"]
    return [doc.para(r, indent=3.0, before=0.1) for r in rows]


def _person_running(p: Person, form: int) -> str:
    """The person named in running text."""
    if form == 1:
        return f"ông (bà) {p.name}, sinh năm {p.birth.year}, nơi sinh {p.birth_place}"
    return f"{_honorific(p)} {p.name}, sinh ngày {vn_date(p.birth)} tại {p.birth_place}"


def verification(doc: Draft, name: str | None, extra: int) -> tuple[str, str, list[Block]]:
    """A letter answering an agency's request to verify a person's diploma.

    Args:
        doc: The record's draft (issuer: a Department or a district office).
        name: Fixed full name of the person, or None to draw one.
        extra: Number of neutral filler paragraphs.

    Returns:
        (normalized number, subject, blocks).
    """
    rng, i = doc.rng, doc.issuer
    p = _person(rng, name, doc.date.year)
    kind, year, serial, book = _diploma(rng, p, i)
    pattern, code = rng.choice(_REQUESTERS)
    prov = pick_province(rng) if rng.random() < 0.3 else i.province
    agency = pattern.format(label=prov.label, name=prov.name,
                            party=f"{'Tỉnh' if prov.kind == 'tỉnh' else 'Thành'} ủy {prov.name}")
    printed, number = draw_number(doc, i.letter_codes)
    req = f"Công văn số {rng.randint(10, 999)}/{code} ngày {vn_date(before(rng, doc.date, 3, 20))}"
    vv = doc.pick("vv", ("V/v xác minh văn bằng", "V/v xác minh văn bằng tốt nghiệp",
                         "V/v trả lời xác minh văn bằng", "V/v xác minh văn bằng, chứng chỉ"))
    form = doc.pick("person", ("0", "1", "2", "3"))
    listed = form in ("0", "3")
    who = (f"của {_honorific(p)} có tên sau:" if listed
           else f"của {_person_running(p, int(form))}.")
    opening = doc.pick("open", (
        f"{i.body} nhận được {req} của {agency} đề nghị xác minh văn bằng {who}",
        f"Trả lời {req} của {agency} về việc xác minh văn bằng, {i.short} xác minh văn bằng {who}",
        f"Theo đề nghị của {agency} tại {req}, {i.short} đã kiểm tra, đối chiếu với sổ gốc cấp"
        f" văn bằng lưu tại {i.short} về văn bằng {who}",
    ))
    person_lines = _person_list(doc, p, kind, year, serial, book, 0 if form == "0" else 1) \
        if listed else []
    t = _honorific(p)
    result = doc.pick("result", (
        f"Sau khi kiểm tra hồ sơ lưu trữ, {i.short} xác nhận: {t} {p.name} đã được cấp {kind}"
        f" năm {year}, số hiệu {serial}, số vào sổ {book}. Nội dung văn bằng phù hợp với hồ sơ"
        f" gốc lưu tại {i.short}.",
        f"Kết quả xác minh: {kind} số hiệu {serial} cấp cho {t} {p.name} năm {year} là văn bằng"
        f" do {i.body} cấp; các thông tin ghi trên văn bằng đúng với sổ gốc (số vào sổ {book}).",
        f"Đối chiếu sổ gốc cấp văn bằng năm {year}, {t} {p.name} có tên trong sổ gốc, số vào"
        f" sổ {book}, số hiệu {serial}; văn bằng nêu trên là văn bằng hợp pháp.",
    ))
    end = doc.pick("end", (
        f"{i.short} trả lời để {agency} được biết./.",
        f"Vậy {i.short} thông báo để {agency} biết và phối hợp thực hiện./.",
        f"{i.short} thông báo kết quả xác minh để quý cơ quan biết./.",
    ))
    kinh_gui = doc.pick("to", ("inline", "dash"))
    if kinh_gui == "inline":
        to: list[Block] = [Paragraph(f"Kính gửi: {agency}", "regular", "center",
                                     doc.look.body_pt + 1, 0.0, 0.3)]
    else:
        to = [Paragraph("Kính gửi:", "regular", "left", doc.look.body_pt + 1, 6.0, 0.3),
              Paragraph(f"- {agency}", "regular", "left", doc.look.body_pt + 1, 8.0, 0.0)]
    layout_vv = (vv,)
    blocks: list[Block] = [
        *first_page(doc, printed, layout_vv),
        Space(1.2),
        *to,
        Space(0.6),
        doc.para(opening),
        *person_lines,
        *doc.fillers(extra),
        doc.para(result),
        doc.para(end),
        Space(0.6),
        H.closing(rng, doc.look, i, ("- Như trên;", doc.pick("recipients", (
            "- Lưu: VT, KTKĐ.", "- Lưu: VT.", "- Lưu VT, CM.")))),
    ]
    return number, p.name, blocks


def person_decision(doc: Draft, name: str | None, extra: int,
                    kind: ProcedureType) -> tuple[str, str, list[Block]]:
    """A decision about a person's diploma: copy, correction or foreign recognition.

    Args:
        doc: The record's draft.
        name: Fixed full name of the person, or None to draw one.
        extra: Number of neutral filler paragraphs.
        kind: ``cap_ban_sao_van_bang``, ``chinh_sua_van_bang`` or
            ``cong_nhan_van_bang_nuoc_ngoai``.

    Returns:
        (normalized number, subject, blocks).
    """
    rng, i = doc.rng, doc.issuer
    p = _person(rng, name, doc.date.year)
    diploma, year, serial, book = _diploma(rng, p, i)
    printed, number = draw_number(doc, i.decision_codes)
    t = _honorific(p)
    req = vn_date(before(rng, doc.date, 2, 15))
    if kind is ProcedureType.CAP_BAN_SAO_VAN_BANG:
        about = doc.pick("about", ("Về việc cấp bản sao văn bằng từ sổ gốc",
                                   "Về việc cấp bản sao bằng tốt nghiệp từ sổ gốc",
                                   "Về việc cấp bản sao văn bằng, chứng chỉ từ sổ gốc",
                                   f"Về việc cấp bản sao {diploma.lower()}"))
        bases = ["Căn cứ Nghị định số 79/2007/NĐ-CP ngày 18/5/2007 của Chính phủ về cấp bản sao"
                 " từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký;",
                 f"Xét đơn đề nghị cấp bản sao văn bằng của {t} {p.name} ngày {req},"]
        form = doc.pick("person", ("0", "1", "2"))
        if form == "0":
            art1: list[Block] = [article(doc, 1, f"Cấp bản sao {diploma} từ sổ gốc cho {t} có"
                                                  " tên sau:"),
                                 *_person_list(doc, p, diploma, year, serial, book, 0)]
        elif form == "1":
            art1 = [article(doc, 1, f"Cấp bản sao {diploma} từ sổ gốc cho"
                                     f" {_person_running(p, 1)}; số hiệu văn bằng {serial}, số"
                                     f" vào sổ cấp bằng {book}.")]
        else:
            art1 = [article(doc, 1, f"Nay cấp bản sao văn bằng từ sổ gốc: {diploma} năm {year}"
                                     f" của {_person_running(p, 2)}, số hiệu {serial}, số vào"
                                     f" sổ {book}.")]
        art2 = doc.pick("article2", (
            "Bản sao văn bằng cấp từ sổ gốc có giá trị sử dụng thay cho bản chính trong các giao"
            " dịch, trừ trường hợp pháp luật có quy định khác.",
            "Bản sao được cấp từ sổ gốc có giá trị pháp lý như bản chính.",
            f"{t.capitalize()} {p.name} có trách nhiệm sử dụng bản sao văn bằng đúng quy định.",
        ))
        articles = [*art1, article(doc, 2, art2)]
    elif kind is ProcedureType.CHINH_SUA_VAN_BANG:
        about = doc.pick("about", ("Về việc chỉnh sửa nội dung văn bằng",
                                   "Về việc chỉnh sửa văn bằng, chứng chỉ",
                                   "Về việc điều chỉnh nội dung ghi trên văn bằng",
                                   "Về việc chỉnh sửa nội dung bằng tốt nghiệp"))
        bases = [f"Xét đơn đề nghị chỉnh sửa văn bằng của {t} {p.name} ngày {req} kèm theo bản"
                 " sao giấy khai sinh hợp lệ,"]
        if rng.random() < 0.5:
            wrong = p.birth.replace(day=(p.birth.day % 28) + 1)
            fix = doc.pick("fix", (
                f"Ngày sinh ghi trong văn bằng: {vn_date(wrong)}; nay sửa lại là:"
                f" {vn_date(p.birth)}.",
                f"Sửa ngày sinh từ {vn_date(wrong)} thành {vn_date(p.birth)}.",
            ))
        else:
            wrong_name = misspell(rng, p.name, _SWAPS)
            fix = doc.pick("fix", (
                f"Họ và tên ghi trong văn bằng: {wrong_name}; nay sửa lại là: {p.name}.",
                f"Sửa họ tên từ \"{wrong_name}\" thành \"{p.name}\".",
            ))
        lead = doc.pick("article1", (
            f"Chỉnh sửa nội dung {diploma} năm {year}, số hiệu {serial}, số vào sổ {book} đã cấp"
            f" cho {_person_running(p, 2)}, như sau:",
            f"Cho phép chỉnh sửa nội dung văn bằng của {_person_running(p, 1)}; văn bằng:"
            f" {diploma}, số hiệu {serial}, cụ thể:",
            f"Điều chỉnh nội dung ghi trên {diploma} (số hiệu {serial}, số vào sổ {book}) của"
            f" {t} {p.name} như sau:",
        ))
        articles = [
            article(doc, 1, lead),
            doc.para(fix, indent=3.0),
            doc.para("Lý do: ghi sai so với giấy khai sinh.", indent=3.0),
            article(doc, 2, "Các nội dung khác của văn bằng giữ nguyên. Quyết định này được lưu"
                             " kèm hồ sơ cấp văn bằng."),
        ]
    else:
        foreign, school, equiv = rng.choice(_FOREIGN)
        about = doc.pick("about", (
            "Về việc công nhận văn bằng do cơ sở giáo dục nước ngoài cấp",
            "Về việc công nhận văn bằng tốt nghiệp do nước ngoài cấp",
            "Về việc công nhận văn bằng của người Việt Nam do cơ sở giáo dục nước ngoài cấp",
        ))
        grad = vn_date(dt.date(min(p.birth.year + 18, doc.date.year), rng.randint(5, 7),
                                rng.randint(1, 28)))
        bases = ["Căn cứ Quyết định số 77/2007/QĐ-BGDĐT ngày 20/12/2007 của Bộ trưởng Bộ Giáo"
                 " dục và Đào tạo ban hành Quy định về trình tự, thủ tục công nhận văn bằng của"
                 " người Việt Nam do cơ sở giáo dục nước ngoài cấp;",
                 f"Xét hồ sơ đề nghị công nhận văn bằng của {t} {p.name},"]
        art1 = doc.pick("article1", (
            f"Công nhận {foreign} do {school} cấp ngày {grad} cho {_person_running(p, 2)},"
            f" tương đương {equiv} của Việt Nam.",
            f"Công nhận văn bằng của {_person_running(p, 1)}: {foreign}, do {school} cấp ngày"
            f" {grad}, tương đương {equiv}.",
            f"Văn bằng {foreign} của {t} {p.name} do {school} cấp ngày {grad} được công nhận"
            f" tương đương {equiv} của hệ thống giáo dục quốc dân Việt Nam.",
        ))
        articles = [article(doc, 1, art1),
                    article(doc, 2, "Văn bằng được công nhận có giá trị sử dụng tại Việt Nam"
                                     " theo quy định của pháp luật.")]
    if i.kind != "pgd" or kind is ProcedureType.CAP_BAN_SAO_VAN_BANG:
        bases.insert(-1, _vanbang_basis(doc.date))
    blocks: list[Block] = [
        *first_page(doc, printed),
        *decision_title(doc, printed, about),
        *legal_bases(doc, [*bases, proposal(doc)]),
        decides(doc),
        *articles,
        *doc.fillers(extra),
        article(doc, 3, executors(doc, f"{t} {p.name}")),
        Space(0.6),
        H.closing(rng, doc.look, i, recipients(doc, "- Như Điều 3;")),
    ]
    return number, p.name, blocks


def _vanbang_basis(d: dt.date) -> str:
    if d.year >= 2012:
        return ("Căn cứ Thông tư số 22/2012/TT-BGDĐT ngày 20/6/2012 của Bộ trưởng Bộ Giáo dục và"
                " Đào tạo ban hành Quy chế quản lý bằng tốt nghiệp trung học cơ sở, bằng tốt"
                " nghiệp trung học phổ thông, văn bằng giáo dục đại học và chứng chỉ của hệ"
                " thống giáo dục quốc dân;")
    return ("Căn cứ Quyết định số 33/2007/QĐ-BGDĐT ngày 20/6/2007 của Bộ trưởng Bộ Giáo dục và"
            " Đào tạo ban hành Quy chế văn bằng, chứng chỉ của hệ thống giáo dục quốc dân;")


#: The classic misspellings and two more marks.
_SWAPS = {**MISSPELLINGS, "ú": "ù", "ọ": "ỏ"}
