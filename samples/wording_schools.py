"""Varied records naming a school: accreditation and national-standard recognition.

Accreditation (kiểm định chất lượng) is a Department's decision, often
followed by the certificate page; national-standard recognition (chuẩn
quốc gia) is the provincial People's Committee's. The school is named in
several phrasings ("Cấp … cho Trường THCS X, huyện Y, tỉnh Z", "Công nhận
trường đạt chuẩn quốc gia đối với: Trường THCS X", "Trường THCS X (huyện Y)
được công nhận …").
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from samples import headers as H
from samples import names as N
from samples import vocab as V
from samples.blocks import Block, PageBreak, Paragraph, Space
from samples.draft import (
    Draft, article, before, decides, decision_title, draw_number, executors, first_page,
    legal_bases, proposal, recipients, vn_date,
)
from samples.places import Province

__all__ = ["VariedSchool", "accreditation", "national_standard"]

_LEVEL_LABEL = {"Trường Mầm non": "mầm non", "Trường Tiểu học": "tiểu học",
                "Trường THCS": "trung học cơ sở", "Trường THPT": "trung học phổ thông"}


@dataclass(frozen=True)
class VariedSchool:
    """A school of the varied style, with its district and province."""

    name: str
    level: str
    district: tuple[str, str]
    province: Province

    @property
    def district_label(self) -> str:
        """As in running text: ``huyện Giao Thủy``."""
        return f"{self.district[1]} {self.district[0]}"

    @property
    def level_label(self) -> str:
        """The level in words: ``trung học cơ sở``."""
        return _LEVEL_LABEL[self.level]


def _school(rng: random.Random, province: Province, name: str | None) -> VariedSchool:
    district = rng.choice(province.districts)
    if name is not None:
        level = next((lv for lv in N.SCHOOL_LEVELS if name.startswith(lv)), "Trường THCS")
        return VariedSchool(name, level, district, province)
    level = rng.choice(N.SCHOOL_LEVELS)
    return VariedSchool(N.random_school_name(rng, level), level, district, province)


def accreditation(doc: Draft, school: str | None, extra: int,
                  certificate: bool) -> tuple[str, str, list[Block]]:
    """A Department's decision accrediting a school, with the certificate page if asked.

    Args:
        doc: The record's draft (issuer: a Department).
        school: Fixed full school name, or None to draw one.
        extra: Number of neutral filler paragraphs.
        certificate: Add the certificate page after the decision.

    Returns:
        (normalized number, subject, blocks).
    """
    rng, i = doc.rng, doc.issuer
    s = _school(rng, i.province, school)
    level = rng.randint(1, 3)
    printed, number = draw_number(doc, i.decision_codes)
    where = f"{s.district_label}, {s.province.label}"
    about = doc.pick("about", (
        "Về việc cấp Giấy chứng nhận kiểm định chất lượng giáo dục",
        "Về việc công nhận trường đạt tiêu chuẩn chất lượng giáo dục",
        "Về việc công nhận kết quả kiểm định chất lượng giáo dục và cấp Giấy chứng nhận",
        f"Về việc cấp Giấy chứng nhận kiểm định chất lượng giáo dục cho {s.name}",
    ))
    art1 = doc.pick("article1", (
        f"Cấp Giấy chứng nhận kiểm định chất lượng giáo dục cho {s.name}, {where}, đạt cấp độ"
        f" {level}.",
        f"Công nhận {s.name} ({s.district_label}) đạt tiêu chuẩn chất lượng giáo dục cấp độ"
        f" {level} và cấp Giấy chứng nhận kiểm định chất lượng giáo dục.",
        f"{s.name}, {where} được công nhận đạt kiểm định chất lượng giáo dục, cấp độ {level}.",
    ))
    art2 = doc.pick("article2", (
        "Giấy chứng nhận có giá trị trong thời hạn 05 năm kể từ ngày ký.",
        "Giấy chứng nhận kiểm định chất lượng giáo dục có giá trị 05 (năm) năm kể từ ngày ký"
        " Quyết định này.",
        f"Thời hạn hiệu lực của Giấy chứng nhận là 05 năm. {s.name} có trách nhiệm duy trì và"
        " cải tiến chất lượng giáo dục theo kế hoạch đã đề ra.",
    ))
    eval_day = vn_date(before(rng, doc.date, 20, 60))
    blocks: list[Block] = [
        *first_page(doc, printed),
        *decision_title(doc, printed, about),
        *legal_bases(doc, [
            "Căn cứ Quyết định số 83/2008/QĐ-BGDĐT ngày 31/12/2008 của Bộ trưởng Bộ Giáo dục"
            " và Đào tạo ban hành Quy định về quy trình và chu kỳ kiểm định chất lượng giáo dục"
            " cơ sở giáo dục phổ thông;",
            f"Căn cứ kết quả đánh giá ngoài ngày {eval_day};",
            proposal(doc),
        ]),
        decides(doc),
        article(doc, 1, art1),
        article(doc, 2, art2),
        *doc.fillers(extra),
        article(doc, 3, executors(doc, f"Hiệu trưởng {s.name}")),
        Space(0.6),
        H.closing(rng, doc.look, i, recipients(doc, "- Như Điều 3;")),
    ]
    if certificate:
        blocks += _certificate(doc, s, level)
    return number, s.name, blocks


def _certificate(doc: Draft, s: VariedSchool, level: int) -> list[Block]:
    rng, i = doc.rng, doc.issuer
    code = i.decision_codes[0].split("-", 1)[1]
    cert_printed, _ = H.number_line(rng, rng.randint(1, 300), f"GCN-{code}")
    under = doc.layout == "number_under_title" or rng.random() < 0.5
    layout = "number_under_title" if under else "two_column"
    place_date = H.date_line(rng, i.place, doc.date)
    sub = doc.pick("certificate", ("KIỂM ĐỊNH CHẤT LƯỢNG GIÁO DỤC",
                                   "TRƯỜNG ĐẠT KIỂM ĐỊNH CHẤT LƯỢNG GIÁO DỤC",
                                   "ĐẠT TIÊU CHUẨN CHẤT LƯỢNG GIÁO DỤC"))
    look = doc.look
    where = f"{s.district_label}, {s.province.label}"
    return [
        PageBreak(numbered=False),
        *H.header(rng, look, i, layout, cert_printed, place_date),
        Space(1.5),
        Paragraph("GIẤY CHỨNG NHẬN", "bold", "center", look.title_pt + 6, 0.0, 0.5),
        Paragraph(sub, "bold", "center", look.title_pt + 1, 0.0, 0.3),
        *([Paragraph(cert_printed, "regular", "center", look.header_pt, 0.0, 0.3)] if under
          else []),
        Space(1.0),
        Paragraph(i.authority, "bold", "center", look.title_pt, 0.0),
        Paragraph("CHỨNG NHẬN", "bold", "center", look.title_pt, 0.0, 0.8),
        Space(0.5),
        Paragraph(s.name, "bold", "center", look.title_pt + 4, 0.0, 0.5),
        Paragraph(where[0].upper() + where[1:], "italic", "center", look.title_pt, 0.0),
        Space(0.8),
        Paragraph(f"Đạt tiêu chuẩn chất lượng giáo dục cấp độ {level}", "bold", "center",
                  look.title_pt + 1, 0.0, 0.5),
        Paragraph("Giấy chứng nhận có giá trị trong thời hạn 05 năm", "italic", "center",
                  look.title_pt, 0.0, 0.5),
        Space(2.0),
        H.closing(rng, look, i, ()),
    ]


def national_standard(doc: Draft, school: str | None, extra: int) -> tuple[str, str, list[Block]]:
    """The provincial People's Committee's decision recognizing a school as up to standard.

    Args:
        doc: The record's draft (issuer: a People's Committee).
        school: Fixed full school name, or None to draw one.
        extra: Number of neutral filler paragraphs.

    Returns:
        (normalized number, subject, blocks).
    """
    rng, i = doc.rng, doc.issuer
    s = _school(rng, i.province, school)
    regulation, _ = V.SCHOOL_LEVELS[s.level]
    printed, number = draw_number(doc, i.decision_codes)
    where = f"{s.district_label}, {s.province.label}"
    about = doc.pick("about", (
        f"Về việc công nhận {s.name}, {s.district_label} đạt chuẩn Quốc gia mức độ 1",
        "Về việc công nhận trường đạt chuẩn quốc gia",
        f"Về việc công nhận {s.name} đạt chuẩn quốc gia",
        f"Về việc công nhận trường {s.level_label} đạt chuẩn quốc gia mức độ 1",
    ))
    start = doc.date.year
    art1 = doc.pick("article1", (
        f"Công nhận {s.name}, {where} đạt chuẩn Quốc gia mức độ 1.",
        f"Công nhận trường đạt chuẩn quốc gia đối với: {s.name}, {s.district_label}.",
        f"{s.name} ({s.district_label}) được công nhận là trường {s.level_label} đạt chuẩn"
        f" quốc gia giai đoạn {start} - {start + 5}.",
    ))
    art2 = doc.pick("article2", (
        "Danh hiệu trường đạt chuẩn quốc gia có giá trị trong thời hạn 05 năm; hết thời hạn,"
        " nhà trường đề nghị kiểm tra công nhận lại theo quy định.",
        "Thời hạn công nhận là 05 năm kể từ ngày ký Quyết định này.",
        f"{s.name} có trách nhiệm duy trì, phát huy các tiêu chuẩn đã đạt; thời hạn công nhận"
        " là 05 năm.",
    ))
    tt = vn_date(before(rng, doc.date, 10, 40))
    code = rng.choice(("SGDĐT", "SGD&ĐT", "GDĐT"))
    district_head = f"Chủ tịch Ủy ban nhân dân {s.district_label}"
    blocks: list[Block] = [
        *first_page(doc, printed),
        *decision_title(doc, printed, about),
        *legal_bases(doc, [
            f"Căn cứ {regulation};",
            f"Xét đề nghị của Giám đốc Sở Giáo dục và Đào tạo tại Tờ trình số"
            f" {rng.randint(10, 300)}/TTr-{code} ngày {tt},",
        ]),
        decides(doc),
        article(doc, 1, art1),
        article(doc, 2, art2),
        *doc.fillers(extra),
        article(doc, 3, executors(doc, f"{district_head}, Hiệu trưởng {s.name}")),
        Space(0.6),
        H.closing(rng, doc.look, i, recipients(doc, "- Như Điều 3;")),
    ]
    return number, s.name, blocks
