"""The object store contract, on a local directory and on moto's S3 server over HTTP."""

from __future__ import annotations

import contextlib
import os
import socket
import stat
import threading

import pyarrow.fs as pafs
import pytest

from pipeline.cli import main
from pipeline.console import EXIT_USAGE
from pipeline.store import LocalStore, S3Store, StoreError, StoreURIError, open_store


def test_put_get_roundtrip_and_overwrite(store_uri):
    store = open_store(store_uri)
    store.put_bytes("a/b.bin", b"first")
    assert store.get_bytes("a/b.bin") == b"first"
    store.put_bytes("a/b.bin", b"second")
    assert store.get_bytes("a/b.bin") == b"second"
    assert store.list() == ["a/b.bin"]


def test_put_file_and_download(store_uri, tmp_path):
    store = open_store(store_uri)
    source = tmp_path / "upload.bin"
    source.write_bytes(bytes(range(256)) * 100)
    store.put_file("raw/x/upload.bin", source)
    target = tmp_path / "download.bin"
    store.download("raw/x/upload.bin", target)
    assert target.read_bytes() == source.read_bytes()


def test_list_is_sorted_and_a_plain_key_prefix(store_uri):
    store = open_store(store_uri)
    for key in ["raw/source=ab/1", "raw/source=a/2", "raw/source=a/date=1/3", "corpus/4"]:
        store.put_bytes(key, b"x")
    assert store.list() == ["corpus/4", "raw/source=a/2", "raw/source=a/date=1/3", "raw/source=ab/1"]
    # A prefix is a string prefix of keys, as in S3, not a directory: "source=a" matches "source=ab".
    assert store.list("raw/source=a") == ["raw/source=a/2", "raw/source=a/date=1/3", "raw/source=ab/1"]
    assert store.list("raw/source=a/") == ["raw/source=a/2", "raw/source=a/date=1/3"]
    assert store.list("raw/source=a/date=1/3") == ["raw/source=a/date=1/3"]
    assert store.list("nothing/here") == []


def test_exists_and_delete(store_uri):
    store = open_store(store_uri)
    store.put_bytes("k/v", b"1")
    assert store.exists("k/v")
    assert not store.exists("k/w")
    store.delete("k/v")
    assert not store.exists("k/v")
    assert store.list() == []
    store.delete("k/v")  # deleting a missing key is not an error


def test_missing_object_error_names_the_object(store_uri, tmp_path):
    store = open_store(store_uri)
    with pytest.raises(StoreError, match=r"/lake/missing/key: no such object$"):
        store.get_bytes("missing/key")
    with pytest.raises(StoreError, match=r"/lake/missing/key: no such object$"):
        store.download("missing/key", tmp_path / "out")


def test_failed_put_file_leaves_old_object_and_no_leftovers(store_uri, tmp_path):
    store = open_store(store_uri)
    store.put_bytes("p/obj", b"old")
    with pytest.raises(StoreError, match=r"p/obj"):
        store.put_file("p/obj", tmp_path / "does-not-exist")
    assert store.get_bytes("p/obj") == b"old"
    assert store.list() == ["p/obj"]


def test_local_store_leaves_no_temporary_files(tmp_path):
    store = LocalStore(tmp_path / "lake")
    store.put_bytes("d/one", b"1")
    store.put_file("d/two", _file(tmp_path / "two", b"2"))
    with pytest.raises(StoreError):
        store.put_file("d/three", tmp_path / "missing")
    assert sorted(path.name for path in (tmp_path / "lake" / "d").iterdir()) == ["one", "two"]


def test_local_objects_get_the_mode_the_umask_gives(tmp_path):
    """Other tools and users read the lake: objects are created as open() creates files."""
    store = LocalStore(tmp_path / "lake")
    previous = os.umask(0o027)
    try:
        store.put_bytes("d/bytes", b"1")
        store.put_bytes_if_absent("d/created", b"2")
        store.put_file("d/file", _file(tmp_path / "source", b"3"))
    finally:
        os.umask(previous)
    assert {stat.S_IMODE((tmp_path / "lake" / "d" / name).stat().st_mode) for name in ("bytes", "created", "file")} == {0o640}

def test_check_and_found(store_uri):
    store = open_store(store_uri)
    store.check()  # a new local directory is created; the test's bucket exists
    assert store.found() == isinstance(store, LocalStore)  # on S3 a prefix is there once it holds an object
    store.put_bytes("k", b"x")
    assert store.found()


@pytest.mark.parametrize("where", ["not a directory", "missing bucket"])
def test_an_unusable_store_fails_its_check_in_one_line(where, tmp_path, s3_endpoint):
    (tmp_path / "file").write_bytes(b"")
    store = open_store(str(tmp_path / "file" / "lake") if where == "not a directory" else "s3://no-such-bucket/lake")
    with pytest.raises(StoreURIError, match=r"^(file|s3)://.*: cannot be a store: (Not a directory|no bucket 'no-such-bucket')$"):
        store.check()  # a --store naming such a place is bad usage


def test_local_key_cannot_escape_the_store(tmp_path):
    store = LocalStore(tmp_path / "lake")
    with pytest.raises(StoreError, match=r"escapes the store"):
        store.put_bytes("../outside", b"x")
    assert not (tmp_path / "outside").exists()


def test_arrow_filesystem_reads_what_the_store_wrote(store_uri):
    store = open_store(store_uri)
    store.put_bytes("corpus/f.txt", b"hello")
    filesystem, root = store.arrow_filesystem()
    with filesystem.open_input_stream(f"{root}/corpus/f.txt") as stream:
        assert stream.read() == b"hello"
    assert filesystem.get_file_info(f"{root}/corpus/f.txt").type == pafs.FileType.File


def test_open_store_chooses_the_backend(tmp_path, monkeypatch, s3_endpoint):
    assert isinstance(open_store(str(tmp_path)), LocalStore)
    assert open_store(f"file://{tmp_path}").uri == f"file://{tmp_path}"
    spaced = tmp_path / "sp ace"
    assert open_store(spaced.as_uri()).uri == open_store(str(spaced)).uri  # a percent-encoded path, as Path.as_uri() writes it
    monkeypatch.setenv("WIRELAKE_STORE", "s3://some-bucket/some/prefix")
    store = open_store()
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix, store.uri) == ("some-bucket", "some/prefix", "s3://some-bucket/some/prefix")
    assert store.endpoint_url == s3_endpoint


def test_a_file_uri_without_slashes_names_its_absolute_path(tmp_path):
    assert open_store(f"file:{tmp_path}").uri == f"file://{tmp_path}"


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("s3:///prefix", r"needs a bucket"),
        ("gs://bucket/x", r"gs://bucket/x: unsupported store"),
        ("s3:bucket/x", r"s3:bucket/x: unsupported store"),
        ("file:lake", r"file:lake: file: URIs take an absolute path"),
        ("file://", r"file://: file: URIs take an absolute path"),
        ("file://host/lake", r"file://host/lake: file: URIs take an absolute path"),
    ],
)
def test_open_store_rejects_bad_uris(uri, message):
    with pytest.raises(StoreError, match=message):
        open_store(uri)


def test_an_s3_store_reads_the_credentials_as_they_are_when_it_opens(s3_store_uri, monkeypatch, tmp_path):
    """A rotated credentials file (a rotation job, aws-vault, saml2aws) is what the next store uses:
    a CLI range opens one per step and day, over hours."""
    credentials = tmp_path / "credentials"
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(credentials))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    stores = []
    for key in ("first-key", "rotated-key"):
        credentials.write_text(f"[default]\naws_access_key_id = {key}\naws_secret_access_key = {key}-secret\n")
        stores.append(open_store(s3_store_uri))
        assert stores[-1].session.get_credentials().access_key == key
    stores[1].put_bytes("k", b"x")
    assert stores[0].get_bytes("k") == b"x"


def test_s3_missing_bucket_is_a_one_line_error(s3_endpoint):
    store = open_store("s3://no-such-bucket/lake")
    with pytest.raises(StoreError, match=r"^s3://no-such-bucket/lake/k: .*NoSuchBucket") as caught:
        store.put_bytes("k", b"x")
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("command", [["query", "select 1"], ["crawl", "capitol_ledger", "--date", "2024-05-20"], ["reprocess", "capitol_ledger", "--date", "2024-05-20"]])
@pytest.mark.parametrize(
    ("store", "variable", "message"),
    [
        ("s3://Bad_Bucket!/x", None, "s3://Bad_Bucket!/x: invalid bucket name 'Bad_Bucket!' (letters, digits, '.', '-' and '_')"),
        ("s3://bucket/x", ("AWS_ENDPOINT_URL", "notaurl"), "s3://bucket/x: AWS_ENDPOINT_URL='notaurl' is not an S3 endpoint URL (as in http://127.0.0.1:9000)"),
        ("s3://bucket/x", ("AWS_ENDPOINT_URL_S3", "ftp://x"), "s3://bucket/x: AWS_ENDPOINT_URL_S3='ftp://x' is not an S3 endpoint URL (as in http://127.0.0.1:9000)"),
        ("s3://bucket/x", ("AWS_DEFAULT_REGION", "bad/region"), "s3://bucket/x: invalid AWS configuration: Provided region_name 'bad/region' doesn't match a supported format."),
    ],
    ids=["bucket", "endpoint", "s3-endpoint", "region"],
)
def test_a_bad_bucket_name_or_aws_variable_is_a_usage_error_naming_it(s3_endpoint, monkeypatch, capsys, command, store, variable, message):
    """botocore words these over two lines (the reason on the second, which a one-line error
    dropped) or as a ValueError naming no variable, which read as a wirelake bug."""
    if variable:
        monkeypatch.setenv(*variable)
    assert main([*command, "--store", store]) == EXIT_USAGE
    assert capsys.readouterr().err == f"wirelake: error: {message}\n"


def test_s3_errors_keep_their_reason_on_one_line(s3_endpoint):
    """A request botocore refuses before sending it says why on its message's second line."""
    store = S3Store("Bad_Bucket!", "lake")
    with pytest.raises(StoreError, match=r"^s3://Bad_Bucket!/lake/k: Parameter validation failed: Invalid bucket name \"Bad_Bucket!\": ") as caught:
        store.exists("k")
    assert "\n" not in str(caught.value)


def test_s3_unreachable_endpoint_is_a_store_error(s3_endpoint):
    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = S3Store("bucket", "lake", endpoint_url=f"http://127.0.0.1:{port}")
    for operation in (lambda: store.exists("k"), lambda: store.get_bytes("k"), lambda: store.list()):
        with pytest.raises(StoreError, match=rf"^s3://bucket/lake/.*127\.0\.0\.1:{port}"):
            operation()


def test_s3_endpoint_closing_connections_is_a_store_error(s3_endpoint):
    """botocore's network errors carry no response to read an S3 error code from."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]

        def close_each_connection():
            with contextlib.suppress(OSError):  # the server closes when the test ends
                while True:
                    connection, _ = server.accept()
                    connection.recv(65536)
                    connection.close()

        threading.Thread(target=close_each_connection, daemon=True).start()
        store = S3Store("bucket", "lake", endpoint_url=f"http://127.0.0.1:{port}")
        for operation in (lambda: store.exists("k"), lambda: store.get_bytes("k"), lambda: store.put_bytes("k", b"x")):
            with pytest.raises(StoreError, match=r"^s3://bucket/lake/k: Connection was closed"):
                operation()


def _file(path, data: bytes):
    path.write_bytes(data)
    return path
