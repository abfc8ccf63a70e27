"""Display precision: what a person reads claims no more than the model supports."""

from __future__ import annotations

import pytest

from explorer.core.physics import units


@pytest.mark.parametrize("value, shown", [
    (60.01, "60"), (6855.7, "6,900"), (161.7, "160"), (5.43, "5.4"), (0.0342, "0.034"), (999.6, "1,000"),
    (9.96, "10"), (0.0, "0"), (38220.0, "38,000"),
])
def test_speeds_have_two_significant_figures_and_no_exponent(value, shown):
    assert units.sig(value) == shown
    assert units.rate(value) == f"{shown} tokens/s"


@pytest.mark.parametrize("seconds, shown", [
    (0.0459, "46 ms"), (0.00618, "6.2 ms"), (0.000123, "120 µs"), (1.0, "1.0 s"), (0.9996, "1.0 s"),
    (75.0, "1.2 min"), (4000.0, "1.1 h"), (0.0009996, "1.0 ms"),
])
def test_times_have_two_significant_figures(seconds, shown):
    assert units.duration(seconds) == shown


def test_energy_and_money_have_two_significant_figures():
    assert units.energy(2.917) == "2.9 J" and units.energy(0.0123) == "12 mJ" and units.energy(1234.0) == "1.2 kJ"
    assert units.money(1.2345) == "$1.2" and units.money(1234.0) == "$1,200" and units.money(0.0342) == "$0.034"


def test_bytes_and_parameters_have_three():
    assert units.binary_bytes(3.56 * 2**30 + 1e6) == "3.56 GiB"
    assert units.si(999.7, "B") == "1.00 kB" and units.si(1.35e10, "B") == "13.5 GB"
    assert units.count(6.738e9) == "6.74 billion"


def test_a_limit_nothing_bounds_reads_unbounded():
    assert units.sig(float("inf")) == "unbounded" and units.rate(1e20) == "unbounded"
    assert units.duration(float("inf")) == "unbounded" and units.duration(1e18) == "unbounded"
    assert units.max_batch(1_000_000) == "unbounded" and units.max_batch(54) == "54"
