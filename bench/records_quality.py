"""Records quality: type, number, date, subject per damage level, and segmentation.

Ingests a generated sample set with the real ``sohoa ingest`` (restoration +
Tesseract) into a data directory, or reuses one, then rebuilds the records
from the OCR text stored in the ledger with the current stages and compares
them with the set's ground truth. In the same run it scores a baseline: plain
exact regular expressions on the same OCR text (no folding tolerance, no
fuzzy matching, no OCR-confusion repair, no gazetteer), so the figures show
what the robust stages add. ``--ledger`` also scores the records as the
ingest wrote them.

    python -m samples.generate --out /tmp/rq --records 90 --levels mild,heavy --seed 11 --jobs 2
    python -m bench.records_quality --set /tmp/rq --data-dir /tmp/rq-data
    python -m bench.records_quality --set /tmp/rq2 --reuse --train-from /tmp/rq   # + the learned vote
    python -m bench.records_quality --set /tmp/rq --reuse --reread-cost          # + what the header re-read costs

A field is right only when the record was segmented right and the value is
exactly the truth (subject and issuer compared folded; an abbreviation's dot in the issuer, "TP.", aside).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench._gt import Predicted, RecordScore, from_rows, score
from ocr.layout import read_page_text
from ocr.loader import FileInfo, inspect_file, load_page
from ocr.derived import load_hand, word_confidences
from ocr.pages import knowledge
from ocr.reread import reread_header
from ocr.restore import restore_page, split_ink
from pipeline.duplicates import find_duplicates
from pipeline.profile import Profile
from pipeline.profile_load import load_profile
from pipeline.domain import ProcedureType
from pipeline.learned import TypeModel, train_model
from ledger import Ledger
from pipeline.records import PageText, build_records, doubtful_words
from pipeline.revocation import find_revocations
from core.settings import Settings

Pipeline = Callable[[Sequence[PageText]], list[tuple[tuple[int, ...], str, str | None, dt.date | None,
                                                      str | None, str | None]]]


# --------------------------------------------------------------------------
# Baseline: exact regular expressions
# --------------------------------------------------------------------------

_EXACT_MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
_EXACT_NUMBER = re.compile(r"Số:?\s*(\d+)\s*/\s*([A-ZĐ&]+(?:-[A-ZĐ&]+)*)")
_EXACT_DATE = re.compile(r"ngày (\d{1,2}) tháng (\d{1,2}) năm (\d{4})")
_EXACT_TYPES = (
    ("xac_minh_van_bang", "xác minh văn bằng"),
    ("kiem_dinh_chat_luong", "kiểm định chất lượng giáo dục"),
    ("cong_nhan_chuan_quoc_gia", "đạt chuẩn Quốc gia"),
    ("cap_ban_sao_van_bang", "bản sao văn bằng"),
    ("chinh_sua_van_bang", "chỉnh sửa nội dung văn bằng"),
    ("cong_nhan_van_bang_nuoc_ngoai", "nước ngoài"),
)
_EXACT_SCHOOL = re.compile(r"Trường (?:Mầm non|Tiểu học|THCS|THPT)(?: [A-ZĐ][\wÀ-ỹ]*)+")
_EXACT_PERSON = re.compile(r"(?:Họ và tên|ông|bà|Ông|Bà):? ((?:[A-ZĐÀ-Ỹ][\wÀ-ỹ]*\s?){2,5})")


def _exact_date(text: str) -> dt.date | None:
    m = _EXACT_DATE.search(text)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def exact_baseline(pages: Sequence[PageText]) -> list:
    """Segment and extract with exact patterns only (the comparison baseline)."""
    groups: list[list[PageText]] = []
    for p in pages:
        starts = not groups or _EXACT_MOTTO in p.text or _EXACT_NUMBER.search(p.text[:400]) is not None
        if starts:
            groups.append([p])
        else:
            groups[-1].append(p)
    out = []
    for g in groups:
        text = "\n".join(p.text for p in g)
        rtype = next((code for code, phrase in _EXACT_TYPES if phrase.lower() in text.lower()), "khac")
        m = _EXACT_NUMBER.search(text)
        number = f"{m.group(1)}/{m.group(2)}" if m else None
        school_types = ("kiem_dinh_chat_luong", "cong_nhan_chuan_quoc_gia")
        sm = _EXACT_SCHOOL.search(text) if rtype in school_types else _EXACT_PERSON.search(text)
        subject = (sm.group(0) if rtype in school_types else sm.group(1)).strip() if sm else None
        # The issuer: the two lines above "Số", as read.
        lines = [ln.strip() for ln in text.split("\n")[:12] if ln.strip()]
        at = next((i for i, ln in enumerate(lines) if ln.startswith("Số")), None)
        issuer = " / ".join(lines[max(0, at - 2):at]) if at else None
        out.append((tuple(p.page_no for p in g), rtype, number, _exact_date(text), subject, issuer))
    return out


def sohoa_pipeline(pages: Sequence[PageText], profile: Profile, model: TypeModel | None = None) -> list:
    """The real stages (:func:`pipeline.records.build_records`) with a profile, and the learned vote when given a model."""
    return [(r.pages, r.type.value, r.fields.number, r.fields.date, r.fields.subject, r.fields.issuer, r.reasons)
            for r, _ in build_records(pages, dt.date(2026, 1, 1), profile, model)]


def train_from(set_dir: Path, data_dir: Path, profile: Profile) -> TypeModel:
    """A type model trained on another set, as if archivists had reviewed every record of that box.

    The labels are that set's true types; the texts are its OCR text from
    ``data_dir``'s ledger (ingest it first, e.g. by running this bench on it).
    """
    truth = json.loads((set_dir / "ground_truth.json").read_text(encoding="utf-8"))
    pages = load_pages(data_dir / "ledger.sqlite")
    examples = []
    for r in truth["records"]:
        by_no = {p.page_no: p for p in pages.get((set_dir / r["file"]).resolve(), [])}
        text = "\n\n".join(by_no[n].text for n in r["pages"] if n in by_no and by_no[n].text)
        if text:
            examples.append((text, ProcedureType(r["type"])))
    return train_model(examples, 1, profile)


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def ingest(scans: Path, data_dir: Path, workers: int | None, profile: str) -> None:
    """Run ``sohoa ingest`` on the set's scans into ``data_dir`` with ``profile``."""
    env = {**os.environ, "SOHOA_DATA_DIR": str(data_dir), "SOHOA_PROFILE": profile}
    env.pop("SOHOA_INDEX_URL", None)
    cmd = [sys.executable, "-m", "sohoa.cli", "ingest", str(scans), "--batch", "records-quality", "--no-progress"]
    if workers:
        cmd += ["--workers", str(workers)]
    subprocess.run(cmd, env=env, check=False)


def load_pages(ledger_path: Path) -> dict[Path, list[PageText]]:
    """Page texts per source file (resolved path), from a ledger."""
    out: dict[Path, list[PageText]] = {}
    with Ledger(ledger_path) as ledger:
        rows = ledger.query("SELECT f.path, p.page_no, p.status, p.text, p.mean_conf, p.quality, p.words_path "
                            "FROM pages p JOIN files f ON f.id = p.file_id ORDER BY f.path, p.page_no")
    for r in rows:
        done = r["status"] == "done"
        out.setdefault(Path(r["path"]).resolve(), []).append(
            PageText(r["page_no"], r["text"] if done else "", r["mean_conf"], not done, r["quality"],
                     doubtful_words(word_confidences(r["words_path"])) if done else (),
                     load_hand(r["words_path"]) if done else ()))
    return out


def predict(pages: dict[Path, list[PageText]], pipeline: Pipeline) -> list[Predicted]:
    """Run a pipeline over every file."""
    return [Predicted(path, *rec) for path, pp in pages.items() for rec in pipeline(pp)]


def _row(name: str, level: str, s: RecordScore, reviewed: bool) -> str:
    wrong = "/".join(str(s.wrong[f]) for f in ("number", "date", "subject"))
    silent = "/".join(str(s.silent[f]) for f in ("number", "date", "issuer", "subject")) if reviewed else "—"
    return (f"| {name} | {level} | {s.records} | {s.pct(s.found):.1f} | {s.pct(s.type_ok):.1f} | "
            f"{s.pct(s.number_ok):.1f} | {s.pct(s.date_ok):.1f} | {s.pct(s.subject_ok):.1f} | "
            f"{s.pct(s.issuer_ok):.1f} | {wrong} | {silent} | {s.stacked_files_ok}/{s.stacked_files} |")


def report(truth: dict, root: Path, variants: dict[str, list[Predicted]], show_misses: bool) -> str:
    """The markdown table of every variant per damage level."""
    levels = sorted({g.get("damage", "?") for g in truth["records"]})
    lines = [
        "| stages | damage | records | segmented right % | type % | number % | date % | subject % | issuer % "
        "| wrong number/date/subject | silent number/date/issuer/subject | stacked files right |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    misses: list[str] = []
    for name, preds in variants.items():
        for level in [*levels, None]:
            s = score(truth, root, preds, level)
            lines.append(_row(name, level or "all", s, any(p.reasons for p in preds)))
            if level is None and show_misses and name == next(iter(variants)):
                misses = s.misses
    if misses:
        lines += ["", f"Misses of {next(iter(variants))}:", *(f"- {m}" for m in misses)]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, required=True, help="generated set (holds ground_truth.json)")
    ap.add_argument("--data-dir", type=Path, help="data dir to ingest into or reuse (default: SET/../<name>-data)")
    ap.add_argument("--reuse", action="store_true", help="do not ingest; use the pages already in the ledger")
    ap.add_argument("--workers", type=int, help="pages read in parallel by the ingest")
    ap.add_argument("--ledger", action="store_true", help="also score the records as the ingest stored them")
    ap.add_argument("--misses", action="store_true", help="list the records the stages got wrong")
    ap.add_argument("--train-from", type=Path, metavar="SET",
                    help="also score sohoa with a type model trained on this other, already ingested set")
    ap.add_argument("--train-data-dir", type=Path, help="data dir of --train-from (default: SET/../<name>-data)")
    ap.add_argument("--profile", default="default",
                    help="the profile the ingest reads with and the stages use (default: default)")
    ap.add_argument("--also-profile", metavar="PROFILE",
                    help="also score the stages with this other profile on the same OCR text (e.g. hai-phong)")
    ap.add_argument("--reread-cost", action="store_true",
                    help="also read every page again (restore + OCR) and time the header re-read against the page read")
    args = ap.parse_args(argv)
    truth = json.loads((args.set / "ground_truth.json").read_text(encoding="utf-8"))
    data_dir = args.data_dir or args.set.with_name(args.set.name + "-data")
    if not args.reuse:
        ingest(args.set / "scans", data_dir, args.workers, args.profile)
    ledger_path = data_dir / "ledger.sqlite"
    pages = load_pages(ledger_path)
    n_pages = sum(len(p) for p in pages.values())
    profile = load_profile(args.profile)
    variants = {f"sohoa ({profile.name} profile)": predict(pages, lambda pp: sohoa_pipeline(pp, profile))}
    if args.also_profile:
        other = load_profile(args.also_profile)
        variants[f"sohoa ({other.name} profile)"] = predict(pages, lambda pp: sohoa_pipeline(pp, other))
    if args.train_from:
        model = train_from(args.train_from,
                           args.train_data_dir or args.train_from.with_name(args.train_from.name + "-data"), profile)
        print(f"type model trained on {model.card.examples} records of {args.train_from} "
              f"(cross-validated {model.card.cv_accuracy or 0:.1%}, rules {model.card.rules_accuracy:.1%} there)")
        variants["sohoa + learned vote"] = predict(pages, lambda pp: sohoa_pipeline(pp, profile, model))
    variants["exact regex baseline"] = predict(pages, exact_baseline)
    if args.ledger:
        with Ledger(ledger_path) as ledger:
            variants["sohoa (as ingested)"] = from_rows(ledger.records())
    print(f"set {args.set} (seed {truth.get('seed')}, {len(truth['records'])} records, {n_pages} pages "
          f"in {len(pages)} files), OCR text from {ledger_path}\n")
    print(report(truth, args.set, variants, args.misses))
    print("\n" + links_summary(pages, profile, truth, args.set))
    if args.reread_cost:
        print("\n" + reread_cost(ledger_path, Settings(profile=args.profile)))
    return 0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def reread_cost(ledger_path: Path, settings: Settings) -> str:
    """What the header re-read (:mod:`ocr.reread`) costs next to the page read it follows.

    Every page of the ledger is restored again from its scan and read as the
    ingest reads it (:func:`ocr.layout.read_page_text`), then its header
    lines are re-read where needed; the wall time and the CPU time of the
    Tesseract processes of both steps are summed (one page at a time).
    """
    with Ledger(ledger_path) as ledger:
        rows = ledger.query("SELECT f.path, p.page_no FROM pages p JOIN files f ON f.id = p.file_id "
                            "WHERE p.status = 'done' ORDER BY f.path, p.page_no")
    infos: dict[str, FileInfo] = {}
    know = knowledge(settings)
    wall = [0.0, 0.0]
    cpu = [0.0, 0.0]
    pages = lines = replaced = checks = doubted = 0
    for r in rows:
        path = Path(r["path"])
        info = infos.setdefault(r["path"], inspect_file(path, settings.limits, settings.dpi))
        gray, pen = split_ink(load_page(path, r["page_no"], info, settings.limits, settings.dpi))
        image = restore_page(gray, settings.restore, settings.tesseract, pen=pen).image
        t0, c0 = time.perf_counter(), _children_cpu()
        first = read_page_text(image, settings.tesseract, know)
        t1, c1 = time.perf_counter(), _children_cpu()
        again = reread_header(image, first, settings.tesseract, know)
        t2, c2 = time.perf_counter(), _children_cpu()
        wall[0] += t1 - t0
        wall[1] += t2 - t1
        cpu[0] += c1 - c0
        cpu[1] += c2 - c1
        again_read = [k for k in again.checked if not k.startswith("check-")]
        pages += bool(again_read)
        lines += len(again_read)
        replaced += len(again.replaced)
        checks += len(again.checked) - len(again_read)
        doubted += len(again.doubted)
    n = max(len(rows), 1)
    return (f"header re-read: {pages} of {len(rows)} pages read again ({lines} lines, {replaced} replaced), "
            f"{checks} clean lines checked ({doubted} doubted by the check); "
            f"per page of the set: page read {wall[0] / n:.2f} s ({cpu[0] / n:.2f} s Tesseract CPU), "
            f"re-read {wall[1] / n:.3f} s ({cpu[1] / n:.3f} s Tesseract CPU); "
            f"per page read again: {wall[1] / max(pages, 1):.2f} s ({cpu[1] / max(pages, 1):.2f} s Tesseract CPU)")


@dataclass(frozen=True)
class _Rec:
    key: str
    type: str
    number: str | None
    issue_date: dt.date | None
    subject: str | None
    text: str
    confidence: float
    needs_review: bool
    valid_until: dt.date | None


def links_summary(pages: dict[Path, list[PageText]], profile: Profile, truth: dict, root: Path) -> str:
    """Duplicate links and revocations among the set's records, and the rescans of one paper linked.

    Every record of the set is a distinct paper except the rescans the
    ground truth lists (``rescan_of``): a rescan must be linked to its
    original (directly or through another scan of the paper), and no two
    distinct papers may be.
    """
    recs = [
        _Rec(f"{path}:{r.pages[0]}", r.type.value, r.fields.number, r.fields.date, r.fields.subject, text,
             r.confidence, r.needs_review, r.valid_until)
        for path, pp in pages.items() for r, text in build_records(pp, dt.date(2026, 1, 1), profile)
    ]
    dups = find_duplicates(recs)
    revs = find_revocations(recs, profile)
    group = {r.key: r.key for r in recs}

    def top(k: str) -> str:
        while group[k] != k:
            k = group[k]
        return k

    for d in dups:
        group[top(d.duplicate)] = top(d.keep)
    key_of = {g["id"]: f"{(root / g['file']).resolve()}:{g['pages'][0]}" for g in truth["records"]}
    paper = {g["id"]: g.get("rescan_of") or g["id"] for g in truth["records"]}
    pairs = [(g["id"], g["rescan_of"]) for g in truth["records"] if g.get("rescan_of")]
    def together(a: str, b: str) -> bool:
        return key_of[a] in group and key_of[b] in group and top(key_of[a]) == top(key_of[b])

    linked = sum(together(a, b) for a, b in pairs)
    by_key = {v: k for k, v in key_of.items()}
    wrong = [d for d in dups if d.duplicate in by_key and d.keep in by_key
             and paper[by_key[d.duplicate]] != paper[by_key[d.keep]]]
    review = sum(r.needs_review for r in recs)
    lines = [f"{len(recs)} records, {review} flagged for review; rescans of one paper linked: {linked}/{len(pairs)}; "
             f"distinct papers linked as one: {len(wrong)}; revocations/renewals: {len(revs)}"]
    lines += [f"- not linked: {a} (rescan of {b})" for a, b in pairs if not together(a, b)]
    lines += [f"- wrongly linked: {d.reason}" for d in wrong] + [f"- {r.key}: {r.reason}" for r in revs.values()]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
