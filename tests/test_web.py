"""The web app over HTTP: every page, the permission rules, CSRF, rate limits, corrections.

A real ledger and a real embedded index are built in a temp dir; page images
are small JPEGs drawn here with the word boxes of what they show.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import warnings

import pytest
from PIL import Image, ImageDraw, ImageFont

with warnings.catch_warnings():
    # Starlette 1.x asks for httpx2 in its test client; httpx (a Prefect dependency) works the same.
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from conftest import run_sohoa
from indexing import SearchFilters, open_index, to_index_doc
from pipeline.domain import ClassifiedRecord, ProcedureType, RecordFields
from ledger import Ledger
from core.settings import Settings, WebOptions
from web import charts, corrections, images
from web.app import create_app
from web.auth import IDLE_MINUTES, MAX_FAILS_PER_USER, WebStore, hash_password, verify_password
from web.formats import highlight, safe_next

FONT = "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"
PASSWORDS = {"admin": "quan-tri-2024", "luutru": "luu-tru-2024", "tracuu": "tra-cuu-2024"}


@dataclass(frozen=True)
class Demo:
    """Keys of the records of the demo data dir."""

    settings: Settings
    an: str          # Nguyễn Văn An, verification, valid
    dang_lam: str    # Trường THCS Đằng Lâm, accreditation, expired
    hung: str        # OCR-mangled name, type unknown, needs review


def draw_words(draw: ImageDraw.ImageDraw, x: int, y: int, text: str, font: ImageFont.FreeTypeFont, line: int,
               words: list[dict], *, fill: int = 0, conf: float = 91.0, read: str | None = None) -> int:
    """Draw each word of ``text`` from ``x`` and add its OCR word box (read as ``read`` when given) to
    ``words``; the x after the last word."""
    for word in text.split():
        left, top, right, bottom = draw.textbbox((x, y), word, font=font)
        draw.text((x, y), word, font=font, fill=fill)
        words.append({"text": read or word, "conf": conf, "left": left, "top": top, "width": right - left,
                      "height": bottom - top, "block": 1, "par": 1, "line": line})
        x = right + 14
    return x


def draw_page(lines: list[str], jpeg: Path, words_json: Path, original: Path | None = None) -> None:
    """A page image with these lines and the OCR word boxes of what was drawn."""
    font = ImageFont.truetype(FONT, 30)
    img = Image.new("L", (1240, 120 + 55 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    words: list[dict] = []
    for i, line in enumerate(lines):
        draw_words(draw, 60, 60 + 55 * i, line, font, i + 1, words)
    jpeg.parent.mkdir(parents=True, exist_ok=True)
    img.save(jpeg, "JPEG", quality=85)
    words_json.write_text(json.dumps(words, ensure_ascii=False), encoding="utf-8")
    if original is not None:
        img.rotate(1.5, fillcolor=235).save(original, "PNG")


PAGES = {
    "an": ["SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG", "Số: 45/SGDĐT-KTKĐ", "Hải Phòng, ngày 05 tháng 7 năm 2010",
           "Sở xác nhận ông Nguyễn Văn An đã được cấp bằng tốt nghiệp."],
    "dang_lam": ["SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG", "Số: 123/QĐ-SGDĐT", "Hải Phòng, ngày 01 tháng 3 năm 2011",
                 "Cấp giấy chứng nhận kiểm định chất lượng cho Trường THCS Đằng Lâm."],
    "hung": ["SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG", "Hải Phòng, ngày 12 tháng 5 năm 2012",
             "Xác nhận ông Nguyen Văn Hùug đã tốt nghiệp."],
}


def build_demo(root: Path) -> Demo:
    """A data dir with a batch, one scanned file of three one-page records, and the index."""
    settings = Settings(data_dir=root / "data", workers=1)
    scans = root / "scans"
    scans.mkdir(parents=True)
    recs = {
        "an": ClassifiedRecord(
            pages=(1,), type=ProcedureType.XAC_MINH_VAN_BANG, confidence=0.93, reasons=("title: xác nhận",),
            fields=RecordFields(number="45/SGDĐT-KTKĐ", date=dt.date(2010, 7, 5), issuer="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
                                subject="Nguyễn Văn An", title="GIẤY XÁC NHẬN")),
        "dang_lam": ClassifiedRecord(
            pages=(2,), type=ProcedureType.KIEM_DINH_CHAT_LUONG, confidence=0.88, reasons=("title: kiểm định",),
            fields=RecordFields(number="123/QĐ-SGDĐT", date=dt.date(2011, 3, 1), issuer="SỞ GIÁO DỤC VÀ ĐÀO TẠO",
                                subject="Trường THCS Đằng Lâm", validity_years=5),
            valid_until=dt.date(2016, 3, 1)),
        "hung": ClassifiedRecord(
            pages=(3,), type=ProcedureType.KHAC, confidence=0.3,
            reasons=("no rule matched", "review: unknown procedure type", "review: no document number found"),
            fields=RecordFields(date=dt.date(2012, 5, 12), subject="Nguyen Văn Hùug"), needs_review=True),
    }
    scan = scans / "hop-01.tif"
    frames = []
    with Ledger(settings.ledger_path) as ledger:
        batch = ledger.ensure_batch("hop-01", fonds="SGDĐT-HP", box="01", file_code="HS-2010-05")
        derived = settings.derived_dir / "tmp"
        for n, name in enumerate(recs, start=1):
            draw_page(PAGES[name], derived / f"p{n}.jpg", derived / f"p{n}.json", root / f"orig{n}.png")
            frames.append(Image.open(root / f"orig{n}.png").convert("L"))
        frames[0].save(scan, save_all=True, append_images=frames[1:])
        sha = hashlib.sha256(scan.read_bytes()).hexdigest()
        f, _ = ledger.register_file(sha, scan.stat().st_size, str(scan), batch)
        ledger.set_file(f.id, status="done", kind="tiff", page_count=3)
        for n, name in enumerate(recs, start=1):
            ledger.save_page(f.id, n, status="done", settings="test", run_id=None, text="\n".join(PAGES[name]),
                             mean_conf=91.0, image_path=str(derived / f"p{n}.jpg"),
                             words_path=str(derived / f"p{n}.json"))
        written, _ = ledger.replace_records(
            f.id, batch, [(recs[k], "\n".join(PAGES[k])) for k in recs], run_id=None)
        index = open_index(settings.resolved_index_url)
        index.write(to_index_doc(r) for r in ledger.records(written))
        index.close()
        ledger.mark_indexed(written, [])
    store = WebStore(settings.data_dir / "web.sqlite")
    store.add_user("admin", "admin", PASSWORDS["admin"])
    store.add_user("luutru", "archivist", PASSWORDS["luutru"])
    store.add_user("tracuu", "clerk", PASSWORDS["tracuu"])
    store.close()
    return Demo(settings, *written)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    return build_demo(tmp_path_factory.mktemp("web"))


@pytest.fixture
def fresh(tmp_path: Path) -> Demo:
    """A demo data dir of its own, for tests that change it."""
    return build_demo(tmp_path)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)


def client_for(d: Demo, user: str | None = None, ip: str = "testclient") -> TestClient:
    client = TestClient(create_app(d.settings), follow_redirects=False, client=(ip, 5000))
    if user:
        r = login(client, user, PASSWORDS[user])
        assert r.status_code == 303, r.text
    return client


def login(client: TestClient, user: str, password: str) -> object:
    page = client.get("/login")
    return client.post("/login", data={"csrf": csrf_of(page.text), "username": user, "password": password,
                                       "next": "/search"})


def session_csrf(client: TestClient, path: str = "/search") -> str:
    return csrf_of(client.get(path).text)


# -- nobody sees anything without logging in -----------------------------------------


def test_every_page_needs_a_login(demo: Demo) -> None:
    c = client_for(demo)
    k = demo.an
    for path in ("/search?q=an", f"/records/{k}", f"/records/{k}/pages/1/restored.jpg",
                 f"/records/{k}/pages/1/original.jpg", f"/records/{k}/crop/number.jpg", f"/records/{k}/record.pdf",
                 "/review", f"/review/{k}", "/dashboard", "/admin/users", "/admin/access-log"):
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"].startswith("/login?next="), path
    assert c.get("/").headers["location"] == "/search"
    assert c.post(f"/records/{k}/correct", data={"subject": "x", "csrf": "x"}).status_code == 401
    assert c.post("/admin/users", data={"action": "add"}).status_code == 401
    assert c.get("/login").status_code == 200


def test_login_redirects_back_and_logout_ends_the_session(demo: Demo) -> None:
    c = client_for(demo)
    r = c.get(f"/records/{demo.an}")
    page = c.get(r.headers["location"])
    nxt = re.search(r'name="next" value="([^"]+)"', page.text).group(1)
    assert nxt == f"/records/{demo.an}"
    r = c.post("/login", data={"csrf": csrf_of(page.text), "username": "tracuu", "password": PASSWORDS["tracuu"],
                               "next": nxt})
    assert r.status_code == 303 and r.headers["location"] == nxt
    assert c.get(nxt).status_code == 200
    assert c.post("/logout", data={"csrf": session_csrf(c)}).status_code == 303
    assert c.get("/search").status_code == 303


def test_login_needs_its_csrf_token_and_rejects_outside_redirects(demo: Demo) -> None:
    c = client_for(demo)
    c.get("/login")
    r = c.post("/login", data={"username": "tracuu", "password": PASSWORDS["tracuu"]})
    assert r.status_code == 403
    assert safe_next("//evil.example/x") == "/search" and safe_next("https://evil.example") == "/search"
    assert safe_next("/records/a?b=1") == "/records/a?b=1"


def test_wrong_password_and_rate_limit_per_user(fresh: Demo) -> None:
    c = client_for(fresh)
    for _ in range(MAX_FAILS_PER_USER):
        assert login(c, "tracuu", "sai-mat-khau").status_code == 401
    # the right password no longer helps until the window passes
    r = login(c, "tracuu", PASSWORDS["tracuu"])
    assert r.status_code == 429 and "15" in r.text
    # another user from another address is not blocked
    assert login(client_for(fresh, ip="10.0.0.9"), "luutru", PASSWORDS["luutru"]).status_code == 303


def test_rate_limit_per_address(fresh: Demo) -> None:
    c = client_for(fresh, ip="10.0.0.66")
    for i in range(20):
        assert login(c, f"nobody{i}", "x" * 8).status_code == 401
    assert login(c, "luutru", PASSWORDS["luutru"]).status_code == 429
    assert login(client_for(fresh, ip="10.0.0.67"), "luutru", PASSWORDS["luutru"]).status_code == 303


def test_guessing_from_the_office_proxy_does_not_lock_the_office_out(fresh: Demo) -> None:
    """Behind the office's proxy every clerk has one address: its lock spares those who logged in from it."""
    office = "10.0.0.80"
    for user in ("admin", "tracuu"):
        client_for(fresh, user, ip=office)
    c = client_for(fresh, ip=office)
    for i in range(20):
        assert login(c, f"doan{i}", "doan-mat-khau").status_code == 401
    assert login(client_for(fresh, ip=office), "tracuu", PASSWORDS["tracuu"]).status_code == 303
    assert login(client_for(fresh, ip=office), "admin", PASSWORDS["admin"]).status_code == 303
    assert login(client_for(fresh, ip=office), "luutru", PASSWORDS["luutru"]).status_code == 429  # never there
    # the admin sees the lock and lifts it
    admin = client_for(fresh, "admin", ip="10.0.0.81")
    page = admin.get("/admin/users").text
    assert office in page and "Mở khóa đăng nhập" in page
    r = admin.post("/admin/users", data={"csrf": csrf_of(page), "action": "unlock", "address": office})
    assert r.status_code == 303
    assert login(client_for(fresh, ip=office), "luutru", PASSWORDS["luutru"]).status_code == 303


def test_an_admin_unlocks_an_account(fresh: Demo) -> None:
    c = client_for(fresh, ip="10.0.0.90")
    for _ in range(MAX_FAILS_PER_USER):
        login(c, "luutru", "doan-mat-khau")
    assert login(c, "luutru", PASSWORDS["luutru"]).status_code == 429
    admin = client_for(fresh, "admin")
    page = admin.get("/admin/users").text
    assert re.search(r'name="username" value="luutru">\s*<button type="submit" class="small">Mở khóa', page)
    assert admin.post("/admin/users", data={"csrf": csrf_of(page), "action": "unlock",
                                            "username": "luutru"}).status_code == 303
    assert login(c, "luutru", PASSWORDS["luutru"]).status_code == 303
    log = admin.get("/admin/access-log", params={"action": "user"}).text
    assert "Quản lý tài khoản" in log and "thao tác: mở khóa đăng nhập · tài khoản: luutru" in log


def test_client_address_and_https_from_a_trusted_proxy_only(fresh: Demo) -> None:
    settings = fresh.settings.model_copy(update={"web": WebOptions(trusted_proxies=("10.0.0.0/24",))})
    proxied = TestClient(create_app(settings), follow_redirects=False, client=("10.0.0.5", 5000))
    headers = {"x-forwarded-for": "192.168.1.23", "x-forwarded-proto": "https"}
    page = proxied.get("/login", headers=headers)
    assert "secure" in page.headers["set-cookie"].lower()
    # the browser talks https to the proxy and sends the Secure cookie back; the test client's http does not
    proxied.cookies.set("sohoa_login_csrf", page.cookies["sohoa_login_csrf"])
    r = proxied.post("/login", headers=headers, data={"csrf": csrf_of(page.text), "username": "tracuu",
                                                      "password": PASSWORDS["tracuu"], "next": "/search"})
    assert r.status_code == 303
    assert "secure" in r.headers["set-cookie"].lower()
    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    try:
        rows = store._rows("SELECT ip FROM login_attempts WHERE name='tracuu' ORDER BY id DESC LIMIT 1")
        assert rows[0]["ip"] == "192.168.1.23"
    finally:
        store.close()
    # the same headers from anyone else are not believed
    outsider = TestClient(create_app(settings), follow_redirects=False, client=("203.0.113.9", 5000))
    page = outsider.get("/login", headers=headers)
    r = outsider.post("/login", headers=headers, data={"csrf": csrf_of(page.text), "username": "tracuu",
                                                       "password": PASSWORDS["tracuu"], "next": "/search"})
    assert r.status_code == 303 and "secure" not in r.headers["set-cookie"].lower()
    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    try:
        assert store._rows("SELECT ip FROM login_attempts ORDER BY id DESC LIMIT 1")[0]["ip"] == "203.0.113.9"
    finally:
        store.close()
    # and an office that sets it gets Secure cookies on plain http too
    forced = fresh.settings.model_copy(update={"web": WebOptions(secure_cookies=True)})
    c = TestClient(create_app(forced), follow_redirects=False)
    page = c.get("/login")
    c.cookies.set("sohoa_login_csrf", page.cookies["sohoa_login_csrf"])
    r = c.post("/login", data={"csrf": csrf_of(page.text), "username": "tracuu", "password": PASSWORDS["tracuu"],
                               "next": "/search"})
    assert r.status_code == 303 and "secure" in r.headers["set-cookie"].lower()


def test_an_idle_session_ends(fresh: Demo) -> None:
    c = client_for(fresh, "tracuu")
    assert c.get("/search").status_code == 200
    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    try:
        idle = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=IDLE_MINUTES + 1)).isoformat(timespec="seconds")
        store._exec("UPDATE sessions SET last_seen=?", (idle,))
    finally:
        store.close()
    r = c.get("/search")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_a_disabled_account_costs_a_password_check_too(fresh: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its answer must not come faster than an active account's: the time would tell it is disabled."""
    import web.auth

    calls = []
    real = web.auth.hashlib.scrypt

    def counted(*args: object, **kwargs: object) -> bytes:
        calls.append(1)
        return real(*args, **kwargs)

    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    try:
        store.set_active("luutru", False)
        monkeypatch.setattr(web.auth.hashlib, "scrypt", counted)
        for name in ("luutru", "tracuu", "khong-co-ai"):
            calls.clear()
            assert store.login(name, "doan-mat-khau", "10.0.0.3") is None
            assert len(calls) == 1, name
        assert store.login("luutru", PASSWORDS["luutru"], "10.0.0.3") is None  # the right password, disabled
    finally:
        store.close()


def test_the_last_admin_cannot_demote_or_disable_itself(fresh: Demo) -> None:
    c = client_for(fresh, "admin")
    token = session_csrf(c, "/admin/users")
    r = c.post("/admin/users", data={"csrf": token, "action": "role", "username": "admin", "role": "clerk"})
    assert r.status_code == 400 and "quản trị viên cuối cùng" in r.text
    assert c.post("/admin/users", data={"csrf": token, "action": "disable", "username": "admin"}).status_code == 400
    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    try:
        assert store.get_user("admin").role == "admin" and store.get_user("admin").active
    finally:
        store.close()
    # with a second admin, the first may step down
    assert c.post("/admin/users", data={"csrf": token, "action": "role", "username": "luutru",
                                        "role": "admin"}).status_code == 303
    assert c.post("/admin/users", data={"csrf": token, "action": "role", "username": "admin",
                                        "role": "archivist"}).status_code == 303
    assert c.get("/admin/users").status_code == 403


def test_a_password_easy_to_guess_is_refused_in_vietnamese(fresh: Demo) -> None:
    c = client_for(fresh, "admin")
    token = session_csrf(c, "/admin/users")
    for weak in ("12345678", "matkhau123", "password1"):
        r = c.post("/admin/users", data={"csrf": token, "action": "add", "username": "moi", "role": "clerk",
                                         "password": weak})
        assert r.status_code == 400 and "Mật khẩu quá dễ đoán" in r.text, weak
        assert 'name="username"' in r.text  # the page with its forms, not a bare error
    r = c.post("/admin/users", data={"csrf": token, "action": "password", "username": "tracuu", "password": "12345678"})
    assert r.status_code == 400
    assert login(client_for(fresh), "tracuu", PASSWORDS["tracuu"]).status_code == 303


def test_banners_show_only_what_the_app_said(demo: Demo) -> None:
    c = client_for(demo, "luutru")
    planted = "Tài khoản bị khóa, gọi 0900 000 000"
    for path in (f"/records/{demo.an}", f"/review/{demo.hung}", "/review"):
        r = c.get(path, params={"saved": planted})
        assert r.status_code == 200 and planted not in r.text, path
    assert "Đã lưu 2 thay đổi." in c.get(f"/records/{demo.an}", params={"saved": "2"}).text
    admin = client_for(demo, "admin")
    r = admin.get("/admin/users", params={"msg": planted})
    assert r.status_code == 200 and planted not in r.text
    assert "Đã thực hiện." in admin.get("/admin/users", params={"msg": "ok"}).text


def test_clerks_see_file_names_not_server_paths(demo: Demo) -> None:
    folder = str(Path(demo.settings.data_dir).parent / "scans")
    c = client_for(demo, "tracuu")
    for path, params in (("/search", {"q": "an"}), (f"/records/{demo.an}", {})):
        r = c.get(path, params=params)
        assert r.status_code == 200 and "hop-01.tif" in r.text and folder not in r.text, path
    assert folder not in client_for(demo, "luutru").get("/review").text
    assert folder in client_for(demo, "admin").get(f"/records/{demo.an}").text


def test_odd_numbers_in_urls_are_no_server_error(demo: Demo) -> None:
    c = client_for(demo, "luutru")
    huge = "9" * 5000
    for path, params in (("/search", {"q": "an", "page": "²"}), ("/search", {"q": "an", "page": huge}),
                         ("/search", {"q": "an", "year": huge}), ("/search", {"year": "٣"}),
                         ("/review", {"page": huge}), (f"/records/{demo.an}", {"saved": huge})):
        assert c.get(path, params=params).status_code == 200, (path, params)
    for client in (c, client_for(demo)):  # before the login check too
        r = client.get(f"/records/{demo.an}/pages/{huge}/restored.jpg")
        assert r.status_code == 404, r.status_code
    assert c.get(f"/records/{demo.an}/pages/1/restored.jpg").status_code == 200


# -- search ----------------------------------------------------------------------------


def test_search_without_diacritics_with_highlights_badges_and_facets(demo: Demo) -> None:
    c = client_for(demo, "tracuu")
    r = c.get("/search", params={"q": "nguyen van an"})
    assert r.status_code == 200
    assert f'href="/records/{demo.an}?back=/search%3Fq%3Dnguyen' in r.text
    assert "<mark>Nguyễn Văn An</mark>" in r.text
    assert 'class="badge st-valid">còn hiệu lực' in r.text
    assert re.search(r'<b id="total">1</b>', r.text)
    r = c.get("/search", params={"q": "so giao duc"})
    # the two records the Sở issued; the third, the UBND's, names the Sở only in its text
    assert re.search(r'<b id="total">2</b>', r.text)
    assert "hết hiệu lực" in r.text and "chưa rõ" in r.text
    assert re.search(r"Kiểm|kiểm định chất lượng giáo dục</a> <span class=\"count\">1</span>", r.text)


def test_search_offers_the_documents_text_when_it_skipped_it(demo: Demo) -> None:
    """Records named by the query are the answer; a link asks again "also in the texts", which shows the
    record naming the words only in its text after them, counts it, and offers the link no more."""
    c = client_for(demo, "tracuu")
    named = c.get("/search", params={"q": "so giao duc"})
    link = re.search(r'<a id="also-in-text" href="([^"]+)"[^>]*>Tìm cả trong nội dung văn bản</a>', named.text)
    assert link and "text=1" in link.group(1)
    wide = c.get(link.group(1).replace("&amp;", "&"))
    assert wide.status_code == 200 and re.search(r'<b id="total">3</b>', wide.text)
    shown = [re.findall(r'class="subject" href="/records/([^"?]+)', r.text) for r in (named, wide)]
    assert len(shown[0]) == 2 and shown[1][:2] == shown[0] and len(set(shown[1])) == 3  # the text's record last
    assert 'id="also-in-text"' not in wide.text
    assert 'id="also-in-text"' not in c.get("/search", params={"q": "nguyen vam an"}).text  # the texts were asked
    english = c.get("/search", params={"q": "so giao duc", "lang": "en"})
    assert "Also search the documents&#39; text" in english.text or "Also search the documents' text" in english.text


def test_a_misread_query_shows_its_near_matches_as_such(demo: Demo) -> None:
    """A near spelling's records are shown marked "gần đúng", never as if the words were found as typed."""
    c = client_for(demo, "tracuu")
    r = c.get("/search", params={"q": "nguyen vam an"})  # "van" misread "vam"
    assert r.status_code == 200 and f'href="/records/{demo.an}?' in r.text
    assert 'class="badge near"' in r.text and "gần đúng" in r.text
    exact = c.get("/search", params={"q": "nguyen van an"})
    assert 'class="badge near"' not in exact.text
    english = c.get("/search", params={"q": "nguyen vam an", "lang": "en"})
    assert "near match" in english.text


def test_search_pages_through_the_hits(demo: Demo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("web.search.PAGE_SIZE", 2)
    c = client_for(demo, "tracuu")
    first = c.get("/search", params={"q": ""})
    assert first.status_code == 200 and "Trang 1 / 2" in first.text
    nxt = re.search(r'<a href="([^"]+)">Trang sau', first.text).group(1).replace("&amp;", "&")
    assert "page=2" in nxt
    second = c.get(nxt)
    assert second.status_code == 200 and "Trang 2 / 2" in second.text and "Trang trước" in second.text
    shown = [re.findall(r'class="subject" href="/records/([^"?]+)', r.text) for r in (first, second)]
    assert len(shown[0]) == 2 and len(shown[1]) == 1 and not set(shown[0]) & set(shown[1])


def test_search_filters(demo: Demo) -> None:
    c = client_for(demo, "tracuu")
    expired = c.get("/search", params={"q": "", "status": "expired", "on": "2020-01-01"}).text
    assert demo.dang_lam in expired and demo.an not in expired
    valid_2012 = c.get("/search", params={"status": "valid", "on": "2012-01-01"}).text
    assert demo.dang_lam in valid_2012 and demo.an in valid_2012 and demo.hung not in valid_2012
    by_type = c.get("/search", params={"type": "kiem_dinh_chat_luong"}).text
    assert demo.dang_lam in by_type and demo.an not in by_type
    assert demo.an in c.get("/search", params={"year": "2010"}).text
    assert demo.an not in c.get("/search", params={"year": "2011"}).text
    assert demo.dang_lam in c.get("/search", params={"q": "123/qd-sgddt"}).text
    assert demo.an in c.get("/search", params={"issuer": "so giao duc", "q": "an"}).text


def test_english_switch_is_remembered(demo: Demo) -> None:
    c = client_for(demo, "tracuu")
    r = c.get("/search", params={"q": "nguyen van an", "lang": "en"})
    assert 'class="badge st-valid">valid' in r.text and 'lang="en"' in r.text
    assert 'lang="en"' in c.get("/dashboard").text
    assert "Tổng quan" in c.get("/dashboard", params={"lang": "vi"}).text


# -- record pages and files ------------------------------------------------------------------


def test_record_page_shows_fields_validity_reasons_provenance_and_logs_access(demo: Demo) -> None:
    c = client_for(demo, "tracuu")
    r = c.get(f"/records/{demo.dang_lam}")
    assert r.status_code == 200
    for text in ("123/QĐ-SGDĐT", "01/03/2011", "Trường THCS Đằng Lâm", "01/03/2016", "hết hiệu lực",
                 "hop-01", "SGDĐT-HP / 01 / HS-2010-05", "hop-01.tif"):
        assert text in r.text, text
    # the classifier's trace is the archivists' (in English, technical); times are the office's, not UTC ISO
    assert "title: kiểm định" not in r.text and "+00:00" not in r.text
    assert "title: kiểm định" in client_for(demo, "luutru").get(f"/records/{demo.dang_lam}").text
    hung = c.get(f"/records/{demo.hung}").text
    assert "Cần rà soát vì" in hung and "chưa xác định được loại thủ tục" in hung and "review:" not in hung
    with Ledger(demo.settings.ledger_path) as ledger:
        sha = ledger.records([demo.dang_lam])[0].sha256
    assert sha in r.text
    assert f"/records/{demo.dang_lam}/pages/2/restored.jpg" in r.text
    assert f"/records/{demo.dang_lam}/pages/2/original.jpg" in r.text
    assert "Sửa thông tin" not in r.text  # a clerk gets no correction form
    store = WebStore(demo.settings.data_dir / "web.sqlite")
    assert any(row.user == "tracuu" and row.record_key == demo.dang_lam and row.action == "view"
               for row in store.audit.every())
    store.close()
    assert c.get("/records/0000000000000000-p0001").status_code == 404


def test_record_page_shows_what_was_read_beside_a_proposal(fresh: Demo) -> None:
    """A value the profile proposed keeps the reading beside it; a date whose day was unreadable, its month."""
    with Ledger(fresh.settings.ledger_path) as ledger:
        with ledger.transaction() as c:
            c.execute("UPDATE records SET readings=?, period='2012-05', issue_date=NULL WHERE key=?",
                      (json.dumps({"number": "45/SGDĐT-KTKD"}, ensure_ascii=False), fresh.hung))
    r = client_for(fresh, "tracuu").get(f"/records/{fresh.hung}")
    assert r.status_code == 200
    assert "đọc được trên trang: 45/SGDĐT-KTKD" in r.text and "đọc được trên trang: 2012-05" in r.text


def test_images_are_served_by_record_and_page_only(demo: Demo) -> None:
    c = client_for(demo, "tracuu")
    r = c.get(f"/records/{demo.an}/pages/1/restored.jpg")
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(r.content)).size[0] == 1240
    r = c.get(f"/records/{demo.an}/pages/1/original.jpg")
    assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).format == "JPEG"
    with Ledger(demo.settings.ledger_path) as ledger:
        sha = ledger.records([demo.an])[0].sha256
    assert (demo.settings.derived_dir / sha[:2] / sha / "p0001_original.jpg").is_file()
    # page 2 belongs to another record; paths in the URL are not accepted
    assert c.get(f"/records/{demo.an}/pages/2/restored.jpg").status_code == 404
    assert c.get(f"/records/{demo.an}/pages/..%2F..%2Fetc%2Fpasswd/restored.jpg").status_code == 404
    assert c.get("/records/..%2F..%2Fledger.sqlite/pages/1/restored.jpg").status_code == 404


def test_searchable_pdf_has_the_text(demo: Demo) -> None:
    import pypdf

    c = client_for(demo, "tracuu")
    r = c.get(f"/records/{demo.an}/record.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = pypdf.PdfReader(io.BytesIO(r.content)).pages[0].extract_text()
    assert "Nguyễn Văn An" in text and "45/SGDĐT-KTKĐ" in text


# -- review and corrections -----------------------------------------------------------------------


def test_clerk_cannot_review_or_correct(fresh: Demo) -> None:
    c = client_for(fresh, "tracuu")
    assert c.get("/review").status_code == 403
    assert c.get(f"/review/{fresh.hung}").status_code == 403
    r = c.post(f"/records/{fresh.hung}/correct", data={"csrf": session_csrf(c), "subject": "Nguyễn Văn Hùng"})
    assert r.status_code == 403
    assert c.get("/admin/users").status_code == 403
    with Ledger(fresh.settings.ledger_path) as ledger:
        assert ledger.records([fresh.hung])[0].subject == "Nguyen Văn Hùug"


def test_post_without_or_with_a_wrong_csrf_token_is_rejected(fresh: Demo) -> None:
    c = client_for(fresh, "luutru")
    assert c.post(f"/records/{fresh.hung}/correct", data={"subject": "X"}).status_code == 403
    assert c.post(f"/records/{fresh.hung}/correct", data={"subject": "X", "csrf": "forged"}).status_code == 403
    # a token from another session does not work either
    other = session_csrf(client_for(fresh, "admin"))
    assert c.post(f"/records/{fresh.hung}/correct", data={"subject": "X", "csrf": other}).status_code == 403
    assert c.post(f"/records/{fresh.hung}/correct", json={"subject": "X"}).status_code == 403
    assert c.post("/logout", data={}).status_code == 403
    with Ledger(fresh.settings.ledger_path) as ledger:
        assert ledger.records([fresh.hung])[0].subject == "Nguyen Văn Hùug"


def test_review_queue_and_field_crops(demo: Demo) -> None:
    c = client_for(demo, "luutru")
    r = c.get("/review")
    assert r.status_code == 200
    assert f"/review/{demo.hung}" in r.text and f"/review/{demo.an}" not in r.text
    assert "chưa xác định được loại thủ tục" in r.text and "không tìm thấy số văn bản" in r.text
    assert "unknown procedure type" in c.get("/review", params={"lang": "en"}).text
    r = c.get(f"/review/{demo.hung}")
    assert r.status_code == 200
    assert f"/records/{demo.hung}/crop/subject.jpg" in r.text
    assert f"/records/{demo.hung}/crop/issue_date.jpg" in r.text  # "ngày 12 tháng 5 năm 2012"
    crop = c.get(f"/records/{demo.hung}/crop/subject.jpg")
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/jpeg"
    w, h = Image.open(io.BytesIO(crop.content)).size
    assert w < 1240 and h < 200
    assert c.get(f"/records/{demo.hung}/crop/number.jpg").status_code == 404  # no number on the page
    assert c.get(f"/records/{demo.hung}/crop/text.jpg").status_code == 404


def test_archivist_corrects_a_record_and_search_finds_the_new_value(fresh: Demo) -> None:
    c = client_for(fresh, "luutru")
    token = csrf_of(c.get(f"/review/{fresh.hung}").text)
    r = c.post(f"/records/{fresh.hung}/correct", data={
        "csrf": token, "back": "review", "type": "xac_minh_van_bang", "number": "77/SGDĐT-KTKĐ",
        "issue_date": "12/05/2012", "issuer": "", "subject": "Nguyễn Văn Hùng", "title": "", "revoked_on": "",
        "mark_reviewed": "1",
    })
    assert r.status_code == 303 and r.headers["location"].startswith("/review?saved=")
    with Ledger(fresh.settings.ledger_path) as ledger:
        rec = ledger.records([fresh.hung])[0]
        assert (rec.subject, rec.type, rec.number, rec.needs_review) == (
            "Nguyễn Văn Hùng", "xac_minh_van_bang", "77/SGDĐT-KTKĐ", False)
        hist = corrections.history(ledger, fresh.hung)
        assert ledger.index_backlog() == ([], [])
    changed = {h.field: (h.old, h.new, h.user) for h in hist}
    assert changed["subject"] == ("Nguyen Văn Hùug", "Nguyễn Văn Hùng", "luutru")
    assert changed["type"][:2] == ("khac", "xac_minh_van_bang") and changed["needs_review"][:2] == ("1", "0")
    assert "issue_date" not in changed  # same date typed in the Vietnamese form
    index = open_index(fresh.settings.resolved_index_url)
    try:
        hits = index.search("nguyen van hung", SearchFilters()).hits
    finally:
        index.close()
    assert [h.key for h in hits] == [fresh.hung] and hits[0].doc["subject"] == "Nguyễn Văn Hùng"
    page = c.get("/search", params={"q": "nguyen van hung"}).text
    assert f"/records/{fresh.hung}" in page and "còn hiệu lực" in page
    record = c.get(f"/records/{fresh.hung}").text
    assert "Lịch sử chỉnh sửa" in record and "Nguyen Văn Hùug" in record
    assert fresh.hung not in c.get("/review").text


def test_a_bad_value_is_refused_and_changes_nothing(fresh: Demo) -> None:
    c = client_for(fresh, "luutru")
    token = session_csrf(c)
    r = c.post(f"/records/{fresh.an}/correct", data={"csrf": token, "issue_date": "31/02/2010",
                                                     "subject": "Nguyễn Văn Ân"})
    assert r.status_code == 400 and "Chưa lưu: Không phải ngày (dd/mm/yyyy): 31/02/2010." in r.text
    # the page again, its form open and holding what was typed: nothing typed is lost
    assert '<details class="correct-box" id="correct" open>' in r.text
    assert 'value="31/02/2010"' in r.text and 'value="Nguyễn Văn Ân"' in r.text
    r = c.post(f"/records/{fresh.an}/correct", data={"csrf": token, "back": "review", "revoked_on": "01/01/1900"})
    assert r.status_code == 400 and "Ngày ngoài khoảng 1945–2100: 01/01/1900." in r.text and "Rà soát:" in r.text
    r = c.post(f"/records/{fresh.an}/correct", data={"csrf": token, "issue_date": "x"}, params={"lang": "en"})
    assert "Not saved: Not a date (dd/mm/yyyy): x." in r.text
    assert c.post(f"/records/{fresh.an}/correct", data={"csrf": token, "type": "bogus"}).status_code == 400
    assert c.post("/records/nope-p0001/correct", data={"csrf": token, "subject": "x"}).status_code == 404
    with Ledger(fresh.settings.ledger_path) as ledger:
        assert ledger.records([fresh.an])[0].issue_date == dt.date(2010, 7, 5)
        assert corrections.history(ledger, fresh.an) == []


# -- dashboard and admin -----------------------------------------------------------------------------


def test_dashboard_progress_and_charts(demo: Demo) -> None:
    c = client_for(demo, "tracuu")
    r = c.get("/dashboard", params={"on": "2012-06-01"})
    assert r.status_code == 200
    assert re.search(r'id="n-boxes">1<', r.text) and re.search(r'id="n-pages">3<', r.text)
    assert re.search(r'id="n-records">3<', r.text) and re.search(r'id="n-review">1<', r.text)
    assert re.search(r'id="n-valid">2<', r.text)  # An (no expiry) and Đằng Lâm (until 2016)
    assert r.text.count("<svg") == 2 and "2010" in r.text and "2011" in r.text
    later = c.get("/dashboard", params={"on": "2020-01-01"}).text
    assert re.search(r'id="n-valid">1<', later)


def test_admin_manages_users_and_reads_the_access_log(fresh: Demo) -> None:
    c = client_for(fresh, "admin")
    token = session_csrf(c, "/admin/users")
    r = c.post("/admin/users", data={"csrf": token, "action": "add", "username": "moi", "role": "clerk",
                                     "password": "mat-khau-moi"})
    assert r.status_code == 303
    assert login(client_for(fresh), "moi", "mat-khau-moi").status_code == 303
    assert c.post("/admin/users", data={"csrf": token, "action": "add", "username": "moi", "role": "clerk",
                                        "password": "mat-khau-moi"}).status_code == 400
    assert c.post("/admin/users", data={"csrf": token, "action": "add", "username": "ngan", "role": "clerk",
                                        "password": "123"}).status_code == 400
    assert c.post("/admin/users", data={"csrf": token, "action": "disable", "username": "admin"}).status_code == 400
    assert c.post("/admin/users", data={"csrf": token, "action": "role", "username": "moi",
                                        "role": "archivist"}).status_code == 303
    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    try:
        assert store.get_user("moi").role == "archivist"
    finally:
        store.close()
    c.post("/admin/users", data={"csrf": token, "action": "disable", "username": "moi"})
    assert login(client_for(fresh), "moi", "mat-khau-moi").status_code == 401
    client_for(fresh, "tracuu").get(f"/records/{fresh.an}")
    log = c.get("/admin/access-log").text
    assert "tracuu" in log and fresh.an in log and "thao tác: thêm · tài khoản: moi · vai trò: cán bộ tra cứu" in log
    assert fresh.an not in c.get("/admin/access-log", params={"user": "admin"}).text


def test_security_headers(demo: Demo) -> None:
    r = client_for(demo).get("/login")
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"
    assert client_for(demo).get("/static/style.css").status_code == 200


# -- pure parts ------------------------------------------------------------------------------------------


def test_passwords_are_salted_scrypt_hashes() -> None:
    a, b = hash_password("mat-khau-1"), hash_password("mat-khau-1")
    assert a != b and a.startswith("scrypt$") and "mat-khau" not in a
    assert verify_password("mat-khau-1", a) and not verify_password("mat-khau-2", a)
    assert not verify_password("x", "md5$abc")


def test_normalize_value() -> None:
    assert corrections.normalize_value("issue_date", " 5/7/2010 ") == "2010-07-05"
    assert corrections.normalize_value("issue_date", "2010-07-05") == "2010-07-05"
    assert corrections.normalize_value("subject", "  Nguyễn   Văn An ") == "Nguyễn Văn An"
    assert corrections.normalize_value("number", "") is None
    for field, value in (("type", "nope"), ("issue_date", "hôm qua"), ("text", "x"), ("needs_review", "2"),
                         ("issue_date", "01/01/1800")):
        with pytest.raises(corrections.CorrectionError):
            corrections.normalize_value(field, value)


def test_correction_recomputes_validity_and_is_idempotent(fresh: Demo) -> None:
    with Ledger(fresh.settings.ledger_path) as ledger:
        changes = corrections.apply_correction(ledger, fresh.hung, {"type": "kiem_dinh_chat_luong"}, "luutru")
        assert [c.field for c in changes] == ["type", "valid_until"]
        assert changes[1].new == "2017-05-12"  # 5 years from 12/05/2012 by the validity rules
        assert corrections.apply_correction(ledger, fresh.hung, {"type": "kiem_dinh_chat_luong"}, "luutru") == []
        assert ledger.index_backlog()[0] == [fresh.hung]
        index = open_index(fresh.settings.resolved_index_url)
        try:
            assert corrections.reindex(ledger, index, [fresh.hung]) == 1
            hit = index.search("", SearchFilters(type="kiem_dinh_chat_luong", year=2012)).hits[0]
        finally:
            index.close()
        assert hit.key == fresh.hung and hit.doc["valid_until"] == "2017-05-12"
        assert ledger.index_backlog() == ([], [])
        with pytest.raises(corrections.CorrectionError):
            corrections.apply_correction(ledger, "missing-p0001", {"subject": "x"}, "luutru")


def test_find_value_is_fuzzy_and_folded() -> None:
    words = [{"text": t, "conf": 80, "left": 10 * i, "top": 5, "width": 8, "height": 10}
             for i, t in enumerate(["Ông", "Nguyễn", "Vän", "An,", "sinh", "ngày", "05", "tháng", "7", "năm", "2010"])]
    score, box, conf = images.find_value(words, images.field_targets("subject", "Nguyễn Văn An")[0])
    assert score > 90 and box == images.Box(10, 5, 38, 15) and conf == 80
    _, box, _ = images.find_value(words, images.field_targets("issue_date", "2010-07-05")[0])
    assert box == images.Box(50, 5, 108, 15)
    assert images.find_value(words, ["tran", "thi", "binh"])[1] is None


def test_highlight_and_charts_escape_html() -> None:
    assert str(highlight("a <b> [Nguyễn] & [x]")) == "a &lt;b&gt; <mark>Nguyễn</mark> &amp; <mark>x</mark>"
    svg = charts.hbar_chart([("<script>", 3), ("Khác", 0)], title="t&t")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "t&amp;t" in svg
    svg = charts.vbar_chart(["2010", "2011"], [("A", [1, 2]), ("B", [0, 3])], title="x")
    assert svg.count("<title>") == 1 + 3  # the chart's title and a hover text for each bar drawn


def test_cli_creates_the_first_admin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sohoa.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO("mot-mat-khau-dai\n"))
    assert main(["--data-dir", str(tmp_path), "user", "add", "boss", "--role", "admin", "--password-stdin"]) == 0
    store = WebStore(tmp_path / "web.sqlite")
    try:
        assert store.get_user("boss").role == "admin"
        assert store.login("boss", "mot-mat-khau-dai", "127.0.0.1") is not None
    finally:
        store.close()
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["--data-dir", str(tmp_path), "user", "passwd", "boss", "--password-stdin"]) == 1
    assert main(["--data-dir", str(tmp_path), "user", "disable", "boss"]) == 1  # the last admin


def test_a_handwritten_number_is_cropped_from_its_slot(fresh: Demo) -> None:
    """The digit reader's slot is where a handwritten value was read: Tesseract's words do not hold it."""
    words_path = fresh.settings.derived_dir / "tmp" / "p3.json"
    words = json.loads(words_path.read_text(encoding="utf-8"))
    hand = [{"kind": "number", "digits": "77", "confidence": 0.8, "box": [120, 170, 400, 470]},
            {"kind": "day", "digits": "12", "confidence": 0.9, "box": [120, 170, 700, 760]}]
    words_path.write_text(json.dumps({"words": words, "tesseract": [], "hand": hand}), encoding="utf-8")
    c = client_for(fresh, "luutru")
    token = csrf_of(c.get(f"/review/{fresh.hung}").text)
    r = c.post(f"/records/{fresh.hung}/correct", data={
        "csrf": token, "back": "review", "type": "xac_minh_van_bang", "number": "77/SGDĐT-KTKĐ",
        "issue_date": "12/05/2012", "issuer": "", "subject": "Nguyen Văn Hùug", "title": "", "revoked_on": ""})
    assert r.status_code == 303, r.text
    crop = c.get(f"/records/{fresh.hung}/crop/number.jpg")
    assert crop.status_code == 200
    w, h = Image.open(io.BytesIO(crop.content)).size
    assert (w, h) == (70 + 2 * 160, 50 + 2 * 45)  # the slot and its margins
    assert c.get(f"/records/{fresh.hung}/crop/issue_date.jpg").status_code == 200


# -- the keyboard review of handwritten numbers and days ------------------------------------------------

HAND_FONT = "/usr/share/fonts/truetype/kristi/Kristi.ttf"


@dataclass(frozen=True)
class HandDemo:
    """Records whose number or day the digit reader read, in the order the keyboard review shows them."""

    binh: str   # number 1595 by hand; nothing else to review
    cuong: str  # day 21 by hand; the subject is doubtful too
    dung: str   # number 207 and day 9 by hand


def _hand_reason(what: str, value: str, digits: str, conf: float, read: str) -> str:
    probs = ", ".join("0.90" for _ in digits)
    return f"review: {what} {value} read from handwriting ({digits}, confidence {conf:.2f}: {probs}); Tesseract read '{read}'"


def draw_hand_page(lines: list[str], jpeg: Path, words_json: Path, hand: list[tuple[str, float]]) -> None:
    """A page whose ``{…}`` parts are written "by hand"; the words file has a misreading there and the hand layer.

    Args:
        hand: The kind (``number``, ``day``) and the reader's confidence of each ``{…}`` part, in order.
    """
    font = ImageFont.truetype(FONT, 30)
    script = ImageFont.truetype(HAND_FONT, 44) if Path(HAND_FONT).is_file() else font
    img = Image.new("L", (1240, 120 + 55 * len(lines)), 255)
    draw = ImageDraw.Draw(img)
    words, layer, slots = [], [], iter(hand)
    for i, line in enumerate(lines):
        x, y = 60, 60 + 55 * i
        for part in re.split(r"(\{\d+\})", line):
            if part.startswith("{"):
                digits = part.strip("{}")
                x = draw_words(draw, x, y - 8, digits, script, i + 1, words, fill=40, conf=31.0, read="4/3") - 10
                box = words[-1]
                kind, conf = next(slots)
                layer.append({"kind": kind, "digits": digits, "confidence": conf,
                              "box": [box["top"], box["top"] + box["height"], box["left"], box["left"] + box["width"]],
                              "probabilities": [0.9] * len(digits)})
                continue
            x = draw_words(draw, x, y, part, font, i + 1, words)
    jpeg.parent.mkdir(parents=True, exist_ok=True)
    img.save(jpeg, "JPEG", quality=85)
    words_json.write_text(json.dumps({"words": words, "tesseract": words, "hand": layer}, ensure_ascii=False),
                          encoding="utf-8")


HAND_PAGES = {
    "binh": (["SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG", "Số: {1595}/SGDĐT-CTrTT", "Hải Phòng, ngày 03 tháng 4 năm 2013",
              "Xác nhận bà Trần Thị Bình đã tốt nghiệp."], [("number", 0.62)]),
    "cuong": (["SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG", "Số: 88/SGDĐT-KTKĐ", "Hải Phòng, ngày {21} tháng 5 năm 2012",
               "Xác nhận ông Lê Văn Cườg đã tốt nghiệp."], [("day", 0.55)]),
    "dung": (["SỞ GIÁO DỤC VÀ ĐÀO TẠO HẢI PHÒNG", "Số: {207}/QĐ-SGDĐT", "Hải Phòng, ngày {9} tháng 9 năm 2014",
              "Xác nhận bà Phạm Thị Dung đã tốt nghiệp."], [("number", 0.7), ("day", 0.81)]),
}


def add_handwritten(d: Demo) -> HandDemo:
    """A second scanned file with three records whose number or day were read from handwriting."""
    settings = d.settings
    issuer = "SỞ GIÁO DỤC VÀ ĐÀO TẠO"
    recs = {
        "binh": ClassifiedRecord(
            pages=(1,), type=ProcedureType.XAC_MINH_VAN_BANG, confidence=0.93,
            reasons=("title: xác nhận", _hand_reason("number", "1595/SGDĐT-CTrTT", "1595", 0.62,
                                                     "Số: 4/3 /SGDĐT-CTrTT")),
            fields=RecordFields(number="1595/SGDĐT-CTrTT", date=dt.date(2013, 4, 3), issuer=issuer,
                                subject="Trần Thị Bình"), needs_review=True),
        "cuong": ClassifiedRecord(
            pages=(2,), type=ProcedureType.XAC_MINH_VAN_BANG, confidence=0.93,
            reasons=("title: xác nhận", _hand_reason("date", "2012-05-21", "21", 0.55, "2012-05"),
                     "review: subject Lê Văn Cườg read with low confidence or a word that is no word (Cườg)"),
            fields=RecordFields(number="88/SGDĐT-KTKĐ", date=dt.date(2012, 5, 21), issuer=issuer,
                                subject="Lê Văn Cườg"), needs_review=True),
        "dung": ClassifiedRecord(
            pages=(3,), type=ProcedureType.XAC_MINH_VAN_BANG, confidence=0.93,
            reasons=("title: xác nhận", _hand_reason("number", "207/QĐ-SGDĐT", "207", 0.7, "Số: 4/3 /QĐ-SGDĐT"),
                     _hand_reason("date", "2014-09-09", "9", 0.81, "2014-09")),
            fields=RecordFields(number="207/QĐ-SGDĐT", date=dt.date(2014, 9, 9), issuer=issuer,
                                subject="Phạm Thị Dung"), needs_review=True),
    }
    derived = settings.derived_dir / "hand"
    texts = {}
    for n, name in enumerate(recs, start=1):
        lines, hand = HAND_PAGES[name]
        draw_hand_page(lines, derived / f"p{n}.jpg", derived / f"p{n}.json", hand)
        texts[name] = "\n".join(re.sub(r"[{}]", "", line) for line in lines)
    scan = settings.data_dir.parent / "scans" / "hop-02.tif"
    scan.parent.mkdir(parents=True, exist_ok=True)
    frames = [Image.open(derived / f"p{n}.jpg") for n in range(1, len(recs) + 1)]
    frames[0].save(scan, save_all=True, append_images=frames[1:])
    with Ledger(settings.ledger_path) as ledger:
        batch = ledger.ensure_batch("hop-02", fonds="SGDĐT-HP", box="02", file_code="HS-2012-07")
        sha = hashlib.sha256(scan.read_bytes()).hexdigest()
        f, _ = ledger.register_file(sha, scan.stat().st_size, str(scan), batch)
        ledger.set_file(f.id, status="done", kind="tiff", page_count=len(recs))
        for n, name in enumerate(recs, start=1):
            ledger.save_page(f.id, n, status="done", settings="test", run_id=None, text=texts[name], mean_conf=88.0,
                             image_path=str(derived / f"p{n}.jpg"), words_path=str(derived / f"p{n}.json"))
        written, _ = ledger.replace_records(f.id, batch, [(recs[k], texts[k]) for k in recs], run_id=None)
        index = open_index(settings.resolved_index_url)
        index.write(to_index_doc(r) for r in ledger.records(written))
        index.close()
        ledger.mark_indexed(written, [])
    return HandDemo(*written)


def _slot(d: Demo, key: str, kind: str) -> dict[str, object]:
    with Ledger(d.settings.ledger_path) as ledger:
        rec = ledger.records([key])[0]
        pf = images.page_files(ledger, rec, rec.pages[0])
    return next(h for h in json.loads(pf.words_path.read_text(encoding="utf-8"))["hand"] if h["kind"] == kind)


def _cursor(d: Demo, key: str, field: str) -> str:
    with Ledger(d.settings.ledger_path) as ledger:
        return f"{ledger.records([key])[0].id}:{field}"


def _confirm(c: TestClient, page: str, digits: str = "") -> object:
    """Press Enter on the keyboard review's page: send its form with what was typed."""
    form = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    return c.post("/review/handwritten", data={**form, "digits": digits})


def test_handwritten_review_shows_the_crop_large_and_the_reading(fresh: Demo) -> None:
    hd = add_handwritten(fresh)
    c = client_for(fresh, "luutru")
    listing = c.get("/review").text
    assert 'href="/review/handwritten"' in listing and "Rà soát nhanh 4 số, ngày viết tay" in listing
    r = c.get("/review/handwritten")
    assert r.status_code == 200
    assert f'src="/records/{hd.binh}/crop/number.jpg"' in r.text
    assert re.search(r'<input id="digits" name="digits" placeholder="1595"[^>]*autofocus>', r.text)
    assert '<span class="rest">/SGDĐT-CTrTT</span>' in r.text and 'id="hand-left">4<' in r.text
    assert hd.binh in r.text and "Trần Thị Bình" in r.text and "62%" in r.text
    assert "Số (phần trước dấu /)" in r.text and "Bỏ qua" in r.text and "Enter: đúng như máy đọc" in r.text
    # the crop is the reader's slot with its margins, shown three times its size
    top, bottom, left, right = _slot(fresh, hd.binh, "number")["box"]  # type: ignore[misc]
    crop = c.get(f"/records/{hd.binh}/crop/number.jpg")
    assert crop.status_code == 200
    w, h = Image.open(io.BytesIO(crop.content)).size
    assert (w, h) == (right + 160 - max(0, left - 160), bottom - top + 2 * 45)  # the page's edge is at 0
    assert f'width="{3 * w}" height="{3 * h}"' in r.text
    # the day's crop is its slot too, not the typed words around it
    top, bottom, left, right = _slot(fresh, hd.cuong, "day")["box"]  # type: ignore[misc]
    day = Image.open(io.BytesIO(c.get(f"/records/{hd.cuong}/crop/issue_date.jpg").content))
    assert day.size == (right - left + 2 * 160, bottom - top + 2 * 45)
    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    assert any(row.action == "review-hand" and row.record_key == hd.binh for row in store.audit.every())
    store.close()


def test_enter_confirms_the_reading_keeps_it_and_loads_the_next(fresh: Demo) -> None:
    hd = add_handwritten(fresh)
    c = client_for(fresh, "luutru")
    page = c.get("/review/handwritten").text
    r = _confirm(c, page)
    after = _cursor(fresh, hd.binh, "number")
    assert r.status_code == 303 and r.headers["location"] == f"/review/handwritten?after={after}"
    nxt = c.get(r.headers["location"]).text
    assert f"/records/{hd.cuong}/crop/issue_date.jpg" in nxt and 'placeholder="21"' in nxt
    assert '<span class="rest">/05/2012</span>' in nxt and 'id="hand-left">3<' in nxt
    assert _confirm(c, page).status_code == 303  # a second Enter on the same page writes nothing
    with Ledger(fresh.settings.ledger_path) as ledger:
        rec = ledger.records([hd.binh])[0]
        assert rec.number == "1595/SGDĐT-CTrTT" and not rec.needs_review  # its only reason is confirmed
        assert [(h.field, h.old, h.new) for h in corrections.history(ledger, hd.binh)] == [("needs_review", "1", "0")]
        rows = corrections.hand_confirmations(ledger)
        assert ledger.index_backlog() == ([], [])
    assert len(rows) == 1
    row = rows[0]
    slot = _slot(fresh, hd.binh, "number")
    assert (row.record_key, row.field, row.kind, row.read, row.confirmed, row.value, row.user) == (
        hd.binh, "number", "number", "1595", "1595", "1595/SGDĐT-CTrTT", "luutru")
    assert row.right and row.confidence == 0.62 and row.page_no == 1 and list(row.box) == slot["box"]
    assert 'id="hand-link"' in c.get("/review").text and "Rà soát nhanh 3 số" in c.get("/review").text
    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    last = [r for r in store.audit.every() if r.record_key == hd.binh][-1]
    assert (last.action, last.detail) == ("hand", {"field": "number", "changed": "needs_review"})
    assert last.subject  # the line names whose record it was, not only its key
    store.close()


def test_typed_digits_correct_the_value_and_keep_the_rest(fresh: Demo) -> None:
    hd = add_handwritten(fresh)
    c = client_for(fresh, "luutru")
    page = c.get("/review/handwritten", params={"after": _cursor(fresh, hd.binh, "number")}).text
    assert f"/records/{hd.cuong}/crop/issue_date.jpg" in page
    bad = _confirm(c, page, "2l")
    assert bad.status_code == 400 and "“2l” không phải là ngày của tháng 05" in bad.text
    assert _confirm(c, page, "32").status_code == 400
    r = _confirm(c, page, "24")
    assert r.status_code == 303
    page = c.get(r.headers["location"]).text
    assert f"/records/{hd.dung}/crop/number.jpg" in page and 'placeholder="207"' in page
    assert _confirm(c, page, "12x").status_code == 400
    r = _confirm(c, page, " 208 ")
    page = c.get(r.headers["location"]).text
    assert 'placeholder="9"' in page and '<span class="rest">/09/2014</span>' in page
    nine = _confirm(c, page.replace('value="9"', 'value="09"'))  # a page made before someone changed the day
    assert nine.status_code == 409 and "vừa được người khác sửa" in nine.text
    r = _confirm(c, page, "31")  # September has 30 days
    assert r.status_code == 400 and "không phải là ngày của tháng 09" in r.text
    assert _confirm(c, page).status_code == 303
    done = c.get("/review/handwritten", params={"after": _cursor(fresh, hd.dung, "issue_date")}).text
    assert "các mục đã bỏ qua vẫn còn chờ" in done and 'href="/review/handwritten"' in done
    with Ledger(fresh.settings.ledger_path) as ledger:
        cuong, dung = ledger.records([hd.cuong, hd.dung])
        assert cuong.issue_date == dt.date(2012, 5, 24) and cuong.needs_review  # its subject is still doubtful
        assert dung.number == "208/QĐ-SGDĐT" and dung.issue_date == dt.date(2014, 9, 9) and not dung.needs_review
        changed = {(h.field, h.old, h.new) for h in corrections.history(ledger, hd.cuong)}
        assert ("issue_date", "2012-05-21", "2012-05-24") in changed and "needs_review" not in str(changed)
        rows = corrections.hand_confirmations(ledger)
    assert [(r.record_key, r.field, r.read, r.confirmed, r.right) for r in rows] == [
        (hd.cuong, "issue_date", "21", "24", False), (hd.dung, "number", "207", "208", False),
        (hd.dung, "issue_date", "9", "9", True)]
    index = open_index(fresh.settings.resolved_index_url)
    try:
        assert index.search("208/qd-sgddt", SearchFilters()).hits[0].key == hd.dung
    finally:
        index.close()


def test_skip_moves_on_and_a_skipped_field_does_not_come_back(fresh: Demo) -> None:
    hd = add_handwritten(fresh)
    c = client_for(fresh, "luutru")
    page = c.get("/review/handwritten").text
    skip = re.search(r'<a id="skip" class="button secondary" href="([^"]+)"', page).group(1)
    assert skip == f"/review/handwritten?after={_cursor(fresh, hd.binh, 'number')}"
    page = c.get(skip).text
    assert f"/records/{hd.cuong}/crop/issue_date.jpg" in page
    r = _confirm(c, page)
    page = c.get(r.headers["location"]).text
    assert f"/records/{hd.dung}/crop/number.jpg" in page  # not the skipped one
    for _ in range(2):
        page = c.get(re.search(r'<a id="skip" class="button secondary" href="([^"]+)"', page).group(1)).text
    assert "các mục đã bỏ qua vẫn còn chờ" in page
    again = c.get("/review/handwritten").text
    assert f"/records/{hd.binh}/crop/number.jpg" in again and 'id="hand-left">3<' in again
    with Ledger(fresh.settings.ledger_path) as ledger:
        assert [r.record_key for r in corrections.hand_confirmations(ledger)] == [hd.cuong]
        assert ledger.records([hd.binh])[0].needs_review


def test_a_handwritten_month_keeps_the_record_in_review(fresh: Demo) -> None:
    """The queue asks for the day only: a date whose month was handwritten too is not approved by it."""
    hd = add_handwritten(fresh)
    with Ledger(fresh.settings.ledger_path) as ledger:
        with ledger.transaction() as c:
            reasons = json.dumps(["title: xác nhận", _hand_reason("date", "2012-05-21", "21", 0.55, "2012")
                                  + "; the month 5 handwritten too (confidence 0.70)"], ensure_ascii=False)
            c.execute("UPDATE records SET reasons=? WHERE key=?", (reasons, hd.cuong))
    c = client_for(fresh, "luutru")
    page = c.get("/review/handwritten", params={"after": _cursor(fresh, hd.binh, "number")}).text
    assert f"/records/{hd.cuong}/crop/issue_date.jpg" in page
    assert _confirm(c, page).status_code == 303
    with Ledger(fresh.settings.ledger_path) as ledger:
        assert ledger.records([hd.cuong])[0].needs_review
        assert [r.record_key for r in corrections.hand_confirmations(ledger)] == [hd.cuong]
    assert corrections.handwritten_reasons(json.loads(reasons))["issue_date"].month_too


def test_clerk_cannot_use_the_handwritten_review(fresh: Demo) -> None:
    hd = add_handwritten(fresh)
    c = client_for(fresh, "tracuu")
    assert c.get("/review/handwritten").status_code == 403
    r = c.post("/review/handwritten", data={"csrf": session_csrf(c), "key": hd.binh, "field": "number",
                                            "shown": "1595", "digits": "1596"})
    assert r.status_code == 403
    assert client_for(fresh).get("/review/handwritten").status_code == 303  # to the login page
    archivist = client_for(fresh, "luutru")
    r = archivist.post("/review/handwritten", data={"key": hd.binh, "field": "number", "digits": "1596"})
    assert r.status_code == 403  # no CSRF token
    with Ledger(fresh.settings.ledger_path) as ledger:
        assert ledger.records([hd.binh])[0].number == "1595/SGDĐT-CTrTT"
        assert corrections.hand_confirmations(ledger) == []


def test_handwritten_review_in_english(fresh: Demo) -> None:
    c = client_for(fresh, "luutru")
    assert "No handwritten number or day is left" in c.get("/review/handwritten", params={"lang": "en"}).text
    hd = add_handwritten(fresh)
    assert "Quick review of 4 handwritten numbers and days" in c.get("/review", params={"lang": "en"}).text
    r = c.get("/review/handwritten")
    assert 'lang="en"' in r.text and "Quick review: handwritten numbers and days" in r.text
    assert "Number (the part before /)" in r.text and ">Skip<" in r.text and "Right, save (Enter)" in r.text
    assert "Enter: the reading is right" in r.text and "Handwriting reader" in r.text
    bad = _confirm(c, r.text, "15a")
    assert bad.status_code == 400 and "“15a” is not a number" in bad.text
    day = c.get("/review/handwritten", params={"after": _cursor(fresh, hd.binh, "number")}).text
    assert ">Day<" in day
    assert "not a day of month 05" in _confirm(c, day, "0").text


# -- what clerks take away ------------------------------------------------------------------------


def test_search_results_download_as_csv_and_excel(fresh: Demo) -> None:
    from openpyxl import load_workbook

    c = client_for(fresh, "tracuu")
    page = c.get("/search", params={"q": "", "type": "xac_minh_van_bang"}).text
    assert '/search/export.csv?type=xac_minh_van_bang' in page.replace("&amp;", "&")
    r = c.get("/search/export.csv", params={"type": "xac_minh_van_bang", "on": "2020-01-01"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Người / đơn vị được cấp" and rows[0][5] == "Tình trạng tại ngày 01/01/2020"
    assert [row[0] for row in rows[1:]] == ["Nguyễn Văn An"]
    assert rows[1][2:6] == ["45/SGDĐT-KTKĐ", "05/07/2010", "SỞ GIÁO DỤC VÀ ĐÀO TẠO", "còn hiệu lực"]
    assert rows[1][8] == "hop-01.tif"  # the file's name, not the server's path
    r = c.get("/search/export.xlsx", params={"q": "truong"})
    sheet = load_workbook(io.BytesIO(r.content)).active
    assert sheet["A1"].value == "Người / đơn vị được cấp" and sheet["A2"].value == "Trường THCS Đằng Lâm"
    assert c.get("/search/export.exe").status_code == 404
    store = WebStore(fresh.settings.data_dir / "web.sqlite")
    try:
        last = list(store.audit.every())[-1]
    finally:
        store.close()
    assert (last.action, last.detail["format"], last.detail["hits"]) == ("search_export", "xlsx", 1)


def test_a_record_opened_from_a_search_leads_back_to_it(demo: Demo) -> None:
    c = client_for(demo, "tracuu")
    page = c.get("/search", params={"q": "nguyen van an", "year": "2010"}).text
    link = re.search(r'<a class="subject" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    record = c.get(link).text
    back = re.search(r'<a href="([^"]+)">« Kết quả tra cứu</a>', record).group(1).replace("&amp;", "&")
    assert back.startswith("/search?q=nguyen%20van%20an&year=2010")
    assert "Nguyễn Văn An" in c.get(back).text
    for evil in ("https://evil.example/search", "//evil.example/search", "/records/x"):
        assert "Kết quả tra cứu" not in c.get(f"/records/{demo.an}", params={"back": evil}).text


def test_the_pdf_is_named_by_the_document_number(demo: Demo) -> None:
    r = client_for(demo, "tracuu").get(f"/records/{demo.an}/record.pdf")
    assert r.headers["content-disposition"] == (
        "attachment; filename=\"45-SGDDT-KTKD.pdf\"; filename*=UTF-8''45-SGD%C4%90T-KTK%C4%90.pdf")
    r = client_for(demo, "tracuu").get(f"/records/{demo.hung}/record.pdf")  # no number read
    assert f'filename="{demo.hung}.pdf"' in r.headers["content-disposition"]


def test_the_report_downloads_from_the_dashboard(demo: Demo) -> None:
    from openpyxl import load_workbook
    from pypdf import PdfReader

    c = client_for(demo, "tracuu")
    page = c.get("/dashboard", params={"on": "2012-12-31"}).text
    assert "/dashboard/report.xlsx?on=2012-12-31" in page
    xlsx = c.get("/dashboard/report.xlsx", params={"on": "2012-12-31"})
    assert xlsx.status_code == 200 and 'filename="bao-cao-2012-12-31.xlsx"' in xlsx.headers["content-disposition"]
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames
    pdf = c.get("/dashboard/report.pdf", params={"on": "2012-12-31"})
    assert PdfReader(io.BytesIO(pdf.content)).pages
    text = c.get("/dashboard/report.csv", params={"on": "2012-12-31"}).content.decode("utf-8")
    cli = run_sohoa(demo.settings.data_dir, "report", "--format", "csv", "--as-of", "2012-12-31")
    assert text.strip() == cli.stdout.strip()
    assert c.get("/dashboard/report.docx").status_code == 404
