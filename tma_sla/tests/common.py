# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Fixtures of the tma_sla tests: a policy on the French business-hours
calendar shipped as data (Europe/Paris, 9:00-12:30 and 13:30-18:00 Monday to
Friday, French public holidays) with targets in round minutes."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo import Command, fields

from odoo.addons.tma_contract.tests.common import TmaCommon

# Monday 23 November 2026, 10:00 in Paris (UTC+1).
MONDAY_10H = "2026-11-23 09:00:00"
# The start of the tests' contract, before every date they freeze.
CONTRACT_START = date(2025, 1, 1)


def utc(text):
    return datetime.fromisoformat(text)


class TmaSlaCommon(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env.ref("tma_sla.resource_calendar_tma_fr")
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_awaiting = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.l1 = cls.env.ref("tma_contract.support_level_l1")
        cls.l2 = cls.env.ref("tma_contract.support_level_l2")
        cls.l3 = cls.env.ref("tma_contract.support_level_l3")
        cls.team_lead = cls._create_user("tma_lead_t", ["tma_contract.group_tma_user"])
        cls.team.user_id = cls.team_lead
        cls.l2.user_ids = [Command.set(cls.engineer.ids)]
        cls.l3.user_ids = [Command.set(cls.manager.ids)]

        def target(criticality, metric, minutes, level=None):
            return Command.create(
                {
                    "criticality": criticality,
                    "metric": metric,
                    "duration": minutes,
                    "duration_unit": "minute",
                    "support_level_id": level and level.id,
                }
            )

        cls.policy = cls.env["tma.sla.policy"].create(
            {
                "name": "Test policy",
                "calendar_id": cls.calendar.id,
                "pause_stage_ids": [Command.set(cls.stage_awaiting.ids)],
                "target_ids": [
                    target("blocking", "acknowledgement", 30),
                    target("blocking", "first_response", 60),
                    target("blocking", "workaround", 240),
                    target("blocking", "resolution", 480),
                    target("blocking", "resolution", 960, cls.l3),
                    target("major", "acknowledgement", 60),
                    target("major", "resolution", 1200),
                    target("minor", "resolution", 3000),
                ],
                "escalation_rule_ids": [
                    Command.create(
                        {
                            "metric": "resolution",
                            "trigger": "percent",
                            "percent": 75,
                            "level_id": cls.l2.id,
                        }
                    ),
                    Command.create(
                        {
                            "metric": "resolution",
                            "trigger": "breach",
                            "level_id": cls.l3.id,
                        }
                    ),
                ],
            }
        )
        # Started before every date the tests freeze their clocks at, so that
        # it is running on those dates whatever the day the tests run.
        cls.contract = cls._create_contract(
            mode="forfait",
            date_start=CONTRACT_START,
            sla_policy_id=cls.policy.id,
            user_id=cls.manager.id,
            support_level_ids=[Command.set((cls.l1 | cls.l2 | cls.l3).ids)],
        )

    @classmethod
    def _submitted_review(cls, contract, contact):
        """A review of ``contract`` held, its minutes submitted to ``contact``."""
        cls.env["tma.review.type"].create(
            {
                "name": "Comité opérationnel",
                "contract_id": contract.id,
                "next_date": fields.Datetime.now() + timedelta(days=2),
                "provider_user_ids": [Command.set(cls.manager.ids)],
                "client_partner_ids": [Command.set(contact.ids)],
            }
        )
        review = (
            cls.env["tma.review"]
            ._cron_schedule_reviews()
            .filtered(lambda r: r.contract_id == contract)
        )
        review.action_held()
        review.minutes = f"<p>Compte rendu {contract.partner_id.name}</p>"
        review.action_submit_minutes()
        return review

    @classmethod
    def _client_pages(cls, ticket_name, action_name):
        """What the client's service-level pages show, on ``cls.contract``
        (started on 1 January 2026): a ticket at L1, November's service
        report, an improvement action, a review whose minutes await the
        client, and the quarter's survey the cron opened."""
        cls.contract.date_start = date(2026, 1, 1)
        cls.ticket = cls._create_ticket(
            cls.contract, name=ticket_name, tma_support_level_id=cls.l1.id
        )
        cls.report = cls.env["tma.sla.service.report"]._generate_for(
            cls.contract, date(2026, 11, 1)
        )
        cls.action = cls.env["tma.improvement.action"].create(
            {
                "name": action_name,
                "contract_id": cls.contract.id,
                "date_due": fields.Date.today() + timedelta(days=15),
            }
        )
        cls.review = cls._submitted_review(cls.contract, cls.contact_a)
        with freeze_time("2026-10-02"):
            # The cron opens the quarter's survey of every running contract
            # (the demo's, started a year back, too): this one's.
            cls.survey = (
                cls.env["tma.satisfaction.survey"]
                ._cron_open_surveys()
                .filtered(lambda s: s.contract_id == cls.contract)
            )

    def _ticket(self, priority="3", **vals):
        vals.setdefault("tma_support_level_id", self.l1.id)
        return self._create_ticket(self.contract, priority=priority, **vals)

    def _timer(self, ticket, metric):
        return ticket.tma_sla_timer_ids.filtered(lambda t: t.metric == metric)
