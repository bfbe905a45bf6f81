"""Extraction quality and speed: our extractor beside plain trafilatura, in one run.

    python benchmarks/extraction.py /work/shared/corpus/fundus-publishers [--out FILE]

The folder holds real publisher pages with what Fundus's hand-written parsers extract
(see its README). A folder in the layout of Zyte's article-extraction-benchmark
(ground-truth.json mapping each page's id to its url and articleBody, pages in
html/<id>.html.gz) works too: it has bodies only, so titles, dates and authors show "-".
So does a JSON file mapping each page's URL to its file and metadata, as trafilatura's
tests/evaldata.json and htmldate's tests/eval_mediacloud_2020.json do ({"file": …, "title":
…, "author": "A; B" or "" for none, "date": "YYYY-MM-DD"}, the files in folders beside it):
metadata only, so the body columns show "-".

Scores: body precision/recall/F1 on word 4-gram shingles and on the bag of words, title exact
match, publication date to the day, author set (people and organisations together, as the
ground truth lists both), pages/s (best of --repeat runs) and their ratio, with the machine it ran on.
Prints a table (overall, per page type, title accuracy apart for pages that word their
headline differently per signal, and publishers where we lose on body F1) and writes the
same numbers as JSON.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura
from trafilatura.utils import load_html

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(1, str(Path(__file__).resolve().parent))  # run as a script it is there already; imported by a test it is not

from machine import describe, machine  # noqa: E402 - this folder's, found after the repository root
from pipeline.extract import decode_html, extract_pages  # noqa: E402
from pipeline.extract.metadata import stated_headlines  # noqa: E402
from pipeline.extract.signals import read_signals  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "extraction.json"
_TOKEN = re.compile(r"\w+")
_VERSION_NUMBERS = re.compile(r"\d+")
PAGE_NAME = re.compile(r"(?P<publisher>.+)_\d{4}_\d{2}_\d{2}\.html\.gz")  # <Publisher>_<YYYY_MM_DD>.html.gz


@dataclass
class Case:
    publisher: str
    file: str
    url: str
    html: str
    title: str | None
    authors: list[str] | None  # None: the ground truth does not list authors
    published: datetime | None
    body: str | None  # None: the ground truth has no body
    page_type: str  # what the page declares itself to be (JSON-LD / og:type), not our guess


@dataclass
class Prediction:
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: date | None = None
    body: str = ""


def _literal(value):
    """Fundus stores some fields as Python-literal strings."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return ast.literal_eval(value)
        except (ValueError, SyntaxError):
            return value
    return value


def _body_text(body) -> str:
    body = _literal(body) or {}
    parts = list(body.get("summary") or [])
    for section in body.get("sections") or []:
        parts += list(section.get("headline") or []) + list(section.get("paragraphs") or [])
    return "\n\n".join(parts)


def _truth_date(value) -> datetime | None:
    if not value or value == "None":
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def declared_type(html: str) -> str:
    """The page type a page declares, used to group scores independently of our classifier."""
    if re.search(r'"@type"\s*:\s*"LiveBlogPosting"', html):
        return "live_blog"
    if re.search(r'property="og:type"\s+content="video', html) or re.search(r'"@type"\s*:\s*"VideoObject"', html) and not re.search(r'"@type"\s*:\s*"(?:News)?Article"', html):
        return "video"
    if re.search(r'"@type"\s*:\s*"(?:\w+NewsArticle|NewsArticle|Article|BlogPosting)"', html) or re.search(r'og:type"\s+content="article', html):
        return "article"
    return "undeclared"


def paired_versions(page_names: list[str], publisher: str, versions: dict) -> list[tuple[str, dict]] | None:
    """A publisher's dated pages in date order, each with the ground truth of its parser version:
    Fundus pairs them one to one. None when the counts differ."""
    pages = sorted(name for name in page_names if (match := PAGE_NAME.fullmatch(name)) and match["publisher"] == publisher)
    keys = sorted(versions, key=lambda key: [int(n) for n in _VERSION_NUMBERS.findall(key)])
    return list(zip(pages, (versions[key] for key in keys))) if len(pages) == len(keys) else None


def load_corpus(root: Path) -> list[Case]:
    if root.is_file():
        return _load_annotations(root)
    if (root / "ground-truth.json").is_file():
        return _load_bodies_only(root)
    return _load_fundus(root)


def _load_annotations(annotations: Path) -> list[Case]:
    """trafilatura's and htmldate's evaluation sets: URL -> file and metadata; each page's host
    stands for its publisher. A file is found by its path under the JSON's folder, else by its
    name in one of its subfolders (eval/, cache/, test_set/). Entries without title, author or
    date, whose file is missing or whose name is ambiguous, and dates not written YYYY-MM-DD (a
    few typos in those sets) are left out of scoring, and counted on stderr."""
    cases, left_out = [], Counter()
    by_name = defaultdict(list)
    for path in annotations.parent.rglob("*"):
        if path.is_file():
            by_name[path.name].append(path)
    for url, truth in sorted(json.loads(annotations.read_text()).items()):
        if not isinstance(truth, dict) or not {"title", "author", "date"} & set(truth) or not isinstance(truth.get("file"), str):
            left_out["nothing to score"] += 1
            continue
        page = annotations.parent / truth["file"]
        if not page.is_file():
            found = by_name.get(Path(truth["file"]).name, [])
            if len(found) != 1:
                left_out["file missing or ambiguous"] += 1
                continue
            page = found[0]
        author = truth.get("author")
        authors = None if author is None else [str(name).strip() for name in (author if isinstance(author, list) else str(author).split(";")) if name and str(name).strip()]
        day = truth.get("date") if isinstance(truth.get("date"), str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", truth["date"][:10]) else None
        html = decode_html(page.read_bytes())
        cases.append(Case(
            publisher=urlsplit(url).hostname or page.name, file=page.name, url=url[url.index("http"):] if "http" in url else url, html=html,
            title=truth.get("title") or None, authors=authors, published=_truth_date(day[:10]) if day else None, body=None,
            page_type=declared_type(html),
        ))
    if left_out:
        print("left out of " + annotations.name + ": " + ", ".join(f"{n} ({reason})" for reason, n in left_out.items()), file=sys.stderr)
    return cases


def _load_bodies_only(root: Path) -> list[Case]:
    """Zyte's article-extraction-benchmark layout; each page's host stands for its publisher."""
    cases = []
    for page_id, truth in sorted(json.loads((root / "ground-truth.json").read_text()).items()):
        html = decode_html(gzip.decompress((root / "html" / f"{page_id}.html.gz").read_bytes()))
        cases.append(Case(
            publisher=urlsplit(truth["url"]).hostname or page_id, file=f"{page_id}.html.gz", url=truth["url"], html=html,
            title=None, authors=None, published=None, body=truth.get("articleBody") or "", page_type=declared_type(html),
        ))
    return cases


def _load_fundus(root: Path) -> list[Case]:
    cases = []
    for country in sorted(p for p in root.iterdir() if p.is_dir()):
        meta = json.loads((country / "meta.info").read_text())
        names = [path.name for path in country.iterdir()]
        for truth_file in sorted(country.glob("*.json")):
            publisher = truth_file.stem
            pairs = paired_versions(names, publisher, json.loads(truth_file.read_text()))
            if pairs is None:
                print(f"left out {country.name}/{publisher}: its pages and parser versions do not pair one to one", file=sys.stderr)
                continue
            for name, truth in pairs:
                page = country / name
                html = decode_html(gzip.decompress(page.read_bytes()))
                authors = _literal(truth.get("authors")) or []
                cases.append(Case(
                    publisher=f"{country.name}/{publisher}",
                    file=page.name,
                    url=meta[page.name]["url"],
                    html=html,
                    title=truth.get("title"),
                    authors=list(authors) if isinstance(authors, list) else [str(authors)],
                    published=_truth_date(truth.get("publishing_date")),
                    body=_body_text(truth.get("body")),
                    page_type=declared_type(html),
                ))
    return cases


# ---- the two extractors -------------------------------------------------------------------


def run_trafilatura(cases: list[Case]) -> tuple[list[Prediction], float]:
    predictions = []
    start = time.perf_counter()
    for case in cases:
        doc = trafilatura.bare_extraction(case.html, url=case.url, with_metadata=True)
        if doc is None:
            predictions.append(Prediction())
            continue
        published = date.fromisoformat(doc.date) if doc.date else None
        authors = [a.strip() for a in (doc.author or "").split(";") if a.strip()]
        predictions.append(Prediction(doc.title, authors, published, doc.text or ""))
    return predictions, time.perf_counter() - start


def run_ours(cases: list[Case]) -> tuple[list[Prediction], float]:
    start = time.perf_counter()
    records = extract_pages([(case.url, case.html) for case in cases])
    elapsed = time.perf_counter() - start
    predictions = []
    for record in records:
        if record is None:
            predictions.append(Prediction())
            continue
        authors = list(record["authors"]) + list(record["author_orgs"])
        published = record["published_at"].date() if record.get("published_at") else None
        predictions.append(Prediction(record["title"], authors, published, record["text"]))
    return predictions, elapsed


# ---- scores ---------------------------------------------------------------------------


# Titles and author names match "exactly" up to typographic quote style and invisible
# characters (soft hyphens, zero-width spaces), for both extractors alike: a page's JSON-LD
# may spell "O'Brien" where its printed byline has "O’Brien".
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"'})


def _visible(text: str) -> str:
    """Without format characters (soft hyphens, zero-width spaces, direction marks), for both extractors alike."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def _normal(text: str | None) -> str:
    return " ".join(_visible(unicodedata.normalize("NFKC", text or "").translate(_QUOTES)).split())


def _tokens(text: str) -> list[str]:
    """Words, up to case and invisible characters: a soft hyphen left in the ground truth
    ("Brenn\xadpunkt") is no word break."""
    return _TOKEN.findall(_visible(unicodedata.normalize("NFKC", text)).casefold())


def _shingles(tokens: list[str], size: int = 4) -> Counter:
    return Counter(tuple(tokens[i : i + size]) for i in range(max(len(tokens) - size + 1, 0)))


def _prf(predicted: Counter, truth: Counter) -> tuple[float, float, float]:
    overlap = sum((predicted & truth).values())
    precision = overlap / sum(predicted.values()) if predicted else 0.0
    recall = overlap / sum(truth.values()) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _date_ok(predicted: date | None, truth: datetime) -> bool:
    """Right if it is the day in the page's own zone or in UTC: pages print either."""
    days = {truth.date()}
    if truth.tzinfo is not None:
        days.add(truth.astimezone(timezone.utc).date())
    return predicted in days


def _author_set(names: list[str]) -> set[str]:
    return {_normal(name).casefold() for name in names if name.strip()}


def score(case: Case, prediction: Prediction) -> dict:
    row = dict.fromkeys(["shingle_p", "shingle_r", "shingle_f1", "bag_p", "bag_r", "bag_f1"])
    if case.body is not None:
        truth_tokens, predicted_tokens = _tokens(case.body), _tokens(prediction.body)
        row["shingle_p"], row["shingle_r"], row["shingle_f1"] = _prf(_shingles(predicted_tokens), _shingles(truth_tokens))
        row["bag_p"], row["bag_r"], row["bag_f1"] = _prf(Counter(predicted_tokens), Counter(truth_tokens))
    row |= {
        "title": float(_normal(prediction.title) == _normal(case.title)) if case.title else None,
        "date": float(_date_ok(prediction.published, case.published)) if case.published else None,
        "authors": float(_author_set(prediction.authors) == _author_set(case.authors)) if case.authors is not None else None,
    }
    return row


METRICS = ["shingle_p", "shingle_r", "shingle_f1", "bag_p", "bag_r", "bag_f1", "title", "date", "authors"]


def headline_wordings(case: Case) -> str:
    """"one" when the page states one headline everywhere (site affixes aside), "several" when
    its JSON-LD, og:title, twitter:title and <h1> word it differently: then the ground truth's
    title follows whichever signal its publisher's parser was written to read."""
    tree = load_html(case.html)
    stated = stated_headlines(tree, read_signals(tree), case.url) if tree is not None else set()
    return "several" if len({_normal(text) for text in stated}) > 1 else "one"


def mean_scores(rows: list[dict]) -> dict:
    result = {}
    for metric in METRICS:
        values = [row[metric] for row in rows if row[metric] is not None]
        result[metric] = sum(values) / len(values) if values else None
    result["pages"] = len(rows)
    return result


# ---- report ---------------------------------------------------------------------------


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def table(title: str, header: list[str], rows: list[list]) -> str:
    widths = [max(len(_fmt(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(_fmt(c).ljust(w) for c, w in zip(cells, widths))  # noqa: E731
    return "\n".join([title, line(header), line(["-" * w for w in widths]), *map(line, rows)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="folder of pages with ground truth (fundus-publishers or article-extraction-benchmark layout),"
                        " or a URL-keyed annotations JSON (trafilatura's tests/evaldata.json, htmldate's tests/eval_mediacloud_2020.json)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"JSON results (default {DEFAULT_OUT})")
    parser.add_argument("--publisher", help="only publishers whose name contains this (for development)")
    parser.add_argument("--repeat", type=int, default=2, help="timed runs per extractor, alternating; the fastest counts (default 2)")
    args = parser.parse_args(argv)
    if not args.corpus.exists():
        print(f"skipped: corpus folder {args.corpus} not found (this benchmark needs real pages with ground truth)")
        return 0
    cases = load_corpus(args.corpus)
    if args.publisher:
        cases = [case for case in cases if args.publisher.lower() in case.publisher.lower()]
    if not cases:
        print(f"skipped: no pages with ground truth under {args.corpus}")
        return 0

    machine_info = machine(("trafilatura", "lxml"))
    # Alternating runs, best time each: the machine is shared, and the first run warms caches.
    plain_seconds = our_seconds = float("inf")
    for _ in range(max(args.repeat, 1)):
        plain, seconds = run_trafilatura(cases)
        plain_seconds = min(plain_seconds, seconds)
        ours, seconds = run_ours(cases)
        our_seconds = min(our_seconds, seconds)
    scored = {
        "trafilatura": [score(case, p) for case, p in zip(cases, plain)],
        "ours": [score(case, p) for case, p in zip(cases, ours)],
    }
    speed = {"trafilatura": len(cases) / plain_seconds, "ours": len(cases) / our_seconds}
    overall = {name: {**mean_scores(rows), "pages_per_s": speed[name]} for name, rows in scored.items()}

    by_type: dict[str, dict] = {}
    for page_type in sorted({case.page_type for case in cases}):
        index = [i for i, case in enumerate(cases) if case.page_type == page_type]
        by_type[page_type] = {name: mean_scores([rows[i] for i in index]) for name, rows in scored.items()}

    wordings = [headline_wordings(case) for case in cases]
    by_wordings = {
        group: {name: mean_scores([rows[i] for i, g in enumerate(wordings) if g == group]) for name, rows in scored.items()}
        for group in ("one", "several")
    }

    by_publisher: dict[str, dict] = defaultdict(dict)
    for publisher in sorted({case.publisher for case in cases}):
        index = [i for i, case in enumerate(cases) if case.publisher == publisher]
        for name, rows in scored.items():
            by_publisher[publisher][name] = mean_scores([rows[i] for i in index])
    losing = {p: s for p, s in by_publisher.items()
              if s["ours"]["shingle_f1"] is not None and s["ours"]["shingle_f1"] < s["trafilatura"]["shingle_f1"] - 1e-9}

    columns = METRICS + ["pages_per_s"]
    print(table(f"Extraction on {len(cases)} pages of {len(by_publisher)} publishers ({args.corpus})", ["extractor", *columns],
                [[name, *(overall[name][m] for m in columns)] for name in overall]))
    speed_ratio = speed["ours"] / speed["trafilatura"]
    print(f"throughput, ours vs plain trafilatura in this run: x{speed_ratio:.2f}")
    print(describe(machine_info))
    print()
    print(table("Body F1 (shingles / bag of words) by declared page type", ["page type", "pages", "trafilatura", "ours", "traf bag", "ours bag"],
                [[t, s["ours"]["pages"], s["trafilatura"]["shingle_f1"], s["ours"]["shingle_f1"], s["trafilatura"]["bag_f1"], s["ours"]["bag_f1"]] for t, s in by_type.items()]))
    print()
    if any(case.title for case in cases):
        print(table("Title exact match by the headlines a page states (JSON-LD, og, twitter, <h1>; site affixes aside)",
                    ["headlines", "pages", "trafilatura", "ours"],
                    [[g, s["ours"]["pages"], s["trafilatura"]["title"], s["ours"]["title"]] for g, s in by_wordings.items()]))
        print()
    print(table(f"Publishers where we lose on body F1 ({len(losing)} of {len(by_publisher)})", ["publisher", "pages", "trafilatura", "ours", "traf title", "ours title"],
                [[p, s["ours"]["pages"], s["trafilatura"]["shingle_f1"], s["ours"]["shingle_f1"], s["trafilatura"]["title"], s["ours"]["title"]]
                 for p, s in sorted(losing.items(), key=lambda item: item[1]["ours"]["shingle_f1"] - item[1]["trafilatura"]["shingle_f1"])]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "corpus": str(args.corpus), "pages": len(cases), "machine": machine_info, "throughput_ratio_ours_vs_trafilatura": speed_ratio,
        "overall": overall, "by_page_type": by_type, "title_by_stated_headlines": by_wordings,
        "by_publisher": by_publisher, "losing_publishers": sorted(losing),
        "pages_detail": [{"publisher": c.publisher, "file": c.file, "page_type": c.page_type, "headlines": w,
                          "trafilatura": t, "ours": o} for c, w, t, o in zip(cases, wordings, scored["trafilatura"], scored["ours"])],
    }, indent=1, default=str))
    print(f"\nwrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
