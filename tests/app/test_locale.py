"""One locale policy for the whole window: under a German system locale the spin boxes show
"1,024" like the readouts (Python formatting), never "1.024" beside "1,024"."""

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QDoubleSpinBox, QSpinBox

from explorer.app.theme import apply_theme


def test_spin_boxes_and_readouts_agree_under_a_german_locale(make_window):
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    QLocale.setDefault(german)  # what Qt takes from LANG=de_DE.UTF-8
    assert german.toString(1024) == "1.024"  # the disagreement this guards against
    try:
        apply_theme(QApplication.instance())  # start-up, as run() does
        w = make_window()
        w.panels["workload"].batch.spin.setValue(1024)
        w.settle()
        assert w.panels["workload"].batch.spin.text().startswith("1,024")
        big = [b for b in w.findChildren(QAbstractSpinBox) if isinstance(b, (QSpinBox, QDoubleSpinBox))
               and b.isGroupSeparatorShown() and b.value() >= 1000]
        assert big  # the batch at least
        for b in big:
            whole = f"{int(b.value()):,}"  # Python's grouping, as the readouts use
            assert whole in b.text(), (b.objectName(), b.text(), whole)
        readouts = " ".join(v.text() for v in w.readouts.values.values())
        assert any(f"{n:,}" in readouts for n in range(1000, 100000)) or "," not in readouts
    finally:
        QLocale.setDefault(QLocale.c())
