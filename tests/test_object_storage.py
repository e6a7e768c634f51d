"""Catalogs in object storage, against a real S3 API on this machine (moto's server): written
by ``calendar-data partition``, read by month, served by the dashboard and its export links,
republished without a restart, and refused clearly when the bucket is unreachable, denied or
half-written."""

from __future__ import annotations

import datetime as dt
import io
import re

import httpx
import pyarrow.parquet as pq
import pytest
from browser import served
from object_store import s3_server

from calendar_data import live
from calendar_data.catalog import CatalogError, load_catalog, month_filter, remote
from calendar_data.cli import main
from calendar_data.demo import demo_table

BUCKET = "releases"
CATALOG = f"s3://{BUCKET}/catalog"
START = dt.date(2026, 1, 1)
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
#: The object naming the build of the catalog's files to read.
BUILD = f"{BUCKET}/catalog/_build"


@pytest.fixture(scope="module")
def s3(tmp_path_factory):
    with s3_server(tmp_path_factory.mktemp("moto") / "requests.log") as server:
        server.create_bucket(BUCKET)
        yield server


@pytest.fixture
def store(s3, monkeypatch, tmp_path):
    """The bucket holds a 3,000-release catalog partitioned by month, written
    through the CLI; the app's catalog is that URI, listed again on every look."""
    for name, value in s3.environment().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(remote, "RECHECK_SECONDS", 0)
    monkeypatch.setattr(remote, "_listed", {})  # no listing error of an earlier test's store
    monkeypatch.setenv("CALENDAR_CATALOG", CATALOG)
    local = tmp_path / "demo.parquet"
    pq.write_table(demo_table(3_000, start=START, seed=7), local)
    assert main(["partition", str(local), "-o", CATALOG, "--by", "release_month", "-q"]) == 0
    s3.forget_requests()
    return s3


def march_objects(s3) -> set[str]:
    keys = {p for p, _, _ in remote._objects(CATALOG)}
    return {k for k in keys if "release_month=2026-03/" in k}


def test_partition_writes_a_catalog_that_reads_back_whole(store):
    catalog = load_catalog(CATALOG)
    assert catalog.num_rows == 3_000
    assert len({p for p, _, _ in remote._objects(CATALOG)}) > 3
    assert len(march_objects(store)) == 1


def test_a_month_reads_only_that_months_objects(store):
    march = load_catalog(CATALOG, row_filter=month_filter(*MARCH))
    read = store.objects_read()
    assert march.num_rows > 0
    assert set(march.table["release_date"].to_pylist()) <= {
        MARCH[0] + dt.timedelta(days=n) for n in range(31)
    }
    march_keys = march_objects(store)
    assert march_keys <= read
    # Beyond March's objects, only the one whose footer gives the dataset its schema, and
    # the few bytes that name the build to read.
    assert len(read - march_keys - {BUILD}) <= 1, read - march_keys


def test_republishing_in_place_replaces_the_catalog(store, tmp_path):
    before = {p for p, _, _ in remote._objects(CATALOG)}
    smaller = tmp_path / "smaller.parquet"
    pq.write_table(demo_table(500, start=START, seed=8), smaller)
    assert main(["partition", str(smaller), "-o", CATALOG, "--by", "release_month", "-q"]) == 0
    after = {p for p, _, _ in remote._objects(CATALOG)}
    assert before & after == {BUILD}, "the earlier build's objects are gone"
    assert load_catalog(CATALOG).num_rows == 500


def test_a_publish_that_fails_part_way_leaves_the_earlier_catalog_alone(
    store, tmp_path, monkeypatch, capsys
):
    """Its files beside the earlier build's once made every release twice, and no replica
    could load the catalog until it was published again."""
    before = {p for p, _, _ in remote._objects(CATALOG)}
    write_dataset = remote.ds.write_dataset

    def cut_short(*args, **kwargs):
        write_dataset(*args, **kwargs)
        raise OSError("connection reset by peer")

    monkeypatch.setattr(remote.ds, "write_dataset", cut_short)
    smaller = tmp_path / "smaller.parquet"
    pq.write_table(demo_table(500, start=START, seed=8), smaller)
    assert main(["partition", str(smaller), "-o", CATALOG, "--by", "release_month", "-q"]) == 1
    assert "could not write (connection reset by peer)" in capsys.readouterr().err
    assert {p for p, _, _ in remote._objects(CATALOG)} == before
    assert load_catalog(CATALOG).num_rows == 3_000


def stray_build(store, build: str = "part-0123456789ab-") -> set[str]:
    """Put beside the catalog the files of a build no ``_build`` names, as a publish killed
    before it named its build leaves them (or one killed while deleting an earlier build's)."""
    keys = set()
    for key in sorted(k.split("/", 1)[1] for k, _, _ in remote._objects(CATALOG))[:3]:
        if key.endswith(".parquet"):
            stray = key.rsplit("/", 1)[0] + f"/{build}0.parquet"
            store.put(BUCKET, stray, store.get(BUCKET, key))
            keys.add(f"{BUCKET}/{stray}")
    return keys


def test_a_publish_killed_part_way_leaves_a_readable_catalog(store, tmp_path):
    """A killed publish leaves its files beside the earlier build's, which made every
    release twice: no replica could load the catalog until it was published again. Only the
    build ``_build`` names is read, and the next publish deletes the strays."""
    assert store.get(BUCKET, "catalog/_build").startswith(b"part-")
    strays = stray_build(store)
    assert load_catalog(CATALOG).num_rows == 3_000
    smaller = tmp_path / "smaller.parquet"
    pq.write_table(demo_table(500, start=START, seed=8), smaller)
    assert main(["partition", str(smaller), "-o", CATALOG, "--by", "release_month", "-q"]) == 0
    assert not strays & {p for p, _, _ in remote._objects(CATALOG)}
    assert load_catalog(CATALOG).num_rows == 500


def test_a_build_file_naming_no_build_is_refused_in_one_line(store):
    good, _ = live.current_catalog()
    store.put(BUCKET, "catalog/_build", b"<html>oops</html>")
    served_now, error = live.current_catalog()
    assert served_now is good
    assert str(error) == (
        f"{CATALOG}: _build names no build ('<html>oops</html>'); publish the catalog again"
    )


def test_partitioning_over_other_objects_deletes_none_of_them(store, tmp_path, capsys):
    store.put(BUCKET, "shared/README.txt", b"keep me")
    store.put(BUCKET, "shared/region=eu/users.parquet", b"theirs")
    smaller = tmp_path / "smaller.parquet"
    pq.write_table(demo_table(500, start=START, seed=8), smaller)
    target = f"s3://{BUCKET}/shared"
    assert main(["partition", str(smaller), "-o", target, "--by", "release_month", "-q"]) == 1
    assert "holds 'README.txt' and 1 more, which a partitioned catalog" in capsys.readouterr().err
    assert [p for p, _, _ in remote._objects(target)] == [
        f"{BUCKET}/shared/README.txt",
        f"{BUCKET}/shared/region=eu/users.parquet",
    ]


def test_the_live_catalog_picks_up_a_republished_catalog_without_a_restart(store, tmp_path):
    first, error = live.current_catalog()
    assert error is None and first.table.num_rows == 3_000
    smaller = tmp_path / "smaller.parquet"
    pq.write_table(demo_table(500, start=START, seed=8), smaller)
    assert main(["partition", str(smaller), "-o", CATALOG, "--by", "release_month", "-q"]) == 0
    second, error = live.current_catalog()
    assert error is None and second.table.num_rows == 500


def test_a_half_written_catalog_keeps_the_last_good_one(store):
    good, _ = live.current_catalog()
    key = sorted(march_objects(store))[0].split("/", 1)[1]
    whole = io.BytesIO()
    pq.write_table(demo_table(10, start=START, seed=9), whole)
    # A publisher stopped half-way: an object cut short beside the whole ones.
    store.put(BUCKET, key.replace(".parquet", "-cut.parquet"), whole.getvalue()[:200])
    served_now, error = live.current_catalog()
    assert served_now is good
    assert error is not None and "truncated" in str(error)
    assert "\n" not in str(error)


def test_an_unreachable_store_keeps_the_last_good_one(store, monkeypatch):
    good, _ = live.current_catalog()
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    served_now, error = live.current_catalog()
    assert served_now is good
    assert str(error) == f"{CATALOG}: cannot reach the object store at http://127.0.0.1:9"


def test_a_denied_bucket_says_so(store, monkeypatch, tmp_path):
    good, _ = live.current_catalog()
    with s3_server(tmp_path / "denied.log", deny_everything=True) as denying:
        monkeypatch.setenv("AWS_ENDPOINT_URL", denying.endpoint)
        served_now, error = live.current_catalog()
    assert served_now is good
    assert error is not None and "access denied" in str(error)
    assert "\n" not in str(error)


def test_a_missing_bucket_is_named(store):
    with pytest.raises(CatalogError, match="s3://no-such-bucket/catalog: no such file") as caught:
        load_catalog("s3://no-such-bucket/catalog")
    assert caught.value.category == "not_found"


@pytest.mark.browser
def test_the_dashboard_and_its_export_links_serve_a_catalog_in_the_bucket(store, tmp_path):
    """A server whose CALENDAR_CATALOG is an s3:// URI answers the export links with the
    bucket's rows; a one-month export after the first load fetches no object again."""
    with served(CATALOG, tmp_path / "server.log") as (url, _):
        page = httpx.get(f"{url}/", timeout=30)
        assert page.status_code == 200
        everything = httpx.get(f"{url}/export.csv", timeout=60)
        assert everything.status_code == 200, everything.text
        assert everything.text.count("\n") == 3_000 + 1
        store.forget_requests()
        march = httpx.get(
            f"{url}/export.csv", params={"from": "2026-03-01", "to": "2026-03-31"}, timeout=60
        )
        assert march.status_code == 200
        assert 1 < march.text.count("\n") < 3_000
        assert store.objects_read() == set(), "the loaded catalog answers; no object is fetched"


def test_a_one_month_export_reads_only_the_months_it_can_touch(store, tmp_path):
    """`calendar-data export --from --to` of March reads March's objects and those of the
    months a day either side (a release's local day may differ from its date), no others;
    its rows are those of an export from the whole catalog."""
    dates = ["--from", "2026-03-01", "--to", "2026-03-31", "--tz", "America/New_York"]
    dates += ["--format", "csv", "-q"]
    assert main(["export", CATALOG, "-o", str(tmp_path / "march.csv"), *dates]) == 0
    read = store.objects_read()
    near = {k for k in read if re.search(r"release_month=2026-0[234]/", k)}
    assert march_objects(store) <= near
    # The footer that gives the dataset its schema, and the build's name.
    assert len(read - near - {BUILD}) <= 1, read - near
    whole = tmp_path / "whole.parquet"
    pq.write_table(load_catalog(CATALOG).table, whole)
    assert main(["export", str(whole), "-o", str(tmp_path / "all.csv"), *dates]) == 0
    march = (tmp_path / "march.csv").read_text()
    assert march == (tmp_path / "all.csv").read_text()
    assert march.count("\n") > 100
