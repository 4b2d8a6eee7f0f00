"""Open an uploaded file as a table of rows: decode CSV (BOM sniffing, UTF-8 / UTF-16 /
GB18030 / cp1252 detection, delimiter sniffing) or read XLSX (read-only, streamed), refusing
what is not a spreadsheet, too large, or a zip bomb *before* it is parsed.

Rows are yielded as (row number, list of cell texts), streamed: memory does not grow with the
file. The row number is the one a spreadsheet program shows for that row (the header of a CSV
is row 1), so that a report's "row 6" is the sheet's row 6: for a CSV it counts records, not
text lines (a quoted cell with line breaks is one row); for an XLSX it is the sheet's own row.
Cell values are turned into text the way a user sees them (1234.0 -> "1234", a date
-> "2026-03-14") so the kinds parse CSV and XLSX alike.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import FileRefused, refused_empty, refused_not_spreadsheet, refused_too_large

SNIFF_BYTES = 64 * 1024
DELIMITERS = (",", ";", "\t", "|")
CSV_FIELD_LIMIT = 1024 * 1024
csv.field_size_limit(CSV_FIELD_LIMIT)

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_NON_ASCII_RUN_RE = re.compile(rb"[\x80-\xff]+")
# GB18030's four-byte sequences (emoji, Arabic, rare characters): high, digit, high, digit.
_GB_FOUR_BYTE_RE = re.compile(rb"[\x81-\xfe][\x30-\x39][\x81-\xfe][\x30-\x39]")


def max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def max_uncompressed_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UNCOMPRESSED_BYTES", 300 * 1024 * 1024))


MAX_ZIP_RATIO = 100  # real XLSX files compress ~5-20x; bombs compress 1000x and more


def _control_ratio(data: bytes) -> float:
    if not data:
        return 0.0
    controls = sum(1 for b in data if (b < 32 and b not in (9, 10, 13)) or b == 127)
    return controls / len(data)


def sniff_bom(head: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            # UTF-32-LE's BOM starts with UTF-16-LE's: the table is ordered longest first.
            return encoding
    return None


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(data, final=False)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(head: bytes) -> str:
    """Guess the encoding of a CSV from its first bytes.

    A BOM decides. Otherwise UTF-8 if the bytes are valid UTF-8. Otherwise GB18030 when the
    bytes decode as GB18030 and the non-ASCII bytes come in runs of even length (Chinese
    characters are two bytes each), else cp1252 (a superset of Latin-1 for text), else Latin-1.
    """
    bom = sniff_bom(head)
    if bom:
        return bom
    if _decodes(head, "utf-8"):
        return "utf-8"
    runs = _NON_ASCII_RUN_RE.findall(_GB_FOUR_BYTE_RE.sub(b" ", head))
    if runs and _decodes(head, "gb18030"):
        paired = sum(1 for run in runs if len(run) % 2 == 0)
        if paired / len(runs) >= 0.8:
            return "gb18030"
    if _decodes(head, "cp1252"):
        return "cp1252"
    return "latin-1"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number (> 1) of
    fields. Quoted fields are respected (csv does the splitting)."""
    lines = text.splitlines()[:-1] or text.splitlines()
    sample = [line for line in lines[:50] if line.strip()]
    best, best_score = ",", 0.0
    for delimiter in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(sample, delimiter=delimiter) if any(r)]
        except csv.Error:
            continue
        if not counts:
            continue
        width, frequency = Counter(counts).most_common(1)[0]
        if width <= 1:
            continue
        score = frequency / len(counts) * 1000 + width
        if score > best_score:
            best, best_score = delimiter, score
    return best


def cell_text(value: object) -> str:
    """A cell as the text a user sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


@dataclass
class Table:
    """An opened file. `rows()` can be called several times (each call re-reads the file)."""

    path: Path
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    sheets: list[str] = field(default_factory=list)

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        if self.format == "xlsx":
            yield from self._xlsx_rows()
        else:
            yield from self._csv_rows()

    def _csv_rows(self) -> Iterator[tuple[int, list[str]]]:
        with open(self.path, "rb") as raw:
            text = io.TextIOWrapper(raw, encoding=self.encoding, errors="replace", newline="")
            reader = csv.reader(text, delimiter=self.delimiter, strict=True)
            previous_end = 0  # the text line the last record ended on, for a broken file
            try:
                for number, cells in enumerate(reader, start=1):
                    yield number, [c.strip() for c in cells]
                    previous_end = reader.line_num
            except csv.Error as exc:
                message = str(exc)
                if "end of data" in message or "EOF" in message:
                    raise FileRefused(
                        _(
                            'A quoted cell starting on line %(line)s is never closed (a " is '
                            "missing), so the rest of the file cannot be read."
                        )
                        % {"line": previous_end + 1},
                        "unclosed_quote",
                    ) from exc
                if "NUL" in message:
                    raise refused_not_spreadsheet() from exc
                raise FileRefused(
                    _("The file cannot be read as CSV near line %(line)s: %(error)s")
                    % {"line": previous_end + 1, "error": message},
                    "bad_csv",
                ) from exc

    def _open_workbook(self):
        import openpyxl

        try:
            return openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise refused_not_spreadsheet() from exc

    def _xlsx_rows(self) -> Iterator[tuple[int, list[str]]]:
        workbook = self._open_workbook()
        try:
            worksheet = workbook[self.sheet] if self.sheet else workbook.worksheets[0]
            for line, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                while cells and cells[-1] == "":
                    cells.pop()
                yield line, cells
        finally:
            workbook.close()


def check_zip(path: Path) -> None:
    """Refuse an XLSX whose uncompressed content is too big or too compressed (zip bomb),
    from the zip's directory alone, before anything is decompressed."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise refused_not_spreadsheet() from exc
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise refused_not_spreadsheet()
    total = sum(info.file_size for info in infos)
    compressed = sum(info.compress_size for info in infos) or 1
    if total > max_uncompressed_bytes() or total / compressed > MAX_ZIP_RATIO:
        raise FileRefused(
            _(
                "This Excel file expands to far more data than it holds (%(mb)s MB unpacked): it "
                "is refused as a possible zip bomb."
            )
            % {"mb": total // (1024 * 1024)},
            "zip_bomb",
        )


def open_table(path, *, sheet: str = "") -> Table:
    """Open `path` as a Table, or raise FileRefused."""
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        raise refused_empty()
    if size > max_bytes():
        raise refused_too_large(max_bytes())
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if head.startswith(b"PK\x03\x04"):
        check_zip(path)
        table = Table(path=path, format="xlsx")
        workbook = table._open_workbook()
        try:
            table.sheets = list(workbook.sheetnames)
        finally:
            workbook.close()
        table.sheet = sheet if sheet in table.sheets else ""
        return table
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(
            _("Old Excel .xls files are not supported: save the file as .xlsx or CSV."), "xls"
        )
    encoding = detect_encoding(head)
    if not sniff_bom(head) and (b"\x00" in head or _control_ratio(head) > 0.01):
        raise refused_not_spreadsheet()
    text = codecs.getincrementaldecoder(encoding)(errors="replace").decode(head, final=False)
    if not text.strip():
        raise refused_empty()
    if sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\r\n")) > max(
        3, len(text) // 100
    ):
        raise refused_not_spreadsheet()
    return Table(path=path, format="csv", encoding=encoding, delimiter=sniff_delimiter(text))
