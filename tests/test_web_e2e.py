"""End to end in headless Chromium: log in, search without diacritics, open, correct, find again.

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

from test_web import PASSWORDS, Demo, build_demo

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


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Demo]]:
    """The app on a real port, in a thread, on a fresh demo data dir."""
    import uvicorn

    from web.app import create_app

    demo = build_demo(tmp_path_factory.mktemp("e2e"))
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(demo.settings), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", demo
    srv.should_exit = True
    thread.join(10)


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
    page.wait_for_url(f"{base}/records/{demo.an}")
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
