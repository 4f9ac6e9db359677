"""PAN measures on hand-made cases with answers worked out by hand, and PAN XML in and out."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from misquote import pan
from misquote.pan import Feature, Scores, evaluate

S, R = "suspicious-document00001.txt", "source-document00002.txt"


def case(this: int, this_len: int, src: int, src_len: int) -> Feature:
    return Feature(S, this, this_len, R, src, src_len)


@pytest.mark.parametrize(
    ("cases", "detections", "expected"),
    [
        pytest.param([case(0, 100, 0, 100)], [case(0, 100, 0, 100)], Scores(1, 1, 1, 1, 1, 1), id="exact"),
        # half of the case found on both sides: recall 100/200, every detected char is a case char
        pytest.param([case(0, 100, 0, 100)], [case(0, 50, 0, 50)], Scores(1, 0.5, 1, 2 / 3, 1, 1), id="half"),
        # the detection covers the case and as much again around it: precision 200/400
        pytest.param([case(100, 100, 100, 100)], [case(50, 200, 50, 200)], Scores(0.5, 1, 1, 2 / 3, 1, 1),
                     id="too-long"),
        # two detections split the case: recall 1, precision 1, granularity 2 -> F1 / log2(3)
        pytest.param([case(0, 100, 0, 100)], [case(0, 50, 0, 50), case(50, 50, 50, 50)],
                     Scores(1, 1, 2, 1 / math.log2(3), 1, 2), id="split"),
        # overlapping in the suspicious document only: no detection (PAN needs both sides)
        pytest.param([case(0, 100, 0, 100)], [case(0, 100, 500, 100)], Scores(0, 0, 1, 0, 1, 1), id="wrong-source"),
        # one case found, one missed, one false detection: recall 1/2, precision 1/2
        pytest.param([case(0, 100, 0, 100), case(1000, 100, 1000, 100)],
                     [case(0, 100, 0, 100), case(5000, 100, 5000, 100)],
                     Scores(0.5, 0.5, 1, 0.5, 2, 2), id="one-of-two"),
        pytest.param([], [], Scores(1, 1, 1, 1, 0, 0), id="nothing-to-find-nothing-found"),
        pytest.param([], [case(0, 10, 0, 10)], Scores(0, 0, 1, 0, 0, 1), id="false-alarm"),
        pytest.param([case(0, 10, 0, 10)], [], Scores(0, 0, 1, 0, 1, 0), id="miss"),
    ],
)
def test_pan_measures_on_hand_made_cases(cases, detections, expected):
    got = evaluate(cases, detections)
    assert got.to_dict() == pytest.approx(expected.to_dict())


def test_overlapping_detections_are_not_counted_twice():
    # both detections cover chars 0-60 of the case: the union (60 + 60 of 200) counts, not the sum
    got = evaluate([case(0, 100, 0, 100)], [case(0, 60, 0, 60), case(0, 60, 0, 60)])
    assert got.recall == pytest.approx(0.6)
    assert got.granularity == 2


def test_detections_round_trip_through_pan_xml(tmp_path: Path):
    dets = [case(10, 20, 30, 40), case(100, 5, 0, 7)]
    path = pan.write_detections(tmp_path, S, R, dets)
    assert path.name == "suspicious-document00001-source-document00002.xml"
    text = path.read_text(encoding="utf-8")
    assert '<document reference="suspicious-document00001.txt">' in text
    assert 'name="detected-plagiarism"' in text
    assert pan.read_features(path, "detected-plagiarism") == dets


def test_ground_truth_of_the_training_corpus(corpora: Path):
    truth = pan.read_features(
        corpora / "reuse/pan13-train/02-no-obfuscation/suspicious-document00005-source-document01090.xml"
    )
    assert truth == [Feature("suspicious-document00005.txt", 3593, 698, "source-document01090.txt", 1300, 698,
                             "none")]


def test_pan_align_writes_one_file_per_pair(tmp_path: Path, corpora: Path):
    root = corpora / "reuse/pan13-train"
    pairs = tmp_path / "pairs"
    pairs.write_text("suspicious-document00005.txt source-document01090.txt\n"
                     "suspicious-document00004.txt source-document00420.txt\n", encoding="utf-8")
    out = tmp_path / "out"
    results = pan.align_corpus(pairs, root / "src", root / "susp", out, workers=1)
    assert sorted(p.name for p in out.iterdir()) == [
        "suspicious-document00004-source-document00420.xml",
        "suspicious-document00005-source-document01090.xml",
    ]
    found = pan.read_features(out / "suspicious-document00005-source-document01090.xml", "detected-plagiarism")
    assert found == results[("suspicious-document00005.txt", "source-document01090.txt")]
    truth = pan.read_features(root / "02-no-obfuscation/suspicious-document00005-source-document01090.xml")
    assert evaluate(truth, found).recall > 0.95


def test_a_bad_pairs_file_says_which_line(tmp_path: Path):
    bad = tmp_path / "pairs"
    bad.write_text("just-one-name.txt\n", encoding="utf-8")
    with pytest.raises(pan.QueryError, match="pairs:1"):
        pan.read_pairs(bad)
