"""Per-document fingerprints: exact-body hash, MinHash signature and LSH band keys.

MinHash comes from rensa (Rust): from one flat buffer of shingle hashes it signs 10k
news-length documents in ~0.05 s, where datasketch managed ~1.1k documents/s and a NumPy
(a*x+b) mod p version needs ~130 multiply-mods per shingle (benchmarks/dedup.py measures
the whole path). Words and shingles are hashed here, vectorised with NumPy, so the only
thing we take from rensa is its permutation scheme (recorded in PARAMS: state written
under another scheme must not be mixed with it).

Parameters, from `benchmarks/dedup.py --curve` (1000 labelled pairs per case over
synthetic news-length bodies: trimmed lead, editor's note, 4% of words edited, truncated
to 60% and to 40% as positives; a follow-up repeating two background paragraphs, a
roundup quoting one paragraph, an unrelated story as hard negatives):
- 5-word shingles: positives keep Jaccard 0.36-0.91, the hard negatives sit at 0.06-0.11
  (containment 0.19-0.21), so the two groups are far apart.
- 128 permutations in 32 bands of 4 rows: 87% of the positives become candidates (the
  misses are the 40% truncations, Jaccard ~0.36) and 0.03% of the negatives. 64 bands of 2
  rows found every positive but made 24% of the hard negatives candidates and doubles
  the index (one entry per band per document); 16 bands of 8 found 54%. Planted reprints
  in the benchmark's day (truncation to 60%) are found at ~99% recall with 4x32.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import rensa

from pipeline.dedup.text import body_words, normalised_bodies

SHINGLE_WORDS = 5
NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SEED = 20240526
# Below this many shingles a body is a brief or a template remnant: two of them sharing
# a signature says nothing about the story, so they take part in no content layer.
MIN_SHINGLES = 20

PARAMS = {
    "shingle_words": SHINGLE_WORDS,
    "num_perm": NUM_PERM,
    "bands": BANDS,
    "seed": SEED,
    "min_shingles": MIN_SHINGLES,
    "minhash": f"rensa.RMinHash/{rensa.RMinHash.ALGORITHM_VERSION}",
    "word_hash": "blake2b-64",
}

# Odd 64-bit constants (golden ratio and splitmix64/murmur3 finalisers) to mix word
# hashes into shingle hashes and band rows into band keys; wrap-around is intended.
_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93, 0xFF51AFD7ED558CCD,
     0xC4CEB9FE1A85EC53, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9],
    dtype=np.uint64,
)


def hash64(text: str) -> int:
    """A stable 64-bit hash (Python's hash() is salted per process)."""
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _finalise(values: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads structured inputs over all 64 bits."""
    with np.errstate(over="ignore"):
        values = (values ^ (values >> np.uint64(30))) * _MIX[7]
        values = (values ^ (values >> np.uint64(27))) * _MIX[6]
        return values ^ (values >> np.uint64(31))


@dataclass
class Fingerprints:
    """Row i describes document i of the batch."""

    exact: list[str | None]  # hex hash of the normalised body; None when too short to mean anything
    signatures: np.ndarray  # (n, NUM_PERM) uint32
    sizes: np.ndarray  # (n,) int32: shingles in the body (positions; news bodies rarely repeat a 5-word run)

    def indexable(self) -> np.ndarray:
        """Documents long enough for the content layers (see MIN_SHINGLES)."""
        return self.sizes >= MIN_SHINGLES


def band_keys(signatures: np.ndarray) -> np.ndarray:
    sig = signatures.astype(np.uint64).reshape(len(signatures), BANDS, ROWS)
    with np.errstate(over="ignore"):
        mixed = (sig * _MIX[:ROWS]).sum(axis=2, dtype=np.uint64)
        mixed += np.arange(BANDS, dtype=np.uint64) * _MIX[4]
    return _finalise(mixed)


def fingerprint_texts(texts: pa.Array | pa.ChunkedArray) -> Fingerprints:
    """Fingerprints of article bodies (not titles: an edited headline is still a reprint)."""
    words = body_words(texts)
    exact = [
        hashlib.blake2b(body.as_buffer(), digest_size=16).hexdigest() if n >= MIN_SHINGLES else None
        for body, n in zip(normalised_bodies(words), pc.list_value_length(words).to_pylist())
    ]
    flat = words.flatten()
    encoded = pc.dictionary_encode(flat)
    # Hash each distinct word once: a batch of 10k bodies has ~6M words but ~50k distinct.
    vocabulary = np.fromiter((hash64(w) for w in encoded.dictionary.to_pylist()), dtype=np.uint64, count=len(encoded.dictionary))
    word_hashes = vocabulary[encoded.indices.to_numpy(zero_copy_only=False)] if len(flat) else np.zeros(0, np.uint64)
    lengths = pc.list_value_length(words).to_numpy(zero_copy_only=False).astype(np.int64)
    signatures, sizes = fingerprint_word_hashes(word_hashes, lengths)
    return Fingerprints(exact=exact, signatures=signatures, sizes=sizes)


def fingerprint_word_hashes(word_hashes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """MinHash signatures of word shingles, from the documents' word hashes laid end to end.

    Also the benchmark's entry point: it makes history documents as word hashes directly,
    so a million of them need no text at all.
    """
    k = SHINGLE_WORDS
    total = len(word_hashes)
    n = max(total - (k - 1), 0)
    # sum of word_hash[i+j] * odd constant j (mod 2^64): uniform when the word hashes are,
    # and order-sensitive; in-place to avoid five temporaries of the batch's size.
    shingles = np.multiply(word_hashes[:n], _MIX[0])
    scratch = np.empty_like(shingles)
    for j in range(1, k):
        np.multiply(word_hashes[j : j + n], _MIX[j], out=scratch)
        shingles += scratch
    # A shingle is valid when its k words lie in one document: drop the last k-1 starts of each.
    valid = np.ones(total, dtype=bool)
    ends = np.cumsum(lengths)
    starts = ends - lengths
    for j in range(1, k):
        cut = ends - j
        valid[cut[cut >= starts]] = False
    shingles = shingles[valid[:n]]
    sizes = np.maximum(lengths - (k - 1), 0)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.uint64)
    if len(lengths) == 0:
        return np.zeros((0, NUM_PERM), np.uint32), sizes.astype(np.int32)
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(shingles, offsets, NUM_PERM, SEED)
    signatures = np.array(matrix.to_rows(), dtype=np.uint32).reshape(len(lengths), NUM_PERM)
    return signatures, sizes.astype(np.int32)


def similarity(sig_a: np.ndarray, size_a: np.ndarray, sig_b: np.ndarray, size_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Estimated Jaccard and containment |A∩B|/min(|A|,|B|) of row-aligned pairs.

    Containment follows from Jaccard and the set sizes: |A∩B| = J(|A|+|B|)/(1+J). It is
    what lets a truncated reprint (J≈0.5, containment≈1) match its original.
    """
    jaccard = (sig_a == sig_b).mean(axis=-1)
    size_a = size_a.astype(np.float64)
    size_b = size_b.astype(np.float64)
    inter = jaccard * (size_a + size_b) / (1 + jaccard)
    containment = np.minimum(inter / np.maximum(np.minimum(size_a, size_b), 1), 1.0)
    return jaccard, containment
