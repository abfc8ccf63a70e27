"""Model: a preset architecture, every field editable; an edited preset becomes 'Custom (from …)'."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QLabel, QVBoxLayout

from ...core.specs import presets
from ...core.state.edit_rules import model_changes
from ...core.physics.memory import kv_bytes_per_token, state_bytes
from ...core.specs.model import SpecError
from ...core.physics.units import binary_bytes, count
from ..theme import themed
from ..widgets import field_box, note_label, set_quietly
from .base import Panel
from .preset_combo import PresetCombo

INT_FIELDS = (  # field, label, tooltip; ranges are the core's (core.state.field_ranges)
    ("layers", "Layers", "Transformer blocks (L): attention and MLP in each"),
    ("d_model", "Width d_model", "Hidden size"),
    ("heads", "Query heads", "Attention heads h: h·n² counts score entries, not work — at fixed d_model more heads "
                                              "are thinner (d_head = d_model/h), so attention FLOPs (4·h·d_head per pair) stay the same"),
    ("kv_heads", "KV heads", "Grouped-query attention: fewer KV heads shrink the KV cache, not the FLOPs"),
    ("head_dim", "Head dim", "Width of one head. Shown as the value in use; '(derived)' means "
                                        "d_model / heads — type a number to set it explicitly"),
    ("ffn", "FFN width", "MLP hidden width (per expert for MoE)"),
    ("vocab", "Vocabulary", "Tokens in the vocabulary: LM head is vocab × d_model"),
    ("max_context", "Trained context", "Longest context the model was trained for (marks the plots' range)"),
)
MOE_FIELDS = (
    ("experts", "Experts", "Routed experts per layer (0 = dense MLP)"),
    ("active_experts", "Active experts", "Experts each token is routed to (k)"),
    ("expert_ffn", "Expert FFN width", "MLP width of one expert"),
    ("shared_experts", "Shared experts", "Experts every token uses besides its routed ones (DeepSeek-style)"),
)


class ModelPanel(Panel):
    fields = ("model",)
    shows = ("kv",)
    title = "Model"

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        outer = QVBoxLayout(self)
        items = [(k, m.name) for k, m in presets.models().items()]
        self.preset = PresetCombo(items, "Model preset (architecture from its config.json / paper)",
                                  lambda key: self.store.update(model=presets.model(key)))
        outer.addWidget(self.preset)
        self.controls["model"] = self.preset
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        self.error = themed(note_label(), "error")
        outer.addWidget(self.error)

        arch = QGroupBox("Architecture")
        form = QFormLayout(arch)
        self.boxes: dict[str, object] = {}
        for field, label, tip in INT_FIELDS:
            self._add_int(form, field, label, tip)
        self.gated = QCheckBox("Gated MLP (SwiGLU: 3 matrices)")
        self.tied = QCheckBox("Tied input/output embeddings")
        for field, box in (("gated", self.gated), ("tied_embeddings", self.tied)):
            box.toggled.connect(lambda on, f=field: self._edit(**{f: bool(on)}))
            form.addRow(box)
            self.boxes[field] = box
        outer.addWidget(arch)

        moe = QGroupBox("Mixture of experts")
        mform = QFormLayout(moe)
        for field, label, tip in MOE_FIELDS:
            self._add_int(mform, field, label, tip)
        outer.addWidget(moe)

        att = QGroupBox("Attention")
        aform = QFormLayout(att)
        self.attention = QComboBox()
        for key, label in (("full", "Full (every pair: n²)"), ("sliding", "Sliding window (n·W)"),
                           ("linear", "Linear / recurrent (fixed state)")):
            self.attention.addItem(label, key)
        self.attention.setToolTip("Efficient architectures cut attention's quadratic cost")
        self.attention.currentIndexChanged.connect(lambda _i: self._edit(attention=self.attention.currentData()))
        aform.addRow("Variant", self.attention)
        self._add_int(aform, "window", "Window W", "Tokens each query sees on sliding layers")
        self.fraction = field_box("model.sliding_fraction", "Share of layers using the window (Gemma-2 alternates: 0.5)",
                                  step=0.05)
        self.fraction.valueChanged.connect(lambda v: self._edit(sliding_fraction=float(v)))
        aform.addRow("Sliding layers", self.fraction)
        self.boxes.update(attention=self.attention, sliding_fraction=self.fraction)
        outer.addWidget(att)
        outer.addStretch(1)
        self.refresh()

    def _add_int(self, form: QFormLayout, field: str, label: str, tip: str) -> None:
        box = field_box(f"model.{field}", tip)
        box.valueChanged.connect(lambda v, f=field: self._edit(**{f: int(v)}))
        form.addRow(label, box)
        self.boxes[field] = box

    def _edit(self, **changes) -> None:
        m = self.store.scenario.model
        changes = model_changes(m, changes)  # core's edit rules (a derived head_dim shown is no edit)
        if all(getattr(m, k) == v for k, v in changes.items()):
            return
        try:
            new = m.edited(**changes)
        except SpecError as exc:
            self.error.setText(f"Not applied: {exc}")
            self.refresh()  # the control goes back to the value the model keeps
            return
        self.error.setText("")
        if not self.store.update(model=new):
            self.refresh()  # refused by the scenario's rules (e.g. the device split): put it back

    def refresh(self, what: frozenset = frozenset()) -> None:
        m = self.store.scenario.model
        kv = self.store.scenario.kv
        self.preset.show_current(m.id, m.name)
        for field, box in self.boxes.items():
            set_quietly(box, m.hd if field == "head_dim" else getattr(m, field))
        self.boxes["head_dim"].setSuffix("" if m.head_dim else "  (derived)")
        per_token = kv_bytes_per_token(m, presets.number_format(kv))
        moe = f", {count(m.params_active)} active per token" if m.is_moe else ""
        kv_text = (f"fixed state {binary_bytes(float(state_bytes(m, presets.number_format(kv))))}"
                   if m.attention == "linear" else f"{binary_bytes(per_token)} per token ({kv.upper()})")
        self.summary.setText(f"<b>{count(m.params_total)}</b> parameters{moe}<br>KV cache: {kv_text}"
                             + (f"<br><small>Source: {escape(m.source)}</small>" if m.source else ""))
