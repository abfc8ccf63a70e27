"""Workload: prompt length, generation length, batch, KV cache on/off; and the serving load
(concurrency or rate), the spread of request lengths and the latency target (explorer.core.serving)."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton

from ...core.engine.estimate import saturated
from ...core.state.scenario import ScenarioError
from ..widgets import field_box, field_slider, set_quietly
from .base import Panel

SERVING_FIELDS = ("load_kind", "load", "burstiness", "think_s", "lengths", "length_spread", "slo_ttft_ms",
                  "slo_tpot_ms", "slo_percentile")
# field: (label, tooltip, suffix) of a number box; its range is the core's (field_range)
SERVING_BOXES = {
    "load": ("Load", "Concurrent clients (closed loop) or requests per second (open loop)", ""),
    "burstiness": ("Burstiness", "Open loop: coefficient of variation of the gaps between arrivals (1 = Poisson)", ""),
    "think_s": ("Think time", "Closed loop: seconds a client waits after a reply before its next request", " s"),
    "length_spread": ("Length spread", "Uniform: half-width ÷ mean; lognormal: std ÷ mean (prompt and generate "
                      "are the means)", ""),
    "slo_ttft_ms": ("Target TTFT", "Latency target: time to first token", " ms"),
    "slo_tpot_ms": ("Target TPOT", "Latency target: time per output token after the first", " ms"),
}


class WorkloadPanel(Panel):
    fields = ("prompt", "generate", "batch", "kv_cache") + SERVING_FIELDS
    title = "Workload"

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        s = store.scenario
        form = QFormLayout(self)
        self.prompt = field_slider("scenario.prompt", s.prompt, "tokens",
                                   "Prompt (context) length n: attention scores n² pairs per head")
        self.generate = field_slider("scenario.generate", s.generate, "tokens",
                                     "Tokens to generate, one decode step each")
        self.batch = field_slider("scenario.batch", s.batch, "seq",
                                  "Sequences decoded together: they share one read of the weights")
        self.kv_cache = QCheckBox("KV cache (reuse earlier keys/values)")
        self.kv_cache.setToolTip("Off: every new token re-runs the whole prefix — cumulative cost grows ~n³ instead of ~n²")
        form.addRow("&Prompt", self.prompt)
        form.addRow("&Generate", self.generate)
        self.batch_max = QPushButton("max")
        self.batch_max.setToolTip("The largest batch that fits in memory and the runtime schedules (steady "
                                  "in-flight batching): the same as --batch max")
        self.batch_max.clicked.connect(self._batch_max)
        batch_row = QHBoxLayout()
        batch_row.addWidget(self.batch, 1)
        batch_row.addWidget(self.batch_max)
        batch_label = QLabel("&Batch")
        batch_label.setBuddy(self.batch.spin)  # a row holding a layout gets no buddy of its own
        form.addRow(batch_label, batch_row)
        form.addRow("", self.kv_cache)
        self.controls = {"prompt": self.prompt, "generate": self.generate, "batch": self.batch,
                         "kv_cache": self.kv_cache}
        self._serving_controls(form)
        for name in ("prompt", "generate", "batch"):
            self.controls[name].valueChanged.connect(lambda v, n=name: self.store.update(**{n: int(v)}))
            # A drag previews live and leaves one undo entry ("Batch 1 → 8") when released.
            self.controls[name].slider.sliderPressed.connect(self.store.begin_gesture)
            self.controls[name].slider.sliderReleased.connect(self.store.end_gesture)
        self.kv_cache.toggled.connect(lambda on: self.store.update(kv_cache=bool(on)))
        self.refresh()

    def _serving_controls(self, form: QFormLayout) -> None:
        """Load, length spread and latency target: part of the saved state (the Serving view reads them)."""
        combos = {"load_kind": ("Load kind", (("Concurrency (closed loop)", "concurrency"), ("Rate (open loop)", "rate"))),
                  "lengths": ("Lengths", (("Fixed", "fixed"), ("Uniform", "uniform"), ("Lognormal", "lognormal"),
                                          ("Chat-like (ShareGPT shape)", "chat"))),
                  "slo_percentile": ("Target at", (("p50", 50), ("p90", 90), ("p99", 99)))}
        for name in SERVING_FIELDS:
            if name in combos:
                label, items = combos[name]
                box = QComboBox()
                for text, data in items:
                    box.addItem(text, data)
                box.currentIndexChanged.connect(lambda _i, n=name, b=box: self.store.update(**{n: b.currentData()}))
            else:
                label, tip, suffix = SERVING_BOXES[name]
                box = field_box(f"scenario.{name}", tip, suffix)
                box.setKeyboardTracking(False)
                box.valueChanged.connect(lambda v, n=name: self.store.update(**{n: float(v)}))
            form.addRow(label, box)
            self.controls[name] = box

    def _batch_max(self) -> None:
        try:
            self.store.update(batch=saturated(self.store.scenario).batch)
        except (ScenarioError, ValueError) as exc:  # nothing fits: say so, keep the batch
            self.store.rejected.emit(str(exc))

    def refresh(self, what: frozenset = frozenset()) -> None:
        s = self.store.scenario
        for name in ("prompt", "generate", "batch"):
            self.controls[name].setValue(getattr(s, name))
        set_quietly(self.kv_cache, s.kv_cache)
        for name in SERVING_FIELDS:
            set_quietly(self.controls[name], getattr(s, name))
