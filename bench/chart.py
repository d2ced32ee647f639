"""Draw docs/images/bench-chart.png from bench/results.json: a panel per benchmark, median, min-max.

Runs in the benchmark venv that has matplotlib (not a project dependency):
`python chart.py results.json ../docs/images/bench-chart.png`.
"""

from __future__ import annotations

import json
import statistics
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.ticker import EngFormatter

COLOURS = {"ours": "#2b7bba", "v1": "#e8833a", "raw": "#8c8c8c"}
NAMES = {"ours": "ours", "v1": "1.0.7", "raw": "raw httpx"}
# Headline rows: the ones with absolute values (ratios are in the table).
PANELS = [
    ("1.", "predictions.get overhead\nµs per call (lower is better)", {"raw": "raw httpx"}),
    ("2.", "import time, ms\n(raw = import httpx)", {"raw": "httpx"}),
    ("3.", "SSE events/s (higher is better)\n(raw = our parser alone)", {"raw": "parser"}),
    ("4.", "1,000 concurrent async_run\nwall time, s", {}),
    ("5.", "wait() completion lag, ms", {}),
    ("6.", "peak memory, 100 MiB upload, MiB", {}),
]


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    with open(source) as f:
        rows = json.load(f)["rows"]
    fig, axes = plt.subplots(2, 3, figsize=(13, 6.5))
    for ax, (prefix, title, renames) in zip(axes.flat, PANELS, strict=True):
        row = next((r for r in rows if r["name"].startswith(prefix)), None)
        ax.set_title(title, fontsize=10)
        if row is None:
            ax.text(0.5, 0.5, "not measured", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        impls = [i for i in ("ours", "v1", "raw") if row["samples"].get(i)]
        if not impls:
            ax.text(0.5, 0.5, "not available", ha="center", va="center", transform=ax.transAxes)
            ax.set_axis_off()
            continue
        medians = [statistics.median(row["samples"][i]) for i in impls]
        lows = [m - min(row["samples"][i]) for m, i in zip(medians, impls, strict=True)]
        highs = [max(row["samples"][i]) - m for m, i in zip(medians, impls, strict=True)]
        labels = [renames.get(i, NAMES[i]) for i in impls]
        bars = ax.barh(labels, medians, xerr=[lows, highs], color=[COLOURS[i] for i in impls],
                       capsize=3)
        ax.invert_yaxis()
        errors = next((r["samples"] for r in rows if r["name"].startswith(prefix)
                       and r["unit"] == "errors"), {})
        for bar, value, high, impl in zip(bars, medians, highs, impls, strict=True):
            text = f"{value:,.0f}" if value >= 100 else f"{value:.3g}"
            if errors.get(impl):
                text += f", {statistics.median(errors[impl]):.0f} errors"
            ax.text(value + high, bar.get_y() + bar.get_height() / 2, f"  {text}",
                    va="center", fontsize=9)
        ax.margins(x=0.35)
        if max(medians) >= 10_000:
            ax.xaxis.set_major_formatter(EngFormatter(sep=""))
        ax.tick_params(labelsize=9)
    fig.suptitle("replicate client benchmarks (medians, whiskers min-max)", fontsize=12)
    fig.tight_layout()
    fig.savefig(target, dpi=90)


if __name__ == "__main__":
    main()
