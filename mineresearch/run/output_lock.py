"""One writer per reports folder: a lock that names its holder, and the clean-up of what a killed writer left.

``mineresearch build`` and ``mineresearch report`` hold ``<output>/.mineresearch.lock`` (an exclusive
``flock``) while they write into a reports folder. The kernel releases the lock however its holder ends, a
``kill -9`` included, so a lock is never stale. A second build into the same folder is refused at once with
a message naming the holder (process id, command, start time). Whoever takes the lock removes the hidden
temporary files a killed writer may have left there: no other writer can be using them.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from mineresearch.exceptions import OutputBusyError, OutputError

LOCK_NAME = ".mineresearch.lock"
_ROOT_TEMPS = (".manifest.*.tmp", ".manifest.json.*.tmp", ".index.html.tmp", ".index.html.*.tmp")
_REPORT_TEMPS = (".*.tmp.*",)  # .<stem>[.<pid>-<hex>].tmp.<fmt> and .<stem>.<pid>-<hex>.print.tmp.html
_REPORT_TEMP_DIRS = (".*.tmp.data", ".*_data.old")  # a report's downloads, staged or being replaced
_REPORT_FOLDERS = "[12][0-9][0-9][0-9]Q[1-4]/*/"


def describe_os_error(exc: OSError) -> str:
    """``No space left on device`` (with the file when the error names one)."""
    reason = exc.strerror or str(exc)
    return f"{reason}: {exc.filename}" if exc.filename else reason


def prepare_folder(root: Path) -> Path:
    """Create the reports folder, or say in one line why it cannot be (a file in the way, read-only disk)."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"cannot use {root} as the reports folder: a file is in the way") from None
    except OSError as exc:
        raise OutputError(f"cannot create the reports folder {root}: {describe_os_error(exc)}") from None
    if not root.is_dir():
        raise OutputError(f"cannot use {root} as the reports folder: it is not a folder")
    return root


@contextlib.contextmanager
def output_lock(root: Path) -> Iterator[Path]:
    """Hold the reports folder's lock for the block; clean stale temporary files once it is ours.

    Raises:
        OutputBusyError: another process holds it (the message names that process).
        OutputError: the folder cannot be created or written (read-only, a file in the way, full).
    """
    import fcntl

    root = prepare_folder(Path(root))
    path = root / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot write to the reports folder {root}: {describe_os_error(exc)}") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputError(f"cannot lock the reports folder {root}: {describe_os_error(exc)}") from None
            holder = _read_holder(fd)
            raise OutputBusyError(
                f"another build is writing into {root} ({holder or 'holder unknown'}); wait until it ends, "
                "or choose another --output"
            ) from None
        _write_holder(fd)
        clean_stale_temps(root)
        yield root
    finally:
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
        os.close(fd)  # closing releases the lock


def _read_holder(fd: int) -> str:
    with contextlib.suppress(OSError):
        return os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
    return ""


def _write_holder(fd: int) -> None:
    command = " ".join(["mineresearch", *sys.argv[1:]]) if sys.argv else "mineresearch"
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime())
    text = f"pid {os.getpid()} on {socket.gethostname()}, `{command[:200]}`, since {started}\n"
    with contextlib.suppress(OSError):  # a full disk must not stop the lock itself from working
        os.ftruncate(fd, 0)
        os.pwrite(fd, text.encode(), 0)


def clean_stale_temps(root: Path) -> list[Path]:
    """Remove hidden temporary files a killed writer left in ``root`` and its report folders.

    Only the names this package writes are touched: the manifest's and index's temporary files in ``root``,
    and hidden ``.*.tmp.*`` files and staged download folders in ``root/<YYYYQn>/<name>/`` and its
    scenarios. Only call this while holding the lock: then no other writer can own them.
    """
    removed = []
    folders = [*root.glob(_REPORT_FOLDERS), *root.glob(_REPORT_FOLDERS + "scenarios/*/")]
    places = [(root, _ROOT_TEMPS), *((folder, _REPORT_TEMPS) for folder in folders)]
    for folder, patterns in places:
        for pattern in patterns:
            for path in folder.glob(pattern):
                if path.is_file() and path.name != LOCK_NAME:
                    with contextlib.suppress(OSError):
                        path.unlink()
                        removed.append(path)
    for folder in folders:
        for pattern in _REPORT_TEMP_DIRS:
            for path in folder.glob(pattern):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                    removed.append(path)
    return removed
