"""Review reasons in Vietnamese, for the pages the clerks read.

The pipeline writes a record's review reasons in English, after a
``review:`` prefix ("review: number 45/SGDĐT-KTKĐ read with low confidence
(handwritten or stained?)"). They come from a fixed set of templates:

- :mod:`pipeline.records` (``_review_reasons``, ``_doubted``): the type, a
  missing field, a value built from doubtful words, a page badly read;
- the field readers' notes, passed through as ``review: {note}``:
  :mod:`pipeline.extract` (the number, the subject), :mod:`pipeline.issuers`
  (the issuer), :mod:`pipeline.place_dates` (the date) and
  :mod:`pipeline.handwritten` (a number or day read from handwriting).

Each template is written here as the pipeline's f-string is, its values as
``{name}``, beside its Vietnamese with the same ``{name}`` fields: the values
read (numbers, quoted OCR text, names, dates) are carried over verbatim and
only the words around them are translated. ``tests/test_reasons_vi.py``
fails when the pipeline gains a template this table does not match.
"""

from __future__ import annotations

import re

__all__ = ["REASONS_VI", "reason_vi"]

#: A value's place in a template: ``{number}``.
_FIELD_RE = re.compile(r"\{(\w+)\}")


def _template(english: str, vietnamese: str) -> tuple[re.Pattern[str], str]:
    """The regex matching one English template (each ``{name}`` any non-empty value) and the Vietnamese
    as a :meth:`re.Match.expand` template (each ``{name}`` the value matched)."""
    parts = _FIELD_RE.split(english)  # literal, name, literal, name, …, literal
    pattern = "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts))
    return re.compile(pattern), _FIELD_RE.sub(r"\\g<\1>", vietnamese)


#: Every reason the pipeline writes after ``review: `` (English template → Vietnamese), the more
#: specific of two that could both match first. The six of the first version of the pages come first,
#: their words unchanged.
REASONS_VI: tuple[tuple[re.Pattern[str], str], ...] = tuple(_template(en, vi) for en, vi in (
    # pipeline/records.py: _review_reasons
    ("unknown procedure type", "chưa xác định được loại thủ tục"),
    ("low classification confidence {confidence}", "độ tin cậy phân loại thấp ({confidence})"),
    ("no document number found", "không tìm thấy số văn bản"),
    ("no issue date found", "không tìm thấy ngày ban hành"),
    ("page {page} could not be read", "không đọc được trang {page}"),
    ("page {page} OCR confidence {confidence}", "trang {page}: độ tin cậy nhận dạng chỉ {confidence}%"),
    ("no issue date found (read: {period})", "không tìm thấy ngày ban hành (chỉ đọc được: {period})"),
    ("subject: no person or school found", "không tìm thấy người/đơn vị được cấp (người hoặc trường)"),
    ("subject {subject}: a school's name of one word (cut short?)",
     "đơn vị được cấp {subject}: tên trường chỉ có một chữ (bị cắt mất?)"),
    ("page {page} reading quality {quality}", "trang {page}: chất lượng đọc thấp ({quality})"),
    # pipeline/records.py: _doubted
    ("number {number} read with low confidence (handwritten or stained?)",
     "số văn bản {number} đọc được với độ tin cậy thấp (viết tay hoặc bị ố?)"),
    ("date {date} read with low confidence", "ngày ban hành {date} đọc được với độ tin cậy thấp"),
    ("issuer {issuer} read with low confidence ({words})",
     "cơ quan ban hành {issuer} đọc được với độ tin cậy thấp ({words})"),
    ("subject {subject} read with low confidence or a word that is no word ({words})",
     "người/đơn vị được cấp {subject} đọc được với độ tin cậy thấp hoặc có chữ không thành từ ({words})"),
    # pipeline/handwritten.py: _why, _date
    ("number {number} read from handwriting ({digits}, confidence {confidence}: {each}); "
     "Tesseract read '{read}'",
     "số văn bản {number} đọc từ chữ viết tay ({digits}, độ tin cậy {confidence}: {each}); "
     "Tesseract đọc được '{read}'"),
    ("date {date} read from handwriting ({digits}, confidence {confidence}: {each}); Tesseract read '{read}'; "
     "the month {month} handwritten too (confidence {month_confidence})",
     "ngày ban hành {date} đọc từ chữ viết tay ({digits}, độ tin cậy {confidence}: {each}); "
     "Tesseract đọc được '{read}'; tháng {month} cũng viết tay (độ tin cậy {month_confidence})"),
    ("date {date} read from handwriting ({digits}, confidence {confidence}: {each}); Tesseract read '{read}'",
     "ngày ban hành {date} đọc từ chữ viết tay ({digits}, độ tin cậy {confidence}: {each}); "
     "Tesseract đọc được '{read}'"),
    # pipeline/subject.py: parse_person_detail
    ("subject: the name '{name}' does not begin with a family name the profile knows",
     "người được cấp: tên '{name}' không bắt đầu bằng một họ có trong cấu hình"),
    ("subject: the name '{name}' is also read '{longer}' (a word lost?)",
     "người được cấp: tên '{name}' ở chỗ khác đọc được là '{longer}' (mất một chữ?)"),
    ("subject: the name '{name}' has a letter alone ({letters}), a word damaged?",
     "người được cấp: tên '{name}' có chữ cái đứng riêng ({letters}), một chữ bị hỏng?"),
    ("subject: the name '{name}' was read only before a damaged word (its last word lost?)",
     "người được cấp: tên '{name}' chỉ đọc được phần trước một chữ bị hỏng (mất chữ cuối?)"),
    # pipeline/subject.py: parse_school_detail
    ("subject '{read}' kept as printed; the profile has '{profile}'",
     "đơn vị được cấp '{read}' giữ nguyên như bản in; cấu hình ghi '{profile}'"),
    ("subject read '{read}', the profile's school '{profile}' put in its place",
     "đơn vị được cấp đọc được là '{read}', đã thay bằng tên trường trong cấu hình '{profile}'"),
    # pipeline/number_repair.py: _odd_numeric, _other_type, _other_body, _type_twice
    ("number {number}: '{numeric}' is no number and year (misread?)",
     "số văn bản {number}: '{numeric}' không phải dạng số và năm (đọc sai?)"),
    ("number {number}: its type code {code} is not the title's ({title_code})",
     "số văn bản {number}: mã loại văn bản {code} không khớp với tên loại ở tiêu đề ({title_code})"),
    ("number {number}: its body code {codes} is not the issuer's ({issuer_code})",
     "số văn bản {number}: mã cơ quan {codes} không phải của cơ quan ban hành ({issuer_code})"),
    ("number {number}: '{code}' after the type code {type_code} is no body's code (cut short?)",
     "số văn bản {number}: '{code}' sau mã loại văn bản {type_code} không phải mã cơ quan nào (bị cắt mất?)"),
    # pipeline/number_repair.py: parse_number_detail, _number_reading
    ("number {number} read inside a line, not on a header's 'Số:' line",
     "số văn bản {number} đọc được trong nội dung, không phải trên dòng 'Số:' ở phần đầu văn bản"),
    ("number unreadable on the header line '{line}'",
     "không đọc được số văn bản trên dòng '{line}' ở phần đầu văn bản"),
    ("number unreadable: only the certificate's number {certificate} was read, not the decision's",
     "không đọc được số văn bản: chỉ đọc được số giấy chứng nhận {certificate}, không phải số của quyết định"),
    ("number {number} proposed from the issuer's symbols (read '{read}')",
     "số văn bản {number} được đề xuất theo ký hiệu của cơ quan ban hành (đọc được '{read}')"),
    ("number {number}: its symbol was read '{symbol}'", "số văn bản {number}: ký hiệu đọc được là '{symbol}'"),
    ("number {number}: its symbol is cut short", "số văn bản {number}: ký hiệu bị cắt mất một phần"),
    ("number suffix {codes} not a known code", "ký hiệu văn bản có mã không xác định: {codes}"),
    ("number symbol of {number} may be cut short (the issuer uses {longer})",
     "ký hiệu của số {number} có thể bị cắt mất một phần (cơ quan ban hành dùng {longer})"),
    ("number symbol of {number} is the start or end of the issuer's",
     "ký hiệu của số {number} chỉ là phần đầu hoặc phần cuối ký hiệu của cơ quan ban hành"),
    # pipeline/number_repair.py: other_body_note
    ("issuer {issuer}: the number {number} is another body's (a header line lost?)",
     "cơ quan ban hành {issuer}: số {number} là của cơ quan khác (mất một dòng ở phần đầu văn bản?)"),
    # pipeline/issuers.py: read_issuer, enacting_issuer
    ("issuer {issuer} inferred from the authority or signature line (no header read)",
     "cơ quan ban hành {issuer} suy ra từ dòng thẩm quyền hoặc phần ký (không đọc được phần đầu văn bản)"),
    ("issuer: no header lines read", "cơ quan ban hành: không đọc được dòng nào ở phần đầu văn bản"),
    ("issuer read '{read}', the profile's issuer '{profile}' put in its place",
     "cơ quan ban hành đọc được là '{read}', đã thay bằng '{profile}' theo cấu hình"),
    ("issuer: the lines read at the header's place, '{read}', are no header's",
     "cơ quan ban hành: các dòng đọc được ở vị trí phần đầu, '{read}', không phải phần đầu văn bản"),
    ("issuer line read '{read}', the profile's line '{profile}' put in its place",
     "dòng cơ quan ban hành đọc được là '{read}', đã thay bằng dòng '{profile}' theo cấu hình"),
    ("issuer line '{read}' kept as printed; the profile has '{profile}'",
     "dòng cơ quan ban hành '{read}' giữ nguyên như bản in; cấu hình ghi '{profile}'"),
    ("issuer line '{read}' is not clearly read (no header line the profile knows)",
     "dòng cơ quan ban hành '{read}' đọc không rõ (không khớp dòng nào trong cấu hình)"),
    ("issuer line '{read}' holds marks no header line prints ({marks})",
     "dòng cơ quan ban hành '{read}' có ký tự mà phần đầu văn bản không in ({marks})"),
    ("issuer line '{read}' ends in a unit without its name (a word lost?)",
     "dòng cơ quan ban hành '{read}' có cấp hành chính mà thiếu tên địa danh (mất một chữ?)"),
    ("issuer line '{read}' names a place without its committee ('UBND' lost?)",
     "dòng cơ quan ban hành '{read}' ghi địa danh mà thiếu 'UBND' (mất một chữ?)"),
    ("issuer line '{read}' may have lost a word: the body is also printed '{longer}'",
     "dòng cơ quan ban hành '{read}' có thể bị mất một chữ: tên cơ quan này còn được in là '{longer}'"),
    ("issuer '{issuer}' names no place (a header line lost?)",
     "cơ quan ban hành '{issuer}' không ghi địa danh (mất một dòng ở phần đầu văn bản?)"),
    ("issuer '{issuer}' names no province (its parent line lost?)",
     "cơ quan ban hành '{issuer}' không ghi tên tỉnh (mất dòng cơ quan cấp trên?)"),
    ("issuer '{issuer}' names no district (its parent line lost?)",
     "cơ quan ban hành '{issuer}' không ghi tên huyện (mất dòng cơ quan cấp trên?)"),
    ("issuer {issuer} read from the enacting line '{line}' (no header read)",
     "cơ quan ban hành {issuer} đọc từ dòng thẩm quyền ban hành '{line}' (không đọc được phần đầu văn bản)"),
    # pipeline/place_dates.py: _date_candidates, parse_date_reading
    ("date {date} has a digit read as 'B': '{read}'", "ngày ban hành {date} có chữ số bị đọc thành 'B': '{read}'"),
    ("date repaired from '{read}'", "ngày ban hành đã được sửa từ bản đọc '{read}'"),
    ("date unreadable: '{read}'", "không đọc được ngày ban hành: '{read}'"),
    ("date {date} is earlier than {cited}, cited in the text",
     "ngày ban hành {date} sớm hơn ngày {cited} được dẫn trong văn bản"),
))


def reason_vi(text: str) -> str | None:
    """A review reason (its ``review:`` prefix removed) in Vietnamese, or ``None`` when no template matches.

    >>> reason_vi("page 2 could not be read")
    'không đọc được trang 2'
    """
    for pattern, vietnamese in REASONS_VI:
        m = pattern.fullmatch(text)
        if m is not None:
            return m.expand(vietnamese)
    return None
