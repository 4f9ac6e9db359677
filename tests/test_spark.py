"""The Spark engine gives the local engine's results, and says clearly when Spark cannot start.

These tests need Java 17 and PySpark (the `spark` extra); CI installs both, so they never skip.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from misquote import Archive
from misquote.errors import EngineError
from misquote.spark import SparkEngine


@pytest.fixture(scope="module")
def engine():
    """One small local Spark session for the whole module (starting one costs seconds)."""
    with SparkEngine("local[2]", partitions=2) as spark:
        yield spark


@pytest.fixture(scope="module")
def marx(corpora: Path, tmp_path_factory: pytest.TempPathFactory) -> Archive:
    """A real subset of the archive, small enough for CI: two captures of Wage Labour and Capital and of
    Value, Price and Profit (7,724 words), Lenin's Karl Marx with the Gutenberg
    Manifesto and the 1859 Preface it quotes, and the seed."""
    archive = Archive(tmp_path_factory.mktemp("spark") / "a.db")
    mia, epub = corpora / "mia/html/marx/works/1847/wage-labour", corpora / "mia/epub-html/out-OEBPS"
    files = [mia / "ch01.htm", mia / "ch02.htm", mia / "intro.htm", epub / "ch01.htm", epub / "ch02.htm",
             epub / "intro.htm", corpora / "mia/html/marx/works/1865/value-price-profit/ch01.htm",
             corpora / "mia/epub-html/example-OPS/ch01.htm", corpora / "mia/html/lenin/works/1914/granat/ch02.htm",
             corpora / "mia/html/marx/works/1859/critique-pol-economy/preface.htm",
             corpora / "gutenberg/marxists/marx-communist-manifesto.txt", corpora.parent / "seed"]
    report = archive.ingest(files, workers=1)
    assert not report.failed, report.failed
    return archive


def test_spark_and_local_engines_agree(marx: Archive, engine: SparkEngine, tmp_path: Path):
    from misquote.reuse import find_reuse

    local = find_reuse(marx.store)
    spark = find_reuse(marx.store, engine=engine, out_dir=tmp_path / "run")
    assert spark.to_dict()["pairs"] == local.to_dict()["pairs"]
    assert spark.to_dict()["clusters"] == local.to_dict()["clusters"]
    # what both found: each work in its two captures, whole, and Lenin quoting Marx twice from each source
    preface, manifesto = "A Contribution to the Critique of Political Economy: Preface", "Marx Communist Manifesto"
    wages = "Wage Labour and Capital: What are Wages? How are they Determined?"
    assert [[w.title for w in c.witnesses] for c in spark.clusters] == [
        ["Karl Marx", preface], ["Karl Marx", preface], ["Karl Marx", manifesto], ["Karl Marx", manifesto],
        ["Preliminary", "Value, Price and Profit: Preliminary"],
        ["Wage Labour and Capital: Preliminary", "Wage Labour and Capital: Preliminary"], [wages, wages],
    ]
    assert any("It is not the consciousness of men that determines their being" in p["a_text"] for p in spark.pairs)
    assert max(p["words"] for p in spark.pairs) == 7724  # Value, Price and Profit, whole
    assert spark.stats["engine"] == "spark"
    same = ("documents", "empty_documents", "candidate_pairs", "document_pairs_with_reuse", "passage_pairs", "clusters")
    assert {k: spark.stats[k] for k in same} == {k: local.stats[k] for k in same}
    assert (tmp_path / "run" / "clusters.json").is_file()


class Interrupt(Exception):
    pass


def test_a_spark_run_interrupted_in_alignments_resumes_on_the_local_engine(marx: Archive, engine: SparkEngine,
                                                                           tmp_path: Path):
    from misquote.reuse import find_reuse

    def stop_in_alignments(stage: str, done: int, total: int) -> None:
        if stage == "alignments":
            raise Interrupt

    with pytest.raises(Interrupt):
        find_reuse(marx.store, engine=engine, out_dir=tmp_path / "run", progress=stop_in_alignments)
    # the stage files do not depend on the engine: the local one takes over where Spark stopped
    resumed = find_reuse(marx.store, out_dir=tmp_path / "run")
    assert resumed.stats["resumed"] == ["shingles", "candidates"]
    assert resumed.to_dict()["clusters"] == find_reuse(marx.store).to_dict()["clusters"]
    # and the session that had its job cancelled still works
    assert find_reuse(marx.store, engine=engine).to_dict()["clusters"] == resumed.to_dict()["clusters"]


def test_spark_engine_pairs_documents_like_the_local_one(marx: Archive, engine: SparkEngine):
    from misquote import reuse

    texts = {d: t for d, t in reuse.corpus_texts(marx.store).items() if t.strip()}
    shingles = engine.shingles(texts)
    assert {d: h.tolist() for d, h in shingles.items()} == {d: reuse.doc_shingles(t).tolist() for d, t in texts.items()}
    assert engine.candidates(shingles, None) == reuse.candidate_pairs(shingles, None)


def _spark_in_subprocess(master: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = (
        "from misquote.spark import SparkEngine\n"
        "from misquote.errors import EngineError\n"
        "try:\n"
        f"    SparkEngine({master!r}).stop()\n"
        "except EngineError as exc:\n"
        "    print('ENGINE-ERROR', exc)\n"
    )
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_a_bad_master_url_is_an_engine_error():
    # in a fresh process: in this one, a running session would be reused whatever the master
    done = _spark_in_subprocess("nonsense://nowhere", dict(os.environ))
    assert "ENGINE-ERROR" in done.stdout, done.stderr[-2000:]
    assert "--engine local" in done.stdout
    assert "nonsense://nowhere" in done.stdout


def test_missing_java_is_an_engine_error(tmp_path: Path):
    env = {k: v for k, v in os.environ.items() if k not in ("JAVA_HOME", "SPARK_HOME")}
    env["JAVA_HOME"] = str(tmp_path / "no-java")
    env["PATH"] = str(Path(sys.executable).parent)  # the venv's python, and no java
    done = _spark_in_subprocess("local[1]", env)
    assert "ENGINE-ERROR" in done.stdout, done.stderr[-2000:]
    assert "Java" in done.stdout and "--engine local" in done.stdout


def test_spark_engine_error_reaches_the_archive_api(marx: Archive, monkeypatch: pytest.MonkeyPatch):
    import misquote.spark as spark

    def fail(*args, **kwargs):
        raise EngineError("Spark could not start; run with --engine local instead")

    monkeypatch.setattr(spark, "SparkEngine", fail)
    with pytest.raises(EngineError, match="--engine local"):
        marx.reuse(engine="spark")
