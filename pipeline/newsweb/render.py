"""Small helpers every site template shares: responses, escaping, dates, JSON-LD."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    flaky: bool = False  # the server answers 500 on every other request for this path


def page(markup: str) -> Response:
    return Response(200, markup.encode("utf-8"))


def xml(markup: str, content_type: str = "application/xml; charset=utf-8") -> Response:
    return Response(200, markup.encode("utf-8"), content_type)


def text(body: str) -> Response:
    return Response(200, body.encode("utf-8"), "text/plain; charset=utf-8")


def redirect(status: int, location: str) -> Response:
    return Response(status, b"", HTML, (("Location", location),))


def document(title: str, head: str, body: str, *, lang: str = "en", charset: str = "utf-8", body_class: str = "") -> str:
    """The HTML page around a site template's own header, content and footer."""
    body_tag = f'<body class="{body_class}">' if body_class else "<body>"
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="{charset}">
<title>{esc(title)}</title>
{head}
</head>
{body_tag}
{body}
</body>
</html>
"""


def esc(value: str) -> str:
    return html.escape(value, quote=True)


def eastern(moment: datetime) -> datetime:
    """US Eastern time with a fixed offset per season; the web only has January and May dates,
    so this avoids depending on the system's tz database."""
    hours = -4 if 4 <= moment.month <= 10 else -5
    return moment.astimezone(timezone(timedelta(hours=hours)))


def iso(moment: datetime) -> str:
    """W3C datetime: '2024-05-22T10:05:00-04:00', or with 'Z' for UTC."""
    return moment.isoformat().replace("+00:00", "Z")


def rfc822(moment: datetime) -> str:
    return format_datetime(moment.astimezone(timezone.utc), usegmt=True)


def long_date(moment: datetime) -> str:
    """'May 22, 2024' without platform-specific strftime flags."""
    return f"{moment:%B} {moment.day}, {moment.year}"


def clock(moment: datetime) -> str:
    """'10:05 a.m.' in the style of American newspapers."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment:%M} {'a.m.' if moment.hour < 12 else 'p.m.'}"


def json_ld(data: dict) -> str:
    body = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
    return f'<script type="application/ld+json">\n{body}\n</script>'


def paragraphs_html(paragraphs: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def first_quote(paragraphs: tuple[str, ...], min_words: int = 8) -> str:
    """The first full quotation in a body (not a quoted phrase), for captions that repeat it."""
    for paragraph in paragraphs:
        start = paragraph.find("\u201c")
        while start >= 0:
            end = paragraph.find("\u201d", start + 1)
            if end < 0:
                break
            quote = paragraph[start : end + 1]
            if len(quote.split()) >= min_words:
                return quote.replace(",\u201d", "\u201d")
            start = paragraph.find("\u201c", end + 1)
    return paragraphs[0]
