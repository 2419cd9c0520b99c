# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import base64

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError


class TmaReversibilityDemo(models.AbstractModel):
    """Demo data that needs business logic, built through the methods users
    trigger: Beta's contract in reversibility with a partly signed checklist,
    a refused closure and a package ready to download."""

    _name = "tma.reversibility.demo"
    _description = "TMA reversibility demo data builder"

    @api.model
    def _build(self):
        ref = self.env.ref
        beta = self.env["tma.contract"].search(
            [("partner_id", "=", ref("tma_contract.partner_beta").id)], limit=1
        )
        gamma = self.env["tma.contract"].search(
            [("partner_id", "=", ref("tma_contract.partner_gamma").id)], limit=1
        )
        today = fields.Date.context_today(self)
        Document = self.env["tma.document"]
        for contract, app, docs in (
            (
                beta,
                ref("tma_contract.app_beta_portal"),
                [
                    ("Source code repository", "source", "git.beta-sante.example.com"),
                    ("Architecture of the patient portal", "architecture", ""),
                    ("Installation and run book", "runbook", ""),
                    ("Environment and access inventory", "inventory", ""),
                ],
            ),
            (
                gamma,
                ref("tma_contract.app_gamma_erp"),
                [("ERP run book", "runbook", ""), ("Upgrade test plan", "test", "")],
            ),
        ):
            for name, doc_type, url in docs:
                Document.create(
                    {
                        "contract_id": contract.id,
                        "application_id": app.id,
                        "name": name,
                        "doc_type": doc_type,
                        "url": url and f"https://{url}",
                        "file": False
                        if url
                        else base64.b64encode(f"{name}\n\n(demo content)\n".encode()),
                        "file_name": False if url else f"{doc_type}.txt",
                        "next_review_date": today + relativedelta(months=3),
                    }
                )
        # One document overdue for review.
        Document.search([("contract_id", "=", gamma.id)], limit=1).next_review_date = (
            today - relativedelta(days=10)
        )
        beta.successor_id = ref("tma_reversibility.partner_delta")
        beta.action_start_reversibility()
        items = beta.reversibility_item_ids
        # The data attestation is ready, to be signed off at the end.
        for item in items.filtered("evidence_required"):
            item.attachment_ids = self.env["ir.attachment"].create(
                {
                    "name": "data-attestation.txt",
                    "raw": b"The client's data is returned; copies are destroyed.",
                    "res_model": item._name,
                    "res_id": item.id,
                }
            )
        admin = ref("base.user_admin")
        items.filtered(lambda i: i.side == "provider")[:2].with_user(
            admin
        ).action_sign()
        items.filtered(lambda i: i.side == "client")._sign(
            ref("tma_contract.user_client_beta")
        )
        items.filtered(lambda i: i.side == "successor")[:1]._sign(
            ref("tma_reversibility.user_successor_delta")
        )
        try:
            beta.action_close()
        except (RedirectWarning, UserError) as refusal:
            beta.message_post(
                body=self.env._("Closing refused: %(reason)s", reason=refusal.args[0]),
                subtype_xmlid="mail.mt_note",
            )
        # Requested only: a cron worker builds it once the server runs, as it
        # builds every package (its summary PDF needs the web server for its
        # styles, and no web server runs while the database is created).
        self.env["tma.reversibility.package"]._request(beta)
        return True
