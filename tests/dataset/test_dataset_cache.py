"""The disk cache of validated tables: keyed by content, never stale, and optional."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from mineresearch.dataset import cache as dataset_cache
from mineresearch.dataset import load as dataset
from mineresearch.exceptions import DataValidationError
from mineresearch.paths import PACKAGE_DATA_DIR


@pytest.fixture()
def data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("MINERESEARCH_CACHE", str(tmp_path / "cache"))
    dataset._CACHE.clear()
    folder = tmp_path / "data"
    shutil.copytree(PACKAGE_DATA_DIR, folder)
    return folder


def test_second_load_comes_from_the_cache_and_is_equal(data: Path) -> None:
    first = dataset.load_dataset(data)
    assert len(list((data.parent / "cache").glob("dataset-*.pickle"))) == 1
    dataset._CACHE.clear()
    cached = dataset_cache.read(f"dataset-{dataset_cache.content_key(data)}")
    assert cached is not None
    second = dataset.load_dataset(data)
    pd.testing.assert_frame_equal(first.facts, second.facts)
    pd.testing.assert_frame_equal(first.network, second.network)


def test_a_changed_byte_is_a_new_key(data: Path) -> None:
    dataset.load_dataset(data)
    key = dataset_cache.content_key(data)
    facts = data / "facts.csv"
    facts.write_text(facts.read_text(encoding="utf-8").replace(",primary,", ",primery,", 1), encoding="utf-8")
    assert dataset_cache.content_key(data) != key
    assert dataset_cache.read(f"dataset-{dataset_cache.content_key(data)}") is None
    dataset._CACHE.clear()
    with pytest.raises(DataValidationError, match="source_type"):
        dataset.load_dataset(data)  # the bad file is validated, not served from the cache


def test_cache_can_be_switched_off(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINERESEARCH_CACHE", "off")
    dataset.load_dataset(data)
    assert dataset_cache.cache_dir() is None
    assert not (data.parent / "cache").exists()


def test_the_catalog_comes_from_a_loaded_dataset_without_reading_the_folder_again(monkeypatch) -> None:
    from mineresearch.dataset import catalog
    from mineresearch.dataset.load import load_dataset

    ds = load_dataset()
    catalog._CACHE.clear()
    monkeypatch.setattr(catalog, "_read", lambda folder: (_ for _ in ()).throw(AssertionError("read again")))
    cat = catalog.read_catalog()
    assert cat.names["CIFR"] == ds.companies.loc["CIFR", "name"]
    assert cat.periods["CIFR"] == tuple(ds.periods("CIFR"))
    catalog._CACHE.clear()


def test_derived_tables_come_from_the_cache_too(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = dataset.load_dataset(data)
    chosen, conflicts = first.chosen_rows("CIFR"), first.conflicts()
    dataset._CACHE.clear()
    refuse = lambda *_: (_ for _ in ()).throw(AssertionError("derived again"))  # noqa: E731
    monkeypatch.setattr(dataset.selection, "chosen", refuse)
    monkeypatch.setattr(dataset.selection, "conflicts", refuse)
    second = dataset.load_dataset(data)
    pd.testing.assert_frame_equal(second.chosen_rows("CIFR"), chosen)
    pd.testing.assert_frame_equal(second.conflicts(), conflicts)


def test_changed_dataset_code_is_a_new_key(data: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = dataset_cache.content_key(data)
    real = Path.read_bytes

    def edited(path: Path) -> bytes:
        content = real(path)
        return content + b"\n# a changed rule\n" if path.name == "select.py" else content

    monkeypatch.setattr(Path, "read_bytes", edited)
    assert dataset_cache.content_key(data) != key
