"""The archive provenance header ("Written: ...", "Source: ...") parsed once for HTML, text and Markdown.

Readers hand this module the header as logical lines (one `Label: value` entry per line, however
the format marked them up); it keeps every raw pair in order, maps the labels it knows onto
Document fields and puts every other label in `extra`, so nothing on the page is dropped.
Label spelling varies a lot on marxists.org ("Transcription\\Markup", "Transcribed/HTML Markup",
"Re-Marked up & Proofread by", "Delvered"); labels are matched after folding case, punctuation
and spaces.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from misquote.model import Document

MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
    "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip
_MONTH = (
    r"(?P<m>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_YEAR = r"(?P<y>1[0-9O][0-9O]\d|20\d\d)"
_DAY = r"(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<y>1\d{3}|20\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"),
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+(?:\(O\.\s?S\.\)\s*)?{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY}(?:\s*[-–—/]\s*[0-3]?\d)?(?:\s*\([ON]\.\s?S\.\))?,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}(?:\s*[-–—/]\s*[A-Z][a-z]+\.?)?,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_YEAR}\b"),
]

# Field each folded label maps to; checked in order, first hit wins.
_FIELD_RULES: list[tuple[str, re.Pattern[str]]] = [
    ("online_version", re.compile(r"^online (version|edition)")),
    ("first_published", re.compile(r"^(first )?(published|printed|publication)|^publishing history")),
    ("written", re.compile(r"^(written|delivered|delvered|spoken|speech|dictated|recorded|wired|dated|date)\b")),
    ("source", re.compile(r"^sources?$|^source\b")),
    ("translator", re.compile(r"^translat")),
    ("transcriber", re.compile(r"transcri|mark ?up|marked up|proof|html|prepared|converted|scanned|typed|corrected")),
]
KNOWN_EXTRA = re.compile(
    r"^(public domain|copyleft|copyright|publisher|edited|editor|other formats|note|notes|signed)\b"
)
"""Labels that are understood but have no Document field of their own; they go to `extra`."""

_PROSE_WORD = re.compile(r"\s(?:in|of|the|from|to|at|on)\s")
_LABEL_LINE = re.compile(r"^\s*(?P<label>[A-Za-z][A-Za-z/\\&'’ .()-]{0,48}?)\s*:\s*(?P<value>.*)$")
_FREE_FORMS: list[tuple[str, re.Pattern[str]]] = [
    (
        "transcriber",
        re.compile(r"^(?:Transcribed|Transcription|HTML Mark-?up|Marked up|Proofread)\s+(?:by\s+)?(.+)$", re.I),
    ),
    ("translator", re.compile(r"^Translated\s+(?:from\s+the\s+\w+\s+)?by\s+(.+)$", re.I)),
    ("first_published", re.compile(r"^(?:From|First published in|Published in|Originally published in)\s+(.+)$", re.I)),
    ("source", re.compile(r"^(?:Republished in|Reprinted in|Source)\s+(.+)$", re.I)),
]


def fold_label(label: str) -> str:
    """A label folded for matching: lowercase, `\\ / & -` as spaces, no colon, single spaces."""
    label = re.sub(r"[\\/&_:,;.()-]+|\band\b", " ", label.lower())
    return re.sub(r"\s+", " ", label).strip()


def label_field(label: str) -> str | None:
    """The Document field a header label fills, or None when it belongs in `extra`."""
    folded = fold_label(label)
    for name, rule in _FIELD_RULES:
        if rule.search(folded):
            return name
    return None


def is_known_label(label: str) -> bool:
    """Whether the label is a provenance label misquote understands (field or known extra)."""
    folded = fold_label(label)
    return label_field(label) is not None or bool(KNOWN_EXTRA.search(folded))


def split_label(line: str) -> tuple[str, str] | None:
    """(`label`, `value`) when the line reads `Label: value` with a plausible label, else None."""
    m = _LABEL_LINE.match(line)
    if not m:
        return None
    label = m.group("label").strip()
    if label[0].islower() and not is_known_label(label):
        return None
    words = label.split()
    if len(words) > 6:
        return None
    if len(words) >= 3 and _PROSE_WORD.search(label) and not is_known_label(label):
        return None  # "Republished in James Connolly: Lost Writings" is prose, not a label
    return label, m.group("value").strip()


def parse_date(text: str | None) -> str | None:
    """The first date in `text` as an ISO partial date: `1961-11-09`, `1961-11` or `1961`.

    Ranges keep their start ("December 1851 - March 1852" -> 1851-12), "(O.S.)" marks are skipped,
    and a letter O typed for a zero in a year ("19O5") is read as 0.
    """
    if not text:
        return None
    best: tuple[int, int, re.Match[str]] | None = None
    for rank, pattern in enumerate(_DATE_PATTERNS):
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), rank, m)
    if best is None:
        return None
    m = best[2]
    groups = m.groupdict()
    year = groups["y"].replace("O", "0")
    month = groups.get("m")
    if not month:
        return year
    month_no = int(month) if month.isdigit() else MONTHS[month[:3].lower()]
    if not 1 <= month_no <= 12:
        return year
    day = groups.get("d")
    if day and 1 <= int(day) <= 31:
        return f"{year}-{month_no:02d}-{int(day):02d}"
    return f"{year}-{month_no:02d}"


def clean_value(value: str) -> str:
    """A header value without surrounding spaces and the `;`/`,` that end MIA header lines."""
    value = re.sub(r"\s+", " ", value).strip()
    return value.rstrip(";,").strip()


def clean_person(value: str) -> str:
    """A credit line as a name list: leading "by" and a final full stop after a word removed."""
    value = clean_value(value)
    value = re.sub(r"^for (?:the )?[^,;]{0,60}? by\s+", "", value)
    value = re.sub(r"^(?:by|By)\s+", "", value)
    if re.search(r"[a-z0-9)]\.$", value):
        value = value[:-1]
    return value


@dataclass
class Header:
    """The parsed header: the raw pairs and the fields read out of them."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    fields: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)

    def add(self, label: str, value: str) -> None:
        """Record one raw pair and route it to a field or to `extra`; `label` "" is a free-text line."""
        value = clean_value(value)
        self.pairs.append((label, value))
        name = label_field(label) if label else _free_form_field(value)
        if not label and name:
            value = _free_form_value(value)
        if name is None:
            self._extra(label or "Note", value)
            return
        if name in ("transcriber", "translator"):
            value = clean_person(value)
            if not value:
                return
            if name in self.fields:
                if value not in self.fields[name]:
                    self.fields[name] += "; " + value
                return
        elif name in self.fields:
            # A second date or publication line is kept whole under its own label.
            self._extra(label or "Note", value)
            return
        self.fields[name] = value

    def _extra(self, label: str, value: str) -> None:
        key = label.strip()
        self.extra[key] = f"{self.extra[key]}; {value}" if key in self.extra else value

    def apply(self, doc: Document) -> None:
        """Copy the header into `doc`: raw pairs, mapped fields (dates parsed) and extra."""
        doc.header = list(self.pairs)
        f = self.fields
        if "written" in f:
            doc.written_raw = f["written"]
            doc.written = parse_date(f["written"])
        if "first_published" in f:
            doc.first_published = f["first_published"]
            doc.first_published_date = parse_date(f["first_published"])
        for name in ("source", "online_version", "transcriber", "translator"):
            if name in f:
                setattr(doc, name, f[name])
        doc.extra.update(self.extra)


def _free_form_field(value: str) -> str | None:
    for name, rule in _FREE_FORMS:
        if rule.match(value):
            return name
    return None


def _free_form_value(value: str) -> str:
    for _name, rule in _FREE_FORMS:
        m = rule.match(value)
        if m:
            return m.group(1).strip() if _name in ("transcriber", "translator") else value
    return value


def parse_lines(lines: list[str], strict: bool = False) -> Header:
    """Parse header lines: `Label: value` lines start an entry, other lines continue the last one.

    With `strict`, a line that is not `Label: value` is kept as a free-text entry (label "") rather
    than glued to the previous value: Markdown and text headers put "From *Paper*, 1899" lines there.
    """
    header = Header()
    entries: list[list[str]] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        pair = split_label(line)
        if pair is not None:
            entries.append([pair[0], pair[1]])
        elif entries and not strict:
            entries[-1][1] = f"{entries[-1][1]} {line}".strip()
        else:
            entries.append(["", line])
    for label, value in entries:
        header.add(label, value)
    return header


def looks_like_header_line(line: str) -> bool:
    """Whether a text line is a known `Label: value` provenance line (used to find the header block)."""
    pair = split_label(line)
    return pair is not None and is_known_label(pair[0])
