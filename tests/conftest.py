"""Shared test set-up: hypothesis profiles and paths.

CI runs the fixed-seed ``ci`` profile (derandomised, so every run tries the same cases); set
``CONSISTENCY_HYPOTHESIS=long`` for a longer exploratory run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("CONSISTENCY_HYPOTHESIS", "ci"))

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS
