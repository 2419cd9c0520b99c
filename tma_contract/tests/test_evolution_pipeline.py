# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The evolutions pipeline: evolutive tickets by where they stand, their
reserved units added up per contract."""

from datetime import timedelta

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .test_evolution import EvolutionCommon

PIPELINE = [
    "to_estimate",
    "awaiting",
    "approved",
    "in_progress",
    "in_acceptance",
    "accepted",
    "warranty",
]


@tagged("post_install", "-at_install")
class TestEvolutionPipeline(EvolutionCommon):
    def test_an_evolution_walks_the_pipeline(self):
        ticket = self._evolution()
        self.assertEqual(ticket.tma_evolution_state, "to_estimate")
        estimate = self._estimate(ticket)
        self.assertEqual(ticket.tma_evolution_state, "awaiting")
        self.assertEqual(ticket.tma_evolution_units_reserved, 0.0)
        estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        self.assertEqual(ticket.tma_evolution_state, "approved")
        self.assertEqual(ticket.tma_evolution_units_reserved, 3.0)
        ticket.stage_id = self.stage_work
        self.assertEqual(ticket.tma_evolution_state, "in_progress")
        delivery = self._deliver(estimate)
        self.assertEqual(ticket.tma_evolution_state, "in_acceptance")
        delivery.with_user(self.portal_a).sudo()._reject(self.contact_a, "Cut label")
        self.assertEqual(ticket.tma_evolution_state, "in_progress")
        self._deliver(estimate, 2.0).with_user(self.portal_a).sudo()._accept(
            self.contact_a
        )
        self.assertEqual(ticket.tma_evolution_state, "accepted")
        self.assertEqual(ticket.tma_evolution_units_reserved, 0.0)
        self.assertEqual(
            ticket.tma_evolution_warranty_end,
            estimate.date_done + timedelta(days=90),
        )
        defect = self._create_ticket(
            self.contract,
            tma_maintenance_type_id=self.corrective.id,
            tma_warranty_of_id=ticket.id,
        )
        self.assertEqual(ticket.tma_evolution_state, "warranty")
        defect.stage_id = self.stage_done
        self.assertEqual(ticket.tma_evolution_state, "accepted")

    def test_a_refused_estimate_sends_the_evolution_back_to_estimate(self):
        estimate = self._estimate()
        estimate.with_user(self.portal_a).sudo()._refuse(self.contact_a, "Too dear")
        self.assertEqual(estimate.ticket_id.tma_evolution_state, "to_estimate")

    def test_a_ticket_that_needs_no_estimate_is_no_evolution(self):
        corrective = self._create_ticket(
            self.contract, tma_maintenance_type_id=self.corrective.id
        )
        self.assertFalse(corrective.tma_evolution_state)
        evolution = self._evolution()
        self.contract.estimate_approval = False
        self.assertFalse(evolution.tma_evolution_state)

    def test_pipeline_columns_and_reserved_units_per_contract(self):
        other = self._create_contract(low_balance_threshold=0.0)
        self._add_book(other, 10)
        self._approved()
        self._approved(complexity="simple")
        self._estimate(self._evolution(contract=other))
        Ticket = self.env["helpdesk.ticket"]
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tma_contract.helpdesk_ticket_action_tma_evolution"
        )
        domain = [
            *safe_eval(action["domain"]),
            ("tma_contract_id", "in", (self.contract | other).ids),
        ]
        groups = Ticket.web_read_group(
            domain, ["tma_evolution_units_reserved:sum"], ["tma_evolution_state"]
        )["groups"]
        # Every column of the pipeline, empty ones included, in its order.
        self.assertEqual([g["tma_evolution_state"] for g in groups], PIPELINE)
        counts = {
            g["tma_evolution_state"]: g["tma_evolution_state_count"] for g in groups
        }
        self.assertEqual((counts["approved"], counts["awaiting"]), (2, 1))
        reserved = dict(
            Ticket._read_group(
                domain, ["tma_contract_id"], ["tma_evolution_units_reserved:sum"]
            )
        )
        self.assertEqual(reserved[self.contract], 4.0)
        self.assertEqual(reserved[self.contract], self.contract.units_reserved)
        self.assertEqual(reserved[other], 0.0)
        warranty = Ticket.search(
            [*domain, ("tma_evolution_warranty_end", ">=", "2000-01-01")]
        )
        self.assertFalse(warranty)
        corrective = self._create_ticket(
            self.contract, tma_maintenance_type_id=self.corrective.id
        )
        self.assertNotIn(corrective, Ticket.search(domain))
