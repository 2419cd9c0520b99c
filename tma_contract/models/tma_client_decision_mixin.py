# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class TmaClientDecisionMixin(models.AbstractModel):
    """The client's decision on a document of its contract the provider
    sends it (an estimate to approve or refuse, a delivery to accept or
    reject, an amendment to approve or refuse): a party's act
    (``tma.party.act.mixin``) that moves the document out of the state
    where it awaits the decision.

    One shape for every decision, :meth:`_tma_decide`: check who decides
    (the client's user, a TMA manager on its behalf with a reason and a
    piece of evidence, or the system for a contact of the client), lock the
    document and check it still awaits the decision (of two decisions at
    once, the second is refused), move it, record the act in the contract's
    journal, all or nothing, then tell the client. A model declares its
    decisions in ``_tma_decisions`` and keeps only its own effects, in the
    hooks :meth:`_tma_before_decision`, :meth:`_tma_after_decision` (in the
    same transaction as the act) and :meth:`_tma_decision_done` (once the
    client is told).

    Inheriting models have ``partner_id`` and ``contract_id`` fields and a
    ``state`` the engine writes (``tma.ledger.protected.mixin``).
    """

    _name = "tma.client.decision.mixin"
    _inherit = ["tma.ledger.protected.mixin", "tma.party.act.mixin"]
    _description = "TMA client's decision"

    # The state in which the document awaits the client's decision.
    _tma_decision_awaiting = None
    # {decision: {"code": the act's code, "state": the state it moves to,
    #             "user": field of the user it is attributed to,
    #             "date": field of its moment, "comment": field of the
    #             client's comment}}; "user", "date", "comment" optional.
    # Read through :meth:`_tma_get_decisions`.
    _tma_decisions = {}

    # ------------------------------------------------------------------
    # The party's act
    # ------------------------------------------------------------------
    def _tma_act_party(self):
        return self.partner_id.commercial_partner_id

    def _tma_act_contract(self):
        return self.contract_id

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _tma_get_decisions(self):
        """The model's decisions (``_tma_decisions`` by default)."""
        return self._tma_decisions

    def _tma_decision_not_awaiting(self):
        """The refusal of a decision on a document that no longer awaits one
        (decided already, cancelled, superseded)."""
        raise NotImplementedError()

    def _tma_check_decision(self, decision, comment):
        """Refuse the decision before anything is checked or written (a
        comment the decision needs, …)."""

    def _tma_decision_transaction(self):
        """The savepoint the decision and its effects are made in."""
        return self.env.cr.savepoint()

    def _tma_before_decision(self, decision):
        """The model's effects before the document moves (reserve, …),
        under the document's lock and in the decision's transaction."""

    def _tma_after_decision(self, decision):
        """The model's effects once the act is recorded (consume, send the
        work back, …), in the decision's transaction."""

    def _tma_decision_message(self, decision, **params):
        """What the client is told of the decision ``decision``; ``params``:
        the document's ``name``, the ``partner`` who gave it (a name) and
        the client's ``comment``."""
        raise NotImplementedError()

    def _tma_decision_announce(self, message):
        """Tell the client (by default with the act's journal entry on the
        record's thread and by email: :meth:`_tma_act_confirm`)."""
        self._tma_act_confirm(message)

    def _tma_decision_done(self, decision):
        """The model's effects once the client is told (apply, …)."""

    # ------------------------------------------------------------------
    # The decision
    # ------------------------------------------------------------------
    def _tma_evidence(self, evidence):
        """``evidence`` as a record: a caller over RPC gives its id."""
        if isinstance(evidence, int) and not isinstance(evidence, bool):
            return self.env["ir.attachment"].browse(evidence)
        return evidence or None

    def _tma_decide(
        self,
        decision,
        partner,
        comment=None,
        values=None,
        on_behalf_reason=None,
        evidence=None,
    ):
        """The client decides ``decision`` (a key of :meth:`_tma_get_decisions`)
        through ``partner`` (one of its contacts, or its id), with an
        optional ``comment`` and the act's own ``values``. Made by the
        current user when it is ``partner``'s, or recorded on the client's
        behalf by a TMA manager with ``on_behalf_reason`` and ``evidence``
        (an attachment). Returns the partner the decision is attributed to.
        """
        self.ensure_one()
        spec = self._tma_get_decisions()[decision]
        partner = self._tma_partner(partner)
        comment = (comment or "").strip() or False
        self._tma_check_decision(decision, comment)
        act = {
            "partner": partner,
            "on_behalf_reason": on_behalf_reason,
            "evidence": self._tma_evidence(evidence),
        }
        values = dict(values or {})
        if spec.get("user"):
            values[spec["user"]] = self._tma_act_user(partner).id
        if spec.get("date"):
            values[spec["date"]] = fields.Datetime.now()
        if spec.get("comment"):
            values[spec["comment"]] = comment
        actor = self._tma_check_act(spec["code"], **act)
        with self._tma_decision_transaction():
            # Two decisions at once: the second waits for the first, then
            # finds the document decided.
            self._tma_lock_awaiting(
                self._tma_decision_awaiting, self._tma_decision_not_awaiting()
            )
            self._tma_before_decision(decision)
            self._tma_engine().write({"state": spec["state"]})
            self._tma_record_act(spec["code"], values, **act)
            self._tma_after_decision(decision)
        self._tma_decision_announce(
            self._tma_decision_message(
                decision, name=self.name, partner=actor.name, comment=comment or ""
            )
        )
        self._tma_decision_done(decision)
        return actor

    def _tma_act_on_behalf(self, act, on_behalf_reason, evidence, **details):
        """``act``: one of the model's decisions (with the contact in
        ``partner`` and the client's ``comment``)."""
        if act not in self._tma_get_decisions():
            return super()._tma_act_on_behalf(
                act, on_behalf_reason, evidence, **details
            )
        for record in self:
            record._tma_decide(
                act,
                details.get("partner"),
                details.get("comment"),
                on_behalf_reason=on_behalf_reason,
                evidence=evidence,
            )
        return True
