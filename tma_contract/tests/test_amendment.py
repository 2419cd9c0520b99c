# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command, fields, http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import TmaCommon


class AmendmentCommon(TmaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.start = cls.today - timedelta(days=60)
        cls.app_1 = cls.env["tma.application"].create(
            {"name": "Paie", "partner_id": cls.client_a.id}
        )
        cls.app_2 = cls.env["tma.application"].create(
            {"name": "Achats", "partner_id": cls.client_a.id}
        )
        cls.contract = cls._create_contract(
            title="Upkeep",
            date_start=cls.start,
            monthly_volume=10.0,
            application_ids=[Command.set(cls.app_1.ids)],
        )

    def _amendment(self, contract=None, days=0, submit=True, **vals):
        values = {
            "contract_id": (contract or self.contract).id,
            "date_effective": self.today + timedelta(days=days),
            "description": "Plus de volume",
        }
        if not {"change_scope", "change_price", "change_dates"} & set(vals):
            values.update(change_volume=True, monthly_volume=20.0)
        values.update(vals)
        amendment = self.env["tma.contract.amendment"].create(values)
        if submit:
            amendment.action_submit()
        return amendment

    def _approve_as_client(self, amendment, user=None):
        """The client's portal user approves (its act)."""
        user = user or self.portal_a
        return amendment.with_user(user).sudo()._approve(user.partner_id)


@tagged("post_install", "-at_install")
class TestAmendment(AmendmentCommon):
    def test_approval_applies_an_amendment_whose_date_has_come(self):
        amendment = self._amendment(days=0)
        self.assertEqual(amendment.state, "to_approve")
        self.assertEqual(self.contract.monthly_volume, 10.0)
        self._approve_as_client(amendment)
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(amendment.approved_by_id, self.portal_a)
        self.assertEqual(self.contract.monthly_volume, 20.0)
        self.assertEqual(amendment.previous_values, {"monthly_volume": 10.0})

    def test_future_amendment_applies_by_cron_on_its_date_only_once(self):
        amendment = self._amendment(days=10, change_price=True, fee_amount=4500.0)
        self._approve_as_client(amendment)
        Amendment = self.env["tma.contract.amendment"]
        Amendment._cron_apply_amendments()
        self.assertEqual(amendment.state, "approved")
        self.assertEqual(self.contract.fee_amount, 0.0)
        with freeze_time(self.today + timedelta(days=10)):
            Amendment._cron_apply_amendments()
            self.assertEqual(amendment.state, "applied")
            self.assertEqual(self.contract.fee_amount, 4500.0)
            messages = len(self.contract.message_ids)
            Amendment._cron_apply_amendments()
            self.assertEqual(len(self.contract.message_ids), messages)
            self.assertEqual(amendment.previous_values, {"fee_amount": 0.0})

    def test_cron_applies_a_contracts_amendments_in_date_order(self):
        first = self._amendment(days=-20, submit=False)
        second = self._amendment(days=-10, submit=False, monthly_volume=30.0)
        (first | second).action_submit()
        # Approved on paper, applied later by the cron (the second first in id
        # order would leave 20 on the contract).
        (first | second)._set_workflow({"state": "approved"})
        self.env["tma.contract.amendment"]._cron_apply_amendments()
        self.assertEqual((first | second).mapped("state"), ["applied", "applied"])
        self.assertEqual(self.contract.monthly_volume, 30.0)

    def test_terms_in_force_on_any_date(self):
        past = self._amendment(
            days=-30,
            change_scope=True,
            application_ids=[Command.set((self.app_1 | self.app_2).ids)],
            change_volume=True,
            monthly_volume=20.0,
        )
        self._approve_as_client(past)
        future = self._amendment(days=30, monthly_volume=35.0)
        self._approve_as_client(future)
        terms = self.contract._get_terms_at
        self.assertEqual(terms(self.today - timedelta(days=40))["monthly_volume"], 10.0)
        self.assertEqual(
            terms(self.today - timedelta(days=40))["application_ids"], self.app_1
        )
        self.assertEqual(terms(self.today - timedelta(days=30))["monthly_volume"], 20.0)
        self.assertEqual(terms(self.today)["application_ids"], self.app_1 | self.app_2)
        self.assertEqual(terms(self.today)["monthly_volume"], 20.0)
        self.assertEqual(terms(self.today + timedelta(days=31))["monthly_volume"], 35.0)
        # The contract itself still says what applies today.
        self.assertEqual(self.contract.monthly_volume, 20.0)

    def test_reports_use_the_volume_in_force_each_month(self):
        past = self._amendment(days=-30)
        self._approve_as_client(past)
        month_before = (self.today - timedelta(days=60)).replace(day=1)
        rows = self.contract._tma_export_kpi_rows(month_before, self.today)
        volumes = {
            month: value
            for month, label, value in rows
            if label == "Monthly volume estimate in force"
        }
        self.assertEqual(volumes[month_before], 10.0)
        self.assertEqual(volumes[self.today.replace(day=1)], 20.0)

    def test_a_new_fee_reaches_the_recurring_invoicing(self):
        contract = self._create_contract(mode="forfait", date_start=self.start)
        line = contract.recurring_contract_id.contract_line_ids
        self.assertEqual(line.price_unit, 3000.0)
        amendment = self._amendment(
            contract=contract, days=0, change_price=True, fee_amount=3600.0
        )
        self._approve_as_client(amendment)
        self.assertEqual(contract.fee_amount, 3600.0)
        self.assertEqual(line.price_unit, 3600.0)

    def test_history_counts_and_pending(self):
        self._amendment(days=5)
        self._amendment(days=6, submit=False)
        self.assertEqual(self.contract.amendment_count, 2)
        self.assertEqual(self.contract.amendment_pending_count, 1)

    # ------------------------------------------------------------------
    # Refusals
    # ------------------------------------------------------------------
    def test_another_clients_portal_user_cannot_approve(self):
        amendment = self._amendment(days=0)
        portal_b = amendment.with_user(self.portal_b).sudo()
        with self.assertRaisesRegex(UserError, "Only a user of Client A may"):
            portal_b._approve(self.portal_b.partner_id)
        with self.assertRaisesRegex(UserError, "Only a user of Client A may"):
            portal_b._refuse(self.portal_b.partner_id)
        self.assertEqual(amendment.state, "to_approve")
        self.assertEqual(self.contract.monthly_volume, 10.0)

    def test_another_client_cannot_read_the_amendment(self):
        amendment = self._amendment(days=0)
        with self.assertRaises(AccessError):
            amendment.with_user(self.portal_b).read(["state"])
        self.assertEqual(amendment.with_user(self.portal_a).state, "to_approve")

    def test_draft_is_not_shown_to_the_client_nor_approvable(self):
        amendment = self._amendment(days=0, submit=False)
        with self.assertRaises(AccessError):
            amendment.with_user(self.portal_a).read(["state"])
        with self.assertRaises(UserError):
            self._approve_as_client(amendment)
        self.assertEqual(amendment.state, "draft")

    def test_staff_record_a_paper_approval_only_on_behalf_with_evidence(self):
        amendment = self._amendment(days=0)
        for user in (self.engineer, self.manager):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "Only a user of Client A"):
                    amendment.with_user(user).action_approve()
                with self.assertRaisesRegex(UserError, "Only a user of Client A"):
                    amendment.with_user(user).action_refuse()
        self.assertEqual(amendment.state, "to_approve")
        evidence = self.env["ir.attachment"].create(
            {"name": "avenant-signe.pdf", "raw": b"%PDF signed"}
        )
        amendment.with_user(self.manager).action_approve(
            on_behalf_reason="Avenant signé sur papier", evidence=evidence.id
        )
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(amendment.approved_by_id, self.manager)
        self.assertEqual(amendment.tma_act_evidence_id, evidence)

    def test_effective_date_before_the_contract_start_is_refused(self):
        with self.assertRaises(ValidationError):
            self._amendment(days=-61, submit=False)
        self.assertFalse(self.contract.amendment_ids)

    def test_two_amendments_changing_the_same_term_on_the_same_date(self):
        self._amendment(days=5)
        with self.assertRaises(ValidationError):
            self._amendment(days=5, submit=False, monthly_volume=40.0)
        # Another term on that date, or the same term on another date: fine.
        self._amendment(days=5, submit=False, change_price=True, fee_amount=1.0)
        self._amendment(days=6, submit=False)
        self.assertEqual(self.contract.amendment_count, 3)

    def test_a_cancelled_amendment_frees_its_date(self):
        first = self._amendment(days=5)
        first.action_cancel()
        second = self._amendment(days=5, monthly_volume=40.0)
        self.assertEqual(second.state, "to_approve")
        with self.assertRaises(ValidationError):
            first.action_draft()
        self.assertEqual(first.state, "cancelled")

    def test_an_amendment_changes_at_least_one_term(self):
        with self.assertRaises(ValidationError):
            self.env["tma.contract.amendment"].create(
                {"contract_id": self.contract.id, "date_effective": self.today}
            )

    def test_workflow_fields_are_refused_over_the_orm(self):
        amendment = self._amendment(days=5, submit=False)
        with self.assertRaises(AccessError):
            amendment.with_user(self.engineer).write({"state": "applied"})
        with self.assertRaises(AccessError):
            amendment.with_user(self.engineer).write({"previous_values": {}})
        self.assertEqual(amendment.state, "draft")

    def test_terms_of_a_sent_amendment_cannot_change(self):
        amendment = self._amendment(days=5)
        with self.assertRaises(UserError):
            amendment.write({"monthly_volume": 99.0})
        with self.assertRaises(UserError):
            amendment.write({"date_effective": self.today})
        self.assertEqual(amendment.monthly_volume, 20.0)

    def test_an_applied_amendment_cannot_be_cancelled(self):
        amendment = self._amendment(days=0)
        self._approve_as_client(amendment)
        with self.assertRaises(UserError):
            amendment.action_cancel()
        self.assertEqual(amendment.state, "applied")

    def test_end_date_before_the_effective_date_is_refused(self):
        with self.assertRaises(ValidationError):
            self._amendment(
                days=10,
                submit=False,
                change_dates=True,
                date_end=self.today + timedelta(days=5),
            )


@tagged("post_install", "-at_install")
class TestAmendmentPortal(HttpCase, AmendmentCommon):
    def _post(self, amendment, decision):
        return self.url_open(
            f"/my/tma/amendments/{amendment.id}/{decision}",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )

    def test_client_sees_and_approves_its_amendment(self):
        amendment = self._amendment(days=0)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}")
        self.assertIn(amendment.name, page.text)
        self.assertIn("tma_amendment_approve", page.text)
        response = self._post(amendment, "approve")
        self.assertIn(response.status_code, (302, 303))
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(self.contract.monthly_volume, 20.0)

    def test_another_client_cannot_approve_by_url(self):
        amendment = self._amendment(days=0)
        self.authenticate(self.portal_b.login, self.portal_b.login)
        response = self._post(amendment, "approve")
        self.assertIn(response.status_code, (302, 303))
        self.assertTrue(response.headers["Location"].endswith("/my"))
        response = self._post(amendment, "refuse")
        self.assertTrue(response.headers["Location"].endswith("/my"))
        self.env.invalidate_all()
        self.assertEqual(amendment.state, "to_approve")
        self.assertEqual(self.contract.monthly_volume, 10.0)

    def test_client_refuses(self):
        amendment = self._amendment(days=0)
        self.authenticate(self.portal_a.login, self.portal_a.login)
        self._post(amendment, "refuse")
        self.assertEqual(amendment.state, "refused")
        self.assertEqual(self.contract.monthly_volume, 10.0)
