"""The deployment search's rows as a table model (a view over the rows, no copies per cell): the
search's order in column #, sortable by any column through a proxy."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor

from ...core.physics.units import duration, sig
from ...core.specs import presets
from ...core.text.serving_words import limit_words

COLUMNS = ("#", "Device", "GPUs", "Weights", "KV", "Runtime", "Meets target", "$ / M output tokens", "tokens/s per GPU",
           "clients", "TTFT", "TPOT", "Binds")


@lru_cache(maxsize=256)
def device_name(hw_id: str) -> str:
    try:
        return presets.device(hw_id).name.replace("NVIDIA ", "").replace("AMD Instinct ", "")
    except Exception:  # noqa: BLE001 - an imported device: its ID is its name
        return hw_id


@lru_cache(maxsize=64)
def runtime_name(rt_id: str) -> str:
    """"vLLM", "TensorRT-LLM" rather than the profile's ID (an unknown ID as it is)."""
    rt = presets.runtimes().get(rt_id)
    return rt.name if rt is not None else rt_id


@lru_cache(maxsize=256)
def format_name(key: str, short: bool = False) -> str:
    try:
        name = presets.number_format(key).name
    except Exception:  # noqa: BLE001
        return key
    return name.split()[0] if short else name


def cell(i: int, r, column: int):
    """(shown text, sort value) of row ``r`` (the search's ``i``-th) in ``column``."""
    usd = r.usd_per_million_output_tokens
    values = (i + 1, device_name(r.hardware), r.devices, format_name(r.weights), format_name(r.kv), runtime_name(r.runtime),
              "yes" if r.meets_slo else "no", usd, r.tokens_per_s_per_gpu, r.concurrency, r.ttft_s, r.tpot_s,
              limit_words(r.binding_limit))
    v = values[column]
    if column == 7:
        return ("—" if v is None else sig(v)), (float("inf") if v is None else v)
    if column in (10, 11):
        return duration(v), v
    if column == 8:
        return sig(v), v
    if column == 9:
        return f"{v:,.0f}", v
    return str(v), v


class PlanTableModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []
        self.grey = QColor("#7F7F7F")

    def set_rows(self, rows: list, grey: str | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        if grey:
            self.grey = QColor(grey)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return cell(index.row(), r, index.column())[0]
        if role == Qt.ItemDataRole.UserRole:
            return cell(index.row(), r, index.column())[1]
        if role == Qt.ItemDataRole.ForegroundRole and not r.meets_slo:
            return self.grey
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() in (0, 2, 7, 8, 9, 10, 11):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None


def sorted_view(model: PlanTableModel) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(Qt.ItemDataRole.UserRole)  # numbers sort as numbers
    return proxy
