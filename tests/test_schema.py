"""The schema is defined once; everything derived from it must agree with it."""

from pathlib import Path

import pyarrow as pa

from calendar_data import schema


def test_every_column_has_a_description():
    for column in schema.COLUMNS:
        assert column.description.strip(), column.name
        assert column.description.strip().endswith((".", ")")), column.name


def test_column_names_are_unique():
    assert len(set(schema.COLUMN_NAMES)) == len(schema.COLUMNS)


def test_arrow_schema_matches_columns():
    assert schema.SCHEMA.names == list(schema.COLUMN_NAMES)
    for column in schema.COLUMNS:
        field = schema.SCHEMA.field(column.name)
        assert field.type == column.type
        assert field.nullable == (not column.required)


def test_required_columns_are_the_flagged_ones():
    assert schema.REQUIRED == tuple(c.name for c in schema.COLUMNS if c.required)
    assert {"release_id", "title", "service", "status", "kind"} <= set(schema.REQUIRED)


def test_choices_belong_to_categorical_columns():
    by_name = schema.COLUMNS_BY_NAME
    assert by_name["kind"].choices == schema.KINDS
    assert by_name["release_type"].choices == schema.RELEASE_TYPES
    assert by_name["status"].choices == schema.STATUSES
    for column in schema.COLUMNS:
        if column.choices:
            assert column.type == schema.CATEGORY, column.name


def test_link_columns_are_text_columns_of_the_schema():
    for name in schema.LINK_COLUMNS:
        assert schema.COLUMNS_BY_NAME[name].type == pa.string()


def test_the_readme_holds_the_current_column_table():
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert schema.markdown_table() in readme, "paste schema.markdown_table() into README.md"


def test_markdown_table_lists_every_column_once():
    table = schema.markdown_table()
    lines = table.splitlines()
    assert lines[0].startswith("| column |")
    rows = lines[2:]
    assert [row.split("`")[1] for row in rows] == list(schema.COLUMN_NAMES)
    for row, column in zip(rows, schema.COLUMNS, strict=True):
        assert column.description in row
        assert ("| yes |" in row) == column.required
        for choice in column.choices:
            assert choice in row
