"""Dedup benchmark on synthetic news-length corpora: speed, memory, precision and recall.

    python benchmarks/dedup.py [--sizes 10000 100000 1000000] [--day 10000] [--curve]

For each history size it builds (or reuses, under benchmarks/results/dedup-cache/) a
store whose history was committed partition by partition through the real dedup path,
then ingests one further day of documents with text in a fresh child process and reports
wall time, CPU time and that process's peak memory. The day holds planted reprints of
history documents (exact, trimmed lead, truncated tail, editor's note, edited words) and
hard negatives (follow-ups repeating two background paragraphs, roundups quoting one
paragraph each of four stories), which give precision and recall. `--curve` prints the
precision/recall sweep the thresholds in pipeline/dedup were chosen from.

History documents are made as word ids (no text), so a million of them cost seconds;
their signatures go through the same word-hash -> shingle -> MinHash code as text does.
Prints a table and writes benchmarks/results/dedup.json.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from machine import describe, machine  # noqa: E402 - this folder's, found after the repository root
from pipeline.dedup import commit, dedup_partition, state  # noqa: E402
from pipeline.dedup.clusters import NEAR_CONTAINMENT, NEAR_JACCARD  # noqa: E402
from pipeline.dedup.fingerprints import (  # noqa: E402
    BANDS, NUM_PERM, PARAMS, Fingerprints, fingerprint_texts, fingerprint_word_hashes, hash64, similarity,
)
from pipeline.dedup.partition import plan_partition  # noqa: E402
from pipeline.store import LocalStore  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
BATCH = 10_000  # documents per history partition
VOCABULARY = 50_000
EPOCH = datetime(2020, 1, 1, tzinfo=timezone.utc)


# --- synthetic corpus ---------------------------------------------------------------------


def _vocabulary() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Letters-only invented words (the body normaliser drops digits), Zipf frequencies."""
    letters = "etaoinshrdlucmfwypvbgk"
    words = []
    for i in range(VOCABULARY):
        n, word = i + len(letters) ** 2, ""
        while n:
            n, r = divmod(n, len(letters))
            word += letters[r]
        words.append(word)
    cdf = np.cumsum(1.0 / np.arange(1, VOCABULARY + 1))
    return np.array(words, dtype=object), np.array([hash64(w) for w in words], dtype=np.uint64), cdf / cdf[-1]


WORDS, WORD_HASHES, CDF = _vocabulary()


def batch_docs(batch: int) -> list[list[np.ndarray]]:
    """Batch `batch` of history: BATCH documents, each a list of paragraphs of word ids."""
    rng = np.random.default_rng(1000 + batch)
    paragraphs = rng.integers(8, 14, size=BATCH)
    lengths = rng.integers(40, 70, size=int(paragraphs.sum()))
    ids = np.searchsorted(CDF, rng.random(int(lengths.sum())))
    flat = np.split(ids, np.cumsum(lengths)[:-1])
    return [flat[s : s + n] for s, n in zip(np.cumsum(paragraphs) - paragraphs, paragraphs)]


def fingerprints_of(docs: list[list[np.ndarray]]) -> Fingerprints:
    ids = [np.concatenate(doc) for doc in docs]
    signatures, sizes = fingerprint_word_hashes(WORD_HASHES[np.concatenate(ids)], np.array([len(i) for i in ids]))
    return Fingerprints(exact=[None] * len(docs), signatures=signatures, sizes=sizes)


def text_of(doc: list[np.ndarray]) -> str:
    return "\n\n".join(" ".join(WORDS[p]).capitalize() + "." for p in doc)


def articles(source: str, day: date, doc_ids: list[str], texts: list[str] | None = None) -> pa.Table:
    n = len(doc_ids)
    published = EPOCH + timedelta(days=(day - EPOCH.date()).days)
    return pa.table({
        "doc_id": doc_ids,
        "url": [f"https://{source}.example/{i}" for i in doc_ids],
        "canonical_url": [None] * n,
        "source": [source] * n,
        "site_name": [source] * n,
        "attribution": [None] * n,
        "published_at": pa.array([published] * n, pa.timestamp("us", tz="UTC")),
        "text": texts if texts is not None else [""] * n,
    })


def build_history(store: LocalStore, documents: int) -> None:
    """Commit history batches until the store holds `documents` history documents."""
    manifest = state.load(store)
    done = sum(1 for name in manifest.partitions if name.startswith("history/"))
    for batch in range(done, documents // BATCH):
        day = date(2020, 1, 1) + timedelta(days=batch)
        docs = batch_docs(batch)
        ids = [f"h{batch:04d}-{i:05d}" for i in range(len(docs))]
        plan = plan_partition(store, "history", day, articles("history", day, ids), fingerprints_of(docs))
        commit(store, plan, lambda table: None)


def planted_day(history: int, size: int, seed: int) -> tuple[list[str], list[str], dict[str, str], dict[str, str]]:
    """(doc ids, texts, reprint -> its history doc, hard negative -> a history doc it quotes)."""
    rng = np.random.default_rng(seed)
    batches = sorted(set(rng.integers(0, history // BATCH, size=8).tolist()))
    pool = {b: batch_docs(b) for b in batches}
    fresh = batch_docs(10_000 + seed)
    ids, texts, planted, negatives = [], [], {}, {}

    def pick():
        b = int(rng.choice(batches))
        i = int(rng.integers(0, BATCH))
        return f"h{b:04d}-{i:05d}", pool[b][i]

    variants = ["exact", "trimmed lead", "truncated tail", "editor's note", "edited words"]
    for n in range(size):
        doc_id = f"d{seed}-{n:05d}"
        kind = n % 10
        if kind < 2:  # 20% planted reprints
            source_id, doc = pick()
            variant = variants[(n // 10) % len(variants)]
            if variant == "trimmed lead":
                doc = doc[1:]
            elif variant == "truncated tail":
                doc = doc[: max(3, len(doc) * 3 // 5)]
            elif variant == "editor's note":
                doc = [fresh[n][0][:25]] + doc
            elif variant == "edited words":
                doc = [np.where(rng.random(len(p)) < 0.04, rng.integers(0, VOCABULARY, len(p)), p) for p in doc]
            text = text_of(doc)
            texts.append(text.upper() if variant == "exact" else text)
            planted[doc_id] = source_id
        elif kind == 2:  # 10% hard negatives
            if n % 20 == 2:  # follow-up repeating two background paragraphs
                source_id, doc = pick()
                texts.append(text_of(fresh[n][:8] + doc[-2:]))
                negatives[doc_id] = source_id
            else:  # roundup quoting one paragraph of each of four stories
                quoted = [pick() for _ in range(4)]
                texts.append(text_of([q[1][0] for q in quoted] + fresh[n][:2]))
                negatives[doc_id] = quoted[0][0]
        else:
            texts.append(text_of(fresh[n]))
        ids.append(doc_id)
    return ids, texts, planted, negatives


# --- measurements -------------------------------------------------------------------------


def measure_day(store_path: str, history: int, size: int) -> dict:
    """Run in a child process: ingest one planted day, report time, memory and accuracy."""
    store = LocalStore(store_path)
    ids, texts, planted, negatives = planted_day(history, size, seed=history // BATCH)
    day = date(2030, 1, 1) + timedelta(days=history // BATCH)
    table = articles("newday", day, ids, texts)
    wall, cpu = time.perf_counter(), time.process_time()
    plan = dedup_partition(store, "newday", day, table)
    commit(store, plan, lambda t: None)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    clusters = {row["doc_id"]: row["cluster_id"] for row in plan.members.select(["doc_id", "cluster_id"]).to_pylist()}
    found = sum(1 for doc, source in planted.items() if clusters.get(doc) == clusters.get(source, "-"))
    false_links = sum(1 for doc, other in negatives.items() if clusters.get(doc) == clusters.get(other, "-"))
    return {
        "history": history,
        "day": size,
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "recall": round(found / len(planted), 4),
        "hard_negatives_linked": false_links,
        "precision": round(found / max(found + false_links, 1), 4),
        **{f"plan_{k}": v for k, v in plan.stats.items()},
    }


def _cpu_seconds(function, argument) -> float:
    cpu = time.process_time()
    function(argument)
    return time.process_time() - cpu


def signature_rate(size: int) -> dict:
    ids, texts, _, _ = planted_day(BATCH, size, seed=99)
    array = pa.array(texts)
    docs = batch_docs(5000)
    # Steady-state throughput: the first call pays one-time costs (regex compilation, first
    # allocations; reported as the cold rate), then the best of three runs, since the machine is shared.
    cold_rate = size / _cpu_seconds(fingerprint_texts, array)
    text_rate = size / min(_cpu_seconds(fingerprint_texts, array) for _ in range(3))
    fingerprints_of(docs[:500])
    ids_rate = len(docs) / min(_cpu_seconds(fingerprints_of, docs) for _ in range(3))
    words = sum(len(t.split()) for t in texts) / size
    return {"docs_per_cpu_second_from_text": round(text_rate), "docs_per_cpu_second_from_text_cold": round(cold_rate), "docs_per_cpu_second_from_word_ids": round(ids_rate), "mean_words": round(words)}


def curve() -> list[dict]:
    """Precision/recall of near verification over labelled pairs at several thresholds, and
    the measured LSH candidate rate of the positives per bands x rows split."""
    docs = batch_docs(20_000)[:2000]
    rng = np.random.default_rng(7)
    pairs, labels, names = [], [], []
    for i in range(0, 2000, 2):
        doc = docs[i]
        cases = {
            "trimmed lead": (doc[1:], True), "truncated 60%": (doc[: len(doc) * 3 // 5], True),
            "truncated 40%": (doc[: max(3, len(doc) * 2 // 5)], True), "editor's note": ([docs[i + 1][0]] + doc, True),
            "edited 4%": ([np.where(rng.random(len(p)) < 0.04, rng.integers(0, VOCABULARY, len(p)), p) for p in doc], True),
            "follow-up, 2 shared paragraphs": (docs[i + 1][:8] + doc[-2:], False),
            "roundup, 1 shared paragraph": ([doc[0]] + docs[i + 1][:4], False),
            "same vocabulary, other story": (docs[i + 1], False),
        }
        for name, (variant, positive) in cases.items():
            pairs.append((doc, variant))
            labels.append(positive)
            names.append(name)
    a = fingerprints_of([p[0] for p in pairs])
    b = fingerprints_of([p[1] for p in pairs])
    jaccard, containment = similarity(a.signatures, a.sizes, b.signatures, b.sizes)
    labels = np.array(labels)
    rows = []
    for tj in (0.3, 0.4, 0.5, 0.6, 0.7):
        for tc in (0.6, 0.7, 0.8, 0.9, 1.01):
            predicted = (jaccard >= tj) | (containment >= tc)
            tp = int((predicted & labels).sum())
            rows.append({"jaccard": tj, "containment": tc if tc <= 1 else None, "precision": round(tp / max(int(predicted.sum()), 1), 4), "recall": round(tp / int(labels.sum()), 4)})
    for r in (2, 4, 8):
        bands = NUM_PERM // r
        same = (a.signatures == b.signatures).reshape(len(labels), bands, r).all(axis=2).any(axis=1)
        rows.append({"lsh_rows": r, "lsh_bands": bands, "positives_found": round(float(same[labels].mean()), 4), "negatives_found": round(float(same[~labels].mean()), 4)})
    for name in dict.fromkeys(names):
        mask = np.array(names) == name
        rows.append({"case": name, "mean_jaccard": round(float(jaccard[mask].mean()), 3), "mean_containment": round(float(containment[mask].mean()), 3)})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--day", type=int, default=10_000)
    parser.add_argument("--curve", action="store_true", help="print the threshold sweep and exit")
    parser.add_argument("--measure-day", nargs=2, metavar=("STORE", "HISTORY"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if min(args.sizes) < BATCH:  # history is built and sampled in whole batches
        parser.error(f"--sizes must be at least {BATCH:,}, one batch of history")
    if args.measure_day:
        print(json.dumps(measure_day(args.measure_day[0], int(args.measure_day[1]), args.day)))
        return
    RESULTS.mkdir(exist_ok=True)
    if args.curve:
        rows = curve()
        for row in rows:
            print(row)
        (RESULTS / "dedup-curve.json").write_text(json.dumps(rows, indent=1))
        return

    report = {
        "machine": machine(("numpy", "pyarrow")),
        "params": PARAMS, "thresholds": {"jaccard": NEAR_JACCARD, "containment": NEAR_CONTAINMENT},
        "signatures": signature_rate(args.day), "days": [],
    }
    cache = RESULTS / "dedup-cache" / f"state{state.FORMAT}-bands{BANDS}-perm{NUM_PERM}"  # a new state format starts over
    for size in sorted(args.sizes):
        build = time.perf_counter()
        build_history(LocalStore(cache), size)
        build = time.perf_counter() - build
        with tempfile.TemporaryDirectory(prefix="wirelake-bench-") as tmp:
            copy = Path(tmp) / "store"
            shutil.copytree(cache, copy)  # the measured day must not become history of the next size
            child = subprocess.run(
                [sys.executable, __file__, "--day", str(args.day), "--measure-day", str(copy), str(size)],
                check=True, capture_output=True, text=True,
            )
        result = json.loads(child.stdout)
        result["history_build_seconds"] = round(build, 1)
        report["days"].append(result)
        print(f"history {size:>9,}: day of {args.day:,} in {result['seconds']} s, peak {result['peak_rss_mb']} MB, "
              f"recall {result['recall']}, precision {result['precision']}", flush=True)

    print()
    print(describe(report["machine"]))
    print(f"signatures: {report['signatures']['docs_per_cpu_second_from_text']:,} docs/CPU-s from text "
          f"({report['signatures']['docs_per_cpu_second_from_text_cold']:,} for a cold first batch) "
          f"({report['signatures']['mean_words']} words/doc), {report['signatures']['docs_per_cpu_second_from_word_ids']:,} from word ids")
    header = f"{'history':>10} {'day':>7} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} {'recall':>7} {'precision':>9} {'candidates':>10}"
    print(header)
    for r in report["days"]:
        print(f"{r['history']:>10,} {r['day']:>7,} {r['seconds']:>7} {r['cpu_seconds']:>7} {r['peak_rss_mb']:>8} {r['recall']:>7} {r['precision']:>9} {r['plan_candidates']:>10}")
    (RESULTS / "dedup.json").write_text(json.dumps(report, indent=1))
    print(f"\nwrote {RESULTS / 'dedup.json'}")


if __name__ == "__main__":
    main()
