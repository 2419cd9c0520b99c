# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from datetime import datetime, timedelta

from odoo import _, api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError

from .utils import checklist_template_field, third_party_field

# What an access that has ended stores: a moment long past.
ACCESS_ENDED = datetime(1970, 1, 1)
# The contract field holding each third party, and when its access ends.
THIRD_PARTIES = {
    "successor": ("successor_id", "successor_access_until"),
    "predecessor": ("predecessor_id", "outgoing_access_until"),
}


class TmaContract(models.Model):
    _name = "tma.contract"
    _inherit = ["tma.contract", "tma.contract.takeon"]

    successor_id = third_party_field(
        "Successor provider",
        "The provider taking over: its portal users see the handover "
        "checklist, and nothing else of the contract.",
    )
    reversibility_template_id = checklist_template_field(
        "tma.reversibility.template",
        "Handover checklist template",
        "tma_reversibility.tma_reversibility_template_default",
    )
    reversibility_item_ids = fields.One2many(
        "tma.reversibility.item", "contract_id", string="Handover checklist"
    )
    package_ids = fields.One2many(
        "tma.reversibility.package", "contract_id", string="Reversibility packages"
    )
    package_count = fields.Integer(
        string="Package count", compute="_compute_reversibility_counts"
    )

    third_party_grace_days = fields.Integer(
        string="Third parties' grace period (days)",
        default=30,
        help="Once its phase is over (the service start for the outgoing "
        "provider, the closing for the successor), a third party reads its "
        "checklist for this many more days, without signing; then it loses "
        "its access.",
    )
    closed_date = fields.Date(
        string="Closed on",
        readonly=True,
        copy=False,
        help="The day the contract was closed.",
    )
    successor_access_until = fields.Datetime(
        compute="_compute_third_party_access_until",
        store=True,
        help="When the successor's access to the handover ends (empty: "
        "while the handover runs).",
    )
    outgoing_access_until = fields.Datetime(
        compute="_compute_third_party_access_until",
        store=True,
        help="When the outgoing provider's access to the take-on ends "
        "(empty: until the service start).",
    )

    def _compute_reversibility_counts(self):
        for contract in self:
            contract.package_count = len(contract.package_ids)

    @api.constrains("third_party_grace_days")
    def _check_third_party_grace_days(self):
        for contract in self:
            if contract.third_party_grace_days < 0:
                raise ValidationError(
                    _("The third parties' grace period cannot be negative.")
                )

    # ------------------------------------------------------------------
    # Third parties' access: the parties' word ends with their phase
    # ------------------------------------------------------------------
    @api.depends(
        "state",
        "closed_date",
        "date_start",
        "service_start_date",
        "third_party_grace_days",
        "company_tz",
    )
    def _compute_third_party_access_until(self):
        """When each third party's access ends, stored so that the record
        rules (which cannot call Python) compare it with the current time:
        empty while its phase runs (the successor's until the closing, the
        outgoing provider's until the service start, or the activation of a
        contract taken on without it), then the end of the contract's local
        day ``third_party_grace_days`` days after the phase ended, rounded up
        to the hour (the rules see the time by the hour, see ``ir.rule``). A
        phase over without a day to count from (data older than the field)
        has ended."""
        for contract in self:
            successor_over = contract.state == "closed"
            outgoing_over = bool(contract.service_start_date) or contract.state in (
                "active",
                "reversibility",
                "closed",
            )
            contract.successor_access_until = successor_over and (
                contract._tma_access_end(contract.closed_date or contract.date_end)
            )
            contract.outgoing_access_until = outgoing_over and (
                contract._tma_access_end(
                    contract.service_start_date or contract.date_start
                )
            )

    def _tma_access_end(self, day):
        """The naive UTC end of a third party's grace period counted from
        the local ``day`` its phase ended, on an hour boundary."""
        self.ensure_one()
        if not day:
            return ACCESS_ENDED
        last_day = day + timedelta(days=self.third_party_grace_days)
        end = self._tma_period_bounds(last_day, last_day)[1]
        if end.minute or end.second or end.microsecond:
            end = end.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        return end

    def _tma_third_party_access(self, partner, role=None):
        """What ``partner`` (a third party: the successor, the outgoing
        provider; ``role`` "successor" or "predecessor" to ask for one only)
        may do on this contract's checklist now: "write" (read and sign)
        while its phase runs, "read" during the grace period, False after it
        or if it is no third party of the contract. The portal pages, the
        record rules (through ``*_access_until``) and the checklist's
        sign-off all follow it."""
        self.ensure_one()
        contract = self.sudo()
        commercial = partner.commercial_partner_id
        now = fields.Datetime.now()
        best = False
        for name, (party_field, until_field) in THIRD_PARTIES.items():
            party = contract[party_field]
            if (role and role != name) or not party:
                continue
            if party.commercial_partner_id != commercial:
                continue
            until = contract[until_field]
            if not until:
                return "write"
            if now < until:
                best = "read"
        return best

    # ------------------------------------------------------------------
    # Checklist
    # ------------------------------------------------------------------
    def _reversibility_side(self, user):
        """The side ``user`` signs for on this contract's handover checklist:
        provider (TMA staff), client, successor, or None."""
        return self._checklist_side(user, "successor_id", "successor")

    def _checklist_side(self, user, third_field, third_side):
        """The side ``user`` signs for on one of this contract's checklists:
        provider (TMA staff), client, ``third_side`` when the user belongs to
        the partner in ``third_field`` (the successor of a handover, the
        predecessor of a take-on), or None."""
        self.ensure_one()
        user = user.sudo()
        contract = self.sudo()
        if not user.share:
            return "provider" if user.has_group("tma_contract.group_tma_user") else None
        commercial = user.partner_id.commercial_partner_id
        if commercial == contract.partner_id.commercial_partner_id:
            return "client"
        third = contract[third_field]
        if third and commercial == third.commercial_partner_id:
            return third_side
        return None

    def action_start_transition(self):
        result = super().action_start_transition()
        self._instantiate_takeon_checklist()
        return result

    def action_start_reversibility(self):
        result = super().action_start_reversibility()
        self._instantiate_checklist()
        return result

    def _instantiate_checklist(self):
        self._checklist_instantiate(
            "reversibility_item_ids", "reversibility_template_id"
        )

    def _checklist_instantiate(self, items_field, template_field):
        """Give each contract without one its checklist (``items_field``)
        from its template (``template_field``, else the field's default),
        the phase starting today. The items are signed by the client: they
        are in the client's language."""
        default = self._fields[template_field].default
        values = []
        for contract in self:
            today = contract._tma_today()
            template = contract[template_field] or default(contract)
            if contract[items_field] or not template:
                continue
            for line in template.with_env(contract._tma_reader_env()).line_ids:
                values.append(line._prepare_checklist_item_values(contract, today))
        Item = self.env[self._fields[items_field].comodel_name]
        return Item.sudo().create(values)

    # ------------------------------------------------------------------
    # The gate
    # ------------------------------------------------------------------
    def _reversibility_blockers(self):
        """What prevents closing the contract: open incidents (transferred or
        not: only evolutions are handed over), other open tickets unless they
        are evolutions transferred to the successor, unsigned mandatory
        items."""
        self.ensure_one()
        open_tickets = self.env["helpdesk.ticket"].search(
            [("tma_contract_id", "=", self.id), ("closed", "=", False)]
        )
        incidents = open_tickets.filtered(
            lambda t: t.tma_maintenance_type_id.code == "corrective"
        )
        others = (open_tickets - incidents).filtered(
            lambda t: not (t.tma_transferred and t._tma_transferable())
        )
        items = self.reversibility_item_ids.filtered(
            lambda i: i.mandatory and i.state == "todo"
        )
        return incidents, others, items

    def _check_transition(self, new_state):
        """A contract closes through reversibility only: its checklist (data
        attestation included) signed, nothing left open. An early
        termination takes the same road with the *Early termination*
        checklist."""
        manager = self.env.su or self.env.user.has_group(
            "tma_contract.group_tma_manager"
        )
        if new_state == "closed" and manager:
            # Before the transition table refuses it: say which road to take
            # (others are told first that closing is a manager's move).
            for contract in self.filtered(lambda c: c.state == "active"):
                raise UserError(
                    _(
                        "Contract %(contract)s is closed through reversibility: "
                        "start it first. An early termination goes through it "
                        "too, with the Early termination checklist.",
                        contract=contract.display_name,
                    )
                )
        super()._check_transition(new_state)
        if new_state == "active":
            self._check_takeon_complete()
        if new_state != "closed":
            return
        for contract in self:
            incidents, others, items = contract._reversibility_blockers()
            if not (incidents or others or items):
                continue

            parts = []
            if incidents:
                parts.append(
                    _(
                        "Open incidents: %(list)s",
                        list=", ".join(incidents.mapped("display_name")),
                    )
                )
            if others:
                parts.append(
                    _(
                        "Tickets in progress to close or cancel (an evolution "
                        "may be transferred to the successor): %(list)s",
                        list=", ".join(others.mapped("display_name")),
                    )
                )
            if items:
                parts.append(
                    _(
                        "Mandatory checklist items not signed off: %(list)s",
                        list=", ".join(items.mapped("name")),
                    )
                )
            message = _(
                "Contract %(contract)s cannot be closed yet.\n%(reasons)s",
                contract=contract.display_name,
                reasons="\n".join(f"- {part}" for part in parts),
            )
            tickets = incidents | others
            if not tickets:
                raise UserError(message)
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "helpdesk_mgmt.helpdesk_ticket_action"
            )
            action.update(domain=[("id", "in", tickets.ids)], context={})
            refusal = RedirectWarning(message, action, _("Show the blocking tickets"))
            # A refusal, not a crash: Odoo logs a UserError as a warning but a
            # RedirectWarning (not a UserError) as an error with a traceback,
            # unless the exception says its level.
            refusal.loglevel = logging.WARNING
            raise refusal

    def action_close(self):
        """Close, and queue the final reversibility package of each contract
        closed: the client always gets it."""
        result = super().action_close()
        for contract in self:
            contract.closed_date = contract._tma_today()
        Package = self.env["tma.reversibility.package"]
        for contract in self:
            Package._request(contract)
        return result

    # ------------------------------------------------------------------
    # What the reversibility package exports
    # ------------------------------------------------------------------
    def action_request_package(self):
        self.ensure_one()
        package = self.env["tma.reversibility.package"]._request(self)
        return {
            "type": "ir.actions.act_window",
            "res_model": "tma.reversibility.package",
            "res_id": package.id,
            "view_mode": "form",
        }
