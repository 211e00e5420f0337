"""Warm execution: kernels forked from a warm zygote, and the SVG service, behind one small interface.

This package imports nothing else of ``mineresearch``; the rest of the package uses it only through the
names below (loaded on first use), and tells it what to warm as data (:func:`set_preload`).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_LAZY: dict[str, str] = {
    "ENGINE_NAME": "mineresearch.fast.engine",
    "SHARED_ZYGOTE_ENV": "mineresearch.fast.engine",
    "WarmEngine": "mineresearch.fast.engine",
    "register_engine": "mineresearch.fast.engine",
    "IPCKernelManager": "mineresearch.fast.kernels",
    "Zygote": "mineresearch.fast.zygote",
    "current_zygote": "mineresearch.fast.zygote",
    "stop_current_zygote": "mineresearch.fast.zygote",
    "set_preload": "mineresearch.fast.zygote",
    "PRELOAD_ENV": "mineresearch.fast.zygote",
    "render_svg": "mineresearch.fast.svg_service",
    "SvgService": "mineresearch.fast.svg_service",
    "SVG_SOCKET_ENV": "mineresearch.fast.svg_service",
}
__all__ = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mineresearch.fast' has no attribute {name!r}")
    return getattr(import_module(module), name)
