"""Errors an import can end with. A FileRefused fails the whole job before anything is written."""

from django.utils.translation import gettext_lazy as _


class FileRefused(Exception):
    """The file cannot be imported at all; `message` says why, in words a seller understands."""

    def __init__(self, message, code: str = "refused"):
        super().__init__(str(message))
        self.message = message
        self.code = code

    def __str__(self):
        return str(self.message)


def refused_empty():
    return FileRefused(_("The file is empty."), "empty")


def refused_not_spreadsheet():
    return FileRefused(
        _(
            "This file is not a spreadsheet: upload a CSV (comma, semicolon or tab separated) or "
            "an Excel .xlsx file."
        ),
        "not_spreadsheet",
    )


def refused_no_columns():
    return FileRefused(
        _(
            "No column of this file is recognised (for example Creator name, TikTok, Email). "
            "Map the columns to fields in the preview, or check that the file is the right one."
        ),
        "no_columns",
    )


def refused_no_rows():
    return FileRefused(_("The file has a header row but no data rows."), "no_rows")


def refused_too_large(limit: int):
    return FileRefused(
        _("The file is larger than the limit of %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
        "too_large",
    )


class JobConflict(Exception):
    """Another worker is running (or has advanced) this job: stop without writing."""
