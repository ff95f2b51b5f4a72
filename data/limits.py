"""The importer's declared limits, in one place (documented in the README's reliability section).

A CRM extract never comes near them; a hostile or broken file does, and is then refused at once
with a one-line reason instead of exhausting the machine's memory or time. Each is checked before
the expensive work it guards: the file size before reading, an XLSX's unpacked size and row count
before parsing, a header's width before mapping it, a row's width before keeping its cells.
"""

from __future__ import annotations

import os

MIB = 1 << 20

# The largest file read. Files are streamed, so this bounds the time an import may take, not its
# memory: a head office's largest CSV extract (contacts) is about 1.1 GB.
MAX_FILE_BYTES = int(os.environ.get("WEALTH_MAX_FILE_MB", "16384")) * MIB

# Characters in one physical line of a CSV: a longer line is read past, never kept whole, and
# rejected as a row (a contract row is a few hundred characters; a row of a million fields, which
# the importer must still count and reject as one row, is two million).
MAX_LINE_CHARS = int(os.environ.get("WEALTH_MAX_LINE_MB", "32")) * MIB

# An XLSX is a zip: its parts are checked by their unpacked size before openpyxl reads them (a
# 1 MB workbook can unpack to gigabytes). Larger extracts belong in CSV.
MAX_XLSX_UNPACKED_BYTES = int(os.environ.get("WEALTH_MAX_XLSX_UNPACKED_MB", "256")) * MIB

# Excel's own sheet limit: a sheet with more rows was not written by Excel or a CRM's export.
MAX_XLSX_ROWS = 1_048_576

# Columns in a header or a row (contract tables have at most 20; a CRM export adds a few).
MAX_COLUMNS = 1024

# Characters in a text cell without a declared length (a request's summary, say); cells of
# columns with a declared length (names: 200, ids: 64) are checked against that length.
MAX_TEXT_CHARS = 65_536

# Names listed in one warning (unknown columns, ignored sheets): the rest are counted.
MAX_NAMES_LISTED = 10


def listed(names: list[str]) -> str:
    """`names` joined for a warning, at most MAX_NAMES_LISTED of them, the rest counted."""
    shown = ", ".join(names[:MAX_NAMES_LISTED])
    rest = len(names) - MAX_NAMES_LISTED
    return f"{shown} and {rest:,} more" if rest > 0 else shown
