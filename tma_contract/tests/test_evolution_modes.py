# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Evolutive work by contract mode: on a fixed price contract an evolution
outside the fixed scope is quoted as a sale order the client's approval
confirms; on capped time and materials the estimate is in hours, within the
month's remaining cap."""

from unittest import SkipTest

from odoo import Command, http
from odoo.exceptions import UserError
from odoo.tests import HttpCase, TransactionCase, tagged

from .reader_language import ReaderLanguageMixin
from .test_evolution import EvolutionCommon


class FixedPriceCommon(EvolutionCommon):
    """A fixed price contract of client A covering corrective work only,
    sold by an order whose out-of-scope work costs 650 a unit."""

    DAY_PRICE = 650.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.forfait = cls._create_contract(
            mode="forfait",
            maintenance_type_ids=[Command.set(cls.corrective.ids)],
        )
        cls.out_of_scope_product = cls.env.company.tma_out_of_scope_product_id
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.client_a.id,
                "tma_contract_id": cls.forfait.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.out_of_scope_product.id,
                            "product_uom_qty": 1.0,
                            "price_unit": cls.DAY_PRICE,
                        }
                    )
                ],
            }
        )
        order.action_confirm()

    def _quoted(self, send=True, **vals):
        return self._estimate(
            ticket=self._evolution(contract=self.forfait),
            send=send,
            **dict(
                {
                    "method": "free",
                    "justification": "A new export and its checks.",
                    "line_ids": [
                        Command.create({"name": "Export", "units": 2.0}),
                        Command.create({"name": "Checks", "units": 1.5}),
                    ],
                },
                **vals,
            ),
        )


@tagged("post_install", "-at_install")
class TestFixedPriceQuotation(FixedPriceCommon):
    def test_out_of_scope_evolution_is_quoted_when_sent(self):
        estimate = self._quoted(send=False)
        self.assertTrue(estimate.needs_quotation)
        self.assertFalse(estimate.sale_order_id)
        estimate.action_send()
        order = estimate.sale_order_id
        self.assertTrue(order)
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.partner_id, self.client_a)
        self.assertEqual(order.tma_contract_id, self.forfait)
        self.assertFalse(order.require_signature)
        self.assertEqual(
            order.order_line.mapped("product_uom_qty"), [2.0, 1.5], "one line a part"
        )
        self.assertEqual(order.order_line.product_id, self.out_of_scope_product)
        self.assertEqual(set(order.order_line.mapped("price_unit")), {self.DAY_PRICE})
        self.assertAlmostEqual(order.amount_untaxed, 3.5 * self.DAY_PRICE)
        self.assertEqual(estimate.quotation_amount, order.amount_untaxed)
        self.assertEqual(estimate.ticket_id.tma_quotation_id, order)

    def test_evolution_in_the_fixed_scope_is_not_quoted(self):
        self.forfait._tma_write_terms(
            {"maintenance_type_ids": [Command.link(self.evolutive.id)]}
        )
        estimate = self._quoted()
        self.assertFalse(estimate.needs_quotation)
        self.assertFalse(estimate.sale_order_id)
        self.assertFalse(self._estimate().sale_order_id, "ticket book: no quotation")

    def test_approval_confirms_the_quotation_once(self):
        estimate = self._quoted()
        order = estimate.sale_order_id
        estimate.with_user(self.portal_a).sudo()._approve(self.contact_a, "PO-42")
        self.assertEqual(estimate.state, "approved")
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.client_order_ref, "PO-42")
        confirmed_on = order.date_order
        with self.assertRaisesRegex(UserError, "does not await approval"):
            estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.date_order, confirmed_on)
        approvals = self.env["tma.act.journal"].search_count(
            [("res_id", "=", estimate.id), ("code", "=", "estimate_approval")]
        )
        self.assertEqual(approvals, 1)

    def test_approval_is_refused_when_the_quotation_was_confirmed_meanwhile(self):
        estimate = self._quoted()
        estimate.sale_order_id.action_confirm()
        with self.assertRaisesRegex(UserError, "no longer awaits"):
            estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        self.assertEqual(estimate.state, "sent")
        self.assertFalse(estimate.tma_act_journal_id)

    def test_refusal_cancels_the_quotation(self):
        estimate = self._quoted()
        estimate.with_user(self.portal_a).sudo()._refuse(self.contact_a, "Too dear")
        self.assertEqual(estimate.state, "refused")
        self.assertEqual(estimate.sale_order_id.state, "cancel")

    def test_a_new_estimate_or_a_cancellation_cancels_the_quotation(self):
        first = self._quoted()
        second = self._estimate(
            ticket=first.ticket_id, method="free", units=2.0, justification="Smaller"
        )
        self.assertEqual(first.state, "superseded")
        self.assertEqual(first.sale_order_id.state, "cancel")
        self.assertEqual(second.sale_order_id.state, "draft")
        second.action_cancel()
        self.assertEqual(second.sale_order_id.state, "cancel")

    def test_another_client_cannot_approve_the_quotation(self):
        estimate = self._quoted()
        with self.assertRaisesRegex(UserError, "Only a user of Client A"):
            estimate.with_user(self.portal_b).sudo()._approve(self.contact_b)
        self.assertEqual(estimate.state, "sent")
        self.assertEqual(estimate.sale_order_id.state, "draft")

    def test_accepted_quoted_evolution_is_not_billed_again(self):
        self.forfait.out_of_scope_policy = "bill"
        estimate = self._quoted()
        estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)
        delivery = self._deliver(estimate)
        delivery.with_user(self.portal_a).sudo()._accept(self.contact_a)
        entry = delivery.entry_id
        self.assertEqual(entry.consumed_units, 3.5)
        self.assertEqual(entry.scope, "counted")
        self.assertFalse(entry.billable_units)


@tagged("post_install", "-at_install")
class TestFixedPriceQuotationPortal(HttpCase, FixedPriceCommon):
    def test_portal_shows_the_quotation_amount(self):
        estimate = self._quoted()
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/ticket/{estimate.ticket_id.id}").text
        self.assertIn("tma_estimate_quotation", page)
        self.assertIn(estimate.sale_order_id.name, page)
        self.assertIn("2,275.00", page)
        response = self.url_open(
            f"/my/tma/estimates/{estimate.id}/approve",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.env.invalidate_all()
        self.assertEqual(estimate.sale_order_id.state, "sale")


@tagged("post_install", "-at_install")
class TestRegieHours(ReaderLanguageMixin, EvolutionCommon):
    """A capped time and materials contract: 10 hours a month at 2 units
    an hour (a cap of 20 units)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()
        cls.regie = cls._create_contract(
            mode="regie", monthly_volume=10.0, volume_uom="hours", units_per_hour=2.0
        )

    def _hours(self, hours, send=True, **vals):
        return self._estimate(
            ticket=self._evolution(contract=self.regie),
            send=send,
            **dict({"hours": hours}, **vals),
        )

    def _approve(self, estimate):
        return estimate.with_user(self.portal_a).sudo()._approve(self.contact_a)

    def test_estimate_is_in_hours(self):
        estimate = self._hours(3.0, send=False)
        self.assertTrue(estimate.in_hours)
        self.assertEqual(estimate.units, 6.0, "3 hours at 2 units an hour")
        parts = self._estimate(
            ticket=self._evolution(contract=self.regie),
            send=False,
            line_ids=[
                Command.create({"name": "Export", "hours": 1.5}),
                Command.create({"name": "Checks", "hours": 1.0}),
            ],
        )
        self.assertEqual((parts.hours, parts.units), (2.5, 5.0))
        self.assertEqual(
            (estimate.hours_available, estimate.hours_left_after), (10.0, 7.0)
        )
        with self.assertRaisesRegex(UserError, "gives no hours"):
            self._hours(0.0)

    def test_approval_reserves_the_hours_under_the_cap(self):
        self.regie._post_consumption(8.0)  # 4 hours consumed
        first = self._approve(self._hours(4.0))
        self.assertEqual(first.state, "approved")
        self.assertEqual(self.regie.units_reserved, 8.0)
        second = self._hours(2.5)
        self.assertEqual(second.hours_available, 2.0)
        with self.assertRaisesRegex(
            UserError,
            r"2\.0 hours left this month under its cap of 10\.0 hours "
            r"\(4\.0 consumed, 4\.0 reserved for approved estimates\): the "
            r"estimate needs 2\.5 hours",
        ):
            self._approve(second)
        self.assertEqual(second.state, "sent")
        with self.assertRaisesRegex(UserError, "heures"):
            second.with_context(lang="fr_FR").with_user(self.portal_a).sudo()._approve(
                self.contact_a
            )
        self._approve(self._hours(2.0))

    def test_consumption_respects_the_reserved_hours(self):
        self._approve(self._hours(9.0))
        with self.assertRaisesRegex(UserError, "cap"):
            self.regie._post_consumption(4.0)

    def test_overrun_the_contract_allows_is_accepted(self):
        self.regie.write({"overdraft_policy": "allow", "overdraft_limit": 4.0})
        self._approve(self._hours(11.0))  # 22 units: within 20 + 4
        self.assertEqual(self.regie.units_reserved, 22.0)
        with self.assertRaisesRegex(UserError, "hours left"):
            self._approve(self._hours(1.5))

    def test_refusal_and_cancellation_release_the_hours(self):
        approved = self._approve(self._hours(8.0))
        refused = self._hours(2.0)
        refused.with_user(self.portal_a).sudo()._refuse(self.contact_a)
        self.assertEqual(self.regie.units_reserved, 16.0)
        approved.action_cancel()
        self.env.invalidate_all()
        self.assertEqual(self.regie.units_reserved, 0.0)
        self._approve(self._hours(10.0))


@tagged("post_install", "-at_install")
class TestDemoEvolutionModes(TransactionCase):
    """The demo's evolutions on the two other modes
    (demo/tma_evolution_modes_demo.xml), as its methods left them: Gamma's
    quotations at its order's unit price, one awaiting approval and one
    confirmed by the approval the manager recorded on the client's behalf;
    Beta's hours reserved within its cap."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not cls.env.ref(
            "tma_contract.estimate_beta_teleconsultation", raise_if_not_found=False
        ):
            raise SkipTest("the database holds no demo data")

    def test_gamma_sent_estimate_has_a_draft_quotation_at_the_unit_price(self):
        estimate = self.env.ref("tma_contract.estimate_gamma_b2b_stock")
        gamma = self.env.ref("tma_contract.contract_gamma")
        self.assertEqual(estimate.state, "sent")
        self.assertTrue(estimate.needs_quotation, "the B2B shop is out of scope")
        order = estimate.sale_order_id
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.tma_contract_id, gamma)
        self.assertEqual(order.partner_id, gamma.partner_id)
        self.assertEqual(set(order.order_line.mapped("price_unit")), {105.0})
        self.assertEqual(sum(order.order_line.mapped("product_uom_qty")), 8.0)
        self.assertEqual(estimate.ticket_id.tma_quotation_id, order)

    def test_gamma_approval_on_behalf_confirms_the_quotation_with_the_po(self):
        estimate = self.env.ref("tma_contract.estimate_gamma_b2b_prices")
        self.assertEqual(estimate.state, "approved")
        self.assertEqual(estimate.po_reference, "BC-GD-2026-0457")
        order = estimate.sale_order_id
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.client_order_ref, "BC-GD-2026-0457")
        self.assertEqual(set(order.order_line.mapped("price_unit")), {105.0})
        act = self.env["tma.act.journal"].search(
            [
                ("res_model", "=", estimate._name),
                ("res_id", "=", estimate.id),
                ("code", "=", "estimate_approval"),
            ]
        )
        self.assertEqual(len(act), 1)
        self.assertEqual(act.user_id, self.env.ref("base.user_admin"))
        self.assertEqual(act.partner_id, self.env.ref("tma_contract.partner_gamma"))
        self.assertEqual(
            act.actor_partner_id, self.env.ref("tma_contract.partner_gamma_contact")
        )
        self.assertTrue(act.on_behalf_reason)
        self.assertEqual(
            act.evidence_id,
            self.env.ref("tma_contract.attachment_gamma_b2b_purchase_order"),
        )

    def test_beta_hours_are_reserved_within_the_cap(self):
        estimate = self.env.ref("tma_contract.estimate_beta_teleconsultation")
        beta = self.env.ref("tma_contract.contract_beta")
        self.assertEqual(estimate.state, "approved")
        self.assertTrue(estimate.in_hours)
        self.assertEqual((estimate.hours, estimate.units), (6.0, 12.0))
        self.assertFalse(estimate.sale_order_id, "time and materials: no quotation")
        self.assertEqual(beta.units_reserved, 12.0)
        cap, consumed = beta._get_regie_cap(beta._tma_today())
        self.assertLessEqual(consumed + beta.units_reserved, cap)
        self.assertGreaterEqual(beta._regie_hours_left(), 0.0)
