"""The shared draft of a varied record: its look, issuer, date, layout and wording choices.

:class:`Draft` carries what one record is being built from and records,
for every part of the text that offices phrase differently, which phrasing
was picked. The helpers here build the parts every decision shares (number,
first-page header, title, legal bases, articles, closing list).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from samples import headers as H
from samples.blocks import Block, Paragraph
from samples.look import Look
from samples.places import Issuer

__all__ = [
    "Draft", "vn_date", "before", "draw_number", "first_page", "decision_title", "legal_bases",
    "proposal", "decides", "article", "executors", "recipients",
]

_FILLERS: tuple[str, ...] = (
    "Hồ sơ đề nghị đã được Bộ phận tiếp nhận và trả kết quả của {body} tiếp nhận đầy đủ,"
    " đúng quy định và chuyển đến bộ phận chuyên môn để thẩm định.",
    "Qua kiểm tra, các thông tin kê khai trong hồ sơ phù hợp với sổ gốc và các văn bản có"
    " liên quan đang được lưu trữ tại {short}.",
    "Việc giải quyết thủ tục hành chính được thực hiện theo đúng trình tự, thời hạn quy"
    " định tại Bộ thủ tục hành chính đã được công bố.",
    "Tổ chức, cá nhân có liên quan có trách nhiệm sử dụng kết quả giải quyết thủ tục hành"
    " chính đúng mục đích, không được tẩy xóa, sửa chữa nội dung.",
    "Trường hợp phát hiện sai sót, tổ chức, cá nhân phản ánh kịp thời về {body} để được"
    " xem xét, giải quyết theo quy định của pháp luật.",
    "Bộ phận chuyên môn có trách nhiệm lưu trữ hồ sơ, cập nhật thông tin vào sổ theo dõi"
    " và báo cáo kết quả thực hiện theo định kỳ.",
    "Kết quả giải quyết thủ tục hành chính được công khai tại trụ sở và trên trang thông"
    " tin điện tử của {short} theo quy định.",
)


@dataclass
class Draft:
    """What one varied record is being built from, and the wording picked so far."""

    rng: random.Random
    look: Look
    issuer: Issuer
    date: dt.date
    layout: str
    wording: dict[str, int] = field(default_factory=dict)

    def pick(self, part: str, options: tuple[str, ...] | list[str]) -> str:
        """Pick one phrasing of a part and record its index."""
        i = self.rng.randrange(len(options))
        self.wording[part] = i
        return options[i]

    def para(self, text: str, style: str = "regular", indent: float | None = None,
             before: float = 0.25) -> Paragraph:
        """Running text in the look's body size."""
        return Paragraph(text, style, "justify", self.look.body_pt,  # type: ignore[arg-type]
                         2.0 if indent is None else indent, before)

    def fillers(self, n: int) -> list[Paragraph]:
        """Neutral paragraphs that lengthen the body without changing its meaning."""
        picks = self.rng.sample(_FILLERS, k=min(n, len(_FILLERS)))
        return [self.para(s.format(body=self.issuer.body, short=self.issuer.short)) for s in picks]

    def wording_key(self) -> str:
        """The record's ``wording``: ``part:index`` pairs sorted by part."""
        return ",".join(f"{k}:{v}" for k, v in sorted(self.wording.items()))


def vn_date(d: dt.date) -> str:
    """A date as written in running text: ``05/07/2010``."""
    return f"{d.day:02d}/{d.month:02d}/{d.year}"


def before(rng: random.Random, d: dt.date, lo: int, hi: int) -> dt.date:
    """A day ``lo`` to ``hi`` days before ``d`` (a request, an evaluation)."""
    return dt.date.fromordinal(d.toordinal() - rng.randint(lo, hi))


def draw_number(doc: Draft, symbols: tuple[str, ...]) -> tuple[str, str]:
    """A "Số" line and normalized number with one of the issuer's symbols."""
    hi = 1999 if doc.issuer.kind == "ubnd" else 899 if doc.issuer.kind == "sgd" else 299
    return H.number_line(doc.rng, doc.rng.randint(3, hi), doc.rng.choice(symbols))


def first_page(doc: Draft, printed: str, vv: tuple[str, ...] = ()) -> list[Block]:
    """The first page's header in the draft's layout, with its place-date line."""
    place_date = H.date_line(doc.rng, doc.issuer.place, doc.date)
    return H.header(doc.rng, doc.look, doc.issuer, doc.layout, printed, place_date, vv)


def decision_title(doc: Draft, printed: str, about: str) -> list[Block]:
    """"QUYẾT ĐỊNH", the number under it in that layout, "Về việc …" and the authority."""
    under = printed if doc.layout == "number_under_title" else None
    return H.title(doc.look, ("QUYẾT ĐỊNH",), about, under, doc.issuer.authority)


def legal_bases(doc: Draft, extra: list[str]) -> list[Paragraph]:
    """The italic "Căn cứ …" lines: the body's own basis (one of three), then ``extra``."""
    i, rng = doc.issuer, doc.rng
    if i.kind == "ubnd":
        own = doc.pick("basis", (
            "Căn cứ Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân ngày 26/11/2003;",
            "Căn cứ Luật Tổ chức HĐND và UBND ngày 26 tháng 11 năm 2003;",
            "Căn cứ Luật Tổ chức Hội đồng nhân dân và Ủy ban nhân dân năm 2003;",
        ))
    else:
        parent = (f"Ủy ban nhân dân {i.province.label}" if i.kind == "sgd"
                  else f"Ủy ban nhân dân {i.district[1]} {i.district[0]}")  # type: ignore[index]
        year = rng.randint(2005, min(2009, doc.date.year))
        qd = f"{rng.randint(100, 2500)}/{rng.choice(('QĐ-UBND', f'{year}/QĐ-UBND'))}"
        when = vn_date(dt.date(year, rng.randint(1, 12), rng.randint(1, 28)))
        own = doc.pick("basis", (
            f"Căn cứ Quyết định số {qd} ngày {when} của {parent} quy định chức năng, nhiệm vụ,"
            f" quyền hạn và cơ cấu tổ chức của {i.body};",
            "Căn cứ Thông tư liên tịch số 35/2008/TTLT-BGDĐT-BNV ngày 14/7/2008 của Bộ Giáo"
            " dục và Đào tạo, Bộ Nội vụ hướng dẫn chức năng, nhiệm vụ, quyền hạn và cơ cấu tổ"
            " chức của Sở Giáo dục và Đào tạo, Phòng Giáo dục và Đào tạo;",
            f"Căn cứ Quyết định số {qd} ngày {when} của {parent} về việc ban hành Quy chế tổ"
            f" chức và hoạt động của {i.body};",
        ))
    return [Paragraph(t, "italic", "justify", doc.look.body_pt) for t in [own, *extra]]


def proposal(doc: Draft) -> str:
    """The "Xét đề nghị của …" line, worded for the issuer."""
    if doc.issuer.kind == "pgd":
        options: tuple[str, ...] = ("Xét đề nghị của bộ phận chuyên môn,",
                                    "Xét đề nghị của Tổ Trung học cơ sở,",
                                    "Theo đề nghị của cán bộ phụ trách văn bằng, chứng chỉ,")
    else:
        options = ("Xét đề nghị của Trưởng phòng Khảo thí và Kiểm định chất lượng giáo dục,",
                   "Xét đề nghị của Chánh Văn phòng Sở,",
                   "Theo đề nghị của Trưởng phòng Khảo thí và Quản lý chất lượng giáo dục,")
    return doc.pick("proposal", options)


def decides(doc: Draft) -> Paragraph:
    """The centred "QUYẾT ĐỊNH:" before the articles."""
    return Paragraph(doc.pick("decides", ("QUYẾT ĐỊNH:", "QUYẾT ĐỊNH", "QUYẾT ĐỊNH :")),
                     "bold", "center", doc.look.title_pt, 0.0, 0.6, keep_with_next=True)


def article(doc: Draft, n: int, text: str) -> Paragraph:
    """An article: ``Điều n. text``."""
    return Paragraph(f"Điều {n}. {text}", "regular", "justify", doc.look.body_pt, 2.0, 0.35)


def executors(doc: Draft, who: str) -> str:
    """The last article: who carries the decision out (one of three phrasings)."""
    i = doc.issuer
    if i.kind == "pgd":
        office = "Bộ phận chuyên môn, Văn phòng Phòng Giáo dục và Đào tạo"
    elif i.kind == "ubnd":
        office = (f"Chánh Văn phòng Ủy ban nhân dân {i.province.kind}, Giám đốc Sở Giáo dục và"
                  " Đào tạo")
    else:
        office = "Chánh Văn phòng, Trưởng phòng Khảo thí và Kiểm định chất lượng giáo dục"
    return doc.pick("executors", (
        f"{office} và {who} chịu trách nhiệm thi hành Quyết định này./.",
        f"{office}, {who} căn cứ Quyết định thi hành./.",
        f"Quyết định có hiệu lực kể từ ngày ký. {office} và {who} chịu trách nhiệm thi hành"
        " Quyết định này./.",
    ))


def recipients(doc: Draft, first: str) -> tuple[str, ...]:
    """The "Nơi nhận" lines: ``first``, sometimes the superior body, the archive."""
    store = doc.pick("recipients", ("- Lưu: VT, KTKĐ.", "- Lưu: VT.", "- Lưu VT, CM."))
    extra = {"sgd": "- Bộ GD&ĐT (để b/c);", "pgd": "- Sở GD&ĐT (để b/c);",
             "ubnd": "- CT, các PCT UBND;"}[doc.issuer.kind]
    return (first, extra, store) if doc.rng.random() < 0.6 else (first, store)
