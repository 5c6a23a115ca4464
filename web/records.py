"""A record's page and its files: page images, field crops, the searchable PDF.

Every file is found from the record's key and a page number in the URL
through the ledger (:mod:`web.images`), never from a path in the request.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response

from ocr.pdf import searchable_pdf
from ledger import Ledger
from ledger.rows import RecordRow
from core.errors import SohoaError
from web import corrections, images, queries
from web.formats import safe_next, small_int
from web.pages import error, guarded, note_audit, render, web_state

__all__ = ["path_record", "field_value", "field_rows", "record_view", "record_page", "restored_image",
           "original_image", "field_crop", "record_pdf", "pdf_disposition"]


def path_record(request: Request, ledger: Ledger) -> RecordRow | None:
    """The record the URL's ``{key}`` names, or ``None`` when there is none."""
    rows = ledger.records([request.path_params["key"]])
    return rows[0] if rows else None


def field_value(rec: RecordRow, name: str) -> str | None:
    """A field of the record as a form and a correction write it (ISO dates, ``1``/``0``), ``None`` when empty."""
    value = getattr(rec, name)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    return None if value is None else str(value)


def field_rows(ledger: Ledger, rec: RecordRow) -> list[dict[str, object]]:
    """Each field with its value, where it was read and the OCR confidence there."""
    rows = []
    for name in ("type", "number", "issue_date", "issuer", "subject", "title", "revoked_on"):
        value = field_value(rec, name)
        spot = images.locate_field(ledger, rec, name, value) if name != "type" else None
        rows.append({"name": name, "value": value, "spot": spot,
                     "conf": rec.confidence * 100 if name == "type" else (spot.conf if spot else None)})
    return rows


@guarded("view")
def record_page(request: Request) -> Response:
    """All fields with confidence, validity, reasons, images, PDF and provenance."""
    web = web_state(request)
    with web.ledger() as ledger:
        rec = path_record(request, ledger)
        if rec is None:
            return error(request, 404, "not_found")
        note_audit(request, "view", rec=rec)
        return record_view(request, ledger, rec)


def _back(request: Request) -> str | None:
    """The search a record was opened from (``?back=``), to go back to; only a search of this site."""
    target = request.query_params.get("back")
    return target if target and target.startswith("/search") and safe_next(target) == target else None


def record_view(request: Request, ledger: Ledger, rec: RecordRow, *, status_code: int = 200,
                refused: str | None = None, typed: dict[str, str] | None = None) -> Response:
    """The record page; after a refused correction, with the message and the values typed kept in the form."""
    fields = field_rows(ledger, rec)
    prov = queries.provenance(ledger, rec.key)
    hist = corrections.history(ledger, rec.key)
    today = dt.date.today()
    status = queries.doc_status({"type": rec.type, "issue_date": field_value(rec, "issue_date"),
                                 "valid_until": field_value(rec, "valid_until"),
                                 "revoked_on": field_value(rec, "revoked_on")}, today)
    review = [r for r in rec.reasons if r.startswith("review:")]
    trace = [r for r in rec.reasons if not r.startswith("review:")]
    return render(request, "record.html", status_code=status_code, rec=rec, fields=fields, prov=prov, history=hist,
                  status=status, review=review, trace=trace, today=today, back=_back(request),
                  saved=small_int(request.query_params.get("saved")), refused=refused, typed=typed or {})


def _page_or_404(request: Request, ledger: Ledger) -> tuple[RecordRow, images.PageFiles] | None:
    rec = path_record(request, ledger)
    if rec is None:
        return None
    pf = images.page_files(ledger, rec, int(request.path_params["page"]))
    return (rec, pf) if pf else None


@guarded("view")
def restored_image(request: Request) -> Response:
    """The restored page image kept by the ingest."""
    with web_state(request).ledger() as ledger:
        found = _page_or_404(request, ledger)
    if not found or not found[1].image_path or not found[1].image_path.is_file():
        return error(request, 404, "no_image")
    note_audit(request, "page", rec=found[0], page=found[1].page_no, image="restored")
    return FileResponse(found[1].image_path, media_type="image/jpeg")


@guarded("view")
def original_image(request: Request) -> Response:
    """The original scan of the page, rendered once and cached."""
    web = web_state(request)
    with web.ledger() as ledger:
        found = _page_or_404(request, ledger)
    if not found:
        return error(request, 404, "no_image")
    try:
        path = images.original_jpeg(web.settings, found[0], found[1].page_no)
    except (SohoaError, OSError):
        return error(request, 404, "no_image")
    note_audit(request, "page", rec=found[0], page=found[1].page_no, image="original")
    return FileResponse(path, media_type="image/jpeg")


@guarded("view")
def field_crop(request: Request) -> Response:
    """The part of the page where a field's current value was read."""
    name = request.path_params["field"]
    if name not in corrections.CORRECTABLE:
        return error(request, 404, "not_found")
    with web_state(request).ledger() as ledger:
        rec = path_record(request, ledger)
        spot = images.locate_field(ledger, rec, name, field_value(rec, name)) if rec else None
        pf = images.page_files(ledger, rec, spot.page_no) if rec and spot else None
    if not rec or not spot or not pf or not pf.image_path or not pf.image_path.is_file():
        return error(request, 404, "not_found_on_page")
    note_audit(request, "crop", rec=rec, field=name, page=spot.page_no)
    return Response(images.crop_jpeg(pf.image_path, spot.box), media_type="image/jpeg")


@guarded("view")
def record_pdf(request: Request) -> Response:
    """The record's searchable PDF (restored pages with the OCR text layer)."""
    web = web_state(request)
    with web.ledger() as ledger:
        rec = path_record(request, ledger)
        if rec is None:
            return error(request, 404, "not_found")
        pages = images.pdf_pages(ledger, rec)
    if not pages:
        return error(request, 404, "no_image")
    note_audit(request, "pdf", rec=rec)
    data = searchable_pdf(pages, dpi=web.settings.dpi, title=" ".join(x for x in (rec.number, rec.subject) if x))
    return Response(data, media_type="application/pdf",
                    headers={"content-disposition": pdf_disposition(rec.number, rec.key)})


def pdf_disposition(number: str | None, key: str) -> str:
    """A download named by the document's number ("45/SGDĐT-KTKĐ" → ``45-SGDĐT-KTKĐ.pdf``, with an ASCII
    fallback ``45-SGDDT-KTKD.pdf`` for old programs), or by the record's key when it has none."""
    stem = re.sub(r"[^\w.&-]+", "-", number or "").strip("-.") or key
    bare = "".join(c for c in unicodedata.normalize("NFD", stem.replace("Đ", "D").replace("đ", "d"))
                   if unicodedata.category(c) != "Mn")
    ascii_stem = re.sub(r"[^A-Za-z0-9.&-]+", "-", bare).strip("-.") or key
    return f"attachment; filename=\"{ascii_stem}.pdf\"; filename*=UTF-8''{quote(stem + '.pdf', safe='')}"
