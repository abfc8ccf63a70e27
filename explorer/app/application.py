"""GUI entry point (the main window lands with its own issue)."""

from __future__ import annotations


def run(args: list[str]) -> int:
    from ..core.estimate import estimate
    from ..core.report import plain_report
    from ..core.scenario import default_scenario

    print("GUI not built yet — here is the default scenario's estimate:\n")
    s = default_scenario()
    print(plain_report(s, estimate(s)))
    return 0
