"""TEI P5: the teiHeader's provenance and the body's reading text, paragraphs and notes.

Parsed with lxml and a safe parser (no network, no entity expansion, no DTD loading). The body is
read as the final reading text: deletions (`del`, the Frankenstein Variorum's `mdel`), metamarks
and forme work are skipped, additions kept. Paragraphs are `p`, `head`, `lg`, `ab` and, in
manuscript transcriptions, the stretches between `milestone unit="tei:p-START"`/`p-END` markers;
`note` elements become Notes referenced from the paragraph they stand in.
"""

from __future__ import annotations

from lxml import etree

from misquote.errors import IngestError
from misquote.ingest import finish, register
from misquote.ingest import paragraphs as P
from misquote.ingest.header import parse_date
from misquote.model import UNKNOWN_AUTHOR, Document, Note, Paragraph, ParagraphKind

NAME = "tei"
NS = "{http://www.tei-c.org/ns/1.0}"
XML_NS = "{http://www.w3.org/XML/1998/namespace}"
SKIP = frozenset({"del", "mdel", "metamark", "fw", "sic", "orig", "abbr", "delSpan", "teiHeader", "back"})
BLOCK = frozenset({"p", "head", "lg", "ab", "l", "item", "quote", "q", "sp"})
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
)


_LENIENT = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, recover=True, remove_comments=True, remove_pis=True
)


def _local(tag: object) -> str:
    return tag.split("}", 1)[1] if isinstance(tag, str) and "}" in tag else str(tag)


def _first_text(root: etree._Element, path: str) -> str | None:
    found = root.find(path)
    if found is None:
        return None
    text = P.squash("".join(found.itertext()))
    return text or None


@register(NAME, "1")
def read_tei(data: bytes, source_key: str) -> list[Document]:
    """Read one TEI document: header fields and the body as paragraphs and notes."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        # Real files carry xml:id values that are not NCNames ("ch_v–_113"); only that is forgiven.
        if "NCName" in str(exc):
            root = etree.fromstring(data, _LENIENT)
        else:
            raise IngestError(
                source_key, f"malformed XML: {exc}", "check that the TEI file is complete and well-formed"
            ) from exc
    if root is None:
        raise IngestError(source_key, "malformed XML: no root element", "check the TEI file")
    if _local(root.tag) not in ("TEI", "teiCorpus"):
        raise IngestError(source_key, f"not TEI: the root element is <{_local(root.tag)}>", "give a TEI P5 document")
    h = f"{NS}teiHeader/{NS}fileDesc"
    title = _first_text(root, f"{h}/{NS}titleStmt/{NS}title") or "Untitled"
    author = _first_text(root, f"{h}/{NS}titleStmt/{NS}author") or UNKNOWN_AUTHOR
    doc = Document(title=title, author=author)
    header: list[tuple[str, str]] = [("title", title)]
    resp = [P.squash(" ".join(r.itertext())) for r in root.iterfind(f"{h}/{NS}titleStmt/{NS}respStmt")] + [
        P.squash(" ".join(e.itertext())) for e in root.iterfind(f"{h}/{NS}titleStmt/{NS}editor")
    ]
    if resp:
        doc.transcriber = "; ".join(r for r in resp if r)
        header.append(("respStmt", doc.transcriber))
    source = _first_text(root, f"{h}/{NS}sourceDesc/{NS}bibl") or _first_text(root, f"{h}/{NS}sourceDesc")
    if source:
        doc.source = source
        header.append(("sourceDesc", source))
    authority = _first_text(root, f"{h}/{NS}publicationStmt/{NS}authority")
    if authority:
        doc.extra["authority"] = authority
        header.append(("authority", authority))
    licence = _first_text(root, f"{h}/{NS}publicationStmt/{NS}availability")
    if licence:
        doc.extra["licence"] = licence
        header.append(("availability", licence))
    created = root.find(f"{NS}teiHeader/{NS}profileDesc/{NS}creation/{NS}date")
    if created is not None:
        raw = created.get("when") or P.squash("".join(created.itertext()))
        doc.written_raw, doc.written = raw, parse_date(raw)
        header.append(("creation", raw))
    lang = root.find(f"{NS}teiHeader/{NS}profileDesc/{NS}langUsage/{NS}language")
    doc.language = (lang.get("ident") if lang is not None else None) or root.get(f"{XML_NS}lang") or None
    doc.header = header
    body = root.find(f"{NS}text/{NS}body")
    if body is None:
        body = root.find(f".//{NS}body")
    if body is None:
        raise IngestError(source_key, "TEI without <text><body>: nothing to read", "check the file is a full TEI text")
    doc.paragraphs, doc.notes = _Body().read(body)
    if not doc.paragraphs:
        raise IngestError(source_key, "TEI body holds no text", "check the file")
    return [finish(doc, data, source_key, NAME)]


class _Body:
    """Streams the body's reading text into paragraphs, breaking at block elements and p milestones."""

    def __init__(self) -> None:
        self.paragraphs: list[Paragraph] = []
        self.notes: list[Note] = []
        self.buf: list[str] = []
        self.kind: ParagraphKind = "text"
        self.marks: list[str] = []

    def read(self, body: etree._Element) -> tuple[list[Paragraph], list[Note]]:
        self.walk(body)
        self.flush()
        P.number(self.paragraphs)
        P.link_notes(self.paragraphs, self.notes)
        return self.paragraphs, self.notes

    def flush(self) -> None:
        text = P.squash("".join(self.buf))
        if text:
            self.paragraphs.append(P.make(text, kind=self.kind, notes=self.marks))
        self.buf, self.marks, self.kind = [], [], "text"

    def walk(self, el: etree._Element) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                if child.tail:
                    self.buf.append(child.tail)
                continue
            name = _local(child.tag)
            if name == "milestone":
                unit = child.get("unit") or ""
                if unit.endswith(("p-START", "p-END", "head")) or unit in ("paragraph", "chapter"):
                    self.flush()
            elif name == "note":
                label = child.get("n") or str(len(self.notes) + 1)
                resp = child.get("resp") or ""
                by = resp.lstrip("#") or None
                kind = "editorial" if child.get("type") in ("editorial", "ed") or by else "footnote"
                self.notes.append(Note(label=label, text=P.squash("".join(child.itertext())), by=by, kind=kind))
                self.marks.append(label)
            elif name == "lb" or name == "pb" or name == "cb":
                if name == "lb" and child.get("break") != "no":
                    self.buf.append(" ")
            elif name in SKIP:
                pass
            elif name in BLOCK:
                self.flush()
                if name == "head":
                    self.kind = "heading"
                elif name in ("quote", "q"):
                    self.kind = "quotation"
                if child.text:
                    self.buf.append(child.text)
                self.walk(child)
                self.flush()
            else:
                if child.text:
                    self.buf.append(child.text)
                self.walk(child)
            if child.tail:
                self.buf.append(child.tail)
