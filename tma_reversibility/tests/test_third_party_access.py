# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The third parties' word ends with their phase: the outgoing provider reads
and signs the take-on until the service start, the successor the handover
until the closing; then each reads for the contract's grace period, without
signing; then nothing. The client keeps its access."""

from freezegun import freeze_time

from odoo import http
from odoo.exceptions import ValidationError
from odoo.tests import HttpCase, tagged

from odoo.addons.tma_contract.tests.common import call_kw

from .test_takeon import TakeonCommon

# The phase, the grace period (30 days by default), after it.
PHASE = "2026-03-10 09:30:00"
PHASE_END = "2026-03-12 10:00:00"
GRACE = "2026-04-01 10:00:00"
AFTER = "2026-05-01 10:00:00"
READ_ONLY = "read-only now that your part is over"
ENDED = "has ended"


class ThirdPartyCommon(TakeonCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract.action_start_reversibility()
        cls.phases = {
            "predecessor": (cls.takeon, "tma.takeon.item", cls.portal_predecessor),
            "successor": (
                cls.contract,
                "tma.reversibility.item",
                cls.portal_successor,
            ),
        }
        # An optional item of each third party, left to sign after its phase.
        cls.extra = {
            "predecessor": cls.env["tma.takeon.item"].create(
                {
                    "contract_id": cls.takeon.id,
                    "name": "Late note",
                    "side": "predecessor",
                    "mandatory": False,
                }
            ),
            "successor": cls.env["tma.reversibility.item"].create(
                {
                    "contract_id": cls.contract.id,
                    "name": "Late note",
                    "side": "successor",
                    "mandatory": False,
                }
            ),
        }

    def _end_phase(self, role):
        """Sign what is left but the extra item, then start the service (the
        take-on) or close the contract (the handover)."""
        contract, field = (
            (self.takeon, "takeon_item_ids")
            if role == "predecessor"
            else (self.contract, "reversibility_item_ids")
        )
        users = dict(self._users(), successor=self.portal_successor)
        todo = contract[field].filtered(
            lambda i: i.state == "todo" and i != self.extra[role]
        )
        service_start = todo.filtered(
            lambda i: i._name == "tma.takeon.item" and i.item_type == "service_start"
        )
        for item in todo - service_start:
            if item._name == "tma.reversibility.item" and item.evidence_required:
                self._attach_evidence(item)
            user = users[item.side]
            if user.share:
                item._sign(user)
            else:
                item.with_user(user).action_sign()
        if role == "predecessor":
            service_start._sign(self.portal_a)
            self.assertEqual(self.takeon.state, "active")
            return
        contract.action_close()
        self.assertEqual(contract.state, "closed")

    def _signable(self, role, contract):
        """An item of ``role`` it signs during its phase (not the extra)."""
        items = (
            contract.takeon_item_ids
            if role == "predecessor"
            else contract.reversibility_item_ids
        )
        return items.filtered(
            lambda i: (
                i.side == role
                and i != self.extra[role]
                and not (i._name == "tma.reversibility.item" and i.evidence_required)
            )
        )[:1]


@tagged("post_install", "-at_install")
@freeze_time(PHASE)
class TestThirdPartyAccess(ThirdPartyCommon):
    def test_access_follows_the_phase_and_the_grace_period(self):
        for role, (contract, _model, user) in self.phases.items():
            with self.subTest(role=role):
                partner = user.partner_id
                self.assertEqual(contract._tma_third_party_access(partner), "write")
                with freeze_time(PHASE_END):
                    self._end_phase(role)
                    self.assertEqual(contract._tma_third_party_access(partner), "read")
                with freeze_time(GRACE):
                    self.assertEqual(contract._tma_third_party_access(partner), "read")
                    with self.assertRaisesRegex(Exception, READ_ONLY):
                        self.extra[role]._sign(user)
                with freeze_time(AFTER):
                    self.assertFalse(contract._tma_third_party_access(partner))
                    with self.assertRaisesRegex(Exception, ENDED):
                        self.extra[role]._sign(user)
                self.assertFalse(
                    contract._tma_third_party_access(self.portal_a.partner_id)
                )

    def test_the_grace_period_is_set_on_the_contract(self):
        self.takeon.third_party_grace_days = 0
        with freeze_time(PHASE_END):
            self._end_phase("predecessor")
        partner = self.portal_predecessor.partner_id
        with freeze_time("2026-03-12 20:00:00"):
            # The service start's day, in Paris or in UTC.
            self.assertEqual(self.takeon._tma_third_party_access(partner), "read")
        with freeze_time("2026-03-14 10:00:00"):
            self.assertFalse(self.takeon._tma_third_party_access(partner))

    def test_a_negative_grace_period_is_refused(self):
        with self.assertRaises(ValidationError):
            self.contract.third_party_grace_days = -1


@tagged("post_install", "-at_install")
@freeze_time(PHASE)
class TestThirdPartyAccessPortal(HttpCase, ThirdPartyCommon):
    PAGES = {
        "predecessor": ("/my/tma/takeon/{}", "o_tma_takeon_sign"),
        "successor": ("/my/tma/handover/{}", "o_tma_sign"),
    }
    SIGN = {
        "predecessor": "/my/tma/takeon/item/{}/sign",
        "successor": "/my/tma/checklist/{}/sign",
    }

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _post_sign(self, role, item, follow=False):
        return self.url_open(
            self.SIGN[role].format(item.id),
            data={"csrf_token": http.Request.csrf_token(self)},
            allow_redirects=follow,
        )

    def _rpc_read(self, model, contract):
        return call_kw(
            self,
            model,
            "search_read",
            [[("contract_id", "=", contract.id)], ["name", "state"]],
        )

    def test_third_parties_read_and_sign_then_read_then_nothing(self):
        for role, (contract, model, user) in self.phases.items():
            with self.subTest(role=role):
                page, button = self.PAGES[role]
                page = page.format(contract.id)
                items = contract[
                    "takeon_item_ids"
                    if role == "predecessor"
                    else "reversibility_item_ids"
                ]
                mine = items.filtered(lambda i, r=role: i.side == r)
                first = self._signable(role, contract)
                self.assertTrue(first)
                # During its phase: it reads and signs.
                self._login(user)
                response = self.url_open(page)
                self.assertEqual(response.status_code, 200)
                self.assertIn(button, response.text)
                self.assertEqual(
                    len(self._rpc_read(model, contract)["result"]), len(items)
                )
                self._post_sign(role, first)
                self.env.invalidate_all()
                self.assertEqual(first.state, "signed")
                with freeze_time(PHASE_END):
                    self._end_phase(role)
                # The grace period: it reads, signs nothing.
                with freeze_time(GRACE):
                    self._login(user)
                    response = self.url_open(page)
                    self.assertEqual(response.status_code, 200)
                    self.assertNotIn(button, response.text)
                    self.assertEqual(
                        len(self._rpc_read(model, contract)["result"]), len(items)
                    )
                    refused = self._post_sign(role, self.extra[role], follow=True)
                    self.assertIn(READ_ONLY, refused.text)
                    answer = call_kw(self, model, "action_sign", [self.extra[role].ids])
                    self.assertIn(READ_ONLY, answer["error"]["data"]["message"])
                    self.env.invalidate_all()
                    self.assertEqual(self.extra[role].state, "todo")
                # After it: nothing.
                with freeze_time(AFTER):
                    self._login(user)
                    refused = self.url_open(page, allow_redirects=False)
                    self.assertIn(refused.status_code, (302, 303))
                    self.assertTrue(refused.headers["Location"].endswith("/my"))
                    listing = self.url_open(
                        page.rsplit("/", 1)[0], allow_redirects=False
                    )
                    self.assertEqual(listing.status_code, 200)
                    self.assertNotIn(page, listing.text)
                    refused = self._post_sign(role, self.extra[role])
                    self.assertTrue(refused.headers["Location"].endswith("/my"))
                    self.assertEqual(self._rpc_read(model, contract)["result"], [])
                    answer = call_kw(self, model, "read", [mine.ids, ["name"]])
                    self.assertIn("error", answer)
                    answer = call_kw(self, model, "action_sign", [self.extra[role].ids])
                    self.assertIn(ENDED, answer["error"]["data"]["message"])
                    # The client keeps its access.
                    self._login(self.portal_a)
                    response = self.url_open(f"/my/tma/contracts/{contract.id}")
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(
                        len(self._rpc_read(model, contract)["result"]), len(items)
                    )
