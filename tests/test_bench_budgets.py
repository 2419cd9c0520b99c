# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The budgets' status of `bash setup/bench.sh large` (benchmarks/budgets.py):
how a figure is judged within or over its budget, and the table it is
printed in. Plain pytest tests: they need no database and time nothing."""

import importlib
import sys
from pathlib import Path

# The benchmark scripts import budgets.py from their folder; so does this test.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
BUDGETS = importlib.import_module("budgets")
WITHIN, OVER, UNKNOWN = BUDGETS.WITHIN, BUDGETS.OVER, BUDGETS.UNKNOWN


def test_limit_status_within_up_to_the_limit_over_beyond():
    assert BUDGETS.limit_status(0.149, 0.150) == WITHIN
    assert BUDGETS.limit_status(0.150, 0.150) == WITHIN
    assert BUDGETS.limit_status(0.151, 0.150) == OVER
    assert BUDGETS.limit_status(None, 0.150) == UNKNOWN


def test_flat_status_refuses_a_query_more_on_the_large_database():
    assert BUDGETS.flat_status(42, 42) == WITHIN
    assert BUDGETS.flat_status(42, 43) == OVER
    # A query fewer on the large database is not growth with the size.
    assert BUDGETS.flat_status(43, 42) == WITHIN
    assert BUDGETS.flat_status(None, 42) == UNKNOWN


def test_worst_status_over_beats_unknown_beats_within():
    assert BUDGETS.worst(WITHIN, WITHIN) == WITHIN
    assert BUDGETS.worst(WITHIN, UNKNOWN) == UNKNOWN
    assert BUDGETS.worst(UNKNOWN, OVER, WITHIN) == OVER


def test_proportional_status_judges_the_idle_run_and_the_time_per_item():
    # Same idle time and per-item cost on both sizes: proportional.
    assert BUDGETS.proportional_status(0.010, 0.012, 0.020, 0.022) == WITHIN
    # Idle run growing with the size (10 ms on the demo, 1 s on the large).
    assert BUDGETS.proportional_status(0.010, 1.0, 0.020, 0.020) == OVER
    # Each item due costing five times more on the large database.
    assert BUDGETS.proportional_status(0.010, 0.010, 0.020, 0.100) == OVER
    # Nothing could be made due on a size: only the idle run is judged.
    assert BUDGETS.proportional_status(0.010, 0.011, None, 0.5) == WITHIN
    assert BUDGETS.proportional_status(None, 0.011, 0.02, 0.02) == UNKNOWN


def test_proportional_status_tolerates_noise_on_tiny_figures():
    # 1 ms against 40 ms with nothing due is noise, not growth.
    assert BUDGETS.proportional_status(0.001, 0.040, None, None) == WITHIN
    assert BUDGETS.proportional_status(0.001, 0.060, None, None) == OVER


def test_seconds_in_ms_below_a_second():
    assert BUDGETS.seconds(0.0421) == "42 ms"
    assert BUDGETS.seconds(2.5) == "2.50 s"
    assert BUDGETS.seconds(None) == "-"


def test_table_is_markdown_with_right_aligned_figures():
    assert BUDGETS.table(["budget", "seconds:"], [["portal", "42 ms"]]) == (
        "| budget | seconds |\n|---|---:|\n| portal | 42 ms |"
    )
