"""A held-out corpus for benchmarks/extraction.py: the pages Fundus removed from its test data.

    python benchmarks/heldout_corpus.py FUNDUS_GIT_CLONE OUT_FOLDER
    python benchmarks/extraction.py OUT_FOLDER

The development corpus (../shared/corpus/fundus-publishers) is one commit of Fundus's parser
test data, and the extraction rules were tuned on it. Fundus replaces a publisher's test page
when its parser changes, so its git history keeps real pages, with the ground truth of their
day, that the development corpus does not hold: measuring on them shows whether the rules
carry over to pages nobody tuned on. Each page deleted from `tests/resources/parser/test_data`
is written, with its ground truth from the commit before the deletion, in the same layout
(`<country>/<Publisher>_<date>.html.gz`, `<Publisher>.json`, `meta.info`). Pages whose bytes
the clone's current test data still holds are left out.

The pages belong to their publishers: write OUT_FOLDER outside this repository.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

TEST_DATA = "tests/resources/parser/test_data/"
_PAGE = re.compile(r"(?P<publisher>.+)_\d{4}_\d{2}_\d{2}\.html\.gz")
_NUMBERS = re.compile(r"\d+")


class NotAFundusClone(Exception):
    pass


def _git(clone: Path, *args: str) -> bytes:
    return subprocess.run(["git", "-C", str(clone), *args], capture_output=True, check=True).stdout


def _exists(clone: Path, revision_path: str) -> bool:
    return subprocess.run(["git", "-C", str(clone), "cat-file", "-e", revision_path], capture_output=True).returncode == 0


def deleted_pages(clone: Path) -> list[tuple[str, str]]:
    """(commit, path) for each test page a commit deleted, newest first."""
    log = _git(clone, "log", "--diff-filter=D", "--name-only", "--format=@%H", "--", TEST_DATA).decode()
    found, commit = [], None
    for line in log.splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif _PAGE.fullmatch(line.rsplit("/", 1)[-1]):
            found.append((commit, line))
    return found


def truth_of(clone: Path, parent: str, path: str) -> tuple[dict, dict] | None:
    """(ground truth, meta.info entry) of the page at `path` in `parent`, None when the
    publisher's pages and parser versions there do not pair one to one."""
    folder, name = path.rsplit("/", 1)
    publisher = _PAGE.fullmatch(name)["publisher"]
    if not (_exists(clone, f"{parent}:{folder}/{publisher}.json") and _exists(clone, f"{parent}:{folder}/meta.info")):
        return None
    versions = json.loads(_git(clone, "show", f"{parent}:{folder}/{publisher}.json"))
    meta = json.loads(_git(clone, "show", f"{parent}:{folder}/meta.info"))
    pages = sorted(n for n in _git(clone, "ls-tree", "--name-only", f"{parent}:{folder}").decode().split()
                   if (m := _PAGE.fullmatch(n)) and m["publisher"] == publisher)
    keys = sorted(versions, key=lambda key: [int(n) for n in _NUMBERS.findall(key)])
    if len(pages) != len(keys) or name not in meta:
        return None
    return versions[keys[pages.index(name)]], meta[name]


def build(clone: Path, out: Path) -> tuple[int, int]:
    """Write the held-out corpus; (pages written, pages left out because they could not be paired)."""
    if not _exists(clone, f"HEAD:{TEST_DATA}"):
        raise NotAFundusClone(f"{clone}: not a git clone of Fundus (no {TEST_DATA} at HEAD)")
    current = {line.split()[2] for line in _git(clone, "ls-tree", "-r", "HEAD", TEST_DATA).decode().splitlines()}
    publishers: dict[tuple[str, str], dict[str, tuple[bytes, dict, dict]]] = defaultdict(dict)
    unpaired = 0
    for commit, path in deleted_pages(clone):
        parent = f"{commit}^"
        if _git(clone, "rev-parse", f"{parent}:{path}").decode().strip() in current:
            continue
        found = truth_of(clone, parent, path)
        if found is None:
            unpaired += 1
            continue
        folder, name = path.rsplit("/", 1)
        country = folder.rsplit("/", 1)[-1]
        publishers[(country, _PAGE.fullmatch(name)["publisher"])][name] = (_git(clone, "show", f"{parent}:{path}"), *found)
    written = 0
    for (country, publisher), pages in sorted(publishers.items()):
        folder = out / country
        folder.mkdir(parents=True, exist_ok=True)
        meta_file = folder / "meta.info"
        meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
        versions = {}
        for number, name in enumerate(sorted(pages), start=1):  # dated names sort in date order
            html, truth, page_meta = pages[name]
            (folder / name).write_bytes(html)
            meta[name], versions[f"V{number}"] = page_meta, truth
            written += 1
        (folder / f"{publisher}.json").write_text(json.dumps(versions, ensure_ascii=False, indent=1))
        meta_file.write_text(json.dumps(meta, indent=1))
    return written, unpaired


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clone", type=Path, help="a git clone of github.com/flairNLP/fundus, with its history")
    parser.add_argument("out", type=Path, help="folder to write the held-out corpus to (outside this repository)")
    args = parser.parse_args(argv)
    if not args.clone.is_dir():
        print(f"skipped: {args.clone} not found (this script needs a git clone of Fundus)")
        return 0
    if any(args.out.iterdir() if args.out.is_dir() else ()):
        print(f"error: {args.out} is not empty; give a new folder", file=sys.stderr)
        return 2
    try:
        written, unpaired = build(args.clone, args.out)
    except (NotAFundusClone, subprocess.CalledProcessError) as error:
        detail = error.stderr.decode().strip() if isinstance(error, subprocess.CalledProcessError) else str(error)
        print(f"error: {detail}", file=sys.stderr)
        return 2
    print(f"wrote {written} held-out pages to {args.out} ({unpaired} left out: their pages and parser versions do not pair)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
