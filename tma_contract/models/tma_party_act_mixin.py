# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .utils import reader_env

# Only code running in this process can hold this object: a context that comes
# from JSON-RPC never contains it. ``_tma_record_act`` writes the act's fields
# with it; any other write of them is refused, administrator included.
ACT_SENTINEL = object()


class TmaPartyActMixin(models.AbstractModel):
    """An act a party other than the provider makes (a client's rating, its
    approval of minutes, …).

    Only a user of the party acts; a TMA manager may record the act on its
    behalf, with a reason and an attached piece of evidence. The act is made
    once, through :meth:`_tma_record_act`: its fields (``_tma_act_fields``
    and the fields below) are then immutable for everybody, and the act is
    appended to the contract's journal (``tma.act.journal``). Changing one's
    mind is a new act, never an edit.

    Inheriting models declare ``_tma_act_fields`` and implement
    :meth:`_tma_act_party`, :meth:`_tma_act_contract` and, when the act does
    not concern every record, :meth:`_tma_act_applies`.
    """

    _name = "tma.party.act.mixin"
    _description = "TMA act of a party"

    # The model's own fields the act gives (its value, its comment, …).
    _tma_act_fields = ()

    tma_act_user_id = fields.Many2one(
        "res.users", string="Act recorded by", readonly=True, copy=False
    )
    tma_act_partner_id = fields.Many2one(
        "res.partner", string="Act given by", readonly=True, copy=False
    )
    tma_act_on = fields.Datetime(string="Act recorded on", readonly=True, copy=False)
    tma_act_reason = fields.Text(string="On-behalf reason", readonly=True, copy=False)
    tma_act_evidence_id = fields.Many2one(
        "ir.attachment", string="On-behalf evidence", readonly=True, copy=False
    )
    tma_act_journal_id = fields.Many2one(
        "tma.act.journal", string="Journal entry", readonly=True, copy=False
    )
    tma_act_recorded_as = fields.Char(
        string="Act", compute="_compute_tma_act_recorded_as"
    )

    def _tma_all_act_fields(self):
        return set(self._tma_act_fields) | {
            "tma_act_user_id",
            "tma_act_partner_id",
            "tma_act_on",
            "tma_act_reason",
            "tma_act_evidence_id",
            "tma_act_journal_id",
        }

    # ------------------------------------------------------------------
    # Hooks
    # ------------------------------------------------------------------
    def _tma_act_party(self):
        """The party whose act it is (a commercial partner)."""
        raise NotImplementedError()

    def _tma_act_contract(self):
        """The contract whose journal records the act."""
        raise NotImplementedError()

    def _tma_act_reader_env(self):
        """The environment of the texts written for the party of the act
        (its language: see ``reader_env``)."""
        return reader_env(self.env, self.sudo()._tma_act_party())

    def _tma_act_applies(self):
        """The records of ``self`` that hold a party's act (all by default)."""
        return self

    def _tma_act_receipt(self):
        """The act's journal entry, in words, for the confirmation the party
        receives (its chatter message, its email): the number and the hash
        let it check the journal later (portal, reversibility package)."""
        self.ensure_one()
        entry = self.sudo().tma_act_journal_id
        if not entry:
            return ""
        return self._tma_act_reader_env()._(
            "Journal of acts: entry No. %(number)s, hash %(hash)s.",
            number=entry.sequence,
            hash=entry.inalterable_hash,
        )

    def _tma_act_thread(self):
        """The record whose thread tells the party of its act (hook)."""
        return self

    def _tma_act_confirm(self, message):
        """Tell the party its act is recorded: ``message`` with the act's
        journal entry (its number and hash, the party's copy of the
        journal's head) on the record's thread, where the portal shows it,
        and by email to the contact the act is attributed to."""
        self.ensure_one()
        record = self.sudo()
        record._tma_act_thread().message_post(
            body=self._tma_act_reader_env()._(
                "%(message)s %(receipt)s",
                message=message,
                receipt=record._tma_act_receipt(),
            ),
            author_id=self.env.company.partner_id.id,
            partner_ids=record.tma_act_partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _tma_act_label(self, code):
        """What the act is, in a sentence's words (for the refusals)."""
        return code

    def _tma_partner(self, partner):
        """``partner`` as a record: a data file gives its id."""
        if isinstance(partner, int) and not isinstance(partner, bool):
            return self.env["res.partner"].browse(partner)
        return partner

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------
    @api.depends("tma_act_user_id", "tma_act_partner_id", "tma_act_reason")
    @api.depends_context("lang")
    def _compute_tma_act_recorded_as(self):
        """In the reader's language: a text written for the party reads it
        in the party's (``with_env(self._tma_act_reader_env())``)."""
        for record in self:
            if record.tma_act_reason:
                record.tma_act_recorded_as = _(
                    "Recorded by %(user)s on behalf of %(party)s",
                    user=record.tma_act_user_id.name,
                    party=record.tma_act_partner_id.display_name,
                )
            elif record.tma_act_partner_id:
                record.tma_act_recorded_as = _(
                    "Given by %(party)s", party=record.tma_act_partner_id.display_name
                )
            else:
                record.tma_act_recorded_as = False

    # ------------------------------------------------------------------
    # CRUD: the act's fields are written by _tma_record_act only
    # ------------------------------------------------------------------
    def _tma_is_act_writer(self):
        return self.env.context.get("tma_act_sentinel") is ACT_SENTINEL

    def _tma_refuse_act_edit(self):
        raise UserError(
            _(
                "What a party gave cannot be modified or deleted, by anybody: "
                "changing one's mind is a new act, made by the party (or "
                "recorded on its behalf by a TMA manager with a reason and a "
                "piece of evidence)."
            )
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._tma_is_act_writer():
            given = self._tma_all_act_fields()
            for vals in vals_list:
                if any(vals.get(name) for name in given):
                    self._tma_refuse_act_edit()
        return super().create(vals_list)

    def write(self, vals):
        if (
            not self._tma_is_act_writer()
            and set(vals) & self._tma_all_act_fields()
            and self._tma_act_applies()
        ):
            self._tma_refuse_act_edit()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_act_made(self):
        if self._tma_act_applies().filtered("tma_act_journal_id"):
            self._tma_refuse_act_edit()

    # ------------------------------------------------------------------
    # The act
    # ------------------------------------------------------------------
    def _tma_check_act(self, code, partner=None, on_behalf_reason=None, evidence=None):
        """Who may make the act ``code`` on this record; return the person
        it is attributed to (a partner of the party).

        - a user of the party (portal or backend, not the provider's staff)
          makes it in its own name;
        - a TMA manager records it on the party's behalf, with a reason and an
          attached piece of evidence (``ir.attachment``);
        - the system (code running as the superuser: demo data, links sent
          by email authenticated by their token, through the public user)
          records it for ``partner``, a contact of the party.

        Anyone else is refused, administrator included.
        """
        self.ensure_one()
        party = self._tma_act_party().commercial_partner_id
        user = self.env.user
        refusal = _(
            "Only a user of %(party)s may %(act)s. A TMA manager may record it "
            "on its behalf, with a reason and an attached piece of evidence.",
            party=party.display_name,
            act=self._tma_act_label(code),
        )
        if not party:
            raise UserError(refusal)
        if on_behalf_reason or evidence:
            if not user.has_group("tma_contract.group_tma_manager"):
                raise UserError(refusal)
            if not (on_behalf_reason or "").strip() or not evidence:
                raise UserError(
                    _(
                        "Recording an act on behalf of %(party)s needs a reason "
                        "and an attached piece of evidence.",
                        party=party.display_name,
                    )
                )
            evidence = evidence.sudo().exists()
            if len(evidence) != 1:
                raise UserError(_("The piece of evidence must be one attached file."))
            if partner and partner.commercial_partner_id != party:
                raise UserError(refusal)
            return partner or party
        if user.id == SUPERUSER_ID or user._is_public():
            if not partner or partner.commercial_partner_id != party:
                raise UserError(refusal)
            return partner
        if (
            user.partner_id.commercial_partner_id != party
            or user.has_group("tma_contract.group_tma_user")
            or user.has_group("base.group_erp_manager")
            or (partner and partner != user.partner_id)
        ):
            raise UserError(refusal)
        return user.partner_id

    def _tma_check_contact_act(
        self, code, partner, refusal, on_behalf_reason=None, evidence=None
    ):
        """The act ``code`` given through ``partner``, a contact of the party
        (the portal's visitor, or the contact a TMA manager records it for):
        refused with ``refusal`` unless ``partner`` belongs to the party and
        is none of the provider's staff, then checked by
        :meth:`_tma_check_act`. Returns the act's keyword arguments for
        :meth:`_tma_record_act` and the person the act is attributed to."""
        self.ensure_one()
        party = self._tma_act_party().commercial_partner_id
        if (
            not partner
            or partner.commercial_partner_id != party
            or any(not user.share for user in partner.user_ids)
        ):
            raise UserError(refusal)
        act = {
            "partner": partner,
            "on_behalf_reason": on_behalf_reason,
            "evidence": evidence,
        }
        return act, self._tma_check_act(code, **act)

    def _tma_act_user(self, partner):
        """The user an act is attributed to: the current one, or for the
        system (demo data, a cron) the first user of ``partner``."""
        user = self.env.user
        if user._is_superuser() and partner:
            return partner.user_ids[:1]
        return user

    def _tma_lock_awaiting(self, state, refusal):
        """Lock this record's row and read its ``state`` again: of two acts
        at once, the second waits for the first, then finds the record
        decided and is refused with ``refusal`` (a message), unless the
        record is still in ``state``."""
        self.ensure_one()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id = %s FOR UPDATE",
                SQL.identifier(self._table),
                self.id,
            )
        )
        self.invalidate_recordset(["state"])
        if self.state != state:
            raise UserError(refusal)

    def _tma_record_act(
        self, code, values, partner=None, on_behalf_reason=None, evidence=None
    ):
        """Make the act ``code`` on this record: check who makes it
        (:meth:`_tma_check_act`), write ``values`` (the act's fields) and
        append the act to the contract's journal, all or nothing. Refused
        once the act was made: changing one's mind is a new act, on a new
        record. Returns the journal entry."""
        self.ensure_one()
        actor = self._tma_check_act(
            code,
            partner=partner,
            on_behalf_reason=on_behalf_reason,
            evidence=evidence,
        )
        if self.sudo().tma_act_journal_id:
            self._tma_refuse_act_edit()
        unknown = set(values) - set(self._tma_act_fields)
        if unknown:
            raise UserError(
                _("Not a field of this act: %(fields)s", fields=", ".join(unknown))
            )
        contract = self._tma_act_contract()
        party = self._tma_act_party().commercial_partner_id
        evidence = evidence and evidence.sudo()
        reason = (on_behalf_reason or "").strip() or False
        with self.env.cr.savepoint():
            writer = self.sudo().with_context(tma_act_sentinel=ACT_SENTINEL)
            writer.write(
                dict(
                    values,
                    tma_act_user_id=self.env.user.id,
                    tma_act_partner_id=actor.id,
                    tma_act_on=fields.Datetime.now(),
                    tma_act_reason=reason,
                    tma_act_evidence_id=evidence and evidence.id,
                )
            )
            record = writer.sudo()
            journal_values = {}
            for name in self._tma_act_fields:
                value = record[name]
                field = self._fields[name]
                if field.type in ("many2one", "many2many", "one2many"):
                    value = value.ids
                journal_values[name] = value
            entry = self.env["tma.act.journal"]._tma_append(
                contract,
                {
                    "code": code,
                    "res_model": self._name,
                    "res_id": self.id,
                    "partner_id": party.id,
                    "actor_partner_id": actor.id,
                    "user_id": self.env.user.id,
                    "on_behalf_reason": reason,
                    "evidence_id": evidence and evidence.id,
                    "values": journal_values,
                },
            )
            writer.write({"tma_act_journal_id": entry.id})
        return entry

    # ------------------------------------------------------------------
    # On the party's behalf, from the backend
    # ------------------------------------------------------------------
    def _tma_act_on_behalf(self, act, on_behalf_reason, evidence, **details):
        """Record the act ``act`` (the code the backend's button names) on
        the party's behalf, with ``on_behalf_reason`` and ``evidence`` (an
        ``ir.attachment``); ``details`` holds what the act gives besides
        (``partner``, the contact; ``comment``; …). Each model implements it
        with its act's own method, which checks who records it
        (:meth:`_tma_check_act`: a TMA manager, with both)."""
        raise UserError(
            _("%(record)s holds no such act.", record=self.display_name or "-")
        )

    def action_tma_act_on_behalf(self):
        """Backend button: the wizard (``tma.act.on.behalf``) where a TMA
        manager records the party's act (``tma_act`` in the context) on its
        behalf."""
        return self._tma_open_on_behalf(
            "tma.act.on.behalf",
            {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_act": self.env.context.get("tma_act"),
            },
        )

    def _tma_open_on_behalf(self, wizard, context):
        """Open the wizard ``wizard`` with ``context``: a TMA manager's only."""
        self.ensure_one()
        if not self.env.user.has_group("tma_contract.group_tma_manager"):
            raise AccessError(
                _("Only a TMA manager records a party's act on its behalf.")
            )
        self.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "name": _("The party's act, on its behalf"),
            "res_model": wizard,
            "view_mode": "form",
            "target": "new",
            "context": context,
        }
