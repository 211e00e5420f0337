"""The build manifest: one entry per report, keyed by a hash of everything that shapes it.

The input hash covers the notebook, the parameters, the chart mode, the data files, the template, the package
version and the package's own source, so a report whose inputs have not changed is skipped. The manifest also records
status and timings per report (``reports/manifest.json``).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mineresearch import __version__
from mineresearch.paths import PACKAGE_DATA_DIR, PACKAGE_DIR, templates_dir
from mineresearch.run.jobs import ReportJob, ReportResult

MANIFEST_NAME = "manifest.json"
DATA_FILES = ("companies.csv", "facts.csv", "network_quarterly.csv", "network_sources.csv")


def _hash_files(digest: Any, files: Iterable[Path], root: Path) -> None:
    for path in sorted(files):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())


def shared_inputs_hash(data_path: str | None) -> str:
    """Hash of the inputs every report shares: data, template, package version and source."""
    digest = hashlib.sha256(__version__.encode())
    data_dir = Path(data_path) if data_path else PACKAGE_DATA_DIR
    _hash_files(digest, (data_dir / name for name in DATA_FILES), data_dir)
    tdir = templates_dir()
    _hash_files(digest, (p for p in (tdir / "mineresearch").rglob("*") if p.is_file()), tdir)
    _hash_files(digest, PACKAGE_DIR.rglob("*.py"), PACKAGE_DIR)
    return digest.hexdigest()


def job_hash(job: ReportJob, shared: str) -> str:
    """Hash of one report's inputs: the shared hash, its notebook, its parameters, formats and chart mode.

    The chart mode counts on its own: an interactive and a static build of a report never take each other's
    files for up to date.
    """
    digest = hashlib.sha256(shared.encode())
    digest.update(job.notebook.read_bytes())
    digest.update(json.dumps(job.params.notebook_parameters(), sort_keys=True).encode())
    digest.update(",".join(job.formats).encode())
    digest.update(f"charts={job.charts}".encode())
    return digest.hexdigest()


class Manifest:
    """Read, query and atomically write ``manifest.json`` in a reports folder."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / MANIFEST_NAME
        self.entries: dict[str, dict[str, Any]] = {}
        if self.path.is_file():
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8")).get("reports", {})
            except (json.JSONDecodeError, AttributeError):
                self.entries = {}  # a damaged manifest only costs a rebuild

    def is_fresh(self, job: ReportJob, input_hash: str, root: Path) -> bool:
        """True when ``job`` last succeeded with these inputs and its files are still there."""
        entry = self.entries.get(job.stem)
        if not entry or entry.get("status") != "ok" or entry.get("input_hash") != input_hash:
            return False
        return all(p.is_file() for p in job.outputs(root).values())

    def record(self, result: ReportResult) -> None:
        entry = {
            "period": result.period, "name": result.name, "status": result.status,
            "input_hash": result.input_hash, "outputs": result.outputs,
            "seconds": {k: round(v, 3) for k, v in result.seconds.items()}, "error": result.error,
        }
        if result.provenance:
            entry["provenance"] = result.provenance
        if result.status == "skipped" and result.stem in self.entries:
            self.entries[result.stem]["last_skipped"] = True
            return
        self.entries[result.stem] = entry

    def save(self) -> None:
        """Write the manifest atomically (a temporary file, then a rename), readable by all like the reports.

        Raises:
            OutputError: it could not be written whole (a full disk, a read-only folder); the previous
                manifest is left as it was and no temporary file stays behind.
        """
        text = json.dumps({"version": 1, "reports": self.entries}, indent=1, sort_keys=True)
        write_atomically(self.path, text)


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` all at once: either the new content is there in full, or the old one.

    Raises:
        OutputError: the file could not be written (the temporary file is removed).
    """
    from mineresearch.exceptions import OutputError
    from mineresearch.run.output_lock import describe_os_error

    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the reports beside it are 0644
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise OutputError(f"cannot write {path}: {describe_os_error(exc)} (the previous {path.name} is unchanged)")\
            from None

