"""Small helpers the warm-execution processes share for leftovers: is a process alive, remove a private folder."""

from __future__ import annotations

import os


def alive(pid: int) -> bool:
    """True while a process with this pid exists (also when it belongs to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_private_folder(folder: str) -> None:
    """Remove a zygote's socket folder once empty (only a ``mineresearch-zygote-*`` one; never another)."""
    if os.path.basename(folder).startswith("mineresearch-zygote-"):
        os.rmdir(folder)
