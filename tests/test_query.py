"""DuckDB queries over the corpus on both backends, through pyarrow (no httpfs)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.cli import EXIT_FAILURE, EXIT_USAGE, main
from pipeline.corpus import to_table, write_partition
from pipeline.dedup import commit, dedup_partition
from pipeline.layout import corpus_partition_key
from pipeline.dedup.views import DEDUP_COLUMNS
from pipeline.query import TABLE_CELL_CHARS, VIEWS, QueryError, connect, run_query
from pipeline.schema import ARTICLE_SCHEMA
from pipeline.store import StoreURIError, open_store

# the corpus columns, then the dedup columns the views join on
ARTICLE_COLUMNS = ARTICLE_SCHEMA.names + [name for name, _, _ in DEDUP_COLUMNS]

DAY_1, DAY_2 = date(2024, 5, 25), date(2024, 5, 26)
PARTITIONS = {("capitol_ledger", DAY_1): 3, ("capitol_ledger", DAY_2): 2, ("metro_wire", DAY_2): 1}


def article(source: str, day: date, number: int) -> dict:
    return {
        "doc_id": f"{source}-{day}-{number}",
        "url": f"http://example.test/{source}/{number}",
        "source": source,
        "title": f"{source} story {number}",
        "published_at": datetime(day.year, day.month, day.day, 8, number, tzinfo=timezone.utc),
        "crawl_date": day,
        "text": "Opening paragraph.\n\n" + "A long body sentence. " * 20,
        "word_count": 62,
    }


def publish_quiet_day(uri: str) -> str:
    """What publishing a crawl that found nothing leaves: a dedup generation and an empty partition."""
    store = open_store(uri)
    plan = dedup_partition(store, "daily_courier", DAY_2, to_table([]))
    commit(store, plan, lambda articles: write_partition(store, corpus_partition_key("daily_courier", DAY_2), articles))
    return uri


@pytest.fixture
def quiet_uri(local_store_uri):
    return publish_quiet_day(local_store_uri)


def write_corpus(uri: str) -> str:
    store = open_store(uri)
    for (source, day), count in PARTITIONS.items():
        write_partition(store, corpus_partition_key(source, day), [article(source, day, n) for n in range(count)])
    write_partition(store, corpus_partition_key("daily_courier", DAY_2), [])  # crawled, nothing found
    return uri


@pytest.fixture
def corpus_uri(store_uri):
    return write_corpus(store_uri)


def test_articles_view_has_each_article_column_once(corpus_uri):
    connection = connect(corpus_uri)  # a URI or path, as README shows
    described = connection.execute("describe articles").fetchall()
    assert [row[0] for row in described] == ARTICLE_COLUMNS
    assert dict((row[0], row[1]) for row in described)["published_at"] == "TIMESTAMP WITH TIME ZONE"


def test_empty_store_gives_an_empty_articles_view(store_uri):
    connection = connect(open_store(store_uri))
    assert connection.execute("select count(*) from articles").fetchone() == (0,)
    assert [row[0] for row in connection.execute("describe articles").fetchall()] == ARTICLE_COLUMNS


def test_counts_per_source_in_every_format(corpus_uri):
    sql = "select source, count(*) as articles from articles group by 1 order by 1"
    assert run_query(sql, corpus_uri) == (
        "source            articles\n"
        "--------------  ----------\n"
        "capitol_ledger           5\n"
        "metro_wire               1\n"
        "(2 rows)\n"
    )
    assert list(csv.reader(io.StringIO(run_query(sql, corpus_uri, "csv")))) == [
        ["source", "articles"],
        ["capitol_ledger", "5"],
        ["metro_wire", "1"],
    ]
    assert json.loads(run_query(sql, corpus_uri, "json")) == [
        {"source": "capitol_ledger", "articles": 5},
        {"source": "metro_wire", "articles": 1},
    ]


def test_dates_and_timestamps_are_iso_strings(corpus_uri):
    sql = "select crawl_date, published_at, attribution from articles where source = 'metro_wire'"
    assert json.loads(run_query(sql, corpus_uri, "json")) == [
        {"crawl_date": "2024-05-26", "published_at": "2024-05-26T08:00:00+00:00", "attribution": None}
    ]
    assert run_query(sql, corpus_uri, "csv").splitlines()[1] == "2024-05-26,2024-05-26T08:00:00+00:00,"


def test_table_output_truncates_long_text_on_one_line(corpus_uri):
    output = run_query("select title, text, attribution from articles where source = 'metro_wire'", corpus_uri)
    header, rule, row, footer = output.splitlines()
    assert header.split() == ["title", "text", "attribution"]
    title, text, attribution = re.split(r"\s{2,}", row.strip())
    assert title == "metro_wire story 0"
    assert text == "Opening paragraph. A long body sentence. A long…"
    assert len(text) == TABLE_CELL_CHARS
    assert attribution == "NULL"
    assert footer == "(1 row)"


@pytest.mark.parametrize("where", ["crawl_date = date '2024-05-25'", "source = 'metro_wire'"])
def test_filters_on_partition_columns_skip_other_files(store_uri, where):
    """A file that cannot be read sits in another partition: only pruning lets the query pass."""
    store = open_store(store_uri)
    write_partition(store, corpus_partition_key("capitol_ledger", DAY_1), [article("capitol_ledger", DAY_1, 0)])
    write_partition(store, corpus_partition_key("metro_wire", DAY_2), [article("metro_wire", DAY_2, 0)])
    store.put_bytes(corpus_partition_key("broken", DAY_2), b"not parquet")
    assert run_query(f"select count(*) as n from articles where {where}", store_uri, "csv") == "n\n1\n"
    with pytest.raises(QueryError, match=r"^query failed: .*date=2024-05-26/source=broken/part-0\.parquet"):
        run_query("select count(*) from articles", store_uri)


def test_partitions_written_before_a_column_existed_read_it_as_null(store_uri):
    store = open_store(store_uri)
    old = to_table([article("metro_wire", DAY_1, 0)]).drop_columns(["word_count", "attribution"])
    sink = pa.BufferOutputStream()
    pq.write_table(old, sink)
    store.put_bytes(corpus_partition_key("metro_wire", DAY_1), sink.getvalue().to_pybytes())
    write_partition(store, corpus_partition_key("metro_wire", DAY_2), [article("metro_wire", DAY_2, 0)])
    sql = "select crawl_date, word_count from articles order by 1"
    assert json.loads(run_query(sql, store_uri, "json")) == [
        {"crawl_date": "2024-05-25", "word_count": None},
        {"crawl_date": "2024-05-26", "word_count": 62},
    ]


def test_later_view_builders_build_on_articles(corpus_uri):
    def latest_view(connection, store):
        connection.execute("create view latest as select * from articles where crawl_date = (select max(crawl_date) from articles)")

    connection = connect(open_store(corpus_uri), views=(*VIEWS, latest_view))
    assert connection.execute("select count(*) from latest").fetchone() == (3,)


def test_store_comes_from_the_environment_when_not_given(corpus_uri, monkeypatch):
    monkeypatch.setenv("WIRELAKE_STORE", corpus_uri)
    assert run_query("select count(*) as n from articles", None, "csv") == "n\n6\n"


def test_non_parquet_objects_are_not_corpus_but_stray_parquet_is_an_error(local_store_uri):
    store = open_store(local_store_uri)
    write_partition(store, corpus_partition_key("metro_wire", DAY_2), [article("metro_wire", DAY_2, 0)])
    store.put_bytes("corpus/articles/date=2024-05-26/source=metro_wire/_SUCCESS", b"")
    assert run_query("select count(*) as n from articles", local_store_uri, "csv") == "n\n1\n"
    store.put_bytes("corpus/articles/loose.parquet", b"")
    with pytest.raises(QueryError, match=r"corpus/articles/loose\.parquet: not in the corpus layout corpus/articles/date=YYYY-MM-DD/source=NAME/\*\.parquet$"):
        run_query("select 1", local_store_uri)


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("selec * from articles", r'^query failed: Parser Error: syntax error at or near "selec"$'),
        ("select * from article", r'^query failed: Catalog Error: Table with name article does not exist! Did you mean "articles"\?$'),
        ("select headline from articles", r'^query failed: Binder Error: Referenced column "headline" not found'),
    ],
)
def test_bad_sql_is_a_one_line_error(corpus_uri, sql, message):
    with pytest.raises(QueryError, match=message) as caught:
        run_query(sql, corpus_uri)
    assert "\n" not in str(caught.value)


def test_unknown_format_and_bad_store_are_query_errors(local_store_uri):
    with pytest.raises(QueryError, match=r"^unknown format 'xml' \(use table, csv, json\)$"):
        run_query("select 1", local_store_uri, "xml")
    with pytest.raises(QueryError, match=r"^ftp://x: unsupported store"):
        run_query("select 1", "ftp://x")


def test_missing_bucket_is_a_store_not_there(s3_endpoint, capsys):
    """A mistyped bucket is a --store that names no store, as a mistyped prefix is: usage, exit 2."""
    with pytest.raises(QueryError, match=r"^s3://no-such-bucket/lake: no store there \(") as caught:
        run_query("select count(*) from articles", "s3://no-such-bucket/lake")
    assert isinstance(caught.value.__cause__, StoreURIError)
    assert main(["query", "select 1", "--store", "s3://no-such-bucket/lake"]) == EXIT_USAGE
    assert capsys.readouterr().err.count("\n") == 1


def test_a_mistyped_s3_prefix_is_an_error_not_an_empty_corpus(s3_store_uri):
    """The bucket exists; nothing was ever written under the prefix."""
    with pytest.raises(QueryError, match=r"^s3://.*/typo: no store there"):
        run_query("select count(*) from articles", s3_store_uri.rsplit("/", 1)[0] + "/typo")


def test_json_and_csv_render_decimals_lists_and_empty_results(quiet_uri):
    sql = "select 1.5 as ratio, [1, 2] as ids, blob '\\x01' as raw"
    assert json.loads(run_query(sql, quiet_uri, "json")) == [{"ratio": 1.5, "ids": [1, 2], "raw": "01"}]
    assert run_query(sql, quiet_uri, "csv") == 'ratio,ids,raw\n1.5,"[1, 2]",01\n'
    assert run_query("select * from articles", quiet_uri, "json") == "[]\n"


def test_a_missing_local_store_is_an_error_not_an_empty_corpus(tmp_path):
    with pytest.raises(QueryError, match=r"^file://.*/typo: no store there"):
        run_query("select count(*) from articles", str(tmp_path / "typo"))


def test_json_has_no_nan_and_durations_are_iso_8601(quiet_uri):
    sql = "select 'NaN'::double as ratio, interval 847 days + interval 8 hours + interval 30 minutes as lag, interval 0 seconds as zero"
    assert json.loads(run_query(sql, quiet_uri, "json")) == [{"ratio": None, "lag": "P847DT8H30M", "zero": "PT0S"}]


def test_csv_and_json_print_values_alike_and_durations_exactly(quiet_uri):
    """NaN and infinities are null in csv too, booleans true/false in both, and a duration keeps
    its microseconds and a day count of any size (no 4-digit rounding, no "3e+06")."""
    sql = ("select 'nan'::double as f, 'inf'::double as g, true as b, interval 2 minutes + interval 50429563 microseconds as fetch,"
           " interval 3000000 days as long")
    assert run_query(sql, quiet_uri, "csv").splitlines() == ["f,g,b,fetch,long", ",,true,PT2M50.429563S,P3000000D"]
    assert json.loads(run_query(sql, quiet_uri, "json")) == [{"f": None, "g": None, "b": True, "fetch": "PT2M50.429563S", "long": "P3000000D"}]


def test_json_keeps_columns_that_share_a_name_under_duckdbs_own_names(corpus_uri):
    sql = "select a.url, b.url from articles a join articles b using (doc_id) where a.source = 'metro_wire'"
    assert json.loads(run_query(sql, corpus_uri, "json")) == [{"url": "http://example.test/metro_wire/0", "url_1": "http://example.test/metro_wire/0"}]
    clashing = "select 1 as url, 2 as url, 3 as url_1, 4 as URL"
    connection = duckdb.connect()
    connection.execute(f"create table t as {clashing}")
    duckdb_names = [row[0] for row in connection.execute("describe t").fetchall()]
    assert duckdb_names == ["url", "url_1", "url_1_1", "URL_2"]
    assert json.loads(run_query(clashing, corpus_uri, "json")) == [dict(zip(duckdb_names, [1, 2, 3, 4]))]


@pytest.mark.parametrize("sql", ["", "  \n", "-- just a comment", "/* nothing */ ;"])
def test_no_statement_is_a_one_line_error(quiet_uri, sql):
    with pytest.raises(QueryError, match=r"^query: no SQL statement to run \(the SQL is empty or only comments\)$"):
        run_query(sql, quiet_uri)


def test_a_quiet_day_is_an_empty_corpus_not_a_missing_one(store_uri):
    publish_quiet_day(store_uri)
    for view in ("articles", "originals", "reprints"):
        assert run_query(f"select count(*) as n from {view}", store_uri, "csv") == "n\n0\n"


def test_a_store_with_no_corpus_is_an_error_not_an_empty_corpus(store_uri):
    """Something is there (a local directory such as /tmp, objects under an S3 prefix), but no crawl ever published."""
    open_store(store_uri).put_bytes("notes.txt", b"not a lake")
    with pytest.raises(QueryError, match=r"^(file|s3)://.*: holds no wirelake corpus \(run `wirelake crawl` or `wirelake demo` first, or fix --store\)$") as caught:
        run_query("select count(*) from articles", store_uri)
    assert isinstance(caught.value.__cause__, StoreURIError)  # what makes the CLI exit with its usage code


@pytest.mark.parametrize(
    ("sql", "store", "message", "code"),
    [
        ("select count(*) from articles", "typo", "no store there", EXIT_USAGE),
        ("select count(*) from articles", ".", "holds no wirelake corpus", EXIT_USAGE),
        ("-- just a comment", "lake", "query: no SQL statement to run", EXIT_FAILURE),  # as for any SQL that cannot run
    ],
)
def test_cli_exit_codes(quiet_uri, tmp_path, capsys, sql, store, message, code):
    """tmp_path/lake is a quiet store; tmp_path itself is a directory with no corpus, like /tmp."""
    assert main(["query", sql, "--store", str(tmp_path / store)]) == code
    error = capsys.readouterr().err
    assert error.startswith("wirelake: error: ") and message in error and error.count("\n") == 1


def test_several_statements_are_refused_rather_than_all_but_the_last_dropped(quiet_uri):
    with pytest.raises(QueryError, match=r"^query: one SQL statement at a time, got 2$"):
        run_query("select 1; select 2", quiet_uri)


def test_nested_values_print_as_json_in_every_format(quiet_uri):
    """Lists, structs, maps and fixed-size arrays read as JSON everywhere (not Python's repr);
    NaN and infinities inside them are null, and a decimal a float cannot hold keeps its digits."""
    sql = ("select [1.5, 'nan'::double, 'inf'::double] as scores, {'site': 'a', 'day': date '2024-05-26'} as origin,"
           " [1, 2, 3]::integer[3] as fixed, 12345678901234567890.123456789::decimal(38,9) as exact, 1.5 as plain")
    assert json.loads(run_query(sql, quiet_uri, "json")) == [
        {"scores": [1.5, None, None], "origin": {"site": "a", "day": "2024-05-26"}, "fixed": [1, 2, 3],
         "exact": "12345678901234567890.123456789", "plain": 1.5},
    ]
    assert list(csv.reader(io.StringIO(run_query(sql, quiet_uri, "csv"))))[1] == [
        "[1.5, null, null]", '{"site": "a", "day": "2024-05-26"}', "[1, 2, 3]", "12345678901234567890.123456789", "1.5",
    ]
    table = run_query(sql.replace(", 12345678901234567890.123456789::decimal(38,9) as exact, 1.5 as plain", ""), quiet_uri)
    assert table.splitlines()[2].split("  ")[:1] == ["[1.5, null, null]"] and '{"site": "a", "day": "2024-05-26"}' in table


def test_a_result_too_large_to_hold_starts_streaming_and_stops_quietly_when_the_reader_goes(quiet_uri):
    """csv and json are written as rows arrive: a trillion-row result prints its first lines at
    once, and a reader that stops (`| head`) ends the command quietly, with SIGPIPE's status."""
    for fmt, first in (("csv", "n"), ("json", "[")):
        command = [sys.executable, "-m", "pipeline.cli", "query", "select range as n from range(1000000000000)",
                   "--store", quiet_uri, "--format", fmt]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        watchdog = threading.Timer(120, process.kill)  # a result held back whole would never print: fail, not hang
        watchdog.start()
        try:
            assert process.stdout.readline().strip() == first
            process.stdout.close()
            assert process.wait(timeout=120) == 128 + signal.SIGPIPE
            assert process.stderr.read() == ""
        finally:
            watchdog.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()


def test_a_corpus_without_its_dedup_state_warns(corpus_uri, capsys):
    """Copying corpus/ without dedup/ leaves the dedup columns null: say so beside the result."""
    assert main(["query", "select count(*) as n from articles", "--store", corpus_uri, "--format", "csv"]) == 0
    out, err = capsys.readouterr()
    assert out == "n\n6\n"
    assert err.startswith("wirelake: warning: ") and "no dedup state (dedup/)" in err and err.count("\n") == 1


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_query_stopped_by_a_signal_says_interrupted(quiet_uri, stop):
    """Ctrl-C or a supervisor's SIGTERM mid-result: one line and 128 + the signal, whether it lands
    in DuckDB (which turns it into its own "Query interrupted" error) or while writing."""
    command = [sys.executable, "-m", "pipeline.cli", "query", "select range as n from range(1000000000000)", "--store", quiet_uri, "--format", "csv"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline() == "n\n"  # the handlers are in place: the result is streaming
        process.send_signal(stop)
        _, stderr = process.communicate(timeout=120)  # reading on, so a full pipe never holds it back
        assert (process.returncode, stderr) == (128 + stop, "wirelake: interrupted\n")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def held_by_permissions(command: list[str]) -> list[str]:
    """command as a process that file permissions hold. Root's keeps its uid (its Python may sit
    in root's private home) but loses the capabilities that let it read any directory."""
    if os.geteuid() != 0:
        return command
    if shutil.which("setpriv") is None:
        pytest.skip("root reads every directory, and setpriv (util-linux), which could take that from a child, is not installed")
    return ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]


@pytest.mark.parametrize("private", [f"corpus/articles/date={DAY_1}", "corpus/articles"])
def test_a_corpus_directory_that_cannot_be_listed_is_an_error_not_missing_articles(local_store_uri, private):
    """A day, or the whole corpus, that the querying user may not list would otherwise drop out of
    the counts with exit 0 (a day) or read as an empty corpus."""
    write_corpus(publish_quiet_day(local_store_uri))
    directory = Path(local_store_uri, private)
    command = [sys.executable, "-m", "pipeline.cli", "query", "select crawl_date, count(*) from articles group by 1", "--store", local_store_uri]
    directory.chmod(0)
    try:
        result = subprocess.run(held_by_permissions(command), capture_output=True, text=True, timeout=120)
    finally:
        directory.chmod(0o755)
    assert (result.returncode, result.stdout) == (EXIT_FAILURE, "")
    assert result.stderr == f"wirelake: error: file://{directory.resolve()}: cannot list: Permission denied\n"


def cpu_seconds(pid: int) -> float:
    """The CPU time a running process has used so far (utime + stime in /proc/PID/stat)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_stops_a_query_that_duckdb_is_still_computing(quiet_uri, stop):
    """Ctrl-C or SIGTERM while DuckDB computes a result, before any row is out: DuckDB runs the
    handler inside the query but drops the Stopped it raises, so only interrupting the connection
    ends the query. The signal goes once the child has used more CPU than a whole `select 1` did:
    past start-up, so inside the query."""
    query = [sys.executable, "-m", "pipeline.cli", "query", "--store", quiet_uri]
    before = children_cpu_seconds()
    subprocess.run([*query, "select 1"], check=True, capture_output=True, timeout=120)
    whole_run = children_cpu_seconds() - before
    process = subprocess.Popen([*query, "select sum(a.range * b.range) from range(1000000000) a, range(100000) b"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while cpu_seconds(process.pid) < 2 * whole_run + 1:
            assert process.poll() is None and time.monotonic() < deadline, "the query never got going"
        process.send_signal(stop)
        stdout, stderr = process.communicate(timeout=120)
        assert (process.returncode, stdout, stderr) == (128 + stop, "", "wirelake: interrupted\n")
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
