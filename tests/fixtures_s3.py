"""Fixtures: a real S3 API server (moto in server mode, over HTTP on loopback) and store URIs.

The server runs once per test session on a free port. While it runs, the standard AWS
variables point at it with fake credentials, so everything that reads them -- boto3,
pyarrow's S3 filesystem, subprocesses such as Scrapy crawls or Airflow task runners --
talks to it exactly as it would talk to MinIO or AWS.

Fixtures:
- s3_endpoint      the server's URL (session scoped)
- s3_store_uri     s3://<fresh bucket>/lake: a new, empty bucket for each test
- local_store_uri  a fresh local store directory under tmp_path
- store_uri        parametrized: each test using it runs once per backend (local, s3)
"""

from __future__ import annotations

import itertools

import boto3
import pytest
from moto.server import ThreadedMotoServer

# Variables that would make boto3 or pyarrow look past the test server (a developer's
# own profile, a real endpoint) are cleared for the session.
_AWS_VARIABLES_TO_CLEAR = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL_S3")

_bucket_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory):
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    empty_config = tmp_path_factory.mktemp("aws") / "none"
    empty_config.write_text("")
    with pytest.MonkeyPatch.context() as env:
        for name in _AWS_VARIABLES_TO_CLEAR:
            env.delenv(name, raising=False)
        env.setenv("AWS_ENDPOINT_URL", endpoint)
        env.setenv("AWS_ACCESS_KEY_ID", "wirelake-test")
        env.setenv("AWS_SECRET_ACCESS_KEY", "wirelake-test-secret")
        env.setenv("AWS_DEFAULT_REGION", "us-east-1")
        env.setenv("AWS_CONFIG_FILE", str(empty_config))
        env.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty_config))
        # Tests should fail fast instead of retrying against a server that is not there.
        env.setenv("AWS_MAX_ATTEMPTS", "2")
        try:
            yield endpoint
        finally:
            server.stop()


@pytest.fixture
def s3_store_uri(s3_endpoint) -> str:
    bucket = f"wirelake-test-{next(_bucket_numbers):04d}"
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=bucket)
    return f"s3://{bucket}/lake"


@pytest.fixture
def local_store_uri(tmp_path) -> str:
    """An empty local store: the directory exists, like an S3 store's bucket does."""
    (tmp_path / "lake").mkdir()
    return str(tmp_path / "lake")


@pytest.fixture(params=["local", "s3"])
def store_uri(request) -> str:
    return request.getfixturevalue(f"{request.param}_store_uri")
