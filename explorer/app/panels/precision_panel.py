"""Precision: weight, KV-cache and compute formats — and what each really stores for π."""

from __future__ import annotations

from html import escape
import math

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout

from ...core.specs import presets
from ...core.state.edit_rules import weights_changes
from ...core.specs.formats import fp32_slowdown, multiplier_area_ratio
from ...core.engine.resolved import resolve
from ..widgets import note_label, set_quietly
from .base import Panel

HONEST_NOTE = ("Precision changes how many bytes each number takes and which peak rate the hardware "
               "offers — never how many multiply-adds the model performs.")
# The essay's π example across the ladder of precision, high to low.
PI_FORMATS = ("fp32", "bf16", "fp16", "fp8-e4m3", "fp8-e5m2", "int8", "q4_0", "int4")
TIPS = {
    "weights": "Format of the stored weights: sets the model's size in memory and the bytes read per token",
    "kv": "Format of the KV cache: sets bytes per cached token",
    "compute": "Format the matrix multiplies run in: selects the hardware's peak throughput",
}


class PrecisionPanel(Panel):
    fields = ("weights", "kv", "compute")
    shows = ("hardware", "runtime")  # the peak in use: the runtime's accumulate precision halves it on GeForce
    title = "Precision"

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        outer = QVBoxLayout(self)
        form = QFormLayout()
        outer.addLayout(form)
        for role, label in (("weights", "&Weights"), ("kv", "&KV cache"), ("compute", "Co&mpute")):
            box = QComboBox()
            box.setToolTip(TIPS[role])
            for key, fmt in presets.formats().items():
                if role in fmt.roles:
                    box.addItem(f"{escape(fmt.name)}  ({fmt.bits_per_weight:g} bits)", key)
                    box.setItemData(box.count() - 1, fmt.source, role=3)  # Qt.ToolTipRole
            box.currentIndexChanged.connect(lambda _i, r=role: self._picked(r))
            form.addRow(label, box)
            self.controls[role] = box
        self.pi = QLabel()
        self.pi.setWordWrap(True)
        self.pi.setToolTip("The essay's π example, computed: the value each chosen format actually stores")
        outer.addWidget(self.pi)
        self.note = note_label(HONEST_NOTE, small=False, rich=True)
        outer.addWidget(self.note)
        self.silicon = note_label(rich=True)
        outer.addWidget(self.silicon)
        outer.addStretch(1)
        self.refresh()

    def _picked(self, role: str) -> None:
        value = self.controls[role].currentData()
        if role == "weights":  # KV and compute follow the weights (core.edit_rules)
            s = self.store.scenario
            self.store.update(**weights_changes(s.weights, s.kv, s.compute, value))
        else:
            self.store.update(**{role: value})

    def refresh(self, what: frozenset = frozenset()) -> None:
        s = self.store.scenario
        for role in self.fields:
            set_quietly(self.controls[role], getattr(s, role))
        used = {}
        for role, tag in (("weights", "W"), ("kv", "KV"), ("compute", "C")):
            used.setdefault(getattr(s, role), []).append(tag)
        rows = []
        for fid in PI_FORMATS + tuple(f for f in used if f not in PI_FORMATS):
            fmt = presets.number_format(fid)
            d = fmt.describe_pi()
            tags = "/".join(used.get(fid, []))
            b0, b1 = ("<b>", "</b>") if tags else ("", "")
            rows.append(f"<tr><td>{b0}{escape(fmt.name)}{b1}</td><td align='right'>{fmt.bits_per_weight:g}</td>"
                        f"<td align='right'><tt>{b0}{d['stored']:.10g}{b1}</tt></td>"
                        f"<td align='right'>{d['relative_error']:.1e}</td><td>{tags}</td></tr>")
        self.pi.setText(
            f"<b>π = {math.pi:.11f}</b> as each format stores it (bold: in use as W = weights, "
            "KV = cache, C = compute; integers quantise a block whose largest value is 4: scale 4/qmax, "
            "GGUF Q4_0 as ggml does, d = max/−8):"
            "<table cellspacing='4'><tr><th align='left'>format</th><th>bits</th><th>stored</th>"
            "<th>rel. error</th><th></th></tr>" + "".join(rows) + "</table>")
        fp32, fp16 = presets.number_format("fp32"), presets.number_format("fp16")
        r = resolve(s)
        hw = s.hardware
        slow = fp32_slowdown(hw.tflops)
        if slow:
            factor, k16, _k32 = slow
            device = (f"On {escape(hw.name)} FP32 runs at {hw.tflops['fp32']:g} TFLOPS vs {hw.tflops[k16]:g} "
                      f"{k16.upper()} (dense): <b>{factor:.3g}× slower</b> — 1× on Apple GPUs, ~2× on GeForce, "
                      "~15× on H100 tensor cores.")
        else:
            device = f"{escape(hw.name)} does not list both an FP16 and an FP32 rate."
        fallback = ("" if not r.peak_is_fallback else
                    f" <b>{escape(hw.name)} lists no {r.compute.throughput_key.upper()} rate; using {r.peak_key.upper()}.</b>")
        self.silicon.setText(
            "The essay: FP16 → FP32 “quadruples” the compute. <b>As stated, not true:</b> the FLOP count is "
            f"unchanged and the bytes double. {device} Why chips differ: a multiplier's silicon grows with the "
            f"square of its significand — FP32 (24 bits) needs (24/11)² ≈ {multiplier_area_ratio(fp32, fp16):.1f}× "
            f"the area of FP16 (11 bits).{fallback} "
            f"In use: {r.compute.name} compute at {r.peak_flops / 1e12:,.4g} TFLOPS dense peak.")
