"""Any other plain text: paragraphs by blank lines, title from the first line, author unknown.

The title is the first line when it stands alone and reads like a title (short, no full stop);
otherwise, as in Gutenberg texts stripped of their header, it comes from the file name, so the
first sentence of the work is never mistaken for a title and lost from the text.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from misquote.errors import IngestError
from misquote.ingest import finish, register
from misquote.ingest import paragraphs as P
from misquote.ingest.archive_text import blocks
from misquote.ingest.encoding import decode
from misquote.model import UNKNOWN_AUTHOR, Document
from misquote.text import clean_text

NAME = "plain"
_BY_LINE = re.compile(r"^by\s+(?P<name>[A-Z][\w.'’ -]{2,60})$", re.I)


def title_from_path(source_key: str) -> str:
    """A readable title from a file name: `marx-communist-manifesto.txt` -> "Marx Communist Manifesto"."""
    stem = PurePath(source_key).stem
    words = re.split(r"[_\-\s]+", stem)
    return " ".join(w[:1].upper() + w[1:] for w in words if w) or "Untitled"


@register(NAME, "1")
def read_plain(data: bytes, source_key: str) -> list[Document]:
    """Read plain text into one Document of blank-line paragraphs (lines joined)."""
    text = clean_text(decode(data, source_key))
    found = blocks(text.split("\n"))
    if not found:
        raise IngestError(source_key, "no text: the file holds only whitespace", "check the file")
    title = ""
    author = UNKNOWN_AUTHOR
    first = found[0]
    if len(first) == 1 and len(first[0]) <= 100 and not first[0].endswith((".", ",", ";")) and len(found) > 1:
        title = first[0]
        found = found[1:]
        if found and len(found[0]) == 1 and (m := _BY_LINE.match(found[0][0])):
            author = m.group("name").strip()
            found = found[1:]
    title = title or title_from_path(source_key)
    paragraphs = []
    for block in found:
        joined = P.squash(" ".join(block))
        kind = "heading" if len(block) == 1 and len(joined) <= 60 and not joined.endswith((".", ",", ";")) else "text"
        paragraphs.append(P.make(joined, kind=kind))
    P.classify_tail(paragraphs)
    doc = Document(title=title, author=author, paragraphs=paragraphs)
    return [finish(doc, data, source_key, NAME)]
