# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Evolutive work: the estimate, the client's approval (a party's act), the
units reserved on the books, the delivery and its acceptance, the warranty."""

import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import TmaCommon


class EvolutionCommon(TmaCommon):
    """A ticket book contract of client A with a book of 10 units, and the
    steps of an evolution (the portal's tests reuse them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.evolutive = cls.env.ref("tma_contract.maintenance_type_evolutive")
        cls.corrective = cls.env.ref("tma_contract.maintenance_type_corrective")
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_work = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress")
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.contract = cls._create_contract(low_balance_threshold=0.0)
        cls.book = cls._add_book(cls.contract, 10)

    def _evolution(self, complexity="medium", contract=None, **vals):
        return self._create_ticket(
            contract or self.contract,
            complexity=complexity,
            name="Add a carrier field",
            tma_maintenance_type_id=self.evolutive.id,
            stage_id=self.stage_new.id,
            **vals,
        )

    def _estimate(self, ticket=None, send=True, **vals):
        ticket = ticket or self._evolution()
        estimate = self.env["tma.evolution.estimate"].create(
            dict({"ticket_id": ticket.id, "complexity": "medium"}, **vals)
        )
        if send:
            estimate.action_send()
        return estimate

    def _approved(self, **vals):
        estimate = self._estimate(**vals)
        estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        return estimate

    def _evidence(self):
        return self.env["ir.attachment"].create(
            {"name": "signed.pdf", "raw": b"signed", "res_model": "res.partner"}
        )

    def _deliver(self, estimate, units=None):
        vals = {"estimate_id": estimate.id}
        if units is not None:
            vals["units"] = units
        return self.env["tma.evolution.delivery"].create(vals)


@tagged("post_install", "-at_install")
class TestEvolution(EvolutionCommon):
    # ------------------------------------------------------------------
    # Estimate
    # ------------------------------------------------------------------
    def test_estimate_is_valued_with_the_grid_and_sent(self):
        estimate = self._estimate(send=False)
        self.assertEqual(estimate.units, 3.0)
        self.assertEqual(estimate.contract_id, self.contract)
        self.assertEqual(estimate.state, "draft")
        estimate.action_send()
        self.assertEqual(estimate.state, "sent")
        self.assertEqual(estimate.ticket_id.tma_evolution_state, "awaiting")

    def test_estimate_lines_make_its_units_and_off_grid_needs_a_justification(self):
        estimate = self._estimate(
            send=False,
            method="free",
            line_ids=[
                Command.create({"name": "Export", "units": 2.0}),
                Command.create({"name": "Checks", "units": 1.5}),
            ],
        )
        self.assertEqual(estimate.units, 3.5)
        with self.assertRaisesRegex(UserError, "justification"):
            estimate.action_send()
        estimate.justification = "A job and a week of checks."
        estimate.action_send()
        self.assertEqual(estimate.state, "sent")
        with self.assertRaises(UserError):
            estimate.line_ids[0].units = 0.5
        with self.assertRaises(UserError):
            estimate.units = 1.0

    def test_new_estimate_supersedes_the_previous_one(self):
        first = self._estimate()
        second = self._estimate(ticket=first.ticket_id, complexity="complex")
        self.assertEqual(first.state, "superseded")
        self.assertEqual(second.state, "sent")
        with self.assertRaises(UserError):
            first.with_user(self.portal_a).sudo()._approve(self.contact_a)

    def test_new_estimate_replaces_an_approved_one_on_its_approval(self):
        first = self._approved()
        self.assertEqual(self.contract.units_reserved, 3.0)
        second = self._estimate(ticket=first.ticket_id, complexity="complex")
        self.assertEqual(first.state, "approved")
        second.with_user(self.portal_a).sudo()._approve(self.contact_a)
        self.assertEqual(first.state, "superseded")
        self.env.invalidate_all()
        self.assertEqual(self.contract.units_reserved, 8.0)

    # ------------------------------------------------------------------
    # Approval: the client's act
    # ------------------------------------------------------------------
    def test_work_before_approval_is_refused(self):
        ticket = self._evolution()
        with self.assertRaisesRegex(UserError, "approved by the client"):
            ticket.stage_id = self.stage_work
        estimate = self._estimate(ticket=ticket)
        with self.assertRaisesRegex(UserError, "approved by the client"):
            ticket.stage_id = self.stage_work
        estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        ticket.stage_id = self.stage_work
        self.assertEqual(ticket.stage_id, self.stage_work)
        with self.assertRaisesRegex(UserError, "accepted its delivery"):
            ticket.stage_id = self.stage_done

    def test_approval_is_needed_only_where_the_contract_and_type_say(self):
        corrective = self._create_ticket(
            self.contract, tma_maintenance_type_id=self.corrective.id
        )
        corrective.stage_id = self.stage_work
        self.assertFalse(corrective.tma_needs_estimate)
        free = self._create_contract(estimate_approval=False)
        ticket = self._evolution(contract=free)
        self.assertFalse(ticket.tma_needs_estimate)
        ticket.stage_id = self.stage_work
        self.evolutive.requires_estimate = False
        self.assertFalse(self._evolution().tma_needs_estimate)

    def test_client_approval_reserves_units_and_is_journaled(self):
        estimate = self._estimate()
        before = self._ledger_state(self.contract)
        entry = (
            estimate.with_user(self.portal_a)
            .sudo()
            ._approve(self.contact_a, po_reference=" PO-42 ")
            .tma_act_journal_id
        )
        self.assertEqual(estimate.state, "approved")
        self.assertEqual(estimate.po_reference, "PO-42")
        self.assertEqual(estimate.approved_by_id, self.portal_a)
        self.assertEqual(estimate.tma_act_partner_id, self.contact_a)
        self.assertEqual(entry.code, "estimate_approval")
        self.assertEqual(entry.contract_id, self.contract)
        # Reserved, not consumed: the ledger did not move.
        self.assertEqual(self._ledger_state(self.contract), before)
        self.assertEqual(self.contract.units_reserved, 3.0)
        self.assertEqual(self.contract.units_available, 7.0)
        self.assertEqual(estimate.units_reserved, 3.0)
        self.assertLedgerConsistent(self.contract)

    def test_a_second_approval_is_refused(self):
        estimate = self._approved()
        with self.assertRaisesRegex(UserError, "does not await approval"):
            estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        with self.assertRaisesRegex(UserError, "does not await approval"):
            estimate.with_user(self.portal_a).sudo()._refuse(self.contact_a)
        self.assertEqual(
            self.env["tma.act.journal"].search_count(
                [("res_model", "=", estimate._name), ("res_id", "=", estimate.id)]
            ),
            1,
        )

    def test_approval_beyond_the_available_balance_is_refused(self):
        self._approved()  # 3 of 10 reserved
        big = self._estimate(complexity="complex")  # 8
        with self.assertRaisesRegex(UserError, "7.0 units available"):
            big.with_user(self.portal_a).sudo()._approve(self.contact_a)
        self.assertEqual(big.state, "sent")
        self.assertFalse(big.tma_act_journal_id)
        self.assertEqual(self.contract.units_reserved, 3.0)

    def test_overdraft_rules_apply_to_the_available_balance(self):
        self.contract.write({"overdraft_policy": "allow", "overdraft_limit": 1.0})
        self._approved()  # 3 reserved, 7 available
        self._approved(complexity="complex")  # 8: 1 beyond, within the limit
        self.env.invalidate_all()
        self.assertEqual(self.contract.units_available, -1.0)
        with self.assertRaisesRegex(UserError, "overdraft limit"):
            self._approved(complexity="simple")

    def test_consumptions_keep_off_the_reserved_units(self):
        self._approved(complexity="complex")  # 8 of 10 reserved
        corrective = self._create_ticket(self.contract, complexity="medium")
        before = self._ledger_state(self.contract)
        with self.assertRaisesRegex(UserError, "not enough units"):
            corrective._tma_record_consumption()
        self.assertEqual(self._ledger_state(self.contract), before)
        small = self._create_ticket(self.contract, complexity="simple")
        small._tma_record_consumption()
        self.assertLedgerConsistent(self.contract)
        self.assertEqual(self.contract.units_available, 1.0)

    def test_approval_by_others_is_refused(self):
        estimate = self._estimate()
        for user, partner in (
            (self.portal_b, self.contact_b),
            (self.engineer, self.contact_a),
            (self.manager, self.contact_a),
        ):
            with self.assertRaises(UserError):
                estimate.with_user(user).sudo()._approve(partner)
        with self.assertRaises(AccessError):
            estimate.with_user(self.portal_b).read(["units"])
        with self.assertRaisesRegex(UserError, "reason"):
            estimate.with_user(self.manager).sudo()._approve(
                None, on_behalf_reason=" ", evidence=self._evidence()
            )
        self.assertEqual(estimate.state, "sent")

    def test_manager_records_the_approval_on_behalf_with_evidence(self):
        estimate = self._estimate()
        wizard = (
            self.env["tma.act.on.behalf"]
            .with_user(self.manager)
            .create(
                {
                    "res_model": estimate._name,
                    "res_id": estimate.id,
                    "act": "approve",
                    "on_behalf_reason": "Approved by email on Monday.",
                    "evidence": base64.b64encode(b"mail").decode(),
                    "evidence_name": "mail.eml",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(estimate.state, "approved")
        self.assertIn("on behalf of", estimate.tma_act_recorded_as)
        self.assertTrue(estimate.tma_act_evidence_id)

    def test_nobody_edits_the_act(self):
        estimate = self._approved()
        with self.assertRaises(UserError):
            estimate.write({"po_reference": "forged"})
        with self.assertRaises(UserError):
            estimate.sudo().write({"approved_by_id": self.manager.id})
        with self.assertRaises(AccessError):
            estimate.write({"state": "sent"})
        with self.assertRaises(UserError):
            estimate.unlink()

    def test_refusal_and_cancellation_release_the_units(self):
        refused = self._estimate()
        refused.with_user(self.portal_a).sudo()._refuse(self.contact_a, "Too dear")
        self.assertEqual(refused.state, "refused")
        self.assertEqual(refused.refusal_comment, "Too dear")
        approved = self._approved()
        self.assertEqual(self.contract.units_reserved, 3.0)
        approved.action_cancel()
        self.env.invalidate_all()
        self.assertEqual(self.contract.units_reserved, 0.0)
        self.assertEqual(self.contract.units_available, 10.0)
        with self.assertRaises(UserError):
            approved.action_send()

    # ------------------------------------------------------------------
    # Delivery and acceptance
    # ------------------------------------------------------------------
    def test_delivery_beyond_the_estimate_needs_a_new_approval(self):
        estimate = self._approved()
        with self.assertRaisesRegex(UserError, "new estimate"):
            self._deliver(estimate, 4.0)
        with self.assertRaisesRegex(UserError, "not approved"):
            self._deliver(self._estimate())

    def test_acceptance_consumes_the_delivered_units_and_releases_the_rest(self):
        estimate = self._approved()
        delivery = self._deliver(estimate, 2.0)
        self.assertEqual(estimate.ticket_id.tma_evolution_state, "in_acceptance")
        delivery.with_user(self.portal_a).sudo()._accept(self.contact_a)
        self.assertEqual(delivery.state, "accepted")
        self.assertEqual(estimate.state, "accepted")
        self.assertEqual(estimate.date_done, fields.Date.today())
        self.assertEqual(delivery.entry_id.consumed_units, 2.0)
        self.assertEqual(delivery.entry_id.ticket_id, estimate.ticket_id)
        self.env.invalidate_all()
        self.assertEqual(self.contract.balance, 8.0)
        self.assertEqual(self.contract.units_reserved, 0.0)
        self.assertEqual(self.contract.units_available, 8.0)
        self.assertLedgerConsistent(self.contract)
        # The ticket closes now, without counting twice.
        estimate.ticket_id.stage_id = self.stage_done
        self.assertEqual(self.contract.balance, 8.0)
        self.assertEqual(delivery.tma_act_journal_id.code, "delivery_acceptance")

    def test_rejection_sends_the_ticket_back_to_work(self):
        estimate = self._approved()
        estimate.ticket_id.stage_id = self.stage_work
        estimate.ticket_id.stage_id = self.stage_new
        delivery = self._deliver(estimate)
        with self.assertRaisesRegex(UserError, "anomalies"):
            delivery.with_user(self.portal_a).sudo()._reject(self.contact_a, " ")
        delivery.with_user(self.portal_a).sudo()._reject(self.contact_a, "Label cut")
        self.assertEqual(delivery.state, "rejected")
        self.assertEqual(delivery.anomalies, "Label cut")
        self.assertEqual(estimate.ticket_id.stage_id, self.stage_work)
        self.assertEqual(self.contract.units_reserved, 3.0)
        with self.assertRaises(UserError):
            delivery.with_user(self.portal_a).sudo()._accept(self.contact_a)
        second = self._deliver(estimate)
        second.with_user(self.portal_a).sudo()._accept(self.contact_a)
        self.assertEqual(estimate.state, "accepted")

    def test_acceptance_by_another_client_is_refused(self):
        delivery = self._deliver(self._approved())
        before = self._ledger_state(self.contract)
        with self.assertRaises(UserError):
            delivery.with_user(self.portal_b).sudo()._accept(self.contact_b)
        with self.assertRaises(AccessError):
            delivery.with_user(self.portal_b).read(["state"])
        with self.assertRaises(UserError):
            delivery.with_user(self.engineer).sudo()._accept(self.contact_a)
        self.assertEqual(delivery.state, "delivered")
        self.assertEqual(self._ledger_state(self.contract), before)

    def test_acceptance_by_silence_is_idempotent(self):
        self.contract.acceptance_silence_days = 5
        delivery = self._deliver(self._approved())
        Delivery = self.env["tma.evolution.delivery"]
        # (The cron also sees the demo's deliveries, due on a later day: the
        # test looks at its own.)
        self.assertNotIn(delivery, Delivery._cron_accept_by_silence())
        later = fields.Datetime.now() + timedelta(days=6)
        with freeze_time(later):
            done = Delivery._cron_accept_by_silence()
            self.assertIn(delivery, done)
            self.assertEqual(delivery.state, "accepted")
            self.assertTrue(delivery.accepted_by_silence)
            self.assertEqual(delivery.tma_act_partner_id, self.client_a)
            entries = self._ledger_state(self.contract)
            self.assertNotIn(delivery, Delivery._cron_accept_by_silence())
            self.assertEqual(self._ledger_state(self.contract), entries)
        self.assertLedgerConsistent(self.contract)

    def test_no_acceptance_by_silence_unless_the_contract_says_so(self):
        delivery = self._deliver(self._approved())
        with freeze_time(fields.Datetime.now() + timedelta(days=400)):
            self.env["tma.evolution.delivery"]._cron_accept_by_silence()
        self.assertEqual(delivery.state, "delivered")

    def test_acceptance_report_prints(self):
        delivery = self._deliver(self._approved())
        delivery.with_user(self.portal_a).sudo()._accept(self.contact_a)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("tma_contract.report_tma_acceptance", delivery.ids)[0]
            .decode()
        )
        self.assertIn(delivery.name, html)
        self.assertIn(delivery.tma_act_journal_id.inalterable_hash, html)

    # ------------------------------------------------------------------
    # Warranty
    # ------------------------------------------------------------------
    def _accepted_evolution(self):
        estimate = self._approved()
        self._deliver(estimate)._accept(self.client_a)
        return estimate.ticket_id

    def test_a_defect_under_warranty_costs_no_units(self):
        evolution = self._accepted_evolution()
        balance = self.contract.balance
        defect = self._create_ticket(
            self.contract,
            complexity="complex",
            tma_maintenance_type_id=self.corrective.id,
            tma_warranty_of_id=evolution.id,
        )
        self.assertTrue(defect.tma_under_warranty)
        entry = defect._tma_record_consumption()
        self.assertEqual(entry.scope, "warranty")
        self.assertEqual(entry.units, 0.0)
        self.assertEqual(entry.consumed_units, 0.0)
        self.assertEqual(self.contract.balance, balance)
        self.assertLedgerConsistent(self.contract)

    def test_after_the_warranty_the_normal_rules_apply(self):
        with freeze_time(fields.Datetime.now() - timedelta(days=91)):
            evolution = self._accepted_evolution()
        defect = self._create_ticket(
            self.contract,
            complexity="simple",
            tma_maintenance_type_id=self.corrective.id,
            tma_warranty_of_id=evolution.id,
        )
        accepted = evolution.tma_estimate_ids.date_done
        self.assertEqual(defect.tma_warranty_until, accepted + timedelta(days=90))
        self.assertFalse(defect.tma_under_warranty)
        entry = defect._tma_record_consumption()
        self.assertEqual(entry.scope, "in")
        self.assertEqual(entry.consumed_units, 1.0)

    def _warranty_fix(self, complexity="complex"):
        """A defect of an accepted evolution, its fix recorded under warranty."""
        defect = self._create_ticket(
            self.contract,
            complexity=complexity,
            tma_maintenance_type_id=self.corrective.id,
            tma_warranty_of_id=self._accepted_evolution().id,
        )
        defect._tma_record_consumption()
        return defect

    def _entries(self, ticket):
        self.env.invalidate_all()
        return self.env["tma.unit.entry"].search([("ticket_id", "=", ticket.id)])

    def test_recording_a_warranty_fix_again_posts_nothing(self):
        defect = self._warranty_fix()
        entries = self._entries(defect)
        state = self._ledger_state(self.contract)
        self.assertEqual(entries.waived_units, 8.0)
        # "Record units" clicked again, the same units given, the ticket
        # closed: the valuation did not change, nothing is posted.
        self.assertFalse(defect._tma_record_consumption())
        self.assertFalse(defect._tma_record_consumption(8.0))
        defect.stage_id = self.stage_done
        self.assertEqual(self._entries(defect), entries)
        self.assertEqual(self._ledger_state(self.contract), state)

    def test_a_warranty_fix_valued_again_is_reversed_and_posted_once(self):
        defect = self._warranty_fix()
        first = self._entries(defect)
        balance = self.contract.balance
        defect.tma_complexity = "medium"
        entry = defect._tma_record_consumption()
        self.assertEqual(
            (entry.scope, entry.units, entry.consumed_units, entry.waived_units),
            ("warranty", 0.0, 0.0, 3.0),
        )
        self.assertTrue(first.is_reversed)
        self.assertEqual(first.reversal_entry_ids.waived_units, -8.0)
        # Valued the same again: nothing more.
        self.assertFalse(defect._tma_record_consumption())
        self.assertEqual(len(self._entries(defect)), 3)
        self.assertEqual(self.contract.balance, balance)
        self.assertLedgerConsistent(self.contract)

    def test_a_warranty_fix_moved_to_another_contract_is_billed_there(self):
        other = self._create_contract(title="Other", low_balance_threshold=0.0)
        self._add_book(other, 10)
        defect = self._warranty_fix()
        evolution = defect.tma_warranty_of_id
        self.assertEqual(evolution.tma_evolution_state, "warranty")
        balance = self.contract.balance
        defect.tma_contract_id = other
        # The evolution it fixes is not the other contract's: no warranty
        # there, the fix is worth its units as any other ticket.
        self.assertFalse(defect.tma_under_warranty)
        self.assertEqual(evolution.tma_evolution_state, "accepted")
        live = defect._tma_live_consumptions()
        self.assertEqual(live.contract_id, other)
        self.assertEqual(
            (live.scope, live.units, live.consumed_units, live.waived_units),
            ("in", -8.0, 8.0, 0.0),
        )
        self.assertEqual((self.contract.balance, other.balance), (balance, 2.0))
        self.assertLedgerConsistent(self.contract)
        self.assertLedgerConsistent(other)
        # Back on the evolution's contract, within its warranty: free again.
        defect.tma_contract_id = self.contract
        live = defect._tma_live_consumptions()
        self.assertEqual(
            (live.contract_id, live.scope, live.units, live.waived_units),
            (self.contract, "warranty", 0.0, 8.0),
        )
        self.assertEqual((self.contract.balance, other.balance), (balance, 10.0))
        self.assertLedgerConsistent(self.contract)
        self.assertLedgerConsistent(other)

    def test_a_warranty_fix_the_other_contract_cannot_take_does_not_move(self):
        poor = self._create_contract(title="Poor", low_balance_threshold=0.0)
        self._add_book(poor, 1)
        defect = self._warranty_fix()
        live = defect._tma_live_consumptions()
        before = (self._ledger_state(self.contract), self._ledger_state(poor))
        with self.assertRaisesRegex(UserError, "not enough units left"):
            defect.tma_contract_id = poor
        self.env.invalidate_all()
        self.assertEqual(defect.tma_contract_id, self.contract)
        self.assertEqual(defect._tma_live_consumptions(), live)
        self.assertEqual(
            (self._ledger_state(self.contract), self._ledger_state(poor)), before
        )

    def test_a_warranty_fix_posted_before_its_worth_was_kept_moves(self):
        other = self._create_contract(title="Other", low_balance_threshold=0.0)
        self._add_book(other, 10)
        defect = self._warranty_fix()
        old = defect._tma_live_consumptions()
        # Posted before the units waived were kept: they read as none.
        self.env.cr.execute(
            "UPDATE tma_unit_entry SET waived_units = NULL WHERE id = %s", (old.id,)
        )
        self.env.invalidate_all()
        defect.tma_contract_id = other
        self.assertTrue(old.is_reversed)
        live = defect._tma_live_consumptions()
        self.assertEqual(
            (live.contract_id, live.scope, live.consumed_units), (other, "in", 8.0)
        )
        self.assertEqual(other.balance, 2.0)
        self.assertLedgerConsistent(self.contract)
        self.assertLedgerConsistent(other)

    def test_contract_evolution_days_cannot_be_negative(self):
        with self.assertRaises(ValidationError):
            self.contract.warranty_days = -1
