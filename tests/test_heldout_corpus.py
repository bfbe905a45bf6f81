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

    def commit(self, pages: dict[str, bytes], truth: dict[str, dict], message: str) -> None:
        for old in self.data.glob("*"):
            old.unlink()
        for name, html in pages.items():
            (self.data / name).write_bytes(html)
        for publisher, versions in truth.items():
            (self.data / f"{publisher}.json").write_text(json.dumps(versions))
        (self.data / "meta.info").write_text(json.dumps({name: {"url": f"https://{name.split('_')[0].lower()}.example/{name[:-8]}",
                                                                "crawl_date": "2024-01-01 09:00:00"} for name in pages}))
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)


def test_deleted_pages_come_back_with_their_truth_and_kept_pages_stay_out(tmp_path):
    heldout, extraction = _load("heldout_corpus"), _load("extraction")
    fundus = Fundus(tmp_path / "fundus")
    ferry, bridge, tide = _page("Ferry adds early crossings"), _page("Bridge closes for repairs"), _page("Tide gauge replaced")
    fundus.commit({"Riverside_2024_01_01.html.gz": ferry, "Riverside_2024_02_01.html.gz": bridge, "Harbour_2024_01_01.html.gz": tide},
                  {"Riverside": {"V1": _truth("Ferry adds early crossings"), "V1_1": _truth("Bridge closes for repairs")},
                   "Harbour": {"V1": _truth("Tide gauge replaced")}}, "first pages")
    # the parser changes: Riverside's older page is replaced; Harbour's page is renamed, its bytes kept
    fundus.commit({"Riverside_2024_02_01.html.gz": bridge, "Riverside_2024_06_01.html.gz": _page("Quay reopens"),
                   "Harbour_2024_03_01.html.gz": tide},
                  {"Riverside": {"V1_1": _truth("Bridge closes for repairs"), "V2": _truth("Quay reopens")},
                   "Harbour": {"V2": _truth("Tide gauge replaced")}}, "new parser versions")
    out = tmp_path / "heldout"

    assert heldout.main([str(fundus.root), str(out)]) == 0

    assert sorted(p.name for p in (out / "xx").iterdir()) == ["Riverside.json", "Riverside_2024_01_01.html.gz", "meta.info"]
    cases = extraction.load_corpus(out)
    assert [(case.file, case.title, case.url) for case in cases] == [
        ("Riverside_2024_01_01.html.gz", "Ferry adds early crossings", "https://riverside.example/Riverside_2024_01_01")]
    assert gzip.decompress((out / "xx/Riverside_2024_01_01.html.gz").read_bytes()) == gzip.decompress(ferry)


@pytest.mark.parametrize("what", ["absent", "not_fundus", "not_empty"])
def test_bad_arguments_say_what_is_wrong_in_one_line(tmp_path, capsys, what):
    heldout = _load("heldout_corpus")
    clone, out = tmp_path / "clone", tmp_path / "out"
    if what != "absent":
        Fundus(clone) if what == "not_empty" else clone.mkdir()
    if what == "not_empty":
        out.mkdir()
        (out / "kept.txt").write_text("earlier results")
    code = heldout.main([str(clone), str(out)])
    captured = capsys.readouterr()
    if what == "absent":
        assert code == 0 and captured.out.startswith(f"skipped: {clone} not found")
    else:
        assert code == 2 and len(captured.err.strip().splitlines()) == 1
        assert (str(clone) if what == "not_fundus" else str(out)) in captured.err
    if what == "not_empty":
        assert (out / "kept.txt").read_text() == "earlier results"
