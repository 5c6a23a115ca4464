"""Real paper: what sohoa reads on real scans from other offices, against the truth, document by document.

The set is ``../shared/real-scans`` (never copied into the project: its
README forbids it; this benchmark takes its path as an argument). Each
document's first page is read as a user reads it, with ``sohoa classify
--json`` (default profile unless ``--profile``), and compared with
``keyfields_gt.json``: number, date (and its month and year), issuer and
type. A value is **right**, **flagged** (wrong or missing, and the record
names that field among its review reasons) or **silent** (wrong or missing
with no reason naming the field: the failure that matters most). In the
same run, the baseline: plain Tesseract (``tesseract PAGE - -l vie``) and a
regular expression for the number and the date.

    python -m bench.real_scans ../shared/real-scans
    python -m bench.real_scans ../shared/real-scans --pages all   # whole documents: one record each?

``--pages all`` reads every page of each document and also counts whether
the document came out as one record.

The handwritten fields (the number and the day the truth marks as written
by hand) get a table of their own: the truth, what Tesseract read in the
slot on the page, Tesseract's digits-only reading of the slot's crop (the
baseline the digit reader must beat), what the digit reader
(:mod:`ocr.handwriting`) read, and its confidence; then how often the
reader is right above each confidence (its calibration).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.folding import fold as _fold
from pipeline.records import flagged_fields


def fold(text: str | None) -> str:
    """Folded for comparison (:func:`pipeline.folding.fold`), ``None`` as empty."""
    return _fold(text or "")

__all__ = ["Doc", "FieldScore", "main", "score_doc"]

SOHOA = Path(sys.executable).with_name("sohoa")
FIELDS = ("number", "date", "month", "issuer", "type")


@dataclass(frozen=True)
class Doc:
    """One document of the set and its truth."""

    name: str
    path: Path
    truth: dict


@dataclass
class FieldScore:
    """Outcomes of one field over the set."""

    right: int = 0
    flagged: int = 0
    silent: int = 0
    total: int = 0
    typed_right: int = 0
    typed_total: int = 0
    silent_docs: list[str] = field(default_factory=list)


def _first_page(doc: Doc, cache: Path, dpi: int) -> Path:
    if doc.path.suffix.lower() != ".pdf":
        return doc.path
    out = cache / f"{doc.path.stem}-{dpi}dpi"  # a page made at another resolution is another page
    png = out.with_suffix(".png")
    if not png.exists():
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(doc.path),
                        str(out)], capture_output=True, timeout=120, check=True)
    return png


def _classify(path: Path, profile: str | None) -> tuple[list[dict], float]:
    started = time.perf_counter()
    cmd = [str(SOHOA), *(["--profile", profile] if profile else []), "classify", str(path), "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:  # a file sohoa refuses is read as no record: every field counts as missing
        print(f"  {path.name}: sohoa classify exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
        return [], time.perf_counter() - started
    return json.loads(proc.stdout)["records"], time.perf_counter() - started


_BASE_NUMBER = re.compile(r"Số\s*:?\s*(\d+)\s*/\s*([A-ZĐ&]+(?:-[A-ZĐ&a-z]+)*)")
_BASE_DATE = re.compile(r"ngày\s*(\d{1,2})\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})")


def _baseline(path: Path) -> dict:
    """Plain Tesseract and a regular expression: the first "Số: N/SYMBOL" and "ngày d tháng m năm y"."""
    text = subprocess.run(["tesseract", str(path), "-", "-l", "vie"], capture_output=True, text=True,
                          timeout=600, env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"}).stdout
    number = _BASE_NUMBER.search(text)
    date = _BASE_DATE.search(text)
    iso = None
    if date:
        try:
            import datetime as dt

            iso = dt.date(int(date.group(3)), int(date.group(2)), int(date.group(1))).isoformat()
        except ValueError:
            iso = None
    return {"number": f"{number.group(1)}/{number.group(2)}" if number else None, "date": iso}


def _same_number(have: str | None, want: str | None) -> bool:
    return fold(have).replace(" ", "") == fold(want).replace(" ", "")


def _issuer_right(have: str | None, truth: dict) -> bool:
    got = fold(have).replace("/", " ").split()
    want = fold(truth.get("issuer")).split()
    printed = fold(f"{truth.get('issuer_parent') or ''} {truth.get('issuer') or ''}")
    spurious = [w for w in ("hai phong",) if w in " ".join(got) and w not in printed]
    return bool(got) and all(w in got for w in want) and not spurious


def score_doc(truth: dict, record: dict) -> dict[str, str]:
    """Each field's outcome on one document: ``right``, ``flagged``, ``silent`` or ``-`` (no truth)."""
    flags = flagged_fields(record.get("reasons", []))
    out: dict[str, str] = {}

    def outcome(name: str, ok: bool, flag: str) -> str:
        return "right" if ok else "flagged" if flag in flags else "silent"

    if truth.get("number") is not None:
        out["number"] = outcome("number", _same_number(record.get("number"), truth["number"]), "number")
    else:
        out["number"] = "-"
    want_date = truth.get("date")
    have_date = record.get("date")
    if want_date is not None:
        out["date"] = outcome("date", have_date == want_date, "date")
        have_month = (have_date or record.get("period") or "")[:7]
        out["month"] = "right" if have_month == want_date[:7] else "flagged" if "date" in flags else "silent"
    else:
        out["date"] = out["month"] = "-"
    out["issuer"] = outcome("issuer", _issuer_right(record.get("issuer"), truth), "issuer")
    out["type"] = "right" if record.get("type") == "khac" else "flagged" if "type" in flags else "silent"
    return out


@dataclass(frozen=True)
class HandRow:
    """One handwritten field of a real page and what each reader made of it."""

    doc: str
    kind: str  # "number" or "day"
    truth: str
    on_page: str  # Tesseract's words in the slot, as the page was read
    digits_only: str  # Tesseract's digits-only reading of the slot's crop
    reader: str  # the digit reader's
    confidence: float


def _hand_truth(truth: dict) -> dict[str, str]:
    out = {}
    if truth.get("number_handwritten") and truth.get("number"):
        out["number"] = truth["number"].split("/")[0]
    if truth.get("day_handwritten") and truth.get("date"):
        out["day"] = str(int(truth["date"][8:10]))
    return out


def _hand_rows(doc: Doc, page: Path, dpi: int) -> list[HandRow]:
    """Read a first page as the ingest does and set each handwritten field's readings side by side."""
    from ocr.loader import inspect_file, load_page
    from ocr.pages import restore_and_read
    from ocr.tesseract import read_digits
    from core.settings import Settings

    want = _hand_truth(doc.truth)
    if not want:
        return []
    settings = Settings.from_env(dpi=dpi)
    info = inspect_file(page, settings.limits, settings.dpi)
    reading = restore_and_read(lambda: load_page(page, 1, info, settings.limits, settings.dpi), settings,
                               what=doc.name)
    found = {h.kind: h for h in reading.hand}
    rows = []
    for kind, truth in want.items():
        h = found.get(kind)
        if h is None:
            rows.append(HandRow(doc.name, kind, truth, "", "", "", 0.0))
            continue
        top, bottom, left, right = h.box
        on_page = " ".join(w.text for w in reading.result.words
                           if top <= w.top + w.height / 2 <= bottom and left <= w.left + w.width / 2 <= right)
        crop = reading.restored.image[top:bottom, max(0, left - 8):right + 8]
        digits = read_digits(crop, settings.tesseract, what=f"{doc.name} {kind}") if crop.size else ""
        rows.append(HandRow(doc.name, kind, truth, on_page, digits, h.digits, h.confidence))
    return rows


def _same_digits(a: str, b: str) -> bool:
    return bool(a) and a.lstrip("0") == b.lstrip("0")


def _print_hand(rows: list[HandRow]) -> None:
    print("\nHandwritten fields (truth; Tesseract in the slot; Tesseract digits-only on the crop; digit reader, "
          "confidence):")
    print("| document | field | truth | Tesseract (page) | Tesseract digits-only | digit reader | confidence |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        mark = " ✓" if _same_digits(r.reader, r.truth) else ""
        base = " ✓" if _same_digits(r.digits_only, r.truth) else ""
        print(f"| {r.doc} | {r.kind} | {r.truth} | {r.on_page or '—'} | {r.digits_only or '—'}{base} | "
              f"{r.reader or '—'}{mark} | {r.confidence:.2f} |")
    for kind in ("number", "day"):
        mine = [r for r in rows if r.kind == kind]
        print(f"  {kind}s: digit reader right {sum(_same_digits(r.reader, r.truth) for r in mine)}/{len(mine)}, "
              f"Tesseract digits-only right {sum(_same_digits(r.digits_only, r.truth) for r in mine)}/{len(mine)}")
    print("  calibration (digit reader, numbers and days): right / read at or above each confidence")
    for level in (0.99, 0.95, 0.9, 0.8, 0.5, 0.0):
        above = [r for r in rows if r.reader and r.confidence >= level]
        right = sum(_same_digits(r.reader, r.truth) for r in above)
        print(f"    ≥ {level:.2f}: {right}/{len(above)}")


def _load(root: Path) -> list[Doc]:
    truth = json.loads((root / "keyfields_gt.json").read_text(encoding="utf-8"))
    return [Doc(Path(name).stem, root / name, t) for name, t in truth.items() if not name.startswith("_")]


def main(argv: list[str] | None = None) -> int:
    """Score the set; print the document table and the totals."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("root", type=Path, help="the real-scans folder (../shared/real-scans)")
    ap.add_argument("--pages", choices=("first", "all"), default="first",
                    help="read the first page of each document (default) or all of it")
    ap.add_argument("--workers", type=int, default=2, help="documents read in parallel (default: 2)")
    ap.add_argument("--profile", help="the profile sohoa reads with (default: the default profile)")
    ap.add_argument("--dpi", type=int, default=300, help="resolution of a PDF's first page (default: 300)")
    ap.add_argument("--no-baseline", action="store_true", help="skip plain Tesseract")
    ap.add_argument("--json", type=Path, help="also write every reading and outcome here")
    ap.add_argument("--no-handwriting", action="store_true", help="skip the table of handwritten fields")
    args = ap.parse_args(argv)
    if not (args.root / "keyfields_gt.json").is_file():
        print(f"{args.root}: no keyfields_gt.json: skipped (the real scans are not on this machine)")
        return 0
    docs = _load(args.root)
    cache = Path(tempfile.gettempdir()) / "sohoa-real-scans-page1"
    cache.mkdir(exist_ok=True)
    inputs = {d.name: (_first_page(d, cache, args.dpi) if args.pages == "first" else d.path) for d in docs}
    with cf.ThreadPoolExecutor(args.workers) as pool:
        read = dict(zip(inputs, pool.map(lambda n: _classify(inputs[n], args.profile), inputs)))
        base = {} if args.no_baseline else dict(zip(inputs, pool.map(
            lambda n: _baseline(_first_page(next(d for d in docs if d.name == n), cache, args.dpi)), inputs)))
    scores = {f: FieldScore() for f in FIELDS}
    base_right = {"number": 0, "date": 0, "total_number": 0, "total_date": 0}
    one_record = 0
    rows = []
    print(f"Real scans ({args.root}), {args.pages} page(s), profile {args.profile or 'default'}: "
          "right / flagged (wrong or missing, with a reason naming the field) / SILENT")
    for d in docs:
        records, seconds = read[d.name]
        rec = records[0] if records else {}
        outcome = score_doc(d.truth, rec)
        one_record += len(records) == 1
        hand = {"number": bool(d.truth.get("number_handwritten")), "date": bool(d.truth.get("day_handwritten"))}
        for f in FIELDS:
            if outcome[f] == "-":
                continue
            s = scores[f]
            s.total += 1
            setattr(s, outcome[f], getattr(s, outcome[f]) + 1)
            if outcome[f] == "silent":
                s.silent_docs.append(d.name)
            if f in hand and not hand[f]:
                s.typed_total += 1
                s.typed_right += outcome[f] == "right"
        if base:
            b = base[d.name]
            for f in ("number", "date"):
                if d.truth.get(f) is not None:
                    base_right[f"total_{f}"] += 1
                    base_right[f] += (_same_number(b[f], d.truth[f]) if f == "number" else b[f] == d.truth[f])
        mark = {"right": "ok", "flagged": "flag", "silent": "SILENT", "-": "-"}
        print(f"  {d.name}: " + "; ".join(
            f"{f} {mark[outcome[f]]}" + (f" ({rec.get(f if f != 'month' else 'period')!r} is "
                                          f"{d.truth.get(f if f != 'month' else 'date')!r})"
                                          if outcome[f] in ("flagged", "silent") and f != "type" else "")
            for f in FIELDS) + f"; {len(records)} record(s); {seconds:.0f} s")
        rows.append({"doc": d.name, "truth": d.truth, "read": records, "outcome": outcome,
                     "baseline": base.get(d.name)})
    print("\nTotals (right / flagged / silent of those with a truth; typed = not handwritten):")
    for f in FIELDS:
        s = scores[f]
        typed = f"; typed right {s.typed_right}/{s.typed_total}" if f in ("number", "date") else ""
        silent = f" ({', '.join(s.silent_docs)})" if s.silent_docs else ""
        print(f"  {f:7s} right {s.right}/{s.total}, flagged {s.flagged}, silent {s.silent}{silent}{typed}")
    if args.pages == "all":
        print(f"  documents read as one record: {one_record}/{len(docs)}")
    if base:
        print(f"  baseline (plain Tesseract + regex): number {base_right['number']}/{base_right['total_number']}, "
              f"date {base_right['date']}/{base_right['total_date']}")
    if not args.no_handwriting:
        firsts = {d.name: _first_page(d, cache, args.dpi) for d in docs}
        with cf.ThreadPoolExecutor(args.workers) as pool:
            hand = [r for rs in pool.map(lambda d: _hand_rows(d, firsts[d.name], args.dpi), docs) for r in rs]
        _print_hand(hand)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
