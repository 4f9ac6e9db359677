"""Marxists Internet Archive HTML pages: provenance header, body paragraphs, notes and their marks.

A page is parsed once with selectolax (lexbor). Navigation (`p.title`, `p.footer`, `p.skip`,
`p.toc`, `p.index*`, link-only lines, tables) is dropped; `p.information` blocks that carry
`Written:`/`Source:` labels are the header; blocks that start with a note mark (`<a name="n1">1.</a>`,
`<sup class="ednote">[1]</sup>`), or follow a "Notes"/"Footnotes" heading, are notes. Reference
marks in the text (`<sup class="enote|anote|ednote">`, in-page `<a href="#n1">[1]</a>`) are taken
out of the paragraph text and listed in `Paragraph.notes`. Blockquotes and `p.quoteb` are
quotations, with the speaker when the lead-in names one ("Hegel says:").
"""

from __future__ import annotations

import html as htmllib
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from misquote.errors import IngestError
from misquote.ingest import finish, names, register
from misquote.ingest import paragraphs as P
from misquote.ingest.encoding import decode
from misquote.ingest.header import Header, is_known_label, parse_lines, split_label
from misquote.model import UNKNOWN_AUTHOR, Document, Note, Paragraph, ParagraphKind

NAME = "mia-html"
BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "pre", "dd", "dt", "div", "center"})
CONTAINERS = frozenset({*BLOCKS, "ul", "ol", "dl", "table", "section", "article", "main", "body", "font", "span"})
MAX_DEPTH = 100
"""Containers the walk descends into; real pages nest under 30, deeper blocks are read whole."""
MAX_NESTING = 512
"""Nesting (see `markup_depth`) beyond which a page is refused: lexbor's tree building costs the depth
per tag (50,000 nested divs take 15 s); real pages count under 10, a broken one 449."""
_OPEN_OR_CLOSE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?(/?)>")
_NOT_NESTING = frozenset({
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody", "tfoot", "html", "head", "body",
})
DROP = (
    "script, style, noscript, table, p.footer, span.footer, p.skip, p.next, p.toc, p.ptoc, p.updat, "
    "p.index, p.indexb, p.indexc, p.indexd, p.index-list, p.margin-bottom, ul.disc, img"
)
_STUB = re.compile(
    r"file no longer available|no longer available|page not found|file not found|404 not found|has (?:been )?moved",
    re.I,
)
_MARK_TEXT = re.compile(r"^\s*[\[(]?\s*(\d{1,3}[a-z]?|[*†‡§]{1,3}|[A-Za-z]{1,2})\s*[\])]?\s*\.?\s*$")
_NOTES_HEADING = re.compile(
    r"^(?:(?:foot|end|editor'?s?|translator'?s?|publisher'?s?)\s*notes?|notes?(?: (?:by|of|from) .{1,40})?|"
    r"notes? (?:and|&) references)\s*:?$",
    re.I,
)
_SPEAKER = re.compile(
    r"(?P<who>[A-Z][\w.'’-]+(?:\s+(?:von |de |van )?[A-Z][\w.'’-]+){0,3})(?:,[^,:]{0,60},)?\s+"
    r"(?:says|said|writes|wrote|remarks|remarked|declares|declared|states|stated|observes|observed|"
    r"puts it|tells us|exclaims|answers|replies|continues|adds)\b[^:]{0,80}:\s*$"
)
_INFO_SPAN = re.compile(r"""<span[^>]*\bclass\s*=\s*["']?info["'\s][^>]*>(.*?)</span>""", re.I | re.S)
_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>", re.I)


@register(NAME, "1")
def read_mia_html(data: bytes, source_key: str) -> list[Document]:
    """Read one MIA page into a Document, or refuse stub and navigation-only pages."""
    text = decode(data, source_key)
    if "<" not in text[:5000]:
        raise IngestError(source_key, "not HTML: no markup in the first 5000 characters", "read it as text or plain")
    depth = markup_depth(text)
    if depth > MAX_NESTING:
        raise IngestError(
            source_key,
            f"markup nested {depth:,} elements deep (the limit is {MAX_NESTING:,}): the page is broken or hostile",
            "close the open tags, or read it as text with --format plain",
        )
    # A space after each <br> keeps the words of two lines apart once tags are dropped.
    tree = LexborHTMLParser(_BR.sub("<br> ", text))
    body = tree.body
    if body is None or not body.text(strip=True):
        raise IngestError(source_key, "truncated or empty HTML: the page has no <body> text", "fetch the page again")
    page_title = _text(tree.css_first("title"))
    _refuse_stub(tree, page_title, source_key)
    meta = {(n.attributes.get("name") or "").lower(): n.attributes.get("content") or "" for n in tree.css("meta[name]")}
    title_nodes = tree.css("p.title")
    title_line = ""
    if len(title_nodes) <= 2:  # calibre EPUBs put every paragraph in p.title: then it is text
        title_line = " / ".join(t for t in (_title_node_text(n) for n in title_nodes) if t)
        for node in title_nodes:
            node.decompose()
    for node in tree.css(DROP):
        node.decompose()
    page = _Page(source_key)
    page.walk(body)
    page.finish()
    if page.words() < 25:
        raise IngestError(
            source_key,
            f"navigation page: no body text, only links and headings ({page.words()} words of text)",
            "index and table-of-contents pages are not works; ingest the pages they link to",
        )
    author = _author(meta, title_line, page, source_key)
    title = _title(meta, page_title, title_line, page.leading_headings, author)
    doc = Document(title=title or "Untitled", author=author, paragraphs=page.paragraphs, notes=page.notes)
    doc.language = (tree.css_first("html").attributes.get("lang") if tree.css_first("html") else None) or "en"
    doc.language = doc.language.split("-")[0].lower()
    page.header.apply(doc)
    if title_line and " / " not in title_line:
        doc.work = _strip_author(title_line, author) or None
    _drop_leading_repeats(doc)
    if not doc.paragraphs:
        raise IngestError(source_key, "navigation page: nothing but the title and header", "ingest the linked pages")
    return [finish(doc, data, source_key, NAME)]


def markup_depth(html: str) -> int:
    """How deep the elements of `html` nest, counted from its tags without parsing it.

    Void and self-closing tags, and the tags HTML closes by itself (p, li, td...), do not count; so
    sloppy real pages stay shallow, while a hostile `<div>` x 100,000 counts 100,000.
    """
    depth = deepest = 0
    for close, name, self_closing in _OPEN_OR_CLOSE.findall(html):
        name = name.lower()
        if self_closing or name in _NOT_NESTING:
            continue
        if close:
            depth = max(depth - 1, 0)
        else:
            depth += 1
            deepest = max(deepest, depth)
    return deepest


def _text(node: LexborNode | None, sep: str = "") -> str:
    return P.squash(node.text(separator=sep)) if node is not None else ""


def _title_node_text(node: LexborNode) -> str:
    """The text of a `p.title` line with its author-only lines dropped; "" for a breadcrumb trail."""
    if len(node.css("a")) >= 3 or _link_share(node, _text(node)) >= 0.7:
        return ""  # "MIA: Marxists: Marx & Engels: Library: 1848: ..." is navigation
    parts = [P.squash(htmllib.unescape(_TAG.sub("", part))) for part in _BR.split(node.html or "")]
    kept = [part for part in parts if part and not names.canonical(part)]
    names_only = [part for part in parts if part and names.canonical(part)]
    return " ".join(kept) if kept else " ".join(names_only)


def _refuse_stub(tree: LexborHTMLParser, page_title: str, source_key: str) -> None:
    heads = " ".join(_text(n) for n in tree.css("h1, h2, h3, p.title")[:6])
    m = _STUB.search(page_title) or _STUB.search(heads)
    if m:
        raise IngestError(
            source_key,
            f"stub page: the archive says {m.group().lower()!r}; the work itself is not in this file",
            "find the text at its new address or in another edition",
        )


def info_lines(block_html: str) -> list[str]:
    """The `Label: value` lines of a `p.information` block, one per `span.info` label or `<br>`."""

    def label(m: re.Match[str]) -> str:
        inner = htmllib.unescape(_TAG.sub("", m.group(1))).strip()
        return f"\n{inner.rstrip(':').strip()}: " if inner else ""

    h = _INFO_SPAN.sub(label, block_html)
    h = re.sub(r"<br\s*/?>", "\n", h, flags=re.I)
    h = htmllib.unescape(_TAG.sub("", h)).replace("\xa0", " ")
    lines = [re.sub(r"\s+", " ", line).strip() for line in h.split("\n")]
    return [re.sub(r"^([^:]{1,60}):\s*:\s*", r"\1: ", line) for line in lines if line]


def parse_info_block(block_html: str) -> Header:
    """Parse one `p.information` header block (HTML) into a Header."""
    return parse_lines(info_lines(block_html))


def is_header_block(lines: list[str]) -> bool:
    """A `p.information` block is a header when at least one line has a known provenance label."""
    return any((pair := split_label(line)) is not None and is_known_label(pair[0]) for line in lines)


class _Page:
    """The walk over one page's body: collects header lines, paragraphs, notes and reference marks."""

    def __init__(self, source_key: str) -> None:
        self.source_key = source_key
        self.header_lines: list[str] = []
        self.header = Header()
        self.paragraphs: list[Paragraph] = []
        self.notes: list[Note] = []
        self.leading_headings: list[str] = []
        self.in_notes = False
        self.ref_targets: dict[str, int] = {}  # fragment -> index of the paragraph that references it
        self.anchor_to_note: dict[str, Note] = {}
        self.paragraph_refs: list[list[tuple[str, str]]] = []  # per paragraph: (label, fragment)
        self.seen_names: set[str] = set()
        self.last_was_note = False

    def walk(self, node: LexborNode, quote: bool = False, depth: int = 0) -> None:
        """Visit block elements in order; containers are descended into, leaf blocks emitted.

        Below MAX_DEPTH containers a block is emitted whole, so hostile nesting cannot exhaust the stack.
        """
        deep = depth >= MAX_DEPTH
        for child in node.iter(include_text=False):
            tag = child.tag
            if tag not in CONTAINERS:
                continue
            if tag == "blockquote":
                inner_quote = quote or _is_real_quote(child)
                if not deep and _has_block_child(child):
                    self.walk(child, inner_quote, depth + 1)
                else:
                    self.emit(child, inner_quote)
            elif tag in BLOCKS:
                if not deep and _has_block_child(child):
                    self.walk(child, quote, depth + 1)
                else:
                    self.emit(child, quote)
            elif deep:
                self.emit(child, quote)
            else:
                self.walk(child, quote, depth + 1)

    def emit(self, node: LexborNode, quote: bool) -> None:
        """Turn one leaf block into a header entry, a note, a notes heading or a paragraph."""
        classes = set((node.attributes.get("class") or "").lower().split())
        tag = node.tag
        if "information" in classes and not self.in_notes:
            lines = info_lines(node.html or "")
            if is_header_block(lines) and not self.paragraphs:
                self.header_lines.extend(lines)
                return
            if is_header_block(lines) and all(p.kind in ("heading", "note") for p in self.paragraphs):
                self.header_lines.extend(lines)
                return
        for a in node.css("a[name], [id]"):
            key = a.attributes.get("name") or a.attributes.get("id")
            if key:
                self.seen_names.add(key)
        marks = self._take_marks(node)
        text = _text(node)
        if not text and not marks:
            return
        is_heading = tag in ("h1", "h2", "h3", "h4", "h5", "h6")
        if (is_heading or (tag == "p" and len(text) < 40)) and _NOTES_HEADING.match(text.strip(" .:")):
            self.in_notes = True
            return
        starts_with_mark = bool(marks) and marks[0][3]
        if starts_with_mark and (
            self.in_notes
            or classes & {"information", "endnote", "note", "pagenote", "pagenoteb"}
            or marks[0][1] in self.seen_names
            or marks[0][2] in self.ref_targets
        ):
            self._add_note(marks[0], text, classes, node)
            self.last_was_note = True
            return
        if self.in_notes or (self.last_was_note and "information" in classes):
            if self.notes and text and not is_heading:
                self.notes[-1].text += "\n\n" + text
            return
        self.last_was_note = False
        if not text:
            return
        if _link_share(node, text) >= 0.7 and not quote:
            return  # navigation line: "Contents | Chapter 2"
        kind: ParagraphKind = "text"
        speaker = None
        if is_heading:
            kind = "heading"
            if not any(p.kind != "heading" for p in self.paragraphs):
                self.leading_headings.append(text)
        elif "sig" in classes or "signature" in classes:
            kind = "signature"
        elif classes & {"information", "pagenote", "pagenoteb", "note", "editornote"}:
            kind = "note"
        elif quote or classes & {"quoteb", "quote", "quotec"}:
            kind = "quotation"
            speaker = self._speaker()
        refs = [(label, frag) for label, frag, _name, _start in marks if frag]
        for _label, frag in refs:
            self.ref_targets.setdefault(frag, len(self.paragraphs))
        self.paragraph_refs.append(refs)
        self.paragraphs.append(P.make(text, kind=kind, speaker=speaker))

    def _speaker(self) -> str | None:
        for p in reversed(self.paragraphs[-2:]):
            if p.kind == "quotation":
                return p.speaker
            m = _SPEAKER.search(p.text)
            if m:
                return m.group("who")
            break
        return None

    def _take_marks(self, node: LexborNode) -> list[tuple[str, str, str, bool]]:
        """Remove note marks from the block; return (label, href fragment, own name, at start) for each."""
        found: list[tuple[str, str, str, bool]] = []
        full = _text(node)
        candidates = [
            *node.css("sup"),
            *(a for a in node.css('a[href^="#"], a[name]') if not _inside(a, "sup")),
        ]
        if not candidates:
            return found
        for cand in candidates:
            label_text = _text(cand)
            m = _MARK_TEXT.match(label_text)
            if not m:
                continue
            a = cand if cand.tag == "a" else cand.css_first("a")
            href = (a.attributes.get("href") or "") if a is not None else ""
            own = (a.attributes.get("name") or a.attributes.get("id") or "") if a is not None else ""
            local = href.startswith("#")
            if cand.tag == "a" and not href and not (not found and full.startswith(label_text)):
                continue  # a bare <a name> only counts as the label at the start of a note
            if cand.tag == "sup" and a is None and not (cand.attributes.get("class") or "").endswith("note"):
                continue  # a plain superscript (x², 1st), not a mark
            at_start = not found and full.startswith(label_text)
            found.append((m.group(1), href[1:] if local else "", own, at_start))
            cand.decompose()
        return found

    def _add_note(self, mark: tuple[str, str, str, bool], text: str, classes: set[str], node: LexborNode) -> None:
        label, frag, own, _start = mark
        text = text.strip()
        default_by = "Editor" if node.css_first("sup.ednote") is not None or "ednote" in classes else None
        inote = node.css_first("span.inote")
        by, kind = P.note_author(text, default_by)
        if inote is not None and by is None:
            m = re.search(r"(Engels|Marx|Lenin)", _text(inote))
            by = m.group(1) if m else None
        existing = {n.label for n in self.notes}
        if label in existing:
            label = f"{label}-{sum(1 for n in self.notes if n.label.split('-')[0] == label) + 1}"
        note = Note(label=label, text=text, by=by, kind=kind)
        self.notes.append(note)
        for key in (own, frag):
            if key:
                self.anchor_to_note[key] = note

    def finish(self) -> None:
        """Number paragraphs, resolve marks to notes by anchor, classify letter endings, parse the header."""
        P.classify_tail(self.paragraphs)
        P.number(self.paragraphs)
        by_label = {n.label: n for n in self.notes}
        for p, refs in zip(self.paragraphs, self.paragraph_refs, strict=True):
            for label, frag in refs:
                note = self.anchor_to_note.get(frag) or (by_label.get(label) if frag else None)
                if note is not None and note.label not in p.notes:
                    p.notes.append(note.label)
        P.link_notes(self.paragraphs, self.notes)
        self.header = parse_lines(self.header_lines)

    def words(self) -> int:
        return sum(len(p.text.split()) for p in self.paragraphs if p.kind != "heading")


def _inside(node: LexborNode, tag: str) -> bool:
    parent = node.parent
    for _ in range(4):
        if parent is None:
            return False
        if parent.tag == tag:
            return True
        parent = parent.parent
    return False


def _has_block_child(node: LexborNode) -> bool:
    """Whether a block or container element stands in `node`, directly or inside spans."""
    stack = [node]  # iterative: a page of thousands of nested spans must not exhaust the stack
    while stack:
        for child in stack.pop().iter(include_text=False):
            if child.tag == "span":
                stack.append(child)
            elif child.tag in CONTAINERS:
                return True
    return False


def _is_real_quote(node: LexborNode) -> bool:
    """MIA wraps whole pages in <blockquote> for margins; a quotation holds no headings or rules."""
    return node.css_first("h1, h2, h3, hr, div.border, p.footer, p.information") is None


def _link_share(node: LexborNode, text: str) -> float:
    links = sum(len(_text(a)) for a in node.css("a[href]"))
    return links / max(len(text), 1)


def _author(meta: dict[str, str], title_line: str, page: _Page, source_key: str) -> str:
    """Author from the page's own lines first, then meta, then the archive path; canonical form."""
    for text in (title_line, *page.leading_headings[:2]):
        found = names.find_known(text) if text else None
        if found:
            return found
    meta_author = meta.get("author", "")
    credited = (page.header.fields.get("transcriber") or "").lower()
    if meta_author and meta_author.lower() not in credited:
        joint = names.split_joint(meta_author)
        if names.canonical(joint[0]):
            return names.canonical(joint[0]) or joint[0]
    return (
        names.from_path(source_key)
        or (meta_author.strip() if meta_author and meta_author.lower() not in credited else "")
        or UNKNOWN_AUTHOR
    )


def _title(meta: dict[str, str], page_title: str, title_line: str, headings: list[str], author: str) -> str:
    """meta title, else "Work: chapter" from `p.title` and the first heading, else the heading or <title>."""
    if meta.get("title"):
        return P.squash(meta["title"])
    heads = [h for h in headings if names.canonical(h) != author]
    work = _strip_author(title_line.split(" / ")[-1] if title_line else "", author)
    if heads and work and heads[0].lower() != work.lower() and len(heads[0]) <= 40:
        return f"{work}: {heads[0]}"
    if heads:
        return heads[0]
    return work or _strip_author(page_title, author)


def _strip_author(text: str, author: str) -> str:
    """A title line without a site prefix, the author's full name and a trailing year."""
    text = re.sub(r"^(?:MIA|Marxists Internet Archive|MECW)\s*[:\-–]\s*", "", text)
    if author:
        text = re.sub(rf"[.,:;\-–]?\s*\b{re.escape(author)}\b\s*(?:\d{{4}})?\s*", " ", text)
    text = re.sub(r"\s+\d{4}$", "", text.strip())
    return text.strip(" .,:;-–")


def _drop_leading_repeats(doc: Document) -> None:
    """Leading headings that only repeat the author or the title are page furniture, not text."""
    dropped = False
    while doc.paragraphs and doc.paragraphs[0].kind == "heading":
        head = doc.paragraphs[0].text.lower()
        if head in (doc.title.lower(), doc.author.lower(), (doc.work or "").lower()) or names.canonical(head):
            doc.paragraphs.pop(0)
            dropped = True
            continue
        break
    if dropped:
        P.number(doc.paragraphs)
        for note in doc.notes:
            note.refs = []
        P.link_notes(doc.paragraphs, doc.notes)
