"""The archivists' pages: the review queue and form, corrections, the keyboard review of handwritten values.

A correction is written by :mod:`web.corrections` and the record re-indexed
at once; a refused one shows its page again with the values typed kept.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from indexing import open_index
from ledger import Ledger
from ledger.rows import RecordRow
from web import corrections, images, queries
from web.formats import small_int
from web.i18n import translate
from web.pages import WebState, error, guarded, lang_of, note_audit, render, web_state
from web.records import field_rows, path_record, record_view

__all__ = ["correct", "review_list", "review_page", "review_view", "hand_review_page", "hand_review_submit"]

#: The keyboard review shows a handwritten slot's crop this many times its size, at most this wide.
HAND_ZOOM, HAND_MAX_WIDTH = 3, 1200
#: Records a page of the review queue lists.
REVIEW_PAGE = 50


@guarded("correct")
def correct(request: Request) -> Response:
    """Apply an archivist's corrections, keep the history, re-index the record."""
    web = web_state(request)
    form: dict[str, str] = request.state.form
    key = request.path_params["key"]
    values = {f: form[f] for f in corrections.CORRECTABLE if f in form and f != "needs_review"}
    if form.get("mark_reviewed"):
        values["needs_review"] = "0"
    user = request.state.session.user.name
    with web.ledger() as ledger:
        try:
            changes = corrections.apply_correction(ledger, key, values, user)
        except corrections.CorrectionError as exc:
            rows = ledger.records([key])
            if not rows:
                return error(request, 404, "not_found")
            # The page again, its form holding what was typed, the reason above it: nothing typed is lost.
            message = translate(lang_of(request), f"corr_{exc.code}", **exc.params)
            view = review_view if form.get("back") == "review" else record_view
            return view(request, ledger, rows[0], status_code=400, refused=message, typed=values)
        if changes:
            _reindex(web, ledger, key)
    note_audit(request, "correct", key=key, fields=",".join(c.field for c in changes),
               reviewed=form.get("mark_reviewed"))
    if form.get("mark_reviewed"):
        return RedirectResponse(f"/review?saved={len(changes)}", status_code=303)
    back = "/review/" if form.get("back") == "review" else "/records/"
    return RedirectResponse(f"{back}{key}?saved={len(changes)}", status_code=303)


def _reindex(web: WebState, ledger: Ledger, key: str) -> None:
    """Bring the index up to date for one corrected record."""
    index = open_index(web.settings.resolved_index_url)
    try:
        corrections.reindex(ledger, index, [key])
    finally:
        index.close()


@guarded("correct")
def review_list(request: Request) -> Response:
    """Records flagged for review, with the reasons."""
    page = small_int(request.query_params.get("page"), least=1) or 1
    with web_state(request).ledger() as ledger:
        total, items = queries.review_queue(ledger, limit=REVIEW_PAGE, offset=(page - 1) * REVIEW_PAGE)
        hand_left = queries.hand_queue(ledger)[1]
    return render(request, "review_list.html", total=total, items=items, page=page,
                  pages=(total + REVIEW_PAGE - 1) // REVIEW_PAGE,
                  saved=small_int(request.query_params.get("saved")), hand_left=hand_left)


@guarded("correct")
def review_page(request: Request) -> Response:
    """Each field next to the crop where it was read, and the correction form."""
    web = web_state(request)
    with web.ledger() as ledger:
        rec = path_record(request, ledger)
        if rec is None:
            return error(request, 404, "not_found")
        note_audit(request, "review", rec=rec)
        return review_view(request, ledger, rec)


def review_view(request: Request, ledger: Ledger, rec: RecordRow, *, status_code: int = 200,
                refused: str | None = None, typed: dict[str, str] | None = None) -> Response:
    """The review page; after a refused correction, with the message and the values typed kept in the form."""
    fields = field_rows(ledger, rec)
    hist = corrections.history(ledger, rec.key)
    reasons = [r.removeprefix("review:").strip() for r in rec.reasons if r.startswith("review:")]
    return render(request, "review.html", status_code=status_code, rec=rec, fields=fields, history=hist,
                  reasons=reasons, saved=small_int(request.query_params.get("saved")), refused=refused,
                  typed=typed or {})


def _hand_crop(ledger: Ledger, item: queries.HandItem) -> tuple[int, int] | None:
    """The size to show a handwritten value's crop at (``/records/{key}/crop/{field}.jpg``), or ``None``."""
    rec = ledger.records([item.key])[0]
    spot = images.locate_field(ledger, rec, item.field, item.value)
    pf = images.page_files(ledger, rec, spot.page_no) if spot else None
    if not spot or not pf or not pf.image_path or not pf.image_path.is_file():
        return None
    w, h = images.crop_size(pf.image_path, spot.box)
    zoom = min(HAND_ZOOM, HAND_MAX_WIDTH / w)
    return round(w * zoom), round(h * zoom)


def _hand_page(request: Request, ledger: Ledger, item: queries.HandItem | None, left: int, *,
               status_code: int = 200, message: str | None = None) -> Response:
    if item is not None:
        note_audit(request, "review-hand", key=item.key, field=item.field)
    return render(request, "review_hand.html", status_code=status_code, item=item, left=left,
                  crop=_hand_crop(ledger, item) if item else None, message=message,
                  after=request.query_params.get("after") or "")


@guarded("correct")
def hand_review_page(request: Request) -> Response:
    """One handwritten number or day at a time: its crop large, the digits read, Enter to confirm.

    ``?after=<record id>:<field>`` goes on past the fields already seen, so a
    skipped one does not come back until the reviewer starts over.
    """
    with web_state(request).ledger() as ledger:
        item, left = queries.hand_queue(ledger, request.query_params.get("after"))
        return _hand_page(request, ledger, item, left)


@guarded("correct")
def hand_review_submit(request: Request) -> Response:
    """Confirm (nothing typed) or correct the digits shown, keep the confirmation, go on to the next."""
    web = web_state(request)
    form: dict[str, str] = request.state.form
    key, field, typed = form.get("key", ""), form.get("field", ""), form.get("digits", "").strip()
    user = request.state.session.user.name
    with web.ledger() as ledger:
        rows = ledger.records([key])
        if not rows or field not in corrections.HAND_FIELDS:
            return error(request, 404, "not_found")
        onward = RedirectResponse(f"/review/handwritten?after={rows[0].id}:{field}", status_code=303)
        item = queries.hand_item(ledger, key, field)
        if item is None:
            return onward  # confirmed already (a second Enter) or reviewed meanwhile
        slot = images.hand_slot(ledger, rows[0], field)
        try:
            _, changes = corrections.confirm_handwritten(
                ledger, key, field, typed, user, shown=form.get("shown"),
                hand=slot[1] if slot else None, page_no=slot[0] if slot else None)
        except corrections.CorrectionError as exc:
            lang = lang_of(request)
            if isinstance(exc, corrections.StaleValue):
                message = translate(lang, "hand_stale")
            elif field == "number":
                message = translate(lang, "hand_bad_number", typed=typed)
            else:
                message = translate(lang, "hand_bad_day", typed=typed, month=item.value[5:7])
            item, left = queries.hand_item(ledger, key, field), queries.hand_queue(ledger)[1]
            if item is None:
                return onward
            return _hand_page(request, ledger, item, left, message=message,
                              status_code=409 if isinstance(exc, corrections.StaleValue) else 400)
        if changes:
            _reindex(web, ledger, key)
    note_audit(request, "hand", rec=rows[0], field=field, changed=",".join(c.field for c in changes))
    return onward
