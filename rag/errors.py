"""Errors that carry a message meant for the user, never a traceback."""

from __future__ import annotations


class GroundworkError(Exception):
    """An expected failure with a one-line message for the user."""


class BadQuestion(GroundworkError):
    """The question cannot be answered as given (empty, too long, ...)."""


class EmptyIndex(GroundworkError):
    """No documents have been ingested yet."""


class IndexUnavailable(GroundworkError):
    """The index directory is missing, unwritable or corrupted."""


class BackendUnavailable(GroundworkError):
    """A language-model backend is unknown, not installed or not reachable."""


class DocumentRejected(GroundworkError):
    """A file cannot be ingested (unsupported, empty, binary, too large, ...)."""


class InvalidSettings(GroundworkError):
    """A ``GROUNDWORK_*`` setting (environment or ``.env``) has a value that is not accepted."""


class DiskFull(GroundworkError):
    """The disk holding the index has no room for a write."""
