"""One table for `make bench`: every benchmark reports its figures as rows with a goal.

A row is either a comparison with a peer doing the same work in the same run (the figure is a
ratio: this machine shares its cores, so absolute times are noise and only a ratio measured
side by side means something), or an absolute figure whose goal the issue states in absolute
terms (p95 in ms, queries per page, MB). ``python -m bench`` prints the table at the end and
writes it to ``var/bench/results.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = ROOT / "var" / "bench" / "results.json"

# How many projects (and systems) the city has in this run: `make bench` 100,000,
# `make bench-quick` 10,000.
SCALE = int(os.environ.get("BENCH_SCALE", "100000"))


@dataclasses.dataclass(frozen=True)
class Row:
    """One measured figure with its goal. ``better`` says which way is good."""

    bench: str
    name: str
    value: float
    unit: str
    goal: float
    better: str  # "higher" or "lower"
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.value >= self.goal if self.better == "higher" else self.value <= self.goal

    def goal_text(self) -> str:
        return f"{'≥' if self.better == 'higher' else '≤'} {_number(self.goal)} {self.unit}"


ROWS: list[Row] = []


def _number(x: float) -> str:
    if x == 0 or abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def record(row: Row) -> Row:
    ROWS.append(row)
    print(f"  -> {row.name}: {_number(row.value)} {row.unit} (goal {row.goal_text()})")
    return row


def speed_vs_peer(
    bench: str,
    name: str,
    subject_s: float,
    peer_s: float,
    *,
    at_least: float,
    detail: str = "",
) -> Row:
    """The subject's speed as a multiple of its peer's (peer time / subject time): 2.0 means
    the subject does the same work in half the time. "At most 1.5× the peer's time" is
    ``at_least=1/1.5``."""
    detail = detail or f"subject {subject_s * 1e3:,.1f} ms, peer {peer_s * 1e3:,.1f} ms"
    return record(Row(bench, name, peer_s / subject_s, "× peer", at_least, "higher", detail))


def time_vs_peer(
    bench: str, name: str, subject_s: float, peer_s: float, *, at_most: float, detail: str = ""
) -> Row:
    """The subject's time as a multiple of its peer's (subject time / peer time)."""
    detail = detail or f"subject {subject_s * 1e3:,.1f} ms, peer {peer_s * 1e3:,.1f} ms"
    return record(Row(bench, name, subject_s / peer_s, "× peer time", at_most, "lower", detail))


def at_most(bench: str, name: str, value: float, goal: float, unit: str, detail: str = "") -> Row:
    return record(Row(bench, name, value, unit, goal, "lower", detail))


def at_least(bench: str, name: str, value: float, goal: float, unit: str, detail: str = "") -> Row:
    return record(Row(bench, name, value, unit, goal, "higher", detail))


def alternate(
    subject: Callable[[], Any], peer: Callable[[], Any], runs: int = 5
) -> tuple[float, float]:
    """Time ``subject`` and ``peer`` alternately ``runs`` times each (so a burst of load from
    elsewhere falls on both) and return the median time of each, in seconds."""
    subject_times: list[float] = []
    peer_times: list[float] = []
    for _ in range(runs):
        for fn, times in ((subject, subject_times), (peer, peer_times)):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
    return statistics.median(subject_times), statistics.median(peer_times)


def table(rows: list[Row] | None = None) -> str:
    rows = ROWS if rows is None else rows
    header = ("benchmark", "figure", "measured", "goal", "met", "detail")
    lines = [
        (
            r.bench,
            r.name,
            f"{_number(r.value)} {r.unit}",
            r.goal_text(),
            "yes" if r.met else "NO",
            r.detail,
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *lines, strict=False)]
    out = []
    for i, line in enumerate([header, *lines]):
        out.append("  ".join(str(x).ljust(w) for x, w in zip(line, widths, strict=True)).rstrip())
        if i == 0:
            out.append("  ".join("-" * w for w in widths))
    met = sum(r.met for r in rows)
    out.append(f"{met} of {len(rows)} goals met")
    return "\n".join(out)


def write(meta: dict[str, Any], path: Path = RESULTS_PATH) -> Path:
    """Write every row with the run's circumstances (database, scale, machine)."""
    from django.db import connection

    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "database": connection.vendor,
        "scale": SCALE,
        "machine": {
            "cpus": os.cpu_count(),
            "load": os.getloadavg(),
            "python": platform.python_version(),
        },
        **meta,
        "rows": [dataclasses.asdict(r) | {"met": r.met} for r in ROWS],
    }
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path
