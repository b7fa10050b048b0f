"""The errors of the service circle's writes; each message says what to do."""

from jiceng.core import tabular


class CircleError(Exception):
    """A write of the service circle was refused; the message says what to do."""


class ImportRejected(CircleError, tabular.ImportRejected):
    """The file had bad rows; nothing was written. ``errors`` lists every one."""
