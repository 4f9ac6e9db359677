"""Finding published denials in the archive: "These were certainly not my words."

A denial is a cue phrase (English or French) in the author's own voice (not inside a quotation: a
novel's "I never said that," is dialogue), next to a quotation in the same paragraph or the one
before it, in a paragraph that names where the words were printed ("published in France-Soir").
Each one found becomes a proposed `Dispute`: the person is the document's author, the words are the
quotation, the publication is the name the paragraph gives, and the rebuttal is the paragraph
itself. Proposals are reviewed, then stored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from misquote.extract import quotations
from misquote.model import Dispute, Document

DENIAL = re.compile(
    r"""(
        (these|those|they)\s+were\s+(certainly\s+|definitely\s+|simply\s+)?not\s+my\s+(own\s+)?words
      | (this|that|it)\s+(is|was)\s+not\s+what\s+I\s+said
      | I\s+(never|did\s+not|didn['’]t)\s+(say|said|write|wrote|utter)
      | (never|not)\s+(been\s+)?(said|written|uttered)\s+by\s+me
      | (falsely|wrongly|mistakenly)\s+attributed\s+to\s+me
      | (words|phrase|statement)\s+(were\s+|was\s+)?put\s+in(to)?\s+my\s+mouth
      | introduced\s+by\s+the\s+author\s+of\s+the\s+interview
      | ce\s+ne\s+sont\s+(certainement\s+|absolument\s+)?pas\s+mes\s+(propres\s+)?(paroles|mots|propos)
      | je\s+n['’]ai\s+jamais\s+(dit|écrit|ecrit|prononcé|prononce)
      | (faussement|abusivement)\s+attribu[ée]e?s?\s+à\s+moi
      | propos\s+qu['’]on\s+m['’]a\s+prêtés
      | (je\s+)?dément(s)?\s+(avoir\s+)?(dit|tenu)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
PUBLICATION = re.compile(
    r"(?:published|printed|appeared|reported|paru|publiée?|imprimée?)\s+(?:in|dans)\s+(?:the\s+|le\s+|la\s+|l['’])?"
    r"((?:[A-Z][\w'’.-]*)(?:\s+(?:[A-Z][\w'’.-]*|of|de|du))*)"
    r"|\b(?:in|dans)\s+(?:the\s+|le\s+|la\s+)?((?:[A-Z][a-zA-Z'’.]+-[A-Z][a-zA-Z'’.]+|[A-Z][a-z]+\s+(?:Times|Post|Herald|Tribune|Monde|Soir|Journal|Gazette|News)))",
)


def detect(docs: Iterable[Document]) -> list[Dispute]:
    """Proposed disputes for every denial found in the documents (see the module docstring)."""
    found: list[Dispute] = []
    for doc in docs:
        previous_text = ""
        for p in doc.paragraphs:
            spoken = [(q.start, q.end) for q in quotations(p.text)] if DENIAL.search(p.text) else []
            for cue in DENIAL.finditer(p.text):
                # "I never said that," inside a quotation is a character's line, not the author's denial
                if any(start <= cue.start() < end for start, end in spoken):
                    continue
                quote, where = _denied_quotation(p.text, cue.start(), cue.end(), previous_text)
                if not quote:
                    continue
                match = PUBLICATION.search(where)
                published_in = next((g for g in match.groups() if g), "") if match else ""
                if not published_in:
                    continue  # a denial of words put in one's mouth says where they were printed
                found.append(
                    Dispute(
                        author=doc.author,
                        quote=quote,
                        published_in=published_in.rstrip(".,;"),
                        date=doc.written,
                        rebuttal_document_id=doc.id,
                        paragraph=p.anchor,
                        note=f"{doc.author}: “{cue.group().strip()}” ({doc.title})",
                    )
                )
            previous_text = p.text
    return _unique(found)


def _denied_quotation(text: str, cue_start: int, cue_end: int, previous_text: str) -> tuple[str, str]:
    """The quotation a denial cue refers to, and the text that says where it was published."""
    inner = quotations(text)
    before = [q for q in inner if q.end <= cue_start]
    if before:
        q = before[-1]
        return q.text, text[: q.start]
    after = [q for q in inner if q.start >= cue_end and q.start - cue_end < 40]
    if after:
        return after[0].text, text
    earlier = quotations(previous_text)
    if earlier:
        return earlier[-1].text, previous_text[: earlier[-1].start]
    return "", ""


def _unique(disputes: list[Dispute]) -> list[Dispute]:
    seen: set[tuple[str, str]] = set()
    out: list[Dispute] = []
    for d in disputes:
        key = (d.author, d.quote)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
