# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Client pages of the service review loop: rating a closed ticket, the
improvement actions (followed and commented), the reviews (minutes approved,
minutes PDF)."""

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.tma_contract.controllers.portal import PARTY_ACT_ROUTE
from odoo.addons.tma_contract.tools.replica import read_route

from ..models.utils import SURVEY_CRITERIA
from .portal import TmaSlaPortal

REVIEWS_ON_PAGE = 12
ACTIONS_ON_PAGE = 30


class TmaReviewPortal(TmaSlaPortal):
    def _tma_contract_page_sections(self, contract, ledger_offset):
        sections = super()._tma_contract_page_sections(contract, ledger_offset)
        env = request.env
        sections.update(
            tma_reviews=(
                env["tma.review"].sudo(),
                [("contract_id", "=", contract.id)],
                ["name", "date", "state"],
                {"limit": REVIEWS_ON_PAGE},
            ),
            tma_surveys=(
                env["tma.satisfaction.survey"].sudo(),
                [("contract_id", "=", contract.id)],
                ["date_from", "date_to", "state"],
                {"limit": 8},
            ),
            tma_blocking=(
                env["helpdesk.ticket"].sudo(),
                [
                    ("tma_contract_id", "=", contract.id),
                    ("tma_criticality", "=", "blocking"),
                    ("stage_id.closed", "=", False),
                ],
                ["number", "name", "tma_notice_sent"],
                {"limit": 10},
            ),
            tma_actions=(
                env["tma.improvement.action"].sudo(),
                [("contract_id", "=", contract.id), ("state", "!=", "cancelled")],
                ["name", "date_due", "owner_side", "state"],
                {"limit": ACTIONS_ON_PAGE},
            ),
        )
        return sections

    # ------------------------------------------------------------------
    # Rating a ticket
    # ------------------------------------------------------------------
    @http.route(["/my/tma/tickets/<int:ticket_id>/rate"], **PARTY_ACT_ROUTE)
    def portal_tma_ticket_rate(
        self, ticket_id, rate=None, feedback=None, access_token=None, **kw
    ):
        """Rate a closed ticket of the visitor's client (1, 3 or 5)."""
        rate = int(rate) if str(rate or "").isdigit() else 0
        return self._tma_portal_act(
            "helpdesk.ticket",
            ticket_id,
            lambda ticket: ticket._tma_portal_rate(
                request.env.user.partner_id, rate, feedback=feedback
            ),
            f"/my/ticket/{ticket_id}",
            thanks=request.env._("Thank you for your rating."),
            access_token=access_token,
        )

    # ------------------------------------------------------------------
    # Improvement actions
    # ------------------------------------------------------------------
    @http.route(
        ["/my/tma/actions/<int:action_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_tma_action(self, action_id, access_token=None, **kw):
        try:
            action_sudo = self._document_check_access(
                "tma.improvement.action", action_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            action_sudo,
            access_token,
            {
                "tma_action": action_sudo,
                "page_name": "tma_improvement_action",
                "tma_messages": action_sudo.message_ids.filtered(
                    lambda m: m.message_type == "comment" and not m.is_internal
                ),
            },
            "my_tma_actions_history",
            False,
        )
        return request.render("tma_sla.portal_tma_improvement_action", values)

    @http.route(["/my/tma/actions/<int:action_id>/comment"], **PARTY_ACT_ROUTE)
    def portal_tma_action_comment(self, action_id, body=None, **kw):
        """A comment of the client on one of its actions."""
        return self._tma_portal_act(
            "tma.improvement.action",
            action_id,
            lambda action: action._portal_comment(request.env.user.partner_id, body),
            f"/my/tma/actions/{action_id}",
        )

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    @http.route(
        ["/my/tma/reviews/<int:review_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_tma_review(self, review_id, access_token=None, **kw):
        try:
            review_sudo = self._document_check_access(
                "tma.review", review_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            review_sudo,
            access_token,
            {"tma_review": review_sudo, "page_name": "tma_review"},
            "my_tma_reviews_history",
            False,
        )
        return request.render("tma_sla.portal_tma_review", values)

    @http.route(["/my/tma/reviews/<int:review_id>/approve"], **PARTY_ACT_ROUTE)
    def portal_tma_review_approve(self, review_id, **kw):
        """The client approves the minutes (its own users only: neither a
        token holder nor the provider's staff)."""
        return self._tma_portal_act(
            "tma.review",
            review_id,
            lambda review: review._portal_approve(request.env.user.partner_id),
            f"/my/tma/reviews/{review_id}",
            thanks=request.env._("The minutes are approved. Thank you."),
        )

    @http.route(
        ["/my/tma/reviews/<int:review_id>/pdf"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_tma_review_pdf(self, review_id, access_token=None, **kw):
        try:
            review_sudo = self._document_check_access(
                "tma.review", review_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if review_sudo.minutes_attachment_id:
            stream = request.env["ir.binary"]._get_stream_from(
                review_sudo.minutes_attachment_id.sudo()
            )
            return stream.get_response(as_attachment=True)
        return self._show_report(
            model=review_sudo,
            report_type="pdf",
            report_ref="tma_sla.action_report_tma_review",
            download=True,
        )

    # ------------------------------------------------------------------
    # Satisfaction surveys
    # ------------------------------------------------------------------
    @http.route(
        ["/my/tma/surveys/<int:survey_id>"],
        type="http",
        auth="public",
        website=True,
        readonly=read_route,
    )
    def portal_tma_survey(self, survey_id, access_token=None, **kw):
        try:
            survey_sudo = self._document_check_access(
                "tma.satisfaction.survey", survey_id, access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        fields_ = request.env["tma.satisfaction.survey"]._fields
        values = self._get_page_view_values(
            survey_sudo,
            access_token,
            {
                "tma_survey": survey_sudo,
                "tma_criteria": [
                    (
                        key,
                        fields_[f"score_{key}"].get_description(request.env)["string"],
                    )
                    for key, _label in SURVEY_CRITERIA
                ],
                "page_name": "tma_satisfaction_survey",
            },
            "my_tma_surveys_history",
            False,
        )
        return request.render("tma_sla.portal_tma_satisfaction_survey", values)

    @http.route(["/my/tma/surveys/<int:survey_id>/answer"], **PARTY_ACT_ROUTE)
    def portal_tma_survey_answer(self, survey_id, **post):
        """The client's answers (its own users only)."""
        return self._tma_portal_act(
            "tma.satisfaction.survey",
            survey_id,
            lambda survey: survey._portal_answer(request.env.user.partner_id, post),
            f"/my/tma/surveys/{survey_id}",
            thanks=request.env._("Thank you for your answers."),
        )
