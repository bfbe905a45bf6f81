"""benchmarks/extraction.py: skips clearly without its corpus; on a corpus in the fundus layout it
scores both extractors and writes the JSON it promises."""

from __future__ import annotations

import gzip
import importlib.util
import json
import sys
from pathlib import Path

import pytest

BENCHMARK = Path(__file__).resolve().parent.parent / "benchmarks" / "extraction.py"
PAGES = Path(__file__).parent / "pages"


@pytest.fixture(scope="module")
def benchmark():
    spec = importlib.util.spec_from_file_location("extraction_benchmark", BENCHMARK)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_missing_corpus_is_skipped_with_a_message(benchmark, tmp_path, capsys):
    assert benchmark.main([str(tmp_path / "absent"), "--out", str(tmp_path / "out.json")]) == 0
    assert "skipped: corpus folder" in capsys.readouterr().out
    assert not (tmp_path / "out.json").exists()


def test_scores_a_small_corpus_in_the_fundus_layout(benchmark, tmp_path, capsys):
    country = tmp_path / "corpus" / "xx"
    country.mkdir(parents=True)
    html = (PAGES / "reprint_courtesy.html").read_bytes()
    (country / "Dostana_2024_05_26.html.gz").write_bytes(gzip.compress(html))
    (country / "meta.info").write_text(json.dumps({"Dostana_2024_05_26.html.gz": {
        "url": "https://dostana.example/business/a-bridge-too-slow-council-ferry-plan/", "crawl_date": "2024-05-26 10:00:00"}}))
    truth = {"V1": {
        "title": "‘A bridge too slow’: council says ferry plan misses deadline again",
        "authors": "[]",
        "publishing_date": "2022-01-29 00:00:00+00:00",
        "body": str({"summary": [], "sections": [{"headline": [], "paragraphs": [
            "The harbour council on Friday rejected the latest schedule for the Velde Sound ferry replacement."]}]}),
    }}
    (country / "Dostana.json").write_text(json.dumps(truth))
    out = tmp_path / "result.json"

    assert benchmark.main([str(tmp_path / "corpus"), "--out", str(out), "--repeat", "1"]) == 0

    printed = capsys.readouterr().out
    assert "Extraction on 1 pages of 1 publishers" in printed
    result = json.loads(out.read_text())
    ours, plain = result["overall"]["ours"], result["overall"]["trafilatura"]
    assert ours["title"] == 1.0 and ours["date"] == 1.0 and ours["authors"] == 1.0
    assert plain["date"] == 0.0  # plain trafilatura takes the header's "today"
    assert 0 < ours["shingle_p"] < 1 and ours["shingle_r"] == 1.0
    assert ours["pages_per_s"] > 0 and set(result["by_page_type"]) == {"article"}
    # the seed page words its headline one way in every signal
    assert result["title_by_stated_headlines"]["one"]["ours"]["pages"] == 1
    assert result["title_by_stated_headlines"]["several"]["ours"]["pages"] == 0


def test_scores_a_corpus_of_bodies_only(benchmark, tmp_path, capsys):
    """The layout of Zyte's article-extraction-benchmark: only bodies are scored."""
    corpus = tmp_path / "bodies"
    (corpus / "html").mkdir(parents=True)
    (corpus / "html" / "p1.html.gz").write_bytes(gzip.compress((PAGES / "reprint_courtesy.html").read_bytes()))
    (corpus / "ground-truth.json").write_text(json.dumps({"p1": {
        "url": "https://dostana.example/business/a-bridge-too-slow-council-ferry-plan/",
        "articleBody": "The harbour council on Friday rejected the latest schedule for the Velde Sound ferry replacement."}}))
    out = tmp_path / "result.json"

    assert benchmark.main([str(corpus), "--out", str(out), "--repeat", "1"]) == 0

    printed = capsys.readouterr().out
    assert "Extraction on 1 pages of 1 publishers" in printed and "Title exact match" not in printed
    ours = json.loads(out.read_text())["overall"]["ours"]
    assert ours["title"] is None and ours["date"] is None and ours["authors"] is None
    assert ours["shingle_r"] == 1.0


def test_scores_a_url_keyed_annotations_file(benchmark, tmp_path, capsys):
    """The layout of trafilatura's tests/evaldata.json and htmldate's evaluation sets: metadata
    only, pages in folders beside the JSON; an entry with nothing to score is left out."""
    tests = tmp_path / "tests"
    (tests / "eval").mkdir(parents=True)
    (tests / "eval" / "dostana.html").write_bytes((PAGES / "reprint_courtesy.html").read_bytes())
    (tests / "evaldata.json").write_text(json.dumps({
        "https://dostana.example/business/a-bridge-too-slow-council-ferry-plan/": {
            "file": "dostana.html", "title": "‘A bridge too slow’: council says ferry plan misses deadline again", "author": "", "date": "2022-01-29",
        },
        "https://dostana.example/only-snippets/": {"file": "dostana.html", "with": ["ferry"]},
    }))
    out = tmp_path / "result.json"

    assert benchmark.main([str(tests / "evaldata.json"), "--out", str(out), "--repeat", "1"]) == 0

    assert "Extraction on 1 pages of 1 publishers" in capsys.readouterr().out
    ours = json.loads(out.read_text())["overall"]["ours"]
    assert ours["shingle_f1"] is None and (ours["title"], ours["date"]) == (1.0, 1.0)
    assert ours["authors"] == 1.0  # "" is the truth that nobody is credited, and the page credits nobody


def test_names_and_titles_match_up_to_case_quote_style_and_invisible_characters(benchmark):
    assert benchmark._author_set(["MATT O’BRIEN", " Ines  Marlow "]) == benchmark._author_set(["Matt O'Brien", "Ines Marlow"])
    assert benchmark._author_set(["Ines Marlow"]) != benchmark._author_set(["Ines Marlowe"])
    assert benchmark._normal("Ferry\u00adboats “return”") == benchmark._normal('Ferryboats "return"')
