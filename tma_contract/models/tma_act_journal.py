# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.verify_journal import (
    HASH_FIELDS,
    canonical_json,
    entry_hash,
)

# Only code running in this process can hold this object (see
# tma_ledger_protected_mixin): the journal appends its entries with it.
JOURNAL_SENTINEL = object()

# ``canonical_json`` and ``entry_hash`` live in tools/verify_journal.py, the
# standalone verifier (Python's standard library only): one definition of the
# hash for Odoo and for whoever verifies the journal outside it.


class TmaActJournal(models.Model):
    """The journal of the parties' acts of a contract.

    Every act a party other than the provider makes (a rating, an approval,
    …; see ``tma.party.act.mixin``) appends one entry, numbered without gaps
    per contract and chained to the previous one by its SHA-256 hash, like
    the inalterable hash of Odoo's journal entries: any later edit or
    deletion, even in SQL, breaks the chain (``tma.contract``,
    ``_tma_verify_journal``). Nobody writes or deletes an entry.
    """

    _name = "tma.act.journal"
    _description = "TMA journal of the parties' acts"
    _order = "contract_id, sequence desc"
    _rec_name = "sequence"

    contract_id = fields.Many2one(
        "tma.contract", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    sequence = fields.Integer(string="No.", required=True, readonly=True)
    code = fields.Char(string="Act", required=True, readonly=True)
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record", model_field="res_model", required=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Party", required=True, readonly=True
    )
    actor_partner_id = fields.Many2one("res.partner", string="Given by", readonly=True)
    user_id = fields.Many2one("res.users", string="Recorded by", readonly=True)
    on_behalf_reason = fields.Text(string="On-behalf reason", readonly=True)
    evidence_id = fields.Many2one("ir.attachment", readonly=True)
    recorded_on = fields.Datetime(required=True, readonly=True)
    values_json = fields.Text(string="Values", readonly=True)
    inalterable_hash = fields.Char(string="Hash", readonly=True)

    _sql_constraints = [
        (
            "contract_sequence_uniq",
            "unique(contract_id, sequence)",
            "An entry number is used once per contract.",
        )
    ]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if self.env.context.get("tma_journal_sentinel") is not JOURNAL_SENTINEL:
            raise UserError(_("The journal of acts is written only when a party acts."))
        return super().create(vals_list)

    def write(self, vals):
        if self:
            raise UserError(_("The journal of acts cannot be modified."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("The journal of acts cannot be deleted."))

    # ------------------------------------------------------------------
    # Hash chain
    # ------------------------------------------------------------------
    @api.model
    def _get_integrity_hash_fields(self):
        return list(HASH_FIELDS)

    @api.model
    def _compute_entry_hash(self, values, previous_hash):
        """SHA-256 of the previous entry's hash and this entry's values
        (``values``: field name → database value, ids for relations);
        ``tools/verify_journal.py`` recomputes it outside Odoo."""
        return entry_hash(values, previous_hash, self._get_integrity_hash_fields())

    @api.model
    def _tma_append(self, contract, values):
        """Append one entry to ``contract``'s journal; return it.

        The number is reserved on the contract row, updated in the act's
        transaction: a parallel act of the same contract waits for this one
        (and is replayed by Odoo on a fresh snapshot), a refused act rolls its
        number back. ``values``: code, res_model, res_id, partner_id,
        actor_partner_id, user_id, on_behalf_reason, evidence_id and
        values (a dict, stored as canonical JSON)."""
        sequence = contract._next_entry_numbers(1, counter="act_seq")
        self.env.cr.execute(
            SQL(
                "SELECT inalterable_hash FROM tma_act_journal "
                "WHERE contract_id = %s AND sequence = %s",
                contract.id,
                sequence - 1,
            )
        )
        row = self.env.cr.fetchone()
        previous_hash = row[0] if row else ""
        given_here = {"contract_id", "sequence", "recorded_on", "values_json"}
        vals = {
            key: values.get(key) or False
            for key in self._get_integrity_hash_fields()
            if key not in given_here
        }
        vals.update(
            contract_id=contract.id,
            sequence=sequence,
            recorded_on=fields.Datetime.now().replace(microsecond=0),
            values_json=canonical_json(values.get("values") or {}),
        )
        vals["inalterable_hash"] = self._compute_entry_hash(vals, previous_hash)
        return (
            self.sudo()
            .with_context(tma_journal_sentinel=JOURNAL_SENTINEL)
            .create([vals])
            .sudo(self.env.su)
        )

    @api.model
    def _tma_check_chain(self, contract):
        """The first entry of ``contract``'s journal that was changed or
        deleted: None, or a dict (``sequence``, ``entry`` — empty when it was
        deleted — and ``reason``). Read in SQL, past any rule or cache."""
        previous_hash = ""
        expected = 1
        for entry_id, stored_hash, values in self._tma_stored_rows(contract):
            entry = self.browse(entry_id)
            if values["sequence"] != expected:
                return {
                    "sequence": expected,
                    "entry": self.browse(),
                    "reason": _("entry No. %(number)s is missing", number=expected),
                }
            if self._compute_entry_hash(values, previous_hash) != stored_hash:
                return {
                    "sequence": expected,
                    "entry": entry,
                    "reason": _("entry No. %(number)s was altered", number=expected),
                }
            previous_hash = stored_hash
            expected += 1
        self.env.cr.execute(
            SQL("SELECT act_seq FROM tma_contract WHERE id = %s", contract.id)
        )
        last = self.env.cr.fetchone()[0] or 0
        if last >= expected:
            return {
                "sequence": expected,
                "entry": self.browse(),
                "reason": _("entry No. %(number)s is missing", number=expected),
            }
        return None

    # ------------------------------------------------------------------
    # Export
    # ------------------------------------------------------------------
    @api.model
    def _tma_export_entries(self, contract):
        """``contract``'s journal as the verifier reads it
        (``tools/verify_journal.py``): one dict per entry, in order, holding
        exactly the hashed fields (database values, the time as Odoo's
        string) and the entry's ``inalterable_hash``. Read in SQL, like the
        chain's check: what is exported is what is stored."""
        for _entry_id, stored_hash, entry in self._tma_stored_rows(contract):
            entry["recorded_on"] = fields.Datetime.to_string(entry["recorded_on"])
            entry["inalterable_hash"] = stored_hash
            yield entry

    @api.model
    def _tma_stored_rows(self, contract):
        """``contract``'s entries as stored, in order, read in SQL past any
        rule or cache: ``(id, inalterable_hash, {hashed field: value})``."""
        names = self._get_integrity_hash_fields()
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id, inalterable_hash, %s FROM tma_act_journal "
                "WHERE contract_id = %s ORDER BY sequence",
                SQL(", ").join(SQL.identifier(name) for name in names),
                contract.id,
            )
        )
        for row in self.env.cr.fetchall():
            yield row[0], row[1], dict(zip(names, row[2:], strict=True))
