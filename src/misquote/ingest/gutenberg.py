"""Project Gutenberg plain text: the PG header gives the metadata, the licence is not the work.

Everything before the `*** START OF ...` line (title, author, translator, release date, ebook
number, language) is read as header fields, and everything from `End of (the) Project Gutenberg`
or `*** END OF ...` on is dropped, as is the "Produced by ..." credit right after the start line.
Paragraphs are blank-line blocks with their lines joined; short capitalised lines such as
"CHAPTER IV." or "STAVE ONE." are headings.
"""

from __future__ import annotations

import re

from misquote.errors import IngestError
from misquote.ingest import finish, register
from misquote.ingest import paragraphs as P
from misquote.ingest.encoding import decode
from misquote.model import UNKNOWN_AUTHOR, Document, Paragraph, ParagraphKind
from misquote.text import clean_text

NAME = "gutenberg"
_START = re.compile(r"^\s*\*{3}\s*START OF (?:THE|THIS) PROJECT GUTENBERG E-?(?:BOOK|TEXT)[^\n]*$", re.I | re.M)
_END = re.compile(
    r"^\s*(?:\*{3}\s*END OF (?:THE|THIS) PROJECT GUTENBERG|End of (?:the )?Project Gutenberg|"
    r"End of Project Gutenberg['’]s)",
    re.I | re.M,
)
_FIELD = re.compile(r"^(?P<label>[A-Z][A-Za-z ]{1,30}):\s*(?P<value>.*)$")
_EBOOK = re.compile(r"\[\s*E(?:Book|text|book)\s*#\s*(\d+)\s*\]", re.I)
_PRODUCED = re.compile(
    r"^(?:Produced|Transcribed|Prepared|E-?text (?:prepared|produced)|This (?:e-?text|eBook) was)\b", re.I
)
_HEADING = re.compile(
    r"^(?:(?:CHAPTER|Chapter|BOOK|Book|PART|Part|STAVE|Stave|LETTER|Letter|ACT|Act|SCENE|Scene|VOLUME|Volume|SECTION)"
    r"\b[^a-z]{0,40}|(?:[IVXLC]+|\d{1,3})\.?|[A-Z][A-Z0-9 ,.;:'’&()-]{2,60}|PREFACE|INTRODUCTION|CONTENTS)$"
)
_WRAPPED_END = re.compile(r"\n[^\n]{0,80}\*{3}[ \t]*(?=\n)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_DIVIDER = re.compile(r"[*\-=_. ]+")
LANGUAGES = {
    "english": "en", "german": "de", "french": "fr", "italian": "it", "spanish": "es",
    "russian": "ru", "latin": "la", "dutch": "nl", "portuguese": "pt",
}  # fmt: skip


def person(name: str) -> tuple[str, list[str]]:
    """A PG author line as ("First Last", aliases): "Mark Twain (Samuel Clemens)" -> ("Mark Twain", ["Samuel Clemens"]).

    "Last, First" is turned round; a trailing full stop and doubled spaces are removed.
    """
    name = P.squash(name).rstrip(".").strip()
    aliases = [a.strip() for a in re.findall(r"\(([^)]*)\)", name) if a.strip()]
    name = re.sub(r"\s*\([^)]*\)", "", name).strip()
    if name.count(",") == 1 and not re.search(r",\s*(?:Jr|Sr|[IVX]+)\b", name):
        last, first = (part.strip() for part in name.split(","))
        name = f"{first} {last}"
    return name, aliases


def header_pairs(lines: list[str]) -> list[tuple[str, str]]:
    """The `Label: value` pairs of the PG header; indented lines continue the previous value."""
    pairs: list[list[str]] = []
    for line in lines:
        if not line.strip():
            continue
        m = _FIELD.match(line)
        if m and not line.startswith((" ", "\t")):
            pairs.append([m.group("label").strip(), m.group("value").strip()])
        elif pairs and line.startswith((" ", "\t")):
            pairs[-1][1] = (pairs[-1][1] + "\n" + line.strip()).strip()
    return [(label, value) for label, value in pairs]


@register(NAME, "1")
def read_gutenberg(data: bytes, source_key: str) -> list[Document]:
    """Read a PG eBook: metadata from its header, the work between the START and END lines."""
    text = clean_text(decode(data, source_key))
    start = _START.search(text, 0, 30000)
    body_start = 0
    while start is not None:
        body_start = start.end()
        if not start.group().rstrip().endswith("***"):
            wrapped = _WRAPPED_END.match(text, body_start)  # the START line wrapped onto a second line
            body_start = wrapped.end() if wrapped else body_start
        # Some files repeat the header and START line (an HTML-version credit, then the text's own).
        again = _START.search(text, body_start, body_start + 3000)
        if again is None:
            break
        start = again
    if start is None:
        raise IngestError(
            source_key,
            "no `*** START OF THE PROJECT GUTENBERG EBOOK` line: the licence header cannot be told from the work",
            "read it with --format plain if the header was already removed",
        )
    # The licence footer is about 19 kB: look for its first line near the end before scanning it all.
    tail = max(body_start, len(text) - 60000)
    end = _END.search(text, tail) or _END.search(text, body_start)
    head = text[: start.start()]
    body = text[body_start : end.start() if end else len(text)]
    pairs = header_pairs(head.split("\n"))
    fields = {label.lower(): value for label, value in reversed(pairs)}
    title = P.squash(fields.get("title", "").replace("\n", ": ")) or _title_from_banner(head)
    authors_raw = [a for a in fields.get("author", "").split("\n") if a.strip()]
    names = []
    aliases: list[str] = []
    for raw in authors_raw:
        for part in re.split(r"\s+and\s+|\s*&\s*", raw):
            name, alias = person(part)
            if name:
                names.append(name)
                aliases.extend(alias)
    doc = Document(title=title or "Untitled", author=names[0] if names else UNKNOWN_AUTHOR, header=pairs)
    doc.authors = [doc.author, *aliases]
    if len(names) > 1:
        doc.extra["co_authors"] = "; ".join(names[1:])
    if "translator" in fields:
        doc.translator = "; ".join(person(t)[0] for t in fields["translator"].split("\n"))
    if "editor" in fields:
        doc.extra["editor"] = P.squash(fields["editor"])
    language = fields.get("language", "").strip()
    doc.language = LANGUAGES.get(language.lower(), language or None)
    release = fields.get("release date") or fields.get("posting date") or ""
    ebook = _EBOOK.search(head)
    if release:
        doc.extra["release_date"] = P.squash(_EBOOK.sub("", release).replace("Release Date:", ""))
    if ebook:
        doc.extra["ebook"] = ebook.group(1)
        doc.url = f"https://www.gutenberg.org/ebooks/{ebook.group(1)}"
        doc.source = f"Project Gutenberg EBook #{ebook.group(1)}"
    doc.edition = P.squash(fields["edition"]) if "edition" in fields else None
    doc.paragraphs = body_paragraphs(body)
    if not doc.paragraphs:
        raise IngestError(source_key, "no text between the Gutenberg START and END lines", "check the file")
    return [finish(doc, data, source_key, NAME)]


def _title_from_banner(head: str) -> str:
    m = re.search(r"Project Gutenberg(?:'s| EBook of|'s E-?text of| eBook,)\s+(.+?),\s+by\s", head, re.I | re.S)
    return P.squash(m.group(1)) if m else ""


def body_paragraphs(body: str) -> list[Paragraph]:
    """Blank-line blocks, lines joined; the leading "Produced by" credit dropped; headings marked."""
    found = [b for b in _BLANK_LINE.split(body) if b.strip()]
    while found and _PRODUCED.match(found[0].strip()):
        found = found[1:]
    paragraphs = []
    for block in found:
        joined = " ".join(block.split())
        if _DIVIDER.fullmatch(joined):
            continue  # section dividers like "* * * * *"
        lines = block.strip().count("\n") + 1
        kind: ParagraphKind = "heading" if lines <= 2 and len(joined) <= 70 and _HEADING.match(joined) else "text"
        paragraphs.append(Paragraph(anchor="", text=joined, kind=kind))
    return paragraphs
