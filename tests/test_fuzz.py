"""Hostile input: every reader and engine answers with a result or a MisquoteError, in bounded time.

Hypothesis feeds random bytes, random text and mutated real pages (read in place from
../shared/corpora: truncated, bytes flipped, tags inserted, huge attributes, deep nesting, NUL bytes,
mixed encodings) to each target of `TARGETS`. `tests/fuzz_corpus/<target>/` holds generated hostile
inputs and every input that once crashed something; `test_the_fuzz_corpus_replays` runs them all.
`bench/fuzz.py` runs the same targets for hours (hypothesis at scale, atheris, SIGKILL rounds).
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from misquote import ingest
from misquote.align import local_align
from misquote.check import MAX_QUOTE_CHARS, Query
from misquote.collate import Witness, collate
from misquote.errors import IngestError, MisquoteError, QueryError
from misquote.extract import article_text, quotations
from misquote.text import split_ellipsis, strip_editorial, tokens, words
from tests.conftest import CORPORA, SEED

CORPUS = Path(__file__).parent / "fuzz_corpus"
SCALE = float(os.environ.get("MISQUOTE_FUZZ_SCALE", "1"))
"""Multiplies every test's example count: bench/fuzz.py sets it for long runs."""
TIME_LIMIT = float(os.environ.get("MISQUOTE_FUZZ_TIME_LIMIT", "20"))
"""Seconds one input may take (generous: CI machines are shared); beyond it the input is a hang."""
CALLS: Counter[str] = Counter()
"""Inputs run per target in this process (bench/fuzz.py reports them)."""

SEEDS: list[Path] = [
    SEED,
    CORPORA / "mia/html/lenin/works/1913/mar/22.htm",
    CORPORA / "mia/html/lenin/works/1895/misc/engels-bio.htm",
    CORPORA / "mia/epub-html/example-OPS/ch02.htm",
    CORPORA / "mia/markdown/archive/connolly/1894/12/partypol.md",
    CORPORA / "gutenberg/authors/Twain_Mark/On_the_Decay_of_the_Art_of_Lying.txt",
    CORPORA / "gutenberg/marxists/lenin-letter-to-american-workingmen.txt",
    CORPORA / "collation/frankenstein/2023-variorum-chapters/f1818_vol_1_letter_iii.xml",
    CORPORA / "wikiquote/pages/frwikiquote_Bertolt_Brecht.xml",
    CORPORA / "collation/darwin/darwin-ch1/Ch1-100.json",
    CORPORA / "reuse/pan13-train/src/source-document00003.txt",
]
"""Real pages of every format, mutated by the tests (read in place, never copied)."""


class Hang(BaseException):
    """An input ran past TIME_LIMIT (a BaseException, so no `except Exception` in the library hides it)."""


@contextmanager
def time_limit(seconds: float = TIME_LIMIT) -> Iterator[None]:
    """Raise Hang in the main thread once `seconds` have passed (checked between Python bytecodes)."""

    def expire(signum: int, frame: Any) -> None:
        raise Hang(f"over {seconds} s on one input")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# ---- the targets: each takes bytes, checks what it gets back, and lets only MisquoteError out ------


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def check_tokens(text: str) -> None:
    """Every token's offsets lie in the text and cover a non-empty stretch; words() agrees with tokens()."""
    toks = tokens(text)
    for t in toks:
        assert 0 <= t.start < t.end <= len(text), t
        assert text[t.start : t.end], t
    assert words(text) == [t.norm for t in toks]
    stripped = strip_editorial(text)
    assert isinstance(stripped, str)
    for part in split_ellipsis(stripped):
        assert words(part), part


def check_quotations(text: str, lang: str = "auto") -> None:
    """Every quotation and speaker span lies inside the article text."""
    for q in quotations(text, lang=lang):
        assert 0 <= q.start < q.end <= len(text), q
        assert q.text and q.kind in ("direct", "indirect", "mention"), q
        if q.speaker_start is not None:
            assert q.speaker_end is not None and 0 <= q.speaker_start < q.speaker_end <= len(text), q


def check_article(data: bytes) -> None:
    check_quotations(article_text(data))


def check_alignment(query: Sequence[str], source: Sequence[str]) -> None:
    """An alignment stays inside both word lists, with identity and coverage in [0, 1]."""
    a = local_align(query, source)
    if a is None:
        return
    assert 0 <= a.q_start < a.q_end <= len(query), a
    assert 0 <= a.s_start <= a.s_end <= len(source), a
    assert 0.0 <= a.identity <= 1.0 and 0.0 < a.coverage <= 1.0, a
    a.edits(query, source)


def _align(data: bytes) -> None:
    query, _, source = _text(data).partition("|")
    check_alignment(query.split(), source.split())


def check_collation(texts: Sequence[str]) -> None:
    """An apparatus whose readings are offsets into their witnesses; every output format renders."""
    witnesses = [Witness(f"w{i}", text) for i, text in enumerate(texts)]
    app = collate(witnesses)
    by_label = {w.label: w.text for w in witnesses}
    for locus in app.loci:
        for label, r in locus.readings.items():
            assert 0 <= r.start <= r.end <= len(by_label[label]), (label, r)
    app.to_dict(with_text=True)
    app.to_tei()
    app.to_html()
    app.summary()


def _collate(data: bytes) -> None:
    check_collation(_text(data).split("\x1e")[:4])


def check_query(quote: str) -> None:
    """A parsed quote has at least 3 words, and its fragments tile them in order."""
    q = Query.parse(quote)
    assert len(q.words) >= 3
    ends = [0] + [j for _, j in q.fragments]
    assert [i for i, _ in q.fragments] == ends[:-1] and ends[-1] == len(q.words), q


def _reader(fmt: str | None) -> Callable[[bytes], object]:
    return lambda data: ingest.read("fuzz-input", data, fmt)


TARGETS: dict[str, Callable[[bytes], object]] = {
    "read": _reader(None),
    **{f"read-{fmt}": _reader(fmt) for fmt in sorted(ingest.READERS)},
    "text": lambda data: check_tokens(_text(data)),
    "extract": check_article,
    "align": _align,
    "collate": _collate,
    "query": lambda data: check_query(_text(data)),
}
"""Every fuzzed entry point, by the name its corpus folder has."""


def run(target: str, data: bytes) -> None:
    """Run one input; MisquoteError is an answer, any other exception (or a Hang) is a bug."""
    CALLS[target] += 1
    with time_limit(), suppress(MisquoteError):
        TARGETS[target](data)


# ---- mutations of real pages -------------------------------------------------------------------------

TAGS = [
    b"<p>", b"</p>", b"<blockquote>", b"</div>", b'<div class="ad">', b'<sup class="enote"><a href="#n1">[1]</a></sup>',
    b"<!--", b"<![CDATA[", b'<TEI xmlns="http://www.tei-c.org/ns/1.0">', b"<note>", b"\xe2\x80\x9c", b"\xe2\x80\x9d",
    b'"', b"\xc2\xab", b"Written: 1961\nSource: France-Soir\n", b"&#0;", b"&#xD800;", b"&amp;", b"<br>", b"...",
    b"[...]", b"\r", b"\n\n", b"-\n", b"<?xml version='1.0' encoding='koi8-r'?>", b'<meta charset="utf-16">',
]
NESTABLE = ["div", "span", "blockquote", "font", "p", "ul", "li", "table", "b", "i", "a", "sdf", "note", "quote"]
ENCODINGS = ["utf-8", "utf-16", "utf-16-be", "cp1252", "latin-1", "koi8-r", "shift_jis", "utf-8-sig"]

Mutation = tuple[Any, ...]
"""(kind, position in [0, 1], parameters...): see `mutate`."""

mutations = st.one_of(
    st.tuples(st.just("truncate"), st.floats(0, 1)),
    st.tuples(st.just("flip"), st.floats(0, 1), st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("insert"), st.floats(0, 1), st.sampled_from(TAGS), st.integers(1, 300)),
    st.tuples(st.just("attribute"), st.floats(0, 1), st.integers(1_000, 1_000_000)),
    st.tuples(st.just("nest"), st.floats(0, 1), st.sampled_from(NESTABLE), st.integers(10, 30_000)),
    st.tuples(st.just("nul"), st.floats(0, 1), st.integers(1, 8)),
    st.tuples(st.just("encoding"), st.floats(0, 1), st.sampled_from(ENCODINGS), st.integers(10, 5_000)),
    st.tuples(st.just("repeat"), st.floats(0, 1), st.integers(1, 5_000), st.integers(2, 200)),
)


def mutate(data: bytes, mutation: Mutation) -> bytes:
    """Apply one mutation at a relative position of `data` (see `mutations` for the kinds)."""
    kind, where, *args = mutation
    at = int(where * len(data))
    if kind == "truncate":
        return data[:at]
    if kind == "flip":
        return data[:at] + args[0] + data[at + len(args[0]) :]
    if kind == "insert":
        return data[:at] + args[0] * args[1] + data[at:]
    if kind == "attribute":
        return data[:at] + b'<p title="' + b"A" * args[0] + b'">' + data[at:]
    if kind == "nest":
        tag, depth = args[0].encode(), args[1]
        return data[:at] + (b"<" + tag + b">") * depth + b"x" + (b"</" + tag + b">") * depth + data[at:]
    if kind == "nul":
        return data[:at] + b"\x00" * args[0] + data[at:]
    if kind == "encoding":
        chunk = data[at : at + args[1]].decode("utf-8", "replace")
        return data[:at] + chunk.encode(args[0], "replace") + data[at + args[1] :]
    if kind == "repeat":
        return data[:at] + data[at : at + args[0]] * args[1] + data[at:]
    raise ValueError(kind)


def mutated(path: Path, ops: list[Mutation]) -> bytes:
    data = path.read_bytes()
    for op in ops:
        data = mutate(data, op)
    return data


def _settings(examples: int) -> settings:
    return settings(
        max_examples=max(1, int(examples * SCALE)),
        deadline=None,  # time is bounded by time_limit, which also stops a real hang
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
        database=None if SCALE > 1 else settings.default.database,
    )


READ_TARGETS = [name for name in TARGETS if name.startswith("read")]


# ---- the properties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("target", READ_TARGETS)
@_settings(25)
@given(data=st.binary(max_size=2048))
def test_readers_take_random_bytes(target: str, data: bytes) -> None:
    run(target, data)


@_settings(25)
@given(head=st.sampled_from([b"<html><body>", b"<?xml version='1.0'?><TEI xmlns='http://www.tei-c.org/ns/1.0'>",
                             b"Written: 1961\nSource: x\n\n", b"{", b"# Title\n\n", b"The Project Gutenberg eBook"]),
       body=st.text(max_size=2000))
def test_readers_take_random_text_behind_a_real_start(head: bytes, body: str) -> None:
    run("read", head + body.encode("utf-8", "surrogatepass"))


@_settings(120)
@given(seed=st.sampled_from(SEEDS), target=st.sampled_from(READ_TARGETS),
       ops=st.lists(mutations, min_size=1, max_size=3))
def test_readers_take_mutated_real_pages(seed: Path, target: str, ops: list[Mutation]) -> None:
    run(target, mutated(seed, ops))


@_settings(300)
@given(text=st.text())
def test_tokens_keep_valid_offsets(text: str) -> None:
    CALLS["text"] += 1
    with time_limit():
        check_tokens(text)


def _pieces(*pieces: str, max_size: int = 200) -> st.SearchStrategy[str]:
    """Strings joined from the given pieces: text made of what a target reacts to."""
    return st.lists(st.sampled_from(pieces), max_size=max_size).map("".join)


_QUOTY = _pieces(*"“”\"'‘’«»„‹›—–-.,:;!?…[]()\n ", "Marx", " said", " she ", "Lenin", " wrote", " dit ", "Q: ", "A: ")


@_settings(150)
@given(text=st.one_of(st.text(), _QUOTY), lang=st.sampled_from(["auto", "en", "fr"]))
def test_quotations_keep_valid_offsets(text: str, lang: str) -> None:
    CALLS["extract"] += 1
    with time_limit(), suppress(MisquoteError):
        check_quotations(text, lang)


def test_many_quotes_in_one_endless_sentence_do_not_hang() -> None:
    """Found by the mutated pages below: each of 2,000 untagged quotes read its whole unbroken 'sentence'
    back to the paragraph start (39 s); the sentence a quote's speaker is looked for in is now bounded."""
    text = "<?xml version='1.0' encoding='koi8-r'?>" * 2000
    with time_limit():
        found = quotations(text)
    assert len(found) == 2000 and {q.text for q in found} == {"koi8-r"}


@_settings(40)
@given(seed=st.sampled_from(SEEDS), ops=st.lists(mutations, max_size=2))
def test_article_text_takes_mutated_pages(seed: Path, ops: list[Mutation]) -> None:
    run("extract", mutated(seed, ops))


_WORD_LISTS = st.lists(st.sampled_from(["the", "a", "of", "war", "peace", "x", "y", "z", "marx", "la"]), max_size=60)


@_settings(300)
@given(query=_WORD_LISTS, source=_WORD_LISTS)
def test_local_align_stays_in_range(query: list[str], source: list[str]) -> None:
    CALLS["align"] += 1
    with time_limit():
        check_alignment(query, source)


_WITNESS = _pieces("the ", "The ", "war", "war,", " peace", ".", "\n\n", " x", "colour", " color", "\x00", "\x0b", "<",
                   "&", "é", "e\u0301", "—", " ", max_size=150)


@_settings(100)
@given(texts=st.lists(st.one_of(_WITNESS, st.text(max_size=200)), min_size=0, max_size=4))
def test_collate_gives_an_apparatus_or_a_query_error(texts: list[str]) -> None:
    CALLS["collate"] += 1
    with time_limit(), suppress(QueryError):
        check_collation(texts)


@_settings(300)
@given(quote=st.one_of(st.text(max_size=400), _pieces(*".…[]() ", "word", "i.e.", "sic", "\n")))
def test_query_parse_gives_a_query_or_a_query_error(quote: str) -> None:
    CALLS["query"] += 1
    with time_limit(), suppress(QueryError):
        check_query(quote)


def _corpus_files() -> list[Any]:
    return [
        pytest.param(path, id=f"{path.parent.name}/{path.name}")
        for path in sorted(CORPUS.glob("*/*"))
        if path.is_file() and path.parent.name in TARGETS
    ]


@pytest.mark.parametrize("path", _corpus_files())
def test_the_fuzz_corpus_replays(path: Path) -> None:
    started = time.perf_counter()
    run(path.parent.name, path.read_bytes())
    assert time.perf_counter() - started < TIME_LIMIT


def test_the_fuzz_corpus_is_small_and_covers_every_target() -> None:
    files = [p for p in CORPUS.rglob("*") if p.is_file()]
    assert sum(p.stat().st_size for p in files) < 1_000_000
    assert {p.parent.name for p in files} >= set(TARGETS)


# ---- limits: refused with a message that says what to do --------------------------------------------


def test_a_file_over_max_bytes_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 300)
    with pytest.raises(IngestError, match=r"file too large: 1,500 bytes is over the limit of 1,000 bytes"):
        ingest.read(big, max_bytes=1000)
    with pytest.raises(IngestError, match="raise max_bytes"):
        ingest.read("given.txt", b"word " * 300, max_bytes=1000)


def test_a_quote_over_the_limit_is_refused() -> None:
    with pytest.raises(QueryError, match=f"limit is {MAX_QUOTE_CHARS:,}"):
        Query.parse("word " * (MAX_QUOTE_CHARS // 5 + 1))


def test_deeply_nested_html_is_refused_quickly() -> None:
    page = b"<html><body>" + b"<div>" * 100_000 + b"words " * 50
    started = time.perf_counter()
    with pytest.raises(IngestError, match="nested 100,000 elements deep"):
        ingest.read("deep.html", page)
    with pytest.raises(QueryError, match="nests 100,000 elements deep"):
        article_text(page)
    assert time.perf_counter() - started < 5


def test_nesting_under_the_limit_is_read() -> None:
    page = b"<html><body>" + b"<span><div>" * 200 + b"words of the page " * 10 + b"</div></span>" * 200
    assert ingest.read("deep.html", page)[0].paragraphs[0].text.startswith("words of the page")


def test_an_article_over_the_limit_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    from misquote import Archive
    from misquote.article import MAX_ARTICLE_CHARS, check_article

    with Archive(tmp_path / "a.db") as archive:
        with pytest.raises(QueryError, match=f"the limit is {MAX_ARTICLE_CHARS:,}: split it"):
            archive.check_article(b"<p>" + b"x" * MAX_ARTICLE_CHARS)
        with pytest.raises(QueryError, match="the article is 27 characters; the limit is 20"):
            check_article(
                archive.checker, "Marx said: \u201cword word word\u201d", max_chars=20
            )


def test_a_witness_over_max_chars_is_refused() -> None:
    with pytest.raises(QueryError, match=r"witness 'b' has 12 characters, more than the 10 .*split it into parts"):
        collate([Witness("a", "short"), Witness("b", "twelve chars")], max_chars=10)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_DOC_FIELDS = ["title", "author", "paragraphs", "notes", "header", "extra", "authors", "written", "version", "id"]


@_settings(150)
@given(doc=st.dictionaries(st.sampled_from(_DOC_FIELDS), _JSON),
       paragraph=st.dictionaries(st.sampled_from(["anchor", "text", "kind", "notes", "start", "speaker"]), _JSON))
def test_the_json_reader_takes_documents_of_any_shape(doc: dict[str, Any], paragraph: dict[str, Any]) -> None:
    import json

    doc = {"title": "T", "paragraphs": [paragraph], **doc}
    run("read-json", json.dumps(doc).encode())
