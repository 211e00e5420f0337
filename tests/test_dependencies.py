"""Dependencies: compatible ranges for the library, one lock for reproducible installs, conda kept in step."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def _pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _lock() -> dict[str, Version]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = Version(version)
    return pins


def _requirements() -> list[Requirement]:
    project = _pyproject()["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return [Requirement(r) for r in [*project["dependencies"], *extras]]


def test_runtime_dependencies_are_ranges_not_pins() -> None:
    for req in (Requirement(r) for r in _pyproject()["project"]["dependencies"]):
        operators = {spec.operator for spec in req.specifier}
        assert operators == {">=", "<"}, f"{req}: give a compatible range (>=tested,<next major)"


def test_the_lock_pins_every_dependency_inside_its_range() -> None:
    pins = _lock()
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is missing from requirements.lock (run `make lock`)"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} outside {req}"
    assert "rfc3987-syntax" not in pins  # kept out: it slows every import of altair, papermill and nbconvert


def test_environment_yml_is_generated_from_the_project() -> None:
    spec = importlib.util.spec_from_file_location("environment_yml", ROOT / "scripts" / "environment_yml.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / "environment.yml").read_text(encoding="utf-8") == module.environment_yml()
    python = re.search(r'requires-python = ">=(\d+\.\d+)"', (ROOT / "pyproject.toml").read_text()).group(1)
    assert f"python={python}" in module.environment_yml()


def test_setup_installs_from_the_lock() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "-r requirements.lock" in makefile and "--no-deps -e ." in makefile
