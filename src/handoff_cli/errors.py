"""Every expected failure is one of these. Each class carries its exit code
(PRODUCT.md section 6); the CLI edge prints ``str(error)`` as one line on stderr."""

from __future__ import annotations


class HandoffError(Exception):
    """Base class: an operation failed (exit 1)."""

    exit_code = 1


class OperationFailed(HandoffError):
    """The operation could not be completed (for example rows rejected on import)."""

    exit_code = 1


class BadInput(HandoffError):
    """The user gave something invalid: a bad date, value, option, or file."""

    exit_code = 2


class NotFound(BadInput):
    """An account, role, milestone or other named thing does not exist."""


class Conflict(BadInput):
    """The write would break a uniqueness rule (a duplicate name, a taken id)."""


class StoreError(HandoffError):
    """The store is missing, damaged, or at the wrong schema revision."""

    exit_code = 1


class StoreBusy(HandoffError):
    """Another process held the store locked past the busy timeout; cron may retry."""

    exit_code = 75


class BreachesFound(HandoffError):
    """Findings of severity breach exist and --fail-on-breach was given."""

    exit_code = 3


class StoreUnreachable(HandoffError):
    """The store's server did not answer (refused, timed out, went away); cron may retry."""

    exit_code = 75
