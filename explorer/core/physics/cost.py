"""Energy and money.

Energy uses board power (TDP) × time: an upper bound, since memory-bound decode rarely draws
full TDP (measured draw is often 60–80 % of it). Price is per device-hour.
"""

from __future__ import annotations


def energy_joules(devices: int, tdp_w: float, seconds: float) -> float:
    return devices * tdp_w * seconds


def usd(devices: int, price_per_hour: float | None, seconds: float) -> float | None:
    if price_per_hour is None:
        return None
    return devices * price_per_hour * seconds / 3600.0


def per_million(total: float | None, tokens: float) -> float | None:
    if total is None or tokens <= 0:
        return None
    return total / tokens * 1e6
