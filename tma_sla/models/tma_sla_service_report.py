# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import io

import xlsxwriter

from odoo import _, api, fields, models
from odoo.tools import SQL

from .utils import month_count, report_period


class TmaSlaServiceReport(models.Model):
    """The monthly service report of a contract: its KPIs frozen at generation,
    as a PDF and an XLSX workbook attached to it, sent to the client and
    downloadable from the portal."""

    _name = "tma.sla.service.report"
    _description = "TMA Monthly Service Report"
    _inherit = ["tma.portal.mixin", "mail.thread"]
    _order = "date_from desc, id desc"

    name = fields.Char(compute="_compute_name", store=True)
    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    kpi_data = fields.Json(string="KPI figures", readonly=True)
    compliance_rate = fields.Float(string="Compliance (%)", readonly=True)
    breach_count = fields.Integer(string="Breaches", readonly=True)
    opened_count = fields.Integer(string="Opened", readonly=True)
    closed_count = fields.Integer(string="Closed", readonly=True)
    generated_on = fields.Datetime(string="Generated on", readonly=True)
    pdf_attachment_id = fields.Many2one(
        "ir.attachment", string="PDF file", readonly=True
    )
    pdf_error = fields.Char(
        string="PDF error",
        readonly=True,
        copy=False,
        help="Why the PDF cron could not print this report; regenerating the "
        "report tries again.",
    )
    xlsx_attachment_id = fields.Many2one(
        "ir.attachment", string="XLSX file", readonly=True
    )
    state = fields.Selection(
        [("draft", "To send"), ("sent", "Sent")],
        default="draft",
        required=True,
        tracking=True,
    )

    _sql_constraints = [
        (
            "contract_period_uniq",
            "unique(contract_id, date_from)",
            "A contract has one service report per period.",
        )
    ]

    @api.depends("contract_id", "date_from", "date_to")
    def _compute_name(self):
        for report in self:
            period = report.date_from and report.date_from.strftime("%Y-%m") or ""
            if (
                report.date_from
                and report.date_to
                and month_count(report.date_from, report.date_to) == 3
            ):
                quarter = (report.date_from.month - 1) // 3 + 1
                period = f"{report.date_from.year}-Q{quarter}"
            report.name = _(
                "Service report %(contract)s %(month)s",
                contract=report.contract_id.name or "",
                month=period,
            )

    def _compute_access_url(self):
        result = super()._compute_access_url()
        for report in self:
            report.access_url = f"/my/tma/sla-reports/{report.id}"
        return result

    # ------------------------------------------------------------------
    # Generation
    # ------------------------------------------------------------------
    @api.model
    def _generate_for(self, contract, month_start):
        """Build (or rebuild: idempotent) the report of ``contract`` for the
        period holding ``month_start``: that month, or its quarter when the
        contract's reports are quarterly."""
        month_start, month_end = report_period(
            month_start, contract.sla_report_frequency
        )
        report = self.search(
            [("contract_id", "=", contract.id), ("date_from", "=", month_start)]
        )
        if not report:
            report = self.create(
                {
                    "contract_id": contract.id,
                    "date_from": month_start,
                    "date_to": month_end,
                }
            )
        report._render()
        return report

    def _render(self):
        for report in self:
            # The workbook is written in the client's language.
            report = report.with_env(report.contract_id._tma_reader_env())
            kpis = report._prepare_kpi_data()
            report.write(
                {
                    "kpi_data": kpis,
                    "compliance_rate": kpis["compliance_rate"],
                    "breach_count": kpis["breached"],
                    "opened_count": kpis["opened"],
                    "closed_count": kpis["closed"],
                    "generated_on": fields.Datetime.now(),
                }
            )
            stem = report.name.replace("/", "-")
            report.xlsx_attachment_id = report._attach(
                report.xlsx_attachment_id, f"{stem}.xlsx", report._xlsx()
            )
        # The monthly cron prints the PDF in a transaction of its own.
        if not self.env.context.get("tma_sla_pdf_later"):
            self._render_pdf()

    def _prepare_kpi_data(self):
        """The figures frozen in the report (``kpi_data``): the period's KPIs;
        an inheriting module adds its own keys."""
        self.ensure_one()
        return self.contract_id._tma_sla_kpis(self.date_from, self.date_to)

    def _render_pdf(self):
        """Print the reports' PDF with wkhtmltopdf, which fetches the report's
        styles from the web server. While a module is installed or updated no
        web server answers (the database is being built): the PDF is left to
        the PDF cron, which prints it once the server runs, so that it looks
        like any PDF printed later."""
        if not self.env.registry.ready:
            self.env.ref("tma_sla.ir_cron_tma_sla_report_pdfs")._trigger()
            return
        for report in self:
            pdf, _fmt = (
                self.env["ir.actions.report"]
                .sudo()
                ._render_qweb_pdf(
                    "tma_sla.action_report_tma_sla_service_report", report.ids
                )
            )
            stem = report.name.replace("/", "-")
            report.write(
                {
                    "pdf_attachment_id": report._attach(
                        report.pdf_attachment_id, f"{stem}.pdf", pdf
                    ).id,
                    "pdf_error": False,
                }
            )

    def _attach(self, attachment, name, content):
        values = {
            "name": name,
            "raw": content,
            "res_model": self._name,
            "res_id": self.id,
        }
        if attachment:
            attachment.sudo().write(values)
            return attachment
        return self.env["ir.attachment"].sudo().create(values)

    def _labels(self):
        return (
            dict(
                self.env["tma.sla.timer"]
                ._fields["metric"]
                ._description_selection(self.env)
            ),
            dict(
                self.env["tma.sla.timer"]
                ._fields["criticality"]
                ._description_selection(self.env)
            ),
        )

    def _summary_rows(self):
        """(label, value, definition) rows of the report's headline figures;
        the definitions are the report's footnotes (and the readme's)."""
        self.ensure_one()
        k = self.kpi_data or {}
        rows = [
            (
                _("Tickets opened"),
                k.get("opened", 0),
                _("Tickets of the contract created in the period."),
            ),
            (
                _("Tickets closed"),
                k.get("closed", 0),
                _("Tickets that reached a closing stage in the period."),
            ),
            (
                _("Closure rate (%)"),
                k.get("closure_rate", 0.0),
                _("Tickets closed in the period per 100 tickets opened in it."),
            ),
            (
                _("Backlog at period end"),
                k.get("backlog", 0),
                _("Tickets created before the end of the period and still open then."),
            ),
            (
                _("First-contact resolution (%)"),
                k.get("first_contact_rate", 0.0),
                _(
                    "Share of the tickets closed in the period that were resolved "
                    "at the first intervention: at most one public response from "
                    "the provider's staff, never reassigned to another person, "
                    "never reopened. An escalation alone does not exclude a "
                    "ticket."
                ),
            ),
            (
                _("Commitments met"),
                k.get("met", 0),
                _(
                    "Commitments (acknowledgement, first response, workaround, "
                    "resolution) fulfilled within their target, counted in the "
                    "period they were fulfilled."
                ),
            ),
            (
                _("Commitments breached"),
                k.get("breached", 0),
                _(
                    "Commitments whose deadline passed, counted in the period of "
                    "their deadline. Targets count business time; time spent "
                    "waiting on the client does not count."
                ),
            ),
            (
                _("SLA compliance (%)"),
                k.get("compliance_rate", 0.0),
                _("Commitments met per 100 commitments met or breached."),
            ),
            (
                _("Recurring incidents"),
                k.get("recurring", 0),
                _(
                    "Corrective tickets opened in the period on the same "
                    "application and category as an earlier corrective ticket "
                    "of the contract within the policy's recurrence window. "
                    "Evolutions, preventive work and assistance are not counted."
                ),
            ),
            (
                _("Units consumed"),
                k.get("units_consumed", 0.0),
                _("Units recorded on the contract's ledger in the period."),
            ),
            (
                _("Units estimated"),
                k.get("units_estimate", 0.0),
                _("The contract's estimated monthly volume times the months."),
            ),
        ]
        rows += self.contract_id._tma_evolution_kpi_rows(k)
        if k.get("satisfaction") is not None:
            rows.append(
                (
                    _("Customer satisfaction (out of 5)"),
                    k["satisfaction"],
                    _("Average rating of the tickets rated in the period."),
                )
            )
        return rows

    def _xlsx(self):
        """The report as an XLSX workbook: KPIs, then every timer and escalation
        of the period (streamed with xlsxwriter's constant memory mode)."""
        self.ensure_one()
        metrics, crits = self._labels()
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True, "in_memory": True})
        bold = book.add_format({"bold": True})
        sheet = book.add_worksheet(_("KPIs"))
        sheet.set_column(0, 0, 40)
        sheet.write(0, 0, self.name, bold)
        row = 2
        summary = self._summary_rows()
        for label, value, _definition in summary:
            sheet.write(row, 0, label)
            sheet.write(row, 1, value)
            row += 1
        row += 1
        sheet.write_row(
            row,
            0,
            [
                _("Metric"),
                _("Tickets"),
                _("Mean (business hours)"),
                _("90th percentile"),
            ],
            bold,
        )
        for metric, values in (self.kpi_data or {}).get("durations", {}).items():
            row += 1
            sheet.write_row(
                row,
                0,
                [
                    metrics.get(metric, metric),
                    values["count"],
                    values["mean_hours"],
                    values["p90_hours"],
                ],
            )
        row += 2
        sheet.write_row(
            row,
            0,
            [
                _("Metric"),
                _("Criticality"),
                _("Met"),
                _("Breached"),
                _("Compliance (%)"),
            ],
            bold,
        )
        for line in (self.kpi_data or {}).get("compliance", []):
            row += 1
            sheet.write_row(
                row,
                0,
                [
                    metrics.get(line["metric"]),
                    crits.get(line["criticality"]),
                    line["met"],
                    line["breached"],
                    line["rate"],
                ],
            )
        row += 2
        sheet.write_row(row, 0, [_("Escalations to"), _("Count")], bold)
        for line in (self.kpi_data or {}).get("escalations", []):
            row += 1
            sheet.write_row(row, 0, [line["level"], line["count"]])
        row += 2
        sheet.write_row(row, 0, [_("Indicator"), _("Definition")], bold)
        for label, _value, definition in summary:
            row += 1
            sheet.write_row(row, 0, [label, definition])
        self._xlsx_extra_sheets(book, bold)
        self._xlsx_timers(book, bold, metrics, crits)
        book.close()
        return output.getvalue()

    def _xlsx_extra_sheets(self, book, bold):
        """Hook: add sheets to the workbook (after the KPIs, before the
        commitments)."""

    def _xlsx_timers(self, book, bold, metrics, crits):
        sheet = book.add_worksheet(_("Commitments"))
        sheet.write_row(
            0,
            0,
            [
                _("Ticket"),
                _("Metric"),
                _("Criticality"),
                _("Status"),
                _("Deadline (UTC)"),
                _("Reached (UTC)"),
                _("Business minutes"),
            ],
            bold,
        )
        start, end = self.contract_id._tma_period_bounds(self.date_from, self.date_to)
        statuses = dict(
            self.env["tma.sla.timer"]._fields["status"]._description_selection(self.env)
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT t.number, s.metric, s.criticality, s.status,
                          COALESCE(s.breach_date, s.deadline), s.reached_date,
                          s.elapsed_minutes
                     FROM tma_sla_timer s
                     JOIN helpdesk_ticket t ON t.id = s.ticket_id
                    WHERE s.contract_id = %s
                      AND s.start_date < %s
                      AND (s.reached_date IS NULL OR s.reached_date >= %s)
                    ORDER BY s.start_date, s.id""",
                self.contract_id.id,
                end,
                start,
            )
        )
        row = 0
        for (
            number,
            metric,
            crit,
            status,
            deadline,
            reached,
            minutes,
        ) in self.env.cr.fetchall():
            row += 1
            sheet.write_row(
                row,
                0,
                [
                    number,
                    metrics.get(metric),
                    crits.get(crit),
                    statuses.get(status),
                    fields.Datetime.to_string(deadline) or "",
                    fields.Datetime.to_string(reached) or "",
                    round(minutes or 0.0, 1),
                ],
            )

    # ------------------------------------------------------------------
    # Sending and downloads
    # ------------------------------------------------------------------
    def action_regenerate(self):
        self._render()
        return True

    def action_send(self):
        template = self.env.ref("tma_sla.mail_template_tma_sla_service_report")
        for report in self:
            report.message_post_with_source(
                template,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=(
                    report.pdf_attachment_id | report.xlsx_attachment_id
                ).ids,
            )
            report.state = "sent"
        return True

    def action_download_pdf(self):
        return self._download(self.pdf_attachment_id)

    def action_download_xlsx(self):
        return self._download(self.xlsx_attachment_id)

    def _download(self, attachment):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.name
