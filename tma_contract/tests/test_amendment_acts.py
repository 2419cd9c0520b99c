# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The client's approval or refusal of an amendment is its act: only its
users make it (or a TMA manager on its behalf, with a reason and a piece of
evidence); it is journaled and nobody, administrator included, changes it
afterwards, neither over the ORM nor over JSON-RPC."""

import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields, http
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .common import call_kw
from .test_amendment import AmendmentCommon

REFUSED = "Only a user of Client A may"
IMMUTABLE = "cannot be modified"


@tagged("post_install", "-at_install")
class TestAmendmentActs(HttpCase, AmendmentCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")

    def _evidence(self):
        return (
            self.env["ir.attachment"]
            .with_user(self.manager)
            .create(
                {
                    "name": "avenant-signe.pdf",
                    "raw": b"%PDF avenant signe",
                    "res_model": "tma.contract",
                    "res_id": self.contract.id,
                }
            )
        )

    def _journal(self):
        return self.env["tma.act.journal"].search(
            [("contract_id", "=", self.contract.id)], order="sequence"
        )

    def _decide_as(self, user, amendment, decision, partner=None, **kw):
        amendment = amendment.with_user(user).sudo()
        partner = partner or self.contact_a
        if decision == "approve":
            return amendment._approve(partner, **kw)
        return amendment._refuse(partner, kw.pop("comment", None), **kw)

    def _snapshot(self, amendment):
        amendment.invalidate_recordset()
        return amendment.read(
            [
                "state",
                "approved_by_id",
                "date_approved",
                "date_refused",
                "refusal_comment",
                "tma_act_journal_id",
            ]
        )

    # ------------------------------------------------------------------
    # The client acts
    # ------------------------------------------------------------------
    def test_the_client_approves_and_the_act_is_journaled(self):
        amendment = self._amendment(days=0)
        self._decide_as(self.portal_a, amendment, "approve")
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(amendment.approved_by_id, self.portal_a)
        self.assertTrue(amendment.date_approved)
        self.assertEqual(amendment.tma_act_partner_id, self.contact_a)
        self.assertIn("Given by", amendment.tma_act_recorded_as)
        entry = self._journal()
        self.assertEqual(len(entry), 1)
        self.assertEqual(amendment.tma_act_journal_id, entry)
        self.assertEqual(
            (entry.code, entry.res_model, entry.res_id),
            ("amendment_approval", "tma.contract.amendment", amendment.id),
        )
        self.assertEqual(entry.user_id, self.portal_a)
        self.assertIn(f'"approved_by_id":[{self.portal_a.id}]', entry.values_json)
        self.assertIsNone(self.contract._tma_verify_journal())
        # What happens after the approval still happens: applied today.
        self.assertEqual(self.contract.monthly_volume, 20.0)

    def test_the_confirmation_carries_the_journal_entry_and_its_hash(self):
        amendment = self._amendment(days=5)
        self._decide_as(self.portal_a, amendment, "approve")
        entry = self._journal()
        message = self.contract.message_ids.filtered(
            lambda m: "approved by" in (m.body or "")
        )[:1]
        self.assertTrue(message)
        # A comment: the client reads it in its portal and by email.
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_comment"))
        self.assertIn(f"entry No. {entry.sequence}", message.body)
        self.assertIn(entry.inalterable_hash, message.body)

    def test_the_client_refuses_with_a_comment_and_the_act_is_journaled(self):
        amendment = self._amendment(days=5)
        self._decide_as(self.portal_a, amendment, "refuse", comment=" Trop cher ")
        self.assertEqual(amendment.state, "refused")
        self.assertEqual(amendment.refusal_comment, "Trop cher")
        self.assertTrue(amendment.date_refused)
        self.assertFalse(amendment.approved_by_id)
        entry = self._journal()
        self.assertEqual(entry.code, "amendment_refusal")
        self.assertIn('"refusal_comment":"Trop cher"', entry.values_json)

    def test_deciding_is_refused_to_anyone_but_the_client(self):
        amendment = self._amendment(days=0)
        before = self._snapshot(amendment)
        for decision in ("approve", "refuse"):
            for user in (self.engineer, self.manager, self.admin, self.portal_b):
                with self.subTest(decision=decision, user=user.login):
                    with self.assertRaisesRegex(UserError, REFUSED):
                        self._decide_as(user, amendment, decision)
            with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
                self._decide_as(
                    self.manager, amendment, decision, on_behalf_reason="Oral"
                )
            with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
                self._decide_as(
                    self.manager,
                    amendment,
                    decision,
                    on_behalf_reason=" ",
                    evidence=self._evidence(),
                )
            with self.assertRaisesRegex(UserError, REFUSED):
                self._decide_as(
                    self.engineer,
                    amendment,
                    decision,
                    on_behalf_reason="Oral",
                    evidence=self._evidence(),
                )
        self.assertEqual(self._snapshot(amendment), before)
        self.assertEqual(self.contract.monthly_volume, 10.0)
        self.assertFalse(self._journal())
        self.assertEqual(self.contract.act_seq, 0)

    def test_a_manager_records_the_decision_on_the_clients_behalf(self):
        approved, refused = self._amendment(days=0), self._amendment(days=7)
        evidence = self._evidence()
        approved.with_user(self.manager).action_approve(
            on_behalf_reason="Avenant signé sur papier", evidence=evidence
        )
        self.assertEqual(approved.state, "applied")
        self.assertEqual(approved.tma_act_evidence_id, evidence)
        self.assertEqual(approved.tma_act_reason, "Avenant signé sur papier")
        self.assertEqual(
            approved.tma_act_recorded_as,
            f"Recorded by {self.manager.name} on behalf of "
            f"{self.client_a.display_name}",
        )
        refused.with_user(self.manager).action_refuse(
            "Refus par courriel",
            on_behalf_reason="Courriel du client",
            evidence=self._evidence().id,
        )
        self.assertEqual(refused.state, "refused")
        self.assertEqual(refused.refusal_comment, "Refus par courriel")
        journal = self._journal()
        self.assertEqual(
            journal.mapped("code"), ["amendment_approval", "amendment_refusal"]
        )
        self.assertEqual(journal[0].on_behalf_reason, "Avenant signé sur papier")
        self.assertEqual(journal[0].evidence_id, evidence)
        self.assertIn("on behalf of", self.contract.message_ids[:5].mapped("body")[0])

    def test_the_backend_wizard_records_on_behalf_with_its_evidence(self):
        amendment = self._amendment(days=7)
        action = (
            amendment.with_user(self.manager)
            .with_context(tma_decision="refuse")
            .action_open_decision_on_behalf()
        )
        Wizard = self.env["tma.amendment.decision"].with_user(self.manager)
        wizard = Wizard.with_context(**action["context"]).create(
            {
                "comment": "Hors budget",
                "on_behalf_reason": "Refus signé reçu par courrier",
                "evidence": base64.b64encode(b"%PDF refus"),
                "evidence_name": "refus.pdf",
            }
        )
        wizard.action_confirm()
        self.assertEqual(amendment.state, "refused")
        self.assertEqual(amendment.refusal_comment, "Hors budget")
        self.assertEqual(amendment.tma_act_evidence_id.name, "refus.pdf")
        self.assertEqual(amendment.tma_act_evidence_id.res_id, amendment.id)
        self.assertEqual(self._journal().evidence_id, amendment.tma_act_evidence_id)
        # An engineer has no wizard, and no act either.
        other = self._amendment(days=9)
        with self.assertRaises(AccessError):
            self.env["tma.amendment.decision"].with_user(self.engineer).create(
                {
                    "amendment_id": other.id,
                    "decision": "approve",
                    "on_behalf_reason": "x",
                    "evidence": base64.b64encode(b"x"),
                }
            )
        self.assertEqual(other.state, "to_approve")

    # ------------------------------------------------------------------
    # Afterwards
    # ------------------------------------------------------------------
    def test_nobody_changes_a_decision_over_the_orm(self):
        approved = self._amendment(days=10)
        refused = self._amendment(days=12, change_price=True, fee_amount=9.0)
        self._decide_as(self.portal_a, approved, "approve")
        self._decide_as(self.portal_a, refused, "refuse", comment="Non")
        before = (self._snapshot(approved), self._snapshot(refused))
        attempts = [
            {"approved_by_id": self.manager.id},
            {"date_approved": fields.Datetime.now()},
            {"date_refused": False},
            {"refusal_comment": "Oui"},
            {"tma_act_reason": "forged"},
        ]
        for user in (self.engineer, self.manager, self.admin, self.portal_a):
            for amendment in (approved, refused):
                for vals in attempts:
                    with self.subTest(user=user.login, vals=vals):
                        with self.assertRaisesRegex(UserError, IMMUTABLE):
                            amendment.with_user(user).sudo().write(vals)
        for state in ("to_approve", "draft", "cancelled", "approved"):
            with self.subTest(state=state):
                with self.assertRaisesRegex(UserError, IMMUTABLE):
                    refused.sudo().write({"state": state})
                if state != "approved":
                    with self.assertRaisesRegex(UserError, IMMUTABLE):
                        approved.sudo().write({"state": state})
                    # Not even the engine moves it back.
                    with self.assertRaisesRegex(UserError, IMMUTABLE):
                        approved._set_workflow({"state": state})
        with self.assertRaisesRegex(UserError, "refused amendment stays refused"):
            refused.sudo().action_draft()
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            approved.sudo().action_cancel()
        with self.assertRaisesRegex(UserError, "does not await approval"):
            self._decide_as(self.portal_a, refused, "approve")
        with self.assertRaises(UserError):
            refused.sudo().unlink()
        self.assertEqual((self._snapshot(approved), self._snapshot(refused)), before)
        self.assertEqual(len(self._journal()), 2)

    def test_an_approved_amendment_still_applies_on_its_date(self):
        amendment = self._amendment(days=3)
        self._decide_as(self.portal_a, amendment, "approve")
        self.assertEqual(amendment.state, "approved")
        with self._freeze(3):
            self.env["tma.contract.amendment"]._cron_apply_amendments()
        self.assertEqual(amendment.state, "applied")
        self.assertEqual(amendment.approved_by_id, self.portal_a)
        self.assertEqual(self.contract.monthly_volume, 20.0)

    def _freeze(self, days):
        return freeze_time(self.today + timedelta(days=days))

    def test_nobody_changes_a_decision_over_json_rpc(self):
        approved = self._amendment(days=10)
        refused = self._amendment(days=12, change_price=True, fee_amount=9.0)
        self._decide_as(self.portal_a, approved, "approve")
        self._decide_as(self.portal_a, refused, "refuse", comment="Non")
        before = (self._snapshot(approved), self._snapshot(refused))
        model = "tma.contract.amendment"
        self.authenticate(self.admin.login, self.admin.login)
        calls = [
            ("write", [[approved.id], {"approved_by_id": self.admin.id}]),
            ("write", [[approved.id], {"state": "to_approve"}]),
            ("write", [[refused.id], {"refusal_comment": "Oui"}]),
            ("write", [[refused.id], {"state": "approved"}]),
            ("action_draft", [[refused.id]]),
            ("action_cancel", [[approved.id]]),
            ("action_approve", [[refused.id]]),
            ("unlink", [[refused.id]]),
        ]
        for method, args in calls:
            with self.subTest(method=method, args=args):
                answer = call_kw(self, model, method, args)
                self.assertIn("error", answer)
        # A manager over RPC: on behalf without evidence is refused too.
        pending = self._amendment(days=20, change_dates=True, date_end=False)
        self.authenticate(self.manager.login, self.manager.login)
        answer = call_kw(
            self, model, "action_approve", [[pending.id]], {"on_behalf_reason": "x"}
        )
        self.assertIn("needs a reason and an attached", str(answer["error"]))
        answer = call_kw(
            self,
            model,
            "write",
            [[pending.id], {"approved_by_id": self.manager.id}],
        )
        self.assertIn("error", answer)
        self.env.invalidate_all()
        self.assertEqual(pending.state, "to_approve")
        self.assertEqual((self._snapshot(approved), self._snapshot(refused)), before)

    def test_the_portal_shows_who_may_decide(self):
        amendment = self._amendment(days=0)
        self.authenticate(self.engineer.login, self.engineer.login)
        self.url_open(
            f"/my/tma/amendments/{amendment.id}/approve",
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=False,
        )
        self.env.invalidate_all()
        self.assertEqual(amendment.state, "to_approve")
        self.assertFalse(self._journal())

    def test_the_portal_shows_a_decision_recorded_on_behalf(self):
        amendment = self._amendment(days=7)
        amendment.with_user(self.manager).action_refuse(
            "Hors budget",
            on_behalf_reason="Courriel du client",
            evidence=self._evidence(),
        )
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        row = page.partition(f'id="tma_amendment_{amendment.id}"')[2]
        row = row.partition("</tr>")[0]
        self.assertIn("o_tma_act_on_behalf", row)
        self.assertIn(f"Recorded by {self.manager.name} on behalf of", row)

    def test_the_generic_wizard_records_a_decision_on_behalf(self):
        amendment = self._amendment(days=7)
        action = (
            amendment.with_user(self.manager)
            .with_context(tma_act="approve")
            .action_tma_act_on_behalf()
        )
        self.assertEqual(action["res_model"], "tma.act.on.behalf")
        Wizard = self.env["tma.act.on.behalf"].with_user(self.manager)
        Wizard.with_context(**action["context"]).create(
            {
                "on_behalf_reason": "Avenant signé sur papier",
                "evidence": base64.b64encode(b"%PDF avenant"),
                "evidence_name": "avenant.pdf",
            }
        ).action_confirm()
        self.assertEqual(amendment.state, "approved")
        self.assertEqual(amendment.tma_act_evidence_id.name, "avenant.pdf")
        self.assertEqual(self._journal().on_behalf_reason, "Avenant signé sur papier")
