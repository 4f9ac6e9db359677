"""The reuse pipeline on PySpark: the same stages as `reuse.find_reuse`, with the work spread over executors.

Shingling, candidate pairing and alignment run on Spark; the functions the executors run are the
pure ones of `reuse` (`doc_shingles`, `posting_pairs`, `wanted`, `align_candidates`), so the results
are those of the local engine. Texts travel to the executors as a broadcast variable (archives are
megabytes, not terabytes); clustering, cheap and global, runs on the driver, as do the stage files.

    from misquote.spark import SparkEngine
    with SparkEngine("local[2]") as engine:
        result = reuse.find_reuse(store, engine=engine)
"""

from __future__ import annotations

import os
import sys
from typing import Any

from misquote import reuse
from misquote.errors import EngineError

HINT = "run with --engine local instead"


class SparkEngine:
    """A Spark session that runs the shingle, candidate and alignment stages of a reuse run."""

    name = "spark"

    def __init__(self, master: str | None = None, *, partitions: int | None = None, app: str = "misquote") -> None:
        self.master = master or os.environ.get("MISQUOTE_SPARK_MASTER") or "local[*]"
        try:
            from pyspark.sql import SparkSession
        except ImportError as exc:
            raise EngineError(f"PySpark is not installed (pip install 'misquote[spark]'), or {HINT}") from exc
        # executors run this interpreter, which has misquote installed
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
        try:
            self.session = (
                SparkSession.builder.master(self.master)
                .appName(app)
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.sql.shuffle.partitions", str(partitions or 4))
                .config("spark.driver.memory", os.environ.get("MISQUOTE_SPARK_MEMORY", "2g"))
                .getOrCreate()
            )
            self.sc = self.session.sparkContext
            self.sc.setLogLevel("ERROR")
            self.partitions = partitions or max(2, self.sc.defaultParallelism)
        except Exception as exc:  # Java missing, bad master URL, port trouble: all end here
            raise EngineError(
                f"Spark could not start with master {self.master!r} ({_first_line(exc)}); "
                f"check that Java 17 is installed (java -version) and the master URL, or {HINT}"
            ) from exc

    def __enter__(self) -> SparkEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        self.session.stop()

    def _run(self, what: str, job: Any) -> Any:
        try:
            return job()
        except EngineError:
            raise
        except Exception as exc:
            raise EngineError(f"the Spark job for {what} failed ({_first_line(exc)}); {HINT}") from exc

    def shingles(self, texts: dict[int, str]) -> dict[int, list[int]]:
        """Each document's shingle hashes."""
        rdd = self.sc.parallelize(sorted(texts.items()), self.partitions)
        return self._run("shingles", lambda: dict(rdd.mapValues(reuse.doc_shingles).collect()))

    def candidates(self, shingles: dict[int, list[int]], focus: frozenset[int] | None) -> list[tuple[int, int, int]]:
        """Document pairs sharing enough rare shingles, as (a, b, shared), sorted."""
        rdd = self.sc.parallelize(sorted(shingles.items()), self.partitions)

        def job() -> list[tuple[int, int, int]]:
            counts = (
                rdd.flatMap(lambda kv: [(h, kv[0]) for h in kv[1]])
                .groupByKey(self.partitions)
                .flatMap(lambda kv: [(pair, 1) for pair in reuse.posting_pairs(list(kv[1]))])
                .reduceByKey(lambda x, y: x + y, self.partitions)
                .filter(lambda kv: reuse.wanted(kv[0], kv[1], focus))
                .collect()
            )
            return sorted((a, b, n) for (a, b), n in counts)

        return self._run("candidate pairs", job)

    def align(
        self, candidates: list[tuple[int, int, int]], texts: dict[int, str], min_words: int, progress: Any = None
    ) -> list[dict[str, Any]]:
        """Align the candidate pairs on the executors (pairs of one document stay together for its profile cache)."""
        if not candidates:
            return []
        needed = {d for a, b, _ in candidates for d in (a, b)}
        shared = self.sc.broadcast({d: texts[d] for d in needed})
        rdd = self.sc.parallelize(candidates, min(self.partitions * 4, len(candidates)))

        def job() -> list[dict[str, Any]]:
            rows = rdd.mapPartitions(lambda part: reuse.align_candidates(part, shared.value, min_words)).collect()
            return [row for row in rows if row["passages"]]

        try:
            out: list[dict[str, Any]] = self._run("alignments", job)
        finally:
            shared.unpersist()
        if progress:
            progress("alignments", len(candidates), len(candidates))
        return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def find_reuse(store: Any, *, master: str | None = None, **kwargs: Any) -> reuse.ReuseResult:
    """`reuse.find_reuse` with its heavy stages on Spark (`master` as for spark-submit; default local[*])."""
    with SparkEngine(master) as engine:
        return reuse.find_reuse(store, engine=engine, **kwargs)
