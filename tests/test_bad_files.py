"""Broken and foreign files (tests/bad_corpus.py generates them into tests/data/bad/).

Each test runs on two copies of the corpus: one generated afresh into a temporary folder, which
is what the generator produces today, and the committed one, which people and other tools open.
The committed copy is not compared byte for byte, because every writer stamps its version into
the footer; it must hold the same files and give the same verdicts instead.
"""

from pathlib import Path

import bad_corpus
import pyarrow.compute as pc
import pytest

from calendar_data import catalog
from calendar_data.catalog import CatalogError, load_catalog

COMMITTED = Path(__file__).parent / "data" / "bad"


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    bad_corpus.generate(folder)
    return folder


@pytest.fixture(params=["generated", "committed"])
def corpus(request) -> Path:
    return request.getfixturevalue("generated") if request.param == "generated" else COMMITTED


def test_corpus_files_are_all_covered_and_committed(generated):
    names = sorted(p.name for p in generated.iterdir())
    assert names == sorted([*bad_corpus.BAD, *bad_corpus.FOREIGN])
    assert sorted(p.name for p in COMMITTED.iterdir()) == names, (
        "the committed corpus is stale: run python tests/bad_corpus.py"
    )
    assert sum(p.stat().st_size for p in COMMITTED.iterdir()) < 1_000_000


@pytest.mark.parametrize("name", bad_corpus.BAD)
def test_bad_file_is_refused_for_the_right_reason(corpus, name):
    path = corpus / name
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    expected = bad_corpus.BAD[name]
    assert caught.value.category == expected.category, str(caught.value)
    assert str(caught.value).startswith(f"{path}: ")
    assert expected.says in str(caught.value)


@pytest.mark.parametrize("name", bad_corpus.FOREIGN)
def test_foreign_file_loads_like_the_original(corpus, name):
    loaded = load_catalog(corpus / name)
    original = catalog.conform(bad_corpus.sample_table(), "sample")[0]
    assert loaded.table.schema.equals(original.schema)
    left_out = bad_corpus.LEFT_OUT.get(name, ())
    for column in original.column_names:
        expected = [None] * 12 if column in left_out else original[column].to_pylist()
        assert loaded.table[column].to_pylist() == expected, column


HOW_TO_LOAD = {
    "whole": {},
    "some_columns": {"columns": ["title", "release_date"]},
    "filtered": {"row_filter": pc.field("service") == "Netflix"},
}


@pytest.mark.parametrize("name", [*bad_corpus.BAD, *bad_corpus.FOREIGN])
@pytest.mark.parametrize("options", HOW_TO_LOAD.values(), ids=HOW_TO_LOAD.keys())
def test_only_catalog_errors_escape(corpus, name, options):
    """Whatever the file and however it is read, callers see a catalog or a CatalogError."""
    try:
        load_catalog(corpus / name, **options)
    except CatalogError:
        pass


def test_the_generator_is_deterministic(generated, tmp_path):
    again = tmp_path / "again"
    bad_corpus.generate(again)
    for name in [*bad_corpus.BAD, *bad_corpus.FOREIGN]:
        if name in bad_corpus.VERSION_STAMPED:
            assert load_catalog(again / name).table.equals(load_catalog(generated / name).table)
        else:
            assert (again / name).read_bytes() == (generated / name).read_bytes(), name
