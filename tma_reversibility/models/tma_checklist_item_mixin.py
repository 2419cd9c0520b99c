# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

# What an item's sign-off (or its "not applicable" mark) gives: written by
# ``_tma_record_act`` only, immutable afterwards.
SIGN_OFF_FIELDS = ("state", "signed_by_id", "signed_on")
# The sides of the third parties, whose access ends with their phase.
THIRD_PARTY_SIDES = ("successor", "predecessor")


class TmaChecklistItemMixin(models.AbstractModel):
    """One item of a contract's checklist (the handover's, the take-on's),
    signed off or marked not applicable by the side responsible for it.

    Both are acts (``tma.party.act.mixin``): a client's, a successor's or an
    outgoing provider's item is signed by a user of that party, or recorded
    on its behalf by a TMA manager with a reason and a piece of evidence; a
    provider's item by the provider's staff. The act is journaled in the
    contract's journal and nobody, administrator included, changes it
    afterwards: no return to "to do".

    Inheriting models define ``side`` and implement :meth:`_checklist_side`,
    :meth:`_checklist_side_partner` and :meth:`_check_signable`; they name
    in ``_checklist_evidence_fields`` what the sign-off freezes with it."""

    _name = "tma.checklist.item.mixin"
    _description = "TMA checklist item"
    _inherit = ["mail.thread", "tma.party.act.mixin"]
    _order = "contract_id, sequence, id"

    _tma_act_fields = SIGN_OFF_FIELDS
    # The act's journal code is "<prefix>_signed" or "<prefix>_na".
    _checklist_act_prefix = "checklist"
    # Fields the sign-off freezes with it (the evidence of the item).
    _checklist_evidence_fields = ()

    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    description = fields.Text()
    mandatory = fields.Boolean(default=True)
    due_date = fields.Date()
    state = fields.Selection(
        [("todo", "To do"), ("signed", "Signed off"), ("na", "Not applicable")],
        default="todo",
        required=True,
        tracking=True,
    )
    note = fields.Text()
    signed_by_id = fields.Many2one("res.users", string="Signed off by", readonly=True)
    signed_on = fields.Datetime(string="Signed off on", readonly=True)

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _checklist_side(self, user):
        """The side ``user`` acts for on this item's checklist, or None."""
        raise NotImplementedError()

    def _checklist_side_partner(self):
        """The partner of the side responsible for this item."""
        raise NotImplementedError()

    def _check_signable(self, user):
        """Raise unless this item may be signed off now (contract state,
        evidence, …), whoever signs."""
        raise NotImplementedError()

    def _after_sign(self, user):
        """What signing the item off sets in motion."""

    # ------------------------------------------------------------------
    # The act
    # ------------------------------------------------------------------
    def _tma_act_party(self):
        if self.side == "provider":
            return self.company_id.partner_id
        return self._checklist_side_partner().commercial_partner_id

    def _tma_act_contract(self):
        return self.contract_id

    def _tma_act_applies(self):
        return self.filtered(lambda i: i.state != "todo")

    def _tma_act_label(self, code):
        if code.endswith("_na"):
            return _("mark the item %(item)s not applicable", item=self.name)
        return _("sign off the item %(item)s", item=self.name)

    def _tma_check_act(self, code, partner=None, on_behalf_reason=None, evidence=None):
        """A provider's item is signed off by the provider's staff (marked
        not applicable by a TMA manager), in their own name; any other item
        by its side's party (``tma.party.act.mixin``)."""
        self.ensure_one()
        user = self.env.user
        not_applicable = code.endswith("_na")
        if self.side == "provider":
            group = "group_tma_manager" if not_applicable else "group_tma_user"
            if (
                user.share
                or not user.has_group(f"tma_contract.{group}")
                or on_behalf_reason
                or evidence
            ):
                self._refuse_side(not_applicable)
            return user.partner_id
        on_behalf = on_behalf_reason or evidence
        if not on_behalf and self._checklist_side(user) != self.side:
            self._refuse_side(not_applicable)
        if not on_behalf and user.share:
            self._check_third_party_access(user)
        return super()._tma_check_act(
            code,
            partner=partner,
            on_behalf_reason=on_behalf_reason,
            evidence=evidence,
        )

    def _check_third_party_access(self, user):
        """A third party (the successor, the outgoing provider) acts only
        while its phase runs (``tma.contract._tma_third_party_access``)."""
        if self.side not in THIRD_PARTY_SIDES:
            return
        access = self.contract_id._tma_third_party_access(
            user.partner_id, role=self.side
        )
        if access == "write":
            return
        if access == "read":
            raise UserError(
                _(
                    "Your access to the checklist of %(contract)s is read-only "
                    "now that your part is over: you cannot sign the item "
                    "%(item)s.",
                    contract=self.contract_id.display_name,
                    item=self.name,
                )
            )
        raise UserError(
            _(
                "Your access to the checklist of %(contract)s has ended: you "
                "cannot sign the item %(item)s.",
                contract=self.contract_id.display_name,
                item=self.name,
            )
        )

    def _refuse_side(self, not_applicable):
        if self.side == "provider":
            who = (
                _("a TMA manager")
                if not_applicable
                else _("the provider's staff (TMA users)")
            )
        else:
            sides = dict(self._fields["side"]._description_selection(self.env))
            who = _(
                "the %(side)s (%(party)s), or on its behalf by a TMA manager "
                "with a reason and an attached piece of evidence",
                side=sides[self.side].lower(),
                party=self._tma_act_party().display_name or "-",
            )
        if not_applicable:
            raise UserError(
                _(
                    "The item %(item)s is marked not applicable by %(who)s; "
                    "you cannot mark it.",
                    item=self.name,
                    who=who,
                )
            )
        raise UserError(
            _(
                "The item %(item)s is signed off by %(who)s; you cannot sign it.",
                item=self.name,
                who=who,
            )
        )

    def _check_todo(self):
        if self.state != "todo":
            raise UserError(
                _(
                    "The item %(item)s is already signed off (or marked not "
                    "applicable).",
                    item=self.name,
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_sign(self):
        """Sign the items off, as the current user's side."""
        return self._sign(self.env.user)

    def action_not_applicable(self):
        """Mark the items not applicable, as the current user's side."""
        return self._mark_not_applicable(self.env.user)

    def _sign(self, user, on_behalf_reason=None, evidence=None):
        """Sign the items off as ``user``: a user of the side responsible for
        them, or a TMA manager recording the sign-off on the side's behalf
        with ``on_behalf_reason`` and ``evidence`` (an attachment). The
        portal calls this for its users once it has checked their access."""
        return self._checklist_act("signed", user, on_behalf_reason, evidence)

    def _mark_not_applicable(self, user, on_behalf_reason=None, evidence=None):
        """Mark the items not applicable as ``user`` (same rules as
        :meth:`_sign`, a TMA manager for a provider's item). A mandatory
        item is never marked not applicable."""
        return self._checklist_act("na", user, on_behalf_reason, evidence)

    def _tma_act_on_behalf(self, act, on_behalf_reason, evidence, **details):
        """``act``: "signed" (sign off) or "na" (mark not applicable), on
        the side's behalf, by the current user (a TMA manager)."""
        if act in ("signed", "na"):
            return self._checklist_act(act, self.env.user, on_behalf_reason, evidence)
        return super()._tma_act_on_behalf(act, on_behalf_reason, evidence, **details)

    def _checklist_act(self, state, user, on_behalf_reason, evidence):
        """Give the items ``state`` (signed, na) as ``user``: the act,
        journaled, then its note in the chatter."""
        act = {"on_behalf_reason": on_behalf_reason, "evidence": evidence}
        for item in self.with_user(user).sudo():
            code = f"{item._checklist_act_prefix}_{state}"
            item._check_todo()
            item._tma_check_act(code, **act)
            env = item._tma_act_reader_env()
            if state == "signed":
                item._check_signable(user)
                message = env._("Signed off by %(user)s.", user=user.name)
            else:
                if item.mandatory:
                    raise UserError(
                        _("A mandatory item cannot be marked not applicable.")
                    )
                message = env._("Marked not applicable by %(user)s.", user=user.name)
            values = {
                "state": state,
                "signed_by_id": user.id,
                "signed_on": fields.Datetime.now(),
            }
            item._tma_record_act(code, values, **act)
            if item.tma_act_reason:
                message = env._(
                    "%(message)s %(recorded_as)s: %(reason)s",
                    message=message,
                    recorded_as=item.with_env(env).tma_act_recorded_as,
                    reason=item.tma_act_reason,
                )
            item.message_post(
                body=env._(
                    "%(message)s %(receipt)s",
                    message=message,
                    receipt=item._tma_act_receipt(),
                ),
                subtype_xmlid="mail.mt_note",
            )
            if state == "signed":
                item._after_sign(user)
        return True

    # ------------------------------------------------------------------
    # CRUD: the sign-off is an act, never a write
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # "To do" is where every item starts (the web client sends it).
            if vals.get("state") == "todo":
                del vals["state"]
        return super().create(vals_list)

    def write(self, vals):
        if not self._tma_is_act_writer():
            frozen = set(SIGN_OFF_FIELDS)
            if self._tma_act_applies():
                frozen |= set(self._checklist_evidence_fields)
            if frozen & set(vals):
                self.check_access("write")
                raise UserError(
                    _(
                        "A checklist item is signed off (or marked not "
                        "applicable) with its button, by the side responsible "
                        "for it; once it is, nobody changes it or puts it "
                        "back to do, administrator included."
                    )
                )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed(self):
        if self._tma_act_applies():
            raise UserError(
                _("A signed-off (or not applicable) item cannot be deleted.")
            )
