# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The contract's scope: what it covers, how a ticket outside it counts, and
which contract a ticket belongs to."""

from odoo import _, api, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .utils import SCOPE_SUMMARY_ORDER, sql_translated


class TmaContract(models.Model):
    """The contract's scope and the matching of tickets to contracts. (A file
    of its own: ``tma_contract.py`` holds enough concepts.)"""

    _inherit = "tma.contract"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------
    # Scope
    # ------------------------------------------------------------------
    def _get_scope_summary(self):
        """What the contract covers, as the client reads it: its applications
        with their environments, its maintenance types and its support levels
        (codes), each in its display order, in one query. Archived records are
        left out."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "SELECT kind, name, environments FROM (%s) AS scope %s",
                self._get_scope_summary_sql(),
                SQL(SCOPE_SUMMARY_ORDER),
            )
        )
        return self._get_scope_summary_from_rows(self.env.cr.fetchall())

    def _get_scope_summary_sql(self):
        """The rows of :meth:`_get_scope_summary` (kind, name, environments
        and the columns of ``SCOPE_SUMMARY_ORDER``), unordered: a subquery
        the portal reads with its other sections."""
        self.ensure_one()
        env = self.env
        self.flush_recordset(
            ["application_ids", "maintenance_type_ids", "support_level_ids"]
        )
        for model in (
            "tma.application",
            "tma.application.environment",
            "tma.maintenance.type",
            "tma.support.level",
        ):
            env[model].flush_model()
        return SQL(
            """
            SELECT 'application' AS kind, app.name AS name, (
                       SELECT array_agg(e.name ORDER BY e.sequence, e.id)
                         FROM tma_application_environment e
                        WHERE e.application_id = app.id AND e.active
                   ) AS environments, 0 AS sequence, app.name AS sort_name,
                   app.id AS rid
              FROM tma_application_tma_contract_rel rel
              JOIN tma_application app ON app.id = rel.tma_application_id
             WHERE rel.tma_contract_id = %(id)s AND app.active
             UNION ALL
            SELECT 'maintenance', %(mt_name)s, NULL, mt.sequence, '', mt.id
              FROM tma_contract_tma_maintenance_type_rel rel
              JOIN tma_maintenance_type mt
                ON mt.id = rel.tma_maintenance_type_id
             WHERE rel.tma_contract_id = %(id)s AND mt.active
             UNION ALL
            SELECT 'level', sl.code, NULL, sl.sequence, '', sl.id
              FROM tma_contract_tma_support_level_rel rel
              JOIN tma_support_level sl ON sl.id = rel.tma_support_level_id
             WHERE rel.tma_contract_id = %(id)s AND sl.active
            """,
            id=self.id,
            mt_name=sql_translated(env, SQL("mt.name")),
        )

    @api.model
    def _get_scope_summary_from_rows(self, rows):
        """The summary of :meth:`_get_scope_summary` from its rows (kind,
        name, environments), in their order."""
        summary = {"applications": [], "maintenance_types": [], "support_levels": []}
        for kind, name, environments in rows:
            if kind == "application":
                summary["applications"].append((name, environments or []))
            elif kind == "maintenance":
                summary["maintenance_types"].append(name)
            else:
                summary["support_levels"].append(name)
        return summary

    def _get_scope_gaps(self, maintenance_type, application):
        """What the contract's scope does not cover among ``maintenance_type``
        and ``application`` (records, possibly empty): a list of labels, empty
        when the ticket is in scope. An empty list of types or applications on
        the contract covers them all."""
        self.ensure_one()
        gaps = []
        if (
            maintenance_type
            and self.maintenance_type_ids
            and maintenance_type not in self.maintenance_type_ids
        ):
            gaps.append(
                _("maintenance type %(type)s", type=maintenance_type.display_name)
            )
        if (
            application
            and self.application_ids
            and application not in self.application_ids
        ):
            gaps.append(
                _("application %(application)s", application=application.display_name)
            )
        return gaps

    def _check_scope(self, maintenance_type, application, ticket_name=None):
        """Refuse a ticket outside the scope of a contract whose policy refuses
        out-of-scope tickets.

        :raise ValidationError: in the user's language
        """
        self.ensure_one()
        gaps = self._get_scope_gaps(maintenance_type, application)
        if gaps and self.out_of_scope_policy == "refuse":
            raise ValidationError(
                _(
                    "%(ticket)s is outside the scope of contract %(contract)s "
                    "(%(gaps)s), which refuses out-of-scope tickets.",
                    ticket=ticket_name or _("This ticket"),
                    contract=self.display_name,
                    gaps=", ".join(gaps),
                )
            )
        return gaps

    def _get_portal_applications(self):
        """(application, in scope) pairs the portal's ticket form offers on
        this contract: the applications in its scope (all the client's when
        the scope names none) and, unless the contract refuses out-of-scope
        tickets, the client's other applications."""
        self.ensure_one()
        applications = (
            self.env["tma.application"]
            .sudo()
            .search([("partner_id", "=", self.partner_id.id)])
        )
        in_scope = self.application_ids.sudo() or applications
        offered = [(app, True) for app in in_scope]
        if self.out_of_scope_policy != "refuse":
            offered += [(app, False) for app in applications - in_scope]
        return offered

    def _get_scope_treatment(self, ticket):
        """How a consumption of ``ticket`` counts (read under the ledger lock):
        ``in`` scope, out of scope and ``counted`` in the volume, or out of
        scope and ``billed`` on top of the contract. With the Bill policy, the
        first ``out_of_scope_free_count`` out-of-scope tickets of the month are
        counted, the next ones billed."""
        self.ensure_one()
        if not ticket:
            return "in"
        gaps = self._check_scope(
            ticket.tma_maintenance_type_id,
            ticket.tma_application_id,
            ticket.display_name,
        )
        if not gaps:
            return "in"
        if self.out_of_scope_policy == "count":
            return "counted"
        month_start = self._tma_month_bounds(self._tma_today())[0]
        self.env.cr.execute(
            SQL(
                """
                SELECT COUNT(*) FROM tma_unit_entry
                 WHERE contract_id = %s AND entry_type = 'consumption'
                   AND scope IN ('counted', 'billed') AND NOT is_reversed
                   AND date >= %s AND ticket_id != %s
                """,
                self.id,
                month_start,
                ticket.id,
            )
        )
        already = self.env.cr.fetchone()[0]
        return "counted" if already < self.out_of_scope_free_count else "billed"

    # ------------------------------------------------------------------
    # Ticket matching
    # ------------------------------------------------------------------
    @api.model
    def _find_for_tickets(self, tickets):
        """Map ticket id -> the only active contract that fits it, if any."""
        partners = tickets.commercial_partner_id
        if not partners:
            return {}
        contracts = self.sudo().search(
            [("state", "=", "active"), ("partner_id", "in", partners.ids)]
        )
        result = {}
        for ticket in tickets:
            fits = contracts.filtered(
                lambda c, t=ticket: (
                    c.partner_id == t.commercial_partner_id
                    and (not c.team_ids or t.team_id in c.team_ids)
                    and (not t.company_id or c.company_id == t.company_id)
                )
            )
            if len(fits) == 1:
                result[ticket.id] = fits.id
        return result
