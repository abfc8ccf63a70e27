"""The Serving tab's four plots against load: latency (TTFT and ITL, p50 and p99, with the
latency target and the knee), throughput with goodput (this road's fundamental diagram), the
running batch and the admission queue, and KV-cache occupancy. Each is a PlotCard: A/B overlays
(the pinned scenario dashed), hover readouts and units come from the base. Simulation results
arrive as dots at their load (:meth:`ServingCard.set_sim`)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from ...core.physics.units import count, duration, rate, sig
from ...core.text.serving_words import limit_words, load_words
from ..plots.base import PlotCard, label_125, set_line_label
from ..theme import colour
from .data import ServingData, serving_data



def load_label(kind: str) -> tuple[str, str]:
    return ("concurrency", "clients") if kind == "concurrency" else ("arrival rate", "requests/s")


class ServingCard(PlotCard):
    """What the four cards share: the x axis is the load, a line marks the scenario's load and
    one the knee; subclasses name their curves in :meth:`series_of`."""

    default_log = (True, False)
    x_label, x_units = "concurrency", "clients"

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        self._kind = ""
        self.sim_points: list = []  # ServingPoint summaries of simulation runs (this scenario)
        self.now = pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("grey"), width=1))
        self.knee_line = pg.InfiniteLine(angle=90, pen=pg.mkPen(colour("vermillion"), width=1.5, style=Qt.PenStyle.DashLine),
                                         label="", labelOpts={"position": 0.92, "color": colour("vermillion"),
                                                              "anchors": [(1, 0), (1, 0)]})
        self.plot.addItem(self.now)
        self.plot.addItem(self.knee_line)
        # a log load axis spans 2–3 decades: its minor ticks are labelled at 1, 2 and 5 only
        label_125(self.plot.getPlotItem().getAxis("bottom"))
        self.build()
        self.redraw()

    # -- what a card draws ---------------------------------------------------------------------
    def build(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def series_of(self, d: ServingData) -> dict:
        """{curve key: y array over d.loads} of the steady-state model."""
        raise NotImplementedError

    def sim_of(self, p) -> dict:
        """{dot key: y} of one simulation summary."""
        return {}

    def extra(self, d: ServingData) -> list:
        """Further y values the range must show (target lines)."""
        return []

    # -- drawing ------------------------------------------------------------------------------
    @property
    def data(self) -> ServingData:
        return serving_data(self.store.scenario)

    def pinned_data(self, results) -> dict:
        d = serving_data(results.scenario)
        if d.scenario.load_kind != self.store.scenario.load_kind:  # A on another load axis: nothing to compare
            return {k: (np.zeros(0), np.zeros(0)) for k in self.series_of(d)}
        return {k: (d.loads, y) for k, y in self.series_of(d).items()}

    def set_sim(self, points: list) -> None:
        self.sim_points = list(points)
        self._draw_sim()

    def _draw_sim(self) -> None:
        xs = np.array([p.load for p in self.sim_points], float)
        for key in self.sim_keys:
            self.set_curve(key, xs, np.array([self.sim_of(p)[key] for p in self.sim_points], float))

    sim_keys: tuple[str, ...] = ()

    def redraw(self) -> None:
        d = self.data
        kind = d.scenario.load_kind
        if kind != self._kind:
            self._kind = kind
            self.plot.setLabel("bottom", *load_label(kind))
            self._apply_log(kind == "concurrency", self.log_y)  # clients: geometric points; a rate: linear
            self._range = None
        ys = []
        for key, y in self.series_of(d).items():
            self.set_curve(key, d.loads, y)
            ys.append(np.asarray(y, float))
        self._draw_sim()
        ys += self.draw_pinned()
        ys.append(np.asarray(self.extra(d), float))
        ys += [np.array([v for p in self.sim_points for v in self.sim_of(p).values()], float)]
        self.fit(d, np.concatenate([y[np.isfinite(y)] for y in ys]))
        self.now.setPos(self.view_xy(max(d.scenario.load, 1e-9), 1)[0])
        knee = d.knee
        self.knee_line.setVisible(knee.load > 0)
        if knee.load > 0:
            self.knee_line.setPos(self.view_xy(knee.load, 1)[0])
            set_line_label(self.knee_line, f"knee {count(knee.load)}")
        self.knee_line.setToolTip(knee_sentence(d))
        self.describe(d)

    def fit(self, d: ServingData, ys: np.ndarray) -> None:
        lo, hi = float(d.loads[0]), float(d.loads[-1])
        self.fit_view(d.loads, ys, y_floor=None if self.log_y else 0.0, exact_x=self.x_range(lo, hi))

    def x_range(self, lo: float, hi: float) -> tuple[float, float]:
        return (np.log10(lo), np.log10(hi)) if self.log_x else (lo, hi)

    def describe(self, d: ServingData) -> None:
        """The heading's detail (the figure at the scenario's load)."""


def knee_sentence(d: ServingData) -> str:
    k = d.knee
    s = d.scenario
    target = f"TTFT ≤ {duration(s.slo_ttft_ms / 1e3)}, TPOT ≤ {duration(s.slo_tpot_ms / 1e3)} at p{s.slo_percentile}"
    if k.load <= 0:
        return f"Even the lightest load misses the target ({target})."
    return (f"Knee: up to {load_words(s.load_kind, k.load)} meet the target ({target}); beyond, the "
            f"{limit_words(k.binding_limit)} binds.")


class LatencyCard(ServingCard):
    key = "serving_latency"
    title = "Latency vs load"
    y_label, y_units = "latency", "s"
    default_log = (True, True)
    sim_keys = ("sim_ttft_p50", "sim_ttft_p99", "sim_itl_p99")

    def build(self) -> None:
        self.add_curve("ttft_p50", "TTFT p50", "blue")
        self.add_curve("ttft_p99", "TTFT p99", "sky")
        self.add_curve("itl_p50", "ITL p50", "orange")
        self.add_curve("itl_p99", "ITL p99", "vermillion", width=1.5)
        self.add_curve("sim_ttft_p50", "simulated TTFT p50", "blue", dot=True)
        self.add_curve("sim_ttft_p99", "simulated TTFT p99", "sky", dot=True)
        self.add_curve("sim_itl_p99", "simulated ITL p99", "vermillion", dot=True)
        self.ttft_target = pg.InfiniteLine(angle=0, pen=pg.mkPen(colour("blue"), style=Qt.PenStyle.DotLine),
                                           label="", labelOpts={"position": 0.08, "color": colour("blue"),
                                                                "anchors": [(0, 1), (0, 1)]})
        self.tpot_target = pg.InfiniteLine(angle=0, pen=pg.mkPen(colour("orange"), style=Qt.PenStyle.DotLine),
                                           label="", labelOpts={"position": 0.08, "color": colour("orange"),
                                                                "anchors": [(0, 1), (0, 1)]})
        self.plot.addItem(self.ttft_target)
        self.plot.addItem(self.tpot_target)

    def series_of(self, d: ServingData) -> dict:
        c = d.curve
        return {"ttft_p50": c.ttft_p50, "ttft_p99": c.ttft_p99, "itl_p50": c.itl_p50, "itl_p99": c.itl_p99}

    def sim_of(self, p) -> dict:
        return {"sim_ttft_p50": p.ttft_p50, "sim_ttft_p99": p.ttft_p99, "sim_itl_p99": p.itl_p99}

    def extra(self, d: ServingData) -> list:
        return [d.scenario.slo_ttft_ms / 1e3, d.scenario.slo_tpot_ms / 1e3]

    def describe(self, d: ServingData) -> None:
        s = d.scenario
        for line, ms, name in ((self.ttft_target, s.slo_ttft_ms, "TTFT"), (self.tpot_target, s.slo_tpot_ms, "TPOT")):
            line.setPos(self.view_xy(1, ms / 1e3)[1])
            set_line_label(line, f"{name} target {duration(ms / 1e3)} (p{s.slo_percentile})")
        p = d.point
        self.set_heading(f"at {load_words(s.load_kind, s.load)}: TTFT p99 {duration(p.ttft_p99)} · ITL p99 {duration(p.itl_p99)}")
        self.heading.setToolTip(knee_sentence(d) + " TTFT: arrival to first token (queueing + prefill); ITL: the gap "
                                "between two tokens of one request; TPOT: (E2E − TTFT) ÷ (output − 1).")


class ThroughputCard(ServingCard):
    key = "serving_throughput"
    title = "Throughput vs load"
    y_label, y_units = "requests/s", ""  # the title says throughput; "throughput (requests/s)" did not fit a half-height card
    si_prefix = (True, False)
    sim_keys = ("sim_requests",)

    def build(self) -> None:
        self.add_curve("offered", "offered (open loop: λ)", "grey", width=1, dash=True)
        self.add_curve("requests", "throughput", "blue")
        self.add_curve("goodput", "goodput (meets the target)", "green")
        self.add_curve("sim_requests", "simulated throughput", "blue", dot=True)

    def series_of(self, d: ServingData) -> dict:
        c = d.curve
        out = {"requests": c.requests_per_s, "goodput": c.goodput_requests_per_s}
        out["offered"] = d.loads if d.scenario.load_kind == "rate" else np.full_like(d.loads, np.nan)
        return out

    def sim_of(self, p) -> dict:
        return {"sim_requests": p.requests_per_s}

    def describe(self, d: ServingData) -> None:
        p = d.point
        self.set_heading(f"{rate(p.output_tokens_per_s)} · {rate(p.requests_per_s, 'requests/s')} "
                         f"({sig(p.goodput_requests_per_s)} good)")
        self.heading.setToolTip("The road's fundamental diagram: completed requests per second against the load. "
                                "It rises while the batch grows and levels off at the admission capacity; goodput "
                                "counts only the requests meeting the latency target.")


class BatchCard(ServingCard):
    key = "serving_batch"
    title = "Running batch and queue"
    y_label, y_units = "requests", ""
    si_prefix = (True, False)
    sim_keys = ("sim_running",)

    def build(self) -> None:
        self.add_curve("capacity", "admission capacity", "vermillion", width=1, dash=True)
        self.add_curve("running", "running batch", "blue")
        self.add_curve("queue", "waiting for admission", "orange")
        self.add_curve("sim_running", "simulated batch", "blue", dot=True)

    def series_of(self, d: ServingData) -> dict:
        c = d.curve
        return {"capacity": np.full_like(d.loads, float(c.capacity_requests)), "running": c.mean_running,
                "queue": c.queue_length}

    def sim_of(self, p) -> dict:
        return {"sim_running": p.mean_running}

    def fit(self, d: ServingData, ys: np.ndarray) -> None:
        top = 2.2 * max(float(d.curve.capacity_requests), 1.0)  # the queue may run far above: keep the batch readable
        super().fit(d, np.clip(ys, 0, top))

    def describe(self, d: ServingData) -> None:
        p = d.point
        self.set_heading(f"batch {p.mean_running:.3g} of {count(d.curve.capacity_requests)} · queue "
                         f"{'grows without bound' if not np.isfinite(p.queue_length) else f'{p.queue_length:.3g}'}")
        self.heading.setToolTip("Continuous batching: requests join the running batch as they arrive, up to the "
                                "admission capacity (free KV blocks or the running-request limit); the rest wait.")


class KVCard(ServingCard):
    key = "serving_kv"
    title = "KV-cache occupancy"
    y_label, y_units = "KV blocks in use", "%"
    si_prefix = (True, False)
    sim_keys = ("sim_kv",)

    def build(self) -> None:
        self.add_curve("full", "all blocks", "vermillion", width=1, dash=True)
        self.add_curve("kv", "KV occupancy", "purple")
        self.add_curve("sim_kv", "simulated occupancy", "purple", dot=True)

    def series_of(self, d: ServingData) -> dict:
        return {"full": np.full_like(d.loads, 100.0), "kv": 100.0 * d.curve.kv_occupancy}

    def sim_of(self, p) -> dict:
        return {"sim_kv": 100.0 * p.kv_occupancy}

    def describe(self, d: ServingData) -> None:
        self.set_heading(f"{sig(100 * d.point.kv_occupancy)} % of the blocks")
        self.heading.setToolTip("Share of the KV cache's blocks held by running requests (time average).")
