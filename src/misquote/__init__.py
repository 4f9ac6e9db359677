"""misquote: an archive of primary sources with provenance, and a quote checker over it."""

__version__ = "0.1.0"
