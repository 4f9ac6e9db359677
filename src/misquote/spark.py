"""The reuse pipeline on PySpark: the same stages as `reuse.find_reuse`, with the work spread over executors.

Shingling, candidate pairing, locating the shared shingles and alignment run on Spark; the functions
the executors run are the pure ones of `reuse` (`doc_shingles`, `pair_counts`, `wanted`, `doc_anchors`,
`align_candidates`), so the results are those of the local engine. Texts and shingle positions travel to
the executors as broadcast variables (archives are megabytes, not terabytes); clustering, cheap and
global, runs on the driver, as do the stage files. Progress comes from the tasks Spark has finished.

    from misquote.spark import SparkEngine
    with SparkEngine("local[2]") as engine:
        result = reuse.find_reuse(store, engine=engine)
"""

from __future__ import annotations

import itertools
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from misquote import reuse
from misquote.errors import EngineError

HINT = "run with --engine local instead"
_jobs = itertools.count(1)


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

    def _collect(self, stage: str, rdd: Any, total: int, progress: reuse.Progress | None) -> list[Any]:
        """`rdd.collect()`, calling progress(stage, done, total) as Spark finishes the job's tasks."""
        if progress is None:
            return self._run(stage, rdd.collect)
        group = f"misquote-{stage}-{next(_jobs)}"

        def job() -> list[Any]:
            self.sc.setJobGroup(group, f"misquote reuse: {stage}", interruptOnCancel=True)
            return rdd.collect()

        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(self._run, stage, job)
            try:
                while True:
                    try:
                        rows: list[Any] = future.result(timeout=0.25)
                        break
                    except TimeoutError:
                        done, tasks = self._tasks(group)
                        if tasks:
                            progress(stage, total * done // tasks, total)
            except BaseException:  # an interrupted run must not leave its job running
                self.sc.cancelJobGroup(group)
                raise
        progress(stage, total, total)
        return rows

    def _spread(self, items: list[Any]) -> Any:
        """An RDD of `items` (costliest first) in many small partitions, dealt in turn: a few whole books are
        most of the work, and one task must not get them all while the others wait. A task costs some tens
        of milliseconds however small, so a small input gets few."""
        tasks = max(1, min(self.partitions * 16, len(items) // 8))
        return self.sc.parallelize([items[k::tasks] for k in range(tasks)], tasks).flatMap(lambda bucket: bucket)

    def _tasks(self, group: str) -> tuple[int, int]:
        """Tasks finished and tasks in all of a job group's stages."""
        tracker = self.sc.statusTracker()
        done = tasks = 0
        for job_id in tracker.getJobIdsForGroup(group):
            job = tracker.getJobInfo(job_id)
            for stage_id in job.stageIds if job else ():
                info = tracker.getStageInfo(stage_id)
                if info:
                    done, tasks = done + info.numCompletedTasks, tasks + info.numTasks
        return done, tasks

    def shingles(self, texts: dict[int, str], progress: reuse.Progress | None = None) -> dict[int, np.ndarray]:
        """Each document's shingle hashes."""
        rdd = self._spread(sorted(texts.items(), key=lambda kv: -len(kv[1]))).mapValues(reuse.doc_shingles)
        return dict(self._collect("shingles", rdd, len(texts), progress))

    def candidates(
        self, shingles: dict[int, np.ndarray], focus: frozenset[int] | None, progress: reuse.Progress | None = None
    ) -> list[tuple[int, int, int]]:
        """Document pairs sharing enough rare shingles, as (a, b, shared), sorted.

        The hashes are split into buckets by value, each bucket's postings counted at once by
        `reuse.pair_counts` (a hash lives in one bucket, so the counts add up), then summed per pair.
        """
        buckets = self.partitions * 4

        def split(doc: int, hashes: np.ndarray) -> list[tuple[int, tuple[int, np.ndarray]]]:
            return [(k, (doc, hashes[hashes % buckets == k])) for k in range(buckets)]

        counts = (
            self.sc.parallelize(sorted(shingles.items()), self.partitions)
            .flatMap(lambda kv: split(*kv))
            .groupByKey(buckets)
            .flatMap(lambda kv: reuse.pair_counts(dict(kv[1])).items())
            .reduceByKey(lambda x, y: x + y, self.partitions)
            .filter(lambda kv: reuse.wanted(kv[0], kv[1], focus))
        )
        return sorted((a, b, n) for (a, b), n in self._collect("candidates", counts, len(shingles), progress))

    def align(
        self,
        candidates: list[tuple[int, int, int]],
        texts: dict[int, str],
        shingles: dict[int, np.ndarray],
        min_words: int,
        progress: reuse.Progress | None = None,
    ) -> list[dict[str, Any]]:
        """Locate the shared shingles of each document, then align the candidate pairs, both on the executors."""
        if not candidates:
            return []
        needed = sorted({d for a, b, _ in candidates for d in (a, b)})
        keep = self.sc.broadcast(reuse.shared_hashes(shingles))
        by_size = sorted(((d, texts[d]) for d in needed), key=lambda kv: -len(kv[1]))
        located = self._spread(by_size).mapValues(lambda text: reuse.doc_anchors(text, keep.value))
        try:
            anchors = dict(self._collect("anchors", located, len(needed), progress))
        finally:
            keep.unpersist()
        shared = self.sc.broadcast(({d: texts[d] for d in needed}, anchors))
        by_cost = sorted(candidates, key=lambda c: (-c[2], c[0], c[1]))  # the more shared shingles, the more work
        rdd = self._spread(by_cost).mapPartitions(
            lambda part: reuse.align_candidates(part, shared.value[0], shared.value[1], min_words)
        )
        try:
            rows = self._collect("alignments", rdd, len(candidates), progress)
        finally:
            shared.unpersist()
        return [row for row in rows if row["passages"]]


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0] if text else type(exc).__name__)[:300]


def find_reuse(store: Any, *, master: str | None = None, **kwargs: Any) -> reuse.ReuseResult:
    """`reuse.find_reuse` with its heavy stages on Spark (`master` as for spark-submit; default local[*])."""
    with SparkEngine(master) as engine:
        return reuse.find_reuse(store, engine=engine, **kwargs)
