"""The sources registry: what ops write, and the errors they get back."""

import subprocess
import sys
import textwrap
from datetime import date

import pytest

from pipeline.addresses import is_public
from pipeline.sources import REPO_SOURCES, SourcesError, check_sources, get_source, load_sources

VALID = """
sources:
  - name: example_news
    domains: [example.com]
    news_sitemaps: [https://www.example.com/news.xml]
    archive: "https://example.com/{date:%Y/%m/%d}/"
    article_pattern: '/\\d{4}/'
    schedule: "15 6 * * *"
    politeness: {delay: 2.5, concurrency: 1}
"""


def write(tmp_path, text):
    path = tmp_path / "sources.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_repository_registry_is_valid():
    sources = load_sources(REPO_SOURCES)
    assert set(sources) == {"capitol_ledger", "daily_courier", "metro_wire", "harbor_gazette"}
    assert all(s.allow_private_addresses for s in sources.values())


def test_valid_entry_with_defaults(tmp_path):
    source = get_source("example_news", write(tmp_path, VALID))
    assert source.archive_url(date(2024, 5, 6)) == "https://example.com/2024/05/06/"
    assert source.politeness.delay == 2.5 and source.politeness.retries == 2
    assert source.allow_private_addresses is False
    assert source.discovery_methods() == ["news_sitemaps", "archive"]


def test_a_private_address_needs_the_sources_permission(tmp_path):
    """A crawl refuses loopback and private addresses unless the source allows them: an IP
    literal among the domains is caught when the registry is checked, not on every fetch."""
    entry = """
        sources:
          - name: intranet
            domains: [10.0.0.7, news.example.com, '127.1', '2130706433', 127.0.0.1.]
            feeds: [http://10.0.0.7/feed.xml]
        """
    _, problems = check_sources(write(tmp_path, entry))
    assert problems == [f"{tmp_path / 'sources.yaml'}: source 'intranet': field 'domains': ['10.0.0.7', '127.1', '2130706433', '127.0.0.1.'] "
                        "are private addresses, which crawls refuse unless allow_private_addresses is true"]
    allowed = write(tmp_path, entry.rstrip() + "\n            allow_private_addresses: true\n")
    assert get_source("intranet", allowed).allow_private_addresses is True
    _, problems = check_sources(write(tmp_path, entry.rstrip() + "\n            allow_private_addresses: maybe\n"))
    assert len(problems) == 1 and "field 'allow_private_addresses'" in problems[0]  # its own error, not a domains one too


@pytest.mark.parametrize(("address", "public"), [
    ("93.184.215.14", True), ("2606:4700::1", True), ("10.0.0.7", False), ("::ffff:127.0.0.1", False),
    ("100.100.100.200", False),  # shared address space: some clouds' instance metadata lives there
    ("64:ff9b::7f00:1", False),  # NAT64's form of 127.0.0.1
    ("64:ff9b:1::a00:1", False),  # local-use NAT64, here 10.0.0.1
    ("::7f00:1", False),  # IPv4-compatible 127.0.0.1, reserved ::/8
    ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
    ("224.0.0.1", False),
])
def test_the_registry_and_the_crawler_judge_addresses_alike(tmp_path, address, public):
    """One function answers for both: the registry refuses a literal the crawler would refuse once resolved."""
    assert is_public(address) is public
    if ":" not in address:  # the registry takes IPv4 literals among a source's domains
        _, problems = check_sources(write(tmp_path, f"sources:\n  - name: site\n    domains: ['{address}']\n    feeds: ['http://{address}/feed.xml']\n"))
        assert any("private addresses" in problem for problem in problems) is not public


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("politness: {delay: 1}", "field 'politness': unknown key"),
        ("politeness: {delay: -1}", "field 'politeness.delay'"),
        ("politeness: {speed: 3}", "field 'politeness.speed': unknown key"),
        ("politeness: {max_crawl_minutes: .inf}", "field 'politeness.max_crawl_minutes': Input should be a finite number"),
        ("politeness: {max_crawl_minutes: 1441}", "field 'politeness.max_crawl_minutes': Input should be less than or equal to 1440"),
        # an infinite delay fetched nothing; true was read as 1 s; past the extractor's 20 MB a page would never be read
        ("politeness: {delay: .inf}", "field 'politeness.delay': Input should be a finite number"),
        ("politeness: {delay: .nan}", "field 'politeness.delay': Input should be a finite number"),
        ("politeness: {delay: 61}", "field 'politeness.delay': Input should be less than or equal to 60"),
        ("politeness: {timeout: .inf}", "field 'politeness.timeout': Input should be a finite number"),
        ("politeness: {timeout: 601}", "field 'politeness.timeout': Input should be less than or equal to 600"),
        ("politeness: {timeout: true}", "field 'politeness.timeout': Input should be a valid number"),
        ("politeness: {concurrency: true}", "field 'politeness.concurrency': Input should be a valid integer"),
        ("politeness: {max_page_bytes: 99999999999999999999999999}", "field 'politeness.max_page_bytes': Input should be less than or equal to 20000000"),
        ("quality: {min_articles: true}", "field 'quality.min_articles': Input should be a valid integer"),
        ("quality: {max_empty_text_share: .nan}", "field 'quality.max_empty_text_share': Input should be a finite number"),
        ("quality: {max_error_share: false}", "field 'quality.max_error_share': Input should be a valid number"),
        ("quality: {min_recrawl_share: .inf}", "field 'quality.min_recrawl_share': Input should be a finite number"),
        ("allow_private_addresses: 'yes'", "field 'allow_private_addresses': Input should be a valid boolean"),
        ("allow_private_addresses: 1", "field 'allow_private_addresses': Input should be a valid boolean"),
        ("article_pattern: '(open'", "field 'article_pattern': invalid regex"),
        ("article_pattern: ''", "field 'article_pattern': an empty pattern matches every URL"),
        ("schedule: '61 * * * *'", "field 'schedule': invalid cron"),
        ('schedule: "0 2\\n* * *"', "field 'schedule': cron '0 2\\n* * *' must be one line"),  # it is a row of the DAG's docs table
        ("schedule: '0 */6 * * *'", "field 'schedule': cron '0 */6 * * *' must fire exactly once per UTC day"),
        ("schedule: '0 2 * * 1'", "field 'schedule': cron '0 2 * * 1' must fire exactly once per UTC day"),
        ("schedule: '0 2 1-15 * *'", "field 'schedule': cron '0 2 1-15 * *' must fire exactly once per UTC day"),
        ("schedule: '0 2 * 1-6 *'", "field 'schedule': cron '0 2 * 1-6 *' must fire exactly once per UTC day"),
        ("schedule: '0 0 30 2 *'", "field 'schedule': cron '0 0 30 2 *' must fire exactly once per UTC day"),
        ("feeds: ['http://example.com:187650/rss']", "field 'feeds[0]': bad port in URL: 'http://example.com:187650/rss'"),
        ("feeds: ['http://example.com/site map.xml']", "field 'feeds[0]': URL contains whitespace"),
        ("archive: 'https://example.com/{date}/'\n            article_pattern: x",
         "field 'archive': archive template 'https://example.com/{date}/' prints the date unformatted ('https://example.com/2024-01-31 00:00:00/'): format it"),
        ("archive: 'https://example.com:99999/{date:%Y}/'\n            article_pattern: x", "field 'archive': bad port in URL: 'https://example.com:99999/2024/'"),
        ("feeds: [ftp://example.com/rss]", "field 'feeds[0]': not an http(s) URL"),
        ("feeds: [https://elsewhere.org/rss]", "field 'feeds[0]': host 'elsewhere.org' is not in domains"),
        ("archive: 'https://example.com/latest/'", "field 'archive': archive template needs a date placeholder"),
        ("archive: 'https://example.com/{date.nope}/'", "field 'archive': bad archive template"),
        ("archive: 'https://example.com/{date:%Y}/'", "field 'article_pattern': required with archive"),
    ],
)
def test_each_problem_names_source_and_field(tmp_path, entry, expected):
    path = write(tmp_path, f"""
        sources:
          - name: broken
            domains: [example.com]
            sitemaps: [https://example.com/sitemap.xml]
            {entry}
        """)
    _, problems = check_sources(path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}: source 'broken': ")
    assert expected in problems[0]


def test_a_source_may_not_take_the_dedup_pool_s_name(tmp_path):
    """Its crawl pool would be wirelake_dedup, the one slot every publish queues on."""
    _, problems = check_sources(write(tmp_path, "sources:\n  - name: dedup\n    domains: [example.com]\n    feeds: [https://example.com/rss]\n"))
    assert len(problems) == 1 and "field 'name': 'dedup' is reserved" in problems[0]


@pytest.mark.parametrize("name", ["1010", "2024-05-26", "_desk", "infinity", "epoch"])
def test_a_source_name_starts_with_a_letter(tmp_path, name):
    """It is the corpus's source= partition value, which DuckDB and Spark type by its looks."""
    _, problems = check_sources(write(tmp_path, f"sources:\n  - name: '{name}'\n    domains: [example.com]\n    feeds: [https://example.com/rss]\n"))
    assert len(problems) == 1 and f"field 'name': '{name}' must start with a letter and not be a date's name" in problems[0]


def test_a_source_name_is_at_most_64_characters(tmp_path):
    """It names the crawl's files and the DAG wirelake_<name>: a 300-character name failed every crawl
    with "File name too long" and is past Airflow's 250-character DAG ids."""
    entry = "sources:\n  - name: {}\n    domains: [example.com]\n    feeds: [https://example.com/rss]\n"
    assert check_sources(write(tmp_path, entry.format("a" * 64)))[1] == []
    _, problems = check_sources(write(tmp_path, entry.format("a" * 300)))
    assert len(problems) == 1 and problems[0].endswith("field 'name': String should have at most 64 characters")


def test_a_host_written_in_digits_must_be_quoted(tmp_path):
    """YAML reads an unquoted 127.1 as a float: the error says to quote it, not "not a string"."""
    path = write(tmp_path, """
        sources:
          - name: local
            domains: [127.1]
            sitemaps: ['http://127.1/sitemap.xml']
            allow_private_addresses: true
        """)
    assert check_sources(path)[1] == [
        f"{path}: source 'local': field 'domains': 127.1 is a number to YAML: quote a host written in digits, e.g. \"127.1\""
    ]


def test_bad_name_missing_discovery_and_duplicates(tmp_path):
    path = write(tmp_path, """
        sources:
          - {name: Bad Name, domains: [a.com], feeds: [https://a.com/f]}
          - {name: twice, domains: [a.com]}
          - {name: twice, domains: [a.com], feeds: [https://a.com/f]}
        """)
    sources, problems = check_sources(path)
    assert "source 'Bad Name': field 'name'" in problems[0]
    assert "source 'twice': needs at least one discovery method" in problems[1]
    assert "source 'twice': field 'name': duplicate name" in problems[2]
    assert list(sources) == ["twice"]
    with pytest.raises(SourcesError) as caught:
        load_sources(path)
    assert len(caught.value.problems) == 3


def problems_of(tmp_path, entry):
    """The problems of a one-source registry, without the file and source prefix."""
    path = write(tmp_path, f"sources:\n  - {entry}\n")
    prefix = f"{path}: source 'broken': "
    problems = check_sources(path)[1]
    assert all(p.startswith(prefix) for p in problems), problems
    return sorted(p.removeprefix(prefix) for p in problems)


def test_a_line_break_in_a_name_or_a_key_is_escaped_so_each_problem_stays_one_line(tmp_path):
    """As URLs are quoted in their errors: a raw line break would split a problem over two lines."""
    path = write(tmp_path, """
        sources:
          - {name: "a\\nb", domains: [example.com], feeds: [https://example.com/rss]}
          - {name: broken, domains: [example.com], feeds: [https://example.com/rss], "politeness\\nx": 1}
        """)
    assert check_sources(path)[1] == [
        f"{path}: source 'a\\nb': field 'name': String should match pattern '^[a-z0-9_-]+$'",
        f"{path}: source 'broken': field 'politeness\\nx': unknown key",
    ]


def test_every_off_domain_url_is_reported(tmp_path):
    problems = problems_of(tmp_path, """{name: broken, domains: [example.com], article_pattern: x,
        news_sitemaps: [https://news.example.com/n.xml, https://a.net/n.xml, https://b.net/n.xml],
        feeds: [https://evil.com/f.xml], sitemaps: [https://notexample.com/s.xml],
        archive: 'https://other.org/{date:%Y}/'}""")
    assert problems == [
        f"field '{field}': host '{host}' is not in domains ['example.com']"
        for field, host in [
            ("archive", "other.org"),
            ("feeds[0]", "evil.com"),
            ("news_sitemaps[1]", "a.net"),
            ("news_sitemaps[2]", "b.net"),
            ("sitemaps[0]", "notexample.com"),
        ]
    ]


def test_off_domain_url_is_reported_next_to_other_field_errors(tmp_path):
    problems = problems_of(tmp_path, """{name: broken, domains: [example.com], schedule: nightly,
        feeds: ['http://127.0.0.12:8765/feed.xml', 'not a url']}""")
    assert problems == [
        "field 'feeds[0]': host '127.0.0.12' is not in domains ['example.com']",
        "field 'feeds[1]': not an http(s) URL: 'not a url'",
        "field 'schedule': invalid cron expression 'nightly'",
    ]


@pytest.mark.parametrize(("domain", "hint"), [
    ("*.example.com", "subdomains are included: write 'example.com'"),
    ("bücher.example", "write an international name as crawls see it: 'xn--bcher-kva.example'"),
])
def test_a_wildcard_or_an_international_domain_is_told_what_to_write(tmp_path, domain, hint):
    problems = problems_of(tmp_path, f"{{name: broken, domains: ['{domain}'], feeds: [https://example.com/f]}}")
    assert problems == [f"field 'domains': not a host name: {domain!r} ({hint})"]


def test_host_check_waits_for_valid_domains(tmp_path):
    problems = problems_of(tmp_path, "{name: broken, domains: ['https://a.com'], feeds: [https://a.com/f]}")
    assert problems == ["field 'domains': not a host name: 'https://a.com' (no scheme, port or path)"]


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{name: broken, domains: [a.com], schedule: nightly}", "needs at least one discovery method"),
        ("{name: broken, domains: [a.com], schedule: nightly, archive: 'https://a.com/{date:%Y}/'}",
         "field 'article_pattern': required with archive"),
    ],
)
def test_cross_field_problems_are_reported_next_to_field_errors(tmp_path, entry, expected):
    problems = problems_of(tmp_path, entry)
    assert len(problems) == 2 and "field 'schedule': invalid cron expression 'nightly'" in problems
    assert any(p.startswith(expected) for p in problems)


def test_unreadable_files(tmp_path):
    assert check_sources(tmp_path / "missing.yaml")[1] == [f"{tmp_path / 'missing.yaml'}: file not found"]
    broken = tmp_path / "broken.yaml"
    broken.write_text("sources:\n  - name: x\n   bad")
    assert "line 3 not valid YAML" in check_sources(broken)[1][0]
    broken.write_text("- just a list\n")
    assert "expected a mapping with a 'sources:' list" in check_sources(broken)[1][0]
    broken.write_text("sources: []\n")  # in Airflow this would retire every source's DAG without a word
    assert check_sources(broken)[1] == [f"{broken}: the 'sources:' list is empty"]


def test_duplicate_keys_and_unreadable_content(tmp_path):
    twice = write(tmp_path, """
        sources:
          - name: a
            domains: [a.com]
            feeds: [https://a.com/f]
            feeds: [https://a.com/g]
        """)
    assert "line 6 not valid YAML: duplicate key 'feeds'" in check_sources(twice)[1][0]
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("sources: [{name: caf\xe9}]".encode("latin-1"))
    assert check_sources(latin)[1] == [f"{latin}: not UTF-8 text: byte 0xe9 at offset 20 (save the file as UTF-8)"]
    complex_key = write(tmp_path, """
        sources:
          - name: a
            ? [x, y]
            : 1
        """)
    assert check_sources(complex_key)[1] == [f"{complex_key}: line 4 not valid YAML: a key must be a name, not a list"]
    assert check_sources(tmp_path)[1][0].startswith(f"{tmp_path}: cannot read:")


def test_a_merge_key_is_refused_by_name(tmp_path):
    """PyYAML's own message for `<<: *defaults` here named a constructor tag, not the merge key."""
    path = write(tmp_path, """
        sources:
          - &base {name: a, domains: [a.com], feeds: [https://a.com/f]}
          - <<: *base
            name: b
        """)
    assert check_sources(path)[1] == [f"{path}: line 4 not valid YAML: merge keys (<<) are not supported: write the keys out"]


def test_unknown_source_name(tmp_path):
    with pytest.raises(SourcesError, match="no source named 'nope' \\(known: example_news\\)"):
        get_source("nope", write(tmp_path, VALID))


def test_one_source_s_typo_does_not_stop_the_others(tmp_path):
    """Ops add a source with a typo: the others keep running (their tasks load only themselves),
    the broken one is refused with its own problems, and a file that cannot be read stops all."""
    path = write(tmp_path, VALID + "  - {name: typo_src, domains: [b.com], feeds: [https://b.com/f], politness: {delay: 2}}\n")
    assert get_source("example_news", path).name == "example_news"
    with pytest.raises(SourcesError) as caught:
        get_source("typo_src", path)
    assert caught.value.problems == [f"{path}: source 'typo_src': field 'politness': unknown key"]
    path.write_text("sources: [\n")
    with pytest.raises(SourcesError, match="not valid YAML"):
        get_source("example_news", path)


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, env=env)


def test_cli_validate_and_list(tmp_path):
    good = write(tmp_path, VALID)
    result = run_cli("sources", "validate", str(good))
    assert result.returncode == 0 and "1 source OK" in result.stdout
    listing = run_cli("sources", "list", "--sources", str(good))
    assert listing.returncode == 0
    assert "example_news" in listing.stdout and "news_sitemaps,archive" in listing.stdout

    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("schedule: \"15 6 * * *\"", "schedule: nightly\n    color: blue"))
    result = run_cli("sources", "validate", str(bad))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2, result.stderr
    assert "field 'schedule'" in lines[0] and "field 'color': unknown key" in lines[1]
    assert "Traceback" not in result.stderr


def test_cli_validate_refuses_an_empty_file_argument(tmp_path):
    """`sources validate "$FILE"` with FILE unset checked the default registry and said OK."""
    result = run_cli("sources", "validate", "")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "wirelake: error: sources validate: argument file: is empty (an unset shell variable?) (see --help)\n"


def test_cli_validate_refuses_a_file_and_sources_together(tmp_path):
    """Which of the two it checked was silent: the file, and a broken --sources passed unseen."""
    good = write(tmp_path, VALID)
    bad = tmp_path / "bad.yaml"
    bad.write_text("sources: []\n")
    result = run_cli("sources", "validate", str(good), "--sources", str(bad))
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == "wirelake: error: sources validate: argument --sources: not allowed with argument file (see --help)\n"
