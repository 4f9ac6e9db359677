"""The server under attack: script in archive content, articles, search terms and author names comes back
escaped; SQL in any parameter is data; no file outside static/ is served; writes need the right token;
oversized and malformed JSON get a 4xx; every response carries the security headers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from misquote import Archive
from misquote.api import create_app
from tests.conftest import SEED

SCRIPT = '<script>alert("xss")</script>'
IMG = "<img src=x onerror=alert(1)>"
PAYLOAD = f"{SCRIPT}{IMG}"
ESCAPED = "&lt;script&gt;"
HOSTILE_DOC = {
    "title": f"Pamphlet {PAYLOAD}",
    "author": f"Evil {SCRIPT} Author",
    "source": f"Printed by {IMG}",
    "paragraphs": [
        {"anchor": "p1", "text": f"The hostile words of this pamphlet are here {PAYLOAD} and they stay words only."},
        {"anchor": "p2", "text": 'A second paragraph of the pamphlet with a link <a href="javascript:alert(1)">x</a>.'},
    ],
}
INJECTIONS = [
    "' OR '1'='1",
    "\"; DROP TABLE documents; --",
    "1; DELETE FROM disputes",
    "x' UNION SELECT sql, sql, sql FROM sqlite_master --",
    "hostile OR NEAR(a b) *",
    "%' --",
    "\\'\\\"",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("security")
    (folder / "hostile.json").write_text(json.dumps(HOSTILE_DOC), encoding="utf-8")
    with Archive(folder / "s.db") as archive:
        report = archive.ingest([SEED, folder / "hostile.json"], workers=1)
        assert not report.failed, report.failed
        for proposal in archive.detect_disputes():
            archive.accept_dispute(proposal)
        archive.add_dispute("Natalia Sedova", f"words {PAYLOAD} put in her mouth", f"Le Journal {IMG}")
    return folder / "s.db"


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(db)), raise_server_exceptions=False) as c:
        yield c


def hostile_id(client: TestClient) -> str:
    return next(r["id"] for r in client.get("/api/documents").json()["documents"] if r["title"].startswith("Pamphlet"))


def assert_escaped(response: Any) -> None:
    """An HTML page that shows the payload as text: no live <script> or onerror attribute from it."""
    assert response.headers["content-type"].startswith("text/html"), response.headers
    body = response.text
    assert SCRIPT not in body and IMG not in body and 'href="javascript:' not in body
    assert ESCAPED in body, "the payload should be shown, escaped"


# ---- XSS ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/documents/{id}", "/documents", "/authors", "/corrections", "/search?q=hostile",
                                 "/documents/{id}/cite?p=p1"])
def test_archive_content_comes_back_escaped(client: TestClient, url: str) -> None:
    response = client.get(url.format(id=hostile_id(client)))
    assert response.status_code == 200, response.text
    assert_escaped(response)


@pytest.mark.parametrize(
    ("url", "params"),
    [
        pytest.param("/search", {"q": PAYLOAD}, id="search-terms"),
        pytest.param("/", {"quote": f"the words {PAYLOAD} here", "author": "Natalia Sedova"}, id="check-quote"),
        pytest.param("/", {"quote": "the spiritual father of Mao", "author": PAYLOAD}, id="check-author"),
        pytest.param("/authors/suggest", {"author": PAYLOAD}, id="author-suggest"),
        pytest.param("/documents", {"author": PAYLOAD}, id="documents-author"),
    ],
)
def test_request_parameters_come_back_escaped(client: TestClient, url: str, params: dict[str, str]) -> None:
    response = client.get(url, params=params)
    assert response.status_code < 500, response.text
    body = response.text
    assert SCRIPT not in body and IMG not in body


def test_article_text_comes_back_escaped(client: TestClient) -> None:
    article = f"{PAYLOAD}\n\nNatalia Sedova said: “the spiritual father of Mao Tse-Tung {SCRIPT}”."
    response = client.post("/article", data={"text": article, "kind": "text"})
    assert response.status_code == 200, response.text
    assert_escaped(response)


def test_json_twins_are_json_not_html(client: TestClient) -> None:
    for url in (f"/api/documents/{hostile_id(client)}", "/api/authors", f"/api/search?q={SCRIPT}", "/api/corrections"):
        response = client.get(url)
        assert response.headers["content-type"].startswith("application/json"), url
        assert response.headers["x-content-type-options"] == "nosniff"


# ---- SQL injection -------------------------------------------------------------------------------------


def _attacks(client: TestClient, value: str) -> list[Any]:
    doc = hostile_id(client)
    return [
        client.get("/api/search", params={"q": value}),
        client.get("/api/search", params={"q": "words", "author": value}),
        client.get("/api/search", params={"q": "words", "source": value}),
        client.get("/search", params={"q": value}),
        client.get("/api/documents", params={"author": value}),
        client.get(f"/api/documents/{value}"),
        client.get(f"/documents/{value}"),
        client.get(f"/api/documents/{doc}/cite", params={"p": value}),
        client.get("/api/claimreview", params={"quote": f"three words {value}", "author": value}),
        client.get("/", params={"quote": f"three more words {value}", "author": value}),
        client.post("/api/check", json={"quote": f"the words {value} here", "author": value}),
        client.post("/api/check", json={"quote": f"the words {value} here", "author": "Natalia Sedova", "id": value}),
    ]


@pytest.mark.parametrize("value", INJECTIONS)
def test_sql_in_any_parameter_is_only_data(client: TestClient, db: Path, value: str) -> None:
    before = client.get("/api/status").json()["stats"]
    for response in _attacks(client, value):
        assert response.status_code < 500, (response.request.url, response.text)
    assert client.get("/api/status").json()["stats"] == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0] == before["versions"]


# ---- path traversal ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../pyproject.toml",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/api.py",
        "/static/%2e%2e%2f%2e%2e%2fapi.py",
        "/static/....//....//etc/passwd",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/..%5c..%5capi.py",
        "/static/app.css%00.py",
        "/documents/..%2f..%2f..%2fetc%2fpasswd",
        "/api/documents/..%2f..%2fpyproject.toml",
    ],
)
def test_no_file_outside_static_is_served(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (400, 404), (path, response.status_code)
    assert "root:x:0:0" not in response.text and "[build-system]" not in response.text
    assert "def create_app" not in response.text


def test_static_files_are_served(client: TestClient) -> None:
    assert client.get("/static/app.css").status_code == 200


# ---- write endpoints -----------------------------------------------------------------------------------

WRITES = [
    ("/api/corrections", {"json": {"author": "Natalia Sedova", "quote": "three denied words", "published_in": "X"}}),
    ("/api/corrections/accept", {}),
    ("/api/ingest", {"files": {"file": ("letter.txt", b"A Letter\n\nSome words of a letter to ingest here.\n")}}),
]


@pytest.fixture
def writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    with Archive(tmp_path / "w.db") as archive:
        archive.ingest([SEED], workers=1)
    monkeypatch.setenv("MISQUOTE_ADMIN_TOKEN", "s3cret")
    with TestClient(create_app(str(tmp_path / "w.db")), raise_server_exceptions=False) as c:
        yield c


@pytest.mark.parametrize(("url", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_writes_are_refused_on_a_read_only_server(client: TestClient, url: str, body: dict[str, Any]) -> None:
    response = client.post(url, headers={"Authorization": "Bearer anything"}, **body)
    assert response.status_code == 403 and "read-only" in response.json()["error"]


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Bearer wrong", "Bearer s3cret2", "Bearer S3CRET", "Basic s3cret", "s3cret",
     "Bearer s3cre", "Bearer s3cret\x00"],
)
@pytest.mark.parametrize(("url", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_writes_need_the_right_token(writable: TestClient, url: str, body: dict[str, Any],
                                     authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    before = writable.get("/api/status").json()["stats"]
    try:
        response = writable.post(url, headers=headers, **body)
    except Exception:  # a header the HTTP client itself refuses never reaches the server
        assert authorization is not None and "\x00" in authorization
        return
    assert response.status_code == 401, response.text
    assert writable.get("/api/status").json()["stats"] == before


@pytest.mark.parametrize(("url", "body"), WRITES, ids=[w[0] for w in WRITES])
def test_the_right_token_writes(writable: TestClient, url: str, body: dict[str, Any]) -> None:
    response = writable.post(url, headers={"Authorization": "Bearer s3cret"}, **body)
    assert response.status_code in (200, 201), response.text


# ---- oversized and malformed JSON ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        b"{", b"[]", b"null", b"42", b'"quote"', b'{"quote": 5, "author": "x"}', b'{"quote": "a b c"}',
        b'{"quote": "a b c", "author": "x", "extra": 1}', b'{"quote": "a b c", "author": ["x"]}',
        b"\xff\xfe{}", b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
        b'{"quote": "' + b"\\ud800" * 10 + b'", "author": "x"}', b'{"quote": NaN, "author": Infinity}',
    ],
    ids=lambda raw: raw[:20].decode("latin-1"),
)
def test_malformed_json_is_a_clear_4xx(client: TestClient, raw: bytes) -> None:
    for url in ("/api/check", "/api/article"):
        response = client.post(url, content=raw, headers={"content-type": "application/json"})
        assert 400 <= response.status_code < 500, (url, response.status_code, response.text[:300])
        assert response.headers["content-type"].startswith("application/json")


def test_oversized_json_is_refused_with_413(client: TestClient) -> None:
    body = json.dumps({"quote": "word " * 600_000, "author": "Natalia Sedova"}).encode()
    response = client.post("/api/check", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "MB" in response.json()["error"]
    response = client.post("/api/article", json={"text": "x" * (3 * 1024 * 1024)})
    assert response.status_code == 413


# ---- headers -------------------------------------------------------------------------------------------


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    doc = hostile_id(client)
    responses = [
        client.get("/"), client.get("/article"), client.get("/search?q=words"), client.get("/authors"),
        client.get(f"/documents/{doc}"), client.get("/corrections"), client.get("/docs"), client.get("/openapi.json"),
        client.get("/static/app.css"), client.get("/no/such/page"), client.get("/api/documents/nope"),
        client.post("/api/check", content=b"{"), client.post("/api/check", content=b"x" * (3 * 1024 * 1024)),
        client.post("/api/corrections", json={}), client.get("/api/search"), client.get("/static/../x"),
    ]
    for response in responses:
        headers = response.headers
        assert "default-src 'self'" in headers.get("content-security-policy", ""), response.request.url
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers.get("x-content-type-options") == "nosniff", response.request.url
        assert headers.get("x-frame-options") == "DENY", response.request.url
        assert headers.get("referrer-policy") == "no-referrer", response.request.url
