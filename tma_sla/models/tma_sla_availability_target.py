# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class TmaSlaAvailabilityTarget(models.Model):
    """An availability commitment of a contract on one environment: a target
    percentage over the service hours of a calendar, or around the clock.

    Availability over a period is ``(service time - downtime) / service
    time``, both counted in business time by the batched engine
    (``tma.sla.engine._elapsed``): one calendar computation for all the
    targets and outages of a calendar and company (the public holidays of the
    contract's company count, whatever the calendar's company). Planned
    windows are excluded from the service time, or counted as downtime, as the
    target says.
    """

    _name = "tma.sla.availability.target"
    _description = "Availability Commitment"
    _order = "contract_id, environment_id"

    contract_id = fields.Many2one(
        "tma.contract", required=True, ondelete="cascade", index=True
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", store=True, index=True
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    environment_id = fields.Many2one(
        "tma.application.environment",
        required=True,
        ondelete="cascade",
        domain="[('partner_id', '=', partner_id)]",
    )
    target = fields.Float(
        string="Target (%)", required=True, default=99.5, digits=(5, 3)
    )
    coverage = fields.Selection(
        [("calendar", "Service hours"), ("24_7", "Around the clock")],
        required=True,
        default="calendar",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Service hours",
        help="Empty: the contract's SLA calendar.",
    )
    planned_outages = fields.Selection(
        [
            ("excluded", "Excluded from the service time"),
            ("counted", "Counted as downtime"),
        ],
        string="Planned windows",
        required=True,
        default="excluded",
    )
    availability_month = fields.Float(
        string="Availability this month (%)",
        compute="_compute_availability_month",
        digits=(5, 3),
    )
    under_target = fields.Boolean(compute="_compute_availability_month")

    _sql_constraints = [
        (
            "environment_unique",
            "UNIQUE(contract_id, environment_id)",
            "A contract has one availability commitment per environment.",
        ),
    ]

    @api.constrains("target")
    def _check_target(self):
        for commitment in self:
            if not 0 < commitment.target <= 100:
                raise ValidationError(
                    _(
                        "An availability target is a percentage above 0 and "
                        "at most 100, not %(target)s.",
                        target=commitment.target,
                    )
                )

    @api.constrains("contract_id", "environment_id")
    def _check_environment(self):
        for commitment in self:
            if (
                commitment.environment_id.partner_id
                != commitment.contract_id.partner_id
            ):
                raise ValidationError(
                    _(
                        "Environment %(environment)s belongs to another client "
                        "than contract %(contract)s.",
                        environment=commitment.environment_id.display_name,
                        contract=commitment.contract_id.display_name,
                    )
                )

    def _get_calendar(self):
        """The calendar the commitment counts on; empty for around the clock."""
        self.ensure_one()
        if self.coverage == "24_7":
            return self.env["resource.calendar"]
        return self.calendar_id or self.contract_id._tma_sla_calendar()

    def _compute_availability_month(self):
        """Availability since the start of the contract's local month (the
        month of its time zone, as every monthly figure of the contract)."""
        now = fields.Datetime.now()
        figures = self._by_contract_month(
            lambda contract: (
                contract._tma_month_bounds(contract._tma_today())[0],
                now,
            )
        )
        for commitment in self:
            availability = figures.get(commitment.id, {}).get("availability", 100.0)
            commitment.availability_month = availability
            commitment.under_target = availability < commitment.target

    def _get_availability(self, date_from, date_to):
        """Availability of these commitments between two naive UTC datetimes:
        ``{id: {"service": s, "downtime": s, "availability": %}}``.

        One search of the outages and one batch of the engine for all the
        commitments, whatever their number. An ongoing outage counts up to
        ``date_to``.
        """
        outages = self.env["tma.sla.outage"].search(
            [
                ("environment_id", "in", self.environment_id.ids),
                ("date_start", "<", date_to),
                "|",
                ("date_end", "=", False),
                ("date_end", ">", date_from),
            ]
        )
        by_environment = {}
        for outage in outages:
            by_environment.setdefault(outage.environment_id.id, []).append(outage)
        requests, plan = [], []
        for commitment in self:
            calendar = commitment._get_calendar()
            company = commitment.company_id
            requests.append((calendar, date_from, date_to, company))
            plan.append((commitment.id, "service", None))
            for outage in by_environment.get(commitment.environment_id.id, []):
                start = max(outage.date_start, date_from)
                end = min(outage.date_end or date_to, date_to)
                requests.append((calendar, start, end, company))
                plan.append((commitment.id, outage.kind, None))
        seconds = self.env["tma.sla.engine"]._elapsed(requests)
        result = {
            commitment.id: {"service": 0.0, "downtime": 0.0, "planned": 0.0}
            for commitment in self
        }
        for (commitment_id, kind, _unused), value in zip(plan, seconds, strict=True):
            key = {"service": "service", "planned": "planned"}.get(kind, "downtime")
            result[commitment_id][key] += value
        for commitment in self:
            figures = result[commitment.id]
            if commitment.planned_outages == "counted":
                figures["downtime"] += figures["planned"]
            else:
                figures["service"] -= figures["planned"]
            service = figures["service"]
            figures["availability"] = (
                round(100.0 * (service - figures["downtime"]) / service, 3)
                if service > 0
                else 100.0
            )
        return result

    def _get_month_availability(self, month):
        """:meth:`_get_availability` over the calendar month of ``month`` in
        the time zone of each commitment's contract."""
        return self._by_contract_month(
            lambda contract: contract._tma_month_bounds(month)
        )

    def _by_contract_month(self, bounds_of):
        """:meth:`_get_availability` of these commitments, each over the
        naive UTC bounds ``bounds_of(contract)`` of its contract: one engine
        batch per distinct window (per time zone), not per commitment."""
        windows = {}
        for commitment in self.filtered("contract_id"):
            bounds = bounds_of(commitment.contract_id)
            windows[bounds] = windows.get(bounds, self.browse()) | commitment
        figures = {}
        for (start, end), commitments in windows.items():
            figures.update(commitments._get_availability(start, end))
        return figures
