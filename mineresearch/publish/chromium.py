"""Finding the Chromium that prints PDFs: ``MINERESEARCH_CHROMIUM``, else the usual names on PATH."""

from __future__ import annotations

import os
import shutil

ENV_VAR = "MINERESEARCH_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """Locate a Chromium executable.

    Looks at the ``MINERESEARCH_CHROMIUM`` environment variable (a path or a command name), then
    for ``chromium``, ``chromium-browser``, ``google-chrome`` and ``google-chrome-stable`` on PATH.

    Returns:
        The executable's path, or None when none is found.
    """
    configured = os.environ.get(ENV_VAR, "").strip()
    if configured:
        return shutil.which(configured)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def not_found_message() -> str:
    """Why no Chromium was found, and how to install one."""
    configured = os.environ.get(ENV_VAR, "").strip()
    where = (
        f"{ENV_VAR}={configured!r} is not an executable file"
        if configured
        else f"none of {', '.join(CANDIDATES)} is on PATH and {ENV_VAR} is not set"
    )
    return (
        f"No Chromium found for printing PDFs ({where}). Install it with "
        "`apt-get install chromium` (Debian/Ubuntu) or `make setup`, or point "
        f"{ENV_VAR} at a Chromium or Chrome executable."
    )
