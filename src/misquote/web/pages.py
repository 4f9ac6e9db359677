"""What each web page shows, built from the library's objects as JSON-ready dicts.

The HTML routes render these dicts with templates and the `/api/...` routes return them (or the
library's own `to_dict()` shapes they contain), so a page and its JSON twin show the same data.
Nothing here decides a verdict: it only arranges what the `Archive` answered for display (a word
diff of quote against source, an article cut into highlighted runs, a long document cut into pages).
"""

from __future__ import annotations

import json
import re
import tempfile
import threading
from collections import Counter, OrderedDict
from dataclasses import asdict, dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote
from urllib.parse import urlencode

from misquote import authors as author_names
from misquote import export
from misquote.archive import Archive
from misquote.errors import QueryError
from misquote.model import Dispute, Document, Note, Verdict
from misquote.text import Token, clean_text, strip_editorial, tokens

PAGE_BYTES = 110_000
"""Budget of one document page (paragraph text plus markup), so a whole book never makes a page over 200 KB."""
PARAGRAPH_OVERHEAD = 260
"""Bytes of markup around one paragraph (anchor, cite link), counted against PAGE_BYTES."""
SEARCH_POOL = 500
"""Hits fetched to count facets over; the page shows the first `limit` of them."""
MAX_MATCHES_SHOWN = 6
VERDICT_CACHE = 4096
LIST_PAGE = 200
"""Rows per page of the document list."""


class NotFound(LookupError):
    """No such document (or version) in the archive: the web answers 404."""


# ---- word diff and article runs ------------------------------------------------------------------


def quote_tokens(quote: str) -> list[Token]:
    """The quote's words as the checker counts them (editorial insertions dropped, ellipses skipped)."""
    return tokens(strip_editorial(" ".join(clean_text(quote).split())))


def _span(text: str, toks: list[Token], i: int, j: int) -> str:
    return text[toks[i].start : toks[j - 1].end] if j > i else ""


def word_diff(quote: str, q_toks: list[Token], source: str) -> list[dict[str, str]]:
    """The source passage as runs marked against the quote, word by word.

    Each run is `{"op", "quote", "source"}` with op `same` (words in both; source spelling kept),
    `changed` (source words the quote replaced), `missing` (source words the quote leaves out) or
    `added` (quote words not in the source). Concatenating the `source` fields gives the passage back.
    """
    q_text = strip_editorial(" ".join(clean_text(quote).split()))
    s_toks = tokens(source)
    matcher = SequenceMatcher(a=[t.norm for t in q_toks], b=[t.norm for t in s_toks], autojunk=False)
    runs: list[dict[str, str]] = []
    cursor = 0

    def plain(upto: int) -> None:
        nonlocal cursor
        if upto > cursor:
            runs.append({"op": "same", "quote": "", "source": source[cursor:upto]})
            cursor = upto

    names = {"equal": "same", "replace": "changed", "insert": "missing", "delete": "added"}
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if j2 > j1:
            plain(s_toks[j1].start)
            end = s_toks[j2 - 1].end
            runs.append({"op": names[tag], "quote": _span(q_text, q_toks, i1, i2), "source": source[cursor:end]})
            cursor = end
        else:
            runs.append({"op": "added", "quote": _span(q_text, q_toks, i1, i2), "source": ""})
    plain(len(source))
    return runs


def article_runs(text: str, quotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The article cut into runs: plain text, and each quotation with its index and verdict."""
    runs: list[dict[str, Any]] = []
    cursor = 0
    for index, q in sorted(enumerate(quotations), key=lambda item: item[1]["start"]):
        start, end = q["start"], q["end"]
        if start < cursor or end <= start or end > len(text):
            continue  # overlapping or out-of-range spans are listed in the table, not highlighted
        if start > cursor:
            runs.append({"text": text[cursor:start], "quote": None})
        check = q.get("check") or {}
        runs.append({"text": text[start:end], "quote": index + 1, "verdict": check.get("verdict", "unchecked")})
        cursor = end
    if cursor < len(text):
        runs.append({"text": text[cursor:], "quote": None})
    return runs


_SNIPPET_MARK = re.compile(r"\[([^\[\]]*)\]")


def snippet_runs(snippet: str) -> list[dict[str, Any]]:
    """A search snippet (matched words in [brackets]) as runs of `{"text", "hit"}`."""
    runs: list[dict[str, Any]] = []
    cursor = 0
    for m in _SNIPPET_MARK.finditer(snippet):
        if m.start() > cursor:
            runs.append({"text": snippet[cursor : m.start()], "hit": False})
        runs.append({"text": m.group(1), "hit": True})
        cursor = m.end()
    if cursor < len(snippet):
        runs.append({"text": snippet[cursor:], "hit": False})
    return runs


# ---- documents ---------------------------------------------------------------------------------


def provenance(doc: Document) -> list[tuple[str, str]]:
    """The provenance header as (label, value) lines, in archive order, unknown labels kept."""
    fields = [
        ("Author", doc.author),
        ("Written", doc.written_raw or doc.written),
        ("First published", doc.first_published),
        ("Source", doc.source),
        ("Online version", doc.online_version),
        ("Transcription / markup", doc.transcriber),
        ("Translated by", doc.translator),
        ("Edition", doc.edition),
        ("Work", doc.work),
        ("Language", doc.language),
        ("URL", doc.url),
    ]
    lines = [(label, value) for label, value in fields if value]
    lines += [(label, value) for label, value in doc.extra.items() if value]
    lines.append(("Read as", f"{doc.format or doc.reader}, version {doc.version}"))
    return lines


@dataclass
class PagedDocument:
    """A document cut into pages that each stay under PAGE_BYTES, and where each anchor falls."""

    doc: Document
    pages: list[tuple[int, int]]
    page_of: dict[str, int]

    @classmethod
    def of(cls, doc: Document) -> PagedDocument:
        pages: list[tuple[int, int]] = []
        page_of: dict[str, int] = {}
        first, size = 0, 0
        for i, p in enumerate(doc.paragraphs):
            cost = len(p.text.encode("utf-8")) + PARAGRAPH_OVERHEAD
            if size and size + cost > PAGE_BYTES:
                pages.append((first, i))
                first, size = i, 0
            size += cost
            page_of[p.anchor] = len(pages) + 1
        pages.append((first, len(doc.paragraphs)))
        for note in doc.notes:  # a note is shown on the page of its first reference, else on the last
            page_of.setdefault(note_anchor(note), page_of.get(note.refs[0], len(pages)) if note.refs else len(pages))
        return cls(doc, pages, page_of)


def note_anchor(note: Note) -> str:
    """The anchor of a note, as the search index names it (`note-12`)."""
    return "note-" + "_".join(note.label.split())


def document_href(doc_id: str, version: int | None = None) -> str:
    """The URL of a document page (of one version when given)."""
    query = f"?version={version}" if version else ""
    return f"/documents/{url_quote(doc_id, safe='')}{query}"


class Pages:
    """The data of every page over one archive, with small caches cleared on every write."""

    def __init__(self, archive: Archive, *, cache_size: int = 32) -> None:
        self.archive = archive
        self._docs: OrderedDict[tuple[str, int | None], PagedDocument] = OrderedDict()
        self._cache_size = cache_size
        self._lock = threading.Lock()
        self._listing: list[dict[str, Any]] | None = None
        self._verdicts: OrderedDict[tuple[str, str], Verdict] = OrderedDict()
        self._page_of: dict[tuple[str, int | None], dict[str, int]] = {}
        """Which page each anchor is on, per document read so far (small; kept until the next write)."""

    # -- caches ---------------------------------------------------------------------------------
    def changed(self) -> None:
        """Forget cached documents and listings after a write."""
        with self._lock:
            self._docs.clear()
            self._page_of.clear()
            self._verdicts.clear()
            self._listing = None

    def verdict(self, quote: str, author: str) -> Verdict:
        """The archive's verdict, remembered for the last VERDICT_CACHE checks (until the next write).

        A check page, its ClaimReview download and a reload ask the same question; so do the many
        readers of one viral quote. Callers must not change the Verdict they get.
        """
        key = (quote, author)
        with self._lock:
            hit = self._verdicts.get(key)
            if hit is not None:
                self._verdicts.move_to_end(key)
                return hit
        verdict = self.archive.check(quote, author)
        with self._lock:
            self._verdicts[key] = verdict
            while len(self._verdicts) > VERDICT_CACHE:
                self._verdicts.popitem(last=False)
        return verdict

    def paged(self, doc_id: str, version: int | None = None) -> PagedDocument:
        """A document with its pages (cached: a book's JSON takes long to parse); NotFound if absent."""
        key = (doc_id, version)
        with self._lock:
            hit = self._docs.get(key)
            if hit is not None:
                self._docs.move_to_end(key)
                return hit
        doc = self.archive.document(doc_id, version)
        if doc is None:
            raise NotFound(f"no document {doc_id!r}" + (f" version {version}" if version else "") + " in the archive")
        paged = PagedDocument.of(doc)
        with self._lock:
            self._page_of[key] = paged.page_of
            self._docs[key] = paged
            while len(self._docs) > self._cache_size:
                self._docs.popitem(last=False)
        return paged

    def listing(self) -> list[dict[str, Any]]:
        """Every current document's row (cached), for facets and lists."""
        listing = self._listing
        if listing is None:
            listing = self._listing = self.archive.documents()
        return listing

    def paragraph_href(self, doc_id: str, anchor: str, version: int | None = None, *, load: bool = True) -> str:
        """A link to a paragraph: `/documents/ID#pN`, with `?at=pN` when it is not on the first page.

        Without `load`, a document whose pages are not known yet is not read (a book takes long to
        parse): its link always carries `?at=pN`, which finds the right page on any document.
        """
        page_of = self._page_of.get((doc_id, version))
        if page_of is None and load:
            try:
                page_of = self.paged(doc_id, version).page_of
            except NotFound:
                page_of = {}
        page = page_of.get(anchor, 1) if page_of is not None else 2
        base = document_href(doc_id, version)
        if page > 1:
            base += ("&" if "?" in base else "?") + f"at={url_quote(anchor, safe='')}"
        return f"{base}#{url_quote(anchor, safe='')}"

    def citations(self, doc: Document, anchor: str | None) -> dict[str, str]:
        """The citation of a document (or one paragraph of it) in plain text, CSL-JSON and BibTeX."""
        meta = Document.from_dict(doc.metadata())  # no paragraphs: a note's anchor is cited as given
        return {
            "plain": export.citation(meta, anchor),
            "csl_json": json.dumps([export.to_csl_json(meta, anchor)], ensure_ascii=False, indent=2),
            "bibtex": export.to_bibtex(meta, anchor),
        }

    # -- check ----------------------------------------------------------------------------------
    def check(self, quote: str, author: str) -> dict[str, Any]:
        """The check page: the verdict, in words, each match with its word diff, provenance and citations."""
        verdict = self.verdict(quote, author)
        q_toks = quote_tokens(quote)
        matches = []
        for m in verdict.matches[:MAX_MATCHES_SHOWN]:
            lo, hi = m.fragment or (0, len(q_toks))
            item = m.to_dict()
            item["diff"] = word_diff(quote, q_toks[lo:hi], m.text)
            item["href"] = self.paragraph_href(m.document_id, m.paragraph)
            try:
                doc = self.paged(m.document_id).doc
            except NotFound:
                item["provenance"], item["cite"] = [], None
            else:
                item["provenance"] = provenance(doc)
                item["cite"] = self.citations(doc, m.paragraph)
            item["also"] = self.archive.also_found_in(m)
            matches.append(item)
        dispute = verdict.dispute
        rebuttal = None
        if dispute is not None and dispute.rebuttal_document_id:
            rebuttal = self.paragraph_href(dispute.rebuttal_document_id, dispute.paragraph or "")
        return {
            "verdict": verdict.to_dict(),
            "words": export.verdict_explanation_words(verdict),
            "matches": matches,
            "rebuttal_href": rebuttal,
            "claimreview_href": "/api/claimreview?" + urlencode({"quote": quote, "author": author}),
        }

    def claimreview(self, quote: str, author: str) -> dict[str, Any]:
        """ClaimReview JSON-LD for one check."""
        return export.claimreview([self.verdict(quote, author)], article_url=None, article_title=None)

    def suggest(self, typed: str, limit: int = 12) -> list[str]:
        """Author names (canonical, or an alias that matches) for what the user has typed so far."""
        names = [a["name"] for a in self.archive.authors()]
        typed = " ".join(typed.lower().split())
        if not typed:
            return names[:limit]
        out = [n for n in names if any(typed in form.lower() for form in author_names.forms(n))]
        return out[:limit]

    # -- article --------------------------------------------------------------------------------
    def article(self, data: str | bytes, kind: str = "auto") -> dict[str, Any]:
        """Every quotation of an article checked: the `check-article --json` shape, with `text`."""
        report = self.archive.check_article(data, kind=kind).to_dict()
        if not report["text"].strip():
            raise QueryError("the article is empty: paste its text or upload a file")
        return report

    def article_view(self, report: dict[str, Any]) -> dict[str, Any]:
        """The article page: the report, the article in highlighted runs and a check link per quote."""
        rows = []
        for q in report["quotations"]:
            who = q.get("author") or q.get("speaker")
            href = "/?" + urlencode({"quote": q["text"], "author": who}) if who else None
            rows.append({**q, "check_href": href, "verdict": (q.get("check") or {}).get("verdict")})
        counts = Counter(r["verdict"] or "unchecked" for r in rows)
        return {"report": report, "rows": rows, "runs": article_runs(report["text"], report["quotations"]),
                "counts": dict(counts)}

    # -- search ---------------------------------------------------------------------------------
    def search(
        self, q: str, *, author: str | None = None, year: int | None = None, source: str | None = None,
        limit: int = 50,
    ) -> dict[str, Any]:
        """Full-text search with snippets, and facet counts (author, year written, source) over the hits."""
        if not 1 <= limit <= 200:
            raise QueryError("limit must be between 1 and 200")
        sources = {row["id"]: row.get("source") for row in self.listing()}

        def found(author: str | None) -> list[dict[str, Any]]:
            items = []
            for hit in self.archive.search(q, author=author, limit=SEARCH_POOL):
                item = asdict(hit)
                del item["text"]
                item["year"] = int(hit.written[:4]) if hit.written and hit.written[:4].isdigit() else None
                item["source"] = sources.get(hit.document_id)
                items.append(item)
            return items

        # facets count over every hit, so choosing an author still shows the others to switch to
        everyone = found(None)
        hits = found(author) if author else everyone
        chosen = {"q": q, "author": author, "year": year, "source": source}

        def narrowed(name: str, value: Any) -> str:
            params = {k: v for k, v in {**chosen, name: value}.items() if v is not None and v != ""}
            return "/search?" + urlencode(params)

        facets = {
            name: [{"value": v, "count": c, "href": narrowed(name, v), "chosen": chosen[name] == v}
                   for v, c in Counter(h[name] for h in everyone if h[name]).most_common(12)]
            for name in ("author", "year", "source")
        }
        shown = [h for h in hits if (year is None or h["year"] == year) and (source is None or h["source"] == source)]
        for h in shown[:limit]:
            h["snippet_runs"] = snippet_runs(h["snippet"])
            h["href"] = self.paragraph_href(h["document_id"], h["paragraph"], load=False)
        return {"q": q, "author": author, "year": year, "source": source, "total": len(shown),
                "more": len(hits) == SEARCH_POOL, "hits": shown[:limit], "facets": facets}

    # -- reading --------------------------------------------------------------------------------
    def authors(self) -> list[dict[str, Any]]:
        return self.archive.authors()

    def documents(self, author: str | None = None, page: int = 1) -> dict[str, Any]:
        """The document list (of one author, any name form), LIST_PAGE rows a page."""
        rows = self.archive.documents(author) if author else self.listing()
        pages = max(1, -(-len(rows) // LIST_PAGE))
        if not 1 <= page <= pages:
            raise QueryError(f"page must be between 1 and {pages}")
        return {"author": author, "total": len(rows), "page": page, "pages": pages,
                "documents": rows[(page - 1) * LIST_PAGE : page * LIST_PAGE]}

    def document(self, doc_id: str, version: int | None = None) -> dict[str, Any]:
        """The JSON twin of a document page: every field, its versions and its citation."""
        doc = self.paged(doc_id, version).doc
        return {**doc.to_dict(), "versions": self.archive.versions(doc_id), "citation": export.citation(doc)}

    def document_view(
        self, doc_id: str, version: int | None = None, page: int | None = None, at: str | None = None
    ) -> dict[str, Any]:
        """One page of a document: provenance, paragraphs with their note links, notes linked back."""
        paged = self.paged(doc_id, version)
        doc = paged.doc
        if at is not None:
            page = paged.page_of.get(at, page or 1)
        page = page or 1
        if not 1 <= page <= len(paged.pages):
            raise QueryError(f"page must be between 1 and {len(paged.pages)}")
        first, last = paged.pages[page - 1]
        note_ids: dict[str, str] = {}
        for n in doc.notes:
            note_ids.setdefault(n.label, note_anchor(n))
        base = document_href(doc_id, version)
        sep = "&" if "?" in base else "?"

        def href(anchor: str) -> str:
            target = paged.page_of.get(anchor, 1)
            prefix = "" if target == page else (f"{base}{sep}page={target}" if target > 1 else base)
            return f"{prefix}#{url_quote(anchor, safe='')}"

        paragraphs = [
            {"anchor": p.anchor, "text": p.text, "kind": p.kind, "speaker": p.speaker,
             "notes": [{"label": label, "id": note_ids[label]} for label in p.notes if label in note_ids]}
            for p in doc.paragraphs[first:last]
        ]
        on_page = {p["anchor"] for p in paragraphs}
        last_page = page == len(paged.pages)

        def note_view(n: Note) -> dict[str, Any]:
            note_id = note_ids[n.label]
            # a note links back to its reference mark when that is on this page, else to the paragraph
            refs = [{"anchor": a, "href": f"#ref-{note_id}-{a}" if a in on_page else href(a)} for a in n.refs]
            return {"id": note_id, "label": n.label, "text": n.text, "by": n.by, "kind": n.kind, "refs": refs}

        shown = [n for n in doc.notes if on_page.intersection(n.refs) or (not n.refs and last_page)]
        return {
            "doc": doc.metadata(),
            "provenance": provenance(doc),
            "paragraphs": paragraphs,
            "footnotes": [note_view(n) for n in shown if n.kind == "footnote"],
            "editorial": [note_view(n) for n in shown if n.kind != "footnote"],
            "versions": self.archive.versions(doc_id),
            "editions": self.archive.editions(doc_id),
            "reuse": self.reuse(doc_id),
            "citation": export.citation(doc),
            "page": page,
            "pages": len(paged.pages),
            "base_href": base,
        }

    def reuse(self, doc_id: str) -> list[dict[str, Any]]:
        """Passages of this document found elsewhere: each with where it stands here and the other places."""
        out = []
        for cluster in self.archive.reuse_for(doc_id):
            here = [w for w in cluster["witnesses"] if w["document_id"] == doc_id]
            elsewhere = [w for w in cluster["witnesses"] if w["document_id"] != doc_id]
            if here and elsewhere:
                out.append({"id": cluster["id"], "here": here[0], "elsewhere": elsewhere})
        return out

    def compare(self, a: str, b: str) -> Any:
        """The apparatus of two documents of the archive (the first is the base)."""
        from misquote.collate import collate

        witnesses = [self.archive.witness(a), self.archive.witness(b)]
        if witnesses[0].label == witnesses[1].label:
            witnesses[0].label, witnesses[1].label = f"{witnesses[0].label} (A)", f"{witnesses[1].label} (B)"
        return collate(witnesses)

    def cite(self, doc_id: str, anchor: str | None, version: int | None = None) -> dict[str, Any]:
        """Citations of a document or of one paragraph, and the link to it."""
        doc = self.paged(doc_id, version).doc
        if anchor is not None and anchor not in self.paged(doc_id, version).page_of:
            raise QueryError(f"document {doc_id} has no paragraph or note {anchor!r}")
        href = self.paragraph_href(doc_id, anchor, version) if anchor else document_href(doc_id, version)
        return {"document_id": doc_id, "title": doc.title, "author": doc.author, "paragraph": anchor,
                "href": href, **self.citations(doc, anchor)}

    # -- corrections ----------------------------------------------------------------------------
    def corrections(self) -> list[dict[str, Any]]:
        """The disputes on record, each with a link to its rebuttal document and paragraph."""
        titles = {row["id"]: row["title"] for row in self.listing()}
        return [self._dispute_view(d, titles) for d in self.archive.disputes()]

    def _dispute_view(self, d: Dispute, titles: dict[str, str] | None = None) -> dict[str, Any]:
        item = d.to_dict()
        item["rebuttal_title"] = item["rebuttal_href"] = None
        titles = titles if titles is not None else {row["id"]: row["title"] for row in self.listing()}
        if d.rebuttal_document_id in titles:
            item["rebuttal_title"] = titles[d.rebuttal_document_id]
            item["rebuttal_href"] = (
                self.paragraph_href(d.rebuttal_document_id, d.paragraph)
                if d.paragraph else document_href(d.rebuttal_document_id)
            )
        return item

    # -- writes (the routes check the admin token) ----------------------------------------------
    def ingest_upload(self, filename: str, data: bytes) -> dict[str, Any]:
        """Ingest one uploaded file; its name (not the server's temp path) keys its versions."""
        name = re.sub(r"[^\w.\-]+", "_", Path(filename or "upload.txt").name).strip("._") or "upload.txt"
        with tempfile.TemporaryDirectory() as tmp:
            # The archive keys a file by its last four path parts: keep them fixed so a re-upload of
            # a changed file becomes a new version of the same document.
            path = Path(tmp, "misquote", "web", "upload", name[:120])
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
            report = self.archive.ingest([path], workers=1)
        self.changed()
        result = report.to_dict()
        result["failed"] = [{"path": name, "reason": f["reason"]} for f in result["failed"]]
        result["documents"] = report.added + report.new_version + report.unchanged
        return result

    def add_dispute(self, **fields: Any) -> dict[str, Any]:
        dispute = self.archive.add_dispute(**fields)
        self.changed()
        return self._dispute_view(dispute)

    def accept_detected(self) -> list[dict[str, Any]]:
        """Detect published denials in the archive and record those not on record yet."""
        known = {(d.author, d.quote, d.published_in) for d in self.archive.disputes()}
        added = [
            self.archive.accept_dispute(p)
            for p in self.archive.detect_disputes()
            if (p.author, p.quote, p.published_in) not in known
        ]
        self.changed()
        return [self._dispute_view(d) for d in added]
