"""The engine's share of a build: importing `nnla` (with NumPy), computing every value, drawing the figures."""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.site_copies import environment

__all__ = ["engine_share"]

ENGINE_PROBE = """
import json, time
start = time.perf_counter()
import nnla
imported = time.perf_counter()
try:
    from nnla_essay import registry as values
except ImportError:
    print(json.dumps({"skip": "nnla_essay.registry is missing"})); raise SystemExit
if not hasattr(values, "compute_all"):
    print(json.dumps({"skip": "nnla_essay.registry has no compute_all()"})); raise SystemExit
computed_start = time.perf_counter()
computed = values.compute_all()
computed_end = time.perf_counter()
figures = None
try:
    from nnla_essay.figures import draw_figure
except ImportError:
    pass
else:
    drawn_start = time.perf_counter()
    for value in computed.values():
        if value.kind == "trace" or (value.kind == "array" and len(value.shape) == 3):
            draw_figure(value, computed, f"nnla-{value.name}")
    figures = time.perf_counter() - drawn_start
print(json.dumps({"import": imported - start, "compute": computed_end - computed_start, "figures": figures,
                  "values": len(computed)}))
"""


def engine_share(runs: int, project: Path) -> dict[str, Any]:
    """Median time to import nnla (with NumPy), compute every value and draw the figures, in a fresh process.

    It runs in `project` (the site measured), whose own `nnla` and `proven_numbers` it imports.
    """
    samples = []
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-c", ENGINE_PROBE],
            capture_output=True,
            text=True,
            check=False,
            cwd=project,
            env=environment(True, project),
        )
        if result.returncode != 0:
            return {"skip": f"the engine failed: {(result.stdout + result.stderr).strip()[-500:]}"}
        sample = json.loads(result.stdout.strip().splitlines()[-1])
        if "skip" in sample:
            return dict(sample)
        samples.append(sample)
    summary: dict[str, Any] = {
        key: statistics.median(s[key] for s in samples) for key in ("import", "compute") if samples
    }
    figures = [s["figures"] for s in samples if s["figures"] is not None]
    summary["figures"] = statistics.median(figures) if figures else None
    summary["values"] = samples[0]["values"]
    summary["total"] = summary["import"] + summary["compute"] + (summary["figures"] or 0.0)
    return summary
