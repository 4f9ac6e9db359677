"""The web UI in a real browser: Playwright driving Debian's Chromium against a real uvicorn server.

Chromium must be installed (`apt-get install chromium`); a missing browser fails these tests, it
never skips them. Screenshots go to artifacts/ (gitignored); with MISQUOTE_SCREENSHOTS=1 the check,
article and document pages are also saved to docs/screenshots/ for the README.
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, expect, sync_playwright
from test_api import DENIED, HOSTILE_AUTHOR, SEDOVA_ID, build_web_archive

from misquote.api import create_app

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"
DOC_SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ALTERED = "A great revolutionary like Leon Trotsky can never be the spiritual father of Mao"
ARTICLE = (
    "PARIS \u2014 Natalia Sedova, the widow of Leon Trotsky, told the paper she hopes to witness his "
    f"rehabilitation, calling him \u201c{DENIED}, the Chinese communist leader.\u201d\n\n"
    "Her letter of correction is blunt. \u201cA great revolutionary like Leon Trotsky can never be the spiritual "
    "father of Mao,\u201d Sedova wrote.\n\n"
    "Historians like to recall a line. \u201cMen make their own history, but they do not make it as they "
    "please,\u201d Karl Marx wrote in 1852.\n\n"
    "At a dinner in New York, \u201cthe tradition of all dead generations weighs like a nightmare on the brains "
    "of the living,\u201d Mark Twain said."
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server on a free loopback port, serving the test archive; yields its base URL."""
    db = build_web_archive(tmp_path_factory.mktemp("web"))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    uv = uvicorn.Server(uvicorn.Config(create_app(str(db)), log_level="warning"))
    thread = threading.Thread(target=uv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not uv.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uv.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install chromium)"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Watch:
    """What a page did that it should not: console errors (CSP violations among them), dialogs."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._dialog)
        page.on("request", lambda r: self.requests.append(r.url))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


def _page(browser: Browser, request: pytest.FixtureRequest, server: str, **options: Any) -> Iterator[Page]:
    options.setdefault("viewport", {"width": 1100, "height": 900})
    context = browser.new_context(base_url=server, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.watch = Watch(page)  # type: ignore[attr-defined]
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    name = re.sub(r"[^\w.-]+", "_", request.node.name)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    watch: Watch = page.watch  # type: ignore[attr-defined]
    context.close()
    assert watch.errors == [], f"console errors: {watch.errors}"
    assert watch.dialogs == [], f"dialogs fired: {watch.dialogs}"
    assert all(url.startswith(server) or url.startswith("data:") for url in watch.requests), watch.requests


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, server: str) -> Iterator[Page]:
    yield from _page(browser, request, server)


@pytest.fixture
def nojs_page(browser: Browser, request: pytest.FixtureRequest, server: str) -> Iterator[Page]:
    yield from _page(browser, request, server, java_script_enabled=False)


def doc_shot(page: Page, name: str) -> None:
    """Save a screenshot for the README when MISQUOTE_SCREENSHOTS=1."""
    if os.environ.get("MISQUOTE_SCREENSHOTS") == "1":
        DOC_SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(DOC_SHOTS / f"{name}.png"), full_page=True)


def doc_url(page: Page, title_part: str) -> str:
    rows = page.request.get("/api/documents").json()["documents"]
    return "/documents/" + next(r["id"] for r in rows if title_part in r["title"])


# ---- check ---------------------------------------------------------------------------------------


def test_check_a_quote_and_see_the_verdict(page: Page) -> None:
    page.goto("/")
    page.get_by_label("Quote").fill(ALTERED)
    page.get_by_label("Attributed to").press_sequentially("Sedo", delay=30)
    expect(page.locator("#author-list option")).to_have_count(1)  # htmx replaced the full list
    expect(page.locator("#author-list option")).to_have_attribute("value", "Natalia Sedova Trotsky")
    page.get_by_label("Attributed to").fill("Natalia Sedova")
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".verdict .badge")).to_have_text("Altered")
    expect(page.get_by_test_id("verdict-words")).to_contain_text('The quote "never" instead of "in"')
    expect(page.locator(".diff del").first).to_have_text("source: in no way")
    expect(page.locator(".diff ins").first).to_have_text("quote: never")
    assert "quote=" in page.url  # htmx pushed a shareable URL
    expect(page.get_by_role("link", name="Download ClaimReview (JSON-LD)")).to_be_visible()
    doc_shot(page, "check")


def test_check_works_without_javascript(nojs_page: Page) -> None:
    page = nojs_page
    page.goto("/")
    page.get_by_label("Quote").fill(DENIED)
    page.get_by_label("Attributed to").fill("N. Sedova")
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".verdict .badge")).to_have_text("Disputed")
    expect(page.locator(".verdict")).to_contain_text("France-Soir")


def test_follow_a_citation_to_the_paragraph(page: Page) -> None:
    page.goto(f"/?quote={ALTERED}&author=Natalia Sedova")
    page.locator("a.para-link").first.click()
    page.wait_for_url(re.compile(r"#p3$"))
    target = page.locator(":target")
    expect(target).to_have_attribute("id", "p3")
    expect(target).to_contain_text("the spiritual father of Mao Tse-Tung")
    expect(target).to_be_in_viewport()


def test_copy_a_citation(page: Page) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"/?quote={DENIED}&author=Natalia Sedova")
    page.get_by_role("button", name="Copy citation").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(f"misquote:{SEDOVA_ID}#p2")


def test_follow_a_dispute_to_the_rebuttal(page: Page) -> None:
    page.goto("/corrections")
    page.get_by_role("link", name=re.compile("Corrections to France-Soir Interview")).click()
    expect(page.locator(":target")).to_contain_text("These were certainly not my words")


# ---- article, search, documents -----------------------------------------------------------------


def test_check_an_article(page: Page) -> None:
    page.goto("/article")
    page.get_by_label("Article (plain text, HTML or Markdown)").fill(ARTICLE)
    page.get_by_role("button", name="Check the quotations").click()
    rows = page.locator("table.quotes tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 3
    expect(page.locator(".article-text mark").first).to_be_visible()
    expect(page.locator("table.quotes")).to_contain_text("Verbatim")
    expect(page.locator(".article-text mark.v-disputed")).to_have_count(1)
    doc_shot(page, "article")


def test_search_and_narrow_by_author(page: Page) -> None:
    page.goto("/search")
    page.get_by_label("Words to find").fill("history")
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".hit-list li").first).to_be_visible()
    expect(page.locator(".hit-list mark").first).to_have_text(re.compile("history", re.I))
    page.locator(".facets").get_by_role("link", name="Karl Marx").click()
    expect(page.locator(".facets a[aria-current]")).to_have_text("Karl Marx")
    metas = page.locator(".hit-list .meta").all_inner_texts()
    assert metas and all(m.startswith("Karl Marx") for m in metas)


def test_read_a_document_with_footnotes(page: Page) -> None:
    page.goto(doc_url(page, "Brumaire"))
    expect(page.locator("h1")).to_contain_text("Brumaire")
    page.locator("#ref-note-1-p7").click()
    expect(page.locator(":target")).to_have_attribute("id", "note-1")
    expect(page.locator("#note-1")).to_contain_text("Bedlam")
    page.locator("#note-1 a.backref").click()
    expect(page.locator(":target")).to_have_attribute("id", "ref-note-1-p7")
    page.locator("#p3 a.cite").click()  # htmx loads the citation under the paragraph
    expect(page.locator("#p3 .cite-box")).to_contain_text("#p3")
    assert "/cite" not in page.url
    page.goto(f"/documents/{SEDOVA_ID}#p2")
    expect(page.locator("aside.editorial")).to_contain_text("MIA")
    doc_shot(page, "document")


def test_a_paragraph_on_a_later_page_of_a_long_document(page: Page) -> None:
    page.goto(doc_url(page, "Pomegranates") + "#p300")
    page.wait_for_url(re.compile(r"at=p300#p300$"))
    expect(page.locator(":target")).to_have_attribute("id", "p300")


def test_api_docs_load_from_this_server(page: Page) -> None:
    page.goto("/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert page.locator(".swagger-ui .opblock").count() >= 12


# ---- hostile archive pages ----------------------------------------------------------------------

PWNED = "Object.keys(window).filter(k => k.startsWith('__pwned'))"
LIVE_MARKUP = """() => ({
  inline: [...document.scripts].filter(s => !s.src).map(s => s.outerHTML),
  handlers: [...document.querySelectorAll('*')].flatMap(el => [...el.attributes].filter(a => a.name.startsWith('on'))
            .map(a => el.tagName + ' ' + a.name)),
  jsLinks: [...document.querySelectorAll('[href],[src]')].map(el => el.getAttribute('href') || el.getAttribute('src'))
            .filter(v => /^\\s*javascript:/i.test(v)),
  frames: document.querySelectorAll('iframe, object, embed, svg').length,
})"""


def test_hostile_archive_pages_are_inert(page: Page) -> None:
    urls = [doc_url(page, "Hostile"), doc_url(page, "Letter"), "/search?q=pwned", "/authors", "/documents",
            "/search?q=window"]
    for url in urls:
        page.goto(url)
        for el in page.locator("main a:visible, main p:visible").all()[:25]:
            el.hover()
        assert page.evaluate(PWNED) == [], url
        assert page.evaluate(LIVE_MARKUP) == {"inline": [], "handlers": [], "jsLinks": [], "frames": 0}, url
    page.goto(doc_url(page, "Letter"))
    expect(page.locator("#p1")).to_contain_text("<script>window.__pwned_body=1</script>")
    expect(page.locator("h1")).to_contain_text('<svg onload="window.__pwned_svg=1">')
    page.goto("/")
    page.get_by_label("Attributed to").press_sequentially("Mallo", delay=30)
    expect(page.locator("#author-list option")).to_have_count(1)
    page.get_by_label("Attributed to").fill(HOSTILE_AUTHOR)
    page.get_by_label("Quote").fill("the words you printed were never mine")
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".verdict")).to_be_visible()
    assert page.evaluate(PWNED) == []
    assert page.evaluate(LIVE_MARKUP)["inline"] == []


# ---- phone and keyboard -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", f"/documents/{SEDOVA_ID}", "/search?q=history", "/corrections"])
def test_readable_on_a_phone(browser: Browser, request: pytest.FixtureRequest, server: str, path: str) -> None:
    for page in _page(browser, request, server, viewport={"width": 375, "height": 740}, is_mobile=True):
        page.goto(path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{path} scrolls sideways by {overflow}px on a phone"
        size = page.evaluate("getComputedStyle(document.body).fontSize")
        assert float(size.removesuffix("px")) >= 16


def test_keyboard_reaches_the_form(page: Page) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    page.keyboard.press("Enter")
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "quote":
            break
    expect(page.get_by_label("Quote")).to_be_focused()
    page.keyboard.type(DENIED)
    page.keyboard.press("Tab")
    page.keyboard.type("Natalia Sedova")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Check")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".verdict .badge")).to_have_text("Disputed")
