"""Vocabulary of the synthetic records: names, places, schools, legal bases.

Plain data only. Wording follows real documents of the Hải Phòng Department
of Education (see the seed report in ``shared/seed``) and the circulars in
force in 2008–2013.
"""

from __future__ import annotations

__all__ = [
    "FAMILY_NAMES",
    "MIDDLE_MALE",
    "MIDDLE_FEMALE",
    "GIVEN_MALE",
    "GIVEN_FEMALE",
    "DISTRICTS",
    "SCHOOL_NAMES",
    "SCHOOL_LEVELS",
    "DIPLOMA_KINDS",
    "BIRTH_PLACES",
    "REQUESTERS",
    "FOREIGN_DIPLOMAS",
    "SIGNERS_SGD",
    "SIGNERS_UBND",
    "FILLER_SENTENCES",
]

FAMILY_NAMES: tuple[str, ...] = (
    "Nguyễn", "Nguyễn", "Nguyễn", "Trần", "Trần", "Lê", "Lê", "Phạm", "Phạm",
    "Hoàng", "Vũ", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Đinh", "Đoàn", "Lương",
    "Phan", "Trịnh", "Mạc", "Hà", "Tô", "Lưu", "Cao", "Đào", "Nhữ",
)
MIDDLE_MALE: tuple[str, ...] = (
    "Văn", "Văn", "Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Xuân",
    "Mạnh", "Tiến", "Ngọc", "Đình", "Công", "Trọng",
)
MIDDLE_FEMALE: tuple[str, ...] = (
    "Thị", "Thị", "Thị", "Thu", "Thanh", "Ngọc", "Minh", "Phương", "Hồng",
    "Kim", "Thùy", "Diệu",
)
GIVEN_MALE: tuple[str, ...] = (
    "An", "Bình", "Cường", "Dũng", "Đạt", "Hải", "Hùng", "Hưng", "Khánh",
    "Long", "Nam", "Phong", "Quân", "Sơn", "Thắng", "Tuấn", "Việt", "Vinh",
    "Đông", "Hiếu", "Toàn", "Trung",
)
GIVEN_FEMALE: tuple[str, ...] = (
    "Anh", "Chi", "Dung", "Giang", "Hà", "Hằng", "Hạnh", "Hoa", "Hương",
    "Lan", "Linh", "Mai", "Ngân", "Nhung", "Phương", "Quỳnh", "Thảo", "Trang",
    "Yến", "Huyền", "Đào",
)

#: District of Hải Phòng -> its kind as printed ("quận" or "huyện").
DISTRICTS: dict[str, str] = {
    "Lê Chân": "quận", "Ngô Quyền": "quận", "Hồng Bàng": "quận",
    "Kiến An": "quận", "Hải An": "quận", "Đồ Sơn": "quận",
    "Thủy Nguyên": "huyện", "An Dương": "huyện", "An Lão": "huyện",
    "Kiến Thụy": "huyện", "Tiên Lãng": "huyện", "Vĩnh Bảo": "huyện",
    "Cát Hải": "huyện",
}

#: Proper names of schools, per district (people and wards of the district).
SCHOOL_NAMES: dict[str, tuple[str, ...]] = {
    "Lê Chân": ("Lê Lợi", "Trần Phú", "Dư Hàng Kênh", "Niệm Nghĩa", "Vĩnh Niệm", "Đông Hải"),
    "Ngô Quyền": ("Lạch Tray", "Đông Khê", "Đằng Giang", "Chu Văn An", "Lê Lai", "Cầu Đất"),
    "Hồng Bàng": ("Hồng Bàng", "Quán Toan", "Sở Dầu", "Hùng Vương", "Minh Khai"),
    "Kiến An": ("Đồng Hòa", "Bắc Sơn", "Trần Thành Ngọ", "Phù Liễn", "Ngọc Sơn"),
    "Hải An": ("Đằng Lâm", "Đằng Hải", "Cát Bi", "Tràng Cát", "Nam Hải", "Thành Tô"),
    "Đồ Sơn": ("Ngọc Xuyên", "Vạn Sơn", "Bàng La", "Hợp Đức", "Đồ Sơn"),
    "Thủy Nguyên": ("Núi Đèo", "Lý Thường Kiệt", "Lưu Kiếm", "Minh Đức", "Thủy Sơn"),
    "An Dương": ("An Đồng", "Lê Thiện", "Hồng Phong", "Tân Tiến", "Nam Sơn"),
    "An Lão": ("Trường Sơn", "An Tiến", "Quốc Tuấn", "Mỹ Đức", "Thái Sơn"),
    "Kiến Thụy": ("Đại Đồng", "Thụy Hương", "Ngũ Đoan", "Tân Phong", "Nguyễn Đức Cảnh"),
    "Tiên Lãng": ("Tiên Thanh", "Đoàn Lập", "Quang Phục", "Nhữ Văn Lan", "Tiên Cường"),
    "Vĩnh Bảo": ("Nguyễn Bỉnh Khiêm", "Tam Cường", "Cộng Hiền", "Hùng Tiến", "Dũng Tiến"),
    "Cát Hải": ("Cát Bà", "Hoàng Châu", "Văn Phong", "Đồng Bài"),
}

#: School level prefix -> (national-standard regulation, level label).
SCHOOL_LEVELS: dict[str, tuple[str, str]] = {
    "Trường Mầm non": (
        "Quyết định số 36/2008/QĐ-BGDĐT ngày 16/7/2008 của Bộ trưởng Bộ Giáo dục"
        " và Đào tạo ban hành Quy chế công nhận trường mầm non đạt chuẩn quốc gia",
        "mầm non",
    ),
    "Trường Tiểu học": (
        "Quyết định số 32/2005/QĐ-BGDĐT ngày 24/10/2005 của Bộ trưởng Bộ Giáo dục"
        " và Đào tạo ban hành Quy chế công nhận trường tiểu học đạt chuẩn quốc gia",
        "tiểu học",
    ),
    "Trường THCS": (
        "Quyết định số 07/2007/QĐ-BGDĐT ngày 02/4/2007 của Bộ trưởng Bộ Giáo dục"
        " và Đào tạo ban hành Điều lệ trường trung học cơ sở, trường trung học"
        " phổ thông và trường phổ thông có nhiều cấp học",
        "trung học cơ sở",
    ),
    "Trường THPT": (
        "Quyết định số 07/2007/QĐ-BGDĐT ngày 02/4/2007 của Bộ trưởng Bộ Giáo dục"
        " và Đào tạo ban hành Điều lệ trường trung học cơ sở, trường trung học"
        " phổ thông và trường phổ thông có nhiều cấp học",
        "trung học phổ thông",
    ),
}

#: Diploma kind -> (short register code, typical age at graduation).
DIPLOMA_KINDS: dict[str, tuple[str, int]] = {
    "Bằng tốt nghiệp Trung học phổ thông": ("THPT", 18),
    "Bằng tốt nghiệp Trung học cơ sở": ("THCS", 15),
    "Bằng tốt nghiệp Bổ túc trung học phổ thông": ("BTTHPT", 20),
    "Chứng chỉ Tin học trình độ A": ("CCTH", 20),
    "Chứng chỉ Tiếng Anh trình độ B": ("CCNN", 21),
}

BIRTH_PLACES: tuple[str, ...] = (
    "Hải Phòng", "Hải Phòng", "Hải Phòng", "Hải Dương", "Thái Bình",
    "Quảng Ninh", "Nam Định", "Hà Nội", "Hưng Yên",
)

#: Agencies that ask the Department to verify a diploma, with their number code.
REQUESTERS: tuple[tuple[str, str], ...] = (
    ("Công an thành phố Hải Phòng", "CV-PC13"),
    ("Ban Tổ chức Thành ủy Hải Phòng", "CV-BTCTU"),
    ("Sở Nội vụ thành phố Hải Phòng", "SNV-CCVC"),
    ("Trường Đại học Hàng hải Việt Nam", "ĐHHH-ĐT"),
    ("Trường Đại học Hải Phòng", "ĐHHP-ĐT"),
    ("Bộ Chỉ huy Quân sự thành phố Hải Phòng", "BCH-TM"),
    ("Công ty TNHH Đóng tàu Phà Rừng", "CV-TCHC"),
    ("Ủy ban nhân dân huyện Thủy Nguyên", "UBND-NV"),
    ("Cục Hải quan thành phố Hải Phòng", "HQHP-TCCB"),
)

#: (foreign diploma as printed, issuing institution and country, Vietnamese equivalent).
FOREIGN_DIPLOMAS: tuple[tuple[str, str, str], ...] = (
    ("Bằng tốt nghiệp trung học (High School Diploma)",
     "Trường Trung học Lincoln, bang Nebraska, Hoa Kỳ",
     "Bằng tốt nghiệp Trung học phổ thông"),
    ("Chứng chỉ Giáo dục Trung học Quốc tế (IGCSE)",
     "Hội đồng Khảo thí Quốc tế Đại học Cambridge, Vương quốc Anh",
     "Bằng tốt nghiệp Trung học cơ sở"),
    ("Bằng tốt nghiệp trung học (NCEA Level 3)",
     "Trường Trung học Mount Albert Grammar, Auckland, New Zealand",
     "Bằng tốt nghiệp Trung học phổ thông"),
    ("Bằng tốt nghiệp trung học phổ thông",
     "Trường Trung học số 1 Nam Ninh, Quảng Tây, Trung Quốc",
     "Bằng tốt nghiệp Trung học phổ thông"),
    ("Bằng tốt nghiệp trung học (Аттестат о среднем образовании)",
     "Trường Phổ thông số 57, thành phố Mát-xcơ-va, Liên bang Nga",
     "Bằng tốt nghiệp Trung học phổ thông"),
    ("Chứng chỉ tốt nghiệp trung học (Victorian Certificate of Education)",
     "Trường Trung học Box Hill, bang Victoria, Australia",
     "Bằng tốt nghiệp Trung học phổ thông"),
)

SIGNERS_SGD: tuple[tuple[str, str], ...] = (
    ("GIÁM ĐỐC", "Phạm Văn Thuần"),
    ("PHÓ GIÁM ĐỐC", "Nguyễn Văn Tuấn"),
    ("PHÓ GIÁM ĐỐC", "Vũ Thị Lan Anh"),
    ("PHÓ GIÁM ĐỐC", "Đỗ Mạnh Hùng"),
)
SIGNERS_UBND: tuple[tuple[str, str], ...] = (
    ("CHỦ TỊCH", "Dương Anh Điền"),
    ("PHÓ CHỦ TỊCH", "Đan Đức Hiệp"),
    ("PHÓ CHỦ TỊCH", "Nguyễn Thị Hoài Thu"),
)

#: Neutral sentences that lengthen a body without changing its meaning.
FILLER_SENTENCES: tuple[str, ...] = (
    "Hồ sơ đề nghị đã được Bộ phận tiếp nhận và trả kết quả theo cơ chế một"
    " cửa của Sở Giáo dục và Đào tạo tiếp nhận đầy đủ, đúng quy định và được"
    " chuyển đến phòng chuyên môn để thẩm định.",
    "Qua kiểm tra, đối chiếu với hồ sơ lưu trữ, các thông tin kê khai trong hồ"
    " sơ phù hợp với sổ gốc và các văn bản có liên quan đang được lưu giữ tại"
    " cơ quan.",
    "Việc giải quyết thủ tục hành chính được thực hiện theo đúng trình tự, thời"
    " hạn quy định tại Bộ thủ tục hành chính thuộc thẩm quyền giải quyết của Sở"
    " Giáo dục và Đào tạo đã được Ủy ban nhân dân thành phố công bố.",
    "Đơn vị, cá nhân có liên quan có trách nhiệm bảo quản, sử dụng kết quả giải"
    " quyết thủ tục hành chính đúng mục đích, không được tẩy xóa, sửa chữa nội"
    " dung.",
    "Trường hợp phát hiện sai sót, tổ chức, cá nhân phản ánh kịp thời về Sở Giáo"
    " dục và Đào tạo qua Bộ phận một cửa để được xem xét, giải quyết theo quy"
    " định của pháp luật.",
    "Phòng Khảo thí và Kiểm định chất lượng giáo dục có trách nhiệm lưu trữ hồ"
    " sơ, cập nhật thông tin vào sổ theo dõi và báo cáo kết quả thực hiện theo"
    " định kỳ hằng quý.",
    "Các thông tin về kết quả giải quyết thủ tục hành chính được công khai trên"
    " Cổng thông tin điện tử của Sở Giáo dục và Đào tạo theo quy định.",
)
