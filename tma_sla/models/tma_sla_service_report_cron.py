# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The service reports' crons: the month-end reports of every contract, and
the PDFs left to print. Each works one record a transaction, and prints no
PDF while it holds a contract."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.tools import SQL

from odoo.addons.tma_contract.models.utils import commit_unless_testing

from .utils import report_period, run_isolated


class TmaSlaServiceReport(models.Model):
    """The month-end crons of the service reports. (A file of its own:
    ``tma_sla_service_report.py`` holds the report.)"""

    _inherit = "tma.sla.service.report"  # pylint: disable=consider-merging-classes-inherited

    send_when_printed = fields.Boolean(
        string="Send once printed",
        readonly=True,
        copy=False,
        help="Built by the month-end cron: sent to the client as soon as its "
        "PDF is printed, by whichever cron prints it.",
    )

    @api.model
    def _cron_monthly_reports(self, batch_size=50):
        """On the first days of a month, build and send last month's report of
        every contract under a policy that does not have it yet. Idempotent;
        parallel runs skip the contracts another worker holds.

        One contract a transaction (committed after it, except under tests),
        and no contract locked while a PDF is printed: the contract is
        claimed (locked, ``SKIP LOCKED``) for the time of writing its report,
        figures and workbook, which claims the period; once that is committed,
        the PDF is printed (wkhtmltopdf calls back into the web server, whose
        workers may need the contract) and the report sent.

        A contract whose report cannot be built gets an empty report saying
        so (to regenerate by hand) rather than blocking the next contracts;
        one whose PDF cannot be printed keeps the error (``pdf_error``) and is
        not sent. The cron reports its progress and runs again while
        contracts are left (``_trigger`` when called outside the cron
        runner). Returns the reports built and sent.

        A contract's month is over when it is over in the contract's time
        zone (``company_tz``): "last month" is taken where the day starts
        first (UTC+14), and a contract whose local clock has not reached the
        1st yet waits for a later run (the cron runs daily), never reported
        before its month ends."""
        now = fields.Datetime.now()
        month_start = (
            (now + timedelta(hours=14)).date() - relativedelta(months=1)
        ).replace(day=1)
        month_end = month_start + relativedelta(months=1, days=-1)
        # A quarterly contract's report is due only once the quarter ended.
        quarter_start, quarter_end = report_period(month_start, "quarterly")
        candidates = SQL(
            """SELECT c.id FROM tma_contract c
                WHERE c.sla_policy_id IS NOT NULL
                  AND c.state IN ('active', 'reversibility')
                  AND c.date_start <= %(end)s
                  AND (%(now)s::timestamp AT TIME ZONE 'UTC'
                       AT TIME ZONE COALESCE(c.company_tz, 'UTC'))::date > %(end)s
                  AND (c.sla_report_frequency = 'monthly' OR %(quarterly)s)
                  AND NOT EXISTS (
                    SELECT 1 FROM tma_sla_service_report r
                     WHERE r.contract_id = c.id
                       AND r.date_from = CASE c.sla_report_frequency
                           WHEN 'quarterly' THEN %(quarter)s::date
                           ELSE %(month)s::date END)""",
            end=month_end,
            now=now,
            quarterly=month_end == quarter_end,
            quarter=quarter_start,
            month=month_start,
        )
        contracts = self.env["tma.contract"]
        reports = self.browse()
        while len(contracts) < batch_size:
            # A contract claimed earlier in this run has its report: the
            # candidates leave it out.
            contract = contracts.browse(
                self._lock_next(
                    SQL(
                        "%s ORDER BY c.id LIMIT 1 FOR UPDATE OF c SKIP LOCKED",
                        candidates,
                    )
                )
            )
            if not contract:
                break
            contracts |= contract
            report = self._claim_period(contract, month_start)
            commit_unless_testing(self.env)
            if report and report._print_pdfs():
                run_isolated(report, "action_send")
                reports |= report
            commit_unless_testing(self.env)
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) AS c", candidates))
        remaining = self.env.cr.fetchone()[0]
        self.env["ir.cron"]._notify_progress(done=len(contracts), remaining=remaining)
        if remaining and not self.env.context.get("ir_cron_progress_id"):
            self.env.ref("tma_sla.ir_cron_tma_sla_monthly_reports")._trigger()
        return reports

    @api.model
    def _lock_next(self, query):
        """Run ``query``, which locks the next record a cron processes
        (``LIMIT 1 ... SKIP LOCKED``), after flushing what the previous one
        wrote; return its id, or None."""
        self.env.flush_all()
        self.env.cr.execute(query)
        row = self.env.cr.fetchone()
        return row and row[0]

    @api.model
    def _claim_period(self, contract, month_start):
        """Write the report of ``contract`` (locked) for the period holding
        ``month_start``, its figures and workbook but not its PDF; return it.
        When it cannot be built, write an empty report saying so instead and
        return an empty recordset: either way the period is claimed."""
        built = run_isolated(
            contract.with_context(
                tma_sla_month_start=month_start, tma_sla_pdf_later=True
            ),
            "_tma_sla_build_monthly_report",
        )
        date_from, date_to = report_period(month_start, contract.sla_report_frequency)
        if built:
            report = self.search(
                [("contract_id", "=", contract.id), ("date_from", "=", date_from)]
            )
            # Should this process die before the PDF, the PDF cron sends it.
            report.send_when_printed = True
            return report
        self.create(
            {"contract_id": contract.id, "date_from": date_from, "date_to": date_to}
        ).message_post(
            body=_(
                "This report could not be built by the monthly cron (see "
                "the server log): regenerate it."
            )
        )
        return self.browse()

    def _print_pdfs(self):
        """Print the reports' PDF; a report whose PDF cannot be printed keeps
        the error (until it is regenerated). Returns the reports printed."""
        printed = run_isolated(self, "_render_pdf")
        for report in self - printed:
            report.pdf_error = _(
                "The PDF could not be printed (see the server log): regenerate "
                "the report."
            )
        return printed

    @api.model
    def _cron_render_pdfs(self, batch_size=20):
        """Print the PDF of the reports that have none yet (built while the
        database was being created or updated), one report a transaction
        (committed after it, except under tests). Parallel runs skip the
        reports another worker holds. A report whose PDF cannot be printed
        keeps the error and is not tried again until it is regenerated: it
        never blocks the next ones. A report the month-end cron claimed but
        did not print (its process stopped in between) is sent once printed.
        The cron reports its progress and runs again while reports are left
        (``_trigger`` outside the cron runner)."""
        domain = [("pdf_attachment_id", "=", False), ("pdf_error", "=", False)]
        reports = self.browse()
        while len(reports) < batch_size:
            report = self.browse(
                self._lock_next(
                    SQL(
                        """SELECT id FROM tma_sla_service_report
                            WHERE pdf_attachment_id IS NULL AND pdf_error IS NULL
                              AND NOT id = ANY(%s)
                            ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED""",
                        reports.ids,
                    )
                )
            )
            if not report:
                break
            reports |= report
            if report._print_pdfs() and report.send_when_printed:
                if report.state == "draft":
                    run_isolated(report, "action_send")
            commit_unless_testing(self.env)
        remaining = self.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(reports), remaining=remaining)
        if remaining and not self.env.context.get("ir_cron_progress_id"):
            self.env.ref("tma_sla.ir_cron_tma_sla_report_pdfs")._trigger()
        return reports
