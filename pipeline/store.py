"""One small object-store interface with two backends: a local directory and S3.

Everything that matters (raw WARC, the corpus, dedup state) lives behind this interface,
so any worker can run any step. Every write is whole-object and atomic: a local write
goes to a temporary file that is renamed into place, an S3 PUT is atomic by itself.
Readers therefore never see half an object, and partitions are single objects.
"""

from __future__ import annotations

import errno
import functools
import os
import re
import shutil
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Callable
from urllib.parse import unquote, urlsplit

import pyarrow.fs as pafs

from pipeline.urls import written_url_problem

STORE_ENV = "WIRELAKE_STORE"
DEFAULT_STORE = "./lake"


class StoreError(Exception):
    """A store operation failed; the message names the store URI and key."""


_NOT_A_PLACE_FOR_A_STORE = {errno.ENOTDIR, errno.EEXIST, errno.EACCES, errno.EPERM, errno.EROFS, errno.ENAMETOOLONG}


class StoreURIError(StoreError):
    """--store / WIRELAKE_STORE names no store, or a place that cannot be one (a file, a
    read-only folder, a missing bucket, an invalid bucket name), or the AWS variables saying
    how to reach it are invalid: a usage error."""


class ObjectStore(ABC):
    """Keys are '/'-separated paths relative to the store's root."""

    uri: str

    @abstractmethod
    def put_bytes(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def put_bytes_if_absent(self, key: str, data: bytes) -> bool:
        """Create key only if no object has it (atomically, whole or not at all); False when
        one already does. Lets concurrent writers race for a key with exactly one winner."""

    @abstractmethod
    def put_file(self, key: str, path: str | os.PathLike) -> None: ...

    @abstractmethod
    def get_bytes(self, key: str) -> bytes: ...

    @abstractmethod
    def download(self, key: str, path: str | os.PathLike) -> None: ...

    @abstractmethod
    def list(self, prefix: str = "") -> list[str]:
        """Every key under prefix, sorted."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove key; removing a missing key is not an error."""

    @abstractmethod
    def arrow_filesystem(self) -> tuple[pafs.FileSystem, str]:
        """A pyarrow filesystem and the root path on it, for dataset scans."""

    @abstractmethod
    def check(self) -> None:
        """StoreError when the store cannot be used at all (a path that is no directory or not
        writable, a missing bucket, an endpoint that does not answer): one error before a run of
        many days, not the same error once per day. On S3 it asks for the bucket, which does not
        prove write permission: a refused write still fails its day."""

    @abstractmethod
    def found(self) -> bool:
        """The store is there: its local directory exists; on S3, where a folder does not exist
        on its own, its prefix holds an object. Not found is a mistyped --store, not an empty corpus."""

    def url(self, key: str) -> str:
        return f"{self.uri.rstrip('/')}/{key}"


def _temporary_file(directory: Path, name: str) -> tuple[int, str]:
    """A new hidden file beside the target, opened for writing. Created with mode 0666 so the
    kernel applies the umask, as for any file a program writes (mkstemp's 0600 would hide a lake
    from the other users and tools it is meant for)."""
    path = directory / f".{name}.{uuid.uuid4().hex}.tmp"  # 122 random bits: O_EXCL never meets another writer's
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), str(path)


class LocalStore(ObjectStore):
    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).resolve()
        self.uri = f"file://{self.root}"

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root not in path.parents and path != self.root:
            raise StoreError(f"{self.uri}: key {key!r} escapes the store")
        return path

    def _write_atomically(self, key: str, write: Callable[[BinaryIO], object], create_only: bool = False) -> bool:
        """Write to a hidden temporary file beside the target, then rename it into place;
        on failure remove the temporary file, so neither half objects nor leftovers appear.

        create_only links the file into place instead: link(2), unlike rename(2), fails when
        the target exists, so the object is whole when it appears and an existing one is
        never replaced. Returns False when the target existed."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _temporary_file(path.parent, path.name)
        try:
            with os.fdopen(fd, "wb") as handle:
                write(handle)
            if not create_only:
                os.replace(tmp, path)
                return True
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
            finally:
                Path(tmp).unlink(missing_ok=True)
            return True
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def put_bytes(self, key: str, data: bytes) -> None:
        try:
            self._write_atomically(key, lambda handle: handle.write(data))
        except OSError as exc:
            raise StoreError(f"{self.url(key)}: cannot write: {exc.strerror or exc}") from None

    def put_bytes_if_absent(self, key: str, data: bytes) -> bool:
        try:
            return self._write_atomically(key, lambda handle: handle.write(data), create_only=True)
        except OSError as exc:
            raise StoreError(f"{self.url(key)}: cannot write: {exc.strerror or exc}") from None

    def put_file(self, key: str, path: str | os.PathLike) -> None:
        try:
            with open(path, "rb") as source:
                self._write_atomically(key, lambda handle: shutil.copyfileobj(source, handle))
        except OSError as exc:
            raise StoreError(f"{self.url(key)}: cannot store {os.fspath(path)}: {exc.strerror or exc}") from None

    def get_bytes(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise StoreError(f"{self.url(key)}: no such object") from None

    def download(self, key: str, path: str | os.PathLike) -> None:
        source = self._path(key)
        if not source.is_file():
            raise StoreError(f"{self.url(key)}: no such object")
        try:
            shutil.copyfile(source, path)
        except OSError as exc:
            raise StoreError(f"{self.url(key)}: cannot download to {os.fspath(path)}: {exc.strerror or exc}") from None

    def list(self, prefix: str = "") -> list[str]:
        # A prefix is a plain string prefix of keys, as in S3 ("a/b" also matches "a/bc/d"),
        # so the walk starts at the deepest directory the prefix names in full.
        # A directory that cannot be listed is an error, not an empty one: a query would
        # otherwise count a day it cannot read as a day without articles.
        start = self._path(prefix.rpartition("/")[0]) if prefix else self.root
        keys = []
        try:
            if not start.exists():
                return []
            for directory, _, names in os.walk(start, onerror=_raise):
                for name in names:
                    path = Path(directory, name)
                    key = path.relative_to(self.root).as_posix()
                    if not name.startswith(".") and key.startswith(prefix) and path.is_file():
                        keys.append(key)
        except OSError as exc:
            where = Path(exc.filename or start).relative_to(self.root).as_posix()
            raise StoreError(f"{self.url(where)}: cannot list: {exc.strerror or exc}") from None
        return sorted(keys)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def arrow_filesystem(self) -> tuple[pafs.FileSystem, str]:
        return pafs.LocalFileSystem(), str(self.root)

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            # a path that names a file or a place no one may write is bad usage; a full or failing disk is not
            error = StoreURIError if exc.errno in _NOT_A_PLACE_FOR_A_STORE else StoreError
            raise error(f"{self.uri}: cannot be a store: {exc.strerror or exc}") from None
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StoreURIError(f"{self.uri}: cannot be a store: not writable")

    def found(self) -> bool:
        return self.root.is_dir()


class S3Store(ObjectStore):
    """S3 through boto3; endpoint, region and credentials come from the standard AWS
    variables (AWS_ENDPOINT_URL included), so MinIO, Ceph, R2 and AWS all work."""

    def __init__(self, bucket: str, prefix: str = "", endpoint_url: str | None = None):
        import boto3  # imported here so local-only use does not pay for botocore
        import botocore.session

        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.uri = f"s3://{bucket}/{self.prefix}" if self.prefix else f"s3://{bucket}"
        self.endpoint_url = _checked_endpoint(self.uri, endpoint_url)
        # A session of its own, so that it reads the credentials as they are now (a rotated
        # credentials file, a new session token), with the process's one model loader.
        core = botocore.session.get_session()
        core.register_component("data_loader", _botocore_loader())
        self.session = boto3.session.Session(botocore_session=core)
        try:
            self.client = self.session.client("s3", endpoint_url=self.endpoint_url)
        except ValueError as exc:  # botocore's own check of the configuration, e.g. a malformed AWS_DEFAULT_REGION
            raise StoreURIError(f"{self.uri}: invalid AWS configuration: {_reason(exc)}") from None

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _fail(self, key: str, exc: Exception) -> StoreError:
        """botocore's many exception types, one meaning: the operation on this object did not happen."""
        if _is_not_found(exc):
            return StoreError(f"{self.url(key)}: no such object")
        return StoreError(f"{self.url(key)}: {_reason(exc)}")

    @contextmanager
    def _failing_as_store_errors(self, key: str) -> Iterator[None]:
        try:
            yield
        except Exception as exc:
            raise self._fail(key, exc) from None

    def put_bytes(self, key: str, data: bytes) -> None:
        with self._failing_as_store_errors(key):
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def put_bytes_if_absent(self, key: str, data: bytes) -> bool:
        try:
            # S3's conditional write: 412 when the key exists, 409 when a concurrent
            # conditional write to it is in flight; either way another writer has it.
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, IfNoneMatch="*")
            return True
        except Exception as exc:
            if _error_code(exc) in ("PreconditionFailed", "ConditionalRequestConflict"):
                return False
            raise self._fail(key, exc) from None

    def put_file(self, key: str, path: str | os.PathLike) -> None:
        with self._failing_as_store_errors(key):
            self.client.upload_file(str(path), self.bucket, self._key(key))

    def get_bytes(self, key: str) -> bytes:
        with self._failing_as_store_errors(key):
            return self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()

    def download(self, key: str, path: str | os.PathLike) -> None:
        with self._failing_as_store_errors(key):
            self.client.download_file(self.bucket, self._key(key), str(path))

    def list(self, prefix: str = "") -> list[str]:
        keys = []
        strip = len(self.prefix) + 1 if self.prefix else 0
        with self._failing_as_store_errors(prefix):
            for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=self._key(prefix)):
                keys.extend(obj["Key"][strip:] for obj in page.get("Contents", []))
        return sorted(keys)

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
            return True
        except Exception as exc:
            if _is_not_found(exc):
                return False
            raise self._fail(key, exc) from None

    def delete(self, key: str) -> None:
        with self._failing_as_store_errors(key):
            self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def arrow_filesystem(self) -> tuple[pafs.FileSystem, str]:
        options: dict = dict(region=self.client.meta.region_name or "us-east-1")
        credentials = self.session.get_credentials()
        if credentials is not None:
            frozen = credentials.get_frozen_credentials()
            options.update(access_key=frozen.access_key, secret_key=frozen.secret_key, session_token=frozen.token)
        if self.endpoint_url:
            endpoint = urlsplit(self.endpoint_url)
            options.update(endpoint_override=endpoint.netloc, scheme=endpoint.scheme or "https")
        root = f"{self.bucket}/{self.prefix}" if self.prefix else self.bucket
        return pafs.S3FileSystem(**options), root

    def check(self) -> None:
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except Exception as exc:
            if _is_not_found(exc):
                raise StoreURIError(f"{self.uri}: cannot be a store: no bucket {self.bucket!r}") from None
            raise StoreError(f"{self.uri}: cannot be a store: {_reason(exc)}") from None

    def found(self) -> bool:
        try:
            listed = self.client.list_objects_v2(Bucket=self.bucket, Prefix=self._key(""), MaxKeys=1)
        except Exception as exc:
            if _error_code(exc) == "NoSuchBucket":  # a mistyped bucket is a store not there, as a mistyped prefix
                return False
            raise self._fail("", exc) from None
        return bool(listed.get("Contents"))


_ENDPOINT_VARIABLES = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")  # boto3's order: the S3 one wins


def _checked_endpoint(uri: str, given: str | None) -> str | None:
    """The endpoint URL given, else the one the AWS variables set; checked here, as botocore
    refuses a bad one with a ValueError naming no variable, or a scheme it cannot use only at the
    first request."""
    if given:
        name, endpoint = "endpoint_url", given
    else:
        name = next((variable for variable in _ENDPOINT_VARIABLES if os.environ.get(variable)), None)
        if name is None:
            return None
        endpoint = os.environ[name]
    if not _is_endpoint_url(endpoint):
        raise StoreURIError(f"{uri}: {name}={endpoint!r} is not an S3 endpoint URL (as in http://127.0.0.1:9000)")
    return endpoint


def _is_endpoint_url(text: str) -> bool:
    if written_url_problem(text):  # whitespace, a port that is no number (or an unclosed IPv6 bracket)
        return False
    parts = urlsplit(text)
    return parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0


def _reason(exc: Exception) -> str:
    """A botocore message on one line: some put their reason after a line break ("Parameter
    validation failed:\nInvalid bucket name ..."), which the first line of an error would drop."""
    return " ".join(str(exc).split()) or type(exc).__name__


@functools.cache
def _botocore_loader():
    """botocore's loader of service models and endpoint rules, shared by every store of the
    process: each session would load and parse them again (about 0.15 s of CPU a store, against
    0.02 s), and each step of a CLI range opens its own store."""
    from botocore.loaders import create_loader

    return create_loader()


def _raise(exc: OSError) -> None:
    """os.walk's onerror: stop at a directory that cannot be listed instead of skipping it."""
    raise exc


def _error_code(exc: Exception) -> str | None:
    """The S3 error code of a botocore ClientError, None for any other exception."""
    return (getattr(exc, "response", None) or {}).get("Error", {}).get("Code")  # network errors carry response=None


def _is_not_found(exc: Exception) -> bool:
    """HEAD requests (exists, download, check) carry no error body, so S3 reports a bare 404."""
    return _error_code(exc) in ("404", "NoSuchKey", "NotFound")


_BUCKET = re.compile(r"[a-zA-Z0-9._-]{1,255}")
"""The bucket names botocore sends (S3 itself is stricter; S3-compatible servers vary): any other
fails every request with a message whose reason is on its second line."""


def open_store(uri: str | None = None) -> ObjectStore:
    """--store, then $WIRELAKE_STORE, then ./lake. Plain paths and file: URIs are local.

    Every file: form (file:/abs, file:///abs) is read as a URI, and s3: without // refused: taken
    for a relative path, `file:/data/lake` or `s3:bucket/lake` was a folder of that name in the
    current directory, which a crawl filled without a word."""
    uri = uri or os.environ.get(STORE_ENV) or DEFAULT_STORE
    if uri.startswith("s3://"):
        parts = urlsplit(uri)
        if not parts.netloc:
            raise StoreURIError(f"{uri}: an S3 store needs a bucket, as in s3://bucket/prefix")
        if not _BUCKET.fullmatch(parts.netloc):
            raise StoreURIError(f"{uri}: invalid bucket name {parts.netloc!r} (letters, digits, '.', '-' and '_')")
        return S3Store(parts.netloc, parts.path)
    if uri.startswith("file:"):
        parts = urlsplit(uri)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise StoreURIError(f"{uri}: file: URIs take an absolute path, as in file:///data/lake (or give a plain path)")
        uri = unquote(parts.path)  # Path.as_uri() writes "sp ace" as "sp%20ace"
    elif "://" in uri or uri.startswith("s3:"):
        raise StoreURIError(f"{uri}: unsupported store (use a path, file://PATH or s3://BUCKET/PREFIX)")
    return LocalStore(uri)
