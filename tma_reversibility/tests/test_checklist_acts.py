# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The checklists' sign-offs are the parties' word: a client's, a
successor's or an outgoing provider's item is signed by a user of that party
(or recorded on its behalf by a TMA manager with a reason and a piece of
evidence), a provider's item by the provider's staff; each act is journaled
and nobody, administrator included, changes it afterwards."""

import base64

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.common import call_kw

from .test_takeon import TakeonCommon

NOW = "2026-03-10 09:30:00"
FROZEN = "nobody changes it"


class ChecklistActsCommon(TakeonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.contract.action_start_reversibility()
        cls.handover = cls._by_side(cls.contract.reversibility_item_ids)
        cls.takeon_items = cls._by_side(
            cls.takeon.takeon_item_ids.filtered(
                lambda i: i.item_type != "service_start"
            )
        )
        for item in cls.handover.values():
            item.mandatory = False
            if item.evidence_required:
                item.attachment_ids = cls._evidence_file(item)
        for item in cls.takeon_items.values():
            item.mandatory = False

    @classmethod
    def _by_side(cls, items):
        return {
            side: items.filtered(lambda i, s=side: i.side == s)[:1]
            for side in (
                "provider",
                "client",
                "successor",
                "predecessor",
            )
            if items.filtered(lambda i, s=side: i.side == s)
        }

    @classmethod
    def _evidence_file(cls, record):
        return cls.env["ir.attachment"].create(
            {
                "name": "courriel.eml",
                "datas": base64.b64encode(b"Accord par courriel"),
                "res_model": record._name,
                "res_id": record.id,
            }
        )

    def _signers(self):
        return {
            "provider": self.engineer,
            "client": self.portal_a,
            "successor": self.portal_successor,
            "predecessor": self.portal_predecessor,
        }

    def _checklists(self):
        return {"handover": self.handover, "takeon": self.takeon_items}

    def _journal(self, contract):
        return self.env["tma.act.journal"].search(
            [("contract_id", "=", contract.id)], order="sequence"
        )


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestChecklistActs(ChecklistActsCommon):
    def test_each_party_signs_its_item_and_the_act_is_journaled(self):
        signers = self._signers()
        for checklist, items in self._checklists().items():
            for side, item in items.items():
                with self.subTest(checklist=checklist, side=side):
                    user = signers[side]
                    item._sign(user)
                    self.assertEqual(item.state, "signed")
                    self.assertEqual(item.signed_by_id, user)
                    self.assertEqual(str(item.signed_on), NOW)
                    self.assertEqual(item.tma_act_partner_id, user.partner_id)
                    entry = item.tma_act_journal_id
                    self.assertEqual(
                        (entry.code, entry.res_model, entry.res_id),
                        (f"{item._checklist_act_prefix}_signed", item._name, item.id),
                    )
                    self.assertEqual(entry.user_id, user)
                    self.assertEqual(
                        entry.partner_id, item._tma_act_party().commercial_partner_id
                    )
                    self.assertIn('"state":"signed"', entry.values_json)
        for contract in (self.contract, self.takeon):
            self.assertEqual(len(self._journal(contract)), 3)
            self.assertIsNone(contract._tma_verify_journal())

    def test_who_may_not_sign_is_refused_and_nothing_changes(self):
        foreign = {
            "client": self.portal_successor,
            "successor": self.portal_a,
            "predecessor": self.portal_a,
        }
        for checklist, items in self._checklists().items():
            for side, item in items.items():
                if side == "provider":
                    refused = (self.portal_a, self.portal_b)
                    who = "provider's staff"
                else:
                    refused = (
                        self.engineer,
                        self.manager,
                        self.admin,
                        self.portal_b,
                        foreign[side],
                    )
                    who = rf"by the \w[\w ]* \({item._tma_act_party().name}\)"
                for user in refused:
                    with self.subTest(checklist=checklist, side=side, user=user.login):
                        with self.assertRaisesRegex(UserError, who):
                            item._sign(user)
                        with self.assertRaisesRegex(UserError, "cannot mark it"):
                            item._mark_not_applicable(user)
        # On behalf: a reason and a piece of evidence, from a TMA manager.
        item = self.handover["client"]
        evidence = self._evidence_file(self.contract)
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            item._sign(self.manager, on_behalf_reason="Au téléphone")
        with self.assertRaisesRegex(UserError, "needs a reason and an attached"):
            item._sign(self.manager, on_behalf_reason=" ", evidence=evidence)
        with self.assertRaisesRegex(UserError, "Only a user of Client A"):
            item._sign(self.engineer, on_behalf_reason="x", evidence=evidence)
        with self.assertRaisesRegex(UserError, "cannot sign it"):
            self.handover["provider"]._sign(
                self.manager, on_behalf_reason="x", evidence=evidence
            )
        self.env.invalidate_all()
        for items in self._checklists().values():
            for item in items.values():
                self.assertEqual(item.state, "todo")
                self.assertFalse(item.signed_by_id or item.signed_on)
        for contract in (self.contract, self.takeon):
            self.assertFalse(self._journal(contract))
            self.assertEqual(contract.act_seq, 0)

    def test_a_manager_signs_on_the_partys_behalf(self):
        for checklist, items in self._checklists().items():
            for side in ("client", "successor", "predecessor"):
                item = items.get(side)
                if not item:
                    continue
                with self.subTest(checklist=checklist, side=side):
                    evidence = self._evidence_file(item.contract_id)
                    item._sign(
                        self.manager,
                        on_behalf_reason="Accord donné en réunion",
                        evidence=evidence,
                    )
                    party = item._tma_act_party().commercial_partner_id
                    self.assertEqual(item.state, "signed")
                    self.assertEqual(item.signed_by_id, self.manager)
                    self.assertEqual(item.tma_act_evidence_id, evidence)
                    self.assertEqual(
                        item.tma_act_recorded_as,
                        f"Recorded by {self.manager.name} on behalf of "
                        f"{party.display_name}",
                    )
                    entry = item.tma_act_journal_id
                    self.assertEqual(entry.on_behalf_reason, "Accord donné en réunion")
                    self.assertEqual(entry.evidence_id, evidence)
                    self.assertEqual(entry.actor_partner_id, party)
                    self.assertIn("on behalf of", item.message_ids[0].body)

    def test_a_signed_item_is_frozen_for_everybody(self):
        self.handover["client"]._sign(self.portal_a)
        self.handover["provider"]._mark_not_applicable(self.manager)
        self.takeon_items["predecessor"]._sign(self.portal_predecessor)
        self.takeon_items["provider"].with_user(self.engineer).action_sign()
        done = (
            self.handover["client"],
            self.handover["provider"],
            self.takeon_items["predecessor"],
            self.takeon_items["provider"],
        )
        before = [(i.state, i.signed_by_id, i.signed_on) for i in done]
        writes = (
            {"state": "todo"},
            {"state": "signed"},
            {"signed_by_id": self.admin.id},
            {"signed_on": "2026-01-01 00:00:00"},
        )
        for item in done:
            for user in (self.engineer, self.manager, self.admin):
                for vals in writes:
                    with self.subTest(item=item.name, user=user.login, vals=vals):
                        with self.assertRaisesRegex(UserError, FROZEN):
                            item.with_user(user).write(vals)
                        with self.assertRaisesRegex(UserError, FROZEN):
                            item.with_user(user).sudo().write(vals)
            with self.assertRaisesRegex(UserError, "cannot be (modified or )?deleted"):
                item.sudo().unlink()
            with self.assertRaisesRegex(UserError, "cannot be modified"):
                item.sudo().write({"tma_act_reason": "forged"})
            with self.assertRaisesRegex(UserError, "already signed off"):
                item._sign(self.admin)
        # What the item was signed with is frozen with it.
        with self.assertRaisesRegex(UserError, FROZEN):
            self.handover["client"].sudo().write({"attachment_ids": [(5,)]})
        with self.assertRaisesRegex(UserError, FROZEN):
            self.takeon_items["predecessor"].sudo().write({"attendees": "Personne"})
        self.env.invalidate_all()
        self.assertEqual([(i.state, i.signed_by_id, i.signed_on) for i in done], before)

    def test_a_pending_item_is_not_signed_by_writing(self):
        for items in self._checklists().values():
            item = items["client"]
            for user in (self.engineer, self.manager, self.admin):
                with self.assertRaisesRegex(UserError, FROZEN):
                    item.with_user(user).write({"state": "signed"})
                with self.assertRaisesRegex(UserError, FROZEN):
                    item.with_user(user).sudo().write({"state": "na"})
            with self.assertRaises(AccessError):
                item.with_user(self.portal_a).write({"state": "signed"})
            self.assertEqual(item.state, "todo")
        # Its evidence is still added while it is to do.
        self.takeon_items["client"].with_user(self.engineer).write(
            {"attendees": "Alice, Paul"}
        )

    def test_not_applicable_is_the_sides_act(self):
        self.handover["client"]._mark_not_applicable(self.portal_a)
        self.assertEqual(self.handover["client"].state, "na")
        self.assertEqual(
            self.handover["client"].tma_act_journal_id.code, "handover_item_na"
        )
        with self.assertRaisesRegex(UserError, "a TMA manager"):
            self.takeon_items["provider"]._mark_not_applicable(self.engineer)
        self.takeon_items["provider"]._mark_not_applicable(self.manager)
        self.assertEqual(self.takeon_items["provider"].state, "na")
        mandatory = self.takeon_items["client"]
        mandatory.mandatory = True
        with self.assertRaisesRegex(UserError, "mandatory item"):
            mandatory._mark_not_applicable(self.portal_a)
        self.assertEqual(mandatory.state, "todo")

    def test_take_on_items_are_in_the_clients_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        # (Odoo's runner builds its database without French: load it.)
        self.env["ir.module.module"]._load_module_terms(
            ["tma_reversibility"], ["fr_FR"]
        )
        self.client_a.lang = "fr_FR"
        contract = self._create_contract(activate=False, title="Repris en français")
        contract.action_start_transition()
        template = self.env.ref("tma_reversibility.tma_takeon_template_default")
        french = template.with_context(lang="fr_FR").line_ids.mapped("name")
        english = template.with_context(lang="en_US").line_ids.mapped("name")
        self.assertNotEqual(french, english)
        self.assertEqual(
            contract.takeon_item_ids.sorted("sequence").mapped("name"), french
        )


@tagged("post_install", "-at_install")
class TestChecklistActsRpc(HttpCase, ChecklistActsCommon):
    """Over JSON-RPC, as the web client: the staff sign nobody's item and
    change no signed item."""

    def _rpc(self, user, item, method, args):
        self.authenticate(user.login, user.login)
        return call_kw(self, item._name, method, [item.ids, *args])

    def test_rpc_refuses_signing_for_a_party_and_editing_a_signature(self):
        for checklist, items in self._checklists().items():
            with self.subTest(checklist=checklist):
                item = items["client"]
                for user in (self.engineer, self.manager, self.admin):
                    for method, args in (
                        ("write", [{"state": "signed"}]),
                        ("action_sign", []),
                        ("action_not_applicable", []),
                    ):
                        answer = self._rpc(user, item, method, args)
                        self.assertIn("error", answer, (user.login, method))
                self.env.invalidate_all()
                self.assertEqual(item.state, "todo")
                item._sign(self.portal_a)
                signed = (item.state, item.signed_by_id, item.signed_on)
                for user in (self.engineer, self.manager, self.admin):
                    for vals in (
                        {"state": "todo"},
                        {"signed_by_id": user.id},
                        {"signed_on": "2026-01-01 00:00:00"},
                    ):
                        answer = self._rpc(user, item, "write", [vals])
                        self.assertIn("error", answer, (user.login, vals))
                        self.assertIn(FROZEN, answer["error"]["data"]["message"], vals)
                self.env.invalidate_all()
                self.assertEqual(
                    (item.state, item.signed_by_id, item.signed_on), signed
                )
