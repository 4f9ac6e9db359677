"""Exports: a Document as JSON, TEI P5, CSL-JSON, BibTeX or a citation line; Verdicts as ClaimReview.

Every exporter builds its output with a serializer (json, lxml), never by pasting strings, because
titles, notes and quotes are untrusted text. CSL-JSON is the canonical citation form; BibTeX and the
plain citation line say the same things in other shapes.

The plain citation line has one form everywhere (CLI, API, web, ClaimReview)::

    Natalia Sedova Trotsky, "Corrections to France-Soir Interview" (written 1961-11-09), ¶ p3.
    First published 1971 (English translation). Source: Natalia Trotsky and the Fourth International
    Pluto Press, 1972. Online: Natalia Sedova Internet Archive, December 2001.
    misquote:trotsky-1961-corrections-to-france-soir-interview-1a2b3c#p3

(on one line; each part after the first sentence is left out when the document lacks it).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote as url_quote

from lxml import etree

from misquote import __version__
from misquote.errors import QueryError
from misquote.model import Document, Match, Note, Paragraph, Verdict, VerdictName, slug

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"

RATING: dict[VerdictName, int] = {
    "verbatim": 5,
    "altered": 3,
    "spliced": 2,
    "misattributed": 1,
    "disputed": 1,
    "not_found": 1,
}
"""ClaimReview ratingValue per verdict, on a 1 (worst) .. 5 (best) scale.

5: the author wrote exactly these words; 3: close, but words changed; 2: real words of the author,
joined from different places so that they say something new; 1: the attribution does not stand
(someone else's words, words the person denied, or words found nowhere)."""
BEST_RATING = 5
WORST_RATING = 1


# ---- JSON ---------------------------------------------------------------------------------------


def to_json(doc: Document) -> str:
    """Every field of `doc` as pretty JSON (UTF-8 kept, not escaped); `Document.from_dict` reads it back."""
    return json.dumps(doc.to_dict(), ensure_ascii=False, indent=2)


def jsonld_script(data: Any) -> str:
    """JSON text safe to put inside an HTML `<script type="application/ld+json">` element."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    # A quote may contain "</script>": escaped this way, the JSON means the same and HTML cannot end early.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


# ---- TEI P5 -------------------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ISO_DATE = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
_LANG_CODE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")
_LANG_NAMES = {
    "en": "English", "fr": "French", "de": "German", "ru": "Russian", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "zh": "Chinese", "nl": "Dutch", "pl": "Polish", "sv": "Swedish", "el": "Greek",
}  # fmt: skip
_CREDIT_LABEL = re.compile(r"transcri|markup|proofread|translat|edit|scan|convert", re.IGNORECASE)
_LICENCE_LABEL = re.compile(r"public domain|copyleft|licen[cs]e", re.IGNORECASE)


def _t(name: str) -> str:
    return f"{{{TEI_NS}}}{name}"


def _xml_safe(value: str) -> str:
    """`value` with the characters XML 1.0 cannot hold (NUL, most controls, lone surrogates) as U+FFFD."""
    return _XML_ILLEGAL.sub("\ufffd", value)


def _el(parent: Any, name: str, text: str | None = None, /, **attrs: str | None) -> Any:
    """A TEI child element of `parent` with `text` and the attributes that are not None."""
    el = etree.SubElement(parent, _t(name))
    for key, value in attrs.items():
        if value is not None:
            attr = f"{{{XML_NS}}}{key[4:]}" if key.startswith("xml_") else key
            el.set(attr, _xml_safe(value))
    if text is not None:
        el.text = _xml_safe(text)
    return el


class _Ids:
    """Hands out unique xml:id values (NCNames) made from arbitrary labels."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, label: str, prefix: str = "") -> str:
        ascii_label = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode()
        base = prefix + re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_label).strip("_")
        if not base or not (base[0].isalpha() or base[0] == "_"):
            base = f"id-{base}"
        ident, n = base, 1
        while ident in self.used:
            n += 1
            ident = f"{base}-{n}"
        self.used.add(ident)
        return ident


def _is_iso(value: str | None) -> bool:
    """True for an ISO 8601 (partial) date or a `from/to` range of them."""
    return bool(value) and all(_ISO_DATE.fullmatch(part) for part in str(value).split("/"))


def _date_attrs(value: str | None) -> dict[str, str | None]:
    """TEI dating attributes for an ISO (partial) date or range; empty for anything else."""
    if not value or not _is_iso(value):
        return {}
    if "/" in value:
        start, end = value.split("/", 1)
        return {"from": start, "to": end}
    return {"when": value}


def to_tei(doc: Document) -> str:
    """The document as TEI P5 XML, with a full teiHeader; every field of the Document is kept.

    Where each field goes: title, author, translator, transcriber and note authors in
    `titleStmt`; edition and version in `editionStmt`; online version, id, URL, source key and
    file hash in `publicationStmt`; every raw header pair and every `extra` field in `notesStmt`;
    Source, First Published and work in `sourceDesc`; the reader in `encodingDesc`; Written in
    `profileDesc/creation/date`, language in `langUsage`, author aliases and quoted speakers in
    `particDesc`. Paragraphs keep their anchors as xml:id; their offsets are not written, since
    `Document.finalize` derives them from the text.
    """
    ids = _Ids()
    # Keyed by object: an unfinalized document may repeat (or leave empty) its anchors.
    own_ids = {id(p): ids.new(p.anchor or f"p{i}") for i, p in enumerate(doc.paragraphs, start=1)}
    para_ids: dict[str, str] = {}
    for p in doc.paragraphs:
        para_ids.setdefault(p.anchor, own_ids[id(p)])
    note_ids = [ids.new(n.label, "note-") for n in doc.notes]
    people: dict[str, str] = {}

    def person_id(name: str) -> str:
        if name not in people:
            people[name] = ids.new(name)
        return people[name]

    author_id = person_id(doc.author) if doc.author else None
    resp_ids: dict[str, str] = {}
    for n in doc.notes:
        if n.by and n.by not in resp_ids:
            resp_ids[n.by] = ids.new(n.by)

    lang_attr = doc.language if doc.language and _LANG_CODE.fullmatch(doc.language) else None
    root = etree.Element(_t("TEI"), nsmap={None: TEI_NS})
    if lang_attr:
        root.set(f"{{{XML_NS}}}lang", lang_attr)
    header = _el(root, "teiHeader")
    _file_desc(header, doc, author_id, resp_ids)
    _encoding_desc(header, doc)
    _profile_desc(header, doc, lang_attr)

    text = _el(root, "text")
    body = _el(text, "body")
    note_for = _note_targets(doc.notes, note_ids)
    _body(body, doc.paragraphs, lambda p: own_ids[id(p)], note_for, person_id)
    if doc.notes:
        back = _el(text, "back")
        div = _el(back, "div", type="notes")
        for note, ident in zip(doc.notes, note_ids, strict=True):
            targets = " ".join(f"#{para_ids.get(r) or ids.new(r)}" for r in note.refs) or None
            resp = f"#{resp_ids[note.by]}" if note.by else None
            _el(div, "note", note.text, xml_id=ident, n=note.label, type=note.kind, resp=resp, target=targets)
    # people is filled while the body is written; particDesc is completed afterwards.
    _fill_people(header, doc, people)
    _indent(root)
    return etree.tostring(root, encoding="unicode")


_MIXED = {"p", "head", "signed", "dateline", "note", "title", "author", "name", "resp", "bibl", "publisher",
          "authority", "idno", "date", "language", "persName", "label", "desc", "edition"}  # fmt: skip
"""Elements whose content is text: indenting inside them would change the text a reader gets."""


def _indent(el: Any, level: int = 0) -> None:
    """Indent the element structure for people to read, leaving the content of text elements alone."""
    if etree.QName(el).localname in _MIXED or not len(el):
        return
    pad = "\n" + "  " * (level + 1)
    el.text = pad
    for child in el:
        _indent(child, level + 1)
        child.tail = pad
    el[-1].tail = "\n" + "  " * level


def _file_desc(header: Any, doc: Document, author_id: str | None, resp_ids: dict[str, str]) -> None:
    file_desc = _el(header, "fileDesc")
    title_stmt = _el(file_desc, "titleStmt")
    _el(title_stmt, "title", doc.title, type="main")
    _el(title_stmt, "author", doc.author, ref=f"#{author_id}" if author_id else None)
    credits: list[tuple[str, str]] = []
    if doc.transcriber:
        credits.append(("transcription and markup", doc.transcriber))
    if doc.translator:
        credits.append(("translation", doc.translator))
    credits += [(k, v) for k, v in doc.extra.items() if _CREDIT_LABEL.search(k)]
    for resp, name in credits:
        stmt = _el(title_stmt, "respStmt")
        _el(stmt, "resp", resp)
        _el(stmt, "name", name)
    for by, ident in resp_ids.items():
        stmt = _el(title_stmt, "respStmt", xml_id=ident)
        _el(stmt, "resp", "notes")
        _el(stmt, "name", by)

    edition_stmt = _el(file_desc, "editionStmt")
    _el(edition_stmt, "edition", doc.edition, n=str(doc.version))

    pub = _el(file_desc, "publicationStmt")
    if doc.online_version:
        _el(pub, "publisher", doc.online_version, type="onlineVersion")
    else:
        _el(pub, "authority", "misquote")
    _el(pub, "idno", doc.id, type="misquote")
    for kind, value in (("URI", doc.url), ("sourceKey", doc.source_key), ("sha256", doc.sha256)):
        if value:
            _el(pub, "idno", value, type=kind)
    licence = next(((k, v) for k, v in doc.header if _LICENCE_LABEL.search(k)), None)
    availability = _el(pub, "availability", status="free" if licence else "unknown")
    terms = f"{licence[0]}: {licence[1]}" if licence else "As stated by the source; see the header."
    _el(availability, "p", terms)

    if doc.header or doc.extra:
        notes_stmt = _el(file_desc, "notesStmt")
        for label, value in doc.header:
            _el(notes_stmt, "note", value, type="header", n=label)
        for label, value in doc.extra.items():
            _el(notes_stmt, "note", value, type="extra", n=label)

    source_desc = _el(file_desc, "sourceDesc")
    if doc.source:
        _el(source_desc, "bibl", doc.source, type="source")
    if doc.first_published or doc.first_published_date:
        bibl = _el(source_desc, "bibl", doc.first_published or "", type="firstPublished")
        if doc.first_published_date:
            attrs = _date_attrs(doc.first_published_date) or {"n": doc.first_published_date}
            _el(bibl, "date", **attrs)
    if doc.work:
        bibl = _el(source_desc, "bibl", type="work")
        _el(bibl, "title", doc.work)
    if not len(source_desc):
        _el(source_desc, "p", "No source recorded.")


def _encoding_desc(header: Any, doc: Document) -> None:
    app_info = _el(_el(header, "encodingDesc"), "appInfo")
    app = _el(app_info, "application", ident="misquote", version=__version__)
    _el(app, "label", "misquote export")
    if doc.reader or doc.format:
        ident, version = doc.reader or "unknown", doc.reader_version or None
        reader = _el(app_info, "application", ident=ident, version=version, type="reader")
        _el(reader, "label", doc.reader)
        _el(reader, "desc", doc.format, type="format")


def _profile_desc(header: Any, doc: Document, lang: str | None) -> None:
    profile = _el(header, "profileDesc")
    if doc.written or doc.written_raw:
        creation = _el(profile, "creation")
        _el(creation, "date", doc.written_raw or doc.written, type="written", **_date_attrs(doc.written))
        if doc.written and not _is_iso(doc.written) and doc.written != doc.written_raw:
            _el(creation, "date", doc.written, type="normalized")
    if doc.language:
        usage = _el(profile, "langUsage")
        _el(usage, "language", _LANG_NAMES.get(doc.language, doc.language), ident=lang or "und")
    _el(profile, "particDesc")


def _fill_people(header: Any, doc: Document, people: dict[str, str]) -> None:
    """Write the author (with every alias) and each quoted speaker into particDesc."""
    partic = header.find(f"{_t('profileDesc')}/{_t('particDesc')}")
    if not people and not doc.authors:
        partic.getparent().remove(partic)
        return
    listing = _el(partic, "listPerson")
    for name, ident in people.items():
        person = _el(listing, "person", xml_id=ident, role="author" if name == doc.author else "speaker")
        _el(person, "persName", name, type="main")
        if name == doc.author:
            for alias in doc.authors:
                if alias != doc.author:
                    _el(person, "persName", alias, type="alias")
    if not doc.author and doc.authors:
        person = _el(listing, "person", role="author")
        for alias in doc.authors:
            _el(person, "persName", alias, type="alias")


def _note_targets(notes: list[Note], note_ids: list[str]) -> Callable[[str, str], str | None]:
    """A lookup (paragraph anchor, note label) -> xml:id of the note it references."""
    by_ref = {(ref, n.label): ident for n, ident in zip(notes, note_ids, strict=True) for ref in n.refs}
    first: dict[str, str] = {}
    for n, ident in zip(notes, note_ids, strict=True):
        first.setdefault(n.label, ident)
    return lambda anchor, label: by_ref.get((anchor, label)) or first.get(label)


_CLOSING = ("signature", "dateline")


def _body(
    body: Any,
    paragraphs: list[Paragraph],
    para_id: Callable[[Paragraph], str],
    note_for: Callable[[str, str], str | None],
    person_id: Callable[[str], str],
) -> None:
    """Paragraphs into divs (a heading opens one), signatures and datelines into opener/closer."""
    sections: list[tuple[list[Paragraph], list[Paragraph]]] = []
    for p in paragraphs:
        if p.kind == "heading" and (not sections or sections[-1][1]):
            sections.append(([p], []))
        elif p.kind == "heading":
            sections[-1][0].append(p)
        elif not sections:
            sections.append(([], [p]))
        else:
            sections[-1][1].append(p)
    if not sections:
        _el(_el(body, "div"), "p")
        return

    def write(parent: Any, p: Paragraph, name: str, **attrs: str | None) -> None:
        el = _el(parent, name, xml_id=para_id(p), **attrs)
        inner = _el(el, "said", who=f"#{person_id(p.speaker)}") if p.speaker else el
        if p.kind == "quotation":
            _el(inner, "quote", p.text)
        else:
            inner.text = _xml_safe(p.text)
        for label in p.notes:
            target = note_for(p.anchor, label)
            if target:
                _el(el, "ptr", target=f"#{target}", n=label, type="noteAnchor")
            else:
                _el(el, "ref", n=label, type="noteAnchor")

    for heads, items in sections:
        div = _el(body, "div")
        for p in heads:
            write(div, p, "head")
        lead = 0
        while lead < len(items) and items[lead].kind in _CLOSING:
            lead += 1
        tail = len(items)
        while tail > lead and items[tail - 1].kind in _CLOSING:
            tail -= 1
        if lead == len(items):  # only signatures and datelines: a closer, as at the end of a letter
            lead, tail = 0, 0
        groups = (("opener", items[:lead]), (None, items[lead:tail]), ("closer", items[tail:]))
        for wrapper, group in groups:
            if not group:
                continue
            parent = _el(div, wrapper) if wrapper else div
            for p in group:
                if wrapper:
                    write(parent, p, "signed" if p.kind == "signature" else "dateline")
                elif p.kind == "note":
                    write(parent, p, "note", type="editorial", place="inline")
                elif p.kind in _CLOSING:
                    write(parent, p, "p", type=p.kind)
                else:
                    write(parent, p, "p", type="quotation" if p.kind == "quotation" else None)


# ---- citations ----------------------------------------------------------------------------------

_PARTICLES = {"da", "das", "de", "del", "della", "der", "des", "di", "do", "dos", "du", "la", "le", "ten",
              "ter", "van", "von", "zu"}  # fmt: skip
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}
_COLLECTIVE = re.compile(
    r"\b(international|party|committee|congress|league|union|bureau|council|executive|group|conference|"
    r"association|federation|editors|editorial|presidium|secretariat|organi[sz]ation|society|archive)\b",
    re.IGNORECASE,
)
_NO_AUTHOR = {"", "anonymous", "unknown", "anon", "anon."}


def csl_name(name: str) -> dict[str, str] | None:
    """A CSL name for `name`: `{"family", "given"}` for a person, `{"literal"}` for one word or a body.

    "Natalia Sedova Trotsky" -> family "Trotsky", given "Natalia Sedova"; "V. I. Lenin" -> "Lenin",
    "V. I."; "Trotsky, Leon" is read as family-first; "Voltaire" and "Fourth International" stay
    literal; None for an empty or anonymous author.
    """
    name = " ".join(name.split())
    if name.lower() in _NO_AUTHOR:
        return None
    if _COLLECTIVE.search(name):
        return {"literal": name}
    parts = [part.strip() for part in name.split(",") if part.strip()]
    suffix = parts.pop() if len(parts) > 1 and parts[-1].lower() in _SUFFIXES else None
    if len(parts) >= 2:
        family_words, given = parts[0].split(), " ".join(parts[1:])
    else:
        words = parts[0].split()
        if suffix is None and len(words) > 2 and words[-1].lower() in _SUFFIXES:
            suffix = words.pop()
        if len(words) == 1:
            return {"literal": name}
        cut = len(words) - 1
        while cut > 0 and words[cut - 1] in _PARTICLES:
            cut -= 1
        family_words, given = words[cut:], " ".join(words[:cut])
    particle = []
    while len(family_words) > 1 and family_words[0] in _PARTICLES:
        particle.append(family_words.pop(0))
    out = {"family": " ".join(family_words)}
    if given:
        out["given"] = given
    if particle:
        out["non-dropping-particle"] = " ".join(particle)
    if suffix:
        out["suffix"] = suffix
    return out


def _csl_date(value: str | None) -> dict[str, Any] | None:
    if not value:
        return None
    if not _is_iso(value):
        return {"raw": value}
    parts = [_ISO_DATE.fullmatch(part) for part in value.split("/")]
    return {"date-parts": [[int(x) for x in m.groups() if x] for m in parts if m]}


def _anchor(doc: Document, anchor: str | None) -> str | None:
    """`anchor` checked against the document's paragraphs; QueryError when it has none such.

    A document loaded without its paragraphs (metadata only, as the checker does) is cited at the
    anchor as given.
    """
    if anchor is None or not doc.paragraphs:
        return anchor
    if any(p.anchor == anchor for p in doc.paragraphs):
        return anchor
    known = f"{doc.paragraphs[0].anchor}..{doc.paragraphs[-1].anchor}"
    raise QueryError(f"document {doc.id} has no paragraph {anchor!r} (its paragraphs: {known})")


def csl_type(doc: Document) -> str:
    """Return "book" for a whole book (Gutenberg), "article" for a published piece, "manuscript" otherwise."""
    if "gutenberg" in f"{doc.format} {doc.reader}".lower():
        return "book"
    if doc.first_published or doc.first_published_date or doc.source:
        return "article"
    return "manuscript"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def to_csl_json(doc: Document, paragraph: str | None = None) -> dict[str, Any]:
    """The document as one CSL-JSON item, the canonical citation form; `paragraph` adds a locator."""
    anchor = _anchor(doc, paragraph)
    item: dict[str, Any] = {"id": doc.id, "type": csl_type(doc), "title": doc.title}
    author = csl_name(doc.author)
    if author:
        item["author"] = [author]
    translator = csl_name(doc.translator) if doc.translator else None
    if translator:
        item["translator"] = [translator]
    optional: dict[str, Any] = {
        "issued": _csl_date(doc.written),
        "original-date": _csl_date(doc.first_published_date),
        "container-title": doc.work,
        "archive": doc.online_version,
        "source": doc.source,
        "edition": doc.edition,
        "language": doc.language,
        "URL": doc.url,
    }
    item.update({k: v for k, v in optional.items() if v})
    note = " ".join(
        _sentence(part)
        for part in (
            f"First published {doc.first_published}" if doc.first_published else "",
            f"Source: {doc.source}" if doc.source else "",
            f"Transcribed by {doc.transcriber}" if doc.transcriber else "",
        )
        if part
    )
    if note:
        item["note"] = note
    if anchor is not None:
        item["locator"] = anchor
        item["label"] = "paragraph"
    return item


def citation(doc: Document, paragraph: str | None = None) -> str:
    """The plain-text citation line (format in the module docstring), optionally for one paragraph."""
    anchor = _anchor(doc, paragraph)
    head = f'{doc.author or "Anonymous"}, "{doc.title}"'
    written = doc.written or doc.written_raw
    if written:
        head += f" (written {written})"
    if anchor is not None:
        head += f", ¶ {anchor}"
    parts = [head]
    if doc.first_published:
        parts.append(f"First published {doc.first_published}")
    if doc.translator:
        parts.append(f"Translated by {doc.translator}")
    if doc.source:
        parts.append(f"Source: {doc.source}")
    online = ", ".join(v for v in (doc.online_version, doc.url) if v)
    if online:
        parts.append(f"Online: {online}")
    line = " ".join(_sentence(part) for part in parts)
    fragment = f"#{anchor}" if anchor is not None else ""
    return f"{line} misquote:{doc.id}{fragment}"


_BIBTEX_SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
    "_": r"\_", "^": r"\^{}", "~": r"\~{}",
}  # fmt: skip
_BIBTEX_RE = re.compile("|".join(re.escape(c) for c in _BIBTEX_SPECIAL))
_KEY_STOPWORDS = {"a", "an", "the", "on", "of", "to", "in", "and", "la", "le", "les", "l", "de", "du", "des",
                  "der", "die", "das", "el", "il"}  # fmt: skip


def bibtex_escape(value: str) -> str:
    """`value` with LaTeX specials escaped and whitespace collapsed, safe inside a braced BibTeX field."""
    return _BIBTEX_RE.sub(lambda m: _BIBTEX_SPECIAL[m.group()], " ".join(value.split()))


def _bibtex_name(name: dict[str, str]) -> str:
    if "literal" in name:
        return "{" + bibtex_escape(name["literal"]) + "}"
    family = " ".join(v for v in (name.get("non-dropping-particle"), name["family"]) if v)
    parts = [family, name.get("suffix"), name.get("given")]
    if not parts[1]:
        parts.pop(1)
    return ", ".join(bibtex_escape(p) for p in parts if p)


def bibtex_key(doc: Document) -> str:
    """A stable, readable key: author surname, year, first significant title word (trotsky1961corrections)."""
    name = csl_name(doc.author) or {"literal": "anonymous"}
    surname = re.sub(r"[^a-z0-9]", "", slug(name.get("family") or name.get("literal", ""), 30))
    title_words = [w for w in slug(doc.title, 200).split("-") if w not in _KEY_STOPWORDS]
    year = str(doc.year) if doc.year else "nd"
    return f"{surname or 'anonymous'}{year}{title_words[0] if title_words else 'untitled'}"


def to_bibtex(doc: Document, paragraph: str | None = None) -> str:
    """The document as one BibTeX/biblatex entry (@book for books, @misc otherwise)."""
    item = to_csl_json(doc, paragraph)
    entry_type = "book" if item["type"] == "book" else "misc"
    fields: list[tuple[str, str]] = []
    if "author" in item:
        fields.append(("author", " and ".join(_bibtex_name(n) for n in item["author"])))
    fields.append(("title", "{" + bibtex_escape(doc.title) + "}"))
    if doc.written and _is_iso(doc.written):
        fields.append(("date", doc.written))
    if doc.year:
        fields.append(("year", str(doc.year)))
    if "translator" in item:
        fields.append(("translator", " and ".join(_bibtex_name(n) for n in item["translator"])))
    plain = {"edition": doc.edition, "howpublished": doc.online_version, "language": doc.language}
    fields += [(key, bibtex_escape(value)) for key, value in plain.items() if value]
    note = item.get("note", "")
    if paragraph is not None:
        note = f"{note} Paragraph {item['locator']}.".strip()
    if note:
        fields.append(("note", bibtex_escape(note)))
    if doc.url:
        # url and eprint are verbatim fields: percent-encode what could end or confuse them, never escape.
        fields.append(("url", url_quote(doc.url, safe=":/?#[]@!$&'()*+,;=%~-._")))
    fields.append(("eprinttype", "misquote"))
    fields.append(("eprint", url_quote(doc.id, safe="-._~:")))
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields)
    return f"@{entry_type}{{{bibtex_key(doc)},\n{body}\n}}\n"


EXPORTERS: dict[str, Callable[[Document], str]] = {
    "json": to_json,
    "tei": to_tei,
    "csl-json": lambda doc: json.dumps([to_csl_json(doc)], ensure_ascii=False, indent=2),
    "bibtex": to_bibtex,
}
"""Document exporters by the name `misquote export --format` takes."""


def export(doc: Document, fmt: str) -> str:
    """The document in format `fmt` (a key of EXPORTERS); QueryError for an unknown format."""
    try:
        exporter = EXPORTERS[fmt]
    except KeyError:
        raise QueryError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORTERS)}") from None
    return exporter(doc)


# ---- verdicts in words, and ClaimReview ---------------------------------------------------------


def _where(m: Match) -> str:
    written = f" (written {m.written})" if m.written else ""
    return f'"{m.title}" by {m.author}{written}, ¶ {m.paragraph}'


def _earliest(matches: Iterable[Match]) -> Match | None:
    ordered = sorted(matches, key=lambda m: (m.written is None, m.written or ""))
    return ordered[0] if ordered else None


def _edit_words(matches: list[Match], limit: int = 5) -> str:
    edits = [e for m in matches for e in m.edits]
    said = []
    for e in edits[:limit]:
        if e.op == "substitute":
            said.append(f'"{e.quote}" instead of "{e.source}"')
        elif e.op == "insert":
            said.append(f'adds "{e.quote}"')
        elif e.op == "delete":
            said.append(f'leaves out "{e.source}"')
        else:
            said.append(f'changes the order of "{e.source}"')
    if len(edits) > limit:
        said.append(f"and {len(edits) - limit} more change{'s' if len(edits) - limit > 1 else ''}")
    return "; ".join(said)


def verdict_explanation_words(verdict: Verdict) -> str:
    """The verdict in words a journalist understands, naming the evidence (title, date, paragraph)."""
    v, ms = verdict, verdict.matches
    best = ms[0] if ms else None
    if v.verdict == "verbatim":
        where = _where(best) if best else f"the writings of {v.author} in the archive"
        more = f" (and {len(ms) - 1} other place{'s' if len(ms) > 2 else ''})" if len(ms) > 1 else ""
        text = f"Verbatim: these exact words are in {where}{more}."
    elif v.verdict == "altered":
        text = "Altered: the quote is close to, but not the same as, what " + v.author + " wrote"
        if best:
            text += f" in {_where(best)} ({best.identity:.0%} of the words match)"
        changes = _edit_words(ms[:1])
        text += f". The quote {changes}." if changes else "."
    elif v.verdict == "spliced":
        places = "; ".join(_where(m) for m in ms) or "different places"
        text = (
            f"Spliced: each part of the quote is by {v.author}, but the parts come from different places "
            f"({places}) and are joined with no ellipsis to show the cut."
        )
    elif v.verdict == "misattributed":
        real = ", ".join(v.real_authors) or "someone else"
        text = f"Misattributed: {v.author} did not write these words; they are by {real}"
        first = _earliest(m for m in ms if m.quoted_from is None) or best
        if first:
            text += f", earliest in {_where(first)}"
        text += "."
        quoting = [m for m in ms if m.quoted_from]
        if quoting:
            m = quoting[0]
            text += f" {_where(m)} only quotes them from {m.quoted_from}."
    elif v.verdict == "disputed":
        d = v.dispute
        if d is None:
            text = f"Disputed: {v.author} denied these words (a recorded correction)."
        else:
            when = f" ({d.date})" if d.date else ""
            text = f"Disputed: {d.published_in}{when} attributed these words to {v.author}, who denied them"
            rebuttal = next((m for m in ms if m.document_id == d.rebuttal_document_id), None)
            if rebuttal:
                text += f" in {_where(rebuttal)}"
            elif d.rebuttal_document_id:
                anchor = f"#{d.paragraph}" if d.paragraph else ""
                text += f" (misquote:{d.rebuttal_document_id}{anchor})"
            text += "."
    else:
        text = f"Not found: these words are in no document of {v.author}, nor anywhere else in the archive."
        if best:
            text += f" The closest passage is {_where(best)}, {best.identity:.0%} of the words matching."
    if v.candidates:
        text += f' The name "{v.author}" can mean {" or ".join(v.candidates)}; each was checked.'
    return text


def _person(name: str) -> dict[str, str]:
    return {"@type": "Person", "name": name}


def _work(m: Match) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "name": m.title, "author": _person(m.author)}
    if m.written:
        work["dateCreated"] = m.written
    work["identifier"] = f"misquote:{m.document_id}#{m.paragraph}"
    work["text"] = m.text
    return work


def _claim(v: Verdict, article_url: str | None, article_title: str | None) -> dict[str, Any]:
    claim: dict[str, Any] = {"@type": "Claim", "author": _person(v.author)}
    if article_url or article_title:
        article = {"@type": "NewsArticle", "url": article_url, "headline": article_title}
        claim["appearance"] = {k: val for k, val in article.items() if val}
    # firstAppearance is where the claim "AUTHOR wrote QUOTE" first stood: the author's own text when the
    # words are verbatim, the publication that printed them when the author denied them; for the other
    # verdicts the claim as made never appeared in the sources, so none is given.
    if v.verdict == "verbatim" and v.matches:
        claim["firstAppearance"] = _work(_earliest(v.matches) or v.matches[0])
    elif v.verdict == "disputed" and v.dispute is not None:
        first = {"@type": "CreativeWork", "name": v.dispute.published_in, "datePublished": v.dispute.date}
        claim["firstAppearance"] = {k: val for k, val in first.items() if val}
    return claim


def claimreview(
    verdicts: list[Verdict],
    *,
    article_url: str | None,
    article_title: str | None,
    reviewer: str = "misquote",
    date: str | None = None,
) -> dict[str, Any]:
    """schema.org ClaimReview JSON-LD: one ClaimReview per checked quotation, in a top-level @graph.

    `reviewRating.alternateName` is our verdict name and `ratingValue` follows RATING (1..5);
    `ratingExplanation` gives the evidence in words and the citation; `citation` lists the matched
    passages (except for not_found, whose closest passages are not evidence).
    """
    published = date or dt.date.today().isoformat()
    graph = []
    for v in verdicts:
        explanation = [verdict_explanation_words(v)]
        if v.explanation and v.explanation not in explanation[0]:
            explanation.append(v.explanation)
        if v.citation:
            explanation.append(f"Citation: {v.citation}")
        review: dict[str, Any] = {
            "@type": "ClaimReview",
            "claimReviewed": v.quote,
            "itemReviewed": _claim(v, article_url, article_title),
            "reviewRating": {
                "@type": "Rating",
                "alternateName": v.verdict,
                "ratingValue": RATING[v.verdict],
                "bestRating": BEST_RATING,
                "worstRating": WORST_RATING,
                "ratingExplanation": " ".join(explanation),
            },
            "author": {"@type": "Organization", "name": reviewer},
            "datePublished": published,
        }
        if v.id is not None:
            review["identifier"] = str(v.id)
        if v.matches and v.verdict != "not_found":
            review["citation"] = [_work(m) for m in v.matches]
        graph.append(review)
    return {"@context": "https://schema.org", "@graph": graph}
