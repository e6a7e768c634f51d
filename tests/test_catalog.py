"""Loading, normalising and validating catalogs (calendar_data.catalog)."""

import datetime as dt
import functools
import http.server
import pickle
import threading

import bad_corpus
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from bad_corpus import with_cell, with_column

from calendar_data import catalog, schema
from calendar_data.catalog import CatalogError, SourceInfo, load_catalog


def save(table: pa.Table, path, **options):
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, **options)
    return path


def rejection(path, **load_options) -> CatalogError:
    with pytest.raises(CatalogError) as caught:
        load_catalog(path, **load_options)
    assert str(path) in str(caught.value)
    return caught.value


# --------------------------------------------------------------------------- reading


def test_loads_a_file_in_the_canonical_schema(tmp_path, catalog_table):
    loaded = load_catalog(save(catalog_table, tmp_path / "catalog.parquet"))
    assert loaded.table.schema.equals(schema.SCHEMA)
    assert loaded.table.to_pylist() == catalog_table.to_pylist()
    assert loaded.num_rows == 12
    assert loaded.warnings == []


def test_reads_back_what_write_catalog_wrote(tmp_path, catalog_table):
    target = tmp_path / "catalog.parquet"
    sources = (SourceInfo("TVmaze", "CC BY-SA 4.0", "Data from TVmaze", "https://tvmaze.com"),)
    catalog.write_catalog(catalog_table, target, sources, generated_at="2025-06-01T00:00:00Z")
    loaded = load_catalog(target)
    assert loaded.generated_at == "2025-06-01T00:00:00Z"
    assert loaded.sources == sources
    assert sorted(loaded.table.to_pylist(), key=lambda r: r["release_id"]) == (
        catalog_table.to_pylist()
    )
    dated = [d for d in loaded.table["release_date"].to_pylist() if d]
    assert dated == sorted(dated)


def test_unreadable_sources_metadata_is_ignored(tmp_path, catalog_table):
    table = catalog_table.replace_schema_metadata({schema.META_SOURCES: b"{not json"})
    assert load_catalog(save(table, tmp_path / "catalog.parquet")).sources == ()


@pytest.mark.parametrize(
    "sources",
    [b"{not json", b"[" * 100_000, b'{"name": "x"}', b'[{"licence": "no name"}, 3, null]'],
)
def test_decode_metadata_reads_unusable_sources_as_none(sources):
    metadata = {schema.META_SOURCES: sources, schema.META_GENERATED_AT: b"2025-06-01\xff"}
    assert catalog.decode_metadata(metadata) == ("2025-06-01\ufffd", ())
    assert catalog.decode_metadata(None) == ("", ())


def test_decode_metadata_keeps_the_known_fields_of_each_source():
    metadata = {schema.META_SOURCES: b'[{"name": "TVmaze", "licence": "CC BY-SA", "extra": 1}]'}
    assert catalog.decode_metadata(metadata)[1] == (SourceInfo("TVmaze", licence="CC BY-SA"),)


def test_loads_a_folder_of_files_and_skips_hidden_ones(tmp_path, catalog_table):
    for start in range(0, 12, 4):
        save(catalog_table.slice(start, 4), tmp_path / "cat" / f"part-{start}.parquet")
    (tmp_path / "cat" / "_SUCCESS").write_text("")
    (tmp_path / "cat" / ".catalog.parquet.123.abc.tmp").write_bytes(b"half a file")
    loaded = load_catalog(tmp_path / "cat")
    assert sorted(loaded.table["release_id"].to_pylist()) == catalog_table["release_id"].to_pylist()


def test_hive_partition_key_comes_back_as_the_schema_column(tmp_path, catalog_table):
    pq.write_to_dataset(catalog_table, tmp_path / "cat", partition_cols=["service"])
    assert (tmp_path / "cat" / "service=Disney%2B").is_dir()
    loaded = load_catalog(tmp_path / "cat")
    assert loaded.table.schema.equals(schema.SCHEMA)
    services = {r["release_id"]: r["service"] for r in loaded.table.to_pylist()}
    assert services == {r["release_id"]: r["service"] for r in catalog_table.to_pylist()}


def test_numeric_looking_partition_keys_are_cast_like_columns(tmp_path, catalog_table):
    pq.write_to_dataset(catalog_table, tmp_path / "cat", partition_cols=["season", "title_id"])
    loaded = load_catalog(tmp_path / "cat")
    rows = {r["release_id"]: (r["season"], r["title_id"]) for r in loaded.table.to_pylist()}
    assert rows == {
        r["release_id"]: (r["season"], r["title_id"]) for r in catalog_table.to_pylist()
    }


def test_row_filter_prunes_partitions(tmp_path, catalog_table):
    pq.write_to_dataset(catalog_table, tmp_path / "cat", partition_cols=["service"])
    loaded = load_catalog(tmp_path / "cat", row_filter=pc.field("service") == "Netflix")
    assert set(loaded.table["service"].to_pylist()) == {"Netflix"}
    assert loaded.num_rows == catalog_table["service"].to_pylist().count("Netflix")


def test_row_filter_skips_row_groups_it_cannot_match(tmp_path):
    """The last row group's pages are garbage: only a pushed-down filter can avoid them."""
    table = bad_corpus.sample_table(400).filter(pc.is_valid(pc.field("release_date")))
    table = table.sort_by("release_date")
    path = save(table, tmp_path / "catalog.parquet", row_group_size=100, compression="zstd")
    data = bytearray(path.read_bytes())
    last = pq.ParquetFile(path).metadata.row_group(table.num_rows // 100 - 1)
    for i in range(last.num_columns):
        chunk = last.column(i)
        end = chunk.data_page_offset + chunk.total_compressed_size
        data[end - 4 : end] = bytes(b ^ 0xFF for b in data[end - 4 : end])
    path.write_bytes(bytes(data))
    dates = next(
        c for c in map(last.column, range(last.num_columns)) if c.path_in_schema == "release_date"
    )
    first_skipped = dates.statistics.min

    assert rejection(path).category == "corrupt"
    loaded = load_catalog(path, row_filter=pc.field("release_date") < first_skipped)
    assert loaded.num_rows == pc.sum(pc.less(table["release_date"], first_skipped)).as_py() > 0


def test_row_filter_matching_nothing_gives_an_empty_catalog(tmp_path, catalog_table):
    path = save(catalog_table, tmp_path / "catalog.parquet")
    loaded = load_catalog(path, row_filter=pc.field("service") == "Nowhere")
    assert loaded.num_rows == 0
    assert loaded.table.schema.equals(schema.SCHEMA)


def test_row_filter_means_the_same_on_foreign_types(tmp_path, catalog_table):
    foreign = with_column("release_date", catalog_table["release_date"].cast(pa.string()))
    path = save(foreign, tmp_path / "catalog.parquet")
    cutoff = dt.date(2025, 1, 6)
    loaded = load_catalog(path, columns=["title"], row_filter=pc.field("release_date") < cutoff)
    expected = [
        r["release_id"]
        for r in catalog_table.to_pylist()
        if r["release_date"] and r["release_date"] < cutoff
    ]
    assert loaded.table["release_id"].to_pylist() == expected
    assert "release_date" not in loaded.table.column_names


def test_row_filter_on_a_column_the_file_lacks(tmp_path, catalog_table):
    path = save(catalog_table.drop_columns(["region"]), tmp_path / "catalog.parquet")
    assert load_catalog(path, row_filter=pc.field("region") == "US").num_rows == 0
    assert load_catalog(path, row_filter=pc.is_null(pc.field("region"))).num_rows == 12


def test_columns_subset_always_reads_the_required_ones(tmp_path, catalog_table):
    path = save(catalog_table, tmp_path / "catalog.parquet")
    loaded = load_catalog(path, columns=["genres"])
    assert loaded.table.column_names == [
        c for c in schema.COLUMN_NAMES if c in schema.REQUIRED or c == "genres"
    ]
    assert loaded.table["genres"].to_pylist() == catalog_table["genres"].to_pylist()


def test_asking_for_an_unknown_column_is_a_catalog_error(tmp_path, catalog_table):
    path = save(catalog_table, tmp_path / "catalog.parquet")
    with pytest.raises(CatalogError, match="popularity") as caught:
        load_catalog(path, columns=["title", "popularity"])
    assert caught.value.category == "unknown_column"


def test_files_in_one_folder_may_disagree_on_types(tmp_path, catalog_table):
    save(catalog_table.slice(0, 6), tmp_path / "cat" / "a.parquet")
    other = catalog_table.slice(6)
    other = with_column("title", other["title"].cast(pa.large_string()), other)
    other = with_column("season", other["season"].cast(pa.int64()), other)
    save(other, tmp_path / "cat" / "b.parquet")
    assert load_catalog(tmp_path / "cat").table.to_pylist() == catalog_table.to_pylist()
    loaded = load_catalog(tmp_path / "cat", row_filter=pc.field("season") == 2)
    assert loaded.table["release_id"].to_pylist() == [
        r["release_id"] for r in catalog_table.to_pylist() if r["season"] == 2
    ]


# --------------------------------------------------------------------------- normalising


def _dictionary8(values):
    return (
        values.cast(pa.string())
        .combine_chunks()
        .dictionary_encode()
        .cast(pa.dictionary(pa.int8(), pa.string()))
    )


def _naive(values, unit):
    return pc.local_timestamp(values).cast(pa.timestamp(unit))


def _seasons_as_floats(values):
    return pa.array([float("nan") if v is None else float(v) for v in values.to_pylist()])


def _cast_reordered_and_wide(values):
    item = pa.struct([("character", pa.large_string()), ("name", pa.large_string())])
    return values.cast(pa.large_list(item))


FOREIGN = {
    "large_string": ("title", lambda v: v.cast(pa.large_string())),
    "string_view": ("title", lambda v: v.cast(pa.string_view())),
    "categorical_as_string_view": ("kind", lambda v: v.cast(pa.string()).cast(pa.string_view())),
    "categorical_as_plain_string": ("service", lambda v: v.cast(pa.string())),
    "dictionary_int8_indices": ("kind", _dictionary8),
    "dictionary_for_plain_text": ("title", _dictionary8),
    "int32": ("season", lambda v: v.cast(pa.int32())),
    "int64": ("episode_start", lambda v: v.cast(pa.int64())),
    "uint8": ("runtime_minutes", lambda v: v.cast(pa.uint8())),
    "float64_with_nan": ("season", _seasons_as_floats),
    "timestamp_ns_naive_means_utc": ("release_at", lambda v: _naive(v, "ns")),
    "timestamp_ms_utc": ("release_at", lambda v: v.cast(pa.timestamp("ms", "UTC"))),
    "timestamp_s_other_zone": ("updated_at", lambda v: v.cast(pa.timestamp("s", "Asia/Tokyo"))),
    "timestamp_as_iso_text": ("updated_at", lambda v: pa.array(["2025-06-01T12:00:00Z"] * 12)),
    "date_as_timestamp": ("release_date", lambda v: v.cast(pa.timestamp("ms"))),
    "date_as_local_midnight": (
        "release_date",
        lambda v: pc.assume_timezone(v.cast(pa.timestamp("s")), "America/New_York"),
    ),
    "date_as_iso_text": ("release_date", lambda v: v.cast(pa.string())),
    "large_list": ("genres", lambda v: v.cast(pa.large_list(pa.large_string()))),
    "list_of_string_view": ("episode_titles", lambda v: v.cast(pa.list_(pa.string_view()))),
    "struct_fields_reordered": ("cast", _cast_reordered_and_wide),
}


@pytest.mark.parametrize("column, convert", FOREIGN.values(), ids=FOREIGN.keys())
def test_foreign_types_are_normalised(tmp_path, catalog_table, column, convert):
    path = save(with_column(column, convert(catalog_table[column])), tmp_path / "foreign.parquet")
    assert pq.read_schema(path).field(column).type != schema.COLUMNS_BY_NAME[column].type
    loaded = load_catalog(path)
    assert loaded.table.schema.equals(schema.SCHEMA)
    assert loaded.table[column].to_pylist() == catalog_table[column].to_pylist()
    assert loaded.warnings == []


def test_missing_optional_columns_are_nulls_and_extra_ones_a_warning(tmp_path, catalog_table):
    table = catalog_table.drop_columns(["synopsis", "cast", "release_at"])
    table = with_column("original_title", pa.nulls(12), table)  # type null: nothing to infer
    table = table.append_column("popularity", pa.array(range(12)))
    loaded = load_catalog(save(table, tmp_path / "foreign.parquet"))
    assert loaded.table.schema.equals(schema.SCHEMA)
    for name in ("synopsis", "cast", "release_at", "original_title"):
        assert loaded.table[name].null_count == 12
    assert len(loaded.warnings) == 1
    assert "popularity" in loaded.warnings[0] and "foreign.parquet" in loaded.warnings[0]


def test_conform_fills_optional_columns_and_warns_about_unknown_ones(catalog_table):
    table = catalog_table.select(schema.REQUIRED).append_column("x", pa.array([1] * 12))
    conformed, warnings = catalog.conform(table, "memory")
    assert conformed.schema.equals(schema.SCHEMA)
    assert warnings == ["memory: ignored unknown column(s): x"]


# --------------------------------------------------------------------------- rejecting

REJECTED = {
    "missing_required": (
        lambda: bad_corpus.sample_table().drop_columns(["title", "service"]),
        "missing_column",
        ["title", "service"],
    ),
    "title_as_int": (
        lambda: with_column("title", list(range(12))),
        "wrong_type",
        ["title", "int64"],
    ),
    "genres_as_plain_text": (
        lambda: with_column("genres", ["Drama"] * 12),
        "wrong_type",
        ["genres", "list"],
    ),
    "genres_as_numbers": (lambda: with_column("genres", [[1]] * 12), "wrong_type", ["genres"]),
    "cast_without_character": (
        lambda: with_column("cast", [[{"name": "A"}]] * 12),
        "wrong_type",
        ["cast"],
    ),
    "date_as_number": (
        lambda: with_column("release_date", list(range(12))),
        "wrong_type",
        ["release_date", "int64"],
    ),
    "null_title": (lambda: with_cell("title", 3, None), "null_required", ["title", "rows 3"]),
    "empty_title": (lambda: with_cell("title", 7, ""), "null_required", ["title", "rows 7"]),
    "blank_source": (
        lambda: with_cell("source", 2, " \t"),
        "null_required",
        ["source", "rows 2"],
    ),
    "null_status": (lambda: with_cell("status", 5, None), "null_required", ["status", "rows 5"]),
    "unknown_kind": (
        lambda: with_cell("kind", 2, "cartoon"),
        "bad_value",
        ["kind", "'cartoon'", "rows 2", "movie, series"],
    ),
    "unknown_status": (
        lambda: with_cell("status", 4, "Confirmed"),
        "bad_value",
        ["status", "rows 4"],
    ),
    "duplicate_id": (
        lambda: with_cell("release_id", 4, "r000001"),
        "duplicate_id",
        ["'r000001'", "rows 1, 4"],
    ),
    "unparseable_date": (
        lambda: with_column(
            "release_date", ["2025-01-01"] * 4 + ["next week"] + ["2025-01-02"] * 7
        ),
        "bad_date",
        ["release_date", "row 4: 'next week'"],
    ),
    "impossible_day": (
        lambda: with_column("release_date", ["2025-02-30"] + ["2025-01-02"] * 11),
        "bad_date",
        ["release_date", "row 0: '2025-02-30'"],
    ),
    "year_1066": (
        lambda: with_cell("release_date", 2, dt.date(1066, 10, 14)),
        "bad_date",
        ["release_date", "row 2: 1066-10-14"],
    ),
    "year_9999": (
        lambda: with_cell("previous_release_date", 3, dt.date(9999, 1, 1)),
        "bad_date",
        ["previous_release_date", "row 3: 9999-01-01"],
    ),
    "instant_in_year_9999": (
        lambda: with_cell("release_at", 1, dt.datetime(9999, 1, 1, tzinfo=dt.UTC)),
        "bad_date",
        ["release_at", "row 1"],
    ),
    "instant_beyond_microseconds": (
        lambda: with_column("updated_at", pa.array([10**16] * 12, pa.timestamp("ms"))),
        "bad_date",
        ["updated_at"],
    ),
    "undated_but_confirmed": (
        lambda: with_cell("release_date", 0, None),
        "bad_date",
        ["release_date", "not tba", "rows 0"],
    ),
    "episodes_backwards": (
        lambda: with_cell("episode_end", 1, 1),
        "bad_value",
        ["episode_start", "episode_end", "rows 1"],
    ),
    "season_70000": (
        lambda: with_column("season", pa.array([1] * 6 + [70_000] + [1] * 5, pa.int32())),
        "out_of_range",
        ["season", "row 6: 70000", "-32768..32767"],
    ),
    "fractional_episode": (
        lambda: with_column("episode_count", [1.0] * 11 + [2.5]),
        "out_of_range",
        ["episode_count", "row 11: 2.5"],
    ),
    "negative_runtime": (
        lambda: with_cell("runtime_minutes", 8, -30),
        "out_of_range",
        ["runtime_minutes", "row 8: -30"],
    ),
    "duplicate_column": (
        lambda: bad_corpus.sample_table().append_column("title", pa.array(["again"] * 12)),
        "duplicate_column",
        ["title"],
    ),
}


@pytest.mark.parametrize("make, category, mentions", REJECTED.values(), ids=REJECTED.keys())
def test_bad_catalogs_are_rejected_with_a_precise_message(tmp_path, make, category, mentions):
    error = rejection(save(make(), tmp_path / "bad.parquet"))
    assert error.category == category
    for mention in mentions:
        assert mention in str(error)


def test_rejects_files_that_are_not_parquet(tmp_path):
    path = tmp_path / "catalog.parquet"
    path.write_text("release_id,title\nr1,Title\n")
    error = rejection(path)
    assert error.category == "not_parquet"
    assert "not a Parquet file" in str(error) and "release_id,title" in str(error)


def test_rejects_empty_and_truncated_files(tmp_path, catalog_table):
    empty = tmp_path / "empty.parquet"
    empty.write_bytes(b"")
    assert rejection(empty).category == "empty"
    whole = bad_corpus.parquet_bytes(catalog_table)
    truncated = tmp_path / "truncated.parquet"
    truncated.write_bytes(whole[: len(whole) // 2])
    error = rejection(truncated)
    assert error.category == "truncated" and "truncated" in str(error)


def test_rejects_a_catalog_without_rows(tmp_path, catalog_table):
    error = rejection(save(catalog_table.slice(0, 0), tmp_path / "catalog.parquet"))
    assert error.category == "empty" and "no rows" in str(error)


def test_rejects_more_rows_than_allowed(tmp_path, catalog_table, monkeypatch):
    monkeypatch.setattr(catalog.read, "MAX_ROWS", 10)
    error = rejection(save(catalog_table, tmp_path / "catalog.parquet"))
    assert error.category == "too_large" and "12 rows" in str(error)


def test_rejects_a_folder_with_more_rows_than_allowed(tmp_path, catalog_table, monkeypatch):
    monkeypatch.setattr(catalog.read, "MAX_ROWS", 15)
    save(catalog_table, tmp_path / "cat" / "a.parquet")
    save(catalog_table.slice(0, 6), tmp_path / "cat" / "b.parquet")
    error = rejection(tmp_path / "cat")
    assert error.category == "too_large" and "18 rows" in str(error)


def test_rejects_a_footer_claiming_absurd_row_counts(tmp_path, catalog_table):
    path = tmp_path / "catalog.parquet"
    path.write_bytes(bad_corpus.claiming_rows(bad_corpus.parquet_bytes(catalog_table), 12, 10**15))
    assert pq.ParquetFile(path).metadata.num_rows == 10**15
    error = rejection(path)
    assert error.category == "too_large"
    assert "1,000,000,000,000,000 rows" in str(error)


def test_rejects_too_many_columns(tmp_path, monkeypatch, catalog_table):
    monkeypatch.setattr(catalog.read, "MAX_COLUMNS", 20)
    error = rejection(save(catalog_table, tmp_path / "catalog.parquet"))
    assert error.category == "too_large" and "columns" in str(error)


def test_names_the_bad_file_inside_a_folder(tmp_path, catalog_table):
    save(catalog_table, tmp_path / "cat" / "good.parquet")
    (tmp_path / "cat" / "notes.txt").write_text("remember the milk")
    error = rejection(tmp_path / "cat")
    assert error.category == "not_parquet"
    assert str(tmp_path / "cat" / "notes.txt") in str(error)


def test_rejects_missing_paths_and_empty_folders(tmp_path):
    assert rejection(tmp_path / "nowhere.parquet").category == "not_found"
    (tmp_path / "cat").mkdir()
    assert rejection(tmp_path / "cat").category == "empty"


def test_catalog_error_keeps_its_category_through_pickling():
    assert CatalogError("plain").category == "invalid"
    copy = pickle.loads(pickle.dumps(CatalogError("x.parquet: gone", "not_found")))
    assert (str(copy), copy.category) == ("x.parquet: gone", "not_found")


def test_validate_refuses_an_empty_table(catalog_table):
    with pytest.raises(CatalogError, match="no rows"):
        catalog.validate(catalog_table.slice(0, 0), "memory")


# --------------------------------------------------------------------------- links

UNSAFE_LINKS = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "file:///etc/passwd",
    "/relative/path.jpg",
    "  https://example.org/padded",
    "https://exa mple.org/",
    "https:///no-host",
    "ftp://example.org/x",
]


def test_unsafe_links_are_dropped_with_a_warning_and_the_rest_loads(tmp_path, catalog_table):
    links = UNSAFE_LINKS + ["HTTPS://EXAMPLE.ORG/A", "http://example.org/b?c=d#e", None, None]
    table = with_column("image_url", pa.array(links, pa.string()))
    trailers = table["trailer_url"].to_pylist()
    trailers[1] = "javascript:void(0)"
    table = with_column("trailer_url", pa.array(trailers, pa.string()), table)

    loaded = load_catalog(save(table, tmp_path / "catalog.parquet"))
    assert loaded.table["image_url"].to_pylist() == [None] * 8 + links[8:]
    assert loaded.table["trailer_url"].to_pylist() == [None, None] + trailers[2:]
    image_warning, trailer_warning = loaded.warnings
    assert "image_url" in image_warning and "8 non-http(s) link(s)" in image_warning
    assert "trailer_url" in trailer_warning and "rows 1" in trailer_warning
    assert loaded.num_rows == 12


def test_filtered_foreign_files_still_name_themselves_in_messages(tmp_path, catalog_table):
    table = with_column("image_url", pa.array(["javascript:x"] * 12, pa.large_string()))
    path = save(table, tmp_path / "foreign.parquet")
    loaded = load_catalog(path, row_filter=pc.field("service") == "Netflix")
    assert loaded.num_rows == 3
    [warning] = loaded.warnings
    assert warning.startswith(f"{path}: dropped ") and "column image_url" in warning
    bad = save(with_column("kind", pa.array(["cartoon"] * 12, pa.large_string())), path)
    assert "cartoon" in str(rejection(bad, row_filter=pc.field("service") == "Netflix"))


# --------------------------------------------------------------------------- URIs


def test_loads_a_file_uri(tmp_path, catalog_table):
    path = save(catalog_table, tmp_path / "catalog.parquet")
    assert load_catalog(path.as_uri()).num_rows == 12
    save(catalog_table, tmp_path / "cat" / "part.parquet")
    assert load_catalog((tmp_path / "cat").as_uri()).num_rows == 12


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def http_folder(tmp_path):
    """A local HTTP server over ``tmp_path``; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_loads_over_http(tmp_path, http_folder, catalog_table, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    save(catalog_table, tmp_path / "catalog.parquet")
    loaded = load_catalog(f"{http_folder}/catalog.parquet", columns=["genres"])
    assert loaded.num_rows == 12
    assert loaded.table["genres"].to_pylist() == catalog_table["genres"].to_pylist()


def test_http_failures_are_catalog_errors(tmp_path, http_folder, monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    (tmp_path / "notes.parquet").write_text("not parquet")
    with pytest.raises(CatalogError, match="404") as missing:
        load_catalog(f"{http_folder}/missing.parquet")
    assert missing.value.category == "not_found"
    with pytest.raises(CatalogError) as foreign:
        load_catalog(f"{http_folder}/notes.parquet")
    assert foreign.value.category == "not_parquet"
    with pytest.raises(CatalogError) as refused:
        load_catalog("http://127.0.0.1:9/catalog.parquet")
    assert refused.value.category == "unavailable"


# --------------------------------------------------------------------------- signatures


def test_file_signature_changes_when_the_catalog_is_replaced(tmp_path, catalog_table):
    path = tmp_path / "catalog.parquet"
    catalog.write_catalog(catalog_table, path)
    before = catalog.file_signature(path)
    assert catalog.file_signature(path) == before
    catalog.write_catalog(catalog_table.slice(0, 6), path)
    assert catalog.file_signature(path) != before


def test_folder_signature_changes_when_a_file_is_added(tmp_path, catalog_table):
    save(catalog_table.slice(0, 6), tmp_path / "cat" / "a.parquet")
    before = catalog.file_signature(tmp_path / "cat")
    save(catalog_table.slice(6), tmp_path / "cat" / "service=Max" / "b.parquet")
    assert catalog.file_signature(tmp_path / "cat") != before
    assert catalog.file_signature(tmp_path / "gone") == (str(tmp_path / "gone"),)


def test_dataset_module_reads_what_we_write(tmp_path, catalog_table):
    """Other tools see the published file as plain Parquet with categorical columns."""
    path = tmp_path / "catalog.parquet"
    catalog.write_catalog(catalog_table, path)
    assert ds.dataset(path).schema.field("service").type == schema.CATEGORY
