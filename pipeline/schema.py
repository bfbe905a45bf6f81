"""The article record: one Arrow schema shared by extraction, storage and queries.

COLUMNS is also the documentation: README's column table is generated from it
(`wirelake schema`), so the two cannot drift apart.
"""

from __future__ import annotations

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")

# (name, arrow type, meaning)
COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("doc_id", pa.string(), "stable id: hash of the URL and the content hash; the same page with the same text always gets the same id"),
    ("url", pa.string(), "URL the page was fetched from (after redirects)"),
    ("canonical_url", pa.string(), "rel=canonical or og:url of the page, else the URL"),
    ("source", pa.string(), "sources.yaml entry that crawled it (from the partition path)"),
    ("site_name", pa.string(), "site name the page declares (og:site_name, JSON-LD publisher), else its host"),
    ("title", pa.string(), "headline"),
    ("author", pa.string(), "the people of the byline joined with '; ' (see authors)"),
    ("authors", pa.list_(pa.string()), "people named in the byline, one per item; organisations go to author_orgs"),
    ("author_orgs", pa.list_(pa.string()), "organisations in the byline ('Associated Press', 'Staff', a reprint's 'Chicago Tribune')"),
    ("published_at", UTC_TS, "the article's own publication time (UTC); never the site header's date or the crawl time; null if unknown"),
    ("updated_at", UTC_TS, "last update time when the page distinguishes it from publication; null otherwise"),
    ("crawl_date", pa.date32(), "the day whose window discovered the page (the partition date)"),
    ("fetched_at", UTC_TS, "when the page was downloaded (from the WARC record)"),
    ("language", pa.string(), "ISO 639-1 code, declared or detected"),
    ("section", pa.string(), "section or category the page declares"),
    ("tags", pa.list_(pa.string()), "keywords / tags the page declares"),
    ("text", pa.string(), "body text without boilerplate; paragraphs separated by a blank line"),
    ("markdown", pa.string(), "the body as Markdown, with headings and lists"),
    ("word_count", pa.int32(), "words in text"),
    ("attribution", pa.string(), "publisher named as the story's origin ('Courtesy/Source: X', 'originally appeared on X', wire dateline); removed from text"),
    ("content_hash", pa.string(), "sha256 of the text up to case, Unicode form and spacing (`dup_kind` exact also ignores digits, punctuation, bylines)"),
    ("page_type", pa.string(), "article, live_blog or video (listings and error pages never become rows)"),
    ("is_paywalled", pa.bool_(), "the page shows a teaser or a subscription wall instead of the whole story"),
    ("is_too_short", pa.bool_(), "the body is too short to be a full story"),
    ("provenance", pa.map_(pa.string(), pa.string()), "for each metadata field, the signal its value came from (e.g. published_at -> jsonld:datePublished, title -> meta:og:title, attribution -> closing-line); text -> jsonld:articleBody when the page printed the story only in part, script:html-string when only its scripts held it"),
]

ARTICLE_SCHEMA = pa.schema([pa.field(name, dtype) for name, dtype, _ in COLUMNS])


def _type_name(dtype: pa.DataType) -> str:
    """pyarrow's name, lists as list<string>: the element's field name differs between pyarrow
    (item) and Parquet readers (element) and means nothing to an analyst."""
    return f"list<{dtype.value_type}>" if pa.types.is_list(dtype) else str(dtype)


def markdown_table() -> str:
    rows = ["| column | type | meaning |", "| --- | --- | --- |"]
    rows += [f"| `{name}` | {_type_name(dtype)} | {meaning} |" for name, dtype, meaning in COLUMNS]
    return "\n".join(rows)
