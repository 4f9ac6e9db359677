"""Shared fixtures: where the real corpora are, and a fresh archive per test."""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPORA = SHARED / "corpora"
SEED = SHARED / "seed" / "sedova-corrections-to-france-soir-1961.txt"


@pytest.fixture(scope="session")
def corpora() -> Path:
    """The read-only real corpora beside the checkout; a missing folder is an error, not a skip."""
    assert CORPORA.is_dir(), f"{CORPORA} is missing: the tests read the real corpora in ../shared"
    return CORPORA


PG_ENV = "MISQUOTE_TEST_PG"
BACKENDS = ["sqlite", "postgresql"]


def postgres_base_url() -> str:
    """The test server's URL from $MISQUOTE_TEST_PG; unset is a failure, never a skip."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.fail(
            f"{PG_ENV} is not set: the PostgreSQL half of the suite needs a server; start one with "
            f'export {PG_ENV}="$(scripts/pg-test-server)"',
            pytrace=False,
        )
    return url


@contextmanager
def postgres_schema(base: str | None = None) -> Iterator[str]:
    """A URL whose search_path is a fresh schema of the test database, dropped afterwards."""
    import psycopg

    from misquote.store.postgres import scratch_schema

    base = base or postgres_base_url()
    # unaccent in public, shared by every test schema (dropping one must not take it along)
    with psycopg.connect(base, autocommit=True) as conn, suppress(psycopg.Error):
        conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA public")
    with scratch_schema(base, "test") as url:
        yield url


@contextmanager
def database_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of the given backend: an SQLite file or a PostgreSQL schema."""
    if backend == "sqlite":
        yield str(tmp_path / "archive.db")
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL, once per backend."""
    with database_url(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def archive(db_url: str):
    """A fresh, empty archive for one test, once on SQLite and once on PostgreSQL."""
    from misquote import Archive

    with Archive(db_url) as a:
        yield a


@pytest.fixture
def seeded(archive):
    """An archive holding the founding document, the Sedova letter."""
    archive.ingest_one(SEED)
    return archive


def extract_bench() -> ModuleType:
    """bench/extract.py as a module: the corpus tests reuse its gold loaders and its scorer."""
    spec = importlib.util.spec_from_file_location("bench_extract", ROOT / "bench" / "extract.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module
