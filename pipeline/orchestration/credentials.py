"""Store credentials from an Airflow connection, or else from the plain AWS variables.

The steps open the store with boto3's standard configuration (AWS_* variables), and
the crawl step's Scrapy subprocess inherits the environment, so the one way to hand a
connection to them is to export it as those variables while the step runs. We do
that ourselves rather than install the Amazon provider for one lookup.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

STORE_CONN_ID = "wirelake_s3"
"""An `aws` connection; set it with AIRFLOW_CONN_WIRELAKE_S3 or in the UI."""
OVERRIDDEN = ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_ENDPOINT_URL_S3")
"""Worker variables that boto3 would otherwise mix into (or prefer over) the connection's."""


def aws_variables(login: str | None, password: str | None, extra: dict) -> dict[str, str]:
    """The AWS variables an `aws` connection stands for (empty fields are left out)."""
    values = {
        "AWS_ACCESS_KEY_ID": login,
        "AWS_SECRET_ACCESS_KEY": password,
        "AWS_ENDPOINT_URL": extra.get("endpoint_url"),
        "AWS_DEFAULT_REGION": extra.get("region_name"),
    }
    return {name: str(value) for name, value in values.items() if value}


def connection_variables(conn_id: str = STORE_CONN_ID) -> dict[str, str | None]:
    """The connection's AWS variables, None for those to unset so that the connection
    wins over the worker's; nothing when it is not defined (the plain AWS variables of
    the worker then apply). Needs a task, or the connection in AIRFLOW_CONN_*."""
    from airflow.sdk import Connection
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        conn = Connection.get(conn_id)
    except AirflowNotFoundException:
        return {}
    return {**dict.fromkeys(OVERRIDDEN), **aws_variables(conn.login, conn.password, conn.extra_dejson)}


@contextmanager
def exported(variables: dict[str, str | None]) -> Iterator[None]:
    """Set (or, for None, unset) environment variables for the duration of a step and
    restore them after, so tasks that share a process (dag.test) do not leak
    credentials to each other."""
    saved = {name: os.environ.get(name) for name in variables}
    for name, value in variables.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
