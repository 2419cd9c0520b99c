# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from urllib.parse import urlencode

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.osv.expression import FALSE_DOMAIN
from odoo.tools import SQL

from odoo.addons.tma_contract.controllers.portal import TmaCustomerPortal
from odoo.addons.tma_contract.tools.replica import read_route

# What the contract page shows of each service report.
SLA_REPORT_FIELDS = [
    "date_from",
    "date_to",
    "compliance_rate",
    "breach_count",
    "pdf_attachment_id",
    "xlsx_attachment_id",
]


class TmaSlaPortal(TmaCustomerPortal):
    def _tma_contract_page_sections(self, contract, ledger_offset):
        sections = super()._tma_contract_page_sections(contract, ledger_offset)
        env = request.env
        sections["sla_reports"] = (
            env["tma.sla.service.report"].sudo(),
            [("contract_id", "=", contract.id), ("generated_on", "!=", False)],
            SLA_REPORT_FIELDS,
            {"limit": 24},
        )
        if contract.sla_policy_id:
            # What the service levels' summary reads of the policy and of the
            # calendar (the policy's or the contract's): names, time zone.
            Policy = env["tma.sla.policy"].sudo().with_context(active_test=False)
            policy_domain = [("id", "=", contract.sla_policy_id.id)]
            policy_calendar = Policy._search(policy_domain).subselect(
                SQL.identifier(Policy._table, "calendar_id")
            )
            sections["tma_sla_policy"] = (
                Policy,
                policy_domain,
                ["name", "calendar_id"],
                {},
            )
            sections["tma_sla_calendars"] = (
                env["resource.calendar"].sudo().with_context(active_test=False),
                [
                    "|",
                    ("id", "=", contract.sla_calendar_id.id),
                    ("id", "in", policy_calendar),
                ],
                ["name", "tz"],
                {},
            )
        # The banner of the client's ongoing outages (every portal page has
        # it), read with the sections, as the visitor may read them.
        Outage = env["tma.sla.outage"]
        user = env.user
        if user._is_public() or not Outage.has_access("read"):
            sections["tma_outages"] = (Outage.sudo(), FALSE_DOMAIN, [], {})
        else:
            sections["tma_outages"] = (
                Outage,
                Outage._get_ongoing_domain(user.partner_id.commercial_partner_id),
                ["name", "date_start", "environment_id"],
                {},
            )
        return sections

    @http.route(
        ["/my/tma/sla-reports/<int:report_id>/<string:fmt>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_tma_sla_report_download(
        self, report_id, fmt="pdf", access_token=None, **kw
    ):
        """Download a monthly service report: the client of the contract (or a
        holder of the report's access token) only."""
        try:
            report_sudo = self._document_check_access(
                "tma.sla.service.report", report_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        attachment = {
            "pdf": report_sudo.pdf_attachment_id,
            "xlsx": report_sudo.xlsx_attachment_id,
        }.get(fmt)
        if not attachment:
            return request.not_found()
        stream = request.env["ir.binary"]._get_stream_from(attachment.sudo())
        return stream.get_response(as_attachment=True)

    @http.route(
        ["/my/tma/sla-reports/<int:report_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_tma_sla_report(self, report_id, access_token=None, **kw):
        try:
            report_sudo = self._document_check_access(
                "tma.sla.service.report", report_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        report = request.env["tma.sla.service.report"].browse(report_id)
        if not report.has_access("read"):
            # A visitor with the report's token only: the report itself.
            query = urlencode({"access_token": access_token})
            return request.redirect(f"/my/tma/sla-reports/{report_id}/pdf?{query}")
        return request.redirect(
            f"/my/tma/contracts/{report_sudo.contract_id.id}#tma_sla_reports"
        )
