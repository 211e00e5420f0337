"""A disk cache of validated dataset tables, keyed by the files' content.

Validating a data folder needs pandera and a few hundred milliseconds; a report kernel that starts cold
pays that on every run. Once a folder's exact bytes have been validated, the tables are pickled under the
user's cache folder (``$XDG_CACHE_HOME/mineresearch`` or ``~/.cache/mineresearch``; ``MINERESEARCH_CACHE``
overrides it, ``off`` disables it). The tables derived from the facts (the chosen values, the
conflicts) are kept with them. A changed byte, package or pandas version, or dataset code means a new key, so a
stale table is never returned; any problem reading or writing the cache falls back to full validation.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

FILES = ("companies.csv", "facts.csv", "network_quarterly.csv")


def cache_dir() -> Path | None:
    """Where cached tables live, or None when caching is off."""
    setting = os.environ.get("MINERESEARCH_CACHE", "")
    if setting.lower() == "off":
        return None
    if setting:
        return Path(setting)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "mineresearch"


def content_key(folder: Path) -> str:
    """Hash of the data files' bytes, the package, pandas and validation-rule versions, the dataset code, and today.

    The date is part of the key because a rule depends on it (no quarter may end after the day the data is
    read): tables validated yesterday are validated again today. The dataset code (the modules of
    ``mineresearch.dataset``, which validate the files and derive the chosen values) is part of it so that a
    changed rule or selection never serves tables made by the old one, even within one package version.
    """
    import pandas as pd

    from mineresearch import __version__
    from mineresearch.dataset import bounds

    stamp = f"{__version__}|{pd.__version__}|rules {bounds.RULES_VERSION}|{bounds.today().isoformat()}"
    digest = hashlib.sha256(stamp.encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(module.read_bytes())
    for name in FILES:
        path = folder / name
        digest.update(name.encode())
        digest.update(path.read_bytes() if path.is_file() else b"<absent>")
    return digest.hexdigest()[:32]


def code_digest(*packages: str) -> str:
    """Hash of the source of these subpackages of ``mineresearch`` (``"analysis"``, ``"metrics"``...)."""
    root = Path(__file__).parent.parent
    digest = hashlib.sha256()
    for package in packages:
        for module in sorted((root / package).glob("*.py")):
            digest.update(module.name.encode())
            digest.update(module.read_bytes())
    return digest.hexdigest()[:32]


def read(name: str) -> Any | None:
    """The object cached as ``name`` (``<kind>-<key>``), or None when absent, unreadable or caching is off."""
    where = cache_dir()
    if where is None:
        return None
    try:
        with (where / f"{name}.pickle").open("rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own file, written by ``write`` below
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None


KEEP_PER_KIND = 8
"""Files kept of each kind (the part of a name before the first ``-``); older ones are removed on write."""


def write(name: str, value: Any) -> None:
    """Cache ``value`` as ``name`` (atomically; failures are ignored), keeping the newest files of its kind."""
    where = cache_dir()
    if where is None:
        return
    with contextlib.suppress(OSError, pickle.PicklingError):
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, where / f"{name}.pickle")
        kind = name.split("-", 1)[0]
        same = sorted(where.glob(f"{kind}-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in same[KEEP_PER_KIND:]:
            old.unlink(missing_ok=True)


def derived_name(kind: str, *parts: str, code: tuple[str, ...]) -> str:
    """The cache name of a value derived from ``parts`` (a dataset's key, a quarter...) by the code of ``code``.

    The pandas version and the source of the ``code`` subpackages are part of the key, so a changed formula
    never reads a value its old version computed.
    """
    import pandas as pd

    text = "|".join((*parts, pd.__version__, code_digest(*code)))
    return f"{kind}-{hashlib.sha256(text.encode()).hexdigest()[:32]}"
