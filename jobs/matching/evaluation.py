"""Ranking metrics of the evaluation command: nDCG@k (graded) and P@k."""

from __future__ import annotations

import math
from collections.abc import Sequence

# --- evaluation -----------------------------------------------------------------------------


def dcg(gains: Sequence[float]) -> float:
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at(ranked: Sequence[str], grades: dict[str, int], k: int = 10) -> float:
    """nDCG@k with graded gains 2^grade − 1 (unlisted pairs are grade 0)."""
    gains = [2 ** grades.get(jid, 0) - 1 for jid in ranked[:k]]
    ideal = sorted((2**g - 1 for g in grades.values()), reverse=True)[:k]
    best = dcg(ideal)
    return dcg(gains) / best if best > 0 else 0.0


def precision_at(
    ranked: Sequence[str], grades: dict[str, int], k: int = 5, relevant: int = 2
) -> float:
    """P@k counting grade ≥ ``relevant`` (2: a post the seeker would apply to) as relevant."""
    return sum(1 for jid in ranked[:k] if grades.get(jid, 0) >= relevant) / k
