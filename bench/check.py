"""Quote check on real text, labelled by construction: verdict precision/recall, latency, baseline, scaling.

Data: the bundled archive of bench/ingest.py (seed, mia/html, mia/markdown, mia/epub-html,
gutenberg/authors, gutenberg/marxists) ingested into a fresh SQLite database (or `--db PATH` of one
built by `bench/ingest.py --db PATH`), plus the PDNC novels (corpora/attribution/pdnc/data/*/novel_text.txt)
as text that is not in the archive. Items (seeded RNG, `--n` per kind), each with its expected verdict:

  verbatim/sentence      a sentence (>= 6 words, text paragraph, not inside quote marks, in no other
                         author's documents) of author A attributed to A
  verbatim/passage       2-3 consecutive such sentences
  verbatim/normalized    a sentence with case, punctuation, quote marks, apostrophes and spaces changed
  verbatim/truncated     a contiguous sub-span (>= 6 words) of a sentence
  verbatim/ellipsis      two pieces of one passage with 1-8 words between them replaced by an ellipsis
  altered/substituted    1-3 words replaced by other real words (at most one edit per 5 words)
  altered/inserted       1-3 real words inserted
  altered/deleted        1-3 inner words deleted
  altered/ocr            OCR-like character noise in 1-3 words
  spliced                two pieces (>= 6 words each) of different paragraphs of A, joined without an ellipsis
  misattributed          a sentence of A attributed to another author B (expects A in real_authors)
  not_found              a sentence (>= 8 words) of a PDNC novel whose author is not in the archive,
                         attributed to an archive author (sentences the archive holds, even nearly, skipped)
  quoted_from            words A quotes from someone else (a quotation paragraph, or text inside quote
                         marks, of an MIA page) attributed to A: expects misattributed with a match
                         flagged quoted_from

Reported: precision and recall per verdict, accuracy per kind and overall, precision of "found",
verbatim recall, latency p50/p95/p99/max of `Archive.check` in-process; the `check --batch --json` CLI
contract on a sample; the rapidfuzz baseline (`fuzz.partial_ratio_alignment` over the attributed author's
full texts, on a subset); latency on a 10% sample of the corpus against 100%; every misclassified item.

Targets (issue 3): accuracy >= 0.97; precision of found >= 0.99; verbatim recall 1.00; p50 <= 5 ms,
p95 <= 25 ms; >= 50x faster than the baseline; latency at 100% / 10% of the corpus <= 2.

Run:  .venv/bin/python bench/check.py [--db PATH] [--n 100] [--quick] [--out FILE.jsonl]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
PDNC = SHARED / "corpora" / "attribution" / "pdnc" / "data"
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from ingest import FOLDERS, build  # noqa: E402
from rapidfuzz import fuzz, utils  # noqa: E402

from misquote import Archive  # noqa: E402
from misquote import authors as author_names  # noqa: E402
from misquote.archive import walk  # noqa: E402
from misquote.model import Document, Paragraph, Verdict  # noqa: E402
from misquote.text import Token, tokens, words  # noqa: E402

KINDS: dict[str, str] = {
    "verbatim/sentence": "verbatim",
    "verbatim/passage": "verbatim",
    "verbatim/normalized": "verbatim",
    "verbatim/truncated": "verbatim",
    "verbatim/ellipsis": "verbatim",
    "altered/substituted": "altered",
    "altered/inserted": "altered",
    "altered/deleted": "altered",
    "altered/ocr": "altered",
    "spliced": "spliced",
    "misattributed": "misattributed",
    "not_found": "not_found",
    "quoted_from": "misattributed",
}
VERDICTS = ["verbatim", "altered", "spliced", "misattributed", "not_found"]
QUICK_FOLDERS = ["seed", "mia/html", "mia/markdown", "mia/epub-html", "gutenberg/marxists"]
NOT_AUTHORS = {"Unknown", "Various"}
"""Archive 'authors' that are no one's name: never used as A or B."""
MIA_FORMATS = {"mia-html", "markdown"}
TARGETS = {"accuracy": 0.97, "found_precision": 0.99, "verbatim_recall": 1.0, "p50": 5.0, "p95": 25.0,
           "speedup": 50.0, "scaling": 2.0}
BASELINE_THRESHOLD = 90.0
NEAR = 80.0
"""partial_ratio at or above which another passage counts as holding a variant of an item's words."""

DOUBLE_QUOTES = '"“”«»„'
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"”’)]*|$)")
_OCR = [("rn", "m"), ("m", "rn"), ("l", "1"), ("e", "c"), ("o", "0"), ("i", "l"), ("h", "b"), ("cl", "d"),
        ("a", "o"), ("u", "v"), ("n", "h"), ("t", "f")]
ELLIPSES = [" ... ", "…", " [...] ", " . . . ", "... "]


@dataclass
class Item:
    """One labelled quote: what is asked, what the answer should be, and where the words come from."""

    id: str
    kind: str
    quote: str
    author: str
    expected: str
    real_author: str = ""
    source: str = ""


@dataclass
class Outcome:
    """What `Archive.check` answered for one item, and how long it took."""

    item: Item
    verdict: str
    ms: float
    correct: bool
    real_authors: list[str] = field(default_factory=list)
    top: str = ""
    quoted_from: bool = False


# -- the corpus as documents ---------------------------------------------------------------------

@dataclass
class Span:
    """A stretch of one paragraph of one document."""

    doc: Document
    para: Paragraph
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.para.text[self.start : self.end]

    @property
    def where(self) -> str:
        return f"{self.doc.id}#{self.para.anchor}"


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Rough sentence boundaries: runs ending in . ! or ?; an abbreviation only cuts a sentence short."""
    out = []
    for m in _SENTENCE.finditer(text):
        lo, hi = m.start(), m.end()
        while lo < hi and text[lo].isspace():
            lo += 1
        while hi > lo and text[hi - 1].isspace():
            hi -= 1
        if hi > lo:
            out.append((lo, hi))
    return out


def inside_quotes(text: str, start: int) -> bool:
    """True when position `start` of a paragraph stands inside an open quotation mark."""
    before = text[:start]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”") or before.count("«") > before.count("»")


def has_quote_marks(text: str) -> bool:
    """Double quote marks, or single quote marks that are not apostrophes inside a word."""
    if any(c in text for c in DOUBLE_QUOTES) or "‘" in text:
        return True
    return bool(re.search(r"(?<!\w)['’]|['’](?!\w)", text))


def clean_sentence(text: str, min_words: int, max_words: int) -> bool:
    """A sentence usable as a quote: enough words, mostly letters, no brackets, quote marks or digits runs."""
    n = len(words(text))
    if not min_words <= n <= max_words or has_quote_marks(text) or any(c in text for c in "[]{}<>|_*#\n"):
        return False
    letters = sum(c.isalpha() for c in text)
    return letters >= 0.7 * len(text.replace(" ", ""))


def fts_phrase(text: str) -> str:
    """An FTS5 phrase query for the words of `text` (tokenized by SQLite itself, as the index was)."""
    return '"' + " ".join(re.findall(r"\w+", text)) + '"'


class Corpus:
    """The archive's documents, grouped by author, with the look-ups the item builders need."""

    def __init__(self, archive: Archive, rng: random.Random) -> None:
        self.archive = archive
        self.rng = rng
        self.docs: dict[str, Document] = {}
        by_author: dict[str, list[Document]] = defaultdict(list)
        for row in archive.documents():
            doc = archive.document(row["id"])
            if doc is None:
                continue
            self.docs[doc.id] = doc
            by_author[doc.author].append(doc)
        self.by_author = {a: ds for a, ds in sorted(by_author.items()) if a not in NOT_AUTHORS}
        self.text_paras: dict[str, dict[str, list[Paragraph]]] = {}
        for a, ds in self.by_author.items():
            paras = {d.id: [p for p in d.paragraphs if p.kind == "text" and len(p.text) > 40] for d in ds}
            self.text_paras[a] = {i: ps for i, ps in paras.items() if ps}
        self.authors = [a for a, ps in self.text_paras.items() if ps]
        self.pool: list[str] = []

    def hits(self, text: str) -> list[Any]:
        """Every passage of the archive holding the words of `text` as a phrase (FTS5, independent of check)."""
        return self.archive.search(fts_phrase(text), raw=True, limit=1000)

    def near(self, text: str, threshold: float = NEAR) -> list[Any]:
        """Passages holding `text` or a close variant: any 5-word phrase of it in common (FTS5), then a
        rapidfuzz partial_ratio >= `threshold` (catches what FTS5 tokenizes differently, e.g. "æsthetic")."""
        ws = re.findall(r"\w+", text)
        # every third 5-word phrase: a variant with a few words changed still shares one, at a third the cost
        grams = dict.fromkeys(" ".join(ws[i : i + 5]) for i in range(0, max(1, len(ws) - 4), 3))
        found = self.archive.search(" OR ".join(f'"{g}"' for g in grams), raw=True, limit=100)
        norm = utils.default_process(text)
        return [h for h in found if fuzz.partial_ratio(norm, utils.default_process(h.text)) >= threshold]

    def only_by(self, text: str, author: str) -> bool:
        """True when the words of `text`, and any close variant of them, stand only in documents of `author`."""
        found = self.hits(text)
        if not found or any(h.author != author for h in found):
            return False
        return all(h.author == author for h in self.near(text))

    def kind_of(self, doc_id: str, anchor: str) -> str:
        if anchor.startswith("note-"):
            return "note"
        doc = self.docs.get(doc_id)
        if doc is None:
            return "text"
        try:
            return doc.paragraph(anchor).kind
        except KeyError:
            return "text"

    def random_paragraph(self, author: str | None = None) -> tuple[str, Document, Paragraph]:
        """Author uniformly at random, then one of their documents, then one of its text paragraphs."""
        author = author or self.rng.choice(self.authors)
        doc_id = self.rng.choice(sorted(self.text_paras[author]))
        return author, self.docs[doc_id], self.rng.choice(self.text_paras[author][doc_id])

    def sentence(self, author: str | None = None, min_words: int = 6, max_words: int = 50,
                 count: int = 1, tries: int = 200) -> tuple[str, Span] | None:
        """`count` consecutive clean sentences of one paragraph, found in no other author's documents."""
        for _ in range(tries):
            who, doc, para = self.random_paragraph(author)
            spans = sentence_spans(para.text)
            if len(spans) < count:
                continue
            i = self.rng.randrange(len(spans) - count + 1)
            group = spans[i : i + count]
            if not all(clean_sentence(para.text[lo:hi], 1 if count > 1 else min_words, max_words)
                       for lo, hi in group):
                continue
            span = Span(doc, para, group[0][0], group[-1][1])
            n = len(words(span.text))
            if n < min_words or n > max_words * count or inside_quotes(para.text, span.start):
                continue
            if not self.only_by(span.text, who):
                continue
            self.pool += [w for w in re.findall(r"[A-Za-z]{3,}", span.text)][:3]
            return who, span
        return None

    def other_author(self, author: str) -> str:
        """Someone else (a different surname, so that no name form of one can mean the other)."""
        surname = author_names.name_words(author)[-1]
        while True:
            other = self.rng.choice(self.authors)
            if author_names.name_words(other)[-1] != surname:
                return other


def cut(text: str, toks: list[Token], i: int, j: int) -> str:
    """The original text of tokens [i, j)."""
    return text[toks[i].start : toks[j - 1].end]


def follows_in(seq: list[str], para_words: list[str]) -> bool:
    """True when the word sequence stands contiguously in the paragraph's words."""
    n = len(seq)
    return any(para_words[k : k + n] == seq for k in range(len(para_words) - n + 1))


# -- the item builders ---------------------------------------------------------------------------

Builder = Callable[["Corpus", random.Random], "Item | None"]


def b_sentence(c: Corpus, rng: random.Random) -> Item | None:
    found = c.sentence()
    if not found:
        return None
    who, span = found
    return Item("", "verbatim/sentence", span.text, who, "verbatim", who, span.where)


def b_passage(c: Corpus, rng: random.Random) -> Item | None:
    found = c.sentence(count=rng.choice([2, 3]), min_words=12, max_words=40)
    if not found:
        return None
    who, span = found
    return Item("", "verbatim/passage", span.text, who, "verbatim", who, span.where)


def normalize_surface(text: str, rng: random.Random) -> str:
    """The same words with case, punctuation between words, quote marks, apostrophes and spaces changed."""
    out = text
    change = rng.choice(["upper", "lower", "title", "swap"])
    if change == "upper":
        out = out.upper()
    elif change == "lower":
        out = out.lower()
    elif change == "title":
        out = out.title()
    else:
        out = "".join(ch.swapcase() if rng.random() < 0.3 else ch for ch in out)
    # punctuation that stands next to a space (never inside a word, where dropping it would join words)
    out = re.sub(r"[,;:](?=\s)", lambda m: rng.choice(["", ",", ";", " -", ""]), out)
    out = re.sub(r"[.!?]+$", rng.choice(["", ".", "!", "?"]), out)
    out = out.replace("'", "’") if rng.random() < 0.5 else out.replace("’", "'")
    out = re.sub(r" ", lambda m: rng.choice([" ", "  ", "\n", " \t"]) if rng.random() < 0.3 else " ", out)
    opening, closing = rng.choice([('"', '"'), ("“", "”"), ("«\u00a0", "\u00a0»"), ("'", "'"), ("", "")])
    return f"  {opening}{out}{closing} "


def b_normalized(c: Corpus, rng: random.Random) -> Item | None:
    found = c.sentence()
    if not found:
        return None
    who, span = found
    return Item("", "verbatim/normalized", normalize_surface(span.text, rng), who, "verbatim", who, span.where)


def b_truncated(c: Corpus, rng: random.Random) -> Item | None:
    for _ in range(20):
        found = c.sentence(min_words=10)
        if not found:
            return None
        who, span = found
        toks = tokens(span.text)
        n = len(toks)
        length = rng.randint(6, n - 1)
        i = rng.randint(0, n - length)
        text = cut(span.text, toks, i, i + length)
        if c.only_by(text, who):
            return Item("", "verbatim/truncated", text, who, "verbatim", who, span.where)
    return None


def b_ellipsis(c: Corpus, rng: random.Random) -> Item | None:
    found = c.sentence(min_words=16, count=rng.choice([1, 1, 2]))
    if not found:
        return None
    who, span = found
    toks = tokens(span.text)
    n = len(toks)
    gap = rng.randint(1, min(8, n - 12))
    i = rng.randint(5, n - 6 - gap)
    k = rng.randint(i + gap + 6, n) if i + gap + 6 < n else n
    text = cut(span.text, toks, 0 if rng.random() < 0.5 else rng.randint(0, 1), i)
    text = text + rng.choice(ELLIPSES) + cut(span.text, toks, i + gap, k)
    return Item("", "verbatim/ellipsis", text, who, "verbatim", who, span.where)


Edit = Callable[[str, list[Token], int], str | None]
"""(sentence, its tokens, how many edits) -> the edited sentence, or None to try another."""


def _altered(c: Corpus, rng: random.Random, kind: str, edit: Edit) -> Item | None:
    for _ in range(20):
        found = c.sentence(min_words=10)
        if not found:
            return None
        who, span = found
        toks = tokens(span.text)
        k = rng.randint(1, min(3, len(toks) // 5))
        text = edit(span.text, toks, k)
        if text is None:
            continue
        new = words(text)
        if follows_in(new, words(span.para.text)) or c.hits(text):
            continue
        return Item("", kind, text, who, "altered", who, span.where)
    return None


def _replace(text: str, toks: list[Token], changes: dict[int, str]) -> str:
    out, last = [], 0
    for i in sorted(changes):
        out += [text[last : toks[i].start], changes[i]]
        last = toks[i].end
    return "".join([*out, text[last:]])


def b_substituted(c: Corpus, rng: random.Random) -> Item | None:
    def edit(text: str, toks: list[Token], k: int) -> str | None:
        at = rng.sample(range(len(toks)), k)
        changes = {}
        for i in at:
            word = rng.choice(c.pool or ["nothing"])
            if word.lower() == toks[i].norm:
                return None
            original = text[toks[i].start : toks[i].end]
            changes[i] = word.capitalize() if original[:1].isupper() else word.lower()
        return _replace(text, toks, changes)

    return _altered(c, rng, "altered/substituted", edit)


def b_inserted(c: Corpus, rng: random.Random) -> Item | None:
    def edit(text: str, toks: list[Token], k: int) -> str | None:
        at = rng.sample(range(1, len(toks)), k)
        return _replace(text, toks, {i: rng.choice(c.pool or ["very"]).lower() + " " + text[toks[i].start : toks[i].end]
                                     for i in at})

    return _altered(c, rng, "altered/inserted", edit)


def b_deleted(c: Corpus, rng: random.Random) -> Item | None:
    def edit(text: str, toks: list[Token], k: int) -> str | None:
        at = sorted(rng.sample(range(1, len(toks) - 1), k))
        keep = [i for i in range(len(toks)) if i not in at]
        return " ".join(text[toks[i].start : toks[i].end] for i in keep)

    return _altered(c, rng, "altered/deleted", edit)


def ocr_noise(word: str, rng: random.Random) -> str:
    """One or two OCR-like character confusions in a word."""
    out = word
    for _ in range(rng.choice([1, 1, 2])):
        options = [(a, b) for a, b in _OCR if a in out]
        if options:
            a, b = rng.choice(options)
            spots = [m.start() for m in re.finditer(re.escape(a), out)]
            at = rng.choice(spots)
            out = out[:at] + b + out[at + len(a) :]
        else:
            at = rng.randrange(len(out))
            out = out[:at] + rng.choice("aeinorstl") + out[at + 1 :]
    return out


def b_ocr(c: Corpus, rng: random.Random) -> Item | None:
    def edit(text: str, toks: list[Token], k: int) -> str | None:
        long = [i for i, t in enumerate(toks) if len(t.norm) >= 4]
        if len(long) < k:
            return None
        changes = {i: ocr_noise(text[toks[i].start : toks[i].end], rng) for i in rng.sample(long, k)}
        return _replace(text, toks, changes)

    return _altered(c, rng, "altered/ocr", edit)


def b_spliced(c: Corpus, rng: random.Random) -> Item | None:
    for _ in range(30):
        first = c.sentence(min_words=8)
        if not first:
            return None
        who, a = first
        second = c.sentence(author=who, min_words=8)
        if not second:
            continue
        b = second[1]
        if a.doc.id == b.doc.id and abs(a.doc.paragraphs.index(a.para) - b.doc.paragraphs.index(b.para)) < 3:
            continue
        pieces = []
        for span in (a, b):
            toks = tokens(span.text)
            length = rng.randint(6, min(12, len(toks)))
            i = rng.randint(0, len(toks) - length)
            pieces.append(cut(span.text, toks, i, i + length))
        if not all(c.only_by(p, who) for p in pieces):
            continue
        text = f"{pieces[0]} {pieces[1]}"
        if c.hits(text):
            continue
        return Item("", "spliced", text, who, "spliced", who, f"{a.where} + {b.where}")
    return None


def b_misattributed(c: Corpus, rng: random.Random) -> Item | None:
    found = c.sentence()
    if not found:
        return None
    who, span = found
    return Item("", "misattributed", span.text, c.other_author(who), "misattributed", who, span.where)


NOVELISTS = {
    "APassageToIndia": "E. M. Forster", "ARoomWithAView": "E. M. Forster", "HowardsEnd": "E. M. Forster",
    "WhereAngelsFearToTread": "E. M. Forster", "AlicesAdventuresInWonderland": "Lewis Carroll",
    "AnneOfGreenGables": "L. M. Montgomery", "DaisyMiller": "Henry James", "HardTimes": "Charles Dickens",
    "MansfieldPark": "Jane Austen", "NorthangerAbbey": "Jane Austen", "Persuasion": "Jane Austen",
    "PrideAndPrejudice": "Jane Austen", "SenseAndSensibility": "Jane Austen", "NightAndDay": "Virginia Woolf",
    "TheAwakening": "Kate Chopin", "TheGambler": "Fyodor Dostoevsky", "TheInvisibleMan": "H. G. Wells",
    "TheManWhoWasThursday": "G. K. Chesterton", "TheMysteriousAffairAtStyles": "Agatha Christie",
    "TheSportOfTheGods": "Paul Laurence Dunbar", "TheSunAlsoRises": "Ernest Hemingway", "WinnieThePooh": "A. A. Milne",
}
"""PDNC folder -> author (PDNC-Author-Index.csv is not staged and most novel_text.txt files have no Author line)."""


class Novels:
    """Sentences of the PDNC novels whose authors are not in the archive."""

    def __init__(self, known: list[str]) -> None:
        self.sentences: list[tuple[str, str]] = []
        self.used: list[str] = []
        self.excluded: list[str] = []
        initials = {(w[-1], w[0][0]) for w in map(author_names.name_words, known) if w}
        for path in sorted(PDNC.glob("*/novel_text.txt")):
            text = path.read_text(encoding="utf-8", errors="replace")
            m = re.search(r"^Author:[ \t]*(.+)$", text[:2000], re.MULTILINE)
            writer = m.group(1).strip() if m else NOVELISTS.get(path.parent.name, "")
            # the archive's own name matching, and a plain same-surname-and-initial check besides
            name = author_names.name_words(writer)
            if not name or author_names.resolve(writer, known) or (name[-1], name[0][0]) in initials:
                self.excluded.append(f"{path.parent.name} ({writer or 'author unknown'})")
                continue
            self.used.append(path.parent.name)
            body = text[m.end() :] if m else text
            for block in re.split(r"\n\s*\n", body):
                para = " ".join(block.split())
                for lo, hi in sentence_spans(para):
                    s = para[lo:hi]
                    if clean_sentence(s, 8, 50) and not s.isupper():
                        self.sentences.append((path.parent.name, s))


def b_not_found(c: Corpus, rng: random.Random, novels: Novels) -> Item | None:
    for _ in range(50):
        novel, s = rng.choice(novels.sentences)
        if c.near(s, threshold=75):
            continue
        return Item("", "not_found", s, rng.choice(c.authors), "not_found", "", f"pdnc:{novel}")
    return None


def b_quoted_from(c: Corpus, rng: random.Random) -> Item | None:
    mia = [d for d in c.docs.values() if d.format in MIA_FORMATS and d.author in c.by_author]
    blocks = [(d, p) for d in mia for p in d.paragraphs if p.kind == "quotation" and len(words(p.text)) >= 6]
    for _ in range(200):
        if blocks and rng.random() < 0.5:
            doc, para = rng.choice(blocks)
            spans = sentence_spans(para.text)
            lo, hi = rng.choice(spans)
            text = para.text[lo:hi].strip(DOUBLE_QUOTES + " ")
        else:
            doc = rng.choice(mia)
            texts = [p for p in doc.paragraphs if p.kind == "text" and ("“" in p.text or '"' in p.text)]
            if not texts:
                continue
            para = rng.choice(texts)
            inner = [m.group(1) for m in re.finditer(r"“([^“”]+)”", para.text)]
            inner += [m.group(1) for m in re.finditer(r'"([^"]+)"', para.text)]
            if not inner:
                continue
            quoted = rng.choice(inner)
            spans = sentence_spans(quoted)
            lo, hi = rng.choice(spans)
            text = quoted[lo:hi]
        if not clean_sentence(text, 6, 50):
            continue
        # skip words that A also wrote (or nearly) in their own voice elsewhere: then A did write them
        own = [h for h in [*c.hits(text), *c.near(text)] if h.author == doc.author]
        if not own or any(c.kind_of(h.document_id, h.paragraph) == "text"
                          and (h.document_id, h.paragraph) != (doc.id, para.anchor) for h in own):
            continue
        return Item("", "quoted_from", text, doc.author, "misattributed", "", f"{doc.id}#{para.anchor}")
    return None


def build_items(archive: Archive, n: int, seed: int) -> tuple[list[Item], Corpus, Novels]:
    """`n` items of every kind, reproducibly from `seed`."""
    rng = random.Random(seed)
    corpus = Corpus(archive, rng)
    novels = Novels([a["name"] for a in archive.authors()])
    builders: dict[str, Callable[[], Item | None]] = {
        "verbatim/sentence": lambda: b_sentence(corpus, rng),
        "verbatim/passage": lambda: b_passage(corpus, rng),
        "verbatim/normalized": lambda: b_normalized(corpus, rng),
        "verbatim/truncated": lambda: b_truncated(corpus, rng),
        "verbatim/ellipsis": lambda: b_ellipsis(corpus, rng),
        "altered/substituted": lambda: b_substituted(corpus, rng),
        "altered/inserted": lambda: b_inserted(corpus, rng),
        "altered/deleted": lambda: b_deleted(corpus, rng),
        "altered/ocr": lambda: b_ocr(corpus, rng),
        "spliced": lambda: b_spliced(corpus, rng),
        "misattributed": lambda: b_misattributed(corpus, rng),
        "not_found": lambda: b_not_found(corpus, rng, novels),
        "quoted_from": lambda: b_quoted_from(corpus, rng),
    }
    for _ in range(30):  # a vocabulary of real words for substitutions and insertions
        corpus.sentence()
    items: list[Item] = []
    seen: set[tuple[str, str]] = set()
    for kind, make in builders.items():
        made, tries = 0, 0
        while made < n and tries < n * 5:
            tries += 1
            item = make()
            if item is None or (item.quote, item.author) in seen:
                continue
            seen.add((item.quote, item.author))
            item.id = f"{kind}-{made:03d}"
            items.append(item)
            made += 1
    return items, corpus, novels


# -- running and scoring -------------------------------------------------------------------------

def is_correct(item: Item, v: Verdict) -> bool:
    """The verdict is the expected one (and names the real author, or flags the quotation)."""
    if v.verdict != item.expected:
        return False
    if item.kind == "misattributed":
        return item.real_author in v.real_authors
    if item.kind == "quoted_from":
        return any(m.quoted_from for m in v.matches)
    return True


def describe(v: Verdict) -> str:
    if not v.matches:
        return "(no match)"
    m = v.matches[0]
    flag = f" quoted_from={m.quoted_from!r}" if m.quoted_from else ""
    text = " ".join(m.text.split())
    return (f"{m.author} | {m.document_id}#{m.paragraph} | id={m.identity:.2f} cov={m.coverage:.2f}{flag} | "
            f"{text[:160]}")


def run_checks(archive: Archive, items: Sequence[Item]) -> list[Outcome]:
    """Every item through `Archive.check`, timed; a warm-up of a few items first."""
    for item in items[:: max(1, len(items) // 10)]:
        archive.check(item.quote, item.author)
    out: list[Outcome] = []
    for item in items:
        start = time.perf_counter()
        v = archive.check(item.quote, item.author)
        ms = (time.perf_counter() - start) * 1000
        out.append(Outcome(item, v.verdict, ms, is_correct(item, v), list(v.real_authors), describe(v),
                           any(m.quoted_from for m in v.matches)))
    return out


def latencies(archive: Archive, items: Sequence[Item]) -> list[float]:
    """Milliseconds per check, after a warm-up pass over a tenth of the items."""
    for item in items[:: 10]:
        archive.check(item.quote, item.author)
    out = []
    for item in items:
        start = time.perf_counter()
        archive.check(item.quote, item.author)
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def per_verdict(pairs: Iterable[tuple[str, str]]) -> dict[str, tuple[float, float, int, int]]:
    """Precision, recall, support and predicted count per verdict from (expected, got) pairs."""
    pairs = list(pairs)
    out = {}
    for v in VERDICTS:
        tp = sum(1 for e, g in pairs if e == v and g == v)
        support = sum(1 for e, _ in pairs if e == v)
        predicted = sum(1 for _, g in pairs if g == v)
        out[v] = (tp / predicted if predicted else float("nan"), tp / support if support else float("nan"),
                  support, predicted)
    return out


def baseline(corpus: Corpus, items: Sequence[Item]) -> tuple[list[str], list[float]]:
    """rapidfuzz partial_ratio_alignment of the quote over each of the attributed author's full texts."""
    texts: dict[str, list[str]] = {}
    verdicts, times = [], []
    for item in items:
        if item.author not in texts:  # preprocessing the corpus is the baseline's "index": not timed
            texts[item.author] = [utils.default_process(d.text) for d in corpus.by_author.get(item.author, [])]
        start = time.perf_counter()
        q = utils.default_process(item.quote)
        best = max((fuzz.partial_ratio_alignment(q, t).score for t in texts[item.author]), default=0.0)
        times.append((time.perf_counter() - start) * 1000)
        verdicts.append("not_found" if best < BASELINE_THRESHOLD else "verbatim" if best >= 100 else "altered")
    return verdicts, times


def cli_contract(db: str, items: Sequence[Item], outcomes: dict[str, Outcome]) -> str:
    """`misquote check --batch FILE --json` on a sample plus one malformed line: one line out per line in."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as f:
        lines = [json.dumps({"id": it.id, "quote": it.quote, "author": it.author}) for it in items]
        lines.insert(len(lines) // 2, '{"id": "malformed", "quote": 42}')
        f.write("\n".join(lines) + "\n")
        path = f.name
    try:
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "misquote.cli", "check", "--batch", path, "--json", "--db", db],
                             capture_output=True, text=True, cwd=ROOT, check=False)
        seconds = time.perf_counter() - start
    finally:
        os.unlink(path)
    out = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    ids_in = [json.loads(line)["id"] for line in lines]
    problems = []
    if run.returncode != 0:
        problems.append(f"exit code {run.returncode}: {run.stderr.strip()[-300:]}")
    if len(out) != len(lines):
        problems.append(f"{len(out)} output lines for {len(lines)} input lines")
    if [o.get("id") for o in out] != ids_in:
        problems.append("ids or order differ")
    bad = next((o for o in out if o.get("id") == "malformed"), {})
    if "error" not in bad:
        problems.append("the malformed line did not get an error object")
    differ = [o["id"] for o in out if o.get("id") in outcomes and o.get("verdict") != outcomes[o["id"]].verdict]
    if differ:
        problems.append(f"verdicts differ from the in-process run for {differ[:5]}")
    status = "OK" if not problems else "FAILED: " + "; ".join(problems)
    return (f"{status} ({len(lines)} lines in, {len(out)} out, same ids and order, malformed line -> "
            f"{bad.get('error', '?')!r}; {seconds:.1f} s including start-up)")


def sample_files(names: Sequence[str], fraction: float, rng: random.Random) -> list[Path]:
    """Files of each folder, shuffled, taken until they reach `fraction` of the folder's bytes."""
    chosen: list[Path] = []
    for name in names:
        files, _ = walk([FOLDERS[name]])
        rng.shuffle(files)
        total = sum(f.stat().st_size for f in files)
        size = 0
        for f in files:
            if size >= fraction * total:
                break
            chosen.append(f)
            size += f.stat().st_size
    return chosen


# -- printing ------------------------------------------------------------------------------------

def mark(ok: bool) -> str:
    return "met" if ok else "NOT met"


def report(outcomes: list[Outcome], base: tuple[list[Item], list[str], list[float]] | None) -> dict[str, float]:
    """Print the accuracy tables; return the headline figures."""
    print("\naccuracy per kind (strict: right verdict, and the real author named / the quotation flagged)")
    print(f"  {'kind':<22} {'items':>5} {'right':>5} {'acc':>6}   got")
    for kind in KINDS:
        group = [o for o in outcomes if o.item.kind == kind]
        if not group:
            continue
        right = sum(o.correct for o in group)
        got = Counter(o.verdict for o in group)
        print(f"  {kind:<22} {len(group):>5} {right:>5} {right / len(group):>6.3f}   "
              + ", ".join(f"{v} {c}" for v, c in got.most_common()))
    pv = per_verdict((o.item.expected, o.verdict) for o in outcomes)
    print(f"\nper verdict   {'precision':>9} {'recall':>7} {'expected':>8} {'answered':>8}")
    for v, (p, r, support, predicted) in pv.items():
        print(f"  {v:<13} {p:>9.3f} {r:>7.3f} {support:>8} {predicted:>8}")
    print("\nconfusion (rows expected, columns answered)")
    answered = sorted({o.verdict for o in outcomes} | set(VERDICTS), key=lambda v: (v not in VERDICTS, v))
    print("  " + " " * 14 + "".join(f"{v[:12]:>13}" for v in answered))
    for e in VERDICTS:
        row = Counter(o.verdict for o in outcomes if o.item.expected == e)
        print(f"  {e:<14}" + "".join(f"{row[v]:>13}" for v in answered))
    acc = sum(o.correct for o in outcomes) / len(outcomes)
    found = [o for o in outcomes if o.verdict != "not_found"]
    found_p = sum(o.item.expected != "not_found" for o in found) / len(found) if found else float("nan")
    vb = pv["verbatim"][1]
    ms = [o.ms for o in outcomes]
    figures = {"accuracy": acc, "found_precision": found_p, "verbatim_recall": vb,
               "p50": pct(ms, 0.5), "p95": pct(ms, 0.95), "p99": pct(ms, 0.99), "max": max(ms)}
    print("\nheadline                 misquote      target")
    print(f"  overall accuracy       {acc:>8.3f}      >= {TARGETS['accuracy']:.2f}  {mark(acc >= TARGETS['accuracy'])}")
    print(f"  precision of found     {found_p:>8.3f}      >= {TARGETS['found_precision']:.2f}  "
          f"{mark(found_p >= TARGETS['found_precision'])}")
    print(f"  verbatim recall        {vb:>8.3f}      =  1.00  {mark(vb >= 1.0)}")
    print(f"  latency p50            {figures['p50']:>8.1f} ms   <= {TARGETS['p50']:.0f} ms  "
          f"{mark(figures['p50'] <= TARGETS['p50'])}")
    print(f"  latency p95            {figures['p95']:>8.1f} ms   <= {TARGETS['p95']:.0f} ms "
          f"{mark(figures['p95'] <= TARGETS['p95'])}")
    print(f"  latency p99 / max      {figures['p99']:>8.1f} / {figures['max']:.1f} ms")
    if base is not None:
        items, verdicts, times = base
        mine = {o.item.id: o for o in outcomes}
        right = sum(v == it.expected for it, v in zip(items, verdicts, strict=True))
        mine_right = sum(mine[it.id].correct for it in items)
        mine_ms = [mine[it.id].ms for it in items]
        speed = pct(times, 0.5) / pct(mine_ms, 0.5)
        speed_mean = (sum(times) / len(times)) / (sum(mine_ms) / len(mine_ms))
        figures["speedup"] = speed
        per_kind = Counter(it.kind for it in items)
        print(f"\nbaseline: rapidfuzz fuzz.partial_ratio_alignment over the attributed author's full texts, "
              f"score >= {BASELINE_THRESHOLD:.0f} -> verbatim if 100 else altered, else not_found;")
        print(f"  on a subset of {len(items)} items ({min(per_kind.values())}-{max(per_kind.values())} per kind); "
              "it cannot answer spliced or misattributed (those items count as wrong for it)")
        print(f"  {'':<22} {'accuracy':>8} {'p50 ms':>9} {'p95 ms':>9}")
        print(f"  {'rapidfuzz baseline':<22} {right / len(items):>8.3f} {pct(times, 0.5):>9.1f} "
              f"{pct(times, 0.95):>9.1f}")
        print(f"  {'misquote (same items)':<22} {mine_right / len(items):>8.3f} {pct(mine_ms, 0.5):>9.1f} "
              f"{pct(mine_ms, 0.95):>9.1f}")
        print(f"  {'mean ms':<22} baseline {sum(times) / len(times):.1f}, misquote {sum(mine_ms) / len(mine_ms):.1f}")
        print(f"  speed-up at p50: {speed:.1f}x, of the mean: {speed_mean:.1f}x (target >= {TARGETS['speedup']:.0f}x "
              f"at p50: {mark(speed >= TARGETS['speedup'])})")
        bk = per_verdict((it.expected, v) for it, v in zip(items, verdicts, strict=True))
        print("  baseline recall per verdict: " + ", ".join(f"{v} {r:.2f}" for v, (_, r, s, _) in bk.items() if s))
    return figures


def print_misses(outcomes: list[Outcome]) -> None:
    misses = [o for o in outcomes if not o.correct]
    print(f"\nmisclassified items ({len(misses)} of {len(outcomes)})")
    for kind in KINDS:
        group = [o for o in misses if o.item.kind == kind]
        if not group:
            continue
        print(f"\n[{kind}] {len(group)} wrong")
        for o in group:
            it = o.item
            extra = f" real_authors={o.real_authors}" if o.verdict == "misattributed" else ""
            print(f"  - {it.id} | author={it.author!r} | expected {it.expected}"
                  f"{' (real: ' + it.real_author + ')' if it.kind == 'misattributed' else ''} | got {o.verdict}{extra}"
                  f" | {o.ms:.0f} ms")
            print(f"    quote:  {' '.join(it.quote.split())!r}")
            print(f"    source: {it.source}")
            print(f"    top:    {o.top}")


# -- main ----------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an archive built by bench/ingest.py --db (default: build a fresh one)")
    parser.add_argument("--n", type=int, default=None, help="items per kind (default 100; 25 with --quick)")
    parser.add_argument("--baseline-n", type=int, default=None, help="baseline items per kind (default 15; 4 quick)")
    parser.add_argument("--cli-n", type=int, default=60, help="items sent through the CLI batch contract")
    parser.add_argument("--seed", type=int, default=1961)
    parser.add_argument("--quick", action="store_true",
                        help="fewer items; without --db, ingest the MIA folders only (no gutenberg/authors)")
    parser.add_argument("--no-scaling", action="store_true", help="skip the 10%% corpus comparison")
    parser.add_argument("--out", type=Path, help="write every item with its outcome here (JSONL)")
    args = parser.parse_args()
    n = args.n or (25 if args.quick else 100)
    base_n = args.baseline_n if args.baseline_n is not None else (4 if args.quick else 15)
    started = time.perf_counter()

    tmp = tempfile.TemporaryDirectory(prefix="misquote-bench-check-")
    folders = QUICK_FOLDERS if args.quick and not args.db else list(FOLDERS)
    try:
        if args.db:
            db = str(args.db)
            if not args.db.exists():
                sys.exit(f"no database at {db}: build one with bench/ingest.py --db {db}")
            print(f"database: {db} (given; built by bench/ingest.py)")
        else:
            db = str(Path(tmp.name) / "full.db")
            t = time.perf_counter()
            results = build(db, folders)
            mb = sum(r.mb for r in results)
            print(f"database: fresh, {', '.join(folders)}: {sum(r.added for r in results)} documents, "
                  f"{mb:.1f} MB ingested in {time.perf_counter() - t:.0f} s")
        with Archive(db) as archive:
            stats = archive.stats()
            print(f"archive: {stats.documents} documents, {stats.authors} authors, {stats.words:,} words")
            t = time.perf_counter()
            items, corpus, novels = build_items(archive, n, args.seed)
            print(f"items: {len(items)} ({n} per kind asked, seed {args.seed}) built in "
                  f"{time.perf_counter() - t:.0f} s; "
                  f"from {len(corpus.authors)} authors (A chosen uniformly, then a document, then a paragraph)")
            short = {k: c for k, c in Counter(it.kind for it in items).items() if c < n}
            if short:
                print(f"  kinds with fewer items than asked: {short}")
            print(f"  not_found from {len(novels.used)} PDNC novels; excluded (author in the archive): "
                  f"{', '.join(novels.excluded) or 'none'}")
            sources = Counter(corpus.docs[it.source.split("#")[0]].format if not it.source.startswith("pdnc")
                              else "pdnc" for it in items)
            print(f"  items by source format: {dict(sources)}")

            # the bench holds every document in memory; keep the collector from scanning it during timing
            gc.collect()
            gc.freeze()
            outcomes = run_checks(archive, items)
            by_kind: dict[str, list[Item]] = defaultdict(list)
            for it in items:
                by_kind[it.kind].append(it)
            base_items = [it for kind in KINDS for it in by_kind[kind][:base_n]]
            base = None
            if base_items:
                t = time.perf_counter()
                verdicts, times = baseline(corpus, base_items)
                base = (base_items, verdicts, times)
                print(f"baseline ran in {time.perf_counter() - t:.0f} s")
            figures = report(outcomes, base)

            mine = {o.item.id: o for o in outcomes}
            sample = items[:: max(1, len(items) // args.cli_n)][: args.cli_n]
            print(f"\nCLI contract, misquote check --batch FILE --json: {cli_contract(db, sample, mine)}")

        if not args.no_scaling:
            names = [f for f in folders]
            small_db = str(Path(tmp.name) / "ten.db")
            files = sample_files(names, 0.10, random.Random(args.seed))
            t = time.perf_counter()
            with Archive(small_db) as small:
                small.ingest(files)
                small_stats = small.stats()
                small_authors = {a["name"] for a in small.authors()}
                subset = [it for it in items if it.author in small_authors]
                small_ms = latencies(small, subset)
            with Archive(db) as archive:
                full_ms = latencies(archive, subset)
            ratio50 = pct(full_ms, 0.5) / pct(small_ms, 0.5)
            ratio95 = pct(full_ms, 0.95) / pct(small_ms, 0.95)
            print(f"\nscaling: a {100 * small_stats.words / stats.words:.0f}% sample (by words; {len(files)} files "
                  f"of {', '.join(names)}, {small_stats.documents} documents, {small_stats.words:,} words; "
                  f"built in {time.perf_counter() - t:.0f} s) against 100%, on the {len(subset)} items whose "
                  "author is in both")
            print(f"  {'':<10} {'p50 ms':>8} {'p95 ms':>8}")
            print(f"  {'10%':<10} {pct(small_ms, 0.5):>8.1f} {pct(small_ms, 0.95):>8.1f}")
            print(f"  {'100%':<10} {pct(full_ms, 0.5):>8.1f} {pct(full_ms, 0.95):>8.1f}")
            print(f"  ratio      {ratio50:>8.2f} {ratio95:>8.2f}   target <= {TARGETS['scaling']:.0f}: "
                  f"{mark(max(ratio50, ratio95) <= TARGETS['scaling'])}")
            figures["scaling"] = max(ratio50, ratio95)

        print_misses(outcomes)
        if args.out:
            with args.out.open("w", encoding="utf-8") as f:
                for o in outcomes:
                    f.write(json.dumps({**o.item.__dict__, "got": o.verdict, "correct": o.correct, "ms": round(o.ms, 2),
                                        "real_authors": o.real_authors, "top": o.top}, ensure_ascii=False) + "\n")
            print(f"\nevery item and outcome: {args.out}")
        print(f"\ntotal run time: {time.perf_counter() - started:.0f} s; load average {os.getloadavg()[0]:.1f} "
              f"on {os.cpu_count()} cores")
    finally:
        tmp.cleanup()


if __name__ == "__main__":
    main()
