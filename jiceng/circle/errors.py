"""The errors of the service circle's writes; each message says what to do."""

from django.utils.translation import gettext as _


class CircleError(Exception):
    """A write of the service circle was refused; the message says what to do."""


class ImportRejected(CircleError):
    """The file had bad rows; nothing was written. ``errors`` lists every one."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(_("导入被拒绝：共 %(n)d 处错误，未写入任何数据") % {"n": len(errors)})
