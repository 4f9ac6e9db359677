"""Text reuse: two captures of the same work, real PAN pairs with ground truth, bad input, resuming a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from misquote import Archive, pan, reuse
from misquote.errors import QueryError
from misquote.reuse import align_documents

MIA = "mia/html/marx/works/1847/wage-labour"
EPUB = "mia/epub-html/out-OEBPS"


@pytest.fixture(scope="module")
def wage_labour(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """An archive with two captures of Wage Labour and Capital (chapters 1-3) and the Gutenberg Manifesto."""
    archive = Archive(tmp_path_factory.mktemp("reuse") / "a.db")
    files = [corpora / MIA / f"ch0{i}.htm" for i in (1, 2, 3)] + [corpora / EPUB / f"ch0{i}.htm" for i in (1, 2, 3)]
    report = archive.ingest([*files, corpora / "gutenberg/marxists/marx-communist-manifesto.txt"], workers=1)
    assert not report.failed, report.failed
    return archive


def test_two_captures_of_a_chapter_align_whole(corpora: Path, wage_labour: Archive):
    pairs = wage_labour.align(str(corpora / MIA / "ch02.htm"), str(corpora / EPUB / "ch02.htm"))
    assert len(pairs) == 1
    p = pairs[0]
    assert p.identity > 0.99 and p.coverage > 0.99
    assert p.words > 1000
    assert "If several workmen were to be asked" in p.a_text
    assert p.a_text == p.b_text[: len(p.a_text)] or p.identity < 1


def test_passages_carry_offsets_into_each_text():
    a = ("Intro words that belong to A alone. " * 3 + "The history of all hitherto existing society is the history "
         "of class struggles, freeman and slave, patrician and plebeian, lord and serf, guild-master and journeyman, "
         "in a word, oppressor and oppressed, stood in constant opposition to one another.")
    b = ("Something else entirely opens B. As Marx put it: the history of all hitherto existing society is the "
         "history of class struggles; freeman and slave, patrician and plebeian, lord and serf, guild master and "
         "journeyman, in a word oppressor and oppressed stood in constant opposition to one another. The end.")
    [p] = align_documents(a, b)
    assert a[p.a_start : p.a_end] == p.a_text and b[p.b_start : p.b_end] == p.b_text
    assert p.a_text.lower().startswith("the history") or p.a_text.lower().startswith("history")
    assert p.a_text.endswith("another")
    assert p.identity > 0.9


def test_a_reworded_passage_keeps_its_extent_around_an_exact_stretch():
    b = ("Other matters open this text. Factory owners in Manchester paid spinners starvation wages, fined them for "
         "every broken thread and locked the doors during working hours, so that when fire broke out in the carding "
         "room nobody could escape the building, and the magistrates later blamed the dead for their own carelessness.")
    a = ("A first sentence on its own topic. In Manchester spinners were paid starvation wages by the factory owners, "
         "who fined every broken thread and locked the doors during working hours, so that when fire broke out in the "
         "carding room escape was impossible for anybody inside, and the dead were blamed afterwards by magistrates "
         "for carelessness of their own. Then more of A.")
    [p] = align_documents(a, b)
    # the local alignment is the exact middle (20 words, identity 1); cut to it, the passage would lose most of
    # what was reused: it stays the whole reworded sentence
    assert (p.words, p.identity, p.coverage) == (51, 1.0, 0.3922)
    assert p.a_text.startswith("Manchester spinners") and p.a_text.endswith("carelessness of their own")
    assert p.b_text.startswith("Factory owners") and p.b_text.endswith("their own carelessness")


def test_corpus_reuse_clusters_the_captures(wage_labour: Archive, tmp_path: Path):
    result = wage_labour.reuse(out_dir=tmp_path / "run")
    # each chapter is found in its twin capture, whole, and nowhere else
    assert [(c.witnesses[0].title, len(c.witnesses)) for c in result.clusters] == [
        ("By what is the price of a commodity determined?", 2),
        ("Wage Labour and Capital: Preliminary", 2),
        ("Wage Labour and Capital: What are Wages? How are they Determined?", 2),
    ]
    assert all(p["a_title"] == p["b_title"] and p["identity"] > 0.99 for p in result.pairs)
    assert result.stats["documents"] == 7
    assert {p.name for p in (tmp_path / "run").iterdir()} >= {
        "manifest.json", "shingles.jsonl", "candidates.jsonl", "alignments.jsonl", "clusters.json"
    }
    # the run is kept for document pages: "passages of this document found elsewhere"
    first = result.clusters[0].witnesses[0]
    [stored] = [c for c in wage_labour.reuse_for(first.document_id) if c["witnesses"][0]["start"] == first.start]
    assert [w["document_id"] for w in stored["witnesses"]] == [w.document_id for w in result.clusters[0].witnesses]


def test_the_alignments_run_on_several_processes_with_the_same_result(wage_labour: Archive,
                                                                      monkeypatch: pytest.MonkeyPatch):
    alone = wage_labour.reuse(workers=1)
    monkeypatch.setattr(reuse, "PARALLEL_PAIRS", 1)  # a pool even for this handful of pairs
    stages: list[str] = []
    shared = wage_labour.reuse(workers=2, progress=lambda stage, done, total: stages.append(stage))
    assert shared.pairs == alone.pairs and shared.clusters == alone.clusters
    assert shared.stats["candidate_pairs"] == alone.stats["candidate_pairs"] >= 2
    assert {"anchors", "alignments"} <= set(stages)


def test_a_reprint_aligned_in_windows_is_stitched_into_one_passage(corpora: Path, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch):
    # Value, Price and Profit, chapter 1, in two captures: 7,724 words, 44,600 characters
    archive = Archive(tmp_path / "a.db")
    archive.ingest([corpora / "mia/html/marx/works/1865/value-price-profit/ch01.htm",
                    corpora / "mia/epub-html/example-OPS/ch01.htm"], workers=1)
    [pair] = archive.reuse().pairs
    whole = align_documents(archive.document(pair["a_document_id"]).text, archive.document(pair["b_document_id"]).text)
    # the region around the shingles the two share is the whole text: aligning it gives what the pairwise aligner does
    assert [{k: pair[k] for k in ("a_start", "a_end", "b_start", "b_end", "identity", "words", "edits")}] == [
        {"a_start": p.a_start, "a_end": p.a_end, "b_start": p.b_start, "b_end": p.b_end, "identity": p.identity,
         "words": p.words, "edits": p.edits} for p in whole
    ]
    assert pair["words"] == 7724 and pair["edits"][-1] == {"op": "substitute", "a": "20", "b": "25"}
    monkeypatch.setattr(reuse, "WINDOW", 2000)  # 23 windows stitched at the cuts: the same passage and edits
    [small] = archive.reuse().pairs
    assert {**small, "identity": 0} == {**pair, "identity": 0} and small["identity"] == pytest.approx(0.9995, abs=3e-4)


def test_a_shingle_in_too_many_documents_votes_for_no_pair():
    licence = ("This eBook is for the use of anyone anywhere in the United States and most other parts of the "
               "world at no cost and with almost no restrictions whatsoever.")
    quote = "The philosophers have only interpreted the world, in various ways; the point is to change it."
    books = {d: f"{licence} Book {d}, about something else entirely." for d in range(reuse.MAX_DF + 1)}
    books[3] += quote
    books[7] += f"As Marx wrote: {quote}"
    shingles = {d: reuse.doc_shingles(text) for d, text in books.items()}
    # the licence is in every book: boilerplate, not evidence; the quotation pairs the two books that share it
    assert reuse.candidate_pairs(shingles, None) == [(3, 7, 5)]
    assert reuse.candidate_pairs(shingles, focus=frozenset({1})) == []


def test_clusters_put_the_earliest_dated_witness_first():
    rows = {
        1: reuse_row(1, "late", 1891), 2: reuse_row(2, "early", 1849), 3: reuse_row(3, "undated", None),
    }
    texts = {d: "x" * 200 for d in rows}
    pairs = [
        {"a": 1, "b": 2, "a_start": 0, "a_end": 100, "b_start": 0, "b_end": 100},
        {"a": 3, "b": 1, "a_start": 0, "a_end": 100, "b_start": 10, "b_end": 100},
    ]
    [cluster] = reuse.cluster_passages(pairs, rows, texts)
    assert [w.title for w in cluster.witnesses] == ["early", "late", "undated"]
    assert cluster.pairs == 2


def reuse_row(rowid: int, title: str, year: int | None):
    from misquote.store import DocRow

    return DocRow(rowid, f"doc-{rowid}", "Karl Marx", title, str(year) if year else None, year)


# -- PAN pairs with ground truth ------------------------------------------------------------------

PAN_PAIRS = [
    pytest.param("02-no-obfuscation", "suspicious-document00005.txt", "source-document01090.txt", 0.95, id="none"),
    pytest.param("03-random-obfuscation", "suspicious-document00006.txt", "source-document00560.txt", 0.9,
                 id="random"),
    pytest.param("04-translation-obfuscation", "suspicious-document00004.txt", "source-document00420.txt", 0.9,
                 id="translation"),
    # a paragraph summing up the whole source: PAN's case is the paragraph and all of the source
    pytest.param("05-summary-obfuscation", "suspicious-document00014.txt", "source-document03029.txt", 0.95,
                 id="summary"),
]


@pytest.mark.parametrize(("folder", "susp", "src", "threshold"), PAN_PAIRS)
def test_real_pan_pairs_are_found(corpora: Path, folder: str, susp: str, src: str, threshold: float):
    root = corpora / "reuse/pan13-train"
    truth = pan.read_features(root / folder / pan.pair_file_name(susp, src))
    found = pan.detect_texts(pan.read_text(root / "susp" / susp), pan.read_text(root / "src" / src))
    dets = [pan.Feature(susp, a0, a1 - a0, src, b0, b1 - b0) for a0, a1, b0, b1 in found]
    assert pan.evaluate(truth, dets).recall >= threshold
    # the source pages share boilerplate the ground truth does not mark: judge the detections of the case
    on_case = [d for d in dets if any(d.detects(c) for c in truth)]
    assert pan.evaluate(truth, on_case).precision >= threshold


@pytest.mark.parametrize(
    ("susp", "src"),
    [
        pytest.param("suspicious-document00017.txt", "source-document00135.txt", id="no-plagiarism"),
        # news stories on other subjects than the source's, in the summary folder without a case
        pytest.param("suspicious-document00002.txt", "source-document02516.txt", id="summary-folder"),
    ],
)
def test_a_pair_without_a_case_has_no_detection(corpora: Path, susp: str, src: str):
    root = corpora / "reuse/pan13-train"
    assert pan.detect_texts(pan.read_text(root / "susp" / susp), pan.read_text(root / "src" / src)) == []


# -- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [pytest.param("", "", id="both-empty"), pytest.param("", "Some words here.", id="one-empty"),
     pytest.param("   \n\n ", "...", id="no-words")],
)
def test_empty_texts_share_nothing(a: str, b: str):
    assert align_documents(a, b) == []


def test_min_words_must_be_positive():
    with pytest.raises(QueryError):
        align_documents("a b c", "a b c", min_words=0)


def test_an_enormous_document_is_bounded(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(reuse, "MAX_WORDS", 5_000)
    text = " ".join(f"word{i % 997} other{i % 991}" for i in range(200_000))
    prof = reuse.profile(text, max_words=reuse.MAX_WORDS)
    assert len(prof.words) == 5_000


def test_an_enormous_document_is_read_up_to_max_words(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(reuse, "MAX_WORDS", 5_000)
    text = " ".join(f"word{i}" for i in range(200_000))
    shingles = reuse.doc_shingles(text)
    assert len(shingles) == 5_000 - reuse.SHINGLE + 1
    anchors = reuse.doc_anchors(text, shingles)
    assert len(anchors.keys) == len(shingles) and anchors.ends.max() == text.index(" word5000")


def test_documents_without_words_are_counted_and_skipped(archive: Archive, corpora: Path, tmp_path: Path):
    empty = [{"title": "No paragraphs", "paragraphs": []},
             {"title": "Only punctuation", "paragraphs": [{"anchor": "p1", "text": "... — !"}]},
             {"title": "Blank", "paragraphs": [{"anchor": "p1", "text": "   "}]}]
    (tmp_path / "empty.json").write_text(json.dumps(empty), encoding="utf-8")
    report = archive.ingest([tmp_path / "empty.json", corpora / MIA / "ch01.htm", corpora / EPUB / "ch01.htm"],
                            workers=1)
    assert not report.failed, report.failed
    result = archive.reuse()
    assert {k: result.stats[k] for k in ("documents", "empty_documents", "candidate_pairs", "clusters")} == {
        "documents": 5, "empty_documents": 3, "candidate_pairs": 1, "clusters": 1
    }


def test_a_corpus_of_one_document_has_no_reuse(archive: Archive, corpora: Path):
    archive.ingest([corpora / MIA / "ch01.htm"], workers=1)
    result = archive.reuse()
    assert result.pairs == [] and result.clusters == []
    assert result.stats["documents"] == 1


def test_an_empty_archive_has_no_reuse(archive: Archive):
    assert archive.reuse().stats["candidate_pairs"] == 0


def test_unknown_author_is_refused(wage_labour: Archive):
    with pytest.raises(QueryError):
        wage_labour.reuse(author="Nobody Atall")


# -- resuming -------------------------------------------------------------------------------------


class Interrupt(Exception):
    pass


def test_an_interrupted_run_resumes_after_the_last_completed_stage(wage_labour: Archive, tmp_path: Path):
    out = tmp_path / "run"

    def stop_in_alignments(stage: str, done: int, total: int) -> None:
        if stage == "alignments" and done == 2:
            raise Interrupt

    with pytest.raises(Interrupt):
        wage_labour.reuse(out_dir=out, progress=stop_in_alignments)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["done"] == ["shingles", "candidates"]
    assert not (out / "alignments.jsonl").exists()

    stages_seen: list[str] = []
    resumed = wage_labour.reuse(out_dir=out, progress=lambda stage, done, total: stages_seen.append(stage))
    assert "shingles" not in stages_seen  # loaded from disk, not recomputed
    assert resumed.stats["resumed"] == ["shingles", "candidates"]
    fresh = wage_labour.reuse()
    assert resumed.to_dict()["pairs"] == fresh.to_dict()["pairs"]
    assert resumed.to_dict()["clusters"] == fresh.to_dict()["clusters"]
    again = wage_labour.reuse(out_dir=out)
    assert again.stats["resumed"] == ["shingles", "candidates", "alignments", "clusters"]
    assert again.to_dict()["pairs"] == fresh.to_dict()["pairs"]
