"""A report's files on disk: temporary names unique per writer, failed notebooks kept only when whole,
a folder replaced by renames, and where a failed run stopped."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path


def describe_failed_cell(path: Path) -> str:
    """`` in section '...', code `...` `` for the first cell with an error output ('' if none is found)."""
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
    except Exception:  # noqa: BLE001 - the description is a courtesy; the error itself is already known
        return ""
    section = ""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.lstrip().startswith("#"):
            section = cell.source.lstrip("# ").splitlines()[0]
        if cell.cell_type == "code" and any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
            first = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
            place = f" in section '{section}'" if section else ""
            return f"{place}, code `{first[:80]}`"
    return ""


def temp_token() -> str:
    """A part of temporary file names unique to this process and call: two writers never share a name."""
    return f"{os.getpid()}-{secrets.token_hex(3)}"


def keep_whole_notebook(tmp: Path, failed_nb: Path) -> bool:
    """Keep a failed run's notebook as ``failed_nb`` only when it was written whole (else remove it).

    On a full disk the notebook papermill wrote may be empty or cut short; such a file helps nobody.
    """
    import nbformat

    if not tmp.exists():
        return False
    try:
        nbformat.read(tmp, as_version=4)
        os.replace(tmp, failed_nb)
    except Exception:  # noqa: BLE001 - truncated JSON, a full disk, a vanished file: do not keep it
        with contextlib.suppress(OSError):
            tmp.unlink()
        return False
    return True


def replace_dir(new: Path, final: Path) -> None:
    """Put folder ``new`` at ``final``, replacing what was there (renames only, then the old copy goes)."""
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.replace(final, old)
    os.replace(new, final)
    shutil.rmtree(old, ignore_errors=True)
