"""PAN text-alignment corpora: reading pairs and ground truth, writing detections, and the PAN measures.

A PAN text-alignment corpus (Potthast et al.) is a `pairs` file ("suspicious-documentXXXXX.txt
source-documentYYYYY.txt" per line), the folders `src/` and `susp/`, and one XML file per pair
listing its plagiarism cases as character ranges in both documents. Detections are written in the
same XML shape, one file per pair, so PAN's own evaluator can score them too.

The measures follow Potthast, Stein, Barrón-Cedeño and Rosso, "An Evaluation Framework for
Plagiarism Detection" (COLING 2010): a case and a detection are sets of characters in the suspicious
and the source document; a detection *detects* a case when they overlap in both documents;
macro precision and recall average, per detection and per case, the share of its characters the
other side covers; granularity is the mean number of detections per detected case; and
PlagDet = F1 / log2(1 + granularity).
"""

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from misquote import pools
from misquote.errors import QueryError

if TYPE_CHECKING:
    from misquote.reuse import Profile


@dataclass(frozen=True)
class Feature:
    """A plagiarism case or a detection: a character range of the suspicious and of the source document."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    obfuscation: str = ""

    @property
    def pair(self) -> tuple[str, str]:
        return self.this_reference, self.source_reference

    def detects(self, other: Feature) -> bool:
        """True when the two overlap in the suspicious and in the source document (PAN's `is_overlapping`)."""
        return (
            self.pair == other.pair
            and _overlap(self.this_offset, self.this_length, other.this_offset, other.this_length) > 0
            and _overlap(self.source_offset, self.source_length, other.source_offset, other.source_length) > 0
        )


@dataclass
class Scores:
    """PAN's measures over a set of cases and detections."""

    precision: float
    recall: float
    granularity: float
    plagdet: float
    cases: int
    detections: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "precision": self.precision,
            "recall": self.recall,
            "granularity": self.granularity,
            "plagdet": self.plagdet,
            "cases": self.cases,
            "detections": self.detections,
        }


def _overlap(a: int, alen: int, b: int, blen: int) -> int:
    return max(0, min(a + alen, b + blen) - max(a, b))


def _union_length(ranges: Iterable[tuple[int, int]]) -> int:
    """Characters covered by a set of [start, end) ranges."""
    total, cur_start, cur_end = 0, None, None
    for start, end in sorted(r for r in ranges if r[1] > r[0]):
        if cur_end is None or start > cur_end:
            if cur_end is not None and cur_start is not None:
                total += cur_end - cur_start
            cur_start, cur_end = start, end
        else:
            cur_end = max(cur_end, end)
    if cur_end is not None and cur_start is not None:
        total += cur_end - cur_start
    return total


def _covered(target: Feature, others: Iterable[Feature]) -> int:
    """Characters of `target` (suspicious + source side) inside the `others` that detect it."""
    this: list[tuple[int, int]] = []
    source: list[tuple[int, int]] = []
    for o in others:
        this.append((max(target.this_offset, o.this_offset),
                     min(target.this_offset + target.this_length, o.this_offset + o.this_length)))
        source.append((max(target.source_offset, o.source_offset),
                       min(target.source_offset + target.source_length, o.source_offset + o.source_length)))
    return _union_length(this) + _union_length(source)


def evaluate(cases: Sequence[Feature], detections: Sequence[Feature]) -> Scores:
    """Macro precision, recall, granularity and PlagDet of `detections` against the ground-truth `cases`.

    With neither cases nor detections everything is perfect (1, 1, 1, 1); with one side empty,
    precision and recall are 0, as in PAN's evaluator.
    """
    by_pair: dict[tuple[str, str], list[Feature]] = defaultdict(list)
    for d in detections:
        by_pair[d.pair].append(d)
    cases_by_pair: dict[tuple[str, str], list[Feature]] = defaultdict(list)
    for c in cases:
        cases_by_pair[c.pair].append(c)
    if not cases and not detections:
        return Scores(1.0, 1.0, 1.0, 1.0, 0, 0)
    recall = precision = 0.0
    detected_counts: list[int] = []
    for case in cases:
        hits = [d for d in by_pair[case.pair] if case.detects(d)]
        recall += _covered(case, hits) / (case.this_length + case.source_length)
        if hits:
            detected_counts.append(len(hits))
    for det in detections:
        hits = [c for c in cases_by_pair[det.pair] if det.detects(c)]
        precision += _covered(det, hits) / max(1, det.this_length + det.source_length)
    rec = recall / len(cases) if cases else 0.0
    prec = precision / len(detections) if detections else 0.0
    gran = sum(detected_counts) / len(detected_counts) if detected_counts else 1.0
    return Scores(prec, rec, gran, plagdet(prec, rec, gran), len(cases), len(detections))


def plagdet(precision: float, recall: float, granularity: float) -> float:
    """F1 of precision and recall, discounted by log2(1 + granularity)."""
    if precision <= 0 or recall <= 0 or granularity < 1:
        return 0.0
    f1 = 2 * precision * recall / (precision + recall)
    return f1 / math.log2(1 + granularity)


# -- corpus files -------------------------------------------------------------------------------


def read_pairs(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The (suspicious, source) file names of a PAN `pairs` file."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise QueryError(f"cannot read the pairs file {path}: {exc.strerror or exc}") from exc
    pairs: list[tuple[str, str]] = []
    for number, line in enumerate(lines, start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise QueryError(f"{path}:{number}: expected 'suspicious-document.txt source-document.txt'")
        pairs.append((parts[0], parts[1]))
    return pairs


def read_features(path: str | os.PathLike[str], name: str = "plagiarism") -> list[Feature]:
    """The features called `name` (`plagiarism` in ground truth, `detected-plagiarism` in output) of one XML file."""
    root = ET.parse(path).getroot()
    this = root.get("reference", "")
    out: list[Feature] = []
    for f in root.iter("feature"):
        if f.get("name") != name:
            continue
        out.append(
            Feature(
                this, int(f.get("this_offset", 0)), int(f.get("this_length", 0)),
                f.get("source_reference", ""), int(f.get("source_offset", 0)), int(f.get("source_length", 0)),
                f.get("obfuscation") or f.get("type", ""),
            )
        )
    return out


def pair_file_name(susp: str, src: str) -> str:
    """`suspicious-documentXXXXX-source-documentYYYYY.xml` for a pair."""
    return f"{Path(susp).stem}-{Path(src).stem}.xml"


def write_detections(out_dir: str | os.PathLike[str], susp: str, src: str, detections: Sequence[Feature]) -> Path:
    """Write one pair's detections as a PAN XML file and return its path."""
    root = ET.Element("document", reference=susp)
    for d in detections:
        ET.SubElement(
            root, "feature", name="detected-plagiarism",
            this_offset=str(d.this_offset), this_length=str(d.this_length),
            source_reference=src, source_offset=str(d.source_offset), source_length=str(d.source_length),
        )
    path = Path(out_dir) / pair_file_name(susp, src)
    ET.ElementTree(root).write(path, encoding="utf-8", xml_declaration=True)
    return path


def read_truth(corpus: str | os.PathLike[str]) -> dict[str, list[tuple[tuple[str, str], list[Feature]]]]:
    """Per class folder of a corpus (`02-no-obfuscation`...), its pairs with their ground-truth cases."""
    out: dict[str, list[tuple[tuple[str, str], list[Feature]]]] = {}
    for folder in sorted(p for p in Path(corpus).iterdir() if p.is_dir() and (p / "pairs").is_file()):
        out[folder.name] = [
            ((susp, src), read_features(folder / pair_file_name(susp, src)))
            for susp, src in read_pairs(folder / "pairs")
        ]
    return out


# -- detecting ----------------------------------------------------------------------------------

Progress = Callable[[int, int], None]


def read_text(path: Path) -> str:
    """A corpus document as PAN counts its characters (UTF-8, newlines kept as they are)."""
    with open(path, encoding="utf-8", errors="replace", newline="") as f:
        return f.read()


Detector = Callable[[str, str], list[tuple[int, int, int, int]]]
"""(suspicious text, source text) -> detected (this_start, this_end, source_start, source_end) char ranges."""


def detect_texts(susp: str, src: str) -> list[tuple[int, int, int, int]]:
    """misquote's alignment with the parameters tuned for PAN (`reuse.PAN`)."""
    from misquote.reuse import PAN, align_profiles, profile

    found = align_profiles(_suspicious(susp), profile(src, PAN), PAN, with_text=False)
    return [(p.a_start, p.a_end, p.b_start, p.b_end) for p in found]


@lru_cache(maxsize=2)
def _suspicious(text: str) -> Profile:
    """A suspicious document's profile, kept for its next pairs: a corpus pairs each with several sources."""
    from misquote.reuse import PAN, profile

    return profile(text, PAN)


def _detect_job(job: tuple[str, str, str, list[str], Detector | None]) -> list[tuple[str, str, list[Feature]]]:
    """All pairs of one suspicious document (read once) in a worker process."""
    susp_dir, src_dir, susp, sources, detector = job
    detect = detector or detect_texts
    susp_text = read_text(Path(susp_dir) / susp)
    out = []
    for src in sources:
        found = detect(susp_text, read_text(Path(src_dir) / src))
        out.append((susp, src, [Feature(susp, a0, a1 - a0, src, b0, b1 - b0) for a0, a1, b0, b1 in found]))
    return out


def detect_corpus(
    pairs: Sequence[tuple[str, str]],
    src_dir: str | os.PathLike[str],
    susp_dir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
    detector: Detector | None = None,
) -> dict[tuple[str, str], list[Feature]]:
    """Detections for every pair, computed on `workers` processes (default: every core)."""
    for folder, what in ((src_dir, "--src"), (susp_dir, "--susp")):
        if not Path(folder).is_dir():
            raise QueryError(f"{what} {folder} is not a folder")
    by_susp: dict[str, list[str]] = defaultdict(list)
    for susp, src in pairs:
        by_susp[susp].append(src)
    jobs = [(str(susp_dir), str(src_dir), susp, srcs, detector) for susp, srcs in sorted(by_susp.items())]
    workers = pools.size(workers or None)
    out: dict[tuple[str, str], list[Feature]] = {}
    if workers <= 1:
        results: Iterable[list[tuple[str, str, list[Feature]]]] = map(_detect_job, jobs)
        pool = None
    else:
        pool = pools.forked(workers)
        results = pool.map(_detect_job, jobs, chunksize=4)
    try:
        for group in results:
            for susp, src, dets in group:
                out[(susp, src)] = dets
            if progress:
                progress(len(out), len(pairs))
    finally:
        if pool is not None:
            pool.shutdown()
    return {pair: out[pair] for pair in pairs}


def align_corpus(
    pairs_file: str | os.PathLike[str],
    src_dir: str | os.PathLike[str],
    susp_dir: str | os.PathLike[str],
    out_dir: str | os.PathLike[str],
    *,
    workers: int | None = None,
    progress: Progress | None = None,
) -> dict[tuple[str, str], list[Feature]]:
    """Run the alignment over a PAN corpus and write one detection XML file per pair into `out_dir`."""
    pairs = read_pairs(pairs_file)
    for susp, src in pairs:
        for folder, name in ((susp_dir, susp), (src_dir, src)):
            if not (Path(folder) / name).is_file():
                raise QueryError(f"{name} (listed in {pairs_file}) is not in {folder}")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    results = detect_corpus(pairs, src_dir, susp_dir, workers=workers, progress=progress)
    for (susp, src), dets in results.items():
        write_detections(out_dir, susp, src, dets)
    return results
