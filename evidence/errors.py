"""Errors the store and importers raise: each carries a message fit for a user."""

from __future__ import annotations


class WeighError(Exception):
    """Base: the message is shown to the user as it is, on one line."""


class StoreError(WeighError):
    """The database could not be read or written."""


class CorruptDatabase(StoreError):
    """The file exists but is not a readable weigh database; it is left untouched."""


class NotWeighs(CorruptDatabase):
    """A whole file that is not this weigh's to repair: another program's JSON, or a
    database a newer weigh wrote. Never offered to be set aside as damaged."""


class NotAFile(StoreError):
    """Something other than a regular file (a folder, FIFO, device) where weigh keeps
    one of its files: not damage weigh may set aside, but a path to fix by hand."""


class DatabaseLocked(StoreError):
    """Another process holds the database for writing."""


class SyncBusy(WeighError):
    """Another weigh is syncing a case file in the same folder (``weigh sync``)."""


class ReadOnlyStore(StoreError):
    """The store refuses edits: opened read-only, or a write failed earlier."""


class NotFound(WeighError):
    """A case, hypothesis or evidence id that does not exist."""


class Conflict(WeighError):
    """An id that already exists, or an edit that contradicts the case."""


class ImportFailed(WeighError):
    """An import file is invalid; nothing was written."""
