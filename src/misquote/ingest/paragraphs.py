"""Paragraph-level rules every reader shares: blocks of text, note marks, signatures and datelines.

Readers differ in how they find blocks; what a block *is* (a heading, the "Yours faithfully,"
of a letter, a "Paris, November 9 1961" line) is decided here once.
"""

from __future__ import annotations

import re

from misquote.model import Note, Paragraph, ParagraphKind

NOTE_MARK = re.compile(r"\s?\[(\d{1,3}|\*{1,3}|[a-z]|[A-Z])\](?!\()")
"""A footnote reference mark in running text: `[1]`, `[*]`, `[a]` (not a Markdown link `[1](...)`)."""

_CLOSING = re.compile(
    r"^(yours|your|ever yours|with (?:communist|fraternal|comradely|revolutionary)? ?greetings|"
    r"fraternally|comradely|sincerely|respectfully|faithfully|cordially|with best wishes|greetings)\b[^.]{0,40}[,.!]?$",
    re.I,
)
_MONTH_WORD = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
_DATELINE = re.compile(
    rf"^(?:[A-Z][\w'’.-]*(?:[ -][A-Z][\w'’.-]*){{0,3}},?\s+)?"
    rf"(?:(?:\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_WORD}|{_MONTH_WORD}\s+\d{{1,2}}(?:st|nd|rd|th)?),?\s+\d{{4}}"
    rf"|{_MONTH_WORD},?\s+\d{{4}}|\d{{4}})\.?$"
)
_NAME_LINE = re.compile(r"^[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}\.?$")


def squash(text: str) -> str:
    """Whitespace runs (line breaks included) as single spaces, ends trimmed."""
    return " ".join(text.split())


def pop_marks(text: str) -> tuple[str, list[str]]:
    """The text without its bracketed note marks, and the labels of those marks in order."""
    labels = [m.group(1) for m in NOTE_MARK.finditer(text)]
    if not labels:
        return text, []
    return NOTE_MARK.sub("", text).strip(), labels


def is_closing(line: str) -> bool:
    """A letter's closing formula: "Yours faithfully,", "Fraternally,", "With communist greetings"."""
    return len(line) <= 60 and bool(_CLOSING.match(line.strip()))


def is_dateline(line: str) -> bool:
    """A place-and-date or date-only line: "Paris, November 9 1961", "Moscow, August 20, 1918."."""
    line = line.strip()
    return len(line) <= 70 and bool(_DATELINE.match(line))


def classify_tail(paragraphs: list[Paragraph]) -> None:
    """Mark a letter's closing, the signature names after it and datelines as signature/dateline.

    Only short lines count, and names only right after a closing formula or before a dateline at
    the end, so a one-word paragraph in the middle of a text stays text.
    """
    after_closing = False
    for i, p in enumerate(paragraphs):
        if p.kind != "text":
            after_closing = False
            continue
        if is_dateline(p.text):
            p.kind = "dateline"
        elif is_closing(p.text):
            p.kind = "signature"
            after_closing = True
            continue
        elif after_closing and _NAME_LINE.match(p.text):
            p.kind = "signature"
            continue
        elif (
            i + 1 < len(paragraphs)
            and paragraphs[i + 1].kind == "text"
            and is_dateline(paragraphs[i + 1].text)
            and _NAME_LINE.match(p.text)
            and i >= len(paragraphs) - 3
        ):
            p.kind = "signature"
        after_closing = False


def link_notes(paragraphs: list[Paragraph], notes: list[Note]) -> None:
    """Fill each note's `refs` from the paragraphs that mark it, and drop marks with no note."""
    by_label = {n.label: n for n in notes}
    for p in paragraphs:
        p.notes = [label for label in dict.fromkeys(p.notes) if label in by_label]
        for label in p.notes:
            note = by_label[label]
            if p.anchor not in note.refs:
                note.refs.append(p.anchor)


def number(paragraphs: list[Paragraph]) -> None:
    """Give paragraphs their `p1`, `p2` anchors now, so notes can point at them before finalize."""
    for i, p in enumerate(paragraphs, start=1):
        p.anchor = f"p{i}"


def make(
    text: str, kind: ParagraphKind = "text", speaker: str | None = None, notes: list[str] | None = None
) -> Paragraph:
    """A Paragraph not yet anchored (the anchor comes from `number`)."""
    return Paragraph(anchor="", text=text, kind=kind, speaker=speaker, notes=list(notes or []))


_EDITOR_SIGN = re.compile(
    r"(?:[—–-]\s*|\[\s*|\(\s*)(?:Ed\.|Eds\.|Editor|Editors|Publisher|MIA|Trans\.|Tr\.|Translator)\s*[\])]?\s*\.?$"
    r"|^\s*(?:Editor'?s?|Editorial|Translator'?s?|MIA)\s+note\b|Note by (?:the )?(?:editor|translator|MIA)",
    re.I,
)


def note_author(text: str, default_by: str | None = None) -> tuple[str | None, str]:
    """Who wrote a note, judging by its signature ("—Ed.", "Translator's note", "[Note by Engels ...]"),
    and its kind (`editorial`, `translator` or `footnote`)."""
    m = _EDITOR_SIGN.search(text)
    if m:
        sign = m.group().lower()
        if "tr" in sign and "ed" not in sign.replace("note", ""):
            return "Translator", "translator"
        if "mia" in sign:
            return "MIA", "editorial"
        return "Editor", "editorial"
    m = re.search(r"\[(?:Note by |Note of )?(Engels|Marx|Lenin|Trotsky|the author)\b[^\]]*\]\s*\.?$", text)
    if m:
        return (None if m.group(1) == "the author" else m.group(1)), "footnote"
    if default_by in ("Editor", "MIA"):
        return default_by, "editorial"
    if default_by == "Translator":
        return default_by, "translator"
    return default_by, "footnote"
