# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Budget control and availability in the service report: the amounts
invoiced in the period by kind against the contract's planned budget, and the
availability of each commitment of the contract against its target, frozen
with the report's figures, shown in the PDF and a sheet of the XLSX."""

from odoo import _, fields, models

from .utils import BUDGET_KINDS


class TmaSlaServiceReport(models.Model):
    _inherit = "tma.sla.service.report"  # pylint: disable=consider-merging-classes-inherited

    def _prepare_kpi_data(self):
        kpis = super()._prepare_kpi_data()
        kpis["budget"] = self._prepare_budget()
        kpis["availability"] = self._prepare_availability()
        return kpis

    def _prepare_budget(self):
        """{"lines": [{kind, amount}], "invoiced", "planned", "remaining",
        "consumed_rate"} of the period (one grouped query)."""
        contract = self.contract_id
        invoiced = contract._tma_invoiced_by_kind(self.date_from, self.date_to)
        total = round(sum(invoiced.values()), 2)
        planned = round(contract._tma_budget_of(self.date_from, self.date_to), 2)
        return {
            "lines": [
                {"kind": kind, "amount": invoiced[kind]}
                for kind in BUDGET_KINDS
                if kind in invoiced
            ],
            "invoiced": total,
            "planned": planned,
            "remaining": round(planned - total, 2),
            "consumed_rate": round(100.0 * total / planned, 1) if planned else None,
            "currency": contract.currency_id.name,
        }

    def _prepare_availability(self):
        """[{application, environment, target, availability, breached}] of
        the contract's availability commitments over the period (up to now
        when it is not over): one engine batch for all of them."""
        commitments = self.contract_id.availability_target_ids
        if not commitments:
            return []
        start, end = self.contract_id._tma_period_bounds(self.date_from, self.date_to)
        end = min(end, fields.Datetime.now())
        if end <= start:
            return []
        figures = commitments._get_availability(start, end)
        return [
            {
                "application": commitment.environment_id.application_id.name,
                "environment": commitment.environment_id.name,
                "target": commitment.target,
                "availability": figures[commitment.id]["availability"],
                "downtime_hours": round(figures[commitment.id]["downtime"] / 3600, 2),
                "breached": figures[commitment.id]["availability"] < commitment.target,
            }
            for commitment in commitments
        ]

    def _budget_kind_labels(self):
        """The labels of the kinds of ``BUDGET_KINDS``, translated."""
        return {
            "fee": _("Fixed fee"),
            "books": _("Unit books"),
            "overage": _("Overage"),
            "time_materials": _("Time and materials"),
            "out_of_scope": _("Out-of-scope work"),
            "penalty": _("Penalty credits"),
            "other": _("Other lines of the contract's orders"),
        }

    def _xlsx_extra_sheets(self, book, bold):
        """A "Budget" sheet (invoiced by kind against the planned budget) and
        an "Availability" sheet (each commitment against its target)."""
        result = super()._xlsx_extra_sheets(book, bold)
        k = self.kpi_data or {}
        budget = k.get("budget")
        if budget and (budget["lines"] or budget["planned"]):
            labels = self._budget_kind_labels()
            sheet = book.add_worksheet(_("Budget"))
            sheet.set_column(0, 0, 36)
            sheet.set_column(1, 1, 16)
            sheet.write_row(
                0, 0, [_("Invoiced in the period"), budget["currency"]], bold
            )
            row = 0
            for line in budget["lines"]:
                row += 1
                sheet.write_row(row, 0, [labels[line["kind"]], line["amount"]])
            row += 1
            sheet.write_row(row, 0, [_("Total invoiced"), budget["invoiced"]], bold)
            sheet.write_row(row + 1, 0, [_("Planned budget"), budget["planned"]])
            sheet.write_row(row + 2, 0, [_("Remaining budget"), budget["remaining"]])
            if budget["consumed_rate"] is not None:
                sheet.write_row(
                    row + 3, 0, [_("Budget consumed (%)"), budget["consumed_rate"]]
                )
        availability = k.get("availability")
        if availability:
            sheet = book.add_worksheet(_("Availability"))
            sheet.set_column(0, 1, 24)
            sheet.set_column(2, 5, 16)
            sheet.write_row(
                0,
                0,
                [
                    _("Application"),
                    _("Environment"),
                    _("Target (%)"),
                    _("Availability (%)"),
                    _("Downtime (hours)"),
                    _("Under target"),
                ],
                bold,
            )
            for row, line in enumerate(availability, start=1):
                sheet.write_row(
                    row,
                    0,
                    [
                        line["application"] or "",
                        line["environment"] or "",
                        line["target"],
                        line["availability"],
                        line["downtime_hours"],
                        _("Yes") if line["breached"] else _("No"),
                    ],
                )
        return result
