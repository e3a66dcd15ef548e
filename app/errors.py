"""Errors meant for the user: one line saying what went wrong and how to fix it."""

from __future__ import annotations


class SoftfocusError(Exception):
    """A problem the user can act on. Its message is shown as-is, never with a traceback."""


class InputError(SoftfocusError):
    """A file or device given by the user cannot be read."""
