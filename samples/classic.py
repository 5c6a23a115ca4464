"""Records of the classic style: the single Hải Phòng look, one builder per procedure type.

Every builder is a function of a ``random.Random`` (and optional fixed
fields), so the same seed always gives the same record; they draw from it
exactly as the first generator did, so the committed demo set stays the
same. The result is a :class:`~samples.record.RecordContent`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pipeline.domain import ProcedureType

from samples import vocab as V
from samples.blocks import Block, Columns, Line, PageBreak, Paragraph, Signature, Space
from samples.record import Person, RecordContent, misspell, random_date

__all__ = [
    "School",
    "make_classic_record",
    "random_person",
    "random_school",
]

SGD_ISSUER = ("UBND THÀNH PHỐ HẢI PHÒNG", "SỞ GIÁO DỤC VÀ ĐÀO TẠO")
UBND_ISSUER = ("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HẢI PHÒNG")
HEADER_PT = 12.5
SMALL_PT = 11.0


@dataclass(frozen=True)
class School:
    """A school of Hải Phòng: full name and its district."""

    name: str
    level: str
    district: str

    @property
    def district_label(self) -> str:
        """District as printed, e.g. ``quận Lê Chân``."""
        return f"{V.DISTRICTS[self.district]} {self.district}"


def random_person(rng: random.Random, name: str | None = None, year: int = 2010) -> Person:
    """A Vietnamese citizen with a plausible name, birth date and place.

    Args:
        rng: Random source.
        name: Fixed full name (its middle name decides the gender).
        year: Year of the document; the person is 16–40 years old then.
    """
    male = rng.random() < 0.5
    if name is None:
        middle = rng.choice(V.MIDDLE_MALE if male else V.MIDDLE_FEMALE)
        given = rng.choice(V.GIVEN_MALE if male else V.GIVEN_FEMALE)
        name = f"{rng.choice(V.FAMILY_NAMES)} {middle} {given}"
    else:
        male = " Thị " not in f" {name} "
    birth = dt.date(year - rng.randint(16, 40), rng.randint(1, 12), rng.randint(1, 28))
    return Person(name, male, birth, rng.choice(V.BIRTH_PLACES))


def random_school(
    rng: random.Random, level: str | None = None, district: str | None = None
) -> School:
    """A school of Hải Phòng named after a person or a place of its district."""
    district = district or rng.choice(sorted(V.SCHOOL_NAMES))
    level = level or rng.choice(sorted(V.SCHOOL_LEVELS))
    return School(f"{level} {rng.choice(V.SCHOOL_NAMES[district])}", level, district)


def _named_school(rng: random.Random, name: str) -> School:
    """A school with a fixed full name; its district is looked up when known."""
    level = next((k for k in V.SCHOOL_LEVELS if name.startswith(k)), "Trường THCS")
    proper = name[len(level):].strip()
    known = [d for d, names in sorted(V.SCHOOL_NAMES.items()) if proper in names]
    district = known[0] if known else rng.choice(sorted(V.DISTRICTS))
    return School(name, level, district)


def _vn_date(d: dt.date) -> str:
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def _number(rng: random.Random, suffix_choices: tuple[str, ...]) -> tuple[str, str]:
    """Printed "Số" line and the normalized number, in the varied real styles."""
    n = rng.randint(3, 1999) if "UBND" in suffix_choices[0] else rng.randint(3, 899)
    suffix = rng.choice(suffix_choices)
    number = f"{n}/{suffix}"
    style = rng.random()
    if style < 0.6:
        printed = f"Số: {number}"
    elif style < 0.8:
        printed = f"Số:{number}"
    else:
        printed = f"Số {n} /{suffix}"
    return printed, number


def _date_line(rng: random.Random, d: dt.date) -> str:
    if rng.random() < 0.6:
        day, month = f"{d.day:02d}", str(d.month)
    else:
        day, month = str(d.day), f"{d.month:02d}"
    return f"Hải Phòng, ngày {day} tháng {month} năm {d.year}"


def _header(
    rng: random.Random,
    issuer: tuple[str, str],
    number_line: str,
    d: dt.date,
    extra_left: tuple[Line, ...] = (),
) -> Columns:
    hoa = "HOÀ" if d.year <= 2010 and rng.random() < 0.6 else "HÒA"
    first_style = "bold" if issuer == UBND_ISSUER else "regular"
    left = (
        Line(issuer[0], first_style, HEADER_PT),
        Line(issuer[1], "bold", HEADER_PT, rule=True),
        Line(number_line, "regular", HEADER_PT),
        *extra_left,
    )
    right = (
        Line(f"CỘNG {hoa} XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold", HEADER_PT),
        Line("Độc lập - Tự do - Hạnh phúc", "bold", 13.0, underline=True),
        Line(""),
        Line(_date_line(rng, d), "italic", 13.0),
    )
    return Columns(left, right)


def _closing(
    rng: random.Random, recipients: tuple[str, ...], ubnd: bool, seed: int
) -> Columns:
    if ubnd:
        role, name = rng.choice(V.SIGNERS_UBND)
        head = ("TM. ỦY BAN NHÂN DÂN",) + (
            ("CHỦ TỊCH",) if role == "CHỦ TỊCH" else ("KT. CHỦ TỊCH", role)
        )
    else:
        role, name = rng.choice(V.SIGNERS_SGD)
        head = ("GIÁM ĐỐC",) if role == "GIÁM ĐỐC" else ("KT. GIÁM ĐỐC", role)
    right = tuple(Line(t, "bold", 13.0) for t in head)
    right += (Line(""), Line(""), Line(""), Line(name, "bold", 13.0))
    left: tuple[Line, ...] = ()
    if recipients:
        left = (Line("Nơi nhận:", "bold_italic", 12.0),) + tuple(
            Line(r, "regular", SMALL_PT) for r in recipients
        )
    return Columns(left, right, left_align="left",
                   signature=Signature(after_line=len(head) - 1, seed=seed))


def _person_lines(p: Person, diploma: str, year: int, serial: str, book: str) -> list[Paragraph]:
    return [
        Paragraph(f"Họ và tên: {p.name}", indent_em=3.0, space_before_em=0.1),
        Paragraph(f"Ngày sinh: {_vn_date(p.birth)}; Nơi sinh: {p.birth_place}",
                  indent_em=3.0, space_before_em=0.1),
        Paragraph(f"Văn bằng: {diploma} năm {year}", indent_em=3.0, space_before_em=0.1),
        Paragraph(f"Số hiệu: {serial}; Số vào sổ cấp bằng: {book}",
                  indent_em=3.0, space_before_em=0.1),
    ]


def _diploma(rng: random.Random, p: Person) -> tuple[str, int, str, str]:
    kind = rng.choice(sorted(V.DIPLOMA_KINDS))
    code, age = V.DIPLOMA_KINDS[kind]
    year = min(p.birth.year + age, 2012)
    letter = rng.choice("ABC")
    serial = f"{letter} {rng.randint(0, 9999999):07d}"
    book = f"{rng.randint(10, 9999)}/{code}"
    return kind, year, serial, book


def _fillers(rng: random.Random, n: int) -> list[Paragraph]:
    picks = rng.sample(V.FILLER_SENTENCES, k=min(n, len(V.FILLER_SENTENCES)))
    return [Paragraph(s) for s in picks]


def _decision_title(about: str, authority: str) -> list[Block]:
    return [
        Space(1.0),
        Paragraph("QUYẾT ĐỊNH", "bold", "center", 14.0, 0.0, 0.5),
        Paragraph(about, "bold", "center", 14.0, 0.0, 0.0),
        Space(0.6),
        Paragraph(authority, "bold", "center", 13.5, 0.0, 0.3),
        Space(0.4),
    ]


def _decides() -> Paragraph:
    return Paragraph("QUYẾT ĐỊNH:", "bold", "center", 14.0, 0.0, 0.6, keep_with_next=True)


def _bases(texts: list[str]) -> list[Paragraph]:
    return [Paragraph(t, "italic") for t in texts]


def _article(n: int, text: str) -> Paragraph:
    return Paragraph(f"Điều {n}. {text}", space_before_em=0.35)


def _sgd_basis() -> str:
    return ("Căn cứ Quyết định số 1218/2008/QĐ-UBND ngày 07/7/2008 của Ủy ban nhân dân"
            " thành phố quy định chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ chức của Sở"
            " Giáo dục và Đào tạo Hải Phòng;")


def _vanbang_basis(d: dt.date) -> str:
    if d.year >= 2012:
        return ("Căn cứ Quy chế quản lý bằng tốt nghiệp trung học cơ sở, bằng tốt nghiệp"
                " trung học phổ thông, văn bằng giáo dục đại học và chứng chỉ của hệ thống"
                " giáo dục quốc dân ban hành kèm theo Thông tư số 22/2012/TT-BGDĐT ngày"
                " 20/6/2012 của Bộ trưởng Bộ Giáo dục và Đào tạo;")
    return ("Căn cứ Quy chế văn bằng, chứng chỉ của hệ thống giáo dục quốc dân ban hành"
            " kèm theo Quyết định số 33/2007/QĐ-BGDĐT ngày 20/6/2007 của Bộ trưởng Bộ"
            " Giáo dục và Đào tạo;")


def _xac_minh(rng: random.Random, d: dt.date, name: str | None, extra: int) -> RecordContent:
    p = random_person(rng, name, d.year)
    kind, year, serial, book = _diploma(rng, p)
    agency, code = rng.choice(V.REQUESTERS)
    printed, number = _number(rng, ("SGDĐT-KTKĐ", "SGD&ĐT-KTKĐ", "SGDĐT-KT&KĐCLGD"))
    req_day = dt.date.fromordinal(d.toordinal() - rng.randint(3, 20))
    title = "ông" if p.male else "bà"
    blocks: list[Block] = [
        _header(rng, SGD_ISSUER, printed, d,
                (Line("V/v xác minh văn bằng", "regular", SMALL_PT + 1),)),
        Space(1.2),
        Paragraph(f"Kính gửi: {agency}", "regular", "center", 14.0, 0.0, 0.3),
        Space(0.6),
        Paragraph(f"Sở Giáo dục và Đào tạo Hải Phòng nhận được Công văn số"
                  f" {rng.randint(10, 999)}/{code} ngày {_vn_date(req_day)} của {agency}"
                  f" đề nghị xác minh văn bằng của {title} có tên sau:"),
        *_person_lines(p, kind, year, serial, book),
        *_fillers(rng, extra),
        Paragraph(f"Sau khi kiểm tra hồ sơ lưu trữ, Sở Giáo dục và Đào tạo Hải Phòng xác"
                  f" nhận: {title} {p.name} đã được Sở Giáo dục và Đào tạo Hải Phòng cấp"
                  f" {kind} năm {year}, số hiệu {serial}, số vào sổ {book}. Nội dung văn"
                  f" bằng phù hợp với hồ sơ gốc lưu tại Sở."),
        Paragraph(f"Sở Giáo dục và Đào tạo Hải Phòng trả lời để {agency} được biết./."),
        Space(0.6),
        _closing(rng, ("- Như trên;", "- Lưu: VT, KTKĐ."), False, rng.randint(0, 10**6)),
    ]
    return RecordContent(ProcedureType.XAC_MINH_VAN_BANG, number, d,
                         " / ".join(SGD_ISSUER), p.name, None, tuple(blocks))


def _kiem_dinh(rng: random.Random, d: dt.date, school: str | None, extra: int,
               certificate: bool) -> RecordContent:
    s = _named_school(rng, school) if school else random_school(rng)
    level = rng.randint(1, 3)
    printed, number = _number(rng, ("QĐ-SGDĐT", "QĐ-SGD&ĐT"))
    eval_day = dt.date.fromordinal(d.toordinal() - rng.randint(20, 60))
    blocks: list[Block] = [
        _header(rng, SGD_ISSUER, printed, d),
        *_decision_title("Về việc cấp Giấy chứng nhận kiểm định chất lượng giáo dục",
                         "GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG"),
        *_bases([
            _sgd_basis(),
            "Căn cứ Quyết định số 83/2008/QĐ-BGDĐT ngày 31/12/2008 của Bộ trưởng Bộ Giáo"
            " dục và Đào tạo ban hành Quy định về quy trình và chu kỳ kiểm định chất lượng"
            " giáo dục cơ sở giáo dục phổ thông;",
            f"Căn cứ kết quả đánh giá ngoài của Đoàn đánh giá ngoài ngày {_vn_date(eval_day)};",
            "Xét đề nghị của Trưởng phòng Khảo thí và Kiểm định chất lượng giáo dục,",
        ]),
        _decides(),
        _article(1, f"Cấp Giấy chứng nhận kiểm định chất lượng giáo dục cho {s.name},"
                    f" {s.district_label}, thành phố Hải Phòng, đạt cấp độ {level}."),
        _article(2, "Giấy chứng nhận có giá trị trong thời hạn 05 năm kể từ ngày ký."
                    f" {s.name} có trách nhiệm duy trì và cải tiến chất lượng giáo dục"
                    " theo kế hoạch đã đề ra trong báo cáo tự đánh giá."),
        *_fillers(rng, extra),
        _article(3, "Chánh Văn phòng, Trưởng phòng Khảo thí và Kiểm định chất lượng giáo"
                    f" dục, Hiệu trưởng {s.name} chịu trách nhiệm thi hành Quyết định này./."),
        Space(0.6),
        _closing(rng, ("- Như Điều 3;", "- Bộ GD&ĐT (để b/c);", "- Lưu: VT, KTKĐ."),
                 False, rng.randint(0, 10**6)),
    ]
    if certificate:
        blocks += _certificate(rng, s, level, d)
    return RecordContent(ProcedureType.KIEM_DINH_CHAT_LUONG, number, d,
                         " / ".join(SGD_ISSUER), s.name, 5, tuple(blocks))


def _certificate(rng: random.Random, s: School, level: int, d: dt.date) -> list[Block]:
    cert_no = f"Số: {rng.randint(1, 300)}/GCN-SGDĐT"
    return [
        PageBreak(numbered=False),
        _header(rng, SGD_ISSUER, cert_no, d),
        Space(2.0),
        Paragraph("GIẤY CHỨNG NHẬN", "bold", "center", 20.0, 0.0, 0.5),
        Paragraph("KIỂM ĐỊNH CHẤT LƯỢNG GIÁO DỤC", "bold", "center", 16.0, 0.0, 0.3),
        Space(1.0),
        Paragraph("GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG", "bold", "center", 14.0, 0.0),
        Paragraph("CHỨNG NHẬN", "bold", "center", 14.0, 0.0, 0.8),
        Space(0.5),
        Paragraph(s.name, "bold", "center", 18.0, 0.0, 0.5),
        Paragraph(f"{s.district_label[0].upper()}{s.district_label[1:]}, thành phố Hải Phòng", "italic",
                  "center", 14.0, 0.0),
        Space(0.8),
        Paragraph(f"Đạt tiêu chuẩn chất lượng giáo dục cấp độ {level}", "bold", "center",
                  15.0, 0.0, 0.5),
        Paragraph("Giấy chứng nhận có giá trị trong thời hạn 05 năm", "italic", "center",
                  14.0, 0.0, 0.5),
        Space(2.0),
        _closing(rng, (), False, rng.randint(0, 10**6)),
    ]


def _chuan_quoc_gia(rng: random.Random, d: dt.date, school: str | None,
                    extra: int) -> RecordContent:
    s = _named_school(rng, school) if school else random_school(rng)
    regulation, _ = V.SCHOOL_LEVELS[s.level]
    printed, number = _number(rng, ("QĐ-UBND",))
    tt_day = dt.date.fromordinal(d.toordinal() - rng.randint(10, 40))
    blocks: list[Block] = [
        _header(rng, UBND_ISSUER, printed, d),
        *_decision_title(f"Về việc công nhận {s.name}, {s.district_label}"
                         " đạt chuẩn Quốc gia mức độ 1",
                         "CHỦ TỊCH ỦY BAN NHÂN DÂN THÀNH PHỐ HẢI PHÒNG"),
        *_bases([
            "Căn cứ Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân ngày 26/11/2003;",
            f"Căn cứ {regulation};",
            f"Xét đề nghị của Giám đốc Sở Giáo dục và Đào tạo tại Tờ trình số"
            f" {rng.randint(10, 300)}/TTr-SGDĐT ngày {_vn_date(tt_day)},",
        ]),
        _decides(),
        _article(1, f"Công nhận {s.name}, {s.district_label}, thành phố Hải Phòng đạt"
                    " chuẩn Quốc gia mức độ 1."),
        _article(2, "Quyết định có hiệu lực kể từ ngày ký. Danh hiệu trường đạt chuẩn"
                    " Quốc gia có giá trị trong thời hạn 05 năm; hết thời hạn, nhà trường"
                    " đề nghị kiểm tra công nhận lại theo quy định."),
        *_fillers(rng, extra),
        _article(3, "Chánh Văn phòng Ủy ban nhân dân thành phố, Giám đốc Sở Giáo dục và"
                    f" Đào tạo, Chủ tịch Ủy ban nhân dân {s.district_label}, Hiệu trưởng"
                    f" {s.name} căn cứ Quyết định thi hành./."),
        Space(0.6),
        _closing(rng, ("- Như Điều 3;", "- CT, các PCT UBND TP;", "- Lưu: VT."),
                 True, rng.randint(0, 10**6)),
    ]
    return RecordContent(ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA, number, d,
                         " / ".join(UBND_ISSUER), s.name, 5, tuple(blocks))


def _person_decision(rng: random.Random, d: dt.date, name: str | None, extra: int,
                     kind: ProcedureType) -> RecordContent:
    p = random_person(rng, name, d.year)
    diploma, year, serial, book = _diploma(rng, p)
    printed, number = _number(rng, ("QĐ-SGDĐT", "QĐ-SGD&ĐT"))
    req_day = dt.date.fromordinal(d.toordinal() - rng.randint(2, 15))
    title = "ông" if p.male else "bà"
    closing = _closing(rng, ("- Như Điều 3;", "- Lưu: VT, KTKĐ."), False, rng.randint(0, 10**6))
    subject = p.name
    if kind is ProcedureType.CAP_BAN_SAO_VAN_BANG:
        about = "Về việc cấp bản sao văn bằng từ sổ gốc"
        bases = [_sgd_basis(),
                 "Căn cứ Nghị định số 79/2007/NĐ-CP ngày 18/5/2007 của Chính phủ về cấp bản"
                 " sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký;",
                 _vanbang_basis(d),
                 f"Xét đơn đề nghị cấp bản sao văn bằng của {title} {p.name} ngày"
                 f" {_vn_date(req_day)},"]
        articles = [
            _article(1, f"Cấp bản sao {diploma} từ sổ gốc cho {title} có tên sau:"),
            *_person_lines(p, diploma, year, serial, book),
            _article(2, "Bản sao văn bằng cấp từ sổ gốc có giá trị sử dụng thay cho bản chính"
                        " trong các giao dịch, trừ trường hợp pháp luật có quy định khác."),
        ]
    elif kind is ProcedureType.CHINH_SUA_VAN_BANG:
        about = "Về việc chỉnh sửa nội dung văn bằng"
        bases = [_sgd_basis(), _vanbang_basis(d),
                 f"Xét đơn đề nghị chỉnh sửa văn bằng của {title} {p.name} ngày"
                 f" {_vn_date(req_day)} kèm theo bản sao giấy khai sinh hợp lệ,"]
        if rng.random() < 0.5:
            wrong = p.birth.replace(day=(p.birth.day % 28) + 1)
            field_txt = (f"Ngày sinh ghi trong văn bằng: {_vn_date(wrong)}; nay sửa lại là:"
                         f" {_vn_date(p.birth)}.")
        else:
            wrong = misspell(rng, p.name)
            field_txt = f"Họ và tên ghi trong văn bằng: {wrong}; nay sửa lại là: {p.name}."
        articles = [
            _article(1, f"Chỉnh sửa nội dung {diploma} năm {year}, số hiệu {serial}, số vào"
                        f" sổ {book} đã cấp cho {title} {p.name}, sinh ngày"
                        f" {_vn_date(p.birth)} tại {p.birth_place}, như sau:"),
            Paragraph(field_txt, indent_em=3.0),
            Paragraph("Lý do: ghi sai so với giấy khai sinh.", indent_em=3.0),
            _article(2, "Các nội dung khác của văn bằng giữ nguyên. Quyết định này được lưu"
                        " kèm hồ sơ cấp văn bằng và có giá trị kèm theo văn bằng đã cấp."),
        ]
    else:
        foreign, school, equiv = rng.choice(V.FOREIGN_DIPLOMAS)
        about = "Về việc công nhận văn bằng do cơ sở giáo dục nước ngoài cấp"
        grad = dt.date(min(p.birth.year + 18, d.year), rng.randint(5, 7), rng.randint(1, 28))
        bases = [_sgd_basis(),
                 "Căn cứ Quyết định số 77/2007/QĐ-BGDĐT ngày 20/12/2007 của Bộ trưởng Bộ"
                 " Giáo dục và Đào tạo ban hành Quy định về trình tự, thủ tục công nhận văn"
                 " bằng của người Việt Nam do cơ sở giáo dục nước ngoài cấp;",
                 f"Xét hồ sơ đề nghị công nhận văn bằng của {title} {p.name},"]
        articles = [
            _article(1, f"Công nhận {foreign} do {school} cấp ngày {_vn_date(grad)} cho"
                        f" {title} {p.name}, sinh ngày {_vn_date(p.birth)} tại"
                        f" {p.birth_place}, tương đương {equiv} của Việt Nam."),
            _article(2, "Văn bằng được công nhận có giá trị sử dụng tại Việt Nam theo quy"
                        " định của pháp luật."),
        ]
    blocks: list[Block] = [
        _header(rng, SGD_ISSUER, printed, d),
        *_decision_title(about, "GIÁM ĐỐC SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG"),
        *_bases(bases),
        _decides(),
        *articles,
        *_fillers(rng, extra),
        _article(3, "Chánh Văn phòng, Trưởng phòng Khảo thí và Kiểm định chất lượng giáo"
                    f" dục và {title} {p.name} chịu trách nhiệm thi hành Quyết định này./."),
        Space(0.6),
        closing,
    ]
    return RecordContent(kind, number, d, " / ".join(SGD_ISSUER), subject, None, tuple(blocks))


def make_classic_record(
    rng: random.Random,
    kind: ProcedureType,
    *,
    date: dt.date | None = None,
    person: str | None = None,
    school: str | None = None,
    long_body: int | None = None,
    certificate: bool | None = None,
) -> RecordContent:
    """Build one record of a procedure type in the classic style.

    Args:
        rng: Random source; the same state gives the same record.
        kind: Procedure type (not ``khac``).
        date: Signing date; random in 2008–2013 when None.
        person: Fixed full name for person-procedures.
        school: Fixed full school name ("Trường THCS Lê Lợi") for the school types.
        long_body: Number of extra neutral paragraphs (more pages); random when None.
        certificate: For accreditation, add the certificate page; random when None.

    Returns:
        The record's fields and layout blocks.
    """
    d = date or random_date(rng)
    extra = long_body if long_body is not None else rng.choice((0, 0, 0, 1, 2, 7))
    if kind is ProcedureType.XAC_MINH_VAN_BANG:
        return _xac_minh(rng, d, person, extra)
    if kind is ProcedureType.KIEM_DINH_CHAT_LUONG:
        cert = certificate if certificate is not None else rng.random() < 0.7
        return _kiem_dinh(rng, d, school, extra, cert)
    if kind is ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA:
        return _chuan_quoc_gia(rng, d, school, extra)
    if kind in (ProcedureType.CAP_BAN_SAO_VAN_BANG, ProcedureType.CHINH_SUA_VAN_BANG,
                ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI):
        return _person_decision(rng, d, person, extra, kind)
    raise ValueError(f"no generator for procedure type {kind!r}")
