"""Hardware: preset device, its editable figures, device count, parallel mode, efficiencies."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from ...core.specs import presets
from ...core.engine.resolved import resolve
from ..widgets import field_box, note_label, read_optional, set_optional, set_quietly
from .base import Panel
from .measure_box import MeasureBox
from .preset_combo import PresetCombo

TFLOPS_KEYS = ("fp32", "tf32", "fp16", "bf16", "fp8", "int8", "int4")
FIGURES = (  # field, label, suffix, tooltip; ranges are the core's (core.state.field_ranges)
    ("bandwidth_gbs", "Bandwidth", "GB/s", "Peak memory bandwidth (data sheet): decides decode speed"),
    ("memory_gib", "Memory", "GiB", "Memory capacity (unified memory: the whole machine's)"),
    ("tdp_w", "Power (TDP)", "W", "Board power; energy per token uses TDP × time (an upper bound)"),
    ("interconnect_gbs", "Link", "GB/s", "Device-to-device bandwidth per direction: to any peer on a "
                                                    "switched fabric (NVLink, PCIe), per link in a full mesh (MI300X)"),
    ("interconnect_latency_us", "Link latency", "µs", "One hop: a step of NCCL's ring all-reduce (2(N−1) per all-reduce)"),
)


class HardwarePanel(Panel):
    fields = ("hardware", "runtime", "devices", "parallel", "eta_compute", "eta_memory", "price_per_hour")
    shows = ()
    title = "Hardware"

    def __init__(self, store, parent=None):
        super().__init__(store, parent)
        outer = QVBoxLayout(self)
        items = [(k, f"{d.name}{'  ◆ unified' if d.unified_memory else ''}") for k, d in presets.hardware().items()]
        self.preset = PresetCombo(items, "Device preset; every figure is from its data sheet (see source below)",
                                  lambda key: self.store.update(hardware=presets.device(key)))
        outer.addWidget(self.preset)
        self.controls["hardware"] = self.preset
        self.runtime = QComboBox()
        self.runtime.setToolTip("The software running the model: same GPU, different runtime, different speed "
                                "(kernel efficiency, launch overhead, attention kernels, dequantization, batching)")
        self.runtime.addItem("Default runtime", None)
        for key, rt in presets.runtimes().items():
            self.runtime.addItem(rt.name, key)
        self.runtime.currentIndexChanged.connect(self._pick_runtime)
        row = QHBoxLayout()
        row.addWidget(QLabel("Runtime"))
        row.addWidget(self.runtime, 1)
        outer.addLayout(row)
        self.controls["runtime"] = self.runtime
        self.source = note_label()
        outer.addWidget(self.source)

        figs = QGroupBox("Figures (editable)")
        form = QFormLayout(figs)
        self.figure_boxes: dict[str, QDoubleSpinBox] = {}
        for field, label, suffix, tip in FIGURES:
            box = field_box(f"hardware.{field}", tip, suffix)
            box.valueChanged.connect(lambda v, f=field: self._edit(**{f: float(v)}))
            form.addRow(label, box)
            self.figure_boxes[field] = box
        self.tflops_boxes: dict[str, QDoubleSpinBox] = {}
        for key in TFLOPS_KEYS:
            tip = f"Dense peak {key.upper()} throughput (no sparsity)" + (
                ", accumulating in FP32 (GeForce cards run FP16 accumulation at twice this rate; the Precision "
                "panel and the formula inspector say which peak the runtime uses)" if key in ("fp16", "bf16") else "")
            box = field_box(f"hardware.tflops.{key}", tip,
                            "TFLOPS" if key.startswith(("fp", "tf", "bf")) else "TOPS", special="— not listed", step=0.1)
            box.valueChanged.connect(lambda _v, k=key: self._edit_tflops(k))
            form.addRow(f"Peak {key.upper()}", box)
            self.tflops_boxes[key] = box
        outer.addWidget(figs)

        run = QGroupBox("Deployment")
        rform = QFormLayout(run)
        self.devices = field_box("scenario.devices", "Devices the model is split across")
        self.devices.valueChanged.connect(lambda v: self.store.update(devices=int(v)))
        self.parallel = QComboBox()
        self.parallel.addItem("Tensor parallel (split every layer)", "tensor")
        self.parallel.addItem("Pipeline parallel (split the layers)", "pipeline")
        self.parallel.setToolTip("Tensor: faster per token, two all-reduces per layer. Pipeline: more memory, same latency.")
        self.parallel.currentIndexChanged.connect(lambda _i: self.store.update(parallel=self.parallel.currentData()))
        self.eta_compute = field_box("scenario.eta_compute", "Share of peak FLOP/s real kernels reach", special="default")
        self.eta_memory = field_box("scenario.eta_memory", "Share of peak bandwidth real kernels reach", special="default")
        self.price = field_box("scenario.price_per_hour", "Price per device-hour, USD", "$/h", special="— (preset)",
                               step=0.1)
        for name, box in (("eta_compute", self.eta_compute), ("eta_memory", self.eta_memory), ("price_per_hour", self.price)):
            box.valueChanged.connect(lambda _v, n=name, b=box: self.store.update(**{n: read_optional(b)}))
        rform.addRow("&Devices", self.devices)
        rform.addRow("Parallel", self.parallel)
        rform.addRow("η compute", self.eta_compute)
        rform.addRow("η memory", self.eta_memory)
        rform.addRow("Price", self.price)
        self.effective = note_label()
        rform.addRow(self.effective)
        outer.addWidget(run)
        self.measure = MeasureBox(self.store)
        outer.addWidget(self.measure)
        outer.addStretch(1)
        self.controls.update(devices=self.devices, parallel=self.parallel, eta_compute=self.eta_compute,
                             eta_memory=self.eta_memory, price_per_hour=self.price)
        self.refresh()

    # -- user edits -> store ---------------------------------------------------------------
    def _edit(self, **changes) -> None:
        hw = self.store.scenario.hardware
        if all(getattr(hw, k) == v for k, v in changes.items()):
            return
        try:
            self.store.update(hardware=hw.edited(**changes))
        except ValueError as exc:
            self.store.rejected.emit(str(exc))

    def _pick_runtime(self, _index: int) -> None:
        if not self.store.update(runtime=self.runtime.currentData()):
            self.refresh()  # refused (runs on other devices): show the runtime still in use

    def _edit_tflops(self, key: str) -> None:
        tflops = dict(self.store.scenario.hardware.tflops)
        v = read_optional(self.tflops_boxes[key])
        if v is None:
            tflops.pop(key, None)
        else:
            tflops[key] = v
        self._edit(tflops=tflops)

    # -- store -> widgets -----------------------------------------------------------------
    def refresh(self, what: frozenset = frozenset()) -> None:
        s = self.store.scenario
        hw = s.hardware
        self.preset.show_current(hw.id, hw.name)
        for field, box in self.figure_boxes.items():
            set_quietly(box, float(getattr(hw, field)))
        for key, box in self.tflops_boxes.items():
            set_optional(box, hw.tflops.get(key))
        default = presets.default_runtime(hw.category, hw.vendor)
        self.runtime.setItemText(0, f"Default: {default.name}")
        set_quietly(self.runtime, s.runtime)
        set_quietly(self.devices, s.devices)
        set_quietly(self.parallel, s.parallel)
        set_optional(self.eta_compute, s.eta_compute)
        set_optional(self.eta_memory, s.eta_memory)
        set_optional(self.price, s.price_per_hour)
        mark = "◆ Unified memory, shared by CPU and GPU. " if hw.unified_memory else ""
        self.source.setText(f"{mark}Source: {hw.source or '—'}")
        self.source.setToolTip("\n".join(f"{k}: {v}" for k, v in hw.sources.items()))
        try:
            r = resolve(s)
            price = f"${r.price_per_hour:g}/h" if r.price_per_hour is not None else "no price"
            self.effective.setText(f"In use: η compute {r.eta_compute:.2f}, η memory {r.eta_memory:.2f}, "
                                   f"usable {r.usable_bytes / 2**30:.0f} GiB per device, {price}.")
        except ValueError as exc:
            self.effective.setText(str(exc))
