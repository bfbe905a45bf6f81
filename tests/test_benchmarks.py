"""benchmarks/pipeline.py at its smallest: it runs the real steps against the news web, on a
local and an S3 store, and writes the JSON it promises; bad input is one line, not a trace."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import boto3

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "pipeline.py"
EXTRACTORS = {"ours", "trafilatura", "trafilatura+metadata"}


def run_benchmark(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BENCHMARK), "--scale", "1", "--repeat", "1", *args],
                          capture_output=True, text=True, timeout=120)


def test_smallest_run_measures_every_stage_and_extractor(tmp_path):
    out = tmp_path / "pipeline.json"

    done = run_benchmark("--partitions", "2", "--out", str(out))

    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    pages, e2e = result["pages"], result["end_to_end"]
    assert pages["partitions"] == 2 and len(result["partitions"]) == 2
    assert {p["source"] for p in result["partitions"]} == {"capitol_ledger", "daily_courier"}  # sources interleaved
    assert pages["articles"] == pages["expected_articles"] > 0
    assert pages["fetched"] > pages["html"] >= pages["articles"]
    assert set(e2e["stages"]) == {"crawl", "extract", "publish"}
    for clock in ("wall_s", "cpu_s"):
        assert abs(sum(stage[clock] for stage in e2e["stages"].values()) - e2e[clock]) < 1e-6
        assert all(stage[clock] > 0 for stage in e2e["stages"].values())
    assert 0 < e2e["scrapy_engine_s"] < e2e["stages"]["crawl"]["wall_s"]
    assert e2e["pages_per_s"] > 0 and e2e["pages_per_cpu_s"] > 0 and e2e["articles_per_s"] > 0
    assert set(result["extraction_only"]) == EXTRACTORS
    for measured in result["extraction_only"].values():
        assert measured["pages_per_s"] > 0 and measured["pages_per_cpu_s"] > 0 and 0 < measured["outputs"] <= pages["html"]
    assert result["extraction_only"]["ours"]["outputs"] == pages["articles"]  # the same pages as the steps saw
    for rate in ("pages_per_s", "pages_per_cpu_s"):
        ratios = result["ratios"][rate]
        assert set(ratios) == {"ours_vs_trafilatura", "ours_vs_trafilatura_metadata", "end_to_end_vs_ours_extraction", "end_to_end_vs_trafilatura"}
        assert all(ratio > 0 for ratio in ratios.values())
    assert result["peak_rss_mb"]["benchmark_process"] > 0 and result["peak_rss_mb"]["largest_crawl_subprocess"] > 0
    assert result["machine"]["cores"] >= 1 and result["machine"]["cpu_model"] and result["machine"]["libraries"]["trafilatura"]
    assert len(result["machine"]["load_average_at_start"]) == len(result["machine"]["load_average_at_end"]) == 3
    assert "end to end: crawl+extract+publish" in done.stdout and "extraction only: trafilatura" in done.stdout


def test_ingests_into_an_s3_store(tmp_path, s3_store_uri, s3_endpoint):
    out = tmp_path / "pipeline.json"

    done = run_benchmark("--partitions", "1", "--store", s3_store_uri, "--out", str(out))

    assert done.returncode == 0, done.stderr
    result = json.loads(out.read_text())
    assert result["config"]["store"] == s3_store_uri
    bucket = s3_store_uri.removeprefix("s3://").split("/")[0]
    keys = [o["Key"] for o in boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(Bucket=bucket)["Contents"]]
    assert any(k.startswith("lake/raw/source=capitol_ledger/") for k in keys)
    assert any(k.startswith("lake/corpus/articles/") and k.endswith(".parquet") for k in keys)


def test_a_bad_store_is_one_line_naming_it(tmp_path):
    done = run_benchmark("--store", "ftp://nowhere/lake", "--out", str(tmp_path / "pipeline.json"))

    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == ["pipeline benchmark: ftp://nowhere/lake: unsupported store (use a path, file://PATH or s3://BUCKET/PREFIX)"]
    assert not (tmp_path / "pipeline.json").exists()
