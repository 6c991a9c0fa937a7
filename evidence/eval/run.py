"""Measure the duplicate-construction evidence on the labelled pairs (``pairs.json``).

    .venv/bin/python -m evidence.eval.run            # the settings in force
    .venv/bin/python -m evidence.eval.run --compare  # segmenters and rankings side by side

Every existing system and project of the file is indexed (the in-memory index ranks exactly
as the database's, see tests/evidence/test_index_and_scan.py); each new requirement is then
checked like a submission. For each labelled pair (a requirement and an existing system or project,
duplicate or not) it reports whether the pair is flagged as a possible duplicate (shown among
the closest ``SHOWN`` and similarity ≥ the threshold), and for each duplicate the rank of the
true match. Goals (issue): recall ≥ 0.9 with precision ≥ 0.7; the true match in the top 3 for
90 % of duplicates. ``--folds`` also picks the threshold on one half of the requirements and
reports the other half, so that the figure is not only a fit to this file.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..search import ranking, segment
from ..search.features import Features, build
from ..search.ranking import MemoryIndex

PAIRS = Path(__file__).resolve().parent / "pairs.json"
SHOWN = 5
GOALS = {"recall": 0.9, "precision": 0.7, "top3": 0.9}


@dataclass
class Result:
    """One labelled pair as the check saw it."""

    requirement: str
    target: str
    duplicate: bool
    rank: int  # 0: not among the matches at all
    similarity: float


def load(path: Path = PAIRS) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def features_of(entry: dict[str, Any]) -> Features:
    return build(
        name=entry["name"],
        body=[entry.get("text", "")],
        functions=entry.get("functions", []),
        items=entry.get("items", []),
    )


def evaluate(data: dict[str, Any]) -> list[Result]:
    """Index the existing entries, check every requirement, and read off each pair."""
    index = MemoryIndex()
    ids = {}
    for number, entry in enumerate(data["existing"], start=1):
        ids[number] = entry["id"]
        index.put(entry["kind"], number, {"id": entry["id"]}, features_of(entry))
    results = []
    for req in data["requirements"]:
        matches = ranking.rank(index, features_of(req), limit=len(ids), show_at=0.0)
        order = [m.meta["id"] for m in matches]
        sims = {m.meta["id"]: m.similarity for m in matches}
        for target in req["targets"]:
            tid = target["id"]
            position = order.index(tid) + 1 if tid in order else 0
            results.append(
                Result(req["id"], tid, target["duplicate"], position, sims.get(tid, 0.0))
            )
    return results


def flagged(r: Result, threshold: float) -> bool:
    return 0 < r.rank <= SHOWN and r.similarity >= threshold


def metrics(results: Iterable[Result], threshold: float) -> dict[str, float]:
    rows = list(results)
    tp = sum(1 for r in rows if r.duplicate and flagged(r, threshold))
    fp = sum(1 for r in rows if not r.duplicate and flagged(r, threshold))
    fn = sum(1 for r in rows if r.duplicate and not flagged(r, threshold))
    dups = [r for r in rows if r.duplicate]
    ranks = [r.rank for r in dups]
    return {
        "pairs": len(rows),
        "duplicates": len(dups),
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / (tp + fn) if tp + fn else 1.0,
        "top1": sum(1 for k in ranks if k == 1) / len(ranks) if ranks else 0.0,
        "top3": sum(1 for k in ranks if 0 < k <= 3) / len(ranks) if ranks else 0.0,
        "mean_rank": sum(k or 99 for k in ranks) / len(ranks) if ranks else 0.0,
        "threshold": threshold,
    }


def best_threshold(results: list[Result]) -> float:
    """The threshold with the best F1 on ``results`` (recall first on a tie)."""
    best, best_key = ranking.FLAG_AT, (-1.0, -1.0)
    for step in range(10, 70):
        t = step / 100
        m = metrics(results, t)
        p, r = m["precision"], m["recall"]
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if (f1, r) > best_key:
            best, best_key = t, (f1, r)
    return best


def folds(results: list[Result]) -> dict[str, float]:
    """Two folds by requirement: the threshold chosen on one half, measured on the other."""
    reqs = sorted({r.requirement for r in results})
    halves = [set(reqs[0::2]), set(reqs[1::2])]
    out: list[Result] = []
    chosen = []
    for train, test in ((halves[0], halves[1]), (halves[1], halves[0])):
        t = best_threshold([r for r in results if r.requirement in train])
        chosen.append(t)
        held = [r for r in results if r.requirement in test]
        out.extend(Result(r.requirement, r.target, r.duplicate, r.rank,
                          r.similarity if r.similarity >= t else 0.0) for r in held)  # fmt: skip
    m = metrics(out, 1e-9)
    m["threshold"] = sum(chosen) / 2
    return m


def report(label: str, m: dict[str, float]) -> str:
    return (
        f"{label:<34} pairs={m['pairs']} dup={m['duplicates']} "
        f"precision={m['precision']:.2f} recall={m['recall']:.2f} "
        f"top1={m['top1']:.2f} top3={m['top3']:.2f} mean_rank={m['mean_rank']:.2f} "
        f"threshold={m['threshold']:.2f}"
    )


def meets_goals(m: dict[str, float]) -> bool:
    return (
        m["recall"] >= GOALS["recall"]
        and m["precision"] >= GOALS["precision"]
        and m["top3"] >= GOALS["top3"]
    )


def compare(data: dict[str, Any]) -> None:
    """Segmenters × BM25 parameters, each with its best threshold and the one in force."""
    saved = (segment.MODE, ranking.K1, ranking.B)
    try:
        for mode in ("search", "precise", "rjieba", "bigram"):
            for k1, b in ((1.2, 0.5), (1.2, 0.75), (2.0, 0.75), (0.9, 0.3)):
                segment.MODE, ranking.K1, ranking.B = mode, k1, b
                results = evaluate(data)
                terms = sum(len(features_of(e).terms) for e in data["existing"])
                label = f"{mode} k1={k1} b={b} t/doc={terms / len(data['existing']):.0f}"
                print(report(label, metrics(results, best_threshold(results))))
    finally:
        segment.MODE, ranking.K1, ranking.B = saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--folds", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the pairs judged wrong")
    args = parser.parse_args(argv)
    data = load()
    if args.compare:
        compare(data)
        return 0
    results = evaluate(data)
    m = metrics(results, ranking.FLAG_AT)
    print(report(f"in force ({segment.MODE}, k1={ranking.K1}, b={ranking.B})", m))
    if args.folds:
        print(report("two folds, threshold held out", folds(results)))
    if args.misses:
        for r in results:
            if r.duplicate != flagged(r, ranking.FLAG_AT) or (r.duplicate and r.rank > 3):
                print(f"  {r.requirement}→{r.target} dup={r.duplicate} rank={r.rank} "
                      f"sim={r.similarity:.3f}")  # fmt: skip
    return 0 if meets_goals(m) else 1


if __name__ == "__main__":
    sys.exit(main())
