# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# pylint: disable=consider-merging-classes-inherited
from odoo import _, api, models
from odoo.exceptions import MissingError, UserError
from odoo.tools import is_html_empty


class HelpdeskTicket(models.Model):
    """What the client's portal asks of a ticket: the values a new ticket
    may take, closing it from the portal, the contracts and kinds of request
    offered. (A file of its own beside ``helpdesk_ticket.py``.)"""

    _inherit = "helpdesk.ticket"

    @api.model
    def _tma_check_portal_values(self, vals, teams, categories):
        """Refuse a ticket submitted from the portal with a team or category
        the portal did not offer its author, or without a subject or a
        description.

        :param dict vals: values of the ticket to create
        :param teams: the teams offered to the author (empty when the portal
            does not let clients choose)
        :param categories: the categories offered to the author (same)
        :raise UserError: in the user's language
        """
        if not (vals.get("name") or "").strip():
            raise UserError(_("Give your ticket a subject."))
        if is_html_empty(vals.get("description")):
            raise UserError(_("Describe your request."))
        if vals.get("team_id") and vals["team_id"] not in teams.ids:
            raise UserError(_("The team you chose does not take tickets here."))
        if vals.get("category_id") and vals["category_id"] not in categories.ids:
            raise UserError(_("The category you chose is not offered here."))
        company = self.env.company
        if categories and company.helpdesk_mgmt_portal_category_id_required:
            if not vals.get("category_id"):
                raise UserError(_("Choose a category."))
        if teams and company.helpdesk_mgmt_portal_team_id_required:
            if not vals.get("team_id"):
                raise UserError(_("Choose a team."))

    def _tma_close_from_portal(self, stage):
        """Move the ticket to ``stage`` for a portal user who may read it: only
        to a stage that closes tickets from the portal and applies to the
        ticket's team.

        :raise UserError: in the user's language
        """
        self.ensure_one()
        if not self.exists():
            raise MissingError(_("This ticket does not exist."))
        self.check_access("read")
        if self.sudo().closed:
            raise UserError(
                _("Ticket %(name)s is already closed.", name=self.sudo().display_name)
            )
        ticket = self.sudo()
        allowed = ticket.team_id._get_applicable_stages().filtered("close_from_portal")
        if stage not in allowed:
            raise UserError(_("This ticket cannot be closed that way from the portal."))
        # sudo: portal users have no write access on tickets; the checks above
        # are what allows this one move.
        ticket.stage_id = stage
        return True

    @api.model
    def _tma_portal_contracts(self):
        """The active contracts the current user may open tickets on: those
        of its own client (its commercial partner)."""
        partner = self.env.user.partner_id.commercial_partner_id
        return (
            self.env["tma.contract"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("state", "=", "active")])
        )

    @api.model
    def _tma_prepare_portal_values(
        self, vals, contract_id=None, application_id=None, maintenance_type_id=None
    ):
        """Values the portal form adds to a new ticket ``vals``: the contract
        the client chose (or its only active contract), the application and the
        kind of request, and the contract's team when the form gave none, so
        that the ticket lands in the provider's queue. A contract or
        application that is not the client's is refused, and so is a request
        outside the scope of a contract that refuses out-of-scope tickets."""
        contracts = self._tma_portal_contracts()
        contract = self.env["tma.contract"]
        if contract_id:
            contract = contracts.filtered(lambda c: str(c.id) == str(contract_id))
            if not contract:
                raise UserError(
                    _(
                        "The ticket cannot be attached to this contract: it is "
                        "not an active contract of yours."
                    )
                )
        elif len(contracts) == 1:
            contract = contracts
        result = {}
        if contract:
            result["tma_contract_id"] = contract.id
            team = contract.team_ids[:1]
            if team and not vals.get("team_id"):
                result["team_id"] = team.id
                result["stage_id"] = team._get_applicable_stages()[:1].id
                if team.default_project_id and not vals.get("project_id"):
                    result["project_id"] = team.default_project_id.id
        application = self.env["tma.application"]
        if application_id:
            offered = (
                [app for app, _in_scope in contract._get_portal_applications()]
                if contract
                else []
            )
            application = next(
                (app for app in offered if str(app.id) == str(application_id)),
                application,
            )
            if not application:
                raise UserError(
                    _(
                        "This application is not in the scope of the contract "
                        "the ticket is attached to."
                    )
                )
            result["tma_application_id"] = application.id
        maintenance_type = self.env["tma.maintenance.type"]
        if maintenance_type_id:
            maintenance_type = self._tma_portal_maintenance_types().filtered(
                lambda t: str(t.id) == str(maintenance_type_id)
            )
            if not maintenance_type:
                raise UserError(_("The kind of request you chose is not offered."))
            result["tma_maintenance_type_id"] = maintenance_type.id
        if contract:
            contract._check_scope(maintenance_type, application, _("Your request"))
        return result

    @api.model
    def _tma_portal_maintenance_types(self):
        """The kinds of request a client may choose on the portal form."""
        return self.env["tma.maintenance.type"].sudo().search([])
