"""Table cells that a spreadsheet opens as data, never as a formula.

Text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``, ``@SUM(...)``, ``-2+3``); as the OWASP
"CSV injection" advice says, such a cell is prefixed with a single quote, which spreadsheets
read as "this is text". Only text is changed: numbers (``-0.5``), booleans and empty cells stay
what they are, and so does text that is nothing but a number (``"-0.5"``), which no spreadsheet
runs. Every table the product lets someone save as CSV goes through here: the batch bundle's
``index.csv`` and the app's tables (whose toolbar downloads them as CSV).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def safe_cell(value: object) -> object:
    """``value``, with a quote in front when it is text a spreadsheet would run."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_rows(rows: Iterable[Mapping[str, object]]) -> list[dict[str, object]]:
    """Table rows (column → cell) with every cell through ``safe_cell``."""
    return [{column: safe_cell(value) for column, value in row.items()} for row in rows]


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A CSV table: the header, then each row with every cell through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
