"""The sources registry: one YAML file in which ops describe every news source.

Validation is strict (unknown keys are errors) because a typo in a politeness or
discovery key would otherwise silently crawl with defaults. Every problem is reported
as one line naming the file, the source and the field, so ops can fix them all at once.
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Hashable
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from croniter import croniter
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pipeline.addresses import is_public
from pipeline.limits import MAX_PAGE_BYTES
from pipeline.urls import written_url_problem

SOURCES_ENV = "WIRELAKE_SOURCES"
# The repository's sources.yaml, reached through a symlink inside the package so that a
# non-editable install (a wheel, the Docker image) carries a copy of it too.
REPO_SOURCES = Path(__file__).resolve().parent / "fixture_sources.yaml"
DISCOVERY_METHODS = ("news_sitemaps", "sitemaps", "feeds", "archive")
# A source's DAG and crawl pool are named wirelake_<name>; the dedup pool takes one of those names.
RESERVED_NAMES = ("dedup",)
# The name is in the crawl's file names and the DAG id wirelake_<name>: file names stop at 255
# bytes, Airflow's DAG ids at 250 characters; 64 leaves room for the prefixes and suffixes.
MAX_NAME_CHARS = 64
# a host as crawls compare it: ASCII (an international name in its IDNA form), no scheme, port or path
_ASCII_HOST = re.compile(r"[A-Za-z0-9.-]+")


class SourcesError(Exception):
    """The registry could not be loaded; `problems` holds one line per fault."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _check_url(url: str) -> str:
    """An http(s) URL a crawl can fetch: Scrapy would only fail at start-up on a bad port, and
    send whitespace as it is."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    if problem := written_url_problem(url):
        raise ValueError(f"{problem}: {url!r}")
    return url


def _host_in(host: str, domains: list[str]) -> bool:
    host = host.lower()
    return any(host == d or host.endswith("." + d) for d in domains)


def _check_host(url: str, info: ValidationInfo) -> str:
    """Per URL, so every stray host is its own line; skipped when domains itself failed."""
    domains = info.data.get("domains")
    host = urlsplit(url).hostname or ""
    if domains is not None and not _host_in(host, domains):
        raise ValueError(f"host {host!r} is not in domains {domains}")
    return url


HttpUrlText = Annotated[str, AfterValidator(_check_url)]
SourceUrl = Annotated[HttpUrlText, AfterValidator(_check_host)]


def _discovery_errors(entry: Any) -> list[dict]:
    """Read from the raw entry: a discovery key that is present but invalid has its own field error.
    The errors are pydantic's InitErrorDetails, for ValidationError.from_exception_data."""
    if not isinstance(entry, dict) or any(entry.get(m) for m in DISCOVERY_METHODS):
        return []
    message = f"needs at least one discovery method among {', '.join(DISCOVERY_METHODS)}"
    return [{"type": "value_error", "loc": (), "input": entry, "ctx": {"error": ValueError(message)}}]


def _is_private_host(host: str) -> bool:
    """A non-public IP literal, also in IPv4's short forms ("127.1", "2130706433") that URLs
    accept. A name's addresses are only known when it is resolved: the crawl's middleware
    refuses those (spiders/middlewares.py)."""
    host = host.rstrip(".")  # "127.0.0.1." is the same address to a URL
    try:
        return not is_public(host)
    except ValueError:
        pass
    try:
        return not is_public(socket.inet_ntoa(socket.inet_aton(host)))
    except OSError:  # not an IPv4 address in any form: a name
        return False


def _fires_once_a_day(schedule: str) -> bool:
    """Each run ingests one day: a cron firing twice a day re-crawls it, a weekly one skips six,
    "0 2 1-15 * *" or "0 2 * 1-6 *" skip part of each month or year. Read from the expanded
    fields (one minute, one hour, every day of every month), not by simulating a year of
    fires: every DAG parse validates the registry, so the check must cost nothing."""
    minutes, hours, days, months, weekdays, *seconds = croniter.expand(schedule)[0]
    return (
        len(minutes) == 1 and minutes != ["*"] and len(hours) == 1 and hours != ["*"]
        and days == months == weekdays == ["*"] and all(len(field) == 1 and field != ["*"] for field in seconds)
    )


class _Strict(BaseModel):
    """Strict types and finite numbers: YAML reads `yes` and `true` as booleans, which pydantic
    would take as 1 (a one-second timeout), and `.inf` as a float, which passed a lower bound
    (a delay that fetched nothing)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Politeness(_Strict):
    """How hard one crawl may press a site (Scrapy's AutoThrottle and slot settings)."""

    # A minute between requests already stretches a day's few hundred pages over hours.
    delay: float = Field(1.0, ge=0, le=60, description="seconds between requests to one domain (AutoThrottle's start and floor)")
    concurrency: int = Field(2, ge=1, le=32, description="parallel requests per domain")
    max_page_bytes: int = Field(5_000_000, ge=1024, le=MAX_PAGE_BYTES, description="responses larger than this are dropped")
    # Ten minutes without an answer is a dead server, and each retry waits as long again.
    timeout: float = Field(30.0, gt=0, le=600, description="download timeout in seconds")
    retries: int = Field(2, ge=0, le=10, description="retries on 5xx and timeouts")
    # At most a day: a longer crawl of one day's news could not keep up with a daily schedule, and the
    # Airflow task's timeout (this plus a margin) must be a duration Python can hold: .inf emptied the DAG file.
    max_crawl_minutes: float = Field(60, gt=0, le=24 * 60, description="a crawl still running after this is closed and fails")


class Quality(_Strict):
    """Gates a day must pass: the crawl before it replaces stored pages, the articles before they
    are published, and the published partition again in validate."""

    min_articles: int = Field(1, ge=0, description="fewer article pages or articles than this fails the day")
    max_empty_text_share: float = Field(0.2, ge=0, le=1)
    max_error_share: float = Field(0.5, ge=0, le=1, description="share of fetched URLs that ended in an HTTP or network error")
    min_recrawl_share: float = Field(
        0.8, ge=0, le=1,
        description="a re-crawl of a stored day must find at least this share of its articles (published, or else in its"
        " stored pages), or nothing is replaced (sitemaps and feeds forget old stories); 0 accepts any re-crawl",
    )


# Words DuckDB's hive partitioning reads as a DATE (9999-12-31, 1970-01-01), as it reads 1010 as a number
_READ_AS_DATES = {"inf", "infinity", "epoch"}


class Source(_Strict):
    name: str = Field(pattern=r"^[a-z0-9_-]+$", max_length=MAX_NAME_CHARS)
    description: str = ""
    allow_private_addresses: bool = False  # before domains, whose check reads it
    domains: list[str] = Field(min_length=1)  # before the URL fields: their host check reads it
    news_sitemaps: list[SourceUrl] = []
    sitemaps: list[SourceUrl] = []
    feeds: list[SourceUrl] = []
    archive: str | None = Field(None, description="URL template with a {date:%Y/%m/%d}-style placeholder")
    article_pattern: str | None = Field(None, validate_default=True)  # after archive, which its check reads
    schedule: str = "0 2 * * *"
    politeness: Politeness = Politeness()
    quality: Quality = Quality()

    @field_validator("name")
    @classmethod
    def _name_not_reserved(cls, name: str) -> str:
        if name in RESERVED_NAMES:
            raise ValueError(f"{name!r} is reserved: Airflow's wirelake_{name} pool serialises every source's publishes")
        return name

    @field_validator("name")
    @classmethod
    def _name_starts_with_a_letter(cls, name: str) -> str:
        """The name is the corpus's `source=` partition value, and DuckDB and Spark type a partition
        value by its looks: a source named 1010 or 2024-05-26 would read as a number or a date."""
        if not name[:1].isalpha() or name in _READ_AS_DATES:
            raise ValueError(f"{name!r} must start with a letter and not be a date's name: readers of the corpus would type a source={name} partition as a number or a date")
        return name

    @field_validator("domains", mode="before")
    @classmethod
    def _domains_are_text(cls, domains: Any) -> Any:
        """YAML reads an unquoted 127.1 or 0x7f000001 as a number: say so rather than "not a string"."""
        for domain in domains if isinstance(domains, list) else []:
            if isinstance(domain, int | float) and not isinstance(domain, bool):
                raise ValueError(f"{domain!r} is a number to YAML: quote a host written in digits, e.g. \"127.1\"")
        return domains

    @field_validator("domains")
    @classmethod
    def _domains_are_hosts(cls, domains: list[str], info: ValidationInfo) -> list[str]:
        for domain in domains:
            if not _ASCII_HOST.fullmatch(domain):
                raise ValueError(f"not a host name: {domain!r} ({_host_hint(domain)})")
        # a loopback or private address would be refused on every fetch: say so now
        allowed = info.data.get("allow_private_addresses", True)  # absent: it failed its own check, which says so
        if not allowed and (private := [d for d in domains if _is_private_host(d)]):
            raise ValueError(f"{private} are private addresses, which crawls refuse unless allow_private_addresses is true")
        return [d.lower() for d in domains]

    @field_validator("archive")
    @classmethod
    def _archive_template(cls, template: str | None, info: ValidationInfo) -> str | None:
        if template is None:
            return None
        if "{date" not in template:
            raise ValueError("archive template needs a date placeholder such as {date:%Y/%m/%d}")
        day = datetime(2024, 1, 31)
        try:
            example = template.format(date=day)
        except Exception as exc:  # noqa: BLE001 - str.format can raise almost anything for a bad field
            raise ValueError(f"bad archive template {template!r}: {type(exc).__name__}: {exc}") from None
        if str(day) in example:  # a bare {date} prints "2024-01-31 00:00:00"
            raise ValueError(f"archive template {template!r} prints the date unformatted ({example!r}): format it, e.g. {{date:%Y/%m/%d}}")
        _check_host(_check_url(example), info)
        return template

    @field_validator("article_pattern")
    @classmethod
    def _regex(cls, pattern: str | None) -> str | None:
        if pattern == "":  # an unset template variable, most likely: leaving the key out says "every URL"
            raise ValueError("an empty pattern matches every URL")
        if pattern is not None:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regex {pattern!r}: {exc}") from None
        return pattern

    @field_validator("article_pattern")
    @classmethod
    def _pattern_with_archive(cls, pattern: str | None, info: ValidationInfo) -> str | None:
        """A field check rather than a model one, so it is reported next to other field errors."""
        if info.data.get("archive") and not pattern:
            raise ValueError("required with archive (it tells articles from other links)")
        return pattern

    @field_validator("schedule")
    @classmethod
    def _cron(cls, schedule: str) -> str:
        """croniter reads a line break as a space, but the schedule is a row of the DAG's docs table."""
        if schedule.splitlines() != [schedule]:
            raise ValueError(f"cron {schedule!r} must be one line")
        if not croniter.is_valid(schedule):
            raise ValueError(f"invalid cron expression {schedule!r}")
        if not _fires_once_a_day(schedule):
            raise ValueError(f"cron {schedule!r} must fire exactly once per UTC day (each run ingests one day)")
        return schedule

    @model_validator(mode="wrap")
    @classmethod
    def _discovery(cls, data: Any, handler: ModelWrapValidatorHandler[Source]) -> Source:
        """Wraps field validation, as an "after" validator would be skipped whenever a field fails."""
        missing = _discovery_errors(data)
        try:
            source = handler(data)
        except ValidationError as exc:
            raise ValidationError.from_exception_data(exc.title, [*exc.errors(), *missing]) from None
        if missing:
            raise ValidationError.from_exception_data(cls.__name__, missing)
        return source

    def discovery_methods(self) -> list[str]:
        return [m for m in DISCOVERY_METHODS if getattr(self, m)]

    def archive_url(self, day: date) -> str:
        assert self.archive is not None
        return self.archive.format(date=datetime(day.year, day.month, day.day))


def _host_hint(domain: str) -> str:
    """What to write instead of a domain that is no plain host name: the usual slips first."""
    if domain.startswith("*."):
        return f"subdomains are included: write {domain[2:]!r}"
    try:
        ascii_name = domain.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_name = None
    if ascii_name and ascii_name != domain and _ASCII_HOST.fullmatch(ascii_name):
        return f"write an international name as crawls see it: {ascii_name!r}"
    return "no scheme, port or path"


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that rejects a key given twice: YAML's last-wins would hide a typo'd override.
    Merge keys (<<) are refused by name: a merged key may be overridden, which is the override
    this check cannot tell from a typo (and PyYAML's own error would name a constructor tag)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(None, None, "merge keys (<<) are not supported: write the keys out", key_node.start_mark)
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, Hashable):  # YAML's "? [a, b]" complex keys
                raise yaml.constructor.ConstructorError(None, None, f"a key must be a name, not a {type(key).__name__}", key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def resolve_path(path: str | os.PathLike | None = None) -> Path:
    """--sources, then $WIRELAKE_SOURCES, then ./sources.yaml, then the repository's own."""
    if path:
        return Path(path)
    if os.environ.get(SOURCES_ENV):
        return Path(os.environ[SOURCES_ENV])
    local = Path("sources.yaml")
    return local if local.exists() else REPO_SOURCES


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def check_sources(path: str | os.PathLike | None = None) -> tuple[dict[str, Source], list[str]]:
    """Parse and validate the registry; return the valid sources and every problem found."""
    sources, problems = _checked(path)
    return sources, [problem for _, problem in problems]


def _checked(path: str | os.PathLike | None) -> tuple[dict[str, Source], list[tuple[str | None, str]]]:
    """check_sources, each problem with the name of the source it belongs to (None: the file's)."""
    path = resolve_path(path)
    try:
        raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        return {}, [(None, f"{path}: file not found")]
    except UnicodeDecodeError as exc:
        return {}, [(None, f"{path}: not UTF-8 text: byte 0x{exc.object[exc.start]:02x} at offset {exc.start} (save the file as UTF-8)")]
    except OSError as exc:
        return {}, [(None, f"{path}: cannot read: {exc.strerror or exc}")]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        return {}, [(None, f"{path}:{where} not valid YAML: {getattr(exc, 'problem', exc)}")]
    if not isinstance(raw, dict) or not isinstance(raw.get("sources"), list):
        return {}, [(None, f"{path}: expected a mapping with a 'sources:' list")]
    if not raw["sources"]:  # in Airflow an empty registry would silently retire every DAG
        return {}, [(None, f"{path}: the 'sources:' list is empty")]
    unknown_top = sorted(set(raw) - {"sources"})
    problems: list[tuple[str | None, str]] = [(None, f"{path}: unknown top-level key {k!r}") for k in unknown_top]
    sources: dict[str, Source] = {}
    seen_names: set[str] = set()
    for index, entry in enumerate(raw["sources"]):
        if not isinstance(entry, dict):
            problems.append((None, f"{path}: source #{index + 1}: expected a mapping of keys"))
            continue
        # quoted with repr, as URLs are in their errors: a line break in a name or key stays on the problem's line
        label = entry["name"] if isinstance(entry.get("name"), str) else f"#{index + 1}"
        if label in seen_names:
            problems.append((label, f"{path}: source {label!r}: field 'name': duplicate name"))
        seen_names.add(label)
        try:
            source = Source.model_validate(entry)
        except ValidationError as exc:
            for err in exc.errors():
                field = _field_path(err["loc"])
                message = "unknown key" if err["type"] == "extra_forbidden" else err["msg"].removeprefix("Value error, ")
                problems.append((label, f"{path}: source {label!r}: " + (f"field {field!r}: {message}" if field else message)))
            continue
        sources.setdefault(source.name, source)
    return sources, problems


def load_sources(path: str | os.PathLike | None = None) -> dict[str, Source]:
    """The registry, or SourcesError listing every problem."""
    sources, problems = check_sources(path)
    if problems:
        raise SourcesError(problems)
    return sources


def get_source(name: str, path: str | os.PathLike | None = None) -> Source:
    """The named source when it is valid, whatever the registry's other entries say: a typo in one
    source must not fail every other source's runs (the DAG file and `sources validate` name it)."""
    sources, problems = _checked(path)
    if own := [problem for label, problem in problems if label == name]:
        raise SourcesError(own)
    if name in sources:
        return sources[name]
    if not sources and problems:  # the file itself cannot be read
        raise SourcesError([problem for _, problem in problems])
    raise SourcesError([f"{resolve_path(path)}: no source named {name!r} (known: {', '.join(sorted(sources))})"])
