"""Every page at an office PC's width (1366 px) and a phone's (390 px), in headless Chromium: nothing
scrolls sideways, the main action is on the first screen, and a record prints on one A4 page.

Screenshots go to ``test-artifacts/web/layout/`` (those in docs/ are copies of them).
"""

from __future__ import annotations

import pytest

from test_web import PASSWORDS, Demo, HandDemo
from test_web_e2e import ARTIFACTS, browser, hand_server  # noqa: F401 - the e2e tests' fixtures
from test_web_e2e import pytestmark  # noqa: F401 - skipped, like them, without Chromium

WIDTHS = {"pc": (1366, 768), "phone": (390, 844)}


def _logged_in(browser: object, base: str, user: str, size: tuple[int, int]) -> object:
    ctx = browser.new_context(viewport={"width": size[0], "height": size[1]}, locale="vi-VN")  # type: ignore[attr-defined]
    page = ctx.new_page()
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", PASSWORDS[user])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/search")
    return page


def _pages(demo: Demo) -> list[tuple[str, str]]:
    return [("search-empty", "/search"), ("search", "/search?q=nguyen+van+an"), ("record", f"/records/{demo.an}"),
            ("review-list", "/review"), ("review", f"/review/{demo.hung}"), ("review-hand", "/review/handwritten"),
            ("dashboard", "/dashboard"), ("users", "/admin/users"), ("access-log", "/admin/access-log")]


def _sideways(page: object) -> int:
    """How many pixels the page is wider than the window (0: no horizontal scroll)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))  # type: ignore[attr-defined]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_no_page_scrolls_sideways(hand_server: tuple[str, Demo, HandDemo], browser: object, width: str) -> None:
    base, demo, _ = hand_server
    out = ARTIFACTS / "layout"
    out.mkdir(parents=True, exist_ok=True)
    wide = {}
    ctx = browser.new_context(viewport=dict(zip(("width", "height"), WIDTHS[width])))  # type: ignore[attr-defined]
    login = ctx.new_page()
    login.goto(f"{base}/login")
    login.screenshot(path=str(out / f"{width}-login.png"), full_page=True)
    if (over := _sideways(login)) > 0:
        wide["login"] = over
    ctx.close()
    page = _logged_in(browser, base, "admin", WIDTHS[width])
    for name, path in _pages(demo):
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(out / f"{width}-{name}.png"), full_page=True)
        if (over := _sideways(page)) > 0:
            wide[name] = over
    page.context.close()
    assert not wide, f"pages wider than {WIDTHS[width][0]} px (by px): {wide}"


def test_the_main_action_is_on_a_phone_s_first_screen(hand_server: tuple[str, Demo, HandDemo],
                                                       browser: object) -> None:
    """The first hit of a search, and the first record's "Rà soát" button in the queue, without scrolling."""
    base, _, _ = hand_server
    width, height = WIDTHS["phone"]
    page = _logged_in(browser, base, "luutru", (width, height))
    for path, first in (("/search?q=nguyen", "ol.hits li a.subject"), ("/review", "table.queue a.button")):
        page.goto(base + path)
        box = page.locator(first).first.bounding_box()
        assert box and box["y"] + box["height"] <= height and box["x"] + box["width"] <= width, (path, box)
    page.context.close()


def test_a_record_prints_on_one_a4_page_with_its_status(hand_server: tuple[str, Demo, HandDemo], browser: object,
                                                          tmp_path: object) -> None:
    import io

    from pypdf import PdfReader

    base, demo, _ = hand_server
    page = _logged_in(browser, base, "luutru", WIDTHS["pc"])
    page.goto(f"{base}/records/{demo.dang_lam}")
    page.wait_for_load_state("networkidle")
    page.emulate_media(media="print")
    data = page.pdf(format="A4", print_background=False)
    (ARTIFACTS / "layout").mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "layout" / "record-print.pdf").write_bytes(data)
    page.context.close()
    pdf = PdfReader(io.BytesIO(data))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1
    for shown in ("Trường THCS Đằng Lâm", "123/QĐ-SGDĐT", "hết hiệu lực", "01/03/2016"):
        assert shown in text, shown
    for hidden in ("Đăng xuất", "Tra cứu", "Sửa thông tin", "Tải PDF"):  # menus, forms and buttons
        assert hidden not in text, hidden
    assert "/Image" in str(pdf.pages[0]["/Resources"].get("/XObject", {}).values()) or pdf.pages[0].images
