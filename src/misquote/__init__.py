"""misquote: an archive of primary sources with provenance, and a quote checker over it."""

from misquote.archive import Archive

__all__ = ["Archive"]
__version__ = "0.1.0"
