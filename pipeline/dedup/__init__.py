"""Syndication-aware deduplication: every article joins a cluster with one original.

Layers: URL (courlan canonical form), exact (hash of the normalised body) and near
(MinHash LSH over word shingles, verified by Jaccard and containment). State lives in
the store (see state.py) and cluster columns are joined at query time (views.py), so an
older original arriving later re-points its cluster without rewriting article files.
"""

from pipeline.dedup.partition import DedupPlan, commit, dedup_and_commit, dedup_partition
from pipeline.dedup.state import DedupConflict, DedupError, unassigned

__all__ = ["DedupConflict", "DedupError", "DedupPlan", "commit", "dedup_and_commit", "dedup_partition", "unassigned"]
