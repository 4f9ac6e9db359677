"""Plain text saved from an archive page, with its provenance header (the seed's format).

Layout: a few lines before the header (image alt text, author, title), the header block of
`Label: value` lines, the body, and optionally a "Footnote(s) by MIA" / "Notes" section whose
numbered entries are the notes. Lines are not hard-wrapped in these files, so each line is a
paragraph; a hard-wrapped file (most lines 55-80 characters) is read by blank-line blocks instead.
"""

from __future__ import annotations

import re

from misquote.errors import IngestError
from misquote.ingest import finish, register
from misquote.ingest import paragraphs as P
from misquote.ingest.encoding import decode
from misquote.ingest.header import looks_like_header_line, parse_lines
from misquote.model import UNKNOWN_AUTHOR, Document, Note, Paragraph
from misquote.text import clean_text

NAME = "archive-text"
_NOTES_HEADING = re.compile(
    r"^(?:(?:Foot|End)?notes?|Editor'?s? notes?|Notes? by (?:the )?\w+"
    r"|(?:Foot|End)notes? by (?:the )?(?P<by>[\w.]+))\s*:?$",
    re.I,
)
_NUMBERED = re.compile(r"^\s*(?:\[(?P<a>\d{1,3}|\*)\]|(?P<b>\d{1,3})[.)])\s+(?P<text>\S.*)$")


def split_front(lines: list[str], source_key: str) -> tuple[list[str], list[str], list[str]]:
    """Lines before the header, the header lines, and the body lines."""
    start = next((i for i, line in enumerate(lines) if looks_like_header_line(line)), None)
    if start is None:
        raise IngestError(source_key, "no archive header: no `Written:`/`Source:` lines found", "read it as plain")
    end = start
    while end < len(lines) and lines[end].strip() and (looks_like_header_line(lines[end]) or end > start):
        end += 1
    return lines[:start], lines[start:end], lines[end:]


def title_and_author(front: list[str]) -> tuple[str, str]:
    """Title = the last line before the header; author = the line before it.

    Earlier lines are dropped: on saved MIA pages they are image alt text ("natalia in red") or a
    repeated author line.
    """
    candidates = [line.strip() for line in front if line.strip()]
    title = candidates[-1] if candidates else ""
    author = ""
    for line in reversed(candidates[:-1]):
        if line != title and line[:1].isupper():
            author = line
            break
    return title, author


@register(NAME, "1")
def read_archive_text(data: bytes, source_key: str) -> list[Document]:
    """Read an archive text page: header fields, paragraphs, signature/dateline lines and notes."""
    text = clean_text(decode(data, source_key))
    lines = text.split("\n")
    front, header_lines, body = split_front(lines, source_key)
    title, author = title_and_author(front)
    if not title:
        raise IngestError(source_key, "no title line before the archive header", "put the title above the header")
    header = parse_lines(header_lines)
    paragraphs, notes = body_paragraphs(body)
    if not paragraphs:
        raise IngestError(source_key, "no body text after the archive header", "check that the file is complete")
    doc = Document(title=title, author=author or UNKNOWN_AUTHOR, paragraphs=paragraphs, notes=notes, language="en")
    header.apply(doc)
    return [finish(doc, data, source_key, NAME)]


def blocks(lines: list[str]) -> list[list[str]]:
    """Blank-line separated blocks of stripped lines."""
    out: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def body_paragraphs(lines: list[str], default_by: str | None = None) -> tuple[list[Paragraph], list[Note]]:
    """Paragraphs and notes of a body given as lines; the notes section starts at a "Notes" heading."""
    nonempty = [line for line in lines if line.strip()]
    wrapped = bool(nonempty) and sum(55 <= len(line) <= 80 for line in nonempty) > len(nonempty) / 2
    paragraphs: list[Paragraph] = []
    notes: list[Note] = []
    note_by: str | None = None
    in_notes = False
    for block in blocks(lines):
        units = [P.squash(" ".join(block))] if wrapped else block
        for unit in units:
            heading = _NOTES_HEADING.match(unit)
            if heading and len(unit) < 60:
                in_notes = True
                note_by = heading.group("by") or default_by
                continue
            if in_notes:
                m = _NUMBERED.match(unit)
                if m:
                    label = m.group("a") or m.group("b")
                    by, kind = P.note_author(m.group("text"), note_by or default_by)
                    notes.append(Note(label=label, text=m.group("text").strip(), by=by, kind=kind))
                elif notes:
                    notes[-1].text += "\n\n" + unit
                continue
            clean, marks = P.pop_marks(unit)
            if clean:
                paragraphs.append(P.make(clean, notes=marks))
    P.classify_tail(paragraphs)
    P.number(paragraphs)
    P.link_notes(paragraphs, notes)
    return paragraphs, notes
