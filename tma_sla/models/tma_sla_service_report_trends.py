# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Trends of the service report: the last 12 months of the contract, frozen
with the report's figures, drawn as SVG in the PDF and as native charts in
the XLSX workbook; the improvement actions' status."""

from odoo import _, api, models

from ..report.svg_chart import svg_chart


class TmaSlaServiceReport(models.Model):
    _inherit = "tma.sla.service.report"

    def _prepare_kpi_data(self):
        kpis = super()._prepare_kpi_data()
        kpis["trends"] = self.contract_id._tma_sla_trends(self.date_to)
        return kpis

    def _trend_definitions(self):
        """(title, kind, unit, [(series label, trends key)]) of each chart."""
        return [
            (
                _("Tickets opened and closed"),
                "bar",
                "",
                [(_("Opened"), "opened"), (_("Closed"), "closed")],
            ),
            (
                _("SLA compliance (%)"),
                "line",
                "%",
                [(_("Compliance"), "compliance")],
            ),
            (
                _("Resolution time (business hours)"),
                "line",
                "h",
                [
                    (_("Mean"), "resolution_mean"),
                    (_("90th percentile"), "resolution_p90"),
                ],
            ),
            (
                _("Satisfaction (average rating out of 5)"),
                "line",
                "",
                [(_("Satisfaction"), "satisfaction")],
            ),
            (
                _("Units consumed against the estimate"),
                "bar",
                "",
                [
                    (_("Consumed"), "units_consumed"),
                    (_("Estimated"), "units_estimate"),
                ],
            ),
        ]

    def _trend_charts(self):
        """The report's trend charts as inline SVG (for the PDF)."""
        self.ensure_one()
        return self._trend_charts_of((self.kpi_data or {}).get("trends"))

    @api.model
    def _trend_charts_of(self, trends):
        """Inline SVG charts of ``trends`` (``tma.contract._tma_sla_trends``):
        the PDF report's and the contract's dashboard."""
        if not trends:
            return []
        charts = []
        for title, kind, unit, series in self._trend_definitions():
            y_max = (
                100 if unit == "%" else 5 if "satisfaction" in series[0][1] else None
            )
            charts.append(
                svg_chart(
                    title,
                    [month[2:] for month in trends["months"]],
                    [(label, trends[key]) for label, key in series],
                    kind=kind,
                    y_max=y_max,
                    unit=unit,
                )
            )
        return charts

    def _xlsx_extra_sheets(self, book, bold):
        """A "Trends" sheet: one column per series, one row per month, and a
        native chart (xlsxwriter) per figure, which Excel and LibreOffice
        draw."""
        super()._xlsx_extra_sheets(book, bold)
        trends = (self.kpi_data or {}).get("trends")
        if not trends:
            return
        definitions = self._trend_definitions()
        columns = [
            (label, key) for *_head, series in definitions for label, key in series
        ]
        sheet_name = _("Trends")
        sheet = book.add_worksheet(sheet_name)
        sheet.set_column(0, 0, 10)
        sheet.set_column(1, len(columns), 14)
        sheet.write_row(0, 0, [_("Month"), *[label for label, _key in columns]], bold)
        months = trends["months"]
        for row, month in enumerate(months, start=1):
            values = [trends[key][row - 1] for _label, key in columns]
            sheet.write_row(row, 0, [month, *["" if v is None else v for v in values]])
        last = len(months)
        col_of = {key: i + 1 for i, (_label, key) in enumerate(columns)}
        anchor_row = last + 3
        for title, kind, _unit, series in definitions:
            chart = book.add_chart({"type": "column" if kind == "bar" else "line"})
            for label, key in series:
                col = col_of[key]
                chart.add_series(
                    {
                        "name": label,
                        "categories": [sheet_name, 1, 0, last, 0],
                        "values": [sheet_name, 1, col, last, col],
                        "marker": {"type": "circle"} if kind == "line" else None,
                    }
                )
            chart.set_title({"name": title})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 620, "height": 280})
            sheet.insert_chart(anchor_row, 0, chart)
            anchor_row += 15

    def _summary_rows(self):
        """Add the satisfaction %, the response rate and the improvement
        actions to the headline figures."""
        rows = super()._summary_rows()
        k = self.kpi_data or {}
        if k.get("satisfaction_rate") is not None:
            rows.append(
                (
                    _("Satisfied clients (%)"),
                    k["satisfaction_rate"],
                    _("Ratings of 4 or more per 100 ratings given in the period."),
                )
            )
        if k.get("response_rate") is not None:
            rows.append(
                (
                    _("Rating response rate (%)"),
                    k["response_rate"],
                    _("Rating requests sent in the period that were answered."),
                )
            )
        actions = k.get("actions")
        if actions:
            rows += [
                (
                    _("Improvement actions open"),
                    actions["open"],
                    _("Improvement actions proposed or in progress at period end."),
                ),
                (
                    _("Improvement actions overdue"),
                    actions["overdue"],
                    _("Open improvement actions past their due date."),
                ),
                (
                    _("Improvement actions done"),
                    actions["done"],
                    _("Improvement actions completed in the period."),
                ),
            ]
        return rows
