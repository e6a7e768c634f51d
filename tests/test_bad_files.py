"""Broken and foreign files (tests/bad_corpus.py generates them into tests/data/bad/).

Each test runs on two copies of the corpus: one generated afresh into a temporary folder, which
is what the generator produces today, and the committed one, which people and other tools open.
The committed copy is not compared byte for byte, because every writer stamps its version into
the footer; it must hold the same files and give the same verdicts instead.
"""

from pathlib import Path

import bad_corpus
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from calendar_data import catalog, schema
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
    "some_columns": {"columns": list(bad_corpus.SOME_COLUMNS)},
    "filtered": {"row_filter": pc.field("service") == bad_corpus.ONE_SERVICE},
}


def as_read(name: str, how: str) -> pa.Table:
    """What reading file ``name`` the way ``how`` must give: the rows and columns of the table
    it was written from (a foreign file holds the sample's), conformed."""
    bad = bad_corpus.BAD.get(name)
    table = bad.write.table if bad else bad_corpus.sample_table()
    names = list(schema.COLUMN_NAMES)
    if how == "some_columns":
        names = [c for c in names if c in {*bad_corpus.SOME_COLUMNS, *schema.REQUIRED}]
    if how == "filtered":
        table = table.filter(pc.equal(table["service"].cast(pa.string()), bad_corpus.ONE_SERVICE))
    table = catalog.conform(table.select(names), "sample", names)[0]
    for column in bad_corpus.LEFT_OUT.get(name, ()):
        if column in names:
            index = names.index(column)
            table = table.set_column(index, column, pa.nulls(table.num_rows, table[column].type))
    return table


@pytest.mark.parametrize("name", [*bad_corpus.BAD, *bad_corpus.FOREIGN])
@pytest.mark.parametrize("how", HOW_TO_LOAD)
def test_only_catalog_errors_escape(corpus, name, how):
    """Whatever the file and however it is read, callers see the sample's rows or the
    CatalogError the file deserves: a read that never meets the broken part loads."""
    path, bad = corpus / name, bad_corpus.BAD.get(name)
    if bad is not None and how not in bad.loads_when:
        with pytest.raises(CatalogError) as caught:
            load_catalog(path, **HOW_TO_LOAD[how])
        assert caught.value.category == bad.category, str(caught.value)
        assert str(caught.value).startswith(f"{path}: ")
        return
    loaded = load_catalog(path, **HOW_TO_LOAD[how]).table
    expected = as_read(name, how)
    assert loaded.column_names == expected.column_names
    for column in expected.column_names:
        assert loaded[column].to_pylist() == expected[column].to_pylist(), column


def test_the_generator_is_deterministic(generated, tmp_path):
    again = tmp_path / "again"
    bad_corpus.generate(again)
    for name in [*bad_corpus.BAD, *bad_corpus.FOREIGN]:
        if name in bad_corpus.VERSION_STAMPED:
            assert load_catalog(again / name).table.equals(load_catalog(generated / name).table)
        else:
            assert (again / name).read_bytes() == (generated / name).read_bytes(), name
