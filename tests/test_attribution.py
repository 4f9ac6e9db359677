"""misquote.attribution: the attribution model, on hand-made sentences, a generated corpus and PolNeAR."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import pytest
from conftest import extract_bench

from misquote.attribution import (
    MODEL,
    Model,
    Reported,
    _read,
    _Types,
    is_english,
    labels,
    main,
    may_be_french,
    read_brat,
    reported,
    shipped,
)
from misquote.extract import quotations

ROOT = Path(__file__).resolve().parents[1]


def attributions(text: str, model: Model | None = None) -> list[tuple[str, str | None]]:
    """(content, source) as written, for every attribution the model finds."""
    return [(text[r.content_start:r.content_end],
             text[r.source_start:r.source_end] if r.source_start is not None else None)
            for r in reported(text, model=model)]


# ---------------------------------------------------------------------------------------------- examples


@pytest.mark.parametrize(
    ("text", "found"),
    [
        pytest.param("The senator said the bill would fail.", [("the bill would fail", "The senator")],
                     id="said-clause"),
        pytest.param("Many voters believe that the economy is weak.", [("that the economy is weak", "Many voters")],
                     id="believe-that"),
        pytest.param("The mayor told reporters that the bridge would reopen in May.",
                     [("that the bridge would reopen in May", "The mayor")], id="told-that"),
        pytest.param("The senator hopes to pass the bill in May.", [("to pass the bill in May", "The senator")],
                     id="hopes-to"),
    ],
)
def test_reported_speech_and_its_source(text: str, found: list[tuple[str, str | None]]) -> None:
    assert attributions(text) == found


def test_extraction_keeps_the_whole_clause_of_a_rule() -> None:
    # the model reads `witness` as a cue of its own here; the speech-verb rule's start wins the overlap
    (found,) = quotations("Sedova hopes to witness the rehabilitation of Trotsky.")
    assert (found.kind, found.text, found.speaker) == ("indirect", "to witness the rehabilitation of Trotsky", "Sedova")


def test_a_rule_and_the_model_on_one_clause_give_the_rule_start_and_the_model_end(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # the rule runs to the end of the sentence; the model stops where the reported clause does
    text = "The mayor said the bridge would reopen in May, and thanked the crews for their work."
    model_says = [Reported(text.index("bridge"), text.index(", and"), None, None)]
    monkeypatch.setattr("misquote.attribution.reported", lambda *_: model_says)
    (found,) = quotations(text)
    assert (found.kind, found.text, found.speaker) == ("indirect", "the bridge would reopen in May", "The mayor")


def test_the_speaker_of_a_quote_is_no_reported_content(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "“The bridge will reopen in May,” said Ada Morel. The crews were already at work."
    model_says = [Reported(text.index("Ada"), text.index(". The"), None, None)]
    monkeypatch.setattr("misquote.attribution.reported", lambda *_: model_says)
    assert [(q.kind, q.speaker) for q in quotations(text)] == [("direct", "Ada Morel")]


def test_a_lone_word_without_a_source_is_no_attribution(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "The council met on Tuesday and put the budget to a vote after a long debate."
    model_says = [Reported(text.index("budget"), text.index(" to a"), None, None)]
    monkeypatch.setattr("misquote.attribution.reported", lambda *_: model_says)
    assert [q for q in quotations(text) if q.kind == "indirect"] == []
    model_says[0] = Reported(text.index("the budget"), text.index(" to a"), None, None)
    assert [q.text for q in quotations(text) if q.kind == "indirect"] == ["the budget"]


def test_plain_narration_has_no_attribution() -> None:
    assert attributions("The committee met on Tuesday and discussed the budget in some detail.") == []


def test_only_the_given_paragraphs_are_read() -> None:
    text = "The senator said the bill would fail.\n\nThe mayor said the bridge would reopen."
    second = (text.index("The mayor"), len(text))
    assert [text[r.content_start:r.content_end] for r in reported(text, [second])] == ["the bridge would reopen"]


def test_extraction_takes_the_speaker_from_the_model_source() -> None:
    text = "Ada Morel spoke at length on Monday.\n\nShe said the archive would open next year."
    (found,) = quotations(text)
    assert (found.kind, found.text, found.speaker) == ("indirect", "the archive would open next year", "Ada Morel")


@pytest.mark.parametrize(
    ("text", "english"),
    [
        pytest.param("The senator said the bill would fail.", True, id="english"),
        pytest.param("Mme Sedova estime que le journaliste a menti.", False, id="french"),
        pytest.param("« Nous verrons », a répondu M. Juppé.", False, id="french-accents"),
    ],
)
def test_is_english(text: str, english: bool) -> None:
    assert is_english(text) is english


def test_a_text_without_french_words_is_english_throughout() -> None:
    text = "The senator said the bill would fail.\n\nThe mayor agreed."
    assert not may_be_french(text)
    assert may_be_french(text + "\n\nLe maire a dit que le pont est fermé.")


def test_a_content_ends_with_its_sentence() -> None:
    text = "The senator said the bill would fail. It was a long day in the capital for everyone involved."
    assert attributions(text) == [("the bill would fail", "The senator")]


def test_a_content_stops_before_its_end_mark() -> None:
    text = "The mayor said the bridge would reopen in May. ''It is safe,'' he added."
    assert [content for content, _ in attributions(text)] == ["the bridge would reopen in May"]


def test_two_apostrophes_quote_like_a_double_mark() -> None:
    text = "Mr. Bell said the harbor would close. ''We have no money left,'' he said. ''None.'' Then he left."
    toks = _read(text, [(0, len(text))], _Types())
    assert [toks.words[i] for i in toks.sentences.tolist()] == ["Mr.", "'", "'", "Then"]
    inside = [w for w, q in zip(toks.words, toks.cats["q"].tolist(), strict=True) if q == 1]
    assert inside == ["'", "We", "have", "no", "money", "left", ",", "'", "None", "."]
    text = "Mr. Bell's dog and the Joneses' cat."  # a lone apostrophe is no mark
    assert _read(text, [(0, len(text))], _Types()).cats["q"].tolist() == [0] * 9


def _best_path(emit: np.ndarray, transitions: np.ndarray) -> list[int]:
    """Viterbi, one sequence, the textbook way."""
    delta, back = emit[0], []
    for row in emit[1:]:
        cand = delta[:, None] + transitions
        back.append(cand.argmax(0))
        delta = cand.max(0) + row
    path = [int(delta.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    return path[::-1]


def test_batched_viterbi_decodes_each_sequence_as_alone() -> None:
    model, rng = shipped(), np.random.default_rng(7)
    for _ in range(20):
        lengths = rng.integers(1, 30, size=rng.integers(1, 8))
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
        emit = 3 * rng.normal(size=(int(lengths.sum()), len(model.labels)))
        path = np.zeros(len(emit), dtype=np.int64)
        model._viterbi(emit, starts, lengths, path)
        assert path.tolist() == [label for a, n in zip(starts, lengths, strict=True)
                                 for label in _best_path(emit[a:a + n], model.transitions)]


def test_the_model_ships_with_the_package() -> None:
    assert (files("misquote") / "models" / MODEL).is_file()
    model = shipped()
    assert sorted(model.labels) == ["B-CONTENT", "B-CUE", "B-SOURCE", "I-CONTENT", "I-CUE", "I-SOURCE", "O"]


# ---------------------------------------------------------------------------------------------- training

ANN = """T1\tSource 0 5\tLinna
T2\tCue 6 10\tsaid
T3\tContent 11 33\tthe harbor would close
T4\tAttribution 6 10\tsaid
E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1
T5\tSource 46 48\the
T6\tCue 49 54\tadded
T7\tContent 35 44;56 66\tThe ferry would stop
T8\tAttribution 49 54\tadded
E2\tAttribution:T8 Content:T7 Cue:T6 Source:T5
"""


def test_brat_fragments_and_their_bio_labels() -> None:
    text = "Linna said the harbor would close. The ferry, he added, would stop."
    fragments = read_brat(ANN)
    assert ("Source", 0, 5, "E1") in fragments
    assert ("Content", 56, 66, "E2") in fragments  # the second part of a split content
    spans = [m.span() for m in re.finditer(r"\w+|[^\w\s]", text)]
    assert labels(spans, fragments) == [
        "B-SOURCE", "B-CUE", "B-CONTENT", "I-CONTENT", "I-CONTENT", "I-CONTENT", "O",
        "B-CONTENT", "I-CONTENT", "O", "B-SOURCE", "B-CUE", "O", "I-CONTENT", "I-CONTENT", "O",
    ]  # `would stop` resumes the content after `he added`: I, not B


PEOPLE = ["Linna", "Tovar", "Okafor", "Brisk", "Maelle", "Quist", "Ravel", "Sorne"]
VERBS = ["said", "argued", "believes", "warned", "claimed", "insisted"]
THINGS = ["harbor", "ferry", "museum", "library", "market", "bridge"]
FATES = ["would close", "will reopen", "was too expensive", "needs repairs", "stays open"]


def _corpus(folder: Path, articles: int) -> None:
    """A PolNeAR-shaped split of generated articles: one attribution and one plain sentence a paragraph."""
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    for n in range(articles):
        text, ann = "", []
        for k in range(4):
            who, verb = PEOPLE[(n + k) % len(PEOPLE)], VERBS[(n * 3 + k) % len(VERBS)]
            clause = f"the {THINGS[(n + 2 * k) % len(THINGS)]} {FATES[(n + k) % len(FATES)]}"
            start = len(text)
            sentence = f"{who} {verb} {clause}. The weather was mild in {THINGS[k]} town."
            cue = start + len(who) + 1
            content = cue + len(verb) + 1
            t = 4 * k
            ann += [f"T{t + 1}\tSource {start} {start + len(who)}\t{who}",
                    f"T{t + 2}\tCue {cue} {cue + len(verb)}\t{verb}",
                    f"T{t + 3}\tContent {content} {content + len(clause)}\t{clause}",
                    f"E{k + 1}\tAttribution:T{t + 2} Content:T{t + 3} Cue:T{t + 2} Source:T{t + 1}"]
            text += sentence + "\n\n"
        (folder / "text" / f"gen_{n:03d}.txt").write_text(text, encoding="utf-8")
        (folder / "attributions" / f"gen_{n:03d}_ab12.ann").write_text("\n".join(ann) + "\n", encoding="utf-8")


def test_training_on_a_small_corpus_gives_a_working_deterministic_model(tmp_path: Path) -> None:
    _corpus(tmp_path / "train", 30)
    first, second = tmp_path / "first.npz", tmp_path / "second.npz"
    assert main(["train", str(tmp_path / "train"), "--out", str(first), "--iterations", "30"]) == 0
    assert main(["train", str(tmp_path / "train"), "--out", str(second), "--iterations", "30"]) == 0
    assert first.read_bytes() == second.read_bytes()
    model = Model.load(first)
    text = "Quist warned the library was too expensive. The weather was mild in harbor town."
    assert attributions(text, model) == [("the library was too expensive", "Quist")]


# ---------------------------------------------------------------------------------------------- corpus


def test_polnear_dev_indirect_attributions(corpora: Path) -> None:
    bench = extract_bench()
    score = bench.score(quotations, bench.polnear("dev"), "polnear")
    _, _, f1 = score.f1(score.ind_hit, score.ind_gold, score.ind_pred)
    assert f1 >= F1_INDIRECT_POLNEAR


# Measured by bench/extract.py on PolNeAR dev, minus a margin.
F1_INDIRECT_POLNEAR = 0.55
