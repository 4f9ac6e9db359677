"""Quote check: did this person write these words? Verdict rules and the evidence behind them.

The rules (DESIGN.md, "Verdicts"), in the order they are applied:
1. `disputed`      a recorded correction says the person denied these words.
2. `verbatim`      every word is in the person's own text, in order; ellipses may join fragments
                   of one passage; bracketed editorial insertions are ignored.
3. `spliced`       two or more fragments, each the person's, from different places, joined without
                   an ellipsis.
4. `altered`       close to the person's own text: >= 75% identity over >= 80% of the quote.
5. `misattributed` found (verbatim or altered) only in someone else's words: another author's
                   document, or a quotation, blockquote or editor's note inside the person's own.
6. `not_found`     nothing adequate; the closest passages are still listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from misquote import authors as author_names
from misquote.align import Alignment, local_align
from misquote.errors import QueryError
from misquote.index import PostingCache, Window, candidates
from misquote.model import UNKNOWN_AUTHOR, Dispute, Document, Match, Verdict
from misquote.text import Token, clean_text, split_ellipsis, strip_editorial, tokens, tokens_between

if TYPE_CHECKING:
    from misquote.store import DocRow, PassageRow, Store

MIN_WORDS = 3
MAX_QUOTE_CHARS = 20_000
# 0.75 identity over 0.8 coverage: DESIGN.md's "altered" line; below it the bench's altered and
# not_found items start to overlap.
ALTERED_IDENTITY = 0.75
ALTERED_COVERAGE = 0.8
# An ellipsis may skip words of one passage, not jump across a book.
MAX_ELLIPSIS_GAP = 1500
FRAGMENT_MIN_WORDS = 3
_QUOTE_MARKS = re.compile('["“”«»„‹›‘’]|\'\'|^\\s*[—–-]')


@dataclass
class Hit:
    """An alignment of (part of) the quote against one place in one document."""

    row: DocRow
    alignment: Alignment
    passages: list[PassageRow]
    source: list[Token]
    source_pos: list[int]
    """Document word position of each source token (the window can span passages)."""
    passage_of: list[int]
    """Index into `passages` of each source token."""
    q_offset: int = 0
    """Where the aligned query part starts in the whole quote (for fragments)."""
    quoted_from: str | None = None

    @property
    def exact(self) -> bool:
        return self.alignment.exact

    @property
    def strength(self) -> float:
        return self.alignment.identity * self.alignment.coverage

    @property
    def q_range(self) -> tuple[int, int]:
        return self.q_offset + self.alignment.q_start, self.q_offset + self.alignment.q_end

    @property
    def position(self) -> int:
        return self.source_pos[self.alignment.s_start]

    def adequate(self) -> bool:
        a = self.alignment
        return a.identity >= ALTERED_IDENTITY and a.coverage >= ALTERED_COVERAGE and a.matches >= MIN_WORDS


@dataclass
class Query:
    """A quote made ready for matching: cleaned, its words, and its fragments at ellipses."""

    text: str
    words: list[str]
    fragments: list[tuple[int, int]] = field(default_factory=list)

    @classmethod
    def parse(cls, quote: str) -> Query:
        if not isinstance(quote, str) or not quote.strip():
            raise QueryError('the quote is empty: give the words to check, e.g. misquote check "..." --author NAME')
        if len(quote) > MAX_QUOTE_CHARS:
            raise QueryError(
                f"the quote is {len(quote):,} characters long; the limit is {MAX_QUOTE_CHARS:,}: "
                "check a passage, not a whole text (use misquote align for whole documents)"
            )
        text = " ".join(clean_text(quote).split())
        parts = split_ellipsis(strip_editorial(text))
        words: list[str] = []
        fragments: list[tuple[int, int]] = []
        for part in parts:
            part_words = [t.norm for t in tokens(part)]
            fragments.append((len(words), len(words) + len(part_words)))
            words += part_words
        if len(words) < MIN_WORDS:
            raise QueryError(
                f"the quote has {len(words)} word{'s' if len(words) != 1 else ''}; give at least {MIN_WORDS} "
                "words, or a single word can be found anywhere"
            )
        return cls(text, words, fragments)


class Checker:
    """Checks quotes against one store; keeps the author list and document rows it has read."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._authors: list[str] | None = None
        self._rows: dict[int, DocRow] = {}
        self._resolved: dict[str, list[str]] = {}
        self._mine: dict[tuple[str, ...], set[int]] = {}
        self._postings = PostingCache(store)
        self._generation: int | None = None

    def refresh(self) -> None:
        """Forget what was read from the store if another writer has changed it since."""
        generation = self.store.generation()
        if generation != self._generation:
            self._generation = generation
            self._authors, self._resolved, self._mine = None, {}, {}

    def known_authors(self) -> list[str]:
        if self._authors is None:
            self._authors = [a["name"] for a in self.store.authors()]
        return self._authors

    def resolve_author(self, name: str) -> list[str]:
        """The archive authors a name can mean; QueryError with the closest names when none."""
        if not isinstance(name, str) or not name.strip():
            raise QueryError('no author given: say who the quote is attributed to, e.g. --author "Karl Marx"')
        known = self.known_authors()
        if not known:
            raise QueryError("the archive is empty: ingest documents first (misquote ingest PATH)")
        if name in self._resolved:
            return self._resolved[name]
        found = author_names.resolve(name, known)
        if not found:
            near = ", ".join(author_names.closest(name, known))
            raise QueryError(f"no author in the archive matches {name!r}; the closest names are: {near}")
        self._resolved[name] = found
        return found

    # -- the check ------------------------------------------------------------------------------
    def check(self, quote: str, author: str) -> Verdict:
        """The verdict on `quote` attributed to `author` (see the module docstring for the rules)."""
        query = Query.parse(quote)
        self.refresh()
        names = self.resolve_author(author)
        hits = self._search(query, names)
        own = [h for h in hits if h.row.author in names and h.quoted_from is None]
        # a document whose author is not recorded can neither confirm nor contradict the attribution
        anonymous = [h for h in hits if h.row.author == UNKNOWN_AUTHOR and h.row.author not in names]
        other = [h for h in hits if not (h.row.author in names and h.quoted_from is None) and h not in anonymous]
        verdict = self._judge(query, names, own, other, anonymous)
        verdict.author = names[0] if len(names) == 1 else author
        if len(names) > 1:
            verdict.candidates = names
            verdict.explanation += f" The name {author!r} can mean {', '.join(names)}; all were checked."
        dispute = self._dispute(query, names)
        if dispute is not None:
            verdict.dispute = dispute
            verdict.explanation = (
                f"Disputed: {dispute.author} denied these words, attributed to them in {dispute.published_in}"
                f"{' (' + dispute.date + ')' if dispute.date else ''}. " + verdict.explanation
            )
            verdict.verdict = "disputed"
            verdict.score = 1.0
            if dispute.rebuttal_document_id:
                verdict.citation = self._dispute_citation(dispute)
        return verdict

    def _judge(self, query: Query, names: list[str], own: list[Hit], other: list[Hit], anonymous: list[Hit]) -> Verdict:
        n = len(query.words)
        best_other = max((h for h in other if h.adequate()), key=lambda h: h.strength, default=None)
        combined = self._combine_fragments(query, own) if len(query.fragments) > 1 else None
        best_own = max(own, key=lambda h: h.strength, default=None)
        if combined is not None and all(h.exact for h in combined):
            return self._verdict("verbatim", 1.0, query, combined, "Verbatim: every word is in {where}, in order.")
        if best_own is not None and best_own.exact and best_own.alignment.coverage == 1.0:
            return self._verdict("verbatim", 1.0, query, [best_own], "Verbatim: every word is in {where}, in order.")
        other_verbatim = best_other is not None and best_other.exact and best_other.alignment.coverage == 1.0
        if other_verbatim and (best_own is None or not best_own.adequate() or best_own.strength < 0.9):
            return self._misattributed(query, other)
        splice = self._splice(query, own, names)
        if splice is not None:
            score = sum(h.alignment.matches for h in splice) / n
            return self._verdict(
                "spliced",
                score,
                query,
                splice,
                "Spliced: the words come from {count} different places in {author}'s writings, joined as one quote.",
            )
        if combined is not None:
            matched = sum(h.alignment.matches for h in combined)
            if matched / n >= ALTERED_IDENTITY:
                return self._verdict(
                    "altered", matched / n, query, combined, "Altered: close to {where}, but not exact."
                )
        own_close = best_own is not None and best_own.adequate()
        if own_close and (best_other is None or best_other.strength <= best_own.strength + 0.1):
            return self._verdict(
                "altered", best_own.strength, query, [best_own], "Altered: close to {where}, but not word for word."
            )
        if best_other is not None:
            return self._misattributed(query, other)
        closest = sorted([*own, *other, *anonymous], key=lambda h: -h.strength)[:3]
        score = closest[0].strength if closest else 0.0
        verdict = self._verdict("not_found", score, query, closest, "")
        verdict.explanation = "Not found: no adequate match in the archive" + (
            "; the closest passages are listed." if closest else "."
        )
        unattributed = [h for h in anonymous if h.adequate()]
        if unattributed:
            where = max(unattributed, key=lambda h: h.strength).row
            verdict.explanation = (
                f"Not found in the writings of {' or '.join(names)}: the words stand in {where.title!r}, a document"
                " whose author the archive does not record, so it can neither confirm nor rule out the attribution."
            )
        verdict.citation = ""
        return verdict

    def _misattributed(self, query: Query, other: list[Hit]) -> Verdict:
        found = sorted((h for h in other if h.adequate()), key=lambda h: (-round(h.strength, 2), h.row.year or 9999))
        # The real author is whoever wrote the words in their own voice; only when the words stand
        # nowhere but inside quotations is the quoted person (Hegel in Marx) named instead.
        own_voice = [h.row.author for h in found if h.quoted_from is None]
        real = list(dict.fromkeys(own_voice or [h.quoted_from or h.row.author for h in found]))
        dated = sorted(found, key=lambda h: (h.row.year is None, h.row.year or 0))
        earliest = dated[0]
        matches = [earliest, *[h for h in found if h is not earliest][:4]]
        verdict = self._verdict("misattributed", earliest.strength, query, matches, "")
        verdict.real_authors = real
        inside = f" (inside a quotation of {earliest.quoted_from})" if earliest.quoted_from else ""
        verdict.explanation = (
            f"Misattributed: these words are {'' if earliest.exact else 'close to words '}by "
            f"{', '.join(real)}; the earliest dated source is {earliest.row.title!r} "
            f"({earliest.row.written or 'undated'}){inside}."
        )
        return verdict

    def _verdict(self, name: str, score: float, query: Query, hits: list[Hit], template: str) -> Verdict:
        matches = [self._match(query, h) for h in hits]
        verdict = Verdict(verdict=name, score=min(1.0, max(0.0, score)), author="", quote=query.text, matches=matches)  # type: ignore[arg-type]
        if hits:
            first = hits[0]
            where = f"{first.row.title!r} ({first.row.written or 'undated'}), paragraph {matches[0].paragraph}"
            verdict.explanation = template.format(where=where, count=len(hits), author=first.row.author)
            verdict.citation = _citation(first.row, matches[0].paragraph)
        return verdict

    def _match(self, query: Query, hit: Hit) -> Match:
        a = hit.alignment
        first, last = a.s_start, a.s_end - 1
        p_first = hit.passages[hit.passage_of[first]]
        p_last = hit.passages[hit.passage_of[last]]
        start = p_first.char_start + hit.source[first].start
        end = p_last.char_start + hit.source[last].end
        if p_first is p_last:
            text = p_first.text[hit.source[first].start : hit.source[last].end]
        else:
            text = p_first.text[hit.source[first].start :] + "\n\n" + p_last.text[: hit.source[last].end]
        q_words = query.words[hit.q_offset :]
        return Match(
            document_id=hit.row.id,
            author=hit.row.author,
            title=hit.row.title,
            written=hit.row.written,
            paragraph=p_first.anchor,
            start=start,
            end=end,
            text=text,
            identity=round(a.identity, 4),
            coverage=round((a.q_end - a.q_start) / len(query.words), 4),
            edits=a.edits(q_words, [t.norm for t in hit.source]),
            quoted_from=hit.quoted_from,
            fragment=hit.q_range,
        )

    # -- finding --------------------------------------------------------------------------------
    def _search(self, query: Query, names: list[str]) -> list[Hit]:
        """Align the whole quote (and each ellipsis fragment) against its candidate windows."""
        mine = self._author_documents(names)
        hits = self._align_part(query.words, 0, stop_for=names, prefer=mine)
        if len(query.fragments) > 1:
            for lo, hi in query.fragments:
                hits += self._align_part(query.words[lo:hi], lo, prefer=mine)
        return _dedupe(hits)

    def _author_documents(self, names: list[str]) -> set[int]:
        key = tuple(names)
        if key not in self._mine:
            self._mine[key] = self.store.author_documents(names)
        return self._mine[key]

    def _align_part(
        self,
        words: list[str],
        offset: int,
        limit: int = 12,
        stop_for: list[str] | None = None,
        prefer: set[int] | None = None,
        only: bool = False,
    ) -> list[Hit]:
        """Hits of `words` in the best candidate windows, best voted first.

        The attributed author's best window is always among them (`prefer`), or the only ones
        (`only`). With `stop_for`, stop at the first verbatim hit in the own words of one of those
        authors: nothing later can change a verbatim verdict, and most checks are of real quotes.
        """
        windows = candidates(self.store, words, limit=limit, prefer=prefer, only=only, cache=self._postings)
        rows = self._doc_rows({w.doc for w in windows})
        hits: list[Hit] = []
        slack = max(8, len(words) // 2)
        for w in windows:
            passages = self.store.passages(w.doc, w.start - slack, w.end + slack)
            source: list[Token] = []
            source_pos: list[int] = []
            passage_of: list[int] = []
            lo, hi = w.start - slack, w.end + slack
            for i, p in enumerate(passages):
                first = max(lo, p.tok_start) - p.tok_start
                for j, tok in enumerate(tokens_between(p.text, first, min(hi, p.tok_end) - p.tok_start)):
                    source.append(tok)
                    source_pos.append(p.tok_start + first + j)
                    passage_of.append(i)
            alignment = _best_alignment(words, source, source_pos, w)
            if alignment is None:
                continue
            hit = Hit(rows[w.doc], alignment, passages, source, source_pos, passage_of, q_offset=offset)
            hit.quoted_from = _quoted_from(hit)
            hits.append(hit)
            if (
                stop_for
                and hit.exact
                and alignment.coverage == 1.0
                and hit.quoted_from is None
                and hit.row.author in stop_for
            ):
                break
        return hits

    def _doc_rows(self, rowids: set[int]) -> dict[int, DocRow]:
        missing = rowids - self._rows.keys()
        if missing:
            self._rows.update(self.store.doc_rows(missing))
        return {r: self._rows[r] for r in rowids}

    def _combine_fragments(self, query: Query, own: list[Hit]) -> list[Hit] | None:
        """One hit per ellipsis fragment, in order, in one document, close together; or None."""
        per_fragment: list[list[Hit]] = []
        for lo, hi in query.fragments:
            found = [
                h
                for h in own
                if h.q_range[0] >= lo
                and h.q_range[1] <= hi
                and h.alignment.coverage >= 0.99
                and h.alignment.identity >= ALTERED_IDENTITY
            ]
            if not found:
                return None
            per_fragment.append(sorted(found, key=lambda h: -h.strength))
        for first in per_fragment[0]:
            chain = [first]
            for options in per_fragment[1:]:
                prev = chain[-1]
                nxt = next(
                    (
                        h
                        for h in options
                        if h.row.rowid == prev.row.rowid
                        and 0
                        <= h.position - prev.position
                        <= MAX_ELLIPSIS_GAP + (prev.alignment.s_end - prev.alignment.s_start)
                    ),
                    None,
                )
                if nxt is None:
                    break
                chain.append(nxt)
            if len(chain) == len(per_fragment):
                return chain
        return None

    def _splice(self, query: Query, own: list[Hit], names: list[str]) -> list[Hit] | None:
        """Fragments of the quote, each found in the person's own text, from different places.

        The best own hit is one fragment (the local alignment stops where the words stop
        matching); each stretch of the quote it leaves out is looked up again among the person's
        documents only, and so on, until the fragments cover the quote or nothing more is found.
        """
        n = len(query.words)
        if n < 2 * FRAGMENT_MIN_WORDS:
            return None
        if any(h.adequate() for h in own):
            return None  # one place holds the quote, close enough: altered (or verbatim), not spliced
        good = [h for h in own if _good_fragment(h)]
        best = max(good, key=lambda h: h.alignment.matches, default=None)
        if best is None:
            return None
        pieces = [best]
        mine = self._author_documents(names)
        uncovered = _gaps(n, [best.q_range])
        while uncovered:
            lo, hi = uncovered.pop(0)
            if hi - lo < FRAGMENT_MIN_WORDS:
                continue
            found = [
                h
                for h in self._align_part(query.words[lo:hi], lo, limit=4, prefer=mine, only=True)
                if h.quoted_from is None and _good_fragment(h)
            ]
            if not found:
                continue
            piece = max(found, key=lambda h: h.alignment.matches)
            pieces.append(piece)
            uncovered += _gaps(n, [p.q_range for p in pieces], within=(lo, hi))
        if len(pieces) < 2:
            return None
        covered = sum(p.q_range[1] - p.q_range[0] for p in pieces)
        if covered / n < ALTERED_COVERAGE:
            return None
        pieces.sort(key=lambda h: h.q_range[0])
        contiguous = all(
            a.row.rowid == b.row.rowid and 0 <= b.position - a.position <= (b.q_range[0] - a.q_range[0]) + 5
            for a, b in pairwise(pieces)
        )
        return None if contiguous else pieces

    # -- disputes -------------------------------------------------------------------------------
    def _dispute(self, query: Query, names: list[str]) -> Dispute | None:
        for name in names:
            for dispute in self.store.disputes(author=name):
                disputed = [t.norm for t in tokens(dispute.quote)]
                if not disputed:
                    continue
                inside = local_align(query.words, disputed)
                if inside and inside.coverage >= ALTERED_COVERAGE and inside.identity >= ALTERED_IDENTITY:
                    return dispute
                around = local_align(disputed, query.words)
                if around and around.coverage >= ALTERED_COVERAGE and around.identity >= ALTERED_IDENTITY:
                    return dispute
        return None

    def _dispute_citation(self, dispute: Dispute) -> str:
        doc = self.store.document(dispute.rebuttal_document_id or "")
        if doc is None:
            return f"{dispute.author}, rebuttal {dispute.rebuttal_document_id}"
        from misquote.export import citation

        return citation(doc, dispute.paragraph)


def _best_alignment(words: list[str], source: list[Token], source_pos: list[int], w: Window) -> Alignment | None:
    """Align against the wide window, and against a tight one around the voted diagonal.

    When the quote's words repeat nearby ("they do not make it ... they do not make it"), the wide
    window admits a scattered alignment as long as the compact one; the tight window cannot.
    """
    norms = [t.norm for t in source]
    lo = next((i for i, p in enumerate(source_pos) if p >= w.start - 2), 0)
    hi = next((i for i, p in enumerate(source_pos) if p >= w.end + 2), len(source_pos))
    tight = local_align(words, norms[lo:hi]) if (lo, hi) != (0, len(source_pos)) else None
    if tight is not None:
        tight.s_start += lo
        tight.s_end += lo
        tight.ops = [(t, qi, qj, si + lo, sj + lo) for t, qi, qj, si, sj in tight.ops]
        if tight.coverage == 1.0 and tight.identity >= ALTERED_IDENTITY:
            return tight  # the whole quote, closely, around the voted diagonal: the wide window adds nothing
    wide = local_align(words, norms)
    found = [a for a in (wide, tight) if a is not None]
    if not found:
        return None
    return max(found, key=lambda a: (round(a.identity * a.coverage, 6), a.coverage, -(a.s_end - a.s_start)))


def _good_fragment(hit: Hit) -> bool:
    a = hit.alignment
    return a.q_end - a.q_start >= FRAGMENT_MIN_WORDS and a.identity >= 0.9


def _gaps(n: int, ranges: list[tuple[int, int]], within: tuple[int, int] | None = None) -> list[tuple[int, int]]:
    lo, hi = within or (0, n)
    out: list[tuple[int, int]] = []
    cursor = lo
    for a, b in sorted(ranges):
        if b <= lo or a >= hi:
            continue
        if a > cursor:
            out.append((cursor, a))
        cursor = max(cursor, b)
    if cursor < hi:
        out.append((cursor, hi))
    return out


def _dedupe(hits: list[Hit]) -> list[Hit]:
    seen: dict[tuple[int, int, tuple[int, int]], Hit] = {}
    for h in hits:
        key = (h.row.rowid, h.position, h.q_range)
        if key not in seen or h.strength > seen[key].strength:
            seen[key] = h
    return list(seen.values())


def _quoted_from(hit: Hit) -> str | None:
    """Who the matched words are by when they are not the document author's own, else None."""
    a = hit.alignment
    kinds = {hit.passages[hit.passage_of[i]].kind for i in range(a.s_start, a.s_end)}
    for i in range(a.s_start, a.s_end):
        p = hit.passages[hit.passage_of[i]]
        if p.kind == "quotation":
            return p.speaker or "someone quoted by the author"
        if p.kind == "note" and p.speaker:
            return p.speaker
    if kinds <= {"text", "heading", "signature", "dateline"} and hit.adequate():
        p = hit.passages[hit.passage_of[a.s_start]]
        speaker = _inline_quotation(p.text, hit.source[a.s_start].start, hit.source[a.s_end - 1].end)
        if speaker is not None:
            return speaker
    return None


def _inline_quotation(text: str, start: int, end: int) -> str | None:
    """The speaker of a quotation in `text` that holds [start, end), or "" when unknown; None if none.

    Only words in quote marks count: reported speech ("Hegel remarks that...") is the author's own wording.
    A speaker that is a pronoun the extractor could not resolve (`they`) is unknown too: it names no one.
    """
    from misquote.extract import _PRONOUNS, quotations

    if not _QUOTE_MARKS.search(text):
        return None

    for q in quotations(text, indirect=False):
        if q.kind == "direct" and q.start <= start and end <= q.end:
            named = q.speaker is not None and q.speaker.lower() not in _PRONOUNS
            return q.speaker if named else "someone quoted by the author"
    return None


def _citation(row: DocRow, paragraph: str) -> str:
    from misquote.export import citation

    meta = dict(row.meta)
    meta.setdefault("title", row.title)
    meta.setdefault("author", row.author)
    return citation(Document.from_dict(meta), paragraph)
