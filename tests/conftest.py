"""Shared fixtures: where the real corpora are, and a fresh archive per test."""

from __future__ import annotations

from pathlib import Path

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


@pytest.fixture
def archive(tmp_path: Path):
    """A fresh, empty archive for one test."""
    from misquote import Archive

    with Archive(tmp_path / "archive.db") as a:
        yield a


@pytest.fixture
def seeded(archive):
    """An archive holding the founding document, the Sedova letter."""
    archive.ingest_one(SEED)
    return archive
