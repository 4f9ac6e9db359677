"""Errors misquote raises on purpose.

MisquoteError
 ├─ IngestError        a file could not be read into a Document (path, reason, hint)
 ├─ QueryError         a quote, author or search the user gave cannot be used
 ├─ StoreError         the database is missing, newer than this version, or unreachable
 └─ EngineError        an engine (collate, reuse, spark) could not run

The CLI maps MisquoteError to exit code 2 and prints its message; anything else is a bug.
"""

from __future__ import annotations


class MisquoteError(Exception):
    """Base of every error misquote raises on purpose; its message says what to fix."""


class IngestError(MisquoteError):
    """A file could not be read into a Document."""

    def __init__(self, path: str, reason: str, hint: str = "") -> None:
        self.path = str(path)
        self.reason = reason
        self.hint = hint
        message = f"{self.path}: {reason}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)


class QueryError(MisquoteError):
    """A quote, author name or search given by the user cannot be used."""


class StoreError(MisquoteError):
    """The database is missing, not a misquote database, too new, or unreachable."""


class EngineError(MisquoteError):
    """An engine (collate, reuse, Spark) could not run."""
