"""The one reader of the data folder's CSV files, shared by the validator and the quick catalog.

Both readers must accept and refuse the same files with the same words, so the checks that come before
any schema live here: the file exists and is a regular file, it is not too large, not empty, not binary,
it is UTF-8 text (a byte-order mark is accepted and dropped), its header names each column once, every
quoted cell is closed, every row has as many cells as the header and no cell is absurdly long. Every
problem is a :class:`~mineresearch.exceptions.Problem` naming the file, the line and the column.

Row numbers are lines of the file as an editor shows them (the header is line 1); a row whose quoted
cell spans several lines is numbered by its first line. Only the standard library is used: the runner
reads the catalog before any kernel starts, in milliseconds.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from mineresearch.exceptions import DataValidationError, Problem

MAX_FILE_BYTES = 64 * 1024 * 1024
"""Larger data files are refused: the shipped facts take about 200 KB."""
MAX_CELL_CHARS = 20_000
"""Longer cells are refused (a note or an address never needs more)."""
_BOM = b"\xef\xbb\xbf"
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    "companies.csv": ("ticker", "name", "cik", "cik_source", "fiscal_year_end", "notes"),
    "facts.csv": ("ticker", "period", "fiscal_period", "period_end", "metric", "line_item", "value", "unit",
                  "source_url", "source_type", "restated", "precision"),
}
"""The columns each file's header must name (the schemas' required columns; a test keeps them in step).
The catalog checks them too, so a file the validator calls headless is refused by both."""


@dataclass(frozen=True)
class CsvTable:
    """A CSV file read as text: its header, its rows (cells as strings) and each row's line in the file."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    lines: list[int]
    text: str  # the decoded text (without a byte-order mark)

    def records(self) -> list[dict[str, str]]:
        """Rows as ``{column: cell}`` mappings."""
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]


def _fail(path: Path, message: str, row: int | None = None, column: str | None = None) -> DataValidationError:
    return DataValidationError([Problem(str(path), row, column, message)])


def _read_bytes(path: Path) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _fail(path, "file not found") from None
    except OSError as exc:  # a symlink loop, a folder we may not enter, ...
        raise _fail(path, f"file cannot be read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise _fail(path, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise _fail(path, "is not a regular file (a pipe, socket or device?)")
    if info.st_size > MAX_FILE_BYTES:
        raise _fail(path, f"file is too large ({info.st_size / 1e6:.0f} MB; at most {MAX_FILE_BYTES // 2**20} MiB)")
    try:
        with path.open("rb") as fh:
            return fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _fail(path, f"file cannot be read: {exc.strerror or exc}") from None


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(_BOM):
        data = data[len(_BOM):]
    if not data.strip():
        raise _fail(path, "file is empty (a CSV file needs at least its header line)")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise _fail(path, "binary data (a NUL byte), not CSV text", row=line)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise _fail(path, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at character {column} of the line; "
                          "save the file as UTF-8", row=line) from None


def read_csv_table(path: str | Path, required: tuple[str, ...] = (), *, rows_needed: bool = False,
                   allowed: tuple[str, ...] | None = None) -> CsvTable:
    """Read a data CSV file; raise one ``DataValidationError`` listing what makes it unreadable.

    Args:
        path: the file.
        required: columns the header must name (a missing one is a problem naming it).
        rows_needed: a file with a header but no row is a problem too (:func:`no_rows_problem`).
        allowed: every column the header may name (None: any); another one is an unexpected column.
    """
    path = Path(path)
    text = _decode(path, _read_bytes(path))
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))  # long cells are measured below, not refused by csv
    problems: list[Problem] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header: list[str] = []
        rows: list[list[str]] = []
        lines: list[int] = []
        start = 1
        try:
            for record in reader:
                line, start = start, reader.line_num + 1
                if not record or record == [""]:
                    continue  # a blank line
                if not header:
                    header = [cell.strip() for cell in record]
                    header_line = line
                    continue
                if len(record) != len(header):
                    problems.append(Problem(str(path), line, None, f"{len(record)} cells where the header has "
                                            f"{len(header)} (a stray comma or an unbalanced quote?)"))
                    continue
                for name, cell in zip(header, record, strict=True):
                    if len(cell) > MAX_CELL_CHARS:
                        problems.append(Problem(str(path), line, name, f"cell of {len(cell):,} characters "
                                                f"(at most {MAX_CELL_CHARS:,})"))
                rows.append(record)
                lines.append(line)
        except csv.Error as exc:
            problems.append(Problem(str(path), start, None, f"not valid CSV, an unbalanced quote? ({exc})"))
    finally:
        csv.field_size_limit(limit)
    problems = _header_problems(path, header, header_line if header else 1, required, allowed) + problems
    if rows_needed and not rows and not problems:
        problems.append(no_rows_problem(path))
    if problems:
        raise DataValidationError(problems)
    return CsvTable(path, header, rows, lines, text)


def no_rows_problem(path: Path) -> Problem:
    """``facts.csv: no facts: the file has a header but no rows``."""
    return Problem(str(path), None, None, f"no {path.stem}: the file has a header but no rows")


def read_data_file(path: Path, allowed: tuple[str, ...] | None = None) -> CsvTable:
    """A companies or facts file as both the validator and the catalog read it (required columns, rows).

    The validator also passes ``allowed`` (the schema's columns, optional ones included); the catalog,
    which knows no schema, accepts unexpected columns and leaves them to the validator.
    """
    return read_csv_table(path, REQUIRED_COLUMNS.get(path.name, ()), rows_needed=path.name in REQUIRED_COLUMNS,
                          allowed=allowed)


def _header_problems(path: Path, header: list[str], line: int, required: tuple[str, ...],
                     allowed: tuple[str, ...] | None) -> list[Problem]:
    out = [Problem(str(path), line, name, "column appears more than once in the header")
           for name in sorted({n for n in header if header.count(n) > 1})]
    out += [Problem(str(path), line, name, "column missing from the header") for name in required
            if name not in header]
    if allowed is not None:
        out += [unexpected_column(path, line, name, allowed) for name in header if name not in allowed]
    return out


def unexpected_column(path: Path, line: int, name: str, allowed: tuple[str, ...]) -> Problem:
    """``facts.csv, row 1, column 'extra': unexpected column (the columns are: ...)``."""
    return Problem(str(path), line, name, f"unexpected column (the columns are: {', '.join(allowed)})")


def is_readable_file(path: Path) -> bool:
    """Whether ``path`` exists (following links) as a regular file."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False
