"""The HTTP API and the server-rendered pages, through FastAPI's test client, on real archive files.

Every endpoint is exercised with good and bad input: bad input gets a 4xx with a message that says
what to fix, never a 500. Writes need the admin token; without one the server says it is read-only.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from misquote import Archive
from misquote.api import MAX_BODY, create_app

with warnings.catch_warnings():  # starlette prefers httpx2, which the registry does not serve yet
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SEED = SHARED / "seed" / "sedova-corrections-to-france-soir-1961.txt"
BRUMAIRE = CORPORA / "mia/html/marx/works/1852/18th-brumaire/ch01.htm"
MANIFESTO = CORPORA / "mia/html/marx/works/1848/communist-manifesto/ch01.htm"
TWAIN = CORPORA / "gutenberg/authors/Twain_Mark/A_Dog_s_Tale.txt"
POMEGRANATES = CORPORA / "gutenberg/authors/Wilde_Oscar/A_House_of_Pomegranates.txt"
SEDOVA_ID = "trotsky-1961-corrections-to-france-soir-interview-af8ae4"
DENIED = "the spiritual father of Mao Tse-Tung"

# A hostile archive page and a hostile plain-text letter: script tags, javascript: links, event
# attributes, an attribute closed early and broken markup. Each payload sets a window.__pwned* global.
HOSTILE_HTML = """<html><head><title>Hostile <script>window.__pwned_title=1</script> page</title>
<script>window.__pwned = 1; alert("pwned");</script></head>
<body onload="window.__pwned_onload=1">
<p class="information"><span class="info">Written:</span> March 3, 1901<br>
<span class="info">Source:</span> <a href="javascript:window.__pwned_src=1">Evil Source</a><br>
<span class="info">Transcribed:</span> <img src=x onerror="window.__pwned_img=1">Mallory</p>
<h1>Hostile <i>page</i> <script>alert(1)</script></h1>
<p>The first paragraph says that <a href="javascript:window.__pwned_link=1">hostile markup</a> is kept out of
the page entirely, whatever the archive file holds: the reader keeps the words and the web rebuilds the
structure from the model, so no tag, attribute or link of the original file reaches the browser.</p>
<p>A second paragraph of ordinary prose follows, long enough that the archive reader takes this page for
a work and not for an index of links; it talks about nothing in particular, at some length, in plain words.</p>
<p>An image <img src="x" onerror="window.__pwned_img2=1;alert(2)"> and a <b onmouseover="window.__pwned_hover=1">bold
claim</b> with &lt;script&gt;window.__pwned_text=1&lt;/script&gt; written as text.
<p>Broken <div><p>markup <table><tr><td>cell</p></div> that <iframe src="javascript:alert(3)"></iframe> never
closes <svg onload="window.__pwned_svg=1"><script>window.__pwned_svg2=1</script></svg>
"""
HOSTILE_TEXT = """<img src=x onerror="window.__pwned_author=1">
Mallory <script>window.__pwned_name=1</script> Hacker

Mallory <script>window.__pwned_name=1</script> Hacker

Letter <svg onload="window.__pwned_svg=1"> to the "Editor" </title><script>window.__pwned_title=1</script>

Written: April 1, 1999
Source: <a href="javascript:window.__pwned_src=1">click</a>
Online Version: javascript:alert(document.domain)
Transcribed/HTML Markup: <b onmouseover="window.__pwned_hover=1">Eve</b>

Dear Sir, the words <script>window.__pwned_body=1</script> you printed were never mine, and I state it plainly.

"><img src=x onerror="window.__pwned_attr=1;alert(1)"> Another paragraph closing an attribute early.

Footnote by MIA

1. A note with <iframe src="javascript:window.__pwned_note=1"></iframe> in it.
"""
HOSTILE_AUTHOR = "Mallory <script>window.__pwned_name=1</script> Hacker"


def build_web_archive(folder: Path) -> Path:
    """The archive the web tests read: the seed, real MIA pages with footnotes, two Gutenberg books
    (one long enough to span pages), two hostile pages; the France-Soir dispute detected and accepted."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hostile.html").write_text(HOSTILE_HTML, encoding="utf-8")
    (folder / "hostile-letter.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    db = folder / "web.db"
    with Archive(db) as archive:
        report = archive.ingest(
            [SEED, BRUMAIRE, MANIFESTO, TWAIN, POMEGRANATES, folder / "hostile.html", folder / "hostile-letter.txt"],
            workers=1,
        )
        assert not report.failed, report.failed
        for proposal in archive.detect_disputes():
            archive.accept_dispute(proposal)
    return db


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_web_archive(tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(web_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(web_db)), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """A server over a fresh archive (the seed only) with the admin token "s3cret" configured."""
    with Archive(tmp_path / "w.db") as archive:
        archive.ingest([SEED], workers=1)
    monkeypatch.setenv("MISQUOTE_ADMIN_TOKEN", "s3cret")
    with TestClient(create_app(str(tmp_path / "w.db")), raise_server_exceptions=False) as c:
        yield c


def doc_id(client: TestClient, title_part: str) -> str:
    rows = client.get("/api/documents").json()["documents"]
    return next(r["id"] for r in rows if title_part in r["title"])


def assert_error(response: Any, status: int | tuple[int, ...], words: str = "") -> None:
    """A clear error: the expected status, JSON {"error": message}, the message naming the problem."""
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, response.text
    message = response.json()["error"]
    assert isinstance(message, str) and len(message) > 10
    assert words.lower() in message.lower()


# ---- /api/check ------------------------------------------------------------------------------


def test_check_a_denied_quote_is_disputed_with_the_design_shape(client: TestClient) -> None:
    r = client.post("/api/check", json={"quote": DENIED, "author": "N. Sedova"})
    assert r.status_code == 200
    v = r.json()
    assert set(v) >= {"id", "verdict", "score", "author", "matches", "dispute", "citation"}
    assert v["verdict"] == "disputed"
    assert v["author"] == "Natalia Sedova Trotsky"
    assert v["dispute"] == {"published_in": "France-Soir", "date": "1961-11-09",
                            "rebuttal_document_id": SEDOVA_ID, "paragraph": "p2"}
    match = v["matches"][0]
    assert set(match) == {"document_id", "author", "title", "written", "paragraph", "start", "end", "text",
                          "identity", "coverage", "edits", "quoted_from"}
    assert match["text"] == DENIED


@pytest.mark.parametrize(
    ("quote", "author", "verdict"),
    [
        pytest.param("Men make their own history, but they do not make it as they please", "Karl Marx",
                     "verbatim", id="verbatim"),
        pytest.param("Men make their own history, but they do not make it as they please", "Mark Twain",
                     "misattributed", id="misattributed"),
        pytest.param("A great revolutionary like Leon Trotsky can never be the spiritual father of Mao",
                     "Natalia Sedova", "altered", id="altered"),
    ],
)
def test_check_verdicts(client: TestClient, quote: str, author: str, verdict: str) -> None:
    r = client.post("/api/check", json={"quote": quote, "author": author, "id": 7})
    assert r.status_code == 200, r.text
    assert r.json()["verdict"] == verdict
    assert r.json()["id"] == 7


@pytest.mark.parametrize(
    ("body", "status", "words"),
    [
        pytest.param({}, 422, "quote: field required", id="empty-object"),
        pytest.param({"quote": DENIED}, 422, "author: field required", id="no-author"),
        pytest.param({"quote": 12, "author": "Marx"}, 422, "quote: input should be a valid string", id="int-quote"),
        pytest.param({"quote": [DENIED], "author": "Marx"}, 422, "valid string", id="list-quote"),
        pytest.param({"quote": None, "author": "Marx"}, 422, "valid string", id="null-quote"),
        pytest.param({"quote": DENIED, "author": "Marx", "extra": 1}, 422, "extra", id="unknown-field"),
        pytest.param([DENIED, "Marx"], 422, "", id="array-body"),
        pytest.param({"quote": "", "author": "Marx"}, 400, "empty", id="empty-quote"),
        pytest.param({"quote": "   ", "author": "Marx"}, 400, "empty", id="blank-quote"),
        pytest.param({"quote": "two words", "author": "Marx"}, 400, "at least 3", id="short-quote"),
        pytest.param({"quote": DENIED, "author": ""}, 400, "no author", id="empty-author"),
        pytest.param({"quote": DENIED, "author": "Nobody Atall"}, 400, "closest names", id="unknown-author"),
        pytest.param({"quote": "word " * 6000, "author": "Marx"}, 400, "limit", id="huge-quote"),
        pytest.param({"quote": "\x00\x01 \ud7ff \U0001f600 " * 3, "author": "Marx"}, (200, 400), "", id="odd-chars"),
    ],
)
def test_check_bad_input_is_a_clear_4xx(client: TestClient, body: Any, status: int, words: str) -> None:
    r = client.post("/api/check", json=body)
    if r.status_code == 200:
        assert status == (200, 400)
        return
    assert_error(r, status, words)


def test_check_body_that_is_not_json(client: TestClient) -> None:
    r = client.post("/api/check", content=b"{quote: nope", headers={"content-type": "application/json"})
    assert_error(r, 422, "not valid json")


def test_a_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    r = client.post("/api/check", content=b"x" * (MAX_BODY + 1), headers={"content-type": "application/json"})
    assert_error(r, 413, "over 2 MB")


def test_a_chunked_body_over_the_limit_is_refused_with_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(5):
            yield b" " * (MAX_BODY // 4)

    r = client.post("/api/check", content=chunks(), headers={"content-type": "application/json"})
    assert_error(r, 413, "over 2 MB")


def test_claimreview_download(client: TestClient) -> None:
    r = client.get("/api/claimreview", params={"quote": DENIED, "author": "Natalia Sedova"})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/ld+json")
    assert "attachment" in r.headers["content-disposition"]
    review = r.json()["@graph"][0]
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "disputed"
    assert_error(client.get("/api/claimreview", params={"quote": DENIED}), 422, "author")


# ---- /api/search, /api/authors, /api/documents ----------------------------------------------


def test_search_has_snippets_and_facets(client: TestClient) -> None:
    r = client.get("/api/search", params={"q": "spiritual father"})
    assert r.status_code == 200
    data = r.json()
    assert data["total"] >= 1
    hit = data["hits"][0]
    assert hit["document_id"] == SEDOVA_ID
    assert any(run["hit"] for run in hit["snippet_runs"])
    assert {"author", "year", "source"} == set(data["facets"])
    assert data["facets"]["author"][0]["value"] == "Natalia Sedova Trotsky"
    assert {"value": 1961, "count": data["total"]}.items() <= data["facets"]["year"][0].items()


def test_search_facets_filter(client: TestClient) -> None:
    everyone = client.get("/api/search", params={"q": "history"}).json()
    authors = {f["value"] for f in everyone["facets"]["author"]}
    assert "Karl Marx" in authors
    marx = client.get("/api/search", params={"q": "history", "author": "Marx"}).json()
    assert marx["total"] >= 1
    assert {h["author"] for h in marx["hits"]} == {"Karl Marx"}
    assert {f["value"] for f in marx["facets"]["author"]} == authors  # the other authors stay to switch to
    none = client.get("/api/search", params={"q": "history", "year": 1066}).json()
    assert none["total"] == 0


@pytest.mark.parametrize(
    ("params", "status", "words"),
    [
        pytest.param({}, 422, "q: field required", id="no-q"),
        pytest.param({"q": ""}, 422, "at least 1", id="empty-q"),
        pytest.param({"q": "   "}, 400, "empty", id="blank-q"),
        pytest.param({"q": "x", "limit": 0}, 422, "limit", id="limit-0"),
        pytest.param({"q": "x", "limit": "many"}, 422, "limit", id="limit-text"),
        pytest.param({"q": "x", "year": "last"}, 422, "year", id="year-text"),
        pytest.param({"q": "x" * 1001}, 422, "q:", id="huge-q"),
        pytest.param({"q": "x", "author": "Nobody Atall"}, 400, "closest names", id="unknown-author"),
    ],
)
def test_search_bad_input(client: TestClient, params: dict[str, Any], status: int, words: str) -> None:
    assert_error(client.get("/api/search", params=params), status, words)


@pytest.mark.parametrize("q", ['"', "*", "a OR", "NEAR(", "-", "col:umn", "'; DROP TABLE documents; --"])
def test_search_with_query_syntax_characters_is_plain_words(client: TestClient, q: str) -> None:
    assert client.get("/api/search", params={"q": q}).status_code in (200, 400)


def test_authors_and_documents(client: TestClient) -> None:
    names = [a["name"] for a in client.get("/api/authors").json()]
    assert {"Karl Marx", "Natalia Sedova Trotsky", "Mark Twain", "Oscar Wilde", HOSTILE_AUTHOR} <= set(names)
    listing = client.get("/api/documents").json()
    assert listing["total"] == 7 and listing["pages"] == 1
    marx = client.get("/api/documents", params={"author": "K. Marx"}).json()
    assert {d["author"] for d in marx["documents"]} == {"Karl Marx"}
    assert_error(client.get("/api/documents", params={"page": 2}), 400, "page must be")
    assert_error(client.get("/api/documents", params={"page": "x"}), 422, "page")


def test_document_json_keeps_provenance_paragraphs_and_notes(client: TestClient) -> None:
    r = client.get(f"/api/documents/{SEDOVA_ID}")
    assert r.status_code == 200
    doc = r.json()
    assert (doc["title"], doc["written"], doc["transcriber"]) == (
        "Corrections to France-Soir Interview", "1961-11-09", "Mike Bessler")
    assert doc["paragraphs"][2]["anchor"] == "p3"
    assert doc["notes"][0]["by"] == "MIA"
    assert doc["versions"][0]["version"] == 1
    assert doc["citation"].endswith(f"misquote:{SEDOVA_ID}")


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        pytest.param("/api/documents/no-such-doc", 404, "no document", id="unknown"),
        pytest.param(f"/api/documents/{SEDOVA_ID}?version=0", 422, "version", id="version-0"),
        pytest.param(f"/api/documents/{SEDOVA_ID}?version=9", 404, "version 9", id="version-missing"),
        pytest.param(f"/api/documents/{SEDOVA_ID}/cite?p=p99", 400, "no paragraph", id="cite-bad-anchor"),
        pytest.param(f"/api/documents/{SEDOVA_ID}/cite?p={'p' * 50}", 422, "p:", id="cite-huge-anchor"),
        pytest.param("/api/nothing-here", 404, "no page", id="no-route"),
    ],
)
def test_document_bad_input(client: TestClient, url: str, status: int, words: str) -> None:
    assert_error(client.get(url), status, words)


def test_cite_a_paragraph(client: TestClient) -> None:
    r = client.get(f"/api/documents/{SEDOVA_ID}/cite", params={"p": "p3"})
    assert r.status_code == 200
    cite = r.json()
    assert cite["plain"].endswith(f"misquote:{SEDOVA_ID}#p3")
    assert '"locator": "p3"' in cite["csl_json"]
    assert cite["bibtex"].startswith("@misc{trotsky1961corrections")
    assert cite["href"] == f"/documents/{SEDOVA_ID}#p3"


def test_a_note_can_be_cited_and_linked_like_a_paragraph(client: TestClient) -> None:
    brumaire = doc_id(client, "Brumaire")
    hit = next(h for h in client.get("/api/search", params={"q": "Bedlam lunatic asylum"}).json()["hits"]
               if h["paragraph"].startswith("note-"))
    assert re.fullmatch(rf"/documents/{brumaire}(\?at={hit['paragraph']})?#{hit['paragraph']}", hit["href"])
    assert client.get(f"/documents/{brumaire}").text.count(f'id="{hit["paragraph"]}"') == 1
    assert client.get(f"/api/documents/{brumaire}/cite", params={"p": hit["paragraph"]}).status_code == 200


def test_corrections_link_the_rebuttal(client: TestClient) -> None:
    disputes = client.get("/api/corrections").json()
    france_soir = next(d for d in disputes if d["published_in"] == "France-Soir")
    assert france_soir["rebuttal_document_id"] == SEDOVA_ID
    assert france_soir["rebuttal_href"] == f"/documents/{SEDOVA_ID}#p2"
    assert france_soir["rebuttal_title"] == "Corrections to France-Soir Interview"


def test_an_unavailable_store_is_a_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from misquote.errors import StoreError

    def gone() -> None:
        raise StoreError("the database is unreachable: check the server")

    monkeypatch.setattr(client.app.state.archive, "authors", gone)
    assert_error(client.get("/api/authors"), 503, "unreachable")
    page = client.get("/authors")
    assert page.status_code == 503 and "the database is unreachable" in page.text


def test_status_says_read_only(client: TestClient) -> None:
    status = client.get("/api/status").json()
    assert status["read_only"] is True
    assert status["stats"]["documents"] == 7


# ---- /api/article ----------------------------------------------------------------------------

ARTICLE = (
    "Paris, 1961. In an interview, Natalia Sedova said she hoped to see Trotsky honoured as "
    f"\u201c{DENIED}, the Chinese communist leader.\u201d\n\n"
    "Historians like to recall a line. \u201cMen make their own history, but they do not make it as they "
    "please,\u201d Karl Marx wrote in 1852."
)


def test_article_lists_quotations_with_checks(client: TestClient) -> None:
    r = client.post("/api/article", json={"text": ARTICLE})
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["text"] == ARTICLE
    for q in report["quotations"]:
        assert set(q) >= {"text", "start", "end", "kind", "speaker", "speaker_start", "speaker_end", "author", "check"}
        assert q["text"] == ARTICLE[q["start"] : q["end"]]
    verdicts = {q["author"]: q["check"]["verdict"] for q in report["quotations"]}
    assert verdicts == {"Natalia Sedova Trotsky": "disputed", "Karl Marx": "verbatim"}


def test_article_page_takes_an_uploaded_html_file(client: TestClient) -> None:
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in ARTICLE.split("\n\n")) + "</article></body></html>"
    r = client.post("/article", data={"kind": "auto"}, files={"file": ("story.html", html.encode(), "text/html")})
    assert r.status_code == 200
    assert r.text.count('<tr id="row-') == 2
    assert '<mark id="q2" class="v-verbatim">' in r.text
    empty = client.post("/article", data={"text": "  "})
    assert empty.status_code == 400 and "the article is empty" in empty.text


@pytest.mark.parametrize(
    ("body", "status"),
    [
        pytest.param({}, 422, id="no-text"),
        pytest.param({"text": 5}, 422, id="int-text"),
        pytest.param({"text": ""}, 400, id="empty"),
        pytest.param({"text": "x", "kind": "pdf"}, 422, id="bad-kind"),
    ],
)
def test_article_bad_input(client: TestClient, body: Any, status: int) -> None:
    assert_error(client.post("/api/article", json=body), status)


# ---- writes ----------------------------------------------------------------------------------

WRITES = [
    ("post", "/api/corrections", {"json": {"author": "Sedova", "quote": DENIED, "published_in": "Le Monde"}}),
    ("post", "/api/corrections/accept", {}),
    ("post", "/api/ingest", {"files": {"file": ("a.txt", b"Some text here.")}}),
]


@pytest.mark.parametrize(("method", "url", "kwargs"), WRITES, ids=["dispute", "accept", "ingest"])
def test_without_a_token_configured_the_server_is_read_only(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, method: str, url: str, kwargs: dict[str, Any]
) -> None:
    monkeypatch.delenv("MISQUOTE_ADMIN_TOKEN", raising=False)
    assert_error(getattr(client, method)(url, **kwargs), 403, "read-only")


@pytest.mark.parametrize(("method", "url", "kwargs"), WRITES, ids=["dispute", "accept", "ingest"])
@pytest.mark.parametrize("auth", [None, "Bearer wrong", "s3cret", "Basic s3cret", "Bearer "])
def test_writes_need_the_admin_token(
    writable: TestClient, method: str, url: str, kwargs: dict[str, Any], auth: str | None
) -> None:
    headers = {"Authorization": auth} if auth is not None else {}
    r = getattr(writable, method)(url, headers=headers, **kwargs)
    assert_error(r, 401, "admin token")
    assert r.headers["www-authenticate"] == "Bearer"


ADMIN = {"Authorization": "Bearer s3cret"}


def test_admin_ingests_an_upload_and_a_changed_upload_is_a_new_version(writable: TestClient) -> None:
    page = BRUMAIRE.read_bytes()
    r = writable.post("/api/ingest", headers=ADMIN, files={"file": ("ch01.htm", page, "text/html")})
    assert r.status_code == 200, r.text
    assert (r.json()["added"], r.json()["failed"]) == (1, [])
    new_id = r.json()["documents"][0]
    assert writable.get(f"/api/documents/{new_id}").json()["author"] == "Karl Marx"
    again = writable.post("/api/ingest", headers=ADMIN, files={"file": ("ch01.htm", page, "text/html")}).json()
    assert again["unchanged"] == 1
    changed = page.replace(b"Hegel remarks somewhere", b"Hegel remarks, somewhere,")
    r = writable.post("/api/ingest", headers=ADMIN, files={"file": ("ch01.htm", changed, "text/html")})
    assert r.json()["new_version"] == 1
    assert [v["version"] for v in writable.get(f"/api/documents/{new_id}").json()["versions"]] == [1, 2]


def test_admin_upload_that_cannot_be_read_is_reported(writable: TestClient) -> None:
    r = writable.post("/api/ingest", headers=ADMIN, files={"file": ("empty.txt", b"", "text/plain")})
    assert r.status_code == 200
    assert r.json()["failed"][0]["path"] == "empty.txt"
    assert_error(writable.post("/api/ingest", headers=ADMIN), 422, "file: field required")


def test_admin_records_a_dispute_and_every_check_then_shows_it(writable: TestClient) -> None:
    quote = "the present Chinese regime is a proletarian revolution"
    body = {"author": "N. Sedova", "quote": quote, "published_in": "Le Monde", "date": "1961-12-01",
            "rebuttal": f"{SEDOVA_ID}#p4"}
    r = writable.post("/api/corrections", headers=ADMIN, json=body)
    assert r.status_code == 201, r.text
    assert r.json()["rebuttal_href"] == f"/documents/{SEDOVA_ID}#p4"
    assert writable.post("/api/check", json={"quote": quote, "author": "Sedova"}).json()["verdict"] == "disputed"
    bad = {**body, "rebuttal": "no-such-doc#p1"}
    assert_error(writable.post("/api/corrections", headers=ADMIN, json=bad), 400, "no document")
    assert_error(writable.post("/api/corrections", headers=ADMIN, json={"author": "Sedova"}), 422, "quote")


def test_admin_accepts_detected_disputes_once(writable: TestClient) -> None:
    first = writable.post("/api/corrections/accept", headers=ADMIN)
    assert first.status_code == 200
    assert [d["published_in"] for d in first.json()] == ["France-Soir"]
    assert writable.post("/api/corrections/accept", headers=ADMIN).json() == []
    assert len(writable.get("/api/corrections").json()) == 1


def test_upload_limit_is_larger_than_the_body_limit(writable: TestClient) -> None:
    big = b"A line of plain text for the archive.\n" * (MAX_BODY // 30)
    r = writable.post("/api/ingest", headers=ADMIN, files={"file": ("big.txt", big, "text/plain")})
    assert r.status_code == 200, r.text


# ---- concurrency -----------------------------------------------------------------------------


def test_parallel_reads_during_a_write_never_fail(writable: TestClient) -> None:
    """32 readers and an ingest at once: no 5xx, no "database is locked"."""

    def read(i: int) -> int:
        if i % 2:
            r = writable.post("/api/check", json={"quote": DENIED, "author": "Sedova"})
        else:
            r = writable.get(f"/documents/{SEDOVA_ID}")
        return r.status_code

    def write() -> int:
        files = {"file": ("manifesto.htm", MANIFESTO.read_bytes(), "text/html")}
        return writable.post("/api/ingest", headers=ADMIN, files=files).status_code

    with ThreadPoolExecutor(max_workers=16) as pool:
        futures = [pool.submit(read, i) for i in range(32)]
        futures.insert(10, pool.submit(write))
        statuses = [f.result() for f in futures]
    assert statuses == [200] * 33


# ---- HTML pages ------------------------------------------------------------------------------

PAGES = [
    "/",
    f"/?quote={DENIED}&author=Natalia+Sedova",
    "/article",
    "/search?q=history",
    "/search?q=history&author=Karl+Marx",
    "/authors",
    "/documents",
    f"/documents/{SEDOVA_ID}",
    f"/documents/{SEDOVA_ID}/cite?p=p3",
    "/corrections",
    "/authors/suggest?author=sed",
]


@pytest.mark.parametrize("url", PAGES)
def test_pages_render_with_security_headers_and_under_200_kb(client: TestClient, url: str) -> None:
    r = client.get(url)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert len(r.content) < 200_000
    assert_security_headers(r.headers)


def assert_security_headers(headers: Any) -> None:
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "script-src 'self';" in csp
    assert "unsafe-inline" not in csp.split("style-src")[0]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"


@pytest.mark.parametrize(
    ("method", "url"),
    [("get", "/api/authors"), ("get", "/nope"), ("get", "/static/app.css"), ("get", "/openapi.json"),
     ("post", "/api/check"), ("get", "/docs")],
)
def test_security_headers_on_every_response(client: TestClient, method: str, url: str) -> None:
    assert_security_headers(getattr(client, method)(url).headers)


def test_check_page_shows_verdict_diff_citations_and_links(client: TestClient) -> None:
    quote = "A great revolutionary like Leon Trotsky can never be the spiritual father of Mao"
    html = client.get("/", params={"quote": quote, "author": "Natalia Sedova"}).text
    assert "Altered: the quote is close to" in html
    changed = '<del><span class="sr">source: </span>in no way</del> <ins><span class="sr">quote: </span>never</ins>'
    assert changed in html
    assert f'href="/documents/{SEDOVA_ID}#p3"' in html
    assert "@misc{trotsky1961corrections" in html  # BibTeX
    assert "&#34;locator&#34;: &#34;p3&#34;" in html  # CSL-JSON, escaped
    assert "/api/claimreview?quote=" in html


def test_check_page_explains_a_bad_quote(client: TestClient) -> None:
    r = client.get("/", params={"quote": "too short", "author": "Marx"})
    assert r.status_code == 400
    assert "give at least 3" in r.text
    assert client.get("/", params={"quote": "x" * 20_001, "author": "Marx"}).status_code == 422


def test_document_page_links_footnotes_both_ways(client: TestClient) -> None:
    brumaire = doc_id(client, "Brumaire")
    html = client.get(f"/documents/{brumaire}").text
    # the reference mark in p7 points at the note, and the note points back at the mark
    assert '<a id="ref-note-1-p7" class="noteref" href="#note-1"' in html
    assert re.search(r'<li id="note-1">.*?href="#ref-note-1-p7"', html, re.S)
    seed = client.get(f"/documents/{SEDOVA_ID}").text
    assert '<aside class="editorial"' in seed and "MIA" in seed  # the archive's note, set apart
    assert 'id="p3"' in seed and f'href="/documents/{SEDOVA_ID}/cite?p=p3"' in seed


def test_a_long_document_is_paged_and_anchors_find_their_page(client: TestClient) -> None:
    book = doc_id(client, "Pomegranates")
    first = client.get(f"/documents/{book}")
    assert 'aria-label="Pages of this document"' in first.text and len(first.content) < 200_000
    assert 'id="p300"' not in first.text
    at = client.get(f"/documents/{book}", params={"at": "p300"})
    assert 'id="p300"' in at.text and len(at.content) < 200_000
    assert_error(client.get(f"/api/documents/{book}/cite", params={"p": "p9999"}), 400, "no paragraph")
    assert client.get(f"/documents/{book}", params={"page": 99}).status_code == 400


def test_hostile_archive_text_is_escaped_never_markup(client: TestClient) -> None:
    hostile = [doc_id(client, "Letter"), doc_id(client, "Hostile")]
    pages = [client.get(f"/documents/{d}").text for d in hostile]
    pages.append(client.get("/search", params={"q": "pwned"}).text)
    pages.append(client.get("/authors").text)
    pages.append(client.get("/").text)
    for html in pages:
        assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/htmx.min.js" defer>',
                                                     '<script src="/static/app.js" defer>']
        assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", html), "an event attribute got through"
        assert not re.search(r'href="javascript:', html)
    assert "&lt;script&gt;window.__pwned_body=1&lt;/script&gt;" in pages[0]


def test_openapi_and_docs_use_no_cdn(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in ["/api/check", "/api/article", "/api/search", "/api/authors", "/api/documents",
                 "/api/documents/{doc_id}", "/api/corrections", "/api/claimreview", "/api/ingest"]:
        assert path in spec["paths"]
    docs = client.get("/docs").text
    assert re.findall(r'(?:src|href)="([^"]+)"', docs) == [
        "data:,", "/static/swagger-ui.css", "/", "/openapi.json", "/static/swagger-ui-bundle.js",
        "/static/swagger-init.js"]
    assert client.get("/static/swagger-ui-bundle.js").status_code == 200


def _doc_id(client: TestClient, author: str) -> str:
    return client.get("/api/documents", params={"author": author}).json()["documents"][0]["id"]


def test_compare_two_documents_page_and_json(client: TestClient) -> None:
    a, b = _doc_id(client, "Natalia Sedova"), _doc_id(client, "Mallory")
    data = client.get("/api/compare", params={"a": a, "b": b}).json()
    assert [w["id"] for w in data["witnesses"]] == [a, b]
    assert data["loci"] and {"type", "readings"} <= set(data["loci"][0])
    page = client.get("/compare", params={"a": a, "b": b})
    assert page.status_code == 200
    assert "<script>window.__pwned" not in page.text  # the hostile letter's text is escaped
    assert client.get("/api/compare", params={"a": a, "b": "no-such-doc"}).status_code == 400


def test_reuse_links_on_a_document_page_and_a_check_result(tmp_path: Path) -> None:
    reprint = tmp_path / "reprint.txt"
    with Archive(tmp_path / "r.db") as archive:
        archive.ingest([SEED], workers=1)
        letter = archive.document(archive.documents()[0]["id"])
        reprint.write_text(f"A <b>reprint</b>\n\nShe wrote: {letter.paragraphs[1].text}\n", encoding="utf-8")
        archive.ingest([reprint], workers=1)
        assert archive.reuse().clusters  # stored for the pages below
    quote = " ".join(letter.paragraphs[1].text.split()[:12])
    with TestClient(create_app(str(tmp_path / "r.db"))) as c:
        [link] = c.get(f"/api/documents/{letter.id}/reuse").json()
        [elsewhere] = link["elsewhere"]
        assert elsewhere["title"] == "A <b>reprint</b>"
        page = c.get(f"/documents/{letter.id}").text
        assert "found elsewhere" in page and "A &lt;b&gt;reprint&lt;/b&gt;" in page
        checked = c.get("/", params={"quote": quote, "author": "Natalia Sedova"}).text
        assert "Also found in" in checked and f'href="/documents/{elsewhere["document_id"]}"' in checked
        assert "A &lt;b&gt;reprint&lt;/b&gt;" in checked
