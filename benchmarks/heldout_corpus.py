"""A held-out corpus for benchmarks/extraction.py: the pages Fundus removed from its test data.

    python benchmarks/heldout_corpus.py FUNDUS_GIT_CLONE OUT_FOLDER
    python benchmarks/extraction.py OUT_FOLDER

The development corpus (../shared/corpus/fundus-publishers) is one commit of Fundus's parser
test data, and the extraction rules were tuned on it. Fundus replaces a publisher's test page
when its parser changes, so its git history keeps real pages, with the ground truth of their
day, that the development corpus does not hold: measuring on them shows whether the rules
carry over to pages nobody tuned on. Each dated page (`<Publisher>_<YYYY_MM_DD>.html.gz`)
deleted from `tests/resources/parser/test_data` is written, with its ground truth from the
commit before the deletion, in the same layout (`<country>/<Publisher>_<date>.html.gz`,
`<Publisher>.json`, `meta.info`). Left out: pages the clone's current test data still holds,
byte for byte or by URL (a renamed file, the same article crawled again), and pages whose
ground truth cannot be read or paired; the summary line counts each.

The pages belong to their publishers: write OUT_FOLDER outside this repository.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from extraction import PAGE_NAME, paired_versions  # noqa: E402

TEST_DATA = "tests/resources/parser/test_data/"


class HeldOutError(Exception):
    """A problem with the arguments, said in one line."""


def _git(clone: Path, *args: str) -> bytes:
    # core.quotePath=false: paths with non-ASCII letters come out as they are, not quoted
    return subprocess.run(["git", "-C", str(clone), "-c", "core.quotePath=false", *args], capture_output=True, check=True).stdout


def _exists(clone: Path, revision_path: str) -> bool:
    return subprocess.run(["git", "-C", str(clone), "cat-file", "-e", revision_path], capture_output=True).returncode == 0


def deleted_pages(clone: Path) -> list[tuple[str, str]]:
    """(commit, path) for each dated test page a commit deleted, newest first."""
    # --no-renames: a page git would call renamed is deleted under its old name too
    log = _git(clone, "log", "--no-renames", "--diff-filter=D", "--name-only", "--format=@%H", "--", TEST_DATA).decode()
    found, commit = [], None
    for line in log.splitlines():
        if line.startswith("@"):
            commit = line[1:]
        elif PAGE_NAME.fullmatch(line.rsplit("/", 1)[-1]):
            found.append((commit, line))
    return found


def current_pages(clone: Path) -> tuple[set[str], set[str]]:
    """The blobs and URLs of the test pages the clone holds now."""
    blobs, urls = set(), set()
    for line in _git(clone, "ls-tree", "-r", "HEAD", TEST_DATA).decode().splitlines():
        details, path = line.split("\t", 1)
        if path.endswith(".html.gz"):
            blobs.add(details.split()[2])
        elif path.endswith("/meta.info"):
            try:
                urls |= {entry.get("url") for entry in json.loads(_git(clone, "show", f"HEAD:{path}")).values()}
            except (ValueError, AttributeError) as error:
                raise HeldOutError(f"{clone}: HEAD:{path} is not the meta.info Fundus writes ({error})") from error
    return blobs, urls


def truth_of(clone: Path, parent: str, path: str) -> tuple[dict, dict] | str:
    """(ground truth, meta.info entry) of the page at `path` in commit `parent`, or why not."""
    folder, name = path.rsplit("/", 1)
    publisher = PAGE_NAME.fullmatch(name)["publisher"]
    try:
        versions = json.loads(_git(clone, "show", f"{parent}:{folder}/{publisher}.json"))
        meta = json.loads(_git(clone, "show", f"{parent}:{folder}/meta.info"))
    except subprocess.CalledProcessError:
        return "no ground truth beside it"
    except ValueError:
        return "unreadable ground truth"
    names = _git(clone, "ls-tree", "--name-only", f"{parent}:{folder}").decode().splitlines()
    pairs = dict(paired_versions(names, publisher, versions) or ())
    if name not in pairs or not isinstance(meta.get(name), dict):
        return "pages and parser versions do not pair"
    return pairs[name], meta[name]


def build(clone: Path, out: Path) -> tuple[int, Counter]:
    """Write the held-out corpus; (pages written, pages left out by reason)."""
    if not _exists(clone, f"HEAD:{TEST_DATA}"):
        raise HeldOutError(f"{clone}: not a git clone of Fundus (no {TEST_DATA} at HEAD)")
    blobs, urls = current_pages(clone)
    publishers: dict[tuple[str, str], dict[str, tuple[bytes, dict, dict]]] = defaultdict(dict)
    left_out: Counter = Counter()
    for commit, path in deleted_pages(clone):
        parent = f"{commit}^"
        if _git(clone, "rev-parse", f"{parent}:{path}").decode().strip() in blobs:
            left_out["still in the test data"] += 1
            continue
        found = truth_of(clone, parent, path)
        if isinstance(found, str):
            left_out[found] += 1
            continue
        if found[1].get("url") in urls:
            left_out["its URL is still in the test data"] += 1
            continue
        folder, name = path.rsplit("/", 1)
        country = folder.rsplit("/", 1)[-1]
        publishers[(country, PAGE_NAME.fullmatch(name)["publisher"])][name] = (_git(clone, "show", f"{parent}:{path}"), *found)
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
    return written, left_out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("clone", type=Path, help="a git clone of github.com/flairNLP/fundus, with its history")
    parser.add_argument("out", type=Path, help="a new folder to write the held-out corpus to (outside this repository)")
    args = parser.parse_args(argv)
    try:
        if not args.clone.is_dir():
            raise HeldOutError(f"{args.clone}: no such folder (give a git clone of Fundus)")
        if args.out.exists() and not (args.out.is_dir() and not any(args.out.iterdir())):
            raise HeldOutError(f"{args.out}: exists and is not an empty folder; give a new one")
        written, left_out = build(args.clone, args.out)
    except HeldOutError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as error:
        print(f"error: {args.clone}: git {' '.join(error.cmd[5:])} failed: {error.stderr.decode().strip()}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {args.out}: cannot write the corpus there ({error.strerror})", file=sys.stderr)
        return 2
    reasons = "; ".join(f"{count} {reason}" for reason, count in sorted(left_out.items(), key=lambda item: (-item[1], item[0]))) or "none"
    print(f"wrote {written} held-out pages to {args.out} (left out: {reasons})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
