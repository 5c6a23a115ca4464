"""The web app's words in Vietnamese (default) and English.

The language comes from ``?lang=vi|en`` (remembered in a cookie) and
defaults to Vietnamese. Procedure labels come from :mod:`pipeline.domain`.
"""

from __future__ import annotations

import re

from pipeline.domain import PROCEDURE_LABELS, ProcedureType
from web.reasons import reason_vi

__all__ = ["LANGS", "TEXTS", "STATUS", "FIELDS", "ROLE_NAMES", "ACTION_LABELS", "translate", "type_label", "reason_label",
           "action_label", "audit_detail"]

LANGS = ("vi", "en")

STATUS: dict[str, dict[str, str]] = {
    "vi": {"valid": "còn hiệu lực", "expired": "hết hiệu lực", "revoked": "đã thu hồi", "unknown": "chưa rõ"},
    "en": {"valid": "valid", "expired": "expired", "revoked": "revoked", "unknown": "unknown"},
}

FIELDS: dict[str, dict[str, str]] = {
    "vi": {"type": "Loại thủ tục", "number": "Số, ký hiệu", "issue_date": "Ngày ban hành", "issuer": "Cơ quan ban hành",
           "subject": "Người / đơn vị được cấp", "title": "Tên văn bản", "revoked_on": "Ngày thu hồi",
           "needs_review": "Cần rà soát", "valid_until": "Hiệu lực đến"},
    "en": {"type": "Procedure type", "number": "Number", "issue_date": "Issue date", "issuer": "Issuer",
           "subject": "Person / school", "title": "Document title", "revoked_on": "Revoked on",
           "needs_review": "Needs review", "valid_until": "Valid until"},
}

ROLE_NAMES: dict[str, dict[str, str]] = {
    "vi": {"clerk": "cán bộ tra cứu", "archivist": "lưu trữ viên", "admin": "quản trị"},
    "en": {"clerk": "clerk", "archivist": "archivist", "admin": "administrator"},
}

TEXTS: dict[str, dict[str, str]] = {
    "vi": {
        "app": "Tra cứu hồ sơ số hóa",
        "search": "Tra cứu", "dashboard": "Tổng quan", "review": "Rà soát", "users": "Tài khoản",
        "access_log": "Nhật ký truy cập", "logout": "Đăng xuất", "login": "Đăng nhập",
        "username": "Tên đăng nhập", "password": "Mật khẩu", "login_failed": "Sai tên đăng nhập hoặc mật khẩu.",
        "login_blocked": "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau 15 phút.",
        "corr_not_correctable": "Trường {field} không sửa được.", "corr_bad_type": "Loại thủ tục không hợp lệ: {value}.",
        "corr_bad_review_flag": "Giá trị đánh dấu rà soát không hợp lệ.",
        "corr_bad_date": "Không phải ngày (dd/mm/yyyy): {value}.", "corr_date_range": "Ngày ngoài khoảng 1945–2100: {value}.",
        "corr_too_long": "Giá trị quá dài ({length} ký tự).", "corr_no_record": "Không có hồ sơ {key}.",
        "corr_digits_only": "Chỉ gõ chữ số: {value}.", "corr_no_day": "Không có ngày {day} trong tháng {month}.",
        "corr_not_handwritten": "Trường này không đọc từ chữ viết tay.",
        "corr_stale": "Giá trị vừa được người khác sửa thành {value}.", "not_saved": "Chưa lưu:",
        "status_on": "Tình trạng tại ngày {on}", "record_key": "Mã hồ sơ", "download": "Tải danh sách:",
        "back_to_results": "« Kết quả tra cứu", "report_download": "Tải báo cáo:",
        "review_reasons": "Cần rà soát vì", "type_confidence": "Độ tin cậy của loại thủ tục",
        "run_running": "đang chạy", "run_completed": "hoàn tất",
        "subject_col": "Người / đơn vị", "details": "Chi tiết", "hash": "Mã băm", "all_actions": "Mọi thao tác",
        "since": "Từ ngày", "until": "Đến ngày", "record_or_person": "Hồ sơ hoặc họ tên", "export_csv": "Tải CSV",
        "audit_lines": "{n} dòng", "audit_help": "Giờ theo múi giờ {zone}. Mỗi dòng gắn mã băm với dòng trước: "
        "sửa hay xóa một dòng sẽ bị phát hiện (sohoa audit verify).",
        "done": "Đã thực hiện.", "locked": "Đăng nhập đang bị khóa",
        "locked_help": "Do đăng nhập sai nhiều lần trong 15 phút gần đây. Mở khóa khi đã biết lý do.",
        "unlock": "Mở khóa đăng nhập",
        "auth_bad_name": "Tên đăng nhập: 1–64 ký tự, không có dấu cách.",
        "auth_bad_role": "Vai trò phải là cán bộ tra cứu, lưu trữ viên hoặc quản trị.",
        "auth_short_password": "Mật khẩu phải có ít nhất 8 ký tự.",
        "auth_weak_password": "Mật khẩu quá dễ đoán. Hãy dùng mật khẩu dài hơn, ví dụ ghép vài từ.",
        "auth_name_taken": "Tên đăng nhập {name} đã có.",
        "auth_no_user": "Không có tài khoản {name}.",
        "auth_last_admin": "{name} là quản trị viên cuối cùng đang hoạt động: hãy tạo quản trị viên khác trước.",
        "auth_own_account": "Bạn không thể khóa tài khoản của chính mình.",
        "query_ph": "Họ tên, số văn bản, tên trường… (gõ không dấu cũng được)",
        "all_types": "Mọi loại thủ tục", "year": "Năm", "issuer": "Cơ quan ban hành", "status": "Tình trạng",
        "any_status": "Mọi tình trạng", "on_date": "tại ngày", "find": "Tìm",
        "results": "kết quả", "more_than": "hơn", "no_results": "Không tìm thấy hồ sơ nào.",
        "also_in_text": "Tìm cả trong nội dung văn bản",
        "also_in_text_title": "Thêm các hồ sơ chỉ nhắc đến các chữ này trong nội dung (người ký, danh sách "
                              "học sinh, hiệu trưởng…), xếp sau các hồ sơ trên",
        "near_match": "gần đúng",
        "near_match_title": "Hồ sơ không có đúng các chữ đã gõ mà có cách viết gần nhất "
                            "(có thể do đọc sai chữ trên bản quét)",
        "facets": "Phân loại kết quả",
        "facets_partial": "tính trên {n} kết quả đầu", "by_type": "Theo loại", "by_year": "Theo năm",
        "by_status": "Theo tình trạng", "prev": "Trang trước", "next": "Trang sau", "page": "Trang",
        "record": "Hồ sơ", "fields": "Thông tin trích xuất", "confidence": "Độ tin cậy",
        "validity": "Hiệu lực", "reasons": "Lý do cần rà soát", "trace": "Dấu vết phân loại (kỹ thuật)", "provenance": "Nguồn gốc",
        "as_read": "đọc được trên trang",
        "batch": "Lô / hộp", "location": "Vị trí lưu trữ", "file": "Tệp gốc", "pages": "Trang",
        "sha256": "Mã băm SHA-256", "run": "Lần xử lý", "processed_at": "Thời điểm xử lý",
        "restored": "Ảnh đã phục hồi", "original": "Bản quét gốc", "zoom": "Phóng to",
        "open_full": "Mở ảnh cỡ thật", "pdf": "Tải PDF tìm kiếm được", "no_image": "Không có ảnh trang này.",
        "history": "Lịch sử chỉnh sửa", "when": "Thời điểm", "who": "Người sửa", "field": "Trường",
        "old": "Giá trị cũ", "new": "Giá trị mới", "correct": "Sửa thông tin", "save": "Lưu",
        "mark_reviewed": "Đánh dấu đã rà soát", "saved": "Đã lưu {n} thay đổi.", "nothing_changed": "Không có gì thay đổi.",
        "queue": "Hồ sơ cần rà soát", "queue_empty": "Không còn hồ sơ nào cần rà soát.",
        "open_review": "Rà soát", "read_here": "Chỗ đọc được trên trang", "not_found_on_page": "Không tìm thấy trên trang",
        "text": "Văn bản nhận dạng (OCR)", "date_hint": "ngày dạng dd/mm/yyyy",
        "progress": "Tiến độ số hóa", "boxes": "Hộp / lô", "pages_done": "Trang đã nhận dạng",
        "records": "Hồ sơ đã số hóa", "needing_review": "Cần rà soát", "as_of": "Tính đến ngày",
        "valid_by_type": "Kết quả còn hiệu lực theo loại thủ tục", "valid_by_year": "Kết quả còn hiệu lực theo năm ban hành",
        "valid_by_type_year": "Còn hiệu lực theo loại và năm", "total": "Tổng", "files": "Tệp",
        "quarantined": "cách ly", "role": "Vai trò", "active": "Đang hoạt động", "disabled": "Đã khóa",
        "add_user": "Thêm tài khoản", "disable": "Khóa", "enable": "Mở khóa", "reset_password": "Đặt lại mật khẩu",
        "action": "Thao tác", "ip": "Địa chỉ", "forbidden": "Bạn không có quyền thực hiện thao tác này.",
        "not_found": "Không tìm thấy.", "bad_request": "Yêu cầu không hợp lệ.",
        "csrf": "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
        "signed_in_as": "Đăng nhập:", "yes": "có", "no": "không", "unknown_year": "không rõ năm",
        "language": "English",
        "hand_queue": "Rà soát nhanh số, ngày viết tay",
        "hand_link": "Rà soát nhanh {n} số, ngày viết tay (chỉ dùng bàn phím)",
        "hand_left": "còn lại", "hand_number": "Số (phần trước dấu /)", "hand_day": "Ngày",
        "hand_confirm": "Đúng, lưu (Enter)", "hand_skip": "Bỏ qua",
        "hand_keys": "Enter: đúng như máy đọc. Gõ số đúng rồi Enter: sửa. Tab rồi Enter: bỏ qua.",
        "hand_read": "Máy đọc chữ viết tay", "hand_crop": "Chỗ viết tay trên trang",
        "hand_no_crop": "Không cắt được ảnh chỗ viết tay.",
        "hand_done": "Không còn số, ngày viết tay nào cần rà soát.",
        "hand_done_skipped": "Đã xem hết; các mục đã bỏ qua vẫn còn chờ.",
        "hand_restart": "Xem lại các mục đã bỏ qua",
        "hand_bad_number": "“{typed}” không phải là số: chỉ gõ chữ số (tối đa 7).",
        "hand_bad_day": "“{typed}” không phải là ngày của tháng {month}: gõ một số từ 1 đến 31.",
        "hand_stale": "Giá trị này vừa được người khác sửa; hãy xem lại.",
    },
    "en": {
        "app": "Digitized records lookup",
        "search": "Search", "dashboard": "Dashboard", "review": "Review", "users": "Accounts",
        "access_log": "Access log", "logout": "Log out", "login": "Log in",
        "username": "User name", "password": "Password", "login_failed": "Wrong user name or password.",
        "login_blocked": "Too many failed logins. Please try again in 15 minutes.",
        "corr_not_correctable": "The field {field} cannot be corrected.",
        "corr_bad_type": "Not a procedure type: {value}.", "corr_bad_review_flag": "Not a review flag.",
        "corr_bad_date": "Not a date (dd/mm/yyyy): {value}.", "corr_date_range": "Date outside 1945–2100: {value}.",
        "corr_too_long": "Too long ({length} characters).", "corr_no_record": "No record {key}.",
        "corr_digits_only": "Digits only: {value}.", "corr_no_day": "No day {day} in {month}.",
        "corr_not_handwritten": "This field was not read from handwriting.",
        "corr_stale": "Someone else has just changed the value to {value}.", "not_saved": "Not saved:",
        "status_on": "Status on {on}", "record_key": "Record key", "download": "Download the list:",
        "back_to_results": "« Search results", "report_download": "Download the report:",
        "review_reasons": "Needs review because", "type_confidence": "Procedure type confidence",
        "run_running": "running", "run_completed": "completed",
        "subject_col": "Person / school", "details": "Details", "hash": "Hash", "all_actions": "All actions",
        "since": "From", "until": "To", "record_or_person": "Record or name", "export_csv": "Download CSV",
        "audit_lines": "{n} lines", "audit_help": "Times in {zone}. Each line is chained by hash to the one before: "
        "a line changed or deleted is detected (sohoa audit verify).",
        "done": "Done.", "locked": "Logins locked now",
        "locked_help": "Too many failed logins in the last 15 minutes. Unlock once you know why.",
        "unlock": "Unlock logins",
        "auth_bad_name": "User name: 1–64 characters, no spaces.",
        "auth_bad_role": "The role must be clerk, archivist or administrator.",
        "auth_short_password": "The password needs at least 8 characters.",
        "auth_weak_password": "The password is too easy to guess. Use a longer one, e.g. several words.",
        "auth_name_taken": "The user name {name} is taken.",
        "auth_no_user": "There is no account {name}.",
        "auth_last_admin": "{name} is the last active administrator: make another administrator first.",
        "auth_own_account": "You cannot disable your own account.",
        "query_ph": "Name, document number, school… (diacritics optional)",
        "all_types": "All procedure types", "year": "Year", "issuer": "Issuer", "status": "Status",
        "any_status": "Any status", "on_date": "on", "find": "Search",
        "results": "results", "more_than": "more than", "no_results": "No record found.",
        "also_in_text": "Also search the documents' text",
        "also_in_text_title": "Add the records that hold these words only in their text (a signer, a list of "
                              "pupils, a principal…), after the records above",
        "near_match": "near match",
        "near_match_title": "The record does not hold the words as typed but the nearest spelling of them "
                            "(perhaps a misread on the scan)",
        "facets": "Breakdown",
        "facets_partial": "over the first {n} results", "by_type": "By type", "by_year": "By year",
        "by_status": "By status", "prev": "Previous", "next": "Next", "page": "Page",
        "record": "Record", "fields": "Extracted fields", "confidence": "Confidence",
        "validity": "Validity", "reasons": "Review reasons", "trace": "Classification trace (technical)", "provenance": "Provenance",
        "as_read": "as read on the page",
        "batch": "Batch / box", "location": "Archive location", "file": "Source file", "pages": "Pages",
        "sha256": "SHA-256", "run": "Run", "processed_at": "Processed at",
        "restored": "Restored image", "original": "Original scan", "zoom": "Zoom",
        "open_full": "Open full size", "pdf": "Download searchable PDF", "no_image": "No image for this page.",
        "history": "Correction history", "when": "When", "who": "Who", "field": "Field",
        "old": "Old value", "new": "New value", "correct": "Correct fields", "save": "Save",
        "mark_reviewed": "Mark as reviewed", "saved": "{n} change(s) saved.", "nothing_changed": "Nothing changed.",
        "queue": "Records needing review", "queue_empty": "No record needs review.",
        "open_review": "Review", "read_here": "Where it was read", "not_found_on_page": "Not found on the page",
        "text": "OCR text", "date_hint": "dates as dd/mm/yyyy",
        "progress": "Digitization progress", "boxes": "Boxes / batches", "pages_done": "Pages read",
        "records": "Records digitized", "needing_review": "Needing review", "as_of": "As of",
        "valid_by_type": "Still-valid results by procedure type", "valid_by_year": "Still-valid results by year of issue",
        "valid_by_type_year": "Still valid by type and year", "total": "Total", "files": "Files",
        "quarantined": "quarantined", "role": "Role", "active": "Active", "disabled": "Disabled",
        "add_user": "Add account", "disable": "Disable", "enable": "Enable", "reset_password": "Reset password",
        "action": "Action", "ip": "Address", "forbidden": "You are not allowed to do this.",
        "not_found": "Not found.", "bad_request": "Bad request.",
        "csrf": "Your session expired or the form is not valid. Please reload the page.",
        "signed_in_as": "Signed in:", "yes": "yes", "no": "no", "unknown_year": "year unknown",
        "language": "Tiếng Việt",
        "hand_queue": "Quick review: handwritten numbers and days",
        "hand_link": "Quick review of {n} handwritten numbers and days (keyboard only)",
        "hand_left": "left", "hand_number": "Number (the part before /)", "hand_day": "Day",
        "hand_confirm": "Right, save (Enter)", "hand_skip": "Skip",
        "hand_keys": "Enter: the reading is right. Type the right digits, then Enter: correct. Tab, then Enter: skip.",
        "hand_read": "Handwriting reader", "hand_crop": "Where it is written on the page",
        "hand_no_crop": "The handwritten spot could not be cut out.",
        "hand_done": "No handwritten number or day is left to review.",
        "hand_done_skipped": "That was the last one; the ones you skipped are still waiting.",
        "hand_restart": "Go back to the skipped ones",
        "hand_bad_number": "“{typed}” is not a number: digits only (at most 7).",
        "hand_bad_day": "“{typed}” is not a day of month {month}: type a number from 1 to 31.",
        "hand_stale": "Someone else just changed this value; please check it again.",
    },
}


def translate(lang: str, key: str, **values: object) -> str:
    """The text for ``key`` in ``lang`` (Vietnamese when missing), formatted."""
    text = TEXTS.get(lang, TEXTS["vi"]).get(key) or TEXTS["vi"].get(key, key)
    return text.format(**values) if values else text


def type_label(lang: str, code: str) -> str:
    """A procedure type's label, or the code itself when unknown."""
    try:
        return PROCEDURE_LABELS.get(lang, PROCEDURE_LABELS["vi"])[ProcedureType(code)]
    except ValueError:
        return code


def reason_label(lang: str, reason: str) -> str:
    """A review reason (``review:`` prefix removed) in the page's language: in Vietnamese the pipeline's
    English translated (:mod:`web.reasons`), a reason of no known template as written."""
    text = reason.removeprefix("review:").strip()
    if lang != "vi":
        return text
    return reason_vi(text) or text


#: What an audit line says was done (:data:`web.audit.ACTIONS`).
ACTION_LABELS: dict[str, dict[str, str]] = {
    "vi": {"search": "Tra cứu", "search_export": "Tải danh sách kết quả tra cứu", "view": "Xem hồ sơ",
           "page": "Xem ảnh trang", "crop": "Xem ảnh một trường",
           "pdf": "Tải PDF", "review": "Mở rà soát", "review-hand": "Mở rà soát chữ viết tay",
           "correct": "Sửa thông tin", "hand": "Xác nhận chữ viết tay", "login": "Đăng nhập",
           "login_failed": "Đăng nhập sai", "login_blocked": "Đăng nhập bị chặn", "logout": "Đăng xuất",
           "user": "Quản lý tài khoản", "audit_view": "Xem nhật ký truy cập", "audit_export": "Xuất nhật ký truy cập",
           "prune": "Xóa dòng nhật ký quá hạn lưu"},
    "en": {"search": "Search", "search_export": "Search results downloaded", "view": "Record opened",
           "page": "Page image", "crop": "Field image",
           "pdf": "PDF downloaded", "review": "Review opened", "review-hand": "Handwriting review opened",
           "correct": "Correction", "hand": "Handwriting confirmed", "login": "Login", "login_failed": "Failed login",
           "login_blocked": "Login refused (locked)", "logout": "Logout", "user": "Account change",
           "audit_view": "Access log viewed", "audit_export": "Access log exported",
           "prune": "Lines past retention removed"},
}

#: The parts of an audit line's detail, by key.
_DETAIL_LABELS: dict[str, dict[str, str]] = {
    "vi": {"q": "từ khóa", "type": "loại", "year": "năm", "issuer": "cơ quan", "status": "tình trạng",
           "on": "tại ngày", "page": "trang", "hits": "số kết quả", "image": "ảnh", "field": "trường",
           "fields": "trường đã sửa", "changed": "trường đã sửa", "reviewed": "đánh dấu đã rà soát",
           "do": "thao tác", "name": "tài khoản", "address": "địa chỉ", "role": "vai trò", "old": "ghi chú cũ",
           "user_filter": "lọc người dùng", "record": "lọc hồ sơ", "action_filter": "lọc thao tác",
           "since": "từ ngày", "until": "đến ngày", "lines": "số dòng", "before": "trước",
           "through": "đến dòng", "hash": "mã băm", "format": "định dạng"},
    "en": {"q": "words", "type": "type", "year": "year", "issuer": "issuer", "status": "status", "on": "on",
           "page": "page", "hits": "hits", "image": "image", "field": "field", "fields": "fields changed",
           "changed": "fields changed", "reviewed": "marked reviewed", "do": "action", "name": "account",
           "address": "address", "role": "role", "old": "old note", "user_filter": "user filter",
           "record": "record filter", "action_filter": "action filter", "since": "from", "until": "to",
           "lines": "lines", "before": "before", "through": "through line", "hash": "hash", "format": "format"},
}

_IMAGE_NAMES = {"vi": {"restored": "đã phục hồi", "original": "bản quét gốc"},
                "en": {"restored": "restored", "original": "original scan"}}
_USER_ACTIONS = {"vi": {"add": "thêm", "role": "đổi vai trò", "password": "đặt lại mật khẩu", "disable": "khóa",
                        "enable": "mở khóa", "unlock": "mở khóa đăng nhập"},
                 "en": {"add": "add", "role": "role change", "password": "password reset", "disable": "disable",
                        "enable": "enable", "unlock": "login unlock"}}


def action_label(lang: str, action: str) -> str:
    """An audit action in the page's language (the code itself when unknown)."""
    return ACTION_LABELS.get(lang, ACTION_LABELS["vi"]).get(action, action)


def audit_detail(lang: str, detail: dict[str, object]) -> str:
    """An audit line's detail as a reader takes it: ``từ khóa: nguyen van an · số kết quả: 3``."""
    labels = _DETAIL_LABELS.get(lang, _DETAIL_LABELS["vi"])
    fields = FIELDS.get(lang, FIELDS["vi"])
    parts = []
    for key, value in detail.items():
        text = str(value)
        if key == "type":
            text = type_label(lang, text)
        elif key == "status":
            text = STATUS.get(lang, STATUS["vi"]).get(text, text)
        elif key in ("on", "since", "until") and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            text = f"{text[8:10]}/{text[5:7]}/{text[:4]}"
        elif key == "image":
            text = _IMAGE_NAMES.get(lang, _IMAGE_NAMES["vi"]).get(text, text)
        elif key in ("field", "fields", "changed"):
            text = ", ".join(fields.get(f, f) for f in text.split(","))
        elif key == "role":
            text = ROLE_NAMES.get(lang, ROLE_NAMES["vi"]).get(text, text)
        elif key == "do":
            text = _USER_ACTIONS.get(lang, _USER_ACTIONS["vi"]).get(text, text)
        elif key == "action_filter":
            text = action_label(lang, text)
        elif key == "reviewed":
            text = "✓"
        elif key == "hash":
            text = text[:12] + "…"
        parts.append(f"{labels.get(key, key)}: {text}")
    return " · ".join(parts)
