"""How numbers read (core.physics.units), each case written by hand: SI prefixes, durations,
data-sheet bandwidths, binary capacities, counts in words. Mutation testing found these
unguarded by the core's tests (only the GUI's screens showed them)."""

import pytest

from explorer.core.physics import units as u


@pytest.mark.parametrize("value, unit, text", [
    (1.35e10, "B", "13.5 GB"), (1.0, "s", "1.00 s"), (999.0, "", "999"), (1000.0, "FLOP", "1.00 kFLOP"),
    (0.0123, "s", "12.3 ms"), (2.5e-6, "s", "2.50 µs"), (3e-12, "s", "0.00300 ns"), (0.0, "B", "0 B"),
    (-2.0e9, "B", "-2.00 GB"), (None, "B", "—"), (float("inf"), "s", "—"), (float("nan"), "", "—"),
    (4.2e15, "FLOP", "4.20 PFLOP"), (7.2e18, "FLOP", "7,200 PFLOP"),
])
def test_si(value, unit, text):
    assert u.si(value, unit) == text


@pytest.mark.parametrize("seconds, text", [
    (0.0123, "12.3 ms"), (59.9, "59.9 s"), (60.0, "1 min"), (90.0, "1.5 min"), (3599.0, "60 min"),
    (3600.0, "1 h"), (5400.0, "1.5 h"), (None, "—"), (float("inf"), "—"),
])
def test_duration(seconds, text):
    assert u.duration(seconds) == text


@pytest.mark.parametrize("bps, text", [
    (1.008e12, "1,008 GB/s"), (819e9, "819 GB/s"), (999e9, "999 GB/s"), (1e12, "1,000 GB/s"),
    (3.35e12, "3,350 GB/s"), (99_999e9, "99,999 GB/s"), (1e14, "100 TB/s"), (1e17, "100 PB/s"), (0.0, "0 GB/s"),
    (None, "—"),
])
def test_bandwidth(bps, text):
    assert u.bandwidth(bps) == text


@pytest.mark.parametrize("n, text", [
    (24 * 2**30, "24.0 GiB"), (1.5 * 2**30, "1.50 GiB"), (512 * 2**10, "512 KiB"), (2**20, "1.00 MiB"),
    (2**40, "1.00 TiB"), (2**30 - 2**20, "1,023 MiB"), (1023, "1,023 B"), (None, "—"), (float("nan"), "—"),
])
def test_binary_bytes(n, text):
    assert u.binary_bytes(n) == text


@pytest.mark.parametrize("value, text", [
    (1e6, "1 million"), (10.5e9, "10.5 billion"), (999_999, "999,999"), (1.25e12, "1.25 trillion"),
    (2e15, "2 quadrillion"), (None, "—"),
])
def test_count(value, text):
    assert u.count(value) == text


def test_si_without_a_unit_is_a_bare_number():
    assert u.si(1500.0) == "1.50 k" and u.si(0.5) == "500 m" and u.si(1.0) == "1.00"


def test_si_digits():
    assert u.si_digits(0.7512) == "0.75" and u.si_digits(1234.0, 2) == "1,234" and u.si_digits(None) == "—"
