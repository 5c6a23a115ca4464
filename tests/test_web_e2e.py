"""End to end in headless Chromium: log in, search without diacritics, open, correct, find again;
review handwritten digits with the keyboard only.

Playwright drives Debian's ``/usr/bin/chromium`` (never a downloaded browser)
against the app served by uvicorn on a free local port. Screenshots of each
step are written to ``test-artifacts/web/``.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ledger import Ledger
from test_web import PASSWORDS, Demo, HandDemo, add_handwritten, build_demo
from web import corrections

CHROMIUM = os.environ.get("SOHOA_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "web"
LAUNCH_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None,
    reason=f"Chromium not found at {CHROMIUM} (apt-get install chromium; set SOHOA_CHROMIUM to use another)",
)
playwright_sync = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(demo: Demo) -> Iterator[str]:
    """The app on a real port, in a thread, until the generator is closed."""
    import uvicorn

    from web.app import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(demo.settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Demo]]:
    """The app on a fresh demo data dir."""
    demo = build_demo(tmp_path_factory.mktemp("e2e"))
    for base in _serve(demo):
        yield base, demo


@pytest.fixture(scope="module")
def hand_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Demo, HandDemo]]:
    """The app on a demo data dir with records whose number or day were read from handwriting."""
    demo = build_demo(tmp_path_factory.mktemp("e2e-hand"))
    hd = add_handwritten(demo)
    for base in _serve(demo):
        yield base, demo, hd


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_sync.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


def shot(page: object, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)  # type: ignore[attr-defined]


def test_clerk_searches_without_diacritics_and_opens_the_record(server: tuple[str, Demo], browser: object) -> None:
    base, demo = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(f"{base}/search")
    assert "/login" in page.url
    shot(page, "01-login")
    page.fill("input[name=username]", "tracuu")
    page.fill("input[name=password]", PASSWORDS["tracuu"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/search")
    page.fill("input[name=q]", "nguyen van an")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li")
    assert page.inner_text("#total") == "1"
    assert page.inner_text("ol.hits mark") == "Nguyễn Văn An"
    assert page.inner_text("ol.hits .badge") == "còn hiệu lực"
    shot(page, "02-search")
    page.click("ol.hits a.subject")
    page.wait_for_url(f"{base}/records/{demo.an}?back=**")
    assert page.inner_text("td.v-subject") == "Nguyễn Văn An"
    assert page.inner_text("td.v-number") == "45/SGDĐT-KTKĐ"
    page.wait_for_load_state("networkidle")
    # both page images loaded (the original was rendered from the scan on demand)
    widths = page.eval_on_selector_all(".panes img", "imgs => imgs.map(i => i.naturalWidth)")
    assert len(widths) == 2 and all(w > 0 for w in widths)
    assert page.locator("text=Sửa thông tin").count() == 0
    shot(page, "03-record")
    page.click("label.zoom-label")
    shot(page, "04-record-zoom")
    ctx.close()


def test_archivist_corrects_a_field_and_search_finds_it(server: tuple[str, Demo], browser: object) -> None:
    base, demo = server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", "luutru")
    page.fill("input[name=password]", PASSWORDS["luutru"])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/search")
    page.click("nav >> text=Rà soát")
    page.wait_for_url(f"{base}/review")
    shot(page, "05-review-queue")
    page.click(f"a[href='/review/{demo.hung}']")
    page.wait_for_url(f"{base}/review/{demo.hung}")
    page.wait_for_load_state("networkidle")
    crop_w = page.eval_on_selector("td.crop img[alt='Người / đơn vị được cấp']", "i => i.naturalWidth")
    assert crop_w > 0
    shot(page, "06-review-form")
    page.select_option("select[name=type]", "xac_minh_van_bang")
    page.fill("input[name=subject]", "Nguyễn Văn Hùng")
    page.fill("input[name=number]", "77/SGDĐT-KTKĐ")
    page.click("button[name=mark_reviewed]")
    page.wait_for_url(f"{base}/review?saved=*")
    assert "Đã lưu" in page.inner_text("p.ok")
    assert page.locator(f"a[href='/review/{demo.hung}']").count() == 0
    page.click("nav >> text=Tra cứu")
    page.fill("input[name=q]", "nguyen van hung")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ol.hits li")
    assert page.inner_text("#total") == "1"
    assert page.inner_text("ol.hits a.subject") == "Nguyễn Văn Hùng"
    shot(page, "07-search-after-correction")
    page.click("ol.hits a.subject")
    assert "Nguyen Văn Hùug" in page.inner_text("table.history")
    shot(page, "08-record-history")
    page.click("nav >> text=Tổng quan")
    page.wait_for_selector("svg.chart")
    shot(page, "09-dashboard")
    page.click("a.lang")
    page.wait_for_selector("text=Dashboard")
    assert "Digitization progress" in page.inner_text("h1")
    shot(page, "10-dashboard-en")
    ctx.close()


def test_archivist_reviews_handwritten_digits_with_the_keyboard_only(
        hand_server: tuple[str, Demo, HandDemo], browser: object) -> None:
    base, demo, hd = hand_server
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(f"{base}/login?next=/review")
    page.fill("input[name=username]", "luutru")
    page.fill("input[name=password]", PASSWORDS["luutru"])
    page.press("input[name=password]", "Enter")
    page.wait_for_url(f"{base}/review")
    page.click("#hand-link")
    page.wait_for_url(f"{base}/review/handwritten")
    page.wait_for_load_state("networkidle")

    def showing() -> tuple[str, str, str]:
        crop = page.get_attribute(".hand-crop img", "src") or ""
        return crop, page.get_attribute("#digits", "placeholder") or "", page.evaluate("document.activeElement.id")

    def go(*keys: str) -> None:
        url = page.url
        for key in keys:
            page.keyboard.press(key)
        page.wait_for_url(lambda u: u != url)
        page.wait_for_load_state("networkidle")

    assert showing() == (f"/records/{hd.binh}/crop/number.jpg", "1595", "digits")
    natural, shown = page.eval_on_selector(".hand-crop img", "i => [i.naturalWidth, i.getBoundingClientRect().width]")
    assert natural > 0 and shown == 3 * natural  # the slot, three times its size
    shot(page, "11-hand-review")
    go("Enter")  # the reading is right
    assert showing() == (f"/records/{hd.cuong}/crop/issue_date.jpg", "21", "digits")
    page.keyboard.type("24")
    shot(page, "12-hand-review-typed")
    go("Enter")  # the day was 24
    assert showing() == (f"/records/{hd.dung}/crop/number.jpg", "207", "digits")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "skip"
    go("Enter")  # skipped
    assert showing() == (f"/records/{hd.dung}/crop/issue_date.jpg", "9", "digits")
    assert page.inner_text("#hand-left") == "2"  # the skipped one still waits
    shot(page, "13-hand-review-after-skip")
    ctx.close()
    with Ledger(demo.settings.ledger_path) as ledger:
        binh, cuong, dung = ledger.records([hd.binh, hd.cuong, hd.dung])
        rows = corrections.hand_confirmations(ledger)
    assert binh.number == "1595/SGDĐT-CTrTT" and not binh.needs_review
    assert str(cuong.issue_date) == "2012-05-24" and cuong.needs_review
    assert dung.number == "207/QĐ-SGDĐT" and dung.needs_review
    assert [(r.record_key, r.read, r.confirmed, r.user) for r in rows] == [
        (hd.binh, "1595", "1595", "luutru"), (hd.cuong, "21", "24", "luutru")]
