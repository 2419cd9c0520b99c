# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging

from odoo import fields
from odoo.exceptions import RedirectWarning, UserError
from odoo.tests import tagged

from .common import TmaReversibilityCommon


@tagged("post_install", "-at_install")
class TestReversibility(TmaReversibilityCommon):
    def test_reversibility_instantiates_the_checklist(self):
        self.contract.action_start_reversibility()
        items = self.contract.reversibility_item_ids
        template = self.env.ref("tma_reversibility.tma_reversibility_template_default")
        self.assertEqual(len(items), len(template.line_ids))
        self.assertEqual(set(items.mapped("side")), {"provider", "client", "successor"})
        self.assertTrue(all(items.mapped("due_date")))
        # Going back to active and again does not duplicate it.
        self.contract.action_resume()
        self.contract.action_start_reversibility()
        self.assertEqual(len(self.contract.reversibility_item_ids), len(items))

    def test_the_shipped_template_has_each_item_signed_by_the_side_it_names(self):
        """Whoever an item names as acting signs it: what the provider
        delivers, the provider; what the client accepts or confirms, the
        client; what the successor confirms, the successor."""
        templates = (
            self.env.ref("tma_reversibility.tma_reversibility_template_default")
            | self.env.ref("tma_reversibility.tma_reversibility_template_early")
        ).with_context(lang="en_US")
        sides = dict(
            self.env["tma.reversibility.template.line"]
            ._fields["side"]
            ._description_selection(self.env)
        )
        for line in templates.line_ids:
            with self.subTest(template=line.template_id.name, item=line.name):
                self.assertTrue(line.description)
                self.assertTrue(
                    line.description.startswith(f"The {sides[line.side].lower()} "),
                    f"{line.description!r} is signed by the {line.side}",
                )
        ref = self.env.ref
        # Delivering the documentation is the provider's; accepting it the
        # client's: two items, one per side.
        delivered = ref("tma_reversibility.tma_reversibility_template_line_doc")
        accepted = ref("tma_reversibility.tma_reversibility_template_line_doc_accepted")
        self.assertEqual(delivered.side, "provider")
        self.assertNotIn("accept", delivered.name.lower())
        self.assertEqual(accepted.side, "client")
        self.assertIn("accept", accepted.name.lower())
        self.assertEqual(
            ref("tma_reversibility.tma_reversibility_template_line_access").side,
            "client",
        )

    def test_each_side_signs_its_items(self):
        self.contract.action_start_reversibility()
        self._sign_all(self.contract)
        items = self.contract.reversibility_item_ids
        self.assertEqual(set(items.mapped("state")), {"signed"})
        client_items = items.filtered(lambda i: i.side == "client")
        self.assertEqual(client_items.signed_by_id, self.portal_a)
        self.assertTrue(all(client_items.mapped("signed_on")))

    def test_signing_twice_is_refused(self):
        self.contract.action_start_reversibility()
        item = self.contract.reversibility_item_ids.filtered(
            lambda i: i.side == "provider"
        )[0]
        item.with_user(self.manager).action_sign()
        signed_on = item.signed_on
        with self.assertRaisesRegex(UserError, "already signed"):
            item.with_user(self.engineer).action_sign()
        self.assertEqual(item.signed_by_id, self.manager)
        self.assertEqual(item.signed_on, signed_on)

    def test_signing_from_the_wrong_side_is_refused(self):
        self.contract.action_start_reversibility()
        items = self.contract.reversibility_item_ids
        provider_item = items.filtered(lambda i: i.side == "provider")[0]
        client_item = items.filtered(lambda i: i.side == "client")[0]
        for item, user in (
            (provider_item, self.portal_a),
            (client_item, self.manager),
            (client_item, self.portal_successor),
            (provider_item, self.portal_b),
        ):
            with self.subTest(item=item.name, user=user.login):
                with self.assertRaisesRegex(UserError, "cannot sign"):
                    item._sign(user)
                self.assertEqual(item.state, "todo")

    def test_closing_with_an_open_incident_is_refused(self):
        incident = self._create_ticket(
            self.contract, name="Crash", tma_maintenance_type_id=self.corrective.id
        )
        self.contract.action_start_reversibility()
        self._sign_all(self.contract)
        with self.assertRaises(RedirectWarning) as refusal:
            self.contract.action_close()
        message = str(refusal.exception.args[0])
        self.assertIn("Open incidents", message)
        self.assertIn(incident.display_name, message)
        self.assertEqual(
            refusal.exception.args[1]["domain"], [("id", "in", incident.ids)]
        )
        # A refusal is logged as a warning, not as a server error.
        self.assertEqual(refusal.exception.loglevel, logging.WARNING)
        self.assertEqual(self.contract.state, "reversibility")
        incident.stage_id = self.done
        self.contract.action_close()
        self.assertEqual(self.contract.state, "closed")

    def test_evolutions_in_progress_block_until_transferred(self):
        evolution = self._create_ticket(
            self.contract, name="New report", tma_maintenance_type_id=self.evolutive.id
        )
        self.contract.action_start_reversibility()
        self._sign_all(self.contract)
        with self.assertRaisesRegex(RedirectWarning, "transferred to the successor"):
            self.contract.action_close()
        evolution.action_tma_transfer_to_successor()
        self.assertTrue(evolution.tma_transferred)
        self.contract.action_close()
        self.assertEqual(self.contract.state, "closed")

    def test_transfer_is_offered_only_on_a_contract_in_reversibility(self):
        """The button shows on an open evolution of a contract in
        reversibility that has a successor, nowhere else; the method refuses
        it elsewhere whatever the view shows."""
        evolution = self._create_ticket(
            self.contract, name="New report", tma_maintenance_type_id=self.evolutive.id
        )
        incident = self._create_ticket(
            self.contract, name="Crash", tma_maintenance_type_id=self.corrective.id
        )
        arch = self.env["helpdesk.ticket"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertRegex(
            arch,
            r'name="action_tma_transfer_to_successor"'
            r'[^>]*invisible="not tma_can_transfer"',
        )
        self.assertEqual(self.contract.state, "active")
        self.assertFalse(evolution.tma_can_transfer)
        with self.assertRaisesRegex(UserError, "contract in reversibility"):
            evolution.with_user(self.manager).action_tma_transfer_to_successor()
        self.assertFalse(evolution.tma_transferred)
        self.contract.action_start_reversibility()
        self.assertTrue(evolution.tma_can_transfer)
        self.assertFalse(incident.tma_can_transfer)
        evolution.with_user(self.manager).action_tma_transfer_to_successor()
        self.assertTrue(evolution.tma_transferred)
        self.assertFalse(evolution.tma_can_transfer)

    def test_only_evolutions_are_transferred_and_incidents_still_block(self):
        incident = self._create_ticket(
            self.contract, name="Crash", tma_maintenance_type_id=self.corrective.id
        )
        question = self._create_ticket(self.contract, name="How do I export?")
        evolution = self._create_ticket(
            self.contract, name="New report", tma_maintenance_type_id=self.evolutive.id
        )
        self.contract.action_start_reversibility()
        self._sign_all(self.contract)
        for ticket in (incident, question):
            with self.subTest(ticket=ticket.name):
                with self.assertRaisesRegex(UserError, "Only an evolution"):
                    ticket.with_user(self.manager).action_tma_transfer_to_successor()
                self.assertFalse(ticket.tma_transferred)
        # An incident flagged transferred anyway (data from before this rule,
        # or its type changed afterwards) still blocks until it is closed.
        evolution.action_tma_transfer_to_successor()
        evolution.tma_maintenance_type_id = self.corrective
        incident.tma_transferred = True
        question.stage_id = self.done
        with self.assertRaises(RedirectWarning) as refusal:
            self.contract.action_close()
        message = str(refusal.exception.args[0])
        self.assertIn("Open incidents", message)
        self.assertIn(incident.display_name, message)
        self.assertIn(evolution.display_name, message)
        self.assertEqual(self.contract.state, "reversibility")
        (incident | evolution).stage_id = self.done
        self.contract.action_close()
        self.assertEqual(self.contract.state, "closed")

    def _packages(self, contract):
        return self.env["tma.reversibility.package"].search(
            [("contract_id", "=", contract.id)]
        )

    def test_an_active_contract_is_not_closed_directly(self):
        with self.assertRaisesRegex(UserError, "closed through reversibility"):
            self.contract.with_user(self.manager).action_close()
        self.assertEqual(self.contract.state, "active")
        self.assertFalse(self.contract.reversibility_item_ids)
        self.assertFalse(self._packages(self.contract))

    def test_closing_queues_the_final_package(self):
        self.contract.action_start_reversibility()
        self._sign_all(self.contract)
        self.assertFalse(self._packages(self.contract))
        self.contract.with_user(self.manager).action_close()
        self.assertEqual(self.contract.state, "closed")
        package = self._packages(self.contract)
        self.assertEqual(package.state, "queued")
        self.env["tma.reversibility.package"]._cron_build_packages()
        self.assertEqual(package.state, "done")

    def test_early_termination_goes_through_its_short_checklist(self):
        """Terminated early, without a successor: the early termination
        checklist still asks for the register, the open tickets and the data
        attestation (with its evidence), and closing still gives the client
        its package."""
        contract = self._create_contract(title="Ended early")
        contract.with_user(self.manager)._terminate(
            "The client takes the application back", fields.Date.today()
        )
        contract.reversibility_template_id = self.env.ref(
            "tma_reversibility.tma_reversibility_template_early"
        )
        contract.with_user(self.manager).action_start_reversibility()
        items = contract.reversibility_item_ids
        self.assertEqual(
            sorted(items.mapped("side")), ["client", "provider", "provider", "provider"]
        )
        attestation = items.filtered("evidence_required")
        self.assertEqual(len(attestation), 1)
        self.assertEqual(attestation.side, "provider")
        with self.assertRaisesRegex(UserError, "attach it first"):
            attestation.with_user(self.manager).action_sign()
        self.assertEqual(attestation.state, "todo")
        self.assertFalse(attestation.signed_by_id)
        with self.assertRaisesRegex(UserError, "not signed off"):
            contract.with_user(self.manager).action_close()
        self._sign_all(contract)
        self.assertEqual(attestation.state, "signed")
        contract.with_user(self.manager).action_close()
        self.assertEqual(contract.state, "closed")
        self.assertEqual(self._packages(contract).state, "queued")

    def test_unsigned_mandatory_items_block_the_closing(self):
        self.contract.action_start_reversibility()
        first = self.contract.reversibility_item_ids[0]
        with self.assertRaises(UserError) as refusal:
            self.contract.action_close()
        self.assertIn(first.name, str(refusal.exception))
        self.assertEqual(self.contract.state, "reversibility")
