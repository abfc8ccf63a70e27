"""Kernel-size physics: on one chip, the model's error must not trend with model size.

Before the per-kernel time τ, one bandwidth share per chip fitted the many 7B rows and left the
M2 Ultra's 70B decode 21–24 % too slow: the error fell with size (slope of log error vs log size
−0.13). With bytes ÷ (bandwidth·η) + kernels·τ the slope over the same rows stays within ±0.05.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from explorer.core.features.validation import validate_text
from explorer.core.specs import presets
from explorer.resources import path as resource_path


@pytest.fixture(scope="module")
def rows():
    return validate_text(resource_path("validation", "published_measurements.csv").read_text(encoding="utf-8"))


@pytest.mark.parametrize("chip", ["m2-ultra"])
def test_decode_error_does_not_trend_with_model_size_on_one_chip(rows, chip):
    mine = [r for r in rows if r.fields["hardware"].startswith(chip) and r.metric == "decode_tokens_per_s"]
    sizes = {presets.model(r.fields["model"]).params_total for r in mine}
    assert len(sizes) >= 3, "needs rows of at least three model sizes"  # 7B, 13B, 70B (dataset D)
    x = np.array([math.log(presets.model(r.fields["model"]).params_total) for r in mine])
    y = np.array([math.log(r.predicted / r.measured) for r in mine])
    # Least-squares slope by hand: cov(x, y) / var(x).
    slope = float(((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum())
    assert abs(slope) <= 0.05, f"{chip}: log error falls {slope:+.3f} per e-fold of model size"
