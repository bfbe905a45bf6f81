"""pipeline.rawpages on damaged WARCs: every cut inside a record is an error naming the last good
record, and the pipeline's extract step fails on a truncated stored WARC instead of publishing part of it."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from pipeline import layout
from pipeline.cli import _one_line
from pipeline.rawpages import RawPagesError, iter_pages
from pipeline.steps import extract_step
from pipeline.store import open_store
from tests.test_extract_cli import site_warc

DAY = date(2024, 5, 26)


@pytest.mark.parametrize("compress", [True, False], ids=["gzip", "uncompressed"])
def test_every_cut_inside_the_second_record_is_an_error_after_the_first(tmp_path, compress):
    whole = tmp_path / "whole.warc"
    records = site_warc(whole, compress)
    (_, _, first), (second_at, second_length, _) = records[:2]
    data, cut = whole.read_bytes(), tmp_path / "cut.warc"
    assert len(list(iter_pages(whole))) == len(records)
    for size in range(second_at + 1, second_at + second_length):
        cut.write_bytes(data[:size])
        with pytest.raises(RawPagesError) as failure:
            list(iter_pages(cut))
        message = str(failure.value)
        assert message.startswith(f"{cut}: unreadable WARC after the response record of {first}: "), (size, message)
        assert "\n" not in message and message.isascii()


def test_extract_step_fails_on_a_truncated_stored_warc_and_stages_nothing(tmp_path):
    whole = tmp_path / "whole.warc.gz"
    records = site_warc(whole)
    store = open_store(str(tmp_path / "lake"))
    store.put_bytes(layout.raw_warc_key("daily_courier", DAY), whole.read_bytes()[: records[-1][0] + 200])
    store.put_bytes(layout.crawl_stats_key("daily_courier", DAY), json.dumps({"pages_fetched": len(records)}).encode())
    stored = re.escape(store.url(layout.raw_warc_key("daily_courier", DAY)))  # the stored object, not the temporary copy
    with pytest.raises(RawPagesError, match=rf"^{stored}: unreadable WARC after the response record of {records[-2][2]}: the file ends inside a gzip member"):
        extract_step("daily_courier", DAY, store.uri)
    assert not store.exists(layout.staged_articles_key("daily_courier", DAY))


def test_a_damaged_warc_reads_as_the_users_problem_not_ours():
    """What `wirelake crawl` and `demo` print for a failed day (pipeline.cli._one_line)."""
    error = RawPagesError("pages.warc.gz: unreadable WARC at the first record: not a WARC record")
    assert _one_line(error) == str(error)
