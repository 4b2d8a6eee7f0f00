"""Spreadsheet formula injection: a cell starting with = + - @ (or a tab / carriage return)
is run as a formula by Excel, LibreOffice and Google Sheets. Such cells are prefixed with a
single quote, which spreadsheets show as text, unless the cell is a plain number (-12.5)."""

import re

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if text.startswith(_TRIGGERS) and not _PLAIN_NUMBER_RE.fullmatch(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """What neutralise() protected, back: a cell that a spreadsheet-safe export (ours, or a
    spreadsheet's own "text" prefix) wrote as "'=..." holds "=..."; other text is unchanged."""
    if len(text) > 1 and text[0] == "'" and text[1:].startswith(_TRIGGERS):
        return text[1:]
    return text
