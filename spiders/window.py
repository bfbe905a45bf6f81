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
