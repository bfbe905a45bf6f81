"""benchmarks/heldout_corpus.py: from a Fundus-like git history, the test pages that were
deleted, with the ground truth of the commit before, in the layout extraction.py reads."""

from __future__ import annotations

import gzip
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_benchmark", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def _page(headline: str) -> bytes:
    story = "".join(f"<p>{headline} was reported by the harbour office on the {n}th, with crossings on every weekday.</p>" for n in range(4, 9))
    return gzip.compress(f"<html><head><title>{headline}</title></head><body><article><h1>{headline}</h1>{story}</article></body></html>".encode())


def _truth(title: str) -> dict:
    return {"title": title, "authors": [], "publishing_date": "2024-01-01 08:00:00", "body": {"summary": [], "sections": []}}


class Fundus:
    """A git repository laid out like Fundus's parser test data."""

    def __init__(self, root: Path):
        self.root, self.data = root, root / "tests/resources/parser/test_data/xx"
        self.data.mkdir(parents=True)
        self.git("init", "-q")

    def git(self, *args: str) -> None:
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=self.root, check=True, capture_output=True)

    def commit(self, pages: dict[str, bytes], truth: dict[str, dict], message: str, urls: dict[str, str] | None = None) -> None:
        for old in self.data.glob("*"):
            old.unlink()
        for name, html in pages.items():
            (self.data / name).write_bytes(html)
        for publisher, versions in truth.items():
            (self.data / f"{publisher}.json").write_text(json.dumps(versions))
        urls = {name: f"https://{name.split('_')[0].lower()}.example/{name[:-8]}" for name in pages} | (urls or {})
        (self.data / "meta.info").write_text(json.dumps({name: {"url": urls[name], "crawl_date": "2024-01-01 09:00:00"} for name in pages}))
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


def test_deleted_pages_come_back_with_their_truth_and_kept_pages_stay_out(tmp_path, capsys):
    heldout, extraction = _load("heldout_corpus"), _load("extraction")
    fundus = Fundus(tmp_path / "fundus")
    ferry, bridge, tide = _page("Ferry adds early crossings"), _page("Bridge closes for repairs"), _page("Tide gauge replaced")
    fundus.commit({"Riverside_2024_01_01.html.gz": ferry, "Riverside_2024_02_01.html.gz": bridge, "Harbour_2024_01_01.html.gz": tide},
                  {"Riverside": {"V1": _truth("Ferry adds early crossings"), "V1_1": _truth("Bridge closes for repairs")},
                   "Harbour": {"V1": _truth("Tide gauge replaced")}}, "first pages")
    # the parser changes: Riverside's older page is replaced; Harbour's page is renamed, its bytes kept;
    # Estuary's article is crawled again under a new date
    fundus.commit({"Riverside_2024_02_01.html.gz": bridge, "Riverside_2024_06_01.html.gz": _page("Quay reopens"),
                   "Harbour_2024_03_01.html.gz": tide, "Estuary_2024_01_01.html.gz": _page("Estuary dredged")},
                  {"Riverside": {"V1_1": _truth("Bridge closes for repairs"), "V2": _truth("Quay reopens")},
                   "Harbour": {"V2": _truth("Tide gauge replaced")}, "Estuary": {"V1": _truth("Estuary dredged")}},
                  "new parser versions", urls={"Estuary_2024_01_01.html.gz": "https://estuary.example/dredged"})
    fundus.commit({"Riverside_2024_02_01.html.gz": bridge, "Riverside_2024_06_01.html.gz": _page("Quay reopens"),
                   "Harbour_2024_03_01.html.gz": tide, "Estuary_2024_05_01.html.gz": _page("Estuary dredged again")},
                  {"Riverside": {"V1_1": _truth("Bridge closes for repairs"), "V2": _truth("Quay reopens")},
                   "Harbour": {"V2": _truth("Tide gauge replaced")}, "Estuary": {"V2": _truth("Estuary dredged again")}},
                  "Estuary recrawled", urls={"Estuary_2024_05_01.html.gz": "https://estuary.example/dredged"})
    out = tmp_path / "heldout"

    assert heldout.main([str(fundus.root), str(out)]) == 0
    assert "(left out: 1 its URL is still in the test data; 1 still in the test data)" in capsys.readouterr().out

    assert sorted(p.name for p in (out / "xx").iterdir()) == ["Riverside.json", "Riverside_2024_01_01.html.gz", "meta.info"]
    cases = extraction.load_corpus(out)
    assert [(case.file, case.title, case.url) for case in cases] == [
        ("Riverside_2024_01_01.html.gz", "Ferry adds early crossings", "https://riverside.example/Riverside_2024_01_01")]
    assert gzip.decompress((out / "xx/Riverside_2024_01_01.html.gz").read_bytes()) == gzip.decompress(ferry)


@pytest.mark.parametrize("what", ["absent", "not_fundus", "out_not_empty", "out_is_a_file"])
def test_bad_arguments_say_what_is_wrong_in_one_line(tmp_path, capsys, what):
    heldout = _load("heldout_corpus")
    clone, out = tmp_path / "clone", tmp_path / "out"
    if what != "absent":
        Fundus(clone) if what.startswith("out") else clone.mkdir()
    if what == "out_not_empty":
        out.mkdir()
        (out / "kept.txt").write_text("earlier results")
    if what == "out_is_a_file":
        out.write_text("earlier results")

    assert heldout.main([str(clone), str(out)]) == 2

    error = capsys.readouterr().err
    assert len(error.strip().splitlines()) == 1
    assert (str(out) if what.startswith("out") else str(clone)) in error
    if what == "out_not_empty":
        assert (out / "kept.txt").read_text() == "earlier results"
    if what == "out_is_a_file":
        assert out.read_text() == "earlier results"
