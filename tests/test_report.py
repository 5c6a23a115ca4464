"""Reports: counts computed independently from the ledger rows, compared with every format's numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import sqlite3
import subprocess
from collections import Counter, defaultdict
from html.parser import HTMLParser
from html import unescape
from pathlib import Path

import pytest
from openpyxl import load_workbook

from reporting._charts import report_charts
from reporting._files import SHEET_NAMES
from reporting._tables import TEXTS, fmt_int
from reporting.plotting import shorten
from pipeline.domain import PROCEDURE_LABELS, ClassifiedRecord, ProcedureType, RecordFields
from ledger import Ledger
from reporting.model import quarterly_paragraph
from reporting.report import FORMATS, build_report, render

AS_OF = dt.date(2026, 6, 30)
XM, KD, CN = ProcedureType.XAC_MINH_VAN_BANG, ProcedureType.KIEM_DINH_CHAT_LUONG, ProcedureType.CONG_NHAN_CHUAN_QUOC_GIA
D = dt.date
# batch, type, issued, valid_until, revoked_on, needs_review, digitized on (local day)
RECORDS = [
    ("hop-01", XM, D(2009, 3, 1), None, None, False, D(2026, 4, 10)),
    ("hop-01", XM, D(2012, 5, 5), None, AS_OF, False, D(2026, 4, 10)),  # revoked on the report day
    ("hop-01", XM, D(2011, 1, 1), None, AS_OF + dt.timedelta(days=1), False, D(2026, 4, 10)),
    ("hop-01", KD, D(2010, 7, 5), D(2015, 7, 5), None, False, D(2026, 4, 10)),
    ("hop-01", KD, D(2021, 6, 30), AS_OF, None, False, D(2026, 4, 10)),  # valid through the report day
    ("hop-01", CN, D(2021, 6, 29), AS_OF - dt.timedelta(days=1), None, False, D(2026, 4, 11)),
    ("hop-01", CN, D(2022, 1, 10), D(2027, 1, 10), None, False, D(2026, 4, 11)),
    ("hop-01", CN, D(2013, 12, 31), D(2018, 12, 31), None, True, D(2026, 4, 11)),
    ("hop-02", KD, AS_OF + dt.timedelta(days=1), D(2031, 7, 1), None, False, D(2026, 5, 20)),  # issued later
    ("hop-02", ProcedureType.KHAC, D(2010, 2, 2), None, None, True, D(2026, 5, 20)),
    ("hop-02", XM, None, None, None, True, D(2026, 5, 20)),
    ("hop-02", ProcedureType.CAP_BAN_SAO_VAN_BANG, D(2005, 2, 2), None, None, False, D(2026, 5, 20)),
    ("hop-02", ProcedureType.CHINH_SUA_VAN_BANG, D(2016, 8, 8), None, None, False, D(2026, 5, 21)),
    ("hop-02", ProcedureType.CONG_NHAN_VAN_BANG_NUOC_NGOAI, D(2008, 1, 1), None, None, False, D(2026, 5, 21)),
    ("hop-02", XM, D(2008, 12, 31), None, None, False, D(2026, 5, 21)),
    ("hop-02", XM, D(2013, 6, 6), None, D(2020, 1, 1), False, D(2026, 5, 21)),
]


def _utc(day: dt.date, hour: int = 10) -> str:
    """A UTC timestamp whose local date is ``day`` on this machine."""
    local = dt.datetime.combine(day, dt.time(hour)).astimezone()
    return local.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


@pytest.fixture
def ledger_path(tmp_path: Path) -> Path:
    """A ledger with two batches, pages done and failed, a quarantined file and the records above."""
    path = tmp_path / "data" / "ledger.sqlite"
    with Ledger(path) as ledger:
        ids = {"hop-01": ledger.ensure_batch("hop-01", fonds="SGDĐT-HP", box="01"),
               "hop-02": ledger.ensure_batch("hop-02", fonds="SGDĐT-HP", box="02", file_code="HS-2010-05")}
        for name, n in (("hop-01", 8), ("hop-02", 8)):
            f, _ = ledger.register_file(name[-1] * 64, 100, f"/scans/{name}.pdf", ids[name])
            ledger.set_file(f.id, status="done", kind="pdf", page_count=n + 2)
            for p in range(1, n + 1):
                ledger.save_page(f.id, p, status="failed" if p == 3 else "done", settings="s", run_id=None)
            recs = [r for r in RECORDS if r[0] == name]
            ledger.replace_records(f.id, ids[name], [
                (ClassifiedRecord(pages=(i + 1,) if i % 2 else (i + 1, i + 2), type=t, confidence=0.9,
                                  reasons=("test",), fields=RecordFields(date=issued), valid_until=until,
                                  needs_review=review), "text")
                for i, (_, t, issued, until, _, review, _) in enumerate(recs)], run_id=None)
            with ledger.transaction() as c:
                # A verification whose day was handwritten and unreadable: only its month and year.
                c.execute("UPDATE records SET period='2011-04' WHERE issue_date IS NULL AND type='xac_minh_van_bang'")
                for i, (_, _, _, _, revoked, _, day) in enumerate(recs):
                    c.execute("UPDATE records SET created_at=?, revoked_on=? WHERE file_id=? AND first_page=?",
                              (_utc(day), revoked.isoformat() if revoked else None, f.id, i + 1))
                    c.execute("UPDATE pages SET updated_at=? WHERE file_id=? AND page_no=?", (_utc(day), f.id, i + 1))
        ledger.quarantine(ids["hop-02"], "/scans/empty.pdf", "file is empty")
    return path


# -- the expected numbers, straight from the rows ----------------------------------------------


def _local_day(ts: str) -> dt.date:
    return dt.datetime.fromisoformat(ts).astimezone().date()


def _col(year: int | None) -> str:
    if year is None:
        return "Không rõ năm"
    return "Trước 2008" if year < 2008 else "Sau 2013" if year > 2013 else str(year)


def expected(path: Path, as_of: dt.date, start: dt.date | None = None, end: dt.date | None = None,
             batch: str | None = None) -> dict:
    """Every number of the report, from plain SQL and a few lines of Python."""
    db = sqlite3.connect(path)
    labels = PROCEDURE_LABELS["vi"]
    by_type = {labels[t]: Counter() for t in ProcedureType}
    by_year: dict[str, Counter] = defaultdict(Counter)
    valid_year: dict[str, Counter] = defaultdict(Counter)
    review = review_pages = 0
    for t, issued, until, revoked, needs, pages, created, b, period in db.execute(
        "SELECT r.type, r.issue_date, r.valid_until, r.revoked_on, r.needs_review, r.pages, r.created_at, b.name, "
        "r.period FROM records r JOIN batches b ON b.id = r.batch_id"
    ):
        issued_d = D.fromisoformat(issued) if issued else None
        day = _local_day(created)
        if (issued_d and issued_d > as_of) or (batch and b != batch) or (start and day < start) or (end and day > end):
            continue
        if t in ("kiem_dinh_chat_luong", "cong_nhan_chuan_quoc_gia") and issued_d:
            assert until, "fixture: every expiring result has its last day"
        if revoked and D.fromisoformat(revoked) <= as_of:
            status = "Đã thu hồi"
        elif t == "khac" or issued_d is None:
            status = "Chưa rõ"
        elif until is None or as_of <= D.fromisoformat(until):
            status = "Còn hiệu lực"
        else:
            status = "Hết hiệu lực"
        label = labels[ProcedureType(t)]
        by_type[label][status] += 1
        # A date whose day was unreadable keeps its year (the record's period).
        year = issued_d.year if issued_d else int(period[:4]) if period else None
        by_year[label][_col(year)] += 1
        if status == "Còn hiệu lực":
            valid_year[label][_col(year)] += 1
        review += needs
        review_pages += len(json.loads(pages)) if needs else 0
    pages = Counter()
    for status, updated, b in db.execute(
            "SELECT p.status, p.updated_at, b.name FROM pages p JOIN files f ON f.id=p.file_id "
            "JOIN batches b ON b.id=f.batch_id"):
        day = _local_day(updated)
        if not ((batch and b != batch) or (start and day < start) or (end and day > end)):
            pages[status] += 1
    db.close()
    statuses = ("Còn hiệu lực", "Hết hiệu lực", "Đã thu hồi", "Chưa rõ")
    types = {k: {"Đã số hóa": sum(c.values()), **{s: c[s] for s in statuses}} for k, c in by_type.items()}
    summary = {"Trang đã nhận dạng": pages["done"], "Trang lỗi": pages["failed"],
               "Trang thuộc hồ sơ cần rà soát": review_pages, "Hồ sơ cần rà soát": review,
               "Hồ sơ (kết quả TTHC) đã số hóa": sum(v["Đã số hóa"] for v in types.values()),
               **{s: sum(v[s] for v in types.values()) for s in statuses}}
    return {"summary": summary, "by_type": types, "by_type_year": {k: dict(v) for k, v in by_year.items()},
            "valid_by_type_year": {k: dict(v) for k, v in valid_year.items()}}


# -- reading every format back into numbers -------------------------------------------------------


def _int(text: str) -> int | None:
    text = text.strip()
    return int(text.replace(".", "").replace(",", "")) if re.fullmatch(r"\d[\d.,]*", text) else None


def _tables(grid: dict[str, list[list[str]]]) -> dict[str, dict[str, dict[str, int]]]:
    """``key -> rows`` (header first) to ``key -> label -> column -> int``."""
    out = {}
    for key, rows in grid.items():
        header, *body = rows
        out[key] = {r[0].strip(): {h.strip(): _int(v) for h, v in zip(header[1:], r[1:]) if _int(v) is not None}
                    for r in body}
    return out


KEYS = {"Tổng hợp tiến độ": "summary", "Số kết quả theo loại thủ tục": "by_type",
        "Kết quả đã số hóa theo loại và năm ban hành": "by_type_year",
        "Kết quả còn hiệu lực theo loại và năm ban hành": "valid_by_type_year"}


def read_md(text: str) -> dict:
    grid, key = {}, None
    for line in text.splitlines():
        if line.startswith("## "):
            key = KEYS.get(line[3:].strip())
        elif key and line.startswith("|") and not line.startswith("|---"):
            grid.setdefault(key, []).append([c.strip() for c in line.strip().strip("|").split(" | ")])
    return _tables(grid)


def read_text(text: str) -> dict:
    grid, key = {}, None
    for line in text.splitlines():
        if line.strip() in KEYS:
            key = KEYS[line.strip()]
        elif not line.strip():
            key = None
        elif key and not set(line) <= {"-", " "}:
            grid.setdefault(key, []).append(re.split(r"\s{2,}", line.strip()))
    return _tables(grid)


class _HtmlTables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.grid: dict[str, list[list[str]]] = {}
        self.key: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.key = dict(attrs).get("id", "")[2:]
            self.grid[self.key] = []
        elif tag == "tr" and self.key:
            self.grid[self.key].append([])
        elif tag in ("td", "th") and self.key:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.key = None
        elif tag in ("td", "th") and self.key and self.cell is not None:
            self.grid[self.key][-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def read_html(text: str) -> dict:
    parser = _HtmlTables()
    parser.feed(text)
    return _tables({k: v for k, v in parser.grid.items() if k in KEYS.values()})


def read_xlsx(data: bytes) -> dict:
    wb = load_workbook(io.BytesIO(data))
    grid = {}
    for key in KEYS.values():
        ws = wb[SHEET_NAMES["vi"][key]]
        grid[key] = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(min_row=2, values_only=True)]
    return _tables(grid)


def read_csv(text: str) -> dict:
    labels = PROCEDURE_LABELS["vi"]
    status = {"valid": "Còn hiệu lực", "expired": "Hết hiệu lực", "revoked": "Đã thu hồi", "unknown": "Chưa rõ"}
    types = {labels[t]: {"Đã số hóa": 0, **{s: 0 for s in status.values()}} for t in ProcedureType}
    by_year: dict = defaultdict(Counter)
    valid_year: dict = defaultdict(Counter)
    summary = {}
    names = {"pages_done": "Trang đã nhận dạng", "pages_failed": "Trang lỗi",
             "pages_review": "Trang thuộc hồ sơ cần rà soát",
             "records_review": "Hồ sơ cần rà soát", "records": "Hồ sơ (kết quả TTHC) đã số hóa"}
    for row in csv.DictReader(io.StringIO(text)):
        if row["section"] == "records":
            n, label = int(row["value"]), labels[ProcedureType(row["type"])]
            year = _col(int(row["year"]) if row["year"] else None)
            types[label]["Đã số hóa"] += n
            types[label][status[row["status"]]] += n
            by_year[label][year] += n
            if row["status"] == "valid":
                valid_year[label][year] += n
        elif row["section"] == "progress" and row["metric"] in names:
            summary[names[row["metric"]]] = int(row["value"])
    for s in status.values():
        summary[s] = sum(v[s] for v in types.values())
    return {"summary": summary, "by_type": types, "by_type_year": {k: dict(v) for k, v in by_year.items()},
            "valid_by_type_year": {k: dict(v) for k, v in valid_year.items()}}


def read_pdf(data: bytes, tmp: Path) -> dict:
    """Summary, by-type and type × year rows from the PDF's text (``pdftotext -layout``)."""
    (tmp / "r.pdf").write_bytes(data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    labels = list(PROCEDURE_LABELS["vi"].values()) + ["Tổng"]
    summary_labels = {"Trang đã nhận dạng", "Trang lỗi", "Trang thuộc hồ sơ cần rà soát",
                                                      "Hồ sơ cần rà soát", "Hồ sơ (kết quả TTHC) đã số hóa",
                                                      "Còn hiệu lực", "Hết hiệu lực", "Đã thu hồi", "Chưa rõ"}
    out: dict = {"summary": {}, "by_type": {}, "by_type_year": {}, "valid_by_type_year": {}}
    year_tables = ["by_type_year", "valid_by_type_year"]
    header: list[str] = []
    for line in text.splitlines():
        tokens = re.split(r"\s{2,}", line.strip())
        if tokens[0] == "Loại thủ tục" and "2008" in tokens:
            header = [t for t in tokens[1:]]
        nums = [_int(t) for t in tokens[1:]]
        if len(tokens) < 2 or None in nums:
            continue
        if tokens[0] in summary_labels and len(nums) == 1 and tokens[0] not in out["summary"]:
            out["summary"][tokens[0]] = nums[0]
            continue
        label = next((lb for lb in labels if lb.startswith(tokens[0])), None)
        if label is None or label == "Tổng":
            continue
        if len(nums) == 5 and label not in out["by_type"]:
            out["by_type"][label] = dict(zip(("Đã số hóa", "Còn hiệu lực", "Hết hiệu lực", "Đã thu hồi", "Chưa rõ"),
                                             nums))
        elif len(nums) > 5 and year_tables:
            key = year_tables[0]
            if label in out[key]:
                year_tables.pop(0)
                key = year_tables[0]
            out[key][label] = dict(zip(header, nums))
    return out


def _nonzero(table: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    cleaned = {k: {c: n for c, n in v.items() if n and c != "Tổng"} for k, v in table.items() if k != "Tổng"}
    return {k: v for k, v in cleaned.items() if v}


def _order(cols: dict[str, int]) -> list[str]:
    rank = {"Trước 2008": 0, "Sau 2013": 3000, "Không rõ năm": 4000}
    return sorted((c for c in cols if cols[c]), key=lambda c: rank.get(c, int(c) if c.isdigit() else 0))


def _check(got: dict, want: dict, fmt: str) -> None:
    for key in ("by_type", "by_type_year", "valid_by_type_year"):
        if fmt == "pdf" and key != "by_type":
            # The PDF wraps long year headers ("Trước / 2008"): compare each row's year cells in order.
            for label, cols in want[key].items():
                cells = list(got[key][label].values())
                assert cells[-1] == sum(cols.values()) == sum(cells[:-1]), (fmt, key, label)
                assert [n for n in cells[:-1] if n] == [cols[c] for c in _order(cols)], (fmt, key, label)
            continue
        assert _nonzero(got[key]) == _nonzero(want[key]), (fmt, key)
    for label, n in want["summary"].items():
        value = got["summary"][label]
        assert (next(iter(value.values())) if isinstance(value, dict) else value) == n, (fmt, label)


# -- tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("as_of", [AS_OF, AS_OF + dt.timedelta(days=1)], ids=["boundary-day", "day-after"])
def test_every_format_matches_the_ledger(ledger_path: Path, tmp_path: Path, as_of: dt.date) -> None:
    want = expected(ledger_path, as_of)
    with Ledger(ledger_path) as ledger:
        report = build_report(ledger, as_of)
    readers = {"md": read_md, "text": read_text, "html": read_html, "csv": read_csv,
               "xlsx": read_xlsx, "pdf": lambda data: read_pdf(data, tmp_path)}
    assert set(readers) == set(FORMATS)
    for fmt, read in readers.items():
        _check(read(render(report, fmt)), want, fmt)


def test_the_boundary_day(ledger_path: Path) -> None:
    """The report itself on the last day of a certificate's validity and the day after (not the test's own
    count): the certificate valid through AS_OF is valid that day and expired the next; the one issued the
    day after AS_OF only counts from that day on; a revocation counts from its day."""
    def by_type(on: dt.date) -> dict[str, object]:
        with Ledger(ledger_path) as ledger:
            return {tc.label: tc for tc in build_report(ledger, on).by_type}

    kd, xm = PROCEDURE_LABELS["vi"][KD], PROCEDURE_LABELS["vi"][XM]
    on_day, after = by_type(AS_OF), by_type(AS_OF + dt.timedelta(days=1))
    assert (on_day[kd].valid, on_day[kd].total) == (1, 2)
    assert (after[kd].valid, after[kd].expired) == (1, 2)
    assert (on_day[xm].revoked, after[xm].revoked) == (2, 3)


def test_quarterly_paragraph_numbers(ledger_path: Path) -> None:
    want = expected(ledger_path, AS_OF)["by_type"]
    with Ledger(ledger_path) as ledger:
        text = quarterly_paragraph(build_report(ledger, AS_OF))
    m = re.fullmatch(
        r"Tính tới thời điểm báo cáo \(ngày 30/06/2026\) có tổng số thủ tục còn hiệu lực đã số hoá kiểm đếm là "
        r"(\d+), trong đó: Thủ tục xác minh văn bằng, chứng chỉ là: (\d\d); "
        r"Cấp giấy chứng nhận kiểm định chất lượng giáo dục: (\d\d); Công nhận trường đạt chuẩn Quốc gia: (\d\d)"
        r"(?:; [^;:]+: \d\d)*\.", text)
    assert m, text
    labels = PROCEDURE_LABELS["vi"]
    assert int(m[1]) == sum(v["Còn hiệu lực"] for v in want.values())
    assert [int(m[i]) for i in (2, 3, 4)] == [want[labels[t]]["Còn hiệu lực"] for t in (XM, KD, CN)]


@pytest.mark.parametrize("start,end,batch", [(D(2026, 4, 10), D(2026, 4, 10), None), (D(2026, 5, 1), None, None),
                                             (None, None, "hop-02")])
def test_period_and_batch(ledger_path: Path, start: dt.date | None, end: dt.date | None, batch: str | None) -> None:
    want = expected(ledger_path, AS_OF, start, end, batch)
    with Ledger(ledger_path) as ledger:
        report = build_report(ledger, AS_OF, batch=batch, date_from=start, date_to=end)
    _check(read_csv(render(report, "csv")), want, "csv")
    _check(read_html(render(report, "html")), want, "html")
    assert sum(d.pages_done for d in report.daily) == want["summary"]["Trang đã nhận dạng"]
    if start or end:
        assert "Trong kỳ báo cáo" in quarterly_paragraph(report)


def test_english_and_empty_ledger(tmp_path: Path) -> None:
    with Ledger(tmp_path / "l.sqlite") as ledger:
        report = build_report(ledger, AS_OF, lang="en")
    for fmt in FORMATS:
        assert render(report, fmt)  # nothing to count is still a report
    html = render(report, "html")
    assert 'lang="en"' in html and "<script" not in html and "http://" not in html.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    assert quarterly_paragraph(report).startswith(
        "As of 2026-06-30, the digitized procedure results still valid number 0")
    with pytest.raises(ValueError):
        build_report(Ledger(tmp_path / "l.sqlite"), AS_OF, date_from=D(2026, 2, 1), date_to=D(2026, 1, 1))


def test_cli_writes_every_format(ledger_path: Path, tmp_path: Path, capsysbinary: pytest.CaptureFixture) -> None:
    from sohoa.cli import main

    data_dir = str(ledger_path.parent)
    for fmt in FORMATS:
        out = tmp_path / f"r.{fmt}"
        assert main(["--data-dir", data_dir, "report", "--as-of", AS_OF.isoformat(), "--format", fmt,
                     "--out", str(out)]) == 0
        assert out.stat().st_size > 0
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Báo cáo"
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    capsysbinary.readouterr()
    assert main(["--data-dir", data_dir, "report", "--as-of", AS_OF.isoformat(), "--format", "csv"]) == 0
    _check(read_csv(capsysbinary.readouterr().out.decode("utf-8")), expected(ledger_path, AS_OF), "csv")


def test_pdf_reader_finds_the_tables_and_the_charts(ledger_path: Path, tmp_path: Path) -> None:
    """The tables as text, and one picture per chart above its caption (the chart's title)."""
    from pypdf import PdfReader

    with Ledger(ledger_path) as ledger:
        report = build_report(ledger, AS_OF)
    data = render(report, "pdf")
    got, want = read_pdf(data, tmp_path), expected(ledger_path, AS_OF)
    assert set(got["by_type"]) == set(want["by_type"])
    assert set(got["by_type_year"]) == set(want["by_type_year"]) and got["valid_by_type_year"]
    pages, titles = PdfReader(io.BytesIO(data)).pages, [c.title for c in report_charts(report, "vi")]
    assert len(titles) == 5 and all(title in " ".join(p.extract_text() for p in pages) for title in titles)
    assert sum(len(p.images) for p in pages) == len(titles)


@pytest.mark.usefixtures("prefect_harness")
def test_report_flow_writes_files_and_artifacts(ledger_path: Path, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.report import MARKDOWN_KEY, TYPES_KEY, report_flow
    from core.settings import Settings

    settings = Settings(data_dir=ledger_path.parent)
    written = report_flow(as_of=AS_OF, formats=list(FORMATS), out_dir=str(tmp_path / "out"), settings=settings)
    assert set(written) == set(FORMATS) and all(Path(p).stat().st_size for p in written.values())
    assert Path(written["pdf"]).name == "bao-cao-2026-06-30.pdf"
    _check(read_csv(Path(written["csv"]).read_text(encoding="utf-8")), expected(ledger_path, AS_OF), "csv")
    with get_client(sync_client=True) as client:
        keys = ArtifactFilterKey(any_=[MARKDOWN_KEY, TYPES_KEY])
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(key=keys))
    assert {a.key for a in arts} == {MARKDOWN_KEY, TYPES_KEY}
    table = next(a for a in arts if a.key == TYPES_KEY).data
    rows = json.loads(table) if isinstance(table, str) else table
    want = expected(ledger_path, AS_OF)["by_type"]
    assert {r["label"]: r["valid"] for r in rows} == {k: v["Còn hiệu lực"] for k, v in want.items()}


def test_quarter_end() -> None:
    from flows.report import quarter_end

    assert quarter_end(D(2026, 10, 1), previous=True) == D(2026, 9, 30)
    assert quarter_end(D(2026, 1, 2), previous=True) == D(2025, 12, 31)
    assert quarter_end(D(2026, 11, 15)) == D(2026, 12, 31) and quarter_end(D(2026, 2, 1)) == D(2026, 3, 31)


def test_the_english_report_has_the_same_numbers_and_its_charts(ledger_path: Path) -> None:
    """``sohoa report --lang en`` on a ledger with data, as typed: every number the Vietnamese report gives,
    at the same place, with English labels; the HTML report's charts show each type's label and counts, as
    text, in both languages."""
    from conftest import run_sohoa

    data = ledger_path.parent
    runs = {lang: run_sohoa(data, "report", "--as-of", AS_OF.isoformat(), "--format", "md", "--lang", lang)
            for lang in ("vi", "en")}
    assert all(r.returncode == 0 for r in runs.values()), {k: r.stderr for k, r in runs.items()}
    vi, en = ([[c.strip() for c in line.strip().strip("|").split("|")] for line in runs[lang].stdout.splitlines()
               if line.startswith("|")] for lang in ("vi", "en"))
    assert [len(row) for row in vi] == [len(row) for row in en]
    numbers = [(i, j) for i, row in enumerate(vi) for j, cell in enumerate(row) if re.fullmatch(r"[\d.,%]+", cell)]
    assert len(numbers) > 20 and all(vi[i][j] == en[i][j] for i, j in numbers)
    english = runs["en"].stdout
    assert PROCEDURE_LABELS["en"][KD] in english and PROCEDURE_LABELS["vi"][KD] not in english
    assert "Còn hiệu lực" not in english and "Still valid" in english
    for lang in ("vi", "en"):
        html = run_sohoa(data, "report", "--as-of", AS_OF.isoformat(), "--format", "html", "--lang", lang).stdout
        svgs = re.finditer(r'<svg class="chart" id="chart-(\w+)".*?</svg>', html, flags=re.S)
        # What a reader sees in each chart, and can select: its <text> elements.
        texts = {m[1]: [unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", m[0])] for m in svgs}
        assert list(texts) == ["status_by_type", "by_year", "cumulative", "daily", "batches"], lang
        with Ledger(ledger_path) as ledger:
            report = build_report(ledger, AS_OF, lang=lang)
        for tc in (tc for tc in report.by_type if tc.total):
            bar = {shorten(tc.label, 48), f"{fmt_int(tc.valid, lang)} / {fmt_int(tc.total, lang)}"}
            assert bar <= set(texts["status_by_type"]), (lang, tc.label)
        assert {TEXTS[lang][s] for s in ("valid", "expired", "revoked", "unknown")} <= set(texts["status_by_type"])
        assert fmt_int(report.pages_done, lang) in texts["cumulative"], lang
        assert all(b.name in " ".join(texts["batches"]) for b in report.batches), lang

