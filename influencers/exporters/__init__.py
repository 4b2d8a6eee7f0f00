"""Exporters: stream a creator queryset as CSV (UTF-8 with BOM) or XLSX in constant memory."""

from .creators import EXPORT_COLUMNS, creators_csv_stream, creators_xlsx_file
from .safety import neutralise

__all__ = ["EXPORT_COLUMNS", "creators_csv_stream", "creators_xlsx_file", "neutralise"]
