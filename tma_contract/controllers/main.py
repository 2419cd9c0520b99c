# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.helpdesk_mgmt_timesheet.controllers.main import (
    CustomHelpdeskTicketController,
)

from .portal import tma_flash, tma_pop_flash


def _form_id(value):
    """The record id a form field holds, 0 when empty; None when it is not
    an id at all."""
    if value in (None, "", False):
        return 0
    value = str(value).strip()
    return int(value) if value.isdigit() else None


class TmaHelpdeskTicketController(CustomHelpdeskTicketController):
    """The host's ticket routes, made safe for a portal shared by several
    clients: closing a ticket checks who asks, and by POST only; a new ticket
    takes only the teams, categories, contracts and applications the form
    offered, and its files follow the upload policy."""

    # ------------------------------------------------------------------
    # Closing a ticket
    # ------------------------------------------------------------------
    @http.route(methods=["POST"], csrf=True)
    def support_ticket_close(self, ticket_id=None, stage_id=None, **kw):
        """Close a ticket the user may read, to a stage that closes tickets
        from the portal (the host closed any ticket by id, by GET)."""
        ticket_id = _form_id(ticket_id)
        stage_id = _form_id(stage_id)
        ticket = request.env["helpdesk.ticket"].browse(ticket_id or []).exists()
        if not ticket:
            return request.redirect("/my", code=302)
        stage = request.env["helpdesk.ticket.stage"].browse(stage_id or [])
        try:
            ticket._tma_close_from_portal(stage.exists())
        except (AccessError, MissingError):
            return request.redirect("/my", code=302)
        except UserError as error:
            tma_flash(error.args[0])
        # 302, as the host answered.
        return request.redirect(f"/my/ticket/{ticket.id}", code=302)

    # ------------------------------------------------------------------
    # New ticket
    # ------------------------------------------------------------------
    def _get_create_new_ticket_values(self, **kw):
        values = super()._get_create_new_ticket_values(**kw)
        values["tma_flash"] = tma_pop_flash()
        values["tma_contracts"] = request.env["helpdesk.ticket"]._tma_portal_contracts()
        values["tma_maintenance_types"] = request.env[
            "helpdesk.ticket"
        ]._tma_portal_maintenance_types()
        # The browser warns before sending a file over the policy's limit.
        max_size = request.env["ir.attachment"]._tma_upload_policy()[0]
        values["max_upload_size"] = min(values["max_upload_size"] or max_size, max_size)
        return values

    def _prepare_submit_ticket_vals(self, **kw):
        env = request.env
        ids = {key: _form_id(kw.get(key)) for key in ("category", "team")}
        if None in ids.values():
            raise UserError(env._("The form was not filled in correctly."))
        teams, categories = self._get_teams(), self._get_categories()
        if not categories:
            # The form offers no category: none is taken from it (the host
            # took any id it was sent).
            ids["category"] = 0
        kw.update(
            category=ids["category"] or "",
            team=ids["team"] or "",
            subject=kw.get("subject") or "",
            description=kw.get("description") or "",
        )
        vals = super()._prepare_submit_ticket_vals(**kw)
        requested = dict(vals)
        if teams and ids["team"]:
            requested["team_id"] = ids["team"]
        env["helpdesk.ticket"]._tma_check_portal_values(requested, teams, categories)
        # The client's contract and application (its only active contract when
        # the form names none), and the contract's team when it chose none.
        vals.update(
            env["helpdesk.ticket"]._tma_prepare_portal_values(
                vals,
                kw.get("tma_contract_id"),
                kw.get("tma_application_id"),
                kw.get("tma_maintenance_type_id"),
            )
        )
        return vals

    def _tma_uploaded_files(self):
        """(name, first kilobyte, size) of the files of the form, read without
        loading them; the files are rewound for the host, which reads them."""
        files = []
        for upload in request.httprequest.files.getlist("attachment"):
            if upload.filename:
                head = upload.read(1024)
                upload.seek(0, 2)
                files.append((upload.filename, head, upload.tell()))
                upload.seek(0)
        return files

    @http.route(methods=["POST"])
    def submit_ticket(self, **kw):
        """Check everything first: a refused file or choice creates nothing
        (no ticket, no attachment) and gives the form back with the reason."""
        try:
            request.env["ir.attachment"]._tma_check_uploads(self._tma_uploaded_files())
            self._prepare_submit_ticket_vals(**dict(kw))
        except UserError as error:
            values = self._get_create_new_ticket_values(**kw)
            values.update(tma_flash=[error.args[0]], tma_form=kw)
            return request.render("helpdesk_mgmt.portal_create_ticket", values)
        return super().submit_ticket(**kw)
