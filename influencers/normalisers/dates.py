"""Calendar dates as they appear in spreadsheets.

Accepted:

* ``date`` and ``datetime`` objects (a datetime gives its own date, no time-zone conversion);
* ISO dates and date-times: ``2025-11-12``, ``2025/11/12``, ``2025.11.12``,
  ``2025-11-12T10:30:00Z`` (the date as written), compact ``20251112``;
* numeric day/month forms ``03/25/2026`` and ``25/03/2026``: month first by default (US),
  day first with ``dayfirst=True``; when one of the two numbers is above 12 the form is
  unambiguous and read either way. Dot-separated dates (``25.03.2026``) are read day first,
  as everywhere that writes them. Two-digit years: 00-68 -> 20xx, 69-99 -> 19xx;
* month names in English, Spanish, French and German, full or abbreviated:
  ``Aug 15, 2026``, ``15 Aug 2026``, ``August 15th 2026``, ``15-Aug-2026``, ``15. März 2026``;
* Chinese/Japanese/Korean ``2026年3月25日``, ``2026년 3월 25일``;
* Excel serial day numbers of the 1900 date system (``46097``, ``"46097.0"``), between 20000
  (1954) and 80000 (2119); a fractional part (the time of day) is ignored.

Years must lie in 1900..2199. Anything else raises :class:`InvalidDate`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .errors import InvalidDate, clean_text

MIN_YEAR, MAX_YEAR = 1900, 2199
EXCEL_SERIAL_RANGE = (20000, 80000)
_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 0 in Excel's 1900 system (past its leap bug)

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan enero ene janvier janv januar jän jaen",
        "february feb febrero febr fevrier fevr fev februar",
        "march mar marzo mars marz maerz",
        "april apr abril abr avril avr",
        "may mayo mai",
        "june jun junio juin juni",
        "july jul julio juillet juil juli",
        "august aug agosto ago aout august",
        "september sep sept septiembre setiembre set septembre",
        "october oct octubre octobre oktober okt",
        "november nov noviembre novembre",
        "december dec diciembre dic decembre dez dezember",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS[_name] = _number
# fmt: off
_WEEKDAYS = frozenset({
    "monday", "mon", "tuesday", "tue", "tues", "wednesday", "wed", "thursday", "thu", "thur",
    "thurs", "friday", "fri", "saturday", "sat", "sunday", "sun",
    "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
})
# fmt: on

_TIME = (
    r"(?:[T\s,]+\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?"  # time of day
    r"\s*(?:am|pm)?\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})?)?"  # am/pm, zone: ignored
)
_ISO_RE = re.compile(rf"(\d{{4}})([-/.])(\d{{1,2}})\2(\d{{1,2}}){_TIME}", re.IGNORECASE)
_COMPACT_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_NUMERIC_RE = re.compile(rf"(\d{{1,2}})([-/.])(\d{{1,2}})\2(\d{{4}}|\d{{2}}){_TIME}", re.IGNORECASE)
_CJK_RE = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号號]?")
_SERIAL_RE = re.compile(r"(\d{5})(?:\.\d+)?")
_WEEKDAY = r"(?:(?P<wd>[^\W\d_]+)\.?,?\s+)?"
_MONTH_FIRST_RE = re.compile(
    rf"{_WEEKDAY}(?P<mon>[^\W\d_]+)\.?[\s-]*(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?,?[\s-]+"
    rf"(?P<y>\d{{4}}){_TIME}",
    re.IGNORECASE,
)
_DAY_FIRST_RE = re.compile(
    rf"{_WEEKDAY}(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\.?[\s-]*(?:de\s+)?(?P<mon>[^\W\d_]+)\.?,?"
    rf"[\s-]+(?:de\s+)?(?P<y>\d{{4}}){_TIME}",
    re.IGNORECASE,
)


def _build(value: object, year: int, month: int, day: int) -> dt.date:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidDate(value, _("The year is out of range"), "out_of_range")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidDate(value, _("No such day in the calendar"), "no_such_date") from None


def _from_serial(value: object, serial: Decimal | float | int) -> dt.date:
    low, high = EXCEL_SERIAL_RANGE
    if not low <= serial <= high:
        raise InvalidDate(value, _("Not a spreadsheet date number"), "out_of_range")
    return _EXCEL_EPOCH + dt.timedelta(days=math.floor(serial))


def _fold(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _two_digit_year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year <= 68 else 1900
    return year


def parse_date(value: object, *, dayfirst: bool = False) -> dt.date:
    """Return the calendar date written in ``value`` (see the module docstring for forms).

    ``dayfirst`` only decides ambiguous numeric forms such as ``03/04/2026``.
    Raises :class:`InvalidDate`.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise InvalidDate(value, _("Not a date"), "wrong_type")
    if isinstance(value, (int, Decimal)) or isinstance(value, float) and math.isfinite(value):
        return _from_serial(value, value)
    if not isinstance(value, str):
        raise InvalidDate(value, _("Not a date"), "wrong_type")
    text = clean_text(value)
    if not text:
        raise InvalidDate(value, _("The date is empty"), "empty")
    if len(text) > 64:
        raise InvalidDate(value)

    if match := _SERIAL_RE.fullmatch(text):
        return _from_serial(value, Decimal(text))
    if match := _ISO_RE.fullmatch(text):
        return _build(value, int(match[1]), int(match[3]), int(match[4]))
    if match := _COMPACT_RE.fullmatch(text):
        return _build(value, int(match[1]), int(match[2]), int(match[3]))
    if match := _CJK_RE.fullmatch(text):
        return _build(value, int(match[1]), int(match[2]), int(match[3]))
    if match := _NUMERIC_RE.fullmatch(text):
        first, second = int(match[1]), int(match[3])
        year = _two_digit_year(match[4])
        day_first = dayfirst or match[2] == "."
        day, month = (first, second) if day_first else (second, first)
        if month > 12 >= day:
            day, month = month, day  # unambiguous: 25/03/2026 or 03/25/2026 either way
        if month > 12:
            raise InvalidDate(value, _("No such month"), "no_such_date")
        return _build(value, year, month, day)
    for regex in (_MONTH_FIRST_RE, _DAY_FIRST_RE):
        match = regex.fullmatch(text)
        if match is None:
            continue
        if match["wd"] is not None and _fold(match["wd"]) not in _WEEKDAYS:
            continue
        month = _MONTHS.get(_fold(match["mon"]))
        if month is None:
            continue
        return _build(value, int(match["y"]), month, int(match["d"]))
    raise InvalidDate(value)


__all__ = ["EXCEL_SERIAL_RANGE", "parse_date"]
