# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The parties' word: a client's rating of a ticket and its approval of a
review's minutes are its acts. Only its users make them (or a TMA manager on
its behalf, with a reason and a piece of evidence); they are journaled and
nobody, administrator included, edits them afterwards."""

import base64

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import TmaSlaCommon

REFUSED = "Only a user of Client A may"


@tagged("post_install", "-at_install")
class TestPartyActs(TmaSlaCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.ticket = cls._create_ticket(cls.contract, name="Relances bloquées")
        cls.ticket.stage_id = cls.stage_done
        cls.review = cls._submitted_review(cls.contract, cls.contact_a)

    def _evidence(self):
        return (
            self.env["ir.attachment"]
            .with_user(self.manager)
            .create(
                {
                    "name": "courriel-client.eml",
                    "datas": base64.b64encode(b"Accord du client par courriel"),
                    "res_model": "tma.contract",
                    "res_id": self.contract.id,
                }
            )
        )

    def _journal(self):
        return self.env["tma.act.journal"].search(
            [("contract_id", "=", self.contract.id)], order="sequence"
        )

    def _rate_as(self, user, rate=5, partner=None, **kw):
        ticket = self.ticket.with_user(user).sudo()
        return ticket._tma_portal_rate(partner or self.contact_a, rate, **kw)

    def _approve_as(self, user, partner=None, **kw):
        review = self.review.with_user(user).sudo()
        return review._portal_approve(partner or self.contact_a, **kw)

    # ------------------------------------------------------------------
    # Rating
    # ------------------------------------------------------------------
    def test_the_client_rates_and_the_act_is_journaled(self):
        rating = self._rate_as(self.portal_a, 5, feedback="Merci")
        self.assertEqual((rating.rating, rating.feedback), (5, "Merci"))
        self.assertEqual(rating.tma_act_user_id, self.portal_a)
        self.assertEqual(rating.tma_act_partner_id, self.contact_a)
        self.assertIn("Given by", rating.tma_act_recorded_as)
        entry = self._journal()
        self.assertEqual(len(entry), 1)
        self.assertEqual(rating.tma_act_journal_id, entry)
        self.assertEqual(
            (entry.code, entry.res_model, entry.res_id, entry.sequence),
            ("ticket_rating", "rating.rating", rating.id, 1),
        )
        self.assertEqual(entry.partner_id, self.client_a)
        self.assertEqual(entry.user_id, self.portal_a)
        self.assertIn('"rating":5.0', entry.values_json)
        self.assertIsNone(self.contract._tma_verify_journal())

    def test_rating_refused_to_anyone_but_the_client(self):
        attempts = [
            (self.engineer, {}),
            (self.manager, {}),
            (self.admin, {}),
            (self.portal_b, {}),
        ]
        for user, kw in attempts:
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, REFUSED):
                    self._rate_as(user, 1, **kw)
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            self._rate_as(self.manager, 1, on_behalf_reason="Au téléphone")
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            self._rate_as(
                self.manager, 1, on_behalf_reason=" ", evidence=self._evidence()
            )
        with self.assertRaisesRegex(UserError, REFUSED):
            self._rate_as(
                self.engineer, 1, on_behalf_reason="x", evidence=self._evidence()
            )
        self.assertFalse(self.ticket.rating_ids.filtered("consumed"))
        self.assertFalse(self._journal())
        self.assertEqual(self.contract.act_seq, 0)

    def test_a_manager_records_a_rating_on_the_clients_behalf(self):
        evidence = self._evidence()
        rating = self._rate_as(
            self.manager,
            3,
            feedback="Donné au téléphone",
            on_behalf_reason="Le client a noté par téléphone",
            evidence=evidence,
        )
        self.assertEqual(rating.rating, 3)
        self.assertEqual(rating.tma_act_evidence_id, evidence)
        self.assertEqual(
            rating.tma_act_recorded_as,
            f"Recorded by {self.manager.name} on behalf of "
            f"{self.contact_a.display_name}",
        )
        entry = self._journal()
        self.assertEqual(entry.user_id, self.manager)
        self.assertEqual(entry.actor_partner_id, self.contact_a)
        self.assertEqual(entry.on_behalf_reason, "Le client a noté par téléphone")
        self.assertEqual(entry.evidence_id, evidence)

    def _rating_wizard(self, user, **values):
        action = self.ticket.with_user(user).action_tma_rate_on_behalf()
        self.assertEqual(action["res_model"], "tma.act.on.behalf")
        Wizard = self.env["tma.act.on.behalf"].with_user(user)
        return Wizard.with_context(**action["context"]).create(
            {
                "on_behalf_reason": "Note donnée par courriel",
                "evidence": base64.b64encode(b"Note 5, merci"),
                "evidence_name": "note.eml",
                **values,
            }
        )

    def test_the_ticket_form_records_a_rating_on_the_clients_behalf(self):
        wizard = self._rating_wizard(self.manager, rate="5", comment="Très bien")
        self.assertIn(self.ticket.display_name, wizard.act_label)
        wizard.action_confirm()
        rating = self.ticket.rating_ids.filtered("consumed")
        self.assertEqual((rating.rating, rating.feedback), (5, "Très bien"))
        self.assertEqual(rating.tma_act_evidence_id.name, "note.eml")
        self.assertEqual(
            rating.tma_act_recorded_as,
            f"Recorded by {self.manager.name} on behalf of "
            f"{self.ticket.partner_id.display_name}",
        )
        entry = self._journal()
        self.assertEqual((entry.code, entry.user_id), ("ticket_rating", self.manager))
        self.assertEqual(entry.on_behalf_reason, "Note donnée par courriel")

    def test_the_ticket_forms_rating_refuses_what_is_no_clients_rating(self):
        with self.assertRaisesRegex(UserError, "A rating is 1, 3 or 5"):
            self._rating_wizard(self.manager).action_confirm()
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            self._rating_wizard(
                self.manager, rate="1", evidence=False, evidence_name=False
            ).action_confirm()
        with self.assertRaises(AccessError):
            self.ticket.with_user(self.engineer).action_tma_rate_on_behalf()
        self.assertFalse(self.ticket.rating_ids.filtered("consumed"))
        self.assertFalse(self._journal())
        open_ticket = self._create_ticket(self.contract, name="Encore ouvert")
        with self.assertRaisesRegex(UserError, "Only a closed ticket can be rated"):
            open_ticket.with_user(self.manager).action_tma_rate_on_behalf()
        self.assertFalse(open_ticket.rating_ids)

    def test_nobody_edits_a_given_rating(self):
        rating = self._rate_as(self.portal_a, 5, feedback="Merci")
        for user in (self.engineer, self.manager, self.admin, self.portal_a):
            for vals in ({"rating": 1}, {"feedback": "Nul"}, {"consumed": False}):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesRegex(UserError, "cannot be modified"):
                        rating.with_user(user).sudo().write(vals)
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            rating.sudo().write({"tma_act_reason": "forged"})
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            rating.sudo().unlink()
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            rating.sudo().reset()
        self.assertEqual((rating.rating, rating.feedback), (5, "Merci"))

    def test_staff_cannot_write_a_pending_rating(self):
        self.ticket.invalidate_recordset()
        pending = self.ticket.rating_ids.filtered(lambda r: not r.consumed)
        self.assertTrue(pending)
        for user in (self.engineer, self.manager, self.admin):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, "cannot be modified"):
                    pending.with_user(user).write({"rating": 5, "consumed": True})
                with self.assertRaisesRegex(UserError, "cannot be modified"):
                    pending.with_user(user).sudo().write({"rating": 5})
        self.assertFalse(pending.consumed)

    def test_rating_again_is_a_new_act_and_the_figures_follow_it(self):
        first = self._rate_as(self.portal_a, 5)
        second = self._rate_as(self.portal_a, 1, feedback="Finalement non")
        self.assertNotEqual(first, second)
        self.assertEqual(first.rating, 5)
        self.assertEqual(self._journal().mapped("sequence"), [1, 2])
        today = self.contract._tma_today()
        kpis = self.contract._tma_sla_kpis(today.replace(day=1), today)
        self.assertEqual(kpis["ratings"], 1)
        self.assertEqual(kpis["satisfaction_rate"], 0.0)

    # ------------------------------------------------------------------
    # Review minutes approval
    # ------------------------------------------------------------------
    def test_the_client_approves_the_minutes_and_the_act_is_journaled(self):
        self._approve_as(self.portal_a)
        self.assertEqual(self.review.state, "approved")
        self.assertEqual(self.review.approved_by_id, self.contact_a)
        self.assertTrue(self.review.approved_on)
        self.assertEqual(self.review.tma_act_user_id, self.portal_a)
        entry = self._journal()
        self.assertEqual(
            (entry.code, entry.res_model, entry.res_id),
            ("review_approval", "tma.review", self.review.id),
        )
        self.assertIn(f'"approved_by_id":[{self.contact_a.id}]', entry.values_json)

    def test_approval_refused_to_anyone_but_the_client(self):
        for user in (self.engineer, self.manager, self.admin, self.portal_b):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(UserError, REFUSED):
                    self._approve_as(user)
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            self._approve_as(self.manager, on_behalf_reason="Accord oral")
        self.review.invalidate_recordset()
        self.assertEqual(self.review.state, "submitted")
        self.assertFalse(self.review.approved_by_id)
        self.assertFalse(self._journal())

    def test_a_manager_records_the_approval_on_the_clients_behalf(self):
        evidence = self._evidence()
        self._approve_as(
            self.manager, on_behalf_reason="Accord par courriel", evidence=evidence
        )
        self.assertEqual(self.review.state, "approved")
        self.assertEqual(self.review.approved_by_id, self.contact_a)
        self.assertIn(
            f"Recorded by {self.manager.name} on behalf of",
            self.review.tma_act_recorded_as,
        )
        self.assertEqual(self._journal().evidence_id, evidence)

    def test_nobody_edits_an_approval(self):
        self._approve_as(self.portal_a)
        for user in (self.engineer, self.manager, self.admin):
            for vals in (
                {"approved_by_id": self.contact_b.id},
                {"approved_on": fields.Datetime.now()},
                {"state": "submitted"},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self.assertRaisesRegex(UserError, "cannot be modified"):
                        self.review.with_user(user).sudo().write(vals)
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            self.review.sudo().unlink()
        self.assertEqual(self.review.approved_by_id, self.contact_a)
        self.assertEqual(self.review.state, "approved")

    def test_staff_cannot_approve_by_writing_the_fields(self):
        with self.assertRaisesRegex(UserError, "cannot be modified"):
            self.review.with_user(self.manager).write(
                {"approved_by_id": self.contact_a.id}
            )
        self.assertFalse(self.review.approved_by_id)
