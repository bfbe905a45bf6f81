"""The whole slice through the CLI: news web -> scrapy -> raw WARC -> extraction -> Parquet -> query.

Every command runs as a real `wirelake` process, like an operator would run it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timezone

import psutil
import pyarrow as pa
import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline import corpus, layout
from pipeline.cli import NEWSWEB_PORT
from pipeline.console import port_number
from pipeline.newsweb import DEFAULT_PORT, demo_plan, expected_articles, expected_clusters
from pipeline.rawpages import iter_pages
from pipeline.steps import publish_step
from pipeline.store import StoreError, open_store

WEEK_START, WEEK_END = date(2024, 5, 20), date(2024, 5, 21)


def wirelake(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, env=env or os.environ.copy(), timeout=600
    )


def query(store_uri: str, sql: str) -> list[dict]:
    result = wirelake("query", sql, "--store", store_uri, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def sources_file(newsweb_sources):
    return str(newsweb_sources)


@pytest.fixture(scope="module")
def crawled(newsweb, sources_file, tmp_path_factory):
    """Two days of the original publisher and the seed reprint's day of the syndicator, on a local store."""
    store_uri = str(tmp_path_factory.mktemp("lake"))
    first = wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--to", str(WEEK_END), "--store", store_uri, "--sources", sources_file)
    courier = wirelake("crawl", "daily_courier", "--date", "2024-05-26", "--store", store_uri, "--sources", sources_file)
    return store_uri, first, courier


def test_crawl_reports_progress_and_summary(crawled):
    _, first, courier = crawled
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("plan: crawl capitol_ledger for 2 days, 2024-05-20 to 2024-05-21; 0 already stored (")
    assert "[1/2] capitol_ledger 2024-05-20:" in first.stdout and "[2/2] capitol_ledger 2024-05-21:" in first.stdout
    assert "pages fetched" in first.stdout and "failed days" in first.stdout and "capitol_ledger  2" in first.stdout
    assert courier.returncode == 0, courier.stderr


def test_partitions_hold_exactly_the_expected_articles(crawled, newsweb):
    store_uri, _, _ = crawled
    store = open_store(store_uri)
    expected = [a for a in expected_articles(newsweb.port) if a.source == "capitol_ledger" and WEEK_START <= a.crawl_date <= WEEK_END]
    assert store.list("corpus/articles/") == sorted(
        layout.corpus_partition_key("capitol_ledger", d) for d in (WEEK_START, WEEK_END)
    ) + [layout.corpus_partition_key("daily_courier", date(2024, 5, 26))]
    assert store.list("staging/") == []  # the hand-over between extract and publish is gone once published
    rows = query(store_uri, "select url, title, crawl_date, published_at, author from articles where source = 'capitol_ledger' order by url")
    assert [(r["url"], str(r["crawl_date"])) for r in rows] == sorted((a.url, str(a.crawl_date)) for a in expected)
    by_url = {a.url: a for a in expected}
    for row in rows:
        assert row["title"] == by_url[row["url"]].title
        assert row["published_at"][:10] == by_url[row["url"]].published_at.date().isoformat()
        assert row["author"] == by_url[row["url"]].author


def test_raw_zone_keeps_every_response(crawled):
    """Trouble pages, sitemaps and robots.txt are all in the WARC, so a later release can re-extract."""
    store_uri, _, _ = crawled
    store = open_store(store_uri)
    local = store.root / layout.raw_warc_key("capitol_ledger", WEEK_START)
    statuses = {(page.url.rsplit("/", 1)[-1], page.status) for page in iter_pages(local)}
    assert ("robots.txt", 200) in statuses and ("news-sitemap.xml", 200) in statuses
    stats = json.loads(store.get_bytes(layout.crawl_stats_key("capitol_ledger", WEEK_START)))
    assert stats["finish_reason"] == "finished" and stats["articles"] >= 1
    assert b"Spider closed (finished)" in store.get_bytes(layout.crawl_log_key("capitol_ledger", WEEK_START))


def test_seed_like_reprint_is_clean_dated_and_attributed(crawled):
    store_uri, _, _ = crawled
    (row,) = query(store_uri, "select * from articles where source = 'daily_courier' and published_at < timestamp '2023-01-01'")
    assert row["published_at"].startswith("2022-01-29")
    assert row["attribution"] == "The Capitol Ledger"
    text = row["text"]
    for furniture in ("Sunday, May 26, 2024", "AD", "Home", "Courtesy", "Source:", "JANUARY 29, 2022"):
        assert furniture not in text.split("\n\n")[0] and furniture not in text.splitlines()[-1], furniture
    assert "Courtesy/Source" not in text and "Sunday, May 26, 2024" not in text
    paragraphs = text.split("\n\n")
    assert len(paragraphs) == len(set(paragraphs)), "a caption repeating a quote was kept"


def test_rerun_replaces_partitions_exactly(crawled, sources_file):
    """Same rows, same clusters, same raw and corpus objects: no duplicates, no leftovers.
    (Dedup state is rewritten as new immutable generations, so only its meaning is compared.)"""
    store_uri, _, _ = crawled
    store = open_store(store_uri)
    snapshot = "select doc_id, cluster_id, is_original, original_doc_id, dup_kind from articles order by doc_id"
    before = query(store_uri, snapshot)
    keys_before = [k for k in store.list("") if not k.startswith("dedup/")]
    again = wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", store_uri, "--sources", sources_file)
    assert again.returncode == 0, again.stderr
    assert query(store_uri, snapshot) == before
    assert [k for k in store.list("") if not k.startswith("dedup/")] == keys_before


def test_a_crawl_breaking_its_gates_keeps_the_previous_partition(crawled, sources_file, tmp_path):
    """A bad night (here: a gate no crawl can meet) fails before anything is replaced."""
    store_uri, _, _ = crawled
    store = open_store(store_uri)
    key = layout.corpus_partition_key("capitol_ledger", WEEK_START)
    before = (store.get_bytes(key), store.get_bytes(layout.raw_warc_key("capitol_ledger", WEEK_START)))
    strict = tmp_path / "strict.yaml"
    strict.write_text(open(sources_file).read().replace("  - name: capitol_ledger\n", "  - name: capitol_ledger\n    quality: {min_articles: 100}\n"))
    result = wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", store_uri, "--sources", str(strict))
    assert result.returncode == 1
    assert "breaks its quality gates, nothing replaced" in result.stderr and "quality.min_articles=100" in result.stderr
    assert (store.get_bytes(key), store.get_bytes(layout.raw_warc_key("capitol_ledger", WEEK_START))) == before
    store.delete(layout.crawl_log_key("capitol_ledger", WEEK_START, failed=True))  # the module's other tests compare keys


def _with_quality(sources_file: str, path, quality: str) -> str:
    path.write_text(open(sources_file).read().replace("  - name: capitol_ledger\n", f"  - name: capitol_ledger\n    quality: {quality}\n"))
    return str(path)


def test_a_recrawl_doing_worse_than_the_stored_day_replaces_nothing(newsweb, sources_file, tmp_path):
    """A backfill of an old day whose sitemap has forgotten most of it, or of a site serving
    maintenance pages, must not swap the stored raw pages for the remnant. A published day is
    compared by its articles (the re-crawl is extracted first), a day crawled but not published
    by its article pages; quality.min_recrawl_share: 0 accepts the remnant. (The stored day is
    made to claim ten times what the news web serves: the remnant without waiting for a site to forget.)"""
    lake = str(tmp_path / "lake")
    assert wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", lake, "--sources", sources_file).returncode == 0
    store = open_store(lake)
    stats_key, warc_key = layout.crawl_stats_key("capitol_ledger", WEEK_START), layout.raw_warc_key("capitol_ledger", WEEK_START)
    published = layout.corpus_partition_key("capitol_ledger", WEEK_START)
    table = corpus.read_partition(store, published)
    articles = table.num_rows
    corpus.write_partition(store, published, pa.concat_tables([table] * 10))
    stored = (store.get_bytes(stats_key), store.get_bytes(warc_key), store.get_bytes(published))

    again = wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", lake, "--sources", sources_file)
    assert again.returncode == 1
    assert f"{articles} articles where the stored day has {10 * articles} (quality.min_recrawl_share=0.8" in again.stderr
    assert (store.get_bytes(stats_key), store.get_bytes(warc_key), store.get_bytes(published)) == stored

    # a day crawled but never published: its stored pages are extracted (here each page is there twice)
    store.delete(published)
    warc = store.get_bytes(warc_key)
    store.put_bytes(warc_key, warc + warc)  # gzip members one after the other: still one WARC
    stats = json.loads(store.get_bytes(stats_key))
    store.put_bytes(stats_key, json.dumps({**stats, "warc_bytes": 2 * len(warc)}).encode())
    unpublished = wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", lake, "--sources", sources_file)
    assert unpublished.returncode == 1
    assert f"{articles} articles where the stored day has {2 * articles} (quality.min_recrawl_share=0.8" in unpublished.stderr
    assert store.get_bytes(warc_key) == warc + warc

    accepting = _with_quality(sources_file, tmp_path / "accepting.yaml", "{min_recrawl_share: 0}")
    assert wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", lake, "--sources", accepting).returncode == 0
    assert store.get_bytes(warc_key) != warc + warc


def test_a_raw_write_failing_during_a_recrawl_keeps_the_stored_day_complete(newsweb, sources_file, tmp_path):
    """The stats mark a complete raw partition and are removed before the new pages are written:
    a write that fails (here: a directory has taken the WARC's path) puts them back, so the
    stored day can still be reprocessed and the re-crawl guard stays armed."""
    lake = tmp_path / "lake"
    assert wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", str(lake), "--sources", sources_file).returncode == 0
    store = open_store(str(lake))
    stats_key, warc_key = layout.crawl_stats_key("capitol_ledger", WEEK_START), layout.raw_warc_key("capitol_ledger", WEEK_START)
    stats = store.get_bytes(stats_key)
    warc = lake / warc_key
    warc.rename(tmp_path / "pages.warc.gz")
    (warc / "taken").mkdir(parents=True)
    failed = wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", str(lake), "--sources", sources_file)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert store.get_bytes(stats_key) == stats

    # the log is written last: once the new pages are in, their own stats are with them
    (warc / "taken").rmdir()
    warc.rmdir()
    (tmp_path / "pages.warc.gz").rename(warc)
    log = lake / layout.crawl_log_key("capitol_ledger", WEEK_START)
    log.unlink()
    (log / "taken").mkdir(parents=True)
    failed = wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", str(lake), "--sources", sources_file)
    assert failed.returncode == 1
    new_stats = json.loads(store.get_bytes(stats_key))
    assert new_stats != json.loads(stats) and new_stats["warc_records"] == sum(1 for _ in iter_pages(warc)) * 2


def test_a_stored_warc_cut_between_two_records_is_refused(newsweb, sources_file, tmp_path):
    """Cut exactly at a record's end, a crawl's WARC reads as whole: its size against the crawl's
    stats says otherwise, and nothing is published from part of the day."""
    lake = tmp_path / "lake"
    assert wirelake("crawl", "capitol_ledger", "--date", str(WEEK_START), "--store", str(lake), "--sources", sources_file).returncode == 0
    warc = lake / layout.raw_warc_key("capitol_ledger", WEEK_START)
    with open(warc, "rb") as handle:
        offsets = [record_offset for record_offset, _ in _record_offsets(handle)]
    warc.write_bytes(warc.read_bytes()[: offsets[-1]])
    published = lake / layout.corpus_partition_key("capitol_ledger", WEEK_START)
    before = published.read_bytes()
    result = wirelake("reprocess", "capitol_ledger", "--date", str(WEEK_START), "--store", str(lake), "--sources", sources_file)
    assert result.returncode == 1
    assert f"pages.warc.gz: {offsets[-1]} bytes where its crawl wrote" in result.stderr and "crawl the day again" in result.stderr
    assert published.read_bytes() == before


def _record_offsets(handle):
    """(offset, length) of each record of a gzip WARC, by warcio."""
    records = ArchiveIterator(handle)
    for _ in records:
        yield records.get_record_offset(), records.get_record_length()


def test_a_damaged_stored_crawl_stats_file_is_named_in_one_line(crawled, sources_file):
    store_uri, _, _ = crawled
    store = open_store(store_uri)
    key = layout.crawl_stats_key("capitol_ledger", WEEK_START)
    good = store.get_bytes(key)
    store.put_bytes(key, b"{bad")
    try:
        result = wirelake("reprocess", "capitol_ledger", "--date", str(WEEK_START), "--store", store_uri, "--sources", sources_file)
    finally:
        store.put_bytes(key, good)
    assert result.returncode == 1
    assert f"{store.url(key)}: damaged crawl stats (JSONDecodeError" in result.stderr and "Traceback" not in result.stderr


def test_a_day_breaking_its_content_gates_is_not_published(crawled, sources_file, tmp_path):
    """Gates on the extracted articles run before the commit: analysts never see the bad day."""
    store_uri, _, _ = crawled
    store = open_store(store_uri)
    key = layout.corpus_partition_key("capitol_ledger", WEEK_START)
    before = store.get_bytes(key)
    strict = _with_quality(sources_file, tmp_path / "strict.yaml", "{min_articles: 100}")
    result = wirelake("reprocess", "capitol_ledger", "--date", str(WEEK_START), "--store", store_uri, "--sources", strict)
    assert result.returncode == 1
    assert "fewer than quality.min_articles=100; nothing published" in result.stderr
    assert store.get_bytes(key) == before


def test_reprocess_rebuilds_days_from_the_raw_zone_without_fetching(crawled, sources_file, tmp_path):
    """The raw WARC is enough: with every site unreachable the day is extracted and published again, the same."""
    store_uri, _, _ = crawled
    snapshot = "select doc_id, url, title, text, published_at, fetched_at, cluster_id from articles where source = 'capitol_ledger' order by doc_id"
    before = query(store_uri, snapshot)
    dead = tmp_path / "dead.yaml"
    dead.write_text(re.sub(r"127\.0\.0\.1([1-4])", r"127.0.0.2\1", open(sources_file).read()))
    again = wirelake("reprocess", "capitol_ledger", "--date", str(WEEK_START), "--to", str(WEEK_END), "--store", store_uri, "--sources", str(dead))
    assert again.returncode == 0, again.stderr
    assert f"[1/2] capitol_ledger {WEEK_START}: reprocessing the stored raw pages…" in again.stdout
    crawled_pages = json.loads(open_store(store_uri).get_bytes(layout.crawl_stats_key("capitol_ledger", WEEK_START)))["pages_fetched"]
    assert re.search(rf"\[1/2\] capitol_ledger {WEEK_START}: {crawled_pages} pages, \d+ articles", again.stdout)  # as stored
    assert re.search(r"^source +days +stored pages +articles", again.stdout, re.M) and "fetched" not in again.stdout  # reprocess fetches nothing
    assert query(store_uri, snapshot) == before
    never = wirelake("reprocess", "capitol_ledger", "--date", "2024-05-24", "--store", store_uri, "--sources", sources_file)
    assert never.returncode == 1
    assert "no complete raw partition for capitol_ledger 2024-05-24: run the crawl first" in never.stderr and never.stderr.count("\n") == 1
    typo = wirelake("reprocess", "capitol_ledger", "--date", str(WEEK_START), "--to", str(WEEK_END), "--store", str(tmp_path / "typo"), "--sources", sources_file)
    assert typo.returncode == 2 and typo.stderr == f"wirelake: error: file://{tmp_path / 'typo'}: no store there (nothing to reprocess)\n"
    assert not (tmp_path / "typo").exists()


def test_publish_again_after_its_hand_over_is_gone(crawled, sources_file):
    """A published day's hand-over is gone: a retry of its publish (a task that failed after its
    commit) succeeds as it did; a day never extracted is one clear error."""
    store_uri, _, _ = crawled
    again = publish_step("capitol_ledger", WEEK_START, store_uri, sources_file)
    assert again["already_published"] is True and again["rows"] == len(corpus.read_partition(open_store(store_uri), again["key"]))
    with pytest.raises(StoreError, match=r"no extracted articles of capitol_ledger 2024-05-19 waiting to be published \(publish removes them\): run extract first$"):
        publish_step("capitol_ledger", date(2024, 5, 19), store_uri, sources_file)


def test_a_range_prints_its_plan_and_reprocess_skips_the_days_never_crawled(crawled, sources_file):
    store_uri, _, _ = crawled
    raw_before = open_store(store_uri).list("raw/")
    dry = wirelake("crawl", "capitol_ledger", "--date", "2024-05-19", "--to", "2024-05-22", "--store", store_uri, "--sources", sources_file, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == (
        "plan: crawl capitol_ledger for 4 days, 2024-05-19 to 2024-05-22; 2 already stored"
        f" (a re-crawl replaces a stored day only when it finds at least quality.min_recrawl_share of it)\nstore: {open_store(store_uri).uri}\n"
    )
    assert open_store(store_uri).list("raw/") == raw_before  # a dry run fetches and writes nothing
    gaps = wirelake("reprocess", "capitol_ledger", "--date", "2024-05-19", "--to", "2024-05-22", "--store", store_uri, "--sources", sources_file)
    assert gaps.returncode == 0, gaps.stderr
    assert gaps.stdout.startswith(
        "plan: reprocess capitol_ledger for 2 stored days, 2024-05-19 to 2024-05-22; skipping 2 without a complete raw partition: 2024-05-19, 2024-05-22\n"
    )
    assert "[1/2] capitol_ledger 2024-05-20: reprocessing" in gaps.stdout and "[2/2] capitol_ledger 2024-05-21: reprocessing" in gaps.stdout
    alone = wirelake("reprocess", "capitol_ledger", "--date", "2024-05-19", "--store", store_uri, "--sources", sources_file, "--dry-run")
    assert alone.returncode == 0 and alone.stdout.startswith(
        "plan: reprocess capitol_ledger 2024-05-19: it has no complete raw partition, so it fails (run the crawl first)\n"
    )  # as the run without --dry-run does
    none = wirelake("reprocess", "capitol_ledger", "--date", "2024-04-01", "--to", "2024-04-03", "--store", store_uri, "--sources", sources_file)
    assert none.returncode == 1
    assert none.stderr == "wirelake: error: reprocess: no day from 2024-04-01 to 2024-04-03 has a complete raw partition for capitol_ledger: run the crawl first\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--date", "20240520"], "argument --date: not a date (YYYY-MM-DD): '20240520'"),
        (["--date", "2024-05-21", "--to", "2024-05-20"], "crawl: --to 2024-05-20 is before --date 2024-05-21"),
        (["--date", "2999-01-01"], "argument --date: 2999-01-01 is in the future (today is "),
        (["--date", "TODAY"], "is not over yet (UTC): a partial day would look like a finished one"),
    ],
)
def test_bad_days_are_usage_errors(args, message, tmp_path, sources_file):
    args = [str(datetime.now(timezone.utc).date()) if arg == "TODAY" else arg for arg in args]  # the day the test runs, not the one it was collected
    result = wirelake("crawl", "capitol_ledger", *args, "--store", str(tmp_path / "lake"), "--sources", sources_file)
    assert result.returncode == 2 and message in result.stderr and result.stderr.count("\n") == 1  # no usage block
    assert not any(tmp_path.iterdir())  # not even the store's folder


@pytest.mark.parametrize("command", [
    ["crawl", "capitol_ledger", "--date", "2024-05-20", "--store", ""], ["reprocess", "capitol_ledger", "--date", "2024-05-20", "--sources", " "],
    ["query", "select 1", "--store", ""], ["demo", "--store", ""], ["sources", "list", "--sources", ""], ["airflow", "--store", ""],
    ["airflow", "--home", ""],
])
def test_an_empty_store_or_registry_is_a_usage_error_not_the_default(command, tmp_path):
    """`--store "$LAKE"` with LAKE unset must not write to ./lake."""
    result = subprocess.run([sys.executable, "-m", "pipeline.cli", *command], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2 and "is empty (an unset shell variable?)" in result.stderr and result.stderr.count("\n") == 1
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("command", [["newsweb", "--port", "99999"], ["demo", "--port", "http"], ["airflow", "--api-port", "-1"]])
def test_bad_ports_are_usage_errors(command):
    result = wirelake(*command)
    assert result.returncode == 2 and "not a port (0 to 65535)" in result.stderr and result.stderr.count("\n") == 1


@pytest.mark.parametrize("text", ["99999", "-1", "http", "", "\u0663", "\u00b2"])  # Arabic-Indic 3 and superscript 2 are digits too
def test_a_port_is_ascii_digits_up_to_65535(text):
    assert port_number("0") == 0 and port_number("65535") == 65535
    with pytest.raises(argparse.ArgumentTypeError, match="not a port"):
        port_number(text)


def test_the_cli_port_default_is_the_news_webs():
    assert NEWSWEB_PORT == DEFAULT_PORT


def test_airflow_without_its_extra_says_what_to_install():
    """`make demo` installs no Airflow. Uninstalling it from the shared test venv is not an option, so
    this hides psutil from the import system instead (None in sys.modules fails its import)."""
    code = "import sys; sys.modules['psutil'] = None; from pipeline.cli import main; raise SystemExit(main(['airflow']))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and result.stderr.count("\n") == 1
    assert "psutil is not installed: install the airflow extra" in result.stderr and "Traceback" not in result.stderr


def test_unknown_source_and_unreachable_site_fail_with_one_line(tmp_path, sources_file):
    unknown = wirelake("crawl", "nope", "--date", "2024-05-20", "--store", str(tmp_path), "--sources", sources_file)
    assert unknown.returncode == 2 and unknown.stderr.startswith("wirelake: error:") and "no source named 'nope'" in unknown.stderr
    dead = tmp_path / "dead.yaml"
    dead.write_text(open(sources_file).read().replace("127.0.0.14:", "127.0.0.19:").replace("127.0.0.14]", "127.0.0.19]"))
    failed = wirelake("crawl", "harbor_gazette", "--date", "2024-05-20", "--store", str(tmp_path / "lake"), "--sources", str(dead))
    assert failed.returncode == 1
    assert failed.stderr.startswith("wirelake: error: [1/1] harbor_gazette 2024-05-20: FAILED:")
    assert "Traceback" not in failed.stdout + failed.stderr
    # Nothing is published; only the failed crawl's log is kept, and the message says where.
    lake = open_store(str(tmp_path / "lake"))
    assert lake.list("") == [layout.crawl_log_key("harbor_gazette", date(2024, 5, 20), failed=True)]
    assert f"(log: {lake.url(lake.list('')[0])})" in failed.stderr


def test_a_quiet_day_of_a_local_paper_is_an_empty_partition(tmp_path, sources_file):
    """harbor_gazette publishes nothing on 2024-05-23 and allows that (quality.min_articles: 0)."""
    lake = str(tmp_path / "lake")
    result = wirelake("crawl", "harbor_gazette", "--date", "2024-05-22", "--to", "2024-05-24", "--store", lake, "--sources", sources_file)
    assert result.returncode == 0, result.stderr
    assert re.search(r"\[2/3\] harbor_gazette 2024-05-23: \d+ pages?, 0 articles", result.stdout)
    rows = query(lake, "select crawl_date, count(*) as n from articles group by 1 order by 1")
    assert [r["crawl_date"] for r in rows] == ["2024-05-22", "2024-05-24"]
    assert open_store(lake).exists(layout.corpus_partition_key("harbor_gazette", date(2024, 5, 23)))


@contextlib.contextmanager
def _stalled_crawl(tmp_path, temp) -> Iterator[tuple[subprocess.Popen, list[psutil.Process]]]:
    """`wirelake crawl` (and its Scrapy children) of a site that is a loopback socket accepting the
    crawl's first connection and never answering: once accept() returns, the crawl is running,
    whatever the machine's speed. Whatever is still running at the end is killed."""
    children: list[psutil.Process] = []
    with socket.create_server(("127.0.0.1", 0)) as site:
        site.settimeout(120)
        registry = tmp_path / "sources.yaml"
        registry.write_text(f"""sources:
  - name: stalled_site
    domains: [127.0.0.1]
    sitemaps: [http://127.0.0.1:{site.getsockname()[1]}/sitemap.xml]
    allow_private_addresses: true
""")
        command = [sys.executable, "-m", "pipeline.cli", "crawl", "stalled_site", "--date", "2024-05-20",
                   "--store", str(tmp_path / "lake"), "--sources", str(registry)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)})
        try:
            connection, _ = site.accept()
            with connection:
                children = psutil.Process(process.pid).children(recursive=True)
                assert any("scrapy" in child.cmdline() for child in children)
                yield process, children
        finally:
            for leftover in [process, *children]:
                with contextlib.suppress(psutil.NoSuchProcess, ProcessLookupError):
                    leftover.kill()


def test_sigterm_stops_a_crawl_like_ctrl_c(tmp_path):
    """A service manager's or `timeout`'s SIGTERM: the Scrapy child is stopped with the command,
    its temporary files are removed, one line says so and the status is 128 + 15."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    with _stalled_crawl(tmp_path, temp) as (process, children):
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
        _, alive = psutil.wait_procs(children, timeout=30)
    assert (process.returncode, stderr) == (143, "wirelake: interrupted\n")
    assert alive == []
    assert list(temp.iterdir()) == []


def test_a_crawl_dies_with_a_killed_parent(tmp_path):
    """SIGKILL leaves the command no time to stop its crawl (a worker killed by the OOM killer or
    a hard task timeout): the Scrapy child ends with it instead of fetching on outside its pool."""
    with _stalled_crawl(tmp_path, tmp_path) as (process, children):
        process.kill()
        process.communicate(timeout=60)
        _, alive = psutil.wait_procs(children, timeout=30)
    assert alive == []


@pytest.mark.parametrize(
    ("store", "code", "message"),
    [
        ("/dev/null/lake", 2, "file:///dev/null/lake: cannot be a store: Not a directory"),
        ("s3:///lake", 2, "s3:///lake: an S3 store needs a bucket"),
        ("ftp://host/lake", 2, "ftp://host/lake: unsupported store"),
    ],
)
def test_an_unusable_store_fails_once_before_any_day(store, code, message, sources_file):
    result = wirelake("crawl", "capitol_ledger", "--date", "2024-05-20", "--to", "2024-05-22", "--store", store, "--sources", sources_file)
    assert result.returncode == code
    assert result.stderr.startswith(f"wirelake: error: {message}") and result.stderr.count("\n") == 1
    assert "crawling" not in result.stdout


def test_a_file_uri_without_slashes_is_its_absolute_path_not_a_folder_here(tmp_path, sources_file):
    dry = wirelake("crawl", "capitol_ledger", "--date", "2024-05-20", "--store", f"file:{tmp_path}/new/lake", "--sources", sources_file, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert f"store: file://{tmp_path}/new/lake (nothing there yet" in dry.stdout
    assert list(tmp_path.iterdir()) == []  # checked as the crawl would, not created


@pytest.mark.parametrize("kind", ["a file", "a missing bucket"])
def test_a_dry_run_refuses_the_store_the_crawl_would(kind, tmp_path, sources_file, request):
    """A dry run that passes must mean the run can start: the same store check, error and exit code."""
    if kind == "a file":
        (tmp_path / "afile").write_text("")
        store, message = str(tmp_path / "afile"), f"file://{tmp_path}/afile: cannot be a store: File exists"
    else:
        request.getfixturevalue("s3_endpoint")
        store, message = "s3://wirelake-missing/lake", "s3://wirelake-missing/lake: cannot be a store: no bucket 'wirelake-missing'"
    runs = [wirelake("crawl", "capitol_ledger", "--date", "2024-05-20", "--store", store, "--sources", sources_file, *dry) for dry in (["--dry-run"], [])]
    assert [(run.returncode, run.stderr) for run in runs] == [(2, f"wirelake: error: {message}\n")] * 2


def test_a_store_uri_that_names_no_store_is_bad_usage_for_query_too():
    result = wirelake("query", "select 1", "--store", "ftp://host/lake")
    assert (result.returncode, result.stderr) == (2, "wirelake: error: ftp://host/lake: unsupported store (use a path, file://PATH or s3://BUCKET/PREFIX)\n")


def test_demo_on_s3_then_query_lists_every_source(s3_store_uri):
    """README's main job against an S3 API server over real HTTP (moto in server mode)."""
    demo = wirelake("demo", "--store", s3_store_uri, "--port", "0")
    assert demo.returncode == 0, demo.stdout[-2000:] + demo.stderr
    port = int(re.search(r"news web: capitol_ledger http://127\.0\.0\.11:(\d+)", demo.stdout).group(1))
    sources = set(demo_plan())
    summary = demo.stdout.split("\nsource ", 1)[1]
    assert all(f"\n{source} " in summary for source in sources) and "FAILED" not in demo.stdout + demo.stderr
    rows = query(s3_store_uri, "select source, count(*) as n from articles group by 1 order by 1")
    assert {r["source"] for r in rows} == sources
    assert sum(r["n"] for r in rows) == len(expected_articles(port))
    table = wirelake("query", "select source, count(*) from articles group by 1", "--store", s3_store_uri)
    assert table.returncode == 0 and all(s in table.stdout for s in sources)
    # Issue 4's bar: from a fresh store, the crawled web's clusters and originals are exactly the manifest's.
    rows = query(s3_store_uri, "select url, cluster_id, original_url, original_publisher from articles")
    by_url = {r["url"]: r for r in rows}
    got = {frozenset(u for u, r in by_url.items() if r["cluster_id"] == cid) for cid in {r["cluster_id"] for r in rows}}
    want = expected_clusters(port)
    assert got == {c.urls for c in want}
    for cluster in want:
        member = by_url[next(iter(cluster.urls))]
        assert (member["original_url"], member["original_publisher"]) == (cluster.original_url, cluster.original_publisher)
