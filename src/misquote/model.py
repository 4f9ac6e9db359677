"""The data model: what a document of the archive holds, and what the engines answer.

Readers build `Document`s; the store keeps them; engines return `Verdict`s. Everything here is a
plain dataclass that converts to and from JSON-ready dicts, so the CLI, the API and exports all
speak the same shapes.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

UNKNOWN_AUTHOR = "Unknown"
"""The author of a document whose source names none: it can neither confirm nor contradict a quotation."""

ParagraphKind = Literal["text", "heading", "quotation", "signature", "dateline", "note"]
"""`quotation` marks words of someone else (blockquote, letter to the author); `note` an editor's text."""


@dataclass
class Paragraph:
    """One paragraph of a document: its anchor (`p3`), its text and where it sits in the full text."""

    anchor: str
    text: str
    start: int = 0
    end: int = 0
    kind: ParagraphKind = "text"
    speaker: str | None = None
    """Who the words are by when they are not the document author's (a blockquote of Hegel)."""
    notes: list[str] = field(default_factory=list)
    """Labels of the notes referenced from this paragraph, in order of reference."""


@dataclass
class Note:
    """A footnote, endnote or editorial note, with who wrote it and where it is referenced."""

    label: str
    text: str
    by: str | None = None
    """None for the author's own note; "MIA", "Editor", "Translator"... for someone else's."""
    kind: Literal["footnote", "editorial", "translator"] = "footnote"
    refs: list[str] = field(default_factory=list)
    """Anchors of the paragraphs that reference this note."""


@dataclass
class Document:
    """A primary source with its provenance, paragraphs and notes.

    `header` keeps the raw `Label: value` pairs exactly as found; the named fields are what the
    reader could parse out of them, and `extra` holds every header label it did not know.
    """

    title: str
    author: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    id: str = ""
    authors: list[str] = field(default_factory=list)
    written: str | None = None
    written_raw: str | None = None
    first_published: str | None = None
    first_published_date: str | None = None
    source: str | None = None
    online_version: str | None = None
    transcriber: str | None = None
    translator: str | None = None
    language: str | None = None
    edition: str | None = None
    work: str | None = None
    url: str | None = None
    header: list[tuple[str, str]] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    format: str = ""
    reader: str = ""
    reader_version: str = ""
    sha256: str = ""
    source_key: str = ""
    version: int = 1

    @property
    def text(self) -> str:
        """The author's text as misquote reads it: paragraphs joined by blank lines."""
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def footnotes(self) -> list[Note]:
        """Notes that are numbered footnotes or endnotes (any author)."""
        return [n for n in self.notes if n.kind == "footnote"]

    @property
    def year(self) -> int | None:
        """The year the document was written (or else first published), when known."""
        for value in (self.written, self.first_published_date):
            if value and value[:4].isdigit():
                return int(value[:4])
        return None

    def paragraph(self, anchor: str) -> Paragraph:
        """The paragraph with this anchor; KeyError when there is none."""
        for p in self.paragraphs:
            if p.anchor == anchor:
                return p
        raise KeyError(anchor)

    def finalize(self) -> Document:
        """Number the paragraphs, compute their offsets and derive the id; readers call this last."""
        offset = 0
        for i, p in enumerate(self.paragraphs, start=1):
            p.anchor = p.anchor or f"p{i}"
            p.start = offset
            p.end = offset + len(p.text)
            offset = p.end + 2
        if self.author and self.author not in self.authors:
            self.authors.insert(0, self.author)
        if not self.id:
            self.id = document_id(self.title, self.author, self.written, self.source_key or self.sha256)
        return self

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (the inverse of `Document.from_dict`)."""
        # Built by hand rather than with dataclasses.asdict, which deep-copies every paragraph
        # and costs seconds on a book.
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        data["paragraphs"] = [dict(p.__dict__, notes=list(p.notes)) for p in self.paragraphs]
        data["notes"] = [dict(n.__dict__, refs=list(n.refs)) for n in self.notes]
        data["header"] = [list(pair) for pair in self.header]
        data["authors"] = list(self.authors)
        data["extra"] = dict(self.extra)
        return data

    def metadata(self) -> dict[str, Any]:
        """Every field but the paragraphs and notes: what a citation or a listing needs."""
        data = {name: getattr(self, name) for name in self.__dataclass_fields__}
        del data["paragraphs"], data["notes"]
        data["header"] = [list(pair) for pair in self.header]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        """Rebuild a Document from `to_dict` output."""
        data = dict(data)
        data["paragraphs"] = [Paragraph(**p) for p in data.get("paragraphs", [])]
        data["notes"] = [Note(**n) for n in data.get("notes", [])]
        data["header"] = [tuple(pair) for pair in data.get("header", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def slug(value: str, limit: int = 48) -> str:
    """A lowercase ASCII slug of `value`, cut at a word boundary near `limit` characters."""
    ascii_value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_value.lower())
    out = ""
    for word in words:
        if out and len(out) + 1 + len(word) > limit:
            break
        out = f"{out}-{word}" if out else word[:limit]
    return out or "untitled"


def document_id(title: str, author: str, written: str | None, source_key: str) -> str:
    """A readable, stable id: author surname, year, title slug and a short hash of the source.

    The hash of the source (path within its collection, or URL) keeps two pages with the same
    title apart, and keeps the id the same when the same page is ingested again.
    """
    surname = slug(author.split()[-1] if author.strip() else "anonymous", 20)
    year = (written or "")[:4]
    digest = hashlib.sha1(source_key.encode("utf-8")).hexdigest()[:6]
    parts = [surname, year, slug(title, 40), digest]
    return "-".join(p for p in parts if p)


# ---- what the engines answer -------------------------------------------------------------------

VerdictName = Literal["verbatim", "altered", "spliced", "misattributed", "disputed", "not_found"]


@dataclass
class Edit:
    """One word-level difference between the quote and the source."""

    op: Literal["substitute", "insert", "delete", "transpose"]
    quote: str
    source: str


@dataclass
class Match:
    """Where (part of) a quote stands in a document, and how closely."""

    document_id: str
    author: str
    title: str
    written: str | None
    paragraph: str
    start: int
    end: int
    text: str
    identity: float
    coverage: float
    edits: list[Edit] = field(default_factory=list)
    quoted_from: str | None = None
    fragment: tuple[int, int] | None = None
    """Which quote tokens [i, j) this match covers, when the quote was split (ellipsis, splice)."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("fragment")
        return data


@dataclass
class Dispute:
    """A person's recorded denial of words attributed to them."""

    author: str
    quote: str
    published_in: str
    date: str | None = None
    rebuttal_document_id: str | None = None
    paragraph: str | None = None
    note: str | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Verdict:
    """The answer to "did AUTHOR write QUOTE?", with the evidence."""

    verdict: VerdictName
    score: float
    author: str
    quote: str
    matches: list[Match] = field(default_factory=list)
    real_authors: list[str] = field(default_factory=list)
    dispute: Dispute | None = None
    citation: str = ""
    explanation: str = ""
    candidates: list[str] = field(default_factory=list)
    """Every archive author the name could mean, when it was ambiguous."""
    id: Any = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "verdict": self.verdict,
            "score": round(self.score, 4),
            "author": self.author,
            "quote": self.quote,
            "matches": [m.to_dict() for m in self.matches],
            "dispute": None,
            "citation": self.citation,
            "explanation": self.explanation,
        }
        if self.verdict == "misattributed":
            data["real_authors"] = self.real_authors
        if self.candidates:
            data["candidates"] = self.candidates
        if self.dispute is not None:
            d = self.dispute
            data["dispute"] = {
                "published_in": d.published_in,
                "date": d.date,
                "rebuttal_document_id": d.rebuttal_document_id,
                "paragraph": d.paragraph,
            }
        return data
