"""Exceptions shared by the ways in (library, command line, CI gate)."""

from __future__ import annotations


class UsageError(Exception):
    """A user error (bad flag, missing file, unknown name): printed as one line, exit code 2.

    The message says what went wrong, where, and what to do.
    """
