"""The load test (``bench/bench_load.py``) kept working: a few seconds of 8 reviewers at once
on a SQLite store and on PostgreSQL end with no error and no lost save or approval."""

from __future__ import annotations

import pytest

from bench.bench_load import run
from tests.conftest import TEST_HASHER


@pytest.mark.slow
def test_eight_reviewers_at_once_lose_nothing(review_url: str) -> None:
    tally = run(review_url, seconds=4, reviewers=8, questions=6, hasher=TEST_HASHER)
    assert tally.errors == []
    assert tally.saved and tally.approved  # it did save and approve, and all were found
    assert sum(tally.outcomes["wrong password"].values()) > 0
