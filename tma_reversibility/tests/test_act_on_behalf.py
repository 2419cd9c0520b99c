# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A checklist item signed off (or marked not applicable) on its side's
behalf, from the backend: a TMA manager only, with a reason and the piece
of evidence (``tma.act.on.behalf``); journaled as such, and shown as
"recorded by … on behalf of …" in the backend and on the portal."""

import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .test_checklist_acts import NOW, ChecklistActsCommon

REASON = "Procès-verbal signé en réunion"


class OnBehalfCommon(ChecklistActsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # An administrator of the database who is no TMA manager.
        cls.sysadmin = cls._create_user(
            "sysadmin_on_behalf", ["base.group_system", "tma_contract.group_tma_user"]
        )

    def _record_on_behalf(self, user, item, act="signed", evidence=True):
        action = item.with_user(user).with_context(tma_act=act)
        action = action.action_tma_act_on_behalf()
        values = {"on_behalf_reason": REASON}
        if evidence:
            values.update(
                evidence=base64.b64encode(b"%PDF proces-verbal"),
                evidence_name="pv.pdf",
            )
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create(values)
        )
        return wizard.action_confirm()


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestChecklistOnBehalf(OnBehalfCommon):
    def test_a_manager_records_a_sign_off_with_reason_and_evidence(self):
        for checklist, items in self._checklists().items():
            item = items["client"]
            with self.subTest(checklist=checklist):
                self._record_on_behalf(self.manager, item)
                self.assertEqual(item.state, "signed")
                evidence = item.tma_act_evidence_id
                self.assertEqual(evidence.name, "pv.pdf")
                self.assertEqual(
                    (evidence.res_model, evidence.res_id), (item._name, item.id)
                )
                entry = item.tma_act_journal_id
                self.assertEqual(entry.on_behalf_reason, REASON)
                self.assertEqual(entry.evidence_id, evidence)
                self.assertEqual(entry.user_id, self.manager)
                self.assertEqual(entry.actor_partner_id, self.client_a)
                self.assertEqual(
                    item.tma_act_recorded_as,
                    f"Recorded by {self.manager.name} on behalf of "
                    f"{self.client_a.display_name}",
                )
                self.assertIn("on behalf of", item.message_ids[0].body)

    def test_a_manager_marks_an_item_not_applicable_on_behalf(self):
        item = self.handover["successor"]
        self._record_on_behalf(self.manager, item, act="na")
        self.assertEqual(item.state, "na")
        self.assertEqual(item.tma_act_journal_id.code, "handover_item_na")
        self.assertEqual(item.tma_act_journal_id.on_behalf_reason, REASON)

    def test_without_evidence_the_manager_is_refused(self):
        item = self.handover["client"]
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            self._record_on_behalf(self.manager, item, evidence=False)
        self.assertEqual(item.state, "todo")
        self.assertFalse(self._journal(item.contract_id))

    def test_a_tma_user_and_an_administrator_are_refused(self):
        item = self.handover["client"]
        for user in (self.engineer, self.sysadmin):
            with self.subTest(user=user.login):
                with self.assertRaisesRegex(AccessError, "Only a TMA manager"):
                    item.with_user(user).action_tma_act_on_behalf()
                with self.assertRaises(AccessError):
                    self.env["tma.act.on.behalf"].with_user(user).create(
                        {
                            "res_model": item._name,
                            "res_id": item.id,
                            "act": "signed",
                            "on_behalf_reason": REASON,
                            "evidence": base64.b64encode(b"x"),
                        }
                    )
                evidence = self._evidence_file(item.contract_id)
                with self.assertRaisesRegex(UserError, "Only a user of Client A may"):
                    item.with_user(user)._tma_act_on_behalf("signed", REASON, evidence)
        self.assertEqual(item.state, "todo")
        self.assertFalse(self._journal(item.contract_id))

    def test_the_partys_own_sign_off_is_unaffected(self):
        item = self.handover["client"]
        item._sign(self.portal_a)
        self.assertEqual(item.state, "signed")
        self.assertFalse(item.tma_act_reason)
        self.assertFalse(item.tma_act_journal_id.on_behalf_reason)
        self.assertEqual(
            item.tma_act_recorded_as, f"Given by {self.contact_a.display_name}"
        )
        # Once signed, not even a manager records it again on its behalf.
        with self.assertRaises(UserError):
            self._record_on_behalf(self.manager, item)


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestChecklistOnBehalfPortal(HttpCase, OnBehalfCommon):
    def _csrf(self):
        from odoo import http

        return http.Request.csrf_token(self)

    def test_the_portal_shows_an_act_recorded_on_behalf(self):
        self._record_on_behalf(self.manager, self.handover["client"])
        self._record_on_behalf(self.manager, self.handover["successor"])
        recorded = f"Recorded by {self.manager.name} on behalf of"
        self.authenticate(self.portal_a.login, self.portal_a.login)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        checklist = page.partition('id="tma_checklist"')[2].partition("</table>")[0]
        self.assertIn("o_tma_act_on_behalf", checklist)
        self.assertIn(f"{recorded} {self.client_a.display_name}", checklist)
        self.authenticate(self.portal_successor.login, self.portal_successor.login)
        page = self.url_open(f"/my/tma/handover/{self.contract.id}").text
        self.assertIn(recorded, page)

    def test_a_sign_off_on_the_portal_confirms_its_journal_entry(self):
        item = self.handover["client"]
        self.authenticate(self.portal_a.login, self.portal_a.login)
        response = self.url_open(
            f"/my/tma/checklist/{item.id}/sign",
            data={"csrf_token": self._csrf()},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        entry = item.tma_act_journal_id
        self.assertTrue(entry)
        page = self.url_open(f"/my/tma/contracts/{self.contract.id}").text
        self.assertIn("The item is signed off.", page)
        self.assertIn(
            f"entry No. {entry.sequence}, hash {entry.inalterable_hash}", page
        )
        self.assertNotIn("o_tma_act_on_behalf", page)
