"""The crawl window [start, end) in UTC, and the dates that discovery files carry.

Listing dates come in two families only: W3C/ISO 8601 (sitemaps, news sitemaps, Atom)
and RFC 2822 (RSS). The standard library parses both exactly, so no guessing date
parser is involved: a value that is neither is reported, not interpreted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Window:
    """Whole UTC days, start inclusive, end exclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"end {self.end} must be after start {self.start} (the window is [start, end))")

    @classmethod
    def from_arguments(cls, start: str | None, end: str | None) -> "Window":
        """From spider arguments; end defaults to the day after start."""
        if not start:
            raise ValueError("missing -a start=YYYY-MM-DD")
        first = _day("start", start)
        if not end:
            return cls(first, first + timedelta(days=1))
        last = _day("end", end)
        if last <= first:
            raise ValueError(f"-a end={end} must be after -a start={start} (the window is [start, end))")
        return cls(first, last)

    def contains(self, moment: datetime) -> bool:
        return _midnight(self.start) <= moment.astimezone(UTC) < _midnight(self.end)

    def near(self, first: date, end: date, margin: timedelta) -> bool:
        """Whether the days [first, end) come within `margin` of the window."""
        return first < self.end + margin and end > self.start - margin

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days)]

    def __str__(self) -> str:
        return f"[{self.start}, {self.end})"


def _day(argument: str, text: str) -> date:
    """YYYY-MM-DD only, as the CLI takes it: Python also reads "20240520" and "2024-W21-1"."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"-a {argument}={text!r} is not a date (YYYY-MM-DD)") from None


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def parse_listing_date(text: str) -> datetime | None:
    """An aware datetime from a sitemap, news-sitemap or feed date; None if it is neither format.

    A date without a time means that day's midnight UTC, and a time without an offset is
    taken as UTC: the listing gave no better information.
    """
    text = text.strip()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# The period a sitemap's address names: "sitemap-2024-05.xml", "/sitemaps/2024/05/26.xml",
# "posts_2019.xml"; between separators, so that "post-sitemap2001.xml" (page 2001) names no year
_NAMED_PERIOD = re.compile(r"(?<=[-_/])((?:19|20)\d{2})(?:([-_/])(0[1-9]|1[0-2])(?:\2(0[1-9]|[12]\d|3[01]))?)?(?=[-_./]|$)")
_MIN_SERIES = 3  # two addresses with a year in them are no series yet
_AROUND = timedelta(days=31)  # a month or a week named by its first day holds stories up to a month after it


@dataclass(frozen=True)
class NamedPeriod:
    template: str  # the address without its period: the siblings of one series share it
    first: date
    end: date
    unit: str  # year, month or day


def named_period(url: str) -> NamedPeriod | None:
    """The year, month or day a sitemap's address names, or None when it names none or more than one."""
    parts = urlsplit(url)
    matches = list(_NAMED_PERIOD.finditer(parts.path))
    if len(matches) != 1:
        return None
    match = matches[0]
    template = f"{parts.netloc}{parts.path[: match.start()]}{{}}{parts.path[match.end():]}"
    year, _, month, day = match.groups()
    try:
        if day:
            first = date(int(year), int(month), int(day))
            return NamedPeriod(template, first, first + timedelta(days=1), "day")
        if month:
            first = date(int(year), int(month), 1)
            return NamedPeriod(template, first, _next_month(first), "month")
        return NamedPeriod(template, date(int(year), 1, 1), date(int(year) + 1, 1, 1), "year")
    except ValueError:  # "2023-02-30"
        return None


def _next_month(first: date) -> date:
    return date(first.year + first.month // 12, first.month % 12 + 1, 1)


def _is_dated_series(periods: list[NamedPeriod], today: date) -> bool:
    """Siblings dated by their names: three or more, in one unit, none after today, and two of them
    one unit apart (a week named by its first day steps by seven days, a numbered series "-1999"
    to "-2048" reaches the future: neither is read as dates)."""
    firsts = sorted({period.first for period in periods})
    if len(periods) < _MIN_SERIES or len({period.unit for period in periods}) != 1 or firsts[-1] > today:
        return False
    unit = periods[0].unit
    step = {"day": lambda d: d + timedelta(days=1), "month": _next_month, "year": lambda d: date(d.year + 1, 1, 1)}[unit]
    return any(step(earlier) == later for earlier, later in zip(firsts, firsts[1:]))


def children_out_of_window(urls: list[str], window: Window, today: date) -> set[str]:
    """The children of a sitemap index that cannot hold the window's stories: members of a dated
    series whose period is more than a month from the window, never the series' newest (where new
    stories go; a numbered series' last page). A child in no series is followed, as is every
    child when nothing says what its name means."""
    series: dict[str, list[tuple[str, NamedPeriod]]] = {}
    for url in urls:
        if (named := named_period(url)) is not None:
            series.setdefault(named.template, []).append((url, named))
    skipped: set[str] = set()
    for members in series.values():
        periods = [period for _, period in members]
        if _is_dated_series(periods, today):
            newest = max(period.first for period in periods)
            skipped |= {url for url, period in members if period.first != newest and not window.near(period.first, period.end, _AROUND)}
    return skipped
