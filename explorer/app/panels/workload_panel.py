"""Workload: prompt length, generation length, batch, KV cache on/off."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QHBoxLayout, QLabel, QPushButton

from ...core.engine.estimate import saturated
from ...core.state.scenario import ScenarioError
from ..widgets import field_slider, set_quietly
from .base import Panel


class WorkloadPanel(Panel):
    fields = ("prompt", "generate", "batch", "kv_cache")
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
        for name in ("prompt", "generate", "batch"):
            self.controls[name].valueChanged.connect(lambda v, n=name: self.store.update(**{n: int(v)}))
            # A drag previews live and leaves one undo entry ("Batch 1 → 8") when released.
            self.controls[name].slider.sliderPressed.connect(self.store.begin_gesture)
            self.controls[name].slider.sliderReleased.connect(self.store.end_gesture)
        self.kv_cache.toggled.connect(lambda on: self.store.update(kv_cache=bool(on)))
        self.refresh()

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
