# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class TmaDemo(models.AbstractModel):
    """Builds the demo through the real business methods (sale, books, tickets)."""

    _name = "tma.demo"
    _description = "TMA demo data builder"

    @api.model
    def _build(self):
        ref = self.env.ref
        today = fields.Date.context_today(self)
        grid = [
            fields.Command.create({"complexity": "simple", "units": 1.0}),
            fields.Command.create({"complexity": "medium", "units": 3.0}),
            fields.Command.create({"complexity": "complex", "units": 8.0}),
        ]
        scope = {
            "maintenance_type_ids": [
                fields.Command.set(
                    [
                        ref("tma_contract.maintenance_type_corrective").id,
                        ref("tma_contract.maintenance_type_evolutive").id,
                        ref("tma_contract.maintenance_type_assistance").id,
                    ]
                )
            ],
            "support_level_ids": [
                fields.Command.set(
                    [
                        ref("tma_contract.support_level_l2").id,
                        ref("tma_contract.support_level_l3").id,
                    ]
                )
            ],
            "team_ids": [fields.Command.set(ref("tma_contract.team_tma").ids)],
            "user_id": ref("base.user_admin").id,
        }
        # Alpha: ticket book, one book nearly exhausted, one expired.
        alpha = self._sell(
            ref("tma_contract.partner_alpha"), ref("tma_contract.product_pack_10"), 1
        )
        alpha.write(
            dict(
                scope,
                title="Alpha WMS maintenance",
                application_ids=[
                    fields.Command.set(ref("tma_contract.app_alpha_wms").ids)
                ],
                # Functional questions are out of scope: billed on top.
                maintenance_type_ids=[
                    fields.Command.set(
                        [
                            ref("tma_contract.maintenance_type_corrective").id,
                            ref("tma_contract.maintenance_type_evolutive").id,
                        ]
                    )
                ],
                out_of_scope_policy="bill",
                valuation_rule_ids=grid,
                overdraft_policy="allow",
                overdraft_limit=5.0,
                low_balance_threshold=4.0,
                monthly_volume=8.0,
                tacit_renewal=True,
                auto_renew=True,
                date_end=today + relativedelta(years=1),
            )
        )
        alpha.action_activate()
        alpha.book_ids._tma_engine().write(
            {"date_expiry": today + relativedelta(months=1)}
        )
        # A second order extends the contract with another book.
        self._sell(
            ref("tma_contract.partner_alpha"),
            ref("tma_contract.product_pack_10"),
            1,
            contract=alpha,
        )
        expired = self.env["tma.unit.book"].create(
            {
                "contract_id": alpha.id,
                "name": "Book carried over from 2025",
                "units": 5.0,
                "date_start": today - relativedelta(years=1, days=10),
                "date_expiry": today - relativedelta(days=10),
            }
        )
        expired._expire()
        tickets = self._tickets(
            alpha,
            ref("tma_contract.partner_alpha_contact"),
            [
                ("Stock moves stuck in waiting state", "complex", "corrective"),
                ("Add a carrier field on delivery slips", "simple", "evolutive"),
                ("How to reprint a picking list", "simple", "assistance"),
            ],
            ref("tma_contract.app_alpha_wms"),
        )
        # The first book is nearly exhausted: 9 of its 10 units are used; the
        # functional question is billed on its own line of the order.
        tickets._tma_record_consumption()
        # Beta: capped time and materials.
        beta = self._sell(
            ref("tma_contract.partner_beta"), ref("tma_contract.product_tma_regie"), 40
        )
        beta.write(
            dict(
                scope,
                title="Patient portal maintenance",
                application_ids=[
                    fields.Command.set(ref("tma_contract.app_beta_portal").ids)
                ],
                valuation_rule_ids=grid,
                # 20 hours a month at 2 units an hour; a quiet month leaves its
                # rest to the next two.
                monthly_volume=20.0,
                volume_uom="hours",
                units_per_hour=2.0,
                volume_carryover_months=2,
                overdraft_policy="allow",
                overdraft_limit=10.0,
            )
        )
        beta.action_activate()
        self._tickets(
            beta,
            ref("tma_contract.partner_beta_contact"),
            [
                ("Appointment reminders not sent", "medium", "corrective"),
                ("Export consultations to CSV", "complex", "evolutive"),
            ],
            ref("tma_contract.app_beta_portal"),
        )._tma_record_consumption()
        # Gamma: fixed price, fee invoiced by a recurring OCA contract.
        gamma = self._sell(
            ref("tma_contract.partner_gamma"), ref("tma_contract.product_forfait"), 1
        )
        gamma.write(
            dict(
                scope,
                title="Gamma ERP fixed-price maintenance",
                application_ids=[
                    fields.Command.set(ref("tma_contract.app_gamma_erp").ids)
                ],
                valuation_rule_ids=grid,
                date_end=today + relativedelta(years=3),
                notice_period_days=180,
            )
        )
        gamma.action_activate()
        self._tickets(
            gamma,
            ref("tma_contract.partner_gamma_contact"),
            [("Invoice numbering gap after upgrade", "medium", "corrective")],
            ref("tma_contract.app_gamma_erp"),
        )._tma_record_consumption()
        return True

    def _sell(self, partner, product, qty, contract=None):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "tma_contract_id": contract.id if contract else False,
                "order_line": [
                    fields.Command.create(
                        {"product_id": product.id, "product_uom_qty": qty}
                    )
                ],
            }
        )
        order.action_confirm()
        return order.tma_contract_id

    def _tickets(self, contract, contact, specs, application):
        types = {t.code: t for t in self.env["tma.maintenance.type"].search([])}
        return self.env["helpdesk.ticket"].create(
            [
                {
                    "name": name,
                    "description": f"<p>{name}</p>",
                    "partner_id": contact.id,
                    "team_id": self.env.ref("tma_contract.team_tma").id,
                    "tma_contract_id": contract.id,
                    "tma_application_id": application.id,
                    "tma_complexity": complexity,
                    "tma_maintenance_type_id": types[code].id,
                }
                for name, complexity, code in specs
            ]
        )
