# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The timers' planned INSERT and bulk UPDATE against the host's internals.

New timers are inserted in one statement and put in the record cache by hand
(``tma_contract/tools/bulk_sql.py``, whose docstring lists the private API
it uses). These tests fail loudly when the host stops behaving as that
module expects: the timers would silently go through the ORM's ``create``
(slow), or the cache would disagree with the database (wrong).
"""

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.tma_contract.tools import bulk_sql

from .common import MONDAY_10H, TmaSlaCommon

# The cached values of a new timer that the tickets and the plan read.
CACHED_FIELDS = [
    "ticket_id",
    "contract_id",
    "partner_id",
    "company_id",
    "team_id",
    "policy_id",
    "metric",
    "criticality",
    "status",
    "target_minutes",
    "start_date",
    "segment_start",
    "deadline",
    "used_seconds",
    "reached_date",
    "breach_notified",
    "create_uid",
]


@tagged("post_install", "-at_install")
@freeze_time(MONDAY_10H)
class TestTimerHostInternals(TmaSlaCommon):
    def test_timers_are_created_by_the_planned_insert(self):
        """No module overrides the timers' creation: the tickets' timers are
        inserted in bulk, not one ORM ``create`` per batch."""
        Timer = self.env["tma.sla.timer"]
        self.assertTrue(
            bulk_sql.can_create_rows(Timer, [{"metric": "resolution"}]),
            "tma.sla.timer's create or _create is overridden: the planned "
            "INSERT falls back to the ORM (see tma_contract/tools/bulk_sql.py)",
        )

    def test_new_timers_are_in_the_cache_as_in_the_database(self):
        """After the planned INSERT the ticket sees its timers and their
        values without a query, and each cached value is the stored one."""
        ticket = self._ticket("3")
        with self.assertQueryCount(0):
            timers = ticket.tma_sla_timer_ids
            self.assertEqual(len(timers), 4)
            cached = [[timer[fname] for fname in CACHED_FIELDS] for timer in timers]
            self.assertFalse(timers.fired_rule_ids)
        self.env.invalidate_all()
        stored = [[timer[fname] for fname in CACHED_FIELDS] for timer in timers]
        self.assertEqual(cached, stored)

    def test_a_bulk_update_is_seen_by_the_tickets_sla_status(self):
        """The bulk UPDATE of timers marks the tickets' SLA status to
        recompute, as an ORM write would."""
        ticket = self._ticket("3")
        self.assertEqual(ticket.tma_sla_status, "on_track")
        self.env["tma.sla.timer"]._write_rows(
            {timer: {"status": "met"} for timer in ticket.tma_sla_timer_ids}
        )
        self.assertEqual(ticket.tma_sla_status, "met")
