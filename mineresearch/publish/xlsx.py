"""A small XLSX writer: a workbook of plain tables (header row, numbers and text), nothing else.

A report's workbook is a dozen small sheets. openpyxl (through pandas) spends about 0.1 s on it, mostly on
temporary files per sheet; written here straight into a zip in memory it takes a few milliseconds, which
keeps the batch build as fast as before the downloads existed. The files open in Excel, LibreOffice and
``pandas.read_excel`` (openpyxl); the tests read every sheet back.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

import pandas as pd

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{sheets}</Types>"
)
_SHEET_TYPE = ('<Override PartName="/xl/worksheets/sheet{n}.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)


def _column(i: int) -> str:
    name = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        name = chr(65 + rem) + name
    return name


def _clean(text: str) -> str:
    """Text an XML 1.0 document can hold (control characters other than tab and newlines dropped)."""
    return escape("".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 32))


def _cell(ref: str, value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float) and math.isfinite(float(value)):
        return f'<c r="{ref}"><v>{float(value)!r}</v></c>' if isinstance(value, float) else \
            f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{_clean(str(value))}</t></is></c>'


def _sheet_xml(frame: pd.DataFrame) -> str:
    rows = [list(map(str, frame.columns))] + frame.astype(object).to_numpy().tolist()
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_column(c)}{r}", v) for c, v in enumerate(row))
        body.append(f'<row r="{r}">{cells}</row>')
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {_NS}>'
            f"<sheetData>{''.join(body)}</sheetData></worksheet>")


_EPOCH = (1980, 1, 1, 0, 0, 0)  # a fixed date for every part: the same tables give the same file


def _put(z: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, text)


def workbook_bytes(sheets: Sequence[tuple[str, pd.DataFrame]]) -> bytes:
    """An XLSX file with one sheet per ``(name, frame)``: the header row, then the rows (no index).

    Names must be unique, at most 31 characters, without ``[]:*?/\\``. The file is byte-for-byte the same for
    the same tables (every part carries one fixed date).
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        _put(z, "[Content_Types].xml", _CONTENT_TYPES.format(
            sheets="".join(_SHEET_TYPE.format(n=n) for n in range(1, len(sheets) + 1))))
        _put(z, "_rels/.rels", _ROOT_RELS)
        entries = "".join(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{n}" r:id="rId{n}"/>'
                          for n, (name, _) in enumerate(sheets, start=1))
        _put(z, "xl/workbook.xml", f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook {_NS} '
                                      f'xmlns:r="{_REL}"><sheets>{entries}</sheets></workbook>')
        rels = "".join(f'<Relationship Id="rId{n}" Type="{_REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
                       for n in range(1, len(sheets) + 1))
        _put(z, "xl/_rels/workbook.xml.rels", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   f"{rels}</Relationships>")
        for n, (_, frame) in enumerate(sheets, start=1):
            _put(z, f"xl/worksheets/sheet{n}.xml", _sheet_xml(frame))
    return buffer.getvalue()
