"""Where things are. Pure ``Path`` values and finders; nothing is touched at import."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGE_DATA_DIR = PACKAGE_DIR / "data"
REPO_ROOT = PACKAGE_DIR.parent


def templates_dir() -> Path:
    """Folder holding the ``mineresearch`` nbconvert template.

    The wheel ships it as ``mineresearch/templates``; an editable install finds the repository's
    top-level ``templates/``.
    """
    for candidate in (PACKAGE_DIR / "templates", REPO_ROOT / "templates"):
        if (candidate / "mineresearch" / "conf.json").is_file():
            return candidate
    raise FileNotFoundError("nbconvert template not found (templates/mineresearch/conf.json)")


def notebooks_dir() -> Path:
    """Folder holding the report notebooks (packaged copy first, then the repository's)."""
    for candidate in (PACKAGE_DIR / "notebooks", REPO_ROOT / "notebooks"):
        if (candidate / "company_quarter.ipynb").is_file():
            return candidate
    raise FileNotFoundError("the report notebooks were not found (notebooks/company_quarter.ipynb)")


def shared_dir() -> Path | None:
    """The ``shared`` folder beside the repository, when present (source of the network series)."""
    candidate = REPO_ROOT.parent / "shared"
    return candidate if candidate.is_dir() else None
