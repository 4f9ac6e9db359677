"""The HTTP API and web UI: `create_app(db)` builds a FastAPI app over one `Archive`.

Every HTML page has a JSON twin under `/api/...` built from the same `web.pages.Pages` call. Routes
are plain `def` functions so FastAPI runs them in its threadpool: the SQLite store keeps one
connection per thread (readers in parallel, WAL) and one write lock, so pages never wait on each
other and writes never see "database is locked". Writes need `MISQUOTE_ADMIN_TOKEN`; without it the
server is read-only and says so. Archive text is untrusted: templates autoescape everything and the
Content-Security-Policy forbids inline scripts.

    misquote serve --db misquote.db          # or: uvicorn --factory misquote.api:app_from_env
"""

from __future__ import annotations

import gc
import hmac
import json
import os
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from misquote import __version__
from misquote.archive import Archive
from misquote.errors import MisquoteError, StoreError
from misquote.web.pages import NotFound, Pages

WEB = Path(__file__).parent / "web"
MAX_BODY = 2 * 1024 * 1024
"""Largest request body (an article, a JSON check): 2 MB is a long book chapter of text."""
MAX_UPLOAD = 32 * 1024 * 1024
"""Largest file an admin may ingest through the API (a Gutenberg book is 1-5 MB)."""
TOKEN_ENV = "MISQUOTE_ADMIN_TOKEN"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI sets style attributes from its scripts; it still loads nothing from outside.
DOCS_CSP = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
}


class SecurityHeaders:
    """ASGI middleware adding the CSP and other hardening headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope["path"] == "/docs" else CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers.append((b"content-security-policy", csp.encode()))
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """ASGI middleware refusing request bodies over MAX_BODY (MAX_UPLOAD for /api/ingest) with a clear 413.

    A declared Content-Length is refused before the body is read; a chunked body is counted as it
    arrives and stopped with an HTTPException that the error handlers turn into the same message.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_UPLOAD if scope["path"] == "/api/ingest" else MAX_BODY
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > limit:
            await _too_large(scope, limit)(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, _too_large_message(limit))
            return message

        await self.app(scope, counted, send)


def _too_large(scope: Scope, limit: int) -> Response:
    message = _too_large_message(limit)
    if scope["path"].startswith("/api/"):
        return JSONResponse({"error": message}, status_code=413, headers={"connection": "close"})
    page = f"<!doctype html><title>Too large</title><h1>Too large</h1><p>{message}.</p><p><a href=/>Back</a></p>"
    return HTMLResponse(page, status_code=413, headers={"connection": "close"})


# ---- request bodies --------------------------------------------------------------------------


Version = Annotated[int | None, Query(ge=1, description="A version other than the current one.")]
Anchor = Annotated[str | None, Query(max_length=40, description="A paragraph anchor such as p12.")]
AuthorName = Annotated[str | None, Query(max_length=300, description="Any form of an author's name.")]


class CheckRequest(BaseModel):
    """A quote and the person it is attributed to."""

    model_config = ConfigDict(extra="forbid")
    quote: str = Field(description="The quoted words (at least 3).", examples=["the spiritual father of Mao Tse-Tung"])
    author: str = Field(description="Who the words are attributed to; any name form.", examples=["Natalia Sedova"])
    id: str | int | None = Field(default=None, description="Echoed back in the verdict.")


class ArticleRequest(BaseModel):
    """An article to check every quotation of."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(description="The article: plain text, HTML or Markdown.")
    kind: Literal["auto", "text", "html", "markdown"] = "auto"


class DisputeRequest(BaseModel):
    """A person's recorded denial of words attributed to them."""

    model_config = ConfigDict(extra="forbid")
    author: str
    quote: str
    published_in: str = Field(description="Where the words were attributed to them.")
    date: str | None = Field(default=None, description="When (ISO date).")
    rebuttal: str | None = Field(default=None, description="DOC_ID or DOC_ID#pN of the denial.")
    note: str | None = None


# ---- errors ----------------------------------------------------------------------------------


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/openapi"))


def _validation_message(errors: list[Any]) -> str:
    parts = []
    for err in errors:
        if err.get("type") == "json_invalid":
            parts.append(f"the request body is not valid JSON ({err.get('ctx', {}).get('error', 'cannot be parsed')})")
            continue
        where = ".".join(str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "form"))
        parts.append(f"{where or 'request'}: {err.get('msg', 'invalid')}")
    return "; ".join(parts) or "the request is not valid"


def _too_large_message(limit: int) -> str:
    return f"the request body is over {limit // (1024 * 1024)} MB: send a shorter text or a smaller file"


class _Errors:
    """Exception handlers: JSON `{"error": message}` under /api, an HTML page elsewhere."""

    def __init__(self, templates: Jinja2Templates) -> None:
        self.templates = templates

    def respond(self, request: Request, status: int, message: str, extra: dict[str, Any] | None = None) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        if _wants_json(request):
            return JSONResponse({"error": message, **(extra or {})}, status_code=status, headers=headers)
        return self.templates.TemplateResponse(
            request, "error.html", {"status": status, "message": message}, status_code=status, headers=headers
        )

    async def misquote(self, request: Request, exc: Exception) -> Response:
        return self.respond(request, 503 if isinstance(exc, StoreError) else 400, str(exc))

    async def not_found(self, request: Request, exc: Exception) -> Response:
        return self.respond(request, 404, str(exc.args[0]) if exc.args else "not found")

    async def validation(self, request: Request, exc: Exception) -> Response:
        errors = exc.errors() if isinstance(exc, RequestValidationError) else []
        # the details name each bad field; the input itself is not echoed back (it may be megabytes)
        detail = [{k: v for k, v in e.items() if k in ("type", "loc", "msg")} for e in errors]
        return self.respond(request, 422, _validation_message(errors), {"detail": jsonable_encoder(detail)})

    async def http(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = str(exc.detail)
        if exc.status_code == 413:
            message = _too_large_message(MAX_UPLOAD if request.url.path == "/api/ingest" else MAX_BODY)
        elif exc.status_code == 404 and message == "Not Found":
            message = f"no page at {request.url.path}: see / for the check page or /docs for the API"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        return self.respond(request, exc.status_code, message)

    async def internal(self, request: Request, exc: Exception) -> Response:
        return self.respond(request, 500, f"internal error ({type(exc).__name__}); please report it")


# ---- the app ---------------------------------------------------------------------------------


def _templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(WEB / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["version"] = __version__
    env.globals["read_only"] = lambda: not os.environ.get(TOKEN_ENV)
    return Jinja2Templates(env=env)


def require_admin(authorization: Annotated[str | None, Header()] = None) -> None:
    """Writes need `Authorization: Bearer $MISQUOTE_ADMIN_TOKEN`; with no token configured, none are allowed."""
    token = os.environ.get(TOKEN_ENV)
    if not token:
        raise HTTPException(403, f"this server is read-only: start it with {TOKEN_ENV} set to allow writes")
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise HTTPException(401, "this write needs the admin token: send Authorization: Bearer <token>")


def create_app(db: str | None = None) -> FastAPI:
    """The FastAPI app over the archive at `db` (default $MISQUOTE_DB or ./misquote.db; it must exist)."""
    archive = Archive(db, create=False)
    pages = Pages(archive)
    templates = _templates()
    errors = _Errors(templates)
    app = FastAPI(
        title="misquote",
        version=__version__,
        description="Check quotations against an archive of primary sources with provenance. "
        "Every web page has a JSON twin here. Writes need `Authorization: Bearer $MISQUOTE_ADMIN_TOKEN`.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.archive = archive
    app.state.pages = pages
    app.add_middleware(BodyLimit)
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(MisquoteError, errors.misquote)
    app.add_exception_handler(NotFound, errors.not_found)
    app.add_exception_handler(RequestValidationError, errors.validation)
    app.add_exception_handler(HTTPException, errors.http)
    app.add_exception_handler(Exception, errors.internal)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    app.router.add_event_handler("shutdown", archive.close)
    # Long-lived start-up objects (templates, routes, caches) leave the garbage collector's
    # young generations: full collections otherwise walk them on every few checks.
    gc.freeze()

    def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status)

    admin = Depends(require_admin)

    # -- HTML pages ----------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def check_page(
        request: Request,
        quote: Annotated[str | None, Query(max_length=20_000)] = None,
        author: AuthorName = None,
    ) -> HTMLResponse:
        context: dict[str, Any] = {"quote": quote or "", "author": author or "", "authors": pages.suggest("", 400)}
        if quote is not None or author is not None:
            try:
                context["result"] = pages.check(quote or "", author or "")
            except MisquoteError as exc:
                context["error"] = str(exc)
                return page(request, "check.html", context, 503 if isinstance(exc, StoreError) else 400)
        return page(request, "check.html", context)

    @app.get("/authors/suggest", response_class=HTMLResponse, include_in_schema=False)
    def author_suggestions(request: Request, author: Annotated[str, Query(max_length=300)] = "") -> HTMLResponse:
        return page(request, "_author_options.html", {"authors": pages.suggest(author)})

    @app.get("/article", response_class=HTMLResponse, include_in_schema=False)
    def article_form(request: Request) -> HTMLResponse:
        return page(request, "article.html", {"text": ""})

    @app.post("/article", response_class=HTMLResponse, include_in_schema=False)
    def article_page(
        request: Request,
        text: Annotated[str, Form(max_length=MAX_BODY)] = "",
        kind: Annotated[Literal["auto", "text", "html", "markdown"], Form()] = "auto",
        file: Annotated[UploadFile | None, File()] = None,
    ) -> HTMLResponse:
        data: str | bytes = text
        if file is not None and file.filename:
            data = file.file.read()
        try:
            view = pages.article_view(pages.article(data, kind))
        except MisquoteError as exc:
            return page(request, "article.html", {"text": text, "error": str(exc)}, 400)
        return page(request, "article.html", {"text": text, **view})

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q: Annotated[str, Query(max_length=1000)] = "",
        author: AuthorName = None,
        year: Annotated[int | None, Query(ge=-3000, le=3000)] = None,
        source: Annotated[str | None, Query(max_length=1000)] = None,
    ) -> HTMLResponse:
        context: dict[str, Any] = {"q": q, "author": author, "year": year, "source": source}
        if q.strip():
            try:
                context["result"] = pages.search(q, author=author or None, year=year, source=source or None)
            except MisquoteError as exc:
                context["error"] = str(exc)
                return page(request, "search.html", context, 400)
        return page(request, "search.html", context)

    @app.get("/authors", response_class=HTMLResponse, include_in_schema=False)
    def authors_page(request: Request) -> HTMLResponse:
        return page(request, "authors.html", {"authors": pages.authors()})

    @app.get("/documents", response_class=HTMLResponse, include_in_schema=False)
    def documents_page(
        request: Request,
        author: AuthorName = None,
        page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
    ) -> HTMLResponse:
        return page(request, "documents.html", pages.documents(author or None, page_no))

    @app.get("/documents/{doc_id}", response_class=HTMLResponse, include_in_schema=False)
    def document_page(
        request: Request,
        doc_id: str,
        version: Version = None,
        page_no: Annotated[int | None, Query(alias="page", ge=1)] = None,
        at: Annotated[str | None, Query(max_length=40)] = None,
    ) -> HTMLResponse:
        return page(request, "document.html", pages.document_view(doc_id, version, page_no, at))

    @app.get("/documents/{doc_id}/cite", response_class=HTMLResponse, include_in_schema=False)
    def cite_page(
        request: Request, doc_id: str, p: Anchor = None, version: Version = None
    ) -> HTMLResponse:
        return page(request, "cite.html", pages.cite(doc_id, p, version))

    @app.get("/corrections", response_class=HTMLResponse, include_in_schema=False)
    def corrections_page(request: Request) -> HTMLResponse:
        return page(request, "corrections.html", {"disputes": pages.corrections()})

    @app.get("/compare", response_class=HTMLResponse, include_in_schema=False)
    def compare_page(request: Request, a: str, b: str) -> HTMLResponse:
        apparatus = pages.compare(a, b)
        return page(request, "compare.html", {"a": a, "b": b, "apparatus": apparatus,
                                              "table": Markup(apparatus.to_html(fragment=True))})

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def api_docs(request: Request) -> HTMLResponse:
        return page(request, "docs.html", {})

    # -- JSON twins ----------------------------------------------------------------------------
    @app.post("/api/check", tags=["check"], summary="Did this person write these words?")
    def api_check(body: CheckRequest) -> dict[str, Any]:
        """The verdict with its evidence: the `check --json` shape of DESIGN.md."""
        return {**pages.verdict(body.quote, body.author).to_dict(), "id": body.id}

    @app.get("/api/claimreview", tags=["check"], summary="A ClaimReview (JSON-LD) of one check, to download")
    def api_claimreview(
        quote: Annotated[str, Query(max_length=20_000)], author: Annotated[str, Query(max_length=300)]
    ) -> Response:
        body = json.dumps(pages.claimreview(quote, author), ensure_ascii=False, indent=2)
        return Response(
            body,
            media_type="application/ld+json",
            headers={"Content-Disposition": 'attachment; filename="claimreview.jsonld"'},
        )

    @app.post("/api/article", tags=["check"], summary="Check every quotation of an article")
    def api_article(body: ArticleRequest) -> dict[str, Any]:
        """The `check-article --json` shape, with the article `text` the offsets refer to."""
        return pages.article(body.text, body.kind)

    @app.get("/api/search", tags=["read"], summary="Full-text search with snippets and facets")
    def api_search(
        q: Annotated[str, Query(min_length=1, max_length=1000)],
        author: AuthorName = None,
        year: Annotated[int | None, Query(ge=-3000, le=3000)] = None,
        source: Annotated[str | None, Query(max_length=1000)] = None,
        limit: Annotated[int, Query(ge=1, le=200)] = 50,
    ) -> dict[str, Any]:
        return pages.search(q, author=author, year=year, source=source, limit=limit)

    @app.get("/api/authors", tags=["read"], summary="Every author with their number of documents")
    def api_authors() -> list[dict[str, Any]]:
        return pages.authors()

    @app.get("/api/documents", tags=["read"], summary="The documents, optionally of one author")
    def api_documents(
        author: AuthorName = None,
        page_no: Annotated[int, Query(alias="page", ge=1)] = 1,
    ) -> dict[str, Any]:
        return pages.documents(author, page_no)

    @app.get("/api/documents/{doc_id}", tags=["read"], summary="A document: provenance, paragraphs, notes")
    def api_document(doc_id: str, version: Version = None) -> dict[str, Any]:
        return pages.document(doc_id, version)

    @app.get("/api/documents/{doc_id}/cite", tags=["read"], summary="Cite a document or one paragraph")
    def api_cite(doc_id: str, p: Anchor = None, version: Version = None) -> dict[str, Any]:
        return pages.cite(doc_id, p, version)

    @app.get("/api/compare", tags=["read"], summary="Collate two documents: what one cut, added or changed")
    def api_compare(a: str, b: str) -> dict[str, Any]:
        """The apparatus in the `collate --json` shape of DESIGN.md."""
        return pages.compare(a, b).to_dict()

    @app.get("/api/documents/{doc_id}/reuse", tags=["read"], summary="Passages of a document found elsewhere")
    def api_reuse(doc_id: str) -> list[dict[str, Any]]:
        """Clusters of the last archive-wide `misquote reuse` run that hold a passage of this document."""
        return pages.reuse(doc_id)

    @app.get("/api/corrections", tags=["read"], summary="The disputes on record")
    def api_corrections() -> list[dict[str, Any]]:
        return pages.corrections()

    @app.get("/api/status", tags=["read"], summary="What the archive holds and whether writes are open")
    def api_status() -> dict[str, Any]:
        stats = archive.stats()
        return {"version": __version__, "read_only": not os.environ.get(TOKEN_ENV),
                "stats": {k: v for k, v in stats.__dict__.items() if k != "by_author"}}

    # -- writes (admin token) ------------------------------------------------------------------
    @app.post("/api/ingest", tags=["write"], summary="Ingest one uploaded file", dependencies=[admin])
    def api_ingest(
        file: Annotated[UploadFile, File(description="An archive page, TEI, Markdown or text file.")],
    ) -> dict[str, Any]:
        return pages.ingest_upload(file.filename or "upload.txt", file.file.read())

    @app.post("/api/corrections", tags=["write"], summary="Record a dispute", dependencies=[admin], status_code=201)
    def api_add_dispute(body: DisputeRequest) -> dict[str, Any]:
        return pages.add_dispute(**body.model_dump())

    @app.post("/api/corrections/accept", tags=["write"], summary="Record the denials detected in the archive",
              dependencies=[admin])
    def api_accept_disputes() -> list[dict[str, Any]]:
        return pages.accept_detected()

    return app


def app_from_env() -> FastAPI:
    """The app over $MISQUOTE_DB, for `uvicorn --factory misquote.api:app_from_env` (several workers)."""
    return create_app(os.environ.get("MISQUOTE_DB"))

