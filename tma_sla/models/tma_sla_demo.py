# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class TmaSlaDemo(models.AbstractModel):
    """Demo data that needs business logic (timers, cron runs, reports): built
    by code from the demo XML, through the same methods users trigger."""

    _name = "tma.sla.demo"
    _description = "TMA SLA demo data builder"

    @api.model
    def _build(self):
        ref = self.env.ref
        policy = ref("tma_sla.tma_sla_policy_standard")
        engineer = ref("tma_contract.user_tma_engineer")
        admin = ref("base.user_admin")
        ref("tma_contract.support_level_l2").user_ids = [
            fields.Command.link(engineer.id)
        ]
        ref("tma_contract.support_level_l3").user_ids = [fields.Command.link(admin.id)]
        Contract = self.env["tma.contract"]
        gamma = Contract.search(
            [("partner_id", "=", ref("tma_contract.partner_gamma").id)], limit=1
        )
        alpha = Contract.search(
            [("partner_id", "=", ref("tma_contract.partner_alpha").id)], limit=1
        )
        gamma.write(
            {
                "sla_policy_id": policy.id,
                "penalty_cap_type": "percent",
                "penalty_cap_percent": 10.0,
                "fee_amount": gamma.fee_amount or 3000.0,
                "penalty_rule_ids": [
                    fields.Command.create(
                        {"criticality": "blocking", "kind": "breach", "amount": 150.0}
                    ),
                    fields.Command.create(
                        {
                            "criticality": "blocking",
                            "metric": "resolution",
                            "kind": "hour",
                            "amount": 20.0,
                        }
                    ),
                    fields.Command.create(
                        {"criticality": "major", "kind": "breach", "amount": 50.0}
                    ),
                ],
            }
        )
        alpha.write({"sla_policy_id": policy.id, "sla_coverage": "24_7"})
        contact = ref("tma_contract.partner_gamma_contact")
        app = ref("tma_contract.app_gamma_erp")
        l1 = ref("tma_contract.support_level_l1")
        stage = {
            "new": ref("helpdesk_mgmt.helpdesk_ticket_stage_new"),
            "progress": ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress"),
            "awaiting": ref("helpdesk_mgmt.helpdesk_ticket_stage_awaiting"),
            "done": ref("helpdesk_mgmt.helpdesk_ticket_stage_done"),
        }

        def ticket(name, priority, **vals):
            return self.env["helpdesk.ticket"].create(
                dict(
                    {
                        "name": name,
                        "description": f"<p>{name}</p>",
                        "partner_id": contact.id,
                        "team_id": ref("tma_contract.team_tma").id,
                        "tma_contract_id": gamma.id,
                        "tma_application_id": app.id,
                        "tma_support_level_id": l1.id,
                        "priority": priority,
                        "category_id": ref("helpdesk_mgmt.helpdesk_category_1").id,
                    },
                    **vals,
                )
            )

        # Running: a fresh blocking incident.
        ticket("Payment run blocked by a locked journal", "3")
        # Paused: waiting on the client.
        waiting = ticket("Wrong VAT on credit notes", "2", user_id=engineer.id)
        waiting.stage_id = stage["progress"]
        waiting.message_post(
            body=self.env._("Could you send us an example of a credit note?"),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=engineer.partner_id.id,
        )
        waiting.stage_id = stage["awaiting"]
        # Met: acknowledged, answered, worked around and resolved in time.
        done = ticket("Customer statement shows old address", "1", user_id=engineer.id)
        done.stage_id = stage["progress"]
        done.message_post(
            body=self.env._("Fixed: the statement now reads the invoicing address."),
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            author_id=engineer.partner_id.id,
        )
        done.stage_id = stage["done"]
        # Breached, then escalated L1 → L2 → L3 by the policy's rules: an
        # incident opened ten business days ago and still open.
        late = ticket("Stock valuation report times out", "3")
        self._backdate(late, fields.Datetime.now() - timedelta(days=14))
        Timer = self.env["tma.sla.timer"]
        for _run in range(3):
            Timer._cron_check()
        # A penalty period for the month, validated (draft credit note).
        today = fields.Date.context_today(self)
        period = self.env["tma.sla.penalty.period"].create(
            {
                "contract_id": gamma.id,
                "date_from": today.replace(day=1),
                "date_to": today.replace(day=1) + relativedelta(months=1, days=-1),
            }
        )
        period.action_validate()
        # Monthly service reports: last month and the month so far.
        Report = self.env["tma.sla.service.report"]
        Report._generate_for(gamma, today.replace(day=1) - relativedelta(months=1))
        Report._generate_for(gamma, today.replace(day=1))
        return True

    @api.model
    def _backdate(self, tickets, moment):
        """Move tickets and their timers back in time (demo only)."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = %s WHERE id IN %s",
            (moment, tuple(tickets.ids)),
        )
        self.env.cr.execute(
            """UPDATE tma_sla_timer SET start_date = %s, segment_start = %s
                WHERE ticket_id IN %s AND status = 'running'""",
            (moment, moment, tuple(tickets.ids)),
        )
        self.env.invalidate_all()
        tickets.tma_sla_timer_ids._plan()
