"""Readers: one per format, each turning a file's bytes into Documents or raising IngestError.

The registry is a plain dict from format name to reader; `sniff` picks one from the file name and
its first bytes, and `--format` overrides it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from misquote.errors import IngestError
from misquote.model import Document

Reader = Callable[[bytes, str], list[Document]]
"""A reader takes the file's bytes and its source key (a path or URL) and returns Documents."""

READERS: dict[str, Reader] = {}
READER_VERSIONS: dict[str, str] = {}


def register(name: str, version: str) -> Callable[[Reader], Reader]:
    """Add a reader to the registry under `name`."""

    def decorate(reader: Reader) -> Reader:
        READERS[name] = reader
        READER_VERSIONS[name] = version
        return reader

    return decorate
