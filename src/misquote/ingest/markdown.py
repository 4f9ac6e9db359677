"""MIA pages converted to Markdown by pandoc: front matter, breadcrumbs, header lines, footnotes.

The layout pandoc leaves: Jekyll front matter, a breadcrumb line of links, `## Author`, `# Title`
(or a bare "Paul Lafargue 1887" line and `### Title`), then the header between two horizontal
rules (`[Source]{.info}: ...\\` lines or free text such as "From **Workers' Republic**, July 1,
1899"), the body, and a "Footnotes"/"Notes" section of `[[1.]{.info}]{#n1} text` entries whose
marks in the text are `^[\\[1\\]](#n1)^`. Header lines go through the same parser as HTML and text.
"""

from __future__ import annotations

import re

from misquote.errors import IngestError
from misquote.ingest import finish, names, register
from misquote.ingest import paragraphs as P
from misquote.ingest.encoding import decode
from misquote.ingest.header import parse_date, parse_lines
from misquote.model import UNKNOWN_AUTHOR, Document, Note, Paragraph, ParagraphKind
from misquote.text import clean_text

NAME = "markdown"
_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_RULE = re.compile(r"^\s*(?:-{3,}|\*(?:\s*\*){2,}|_{3,})\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*(?:\{[^}]*\})?\s*$")
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)(?:\{[^}]*\})?")
_MARK_LINK = re.compile(r"\^?\[\\?\[?(?P<label>\d{1,3}|\*|[a-zA-Z])\.?\\?\]?\]\(#(?P<frag>[^)\s]+)\)\^?")
_NOTE_ENTRY = re.compile(
    r"^\[?\[?\\?\[?(?P<label>\d{1,3}|\*|[a-zA-Z])\.?\\?\]?\]?(?:\{[^}]*\})?\]?(?:\{#(?P<id>[^}]+)\})?"
    r"(?:\((?:#[^)]*)\))?\s+(?P<text>\S.*)$",
    re.S,
)
_LINK = re.compile(r"\[([^\[\]]*)\]\([^)]*\)(?:\{[^}]*\})?")
_SPAN = re.compile(r"\[([^\[\]]*)\]\{[^}]*\}")
_ATTR = re.compile(r"\{[#.][^}]*\}")
_EMPH = re.compile(r"(?<!\\)\*+|(?<![\w\\])_+|_+(?!\w)")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!'\"<>|^~$])")
_NOTES_HEADING = re.compile(r"^(?:(?:foot|end|editor'?s?|translator'?s?)\s*notes?|notes?)\s*:?$", re.I)
_NAV_REST = re.compile(r"[\s|>\\\-–:•.]*")
_UPDATED = re.compile(r"^\*?(?:Last updated|Updated)\b", re.I)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_AUTHOR_YEAR = re.compile(
    rf"^(?P<name>[A-Z][\w.'’ -]{{2,40}}?)\s+(?:{_MONTH}\s+(?:\d{{1,2}},?\s+)?)?(?P<year>1[6-9]\d\d|20\d\d)$"
)
"""A byline with a date: "Paul Lafargue 1897", "Paul Lafargue September 1897"."""


def is_nav(block: str) -> bool:
    """A block made only of links and separators (breadcrumbs, "Top of the page", archive menus)."""
    if "](" not in block:
        return False
    return bool(_NAV_REST.fullmatch(_LINK.sub("", _IMAGE.sub("", block))))


def inline(text: str) -> str:
    """Markdown inline markup to plain text: links and spans to their text, emphasis and escapes removed."""
    if "[" in text:
        text = _IMAGE.sub("", text)
        for _ in range(3):
            new = _SPAN.sub(r"\1", _LINK.sub(r"\1", text))
            if new == text:
                break
            text = new
    if "{" in text:
        text = _ATTR.sub("", text)
    if "*" in text or "_" in text:
        text = _EMPH.sub("", text)
    text = text.replace("^", "")
    if "\\" in text:
        text = _ESCAPE.sub(r"\1", text)
    return P.squash(text.replace("\\\n", " "))


def _blocks(lines: list[str]) -> list[str]:
    out: list[str] = []
    cur: list[str] = []
    for line in lines:
        if line.strip():
            cur.append(line)
        elif cur:
            out.append("\n".join(cur))
            cur = []
    if cur:
        out.append("\n".join(cur))
    return out


@register(NAME, "1")
def read_markdown(data: bytes, source_key: str) -> list[Document]:
    """Read one pandoc-converted MIA page into a Document."""
    text = clean_text(decode(data, source_key))
    text = _FRONT.sub("", text, count=1)
    lines = text.split("\n")
    rules = [i for i, line in enumerate(lines[:200]) if _RULE.match(line)]
    header_lines: list[str] = []
    front: list[str]
    if (
        len(rules) >= 2
        and rules[1] - rules[0] > 1
        and rules[1] - rules[0] < 60
        and _looks_like_header(lines[rules[0] + 1 : rules[1]])
    ):
        front, header_block, body = lines[: rules[0]], lines[rules[0] + 1 : rules[1]], lines[rules[1] + 1 :]
        header_lines = _header_entries(header_block)
    else:
        front, body = _split_front(lines)
        if rules and rules[0] < len(front):
            front, body = lines[: rules[0]], lines[rules[0] + 1 :]
        header_lines = [inline(b).rstrip("\\ ") for b in _blocks(front) if _is_source_line(b)]
    title, author, year = _front_matter(front)
    header = parse_lines(header_lines, strict=True)
    paragraphs, notes = _body(body)
    if sum(len(p.text.split()) for p in paragraphs if p.kind != "heading") < 25:
        raise IngestError(
            source_key,
            "navigation page: no body text, only links and headings",
            "index pages are not works; ingest the pages they link to",
        )
    author = author or names.from_path(source_key) or UNKNOWN_AUTHOR
    doc = Document(title=title or "Untitled", author=author, paragraphs=paragraphs, notes=notes, language="en")
    header.apply(doc)
    if year and not doc.written:
        doc.written, doc.written_raw = parse_date(year), year
    return [finish(doc, data, source_key, NAME)]


def _split_front(lines: list[str]) -> tuple[list[str], list[str]]:
    """Without rules around a header, the front is the run of headings and short lines before the
    first real paragraph (more than one line, or longer than 120 characters)."""
    i = 0
    n = len(lines)
    while i < n:
        j = i
        while j < n and lines[j].strip():
            j += 1
        block = [line for line in lines[i:j] if line.strip()]
        hard_lines = all(line.rstrip().endswith("\\") for line in block[:-1])
        long_block = (len(block) > 1 and not hard_lines) or len(" ".join(block)) > 120
        if block and long_block and not _HEADING.match(block[0]) and not is_nav("\n".join(block)):
            return lines[:i], lines[i:]
        i = j + 1
    return [], lines


def _is_source_line(block: str) -> bool:
    """A short non-heading, non-link line in the front: "*The Daily People*\\ July 30, 1906"."""
    return (
        not _HEADING.match(block.strip()) and not is_nav(block) and len(block) < 200 and parse_date(block) is not None
    )


def _looks_like_header(block: list[str]) -> bool:
    joined = " ".join(block)
    return bool(re.search(r"\{\.info\}|Source|Transcri|Published|From \*\*|Mark-?up|Written|Translated", joined))


def _header_entries(block: list[str]) -> list[str]:
    """Logical header lines: pandoc hard breaks (`\\` at line end) and blank lines end an entry."""
    entries: list[str] = []
    cur: list[str] = []
    for line in block:
        if not line.strip():
            if cur:
                entries.append(" ".join(cur))
                cur = []
            continue
        hard = line.rstrip().endswith("\\")
        cur.append(line.rstrip().rstrip("\\"))
        if hard:
            entries.append(" ".join(cur))
            cur = []
    if cur:
        entries.append(" ".join(cur))
    return [inline(e) for e in entries if inline(e)]


def _front_matter(front: list[str]) -> tuple[str, str, str]:
    """Title, author and a bare year from the lines above the header (breadcrumbs skipped)."""
    title = author = year = ""
    headings: list[tuple[int, str]] = []
    for block in _blocks(front):
        if is_nav(block):
            continue
        m = _HEADING.match(block.strip())
        if m:
            headings.append((len(m.group(1)), inline(m.group(2))))
            continue
        plain = inline(block)
        ay = _AUTHOR_YEAR.match(plain)
        if ay and ay.group("name").startswith("The "):  # "The Daily People June 29 1907": a paper, not its author
            year = year or ay.group("year")
        elif ay and (names.find_known(ay.group("name")) or not author):
            author, year = names.canonical(ay.group("name")) or ay.group("name").strip(), ay.group("year")
        elif plain and not title and len(plain) < 120:
            headings.append((7, plain))
    for _level, text in headings:
        text = re.sub(r"^by\s+", "", text, flags=re.I) if re.match(r"^by\s+[A-Z]", text, re.I) else text
        known = names.canonical(text) or (names.find_known(text) if names.only_names(text) else None)
        if known and not author:
            author = known
        elif re.fullmatch(r"\(?\d{4}\)?", text):
            year = year or text.strip("()")
        elif not title and not known:
            title = text
    return title, author, year


def _body(lines: list[str]) -> tuple[list[Paragraph], list[Note]]:
    paragraphs: list[Paragraph] = []
    refs: list[list[tuple[str, str]]] = []
    notes: list[Note] = []
    note_ids: dict[str, Note] = {}
    in_notes = False
    for block in _blocks(lines):
        stripped = block.strip()
        if _RULE.match(stripped) or is_nav(stripped) or _UPDATED.match(stripped):
            continue
        heading = _HEADING.match(stripped) if "\n" not in stripped else None
        if (heading and _NOTES_HEADING.match(inline(heading.group(2)))) or _NOTES_HEADING.match(inline(stripped)):
            in_notes = True
            continue
        entry = _NOTE_ENTRY.match(stripped)
        if entry and (in_notes or entry.group("id")):
            text = inline(entry.group("text"))
            by, kind = P.note_author(text)
            note = Note(label=entry.group("label"), text=text, by=by, kind=kind)
            notes.append(note)
            if entry.group("id"):
                note_ids[entry.group("id")] = note
            continue
        if in_notes:
            if notes and not heading:
                notes[-1].text += "\n\n" + inline(stripped)
            continue
        kind: ParagraphKind = "text"
        if heading:
            kind, stripped = "heading", heading.group(2)
        elif stripped.startswith(">"):
            kind = "quotation"
            stripped = re.sub(r"^>\s?", "", stripped, flags=re.M)
        marks = [(m.group("label"), m.group("frag")) for m in _MARK_LINK.finditer(stripped)]
        text = inline(_MARK_LINK.sub("", stripped))
        if not text:
            continue
        text, bracket_marks = P.pop_marks(text) if kind != "heading" else (text, [])
        refs.append(marks + [(label, "") for label in bracket_marks])
        paragraphs.append(P.make(text, kind=kind))
    P.classify_tail(paragraphs)
    P.number(paragraphs)
    by_label = {n.label: n for n in notes}
    for p, marks in zip(paragraphs, refs, strict=True):
        for label, frag in marks:
            note = note_ids.get(frag) or by_label.get(label)
            if note is not None and note.label not in p.notes:
                p.notes.append(note.label)
    P.link_notes(paragraphs, notes)
    return paragraphs, notes
