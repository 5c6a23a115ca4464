"""Review speed of handwritten numbers: the keyboard queue against the per-record review page.

Usage (self-contained: the data dirs are drawn in a temp dir)::

    .venv/bin/python -m bench.review_speed [--fields 100] [--wrong 0.2] [--seed 7] [--look 4.0] [--key 0.25]

It draws ``--fields`` one-page records (PIL): a typed header whose number's
digits are written "by hand" (a script font), each record sent to review
because the digit reader read its number (the reason
``pipeline.handwritten`` writes, and the page's ``hand`` layer with the
slot). For ``--wrong`` of them the reader's digits are wrong (one digit
changed); the page shows the true ones.

The same data dir is built twice and served by the web app (uvicorn in a
thread); Playwright drives Debian's Chromium (``SOHOA_CHROMIUM``, default
``/usr/bin/chromium``; never a downloaded browser) as an archivist with the
keyboard only, in the same run:

- **queue** (``/review/handwritten``): Enter when the digits are right,
  otherwise type the true digits, then Enter; the next field loads.
- **baseline** (the per-record review page): from the review list, Tab to
  the first record's "Rà soát" link and Enter; on ``/review/{key}`` Tab to
  the number field; when wrong, Home, Delete over the digits, type the true
  ones; Tab to "Lưu + Đánh dấu đã rà soát" and Enter, back to the list.
  Tabs are counted as pressed (until the focus is where it must be).

Per field it measures the **machine time** — the wall time of the
navigations (request, server, redirect, the page loaded with its eager
images), keystrokes excluded — and counts the **keystrokes**. The
**person time** is a stated model, not a measurement: ``--look`` seconds to
look at the crop and decide (4 s), ``--key`` seconds per keystroke (0.25 s),
plus the machine time waited for. It leaves out finding the field on the
full review page, so it favours the baseline. Both flows are checked
afterwards against the truth in the ledger.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import random
import shutil
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

__all__ = ["FlowResult", "build_data_dir", "main"]

CHROMIUM = os.environ.get("SOHOA_CHROMIUM", "/usr/bin/chromium")
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TYPED_FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
HAND_FONTS = ("/usr/share/fonts/truetype/kristi/Kristi.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf")
USER, PASSWORD = "luutru", "luu-tru-bench-2024"
SYMBOLS = ("SGDĐT-KTKĐ", "SGDĐT-CTrTT", "QĐ-SGDĐT", "SGDĐT-GDTrH")
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em", "Vũ Thị Giang",
         "Đặng Văn Hùng", "Bùi Thị Lan", "Đỗ Văn Minh", "Ngô Thị Nga")
PAGES_PER_FILE = 10


@dataclass(frozen=True)
class Truth:
    """One drawn record: what the hand wrote and what the reader read."""

    key: str
    digits: str  # written by hand
    read: str  # read by the digit reader
    symbol: str


@dataclass
class FlowResult:
    """What one review flow cost, field by field."""

    name: str
    machine_s: list[float] = field(default_factory=list)
    keys: list[int] = field(default_factory=list)
    wrong: list[bool] = field(default_factory=list)
    right_after: int = 0  # numbers equal to the truth and reviewed, in the ledger afterwards
    training_rows: int = 0  # rows of ``hand_confirmations`` (the reader's digits beside the true ones)

    def person_s(self, look: float, key: float) -> list[float]:
        """The model: looking at the crop, the keystrokes, and waiting for the machine."""
        return [look + key * k + m for k, m in zip(self.keys, self.machine_s)]


# -- the data dir -----------------------------------------------------------------------------------------


def _font(paths: tuple[str, ...], size: int) -> ImageFont.FreeTypeFont:
    for p in paths:
        if Path(p).is_file():
            return ImageFont.truetype(p, size)
    return ImageFont.load_default(size)


def _draw(lines: list[str], hand_line: int, digits: str, jpeg: Path, words_json: Path,
          read: str, conf: float) -> Image.Image:
    """One page; the number's digits on line ``hand_line`` by hand, the rest typed; words and hand layer saved."""
    typed, script = _font((TYPED_FONT,), 30), _font(HAND_FONTS, 44)
    img = Image.new("L", (1240, 120 + 55 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    words: list[dict[str, object]] = []
    hand: list[dict[str, object]] = []
    for i, line in enumerate(lines):
        x, y = 60, 60 + 55 * i
        for word in line.split():
            if i == hand_line and word.startswith("{"):
                head, _, rest = word[1:].partition("}")
                left, top, right, bottom = draw.textbbox((x, y - 8), head, font=script)
                draw.text((x, y - 8), head, font=script, fill=40)
                hand.append({"kind": "number", "digits": read, "confidence": conf, "box": [top, bottom, left, right],
                             "probabilities": [round(conf ** (1 / len(read)), 4)] * len(read)})
                words.append({"text": "4/3", "conf": 31.0, "left": left, "top": top, "width": right - left,
                              "height": bottom - top, "block": 1, "par": 1, "line": i + 1})
                x, word = right + 2, rest
            left, top, right, bottom = draw.textbbox((x, y), word, font=typed)
            draw.text((x, y), word, font=typed, fill=0)
            words.append({"text": word, "conf": 91.0, "left": left, "top": top, "width": right - left,
                          "height": bottom - top, "block": 1, "par": 1, "line": i + 1})
            x = right + 14
    jpeg.parent.mkdir(parents=True, exist_ok=True)
    frame = img.copy()  # saving sets encoder options ("quality") a TIFF of the frames would take up
    img.save(jpeg, "JPEG", quality=85)
    words_json.write_text(json.dumps({"words": words, "tesseract": words, "hand": hand}, ensure_ascii=False),
                          encoding="utf-8")
    return frame


def _misread(digits: str, rng: random.Random) -> str:
    i = rng.randrange(len(digits))
    other = rng.choice([d for d in "0123456789" if d != digits[i] and not (i == 0 and d == "0")])
    return digits[:i] + other + digits[i + 1 :]


def build_data_dir(root: Path, fields: int, wrong: float, seed: int) -> tuple[object, list[Truth]]:
    """A data dir of ``fields`` records whose number the digit reader read, its users and its index.

    Returns:
        The settings and each record's truth, in the order of the queues.
    """
    from indexing import open_index, to_index_doc
    from pipeline.domain import ClassifiedRecord, ProcedureType, RecordFields
    from ledger import Ledger
    from core.settings import Settings
    from web.auth import WebStore

    rng = random.Random(seed)
    settings = Settings(data_dir=root / "data", workers=1)
    wrong_ones = set(rng.sample(range(fields), round(fields * wrong)))
    truths: list[Truth] = []
    with Ledger(settings.ledger_path) as ledger:
        batch = ledger.ensure_batch("hop-bench", fonds="SGDĐT-HP", box="01", file_code="HS-2012-01")
        for start in range(0, fields, PAGES_PER_FILE):
            plan = []
            frames = []
            derived = settings.derived_dir / f"f{start:04d}"
            for n, i in enumerate(range(start, min(fields, start + PAGES_PER_FILE)), start=1):
                digits = str(rng.randint(1, 2999))
                read = _misread(digits, rng) if i in wrong_ones else digits
                conf = rng.uniform(0.3, 0.7) if i in wrong_ones else rng.uniform(0.6, 0.95)
                symbol, name = rng.choice(SYMBOLS), NAMES[i % len(NAMES)]
                day = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(3000))
                lines = ["SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG", f"Số: {{{digits}}}/{symbol}",
                         f"Hải Phòng, ngày {day.day:02d} tháng {day.month} năm {day.year}",
                         f"Xác nhận {name} đã tốt nghiệp trung học phổ thông."]
                frames.append(_draw(lines, 1, digits, derived / f"p{n}.jpg", derived / f"p{n}.json", read, conf))
                number = f"{read}/{symbol}"
                reason = (f"review: number {number} read from handwriting ({read}, confidence {conf:.2f}: "
                          f"{', '.join(f'{conf ** (1 / len(read)):.2f}' for _ in read)}); "
                          f"Tesseract read 'Số: 4/3 /{symbol}'")
                rec = ClassifiedRecord(
                    pages=(n,), type=ProcedureType.XAC_MINH_VAN_BANG, confidence=0.93,
                    reasons=("title: xác nhận", reason),
                    fields=RecordFields(number=number, date=day, issuer="SỞ GIÁO DỤC VÀ ĐÀO TẠO", subject=name),
                    needs_review=True)
                text = "\n".join(lines).replace("{", "").replace("}", "")
                plan.append((n, rec, text, digits, read, symbol))
            scan = root / "scans" / f"hop-bench-{start:04d}.tif"
            scan.parent.mkdir(parents=True, exist_ok=True)
            frames[0].save(scan, save_all=True, append_images=frames[1:])
            sha = hashlib.sha256(scan.read_bytes()).hexdigest()
            f, _ = ledger.register_file(sha, scan.stat().st_size, str(scan), batch)
            ledger.set_file(f.id, status="done", kind="tiff", page_count=len(plan))
            for n, _rec, text, *_ in plan:
                ledger.save_page(f.id, n, status="done", settings="bench", run_id=None, text=text, mean_conf=88.0,
                                 image_path=str(derived / f"p{n}.jpg"), words_path=str(derived / f"p{n}.json"))
            written, _ = ledger.replace_records(f.id, batch, [(rec, text) for _n, rec, text, *_ in plan],
                                                run_id=None)
            truths += [Truth(key, digits, read, symbol)
                       for key, (_n, _r, _t, digits, read, symbol) in zip(written, plan)]
            index = open_index(settings.resolved_index_url)
            index.write(to_index_doc(r) for r in ledger.records(written))
            index.close()
            ledger.mark_indexed(written, [])
    store = WebStore(settings.data_dir / "web.sqlite")
    store.add_user(USER, "archivist", PASSWORD)
    store.close()
    return settings, truths


# -- serving and driving ---------------------------------------------------------------------------------------


@contextmanager
def serve(settings: object) -> Iterator[str]:
    """The web app on a free local port, in a thread."""
    import uvicorn

    from web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    srv = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,  # type: ignore[arg-type]
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(10)


def _login(page: object, base: str, target: str) -> None:
    page.goto(f"{base}/login?next={target}")  # type: ignore[attr-defined]
    page.fill("input[name=username]", USER)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    with page.expect_navigation(wait_until="load"):  # type: ignore[attr-defined]
        page.press("input[name=password]", "Enter")  # type: ignore[attr-defined]


def _navigate(page: object, key: str) -> float:
    """Press ``key`` and wait for the page it leads to (redirects followed, eager images loaded)."""
    t0 = time.perf_counter()
    with page.expect_navigation(wait_until="load"):  # type: ignore[attr-defined]
        page.keyboard.press(key)  # type: ignore[attr-defined]
    return time.perf_counter() - t0


def _tab_to(page: object, selector: str, limit: int = 200) -> int:
    """Press Tab until the focus is on ``selector``; how many presses it took."""
    for n in range(1, limit + 1):
        page.keyboard.press("Tab")  # type: ignore[attr-defined]
        focused = "s => document.activeElement && document.activeElement.matches(s)"
        if page.evaluate(focused, selector):  # type: ignore[attr-defined]
            return n
    raise RuntimeError(f"Tab never reached {selector}")


def run_queue(page: object, base: str, truth: dict[str, Truth]) -> FlowResult:
    """The keyboard queue: Enter on a right reading, the true digits and Enter on a wrong one."""
    out = FlowResult("queue /review/handwritten")
    _login(page, base, "/review/handwritten")
    while page.locator("#digits").count():  # type: ignore[attr-defined]
        t = truth[page.get_attribute("input[name=key]", "value")]  # type: ignore[attr-defined]
        shown = page.get_attribute("#digits", "placeholder")  # type: ignore[attr-defined]
        keys = 0
        if shown != t.digits:
            page.keyboard.type(t.digits)  # type: ignore[attr-defined]
            keys += len(t.digits)
        out.machine_s.append(_navigate(page, "Enter"))
        out.keys.append(keys + 1)
        out.wrong.append(shown != t.digits)
    return out


def run_baseline(page: object, base: str, truth: dict[str, Truth]) -> FlowResult:
    """The per-record review page, keyboard only: open from the list, fix the number, save and mark reviewed."""
    out = FlowResult("baseline /review/{key}")
    _login(page, base, "/review")
    first = "table.queue a.button"
    while page.locator(first).count():  # type: ignore[attr-defined]
        keys = _tab_to(page, first) + 1
        machine = _navigate(page, "Enter")
        t = truth[page.url.rsplit("/", 1)[1].split("?")[0]]  # type: ignore[attr-defined]
        keys += _tab_to(page, "input[name=number]")
        if t.read != t.digits:
            page.keyboard.press("Home")  # type: ignore[attr-defined]
            for _ in t.read:
                page.keyboard.press("Delete")  # type: ignore[attr-defined]
            page.keyboard.type(t.digits)  # type: ignore[attr-defined]
            keys += 1 + len(t.read) + len(t.digits)
        keys += _tab_to(page, "button[name=mark_reviewed]") + 1
        machine += _navigate(page, "Enter")
        out.machine_s.append(machine)
        out.keys.append(keys)
        out.wrong.append(t.read != t.digits)
    return out


def _check(settings: object, truths: list[Truth], result: FlowResult) -> None:
    from ledger import Ledger
    from web.corrections import hand_confirmations

    want = {t.key: f"{t.digits}/{t.symbol}" for t in truths}
    with Ledger(settings.ledger_path) as ledger:  # type: ignore[attr-defined]
        result.right_after = sum(1 for r in ledger.records(list(want))
                                 if r.number == want[r.key] and not r.needs_review)
        rows = hand_confirmations(ledger)
    truth = {t.key: t for t in truths}
    result.training_rows = sum(1 for r in rows if (r.read, r.confirmed) == (truth[r.record_key].read,
                                                                             truth[r.record_key].digits))


def run_flow(name: str, browser: object, root: Path, args: argparse.Namespace) -> FlowResult:
    """Build a data dir, serve it and review every field of it with one flow."""
    settings, truths = build_data_dir(root / name, args.fields, args.wrong, args.seed)
    by_key = {t.key: t for t in truths}
    with serve(settings) as base:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")  # type: ignore[attr-defined]
        page = ctx.new_page()
        result = (run_queue if name == "queue" else run_baseline)(page, base, by_key)
        ctx.close()
    _check(settings, truths, result)
    return result


# -- the report -------------------------------------------------------------------------------------------------


def _row(r: FlowResult, look: float, key: float) -> str:
    person = r.person_s(look, key)
    ms = [1000 * m for m in r.machine_s]
    fix = [k for k, w in zip(r.keys, r.wrong) if w]
    ok = [k for k, w in zip(r.keys, r.wrong) if not w]
    return (f"| {r.name} | {len(r.keys)} ({r.right_after} right and reviewed) | {statistics.median(ms):.0f} / "
            f"{statistics.mean(ms):.0f} / {max(ms):.0f} ms | {statistics.mean(r.keys):.1f} "
            f"({statistics.mean(ok):.1f} / {statistics.mean(fix) if fix else 0:.1f}) | "
            f"{statistics.mean(person):.2f} s | {sum(person) / len(person) * 100 / 60:.1f} | {r.training_rows} |")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fields", type=int, default=100, help="records, one handwritten number each (default 100)")
    p.add_argument("--wrong", type=float, default=0.2, help="share the reader read wrong (default 0.2)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--look", type=float, default=4.0, help="model: seconds to look at a crop (default 4)")
    p.add_argument("--key", type=float, default=0.25, help="model: seconds per keystroke (default 0.25)")
    p.add_argument("--work-dir", type=Path, help="where the data dirs go (default: a temp dir, removed)")
    args = p.parse_args(argv)
    if shutil.which(CHROMIUM) is None:
        raise SystemExit(f"Chromium not found at {CHROMIUM} (apt-get install chromium; or set SOHOA_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory(dir=args.work_dir) as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        for name in ("baseline", "queue"):
            t0 = time.perf_counter()
            results.append(run_flow(name, browser, Path(tmp), args))
            print(f"{name}: {len(results[-1].keys)} fields in {time.perf_counter() - t0:.1f} s (with the data dir)")
        browser.close()
    print(f"\nmachine: {platform.node()} · {os.cpu_count()} cores · Python {platform.python_version()} · "
          f"Chromium {CHROMIUM} · load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"fields: {args.fields}, {round(args.fields * args.wrong)} read wrong (seed {args.seed}); person-time "
          f"model: {args.look:g} s to look at a crop + {args.key:g} s per keystroke + the machine time\n")
    print("| flow | fields cleared | machine time per field (p50 / mean / max) | keystrokes per field "
          "(all (right / wrong reading)) | person time per field (model) | minutes per 100 fields (model) | "
          "training rows |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(_row(r, args.look, args.key))
    base, queue = (statistics.mean(r.person_s(args.look, args.key)) for r in results)
    print(f"\nqueue vs baseline: {base / queue:.1f}x faster for a person (model), "
          f"{statistics.mean(results[0].keys) / statistics.mean(results[1].keys):.1f}x fewer keystrokes, "
          f"machine time {statistics.mean(results[1].machine_s) / statistics.mean(results[0].machine_s):.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
