# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

from odoo import _, api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from odoo.addons.tma_contract.tools.fetch import search_fetch_many

# What the timers read of a policy, its targets and its escalation rules.
POLICY_TERMS = ["calendar_id", "ramp_up_weeks", "ramp_up_mode"]
TARGET_TERMS = ["criticality", "metric", "support_level_id", "ramp_up", "minutes"]
RULE_TERMS = ["policy_id", "metric", "criticality", "trigger", "percent", "level_id"]


class TmaSlaPolicy(models.Model):
    _name = "tma.sla.policy"
    _description = "TMA SLA Policy"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, index=True
    )
    description = fields.Html(translate=True)
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working calendar",
        required=True,
        default=lambda self: (
            self.env.ref("tma_sla.resource_calendar_tma_fr", raise_if_not_found=False)
            or self.env.company.resource_calendar_id
        ),
        tracking=True,
        help="Business hours and public holidays (calendar leaves) on which "
        "targets count. Contracts with 24/7 coverage count around the clock.",
    )
    hours_per_day = fields.Float(
        string="Hours per business day",
        default=8.0,
        help="Length of a business day for targets expressed in days.",
    )
    pause_stage_ids = fields.Many2many(
        "helpdesk.ticket.stage",
        string="Pausing stages",
        help="While a ticket is in one of these stages (waiting on the client, "
        "for instance) its timers stop; leaving the stage resumes them with the "
        "business time that remained.",
    )
    target_ids = fields.One2many(
        "tma.sla.target", "policy_id", string="Targets", copy=True
    )
    escalation_rule_ids = fields.One2many(
        "tma.sla.escalation.rule", "policy_id", string="Escalation rules", copy=True
    )
    ramp_up_weeks = fields.Integer(
        string="Ramp-up (weeks)",
        help="During this many weeks after a contract's service start, new "
        "commitments take the ramp-up targets (or none, see Ramp-up "
        "commitments); 0: no ramp-up.",
    )
    ramp_up_mode = fields.Selection(
        [
            ("targets", "Ramp-up targets"),
            ("none", "No commitment"),
        ],
        string="Ramp-up commitments",
        default="targets",
        required=True,
        help="Ramp-up targets: a commitment takes the ramp-up target of its "
        "criticality and metric, or the standard one when there is none. No "
        "commitment: tickets opened during the ramp-up get no timer.",
    )
    recurrence_days = fields.Integer(
        string="Recurrence window (days)",
        default=30,
        help="Two corrective tickets on the same application and category "
        "within this many days count as a recurring incident in the reports.",
    )
    contract_ids = fields.One2many("tma.contract", "sla_policy_id", string="Contracts")
    contract_count = fields.Integer(
        string="Contract count", compute="_compute_contract_count"
    )

    @api.depends("contract_ids")
    def _compute_contract_count(self):
        counts = dict(
            self.env["tma.contract"]._read_group(
                [("sla_policy_id", "in", self.ids)], ["sla_policy_id"], ["__count"]
            )
        )
        for policy in self:
            policy.contract_count = counts.get(policy, 0)

    @api.constrains("pause_stage_ids")
    def _check_pause_stages(self):
        for policy in self:
            policy._raise_if_closing(policy.pause_stage_ids)

    def _raise_if_closing(self, stages):
        closing = stages.filtered("closed")
        if closing:
            raise ValidationError(
                _(
                    "The stage %(stages)s closes tickets: it cannot also pause "
                    "the service-level timers of policy %(policy)s.",
                    stages=", ".join(closing.mapped("name")),
                    policy=self.display_name or self.name or "",
                )
            )

    def write(self, vals):
        # Refuse before writing, so that nothing is left in the cache.
        added = []
        for command in vals.get("pause_stage_ids") or []:
            if command[0] == fields.Command.LINK:
                added.append(command[1])
            elif command[0] == fields.Command.SET:
                added.extend(command[2])
        if added:
            self._raise_if_closing(self.env["helpdesk.ticket.stage"].browse(added))
        result = super().write(vals)
        if "pause_stage_ids" in vals:
            self.env.registry.clear_cache()  # _tma_pause_stage_ids
        return result

    def _tma_pause_stage_ids(self):
        """The ids of the policy's pausing stages (active ones), kept in the
        registry's cache: the tickets' timers ask them at each change of
        stage. Writing the policy's pausing stages or archiving a stage
        clears it (in every worker: the registry signals it)."""
        if not self:
            return frozenset()
        self.ensure_one()
        return self._tma_pause_stage_ids_cached(self.id)

    @api.model
    @tools.ormcache("policy_id")
    def _tma_pause_stage_ids_cached(self, policy_id):
        return frozenset(self.sudo().browse(policy_id).pause_stage_ids.ids)

    @api.constrains("calendar_id")
    def _check_calendar(self):
        engine = self.env["tma.sla.engine"]
        for policy in self:
            engine._check_calendar_usable(policy.calendar_id, error=ValidationError)

    @api.constrains("hours_per_day", "recurrence_days", "ramp_up_weeks")
    def _check_figures(self):
        for policy in self:
            if policy.hours_per_day <= 0 or policy.hours_per_day > 24:
                raise ValidationError(
                    _("A business day must last more than 0 and at most 24 hours.")
                )
            if policy.recurrence_days < 0:
                raise ValidationError(_("The recurrence window cannot be negative."))
            if policy.ramp_up_weeks < 0:
                raise ValidationError(_("The ramp-up cannot last a negative time."))

    def _find_target(self, criticality, metric, level, targets=None, ramp_up=False):
        """The target of this policy for a ticket: the one of the ticket's
        support level when there is one (L3 may have longer targets), else the
        general one. During a ramp-up (``ramp_up``), the ramp-up target of the
        same kind comes first, or none at all when the policy makes no
        commitment then. ``targets``: the policy's ``_targets_by_key()``, for
        a caller that looks up many tickets."""
        self.ensure_one()
        if targets is None:
            targets = self._targets_by_key()
        empty = self.env["tma.sla.target"]
        if ramp_up and self.ramp_up_mode == "none":
            return empty
        for ramp in (True, False) if ramp_up else (False,):
            target = targets.get((criticality, metric, level.id, ramp)) or targets.get(
                (criticality, metric, False, ramp)
            )
            if target:
                return target
        return empty

    def _targets_by_key(self):
        """The policy's targets by (criticality, metric, support level id or
        False for the general target, ramp-up)."""
        self.ensure_one()
        targets = self.env["tma.sla.target"].search_fetch(
            [("policy_id", "=", self.id)], TARGET_TERMS
        )
        return self._targets_keyed(targets)

    @api.model
    def _targets_keyed(self, targets):
        return {
            (t.criticality, t.metric, t.support_level_id.id, t.ramp_up): t
            for t in targets
        }

    def _tma_sla_terms(self, levels):
        """What the timers of tickets under these policies read, in one query
        (``search_fetch_many``): the policies, their targets, their
        escalation rules and the sequences of the rules' levels and of
        ``levels`` (the tickets'). Returns ``({policy: targets by key, as
        _targets_by_key}, {policy: rules, as
        tma.sla.timer._rules_by_policy})``."""
        Target = self.env["tma.sla.target"]
        Rule = self.env["tma.sla.escalation.rule"]
        rules_domain = [("policy_id", "in", self.ids)]
        rule_levels = Rule._search(rules_domain).select(
            SQL.identifier(Rule._table, "level_id")
        )
        found = search_fetch_many(
            {
                "policies": (
                    self.with_context(active_test=False),
                    [("id", "in", self.ids)],
                    POLICY_TERMS,
                    {},
                ),
                "targets": (
                    Target,
                    [("policy_id", "in", self.ids)],
                    [*TARGET_TERMS, "policy_id"],
                    {},
                ),
                "rules": (Rule, rules_domain, RULE_TERMS, {}),
                "levels": (
                    self.env["tma.support.level"].with_context(active_test=False),
                    [
                        "|",
                        ("id", "in", levels.ids),
                        ("id", "in", SQL("(%s)", rule_levels)),
                    ],
                    ["sequence"],
                    {},
                ),
            }
        )
        targets_of = {
            policy: self._targets_keyed(
                found["targets"].filtered(lambda t, p=policy: t.policy_id == p)
            )
            for policy in self
        }
        rules_of = defaultdict(Rule.browse)
        for rule in found["rules"]:
            rules_of[rule.policy_id] |= rule
        return targets_of, rules_of

    def _in_ramp_up(self, contract, moment):
        """Whether a commitment starting at ``moment`` on ``contract`` is in
        this policy's ramp-up: the weeks after the contract's service start
        (tickets are attached to active contracts only, so the take-on itself
        has none)."""
        self.ensure_one()
        if self.ramp_up_weeks <= 0 or not contract.date_start or not moment:
            return False
        end = contract.date_start + timedelta(weeks=self.ramp_up_weeks)
        return fields.Date.to_date(moment) < end

    def action_view_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "tma_contract.tma_contract_action"
        )
        action["domain"] = [("sla_policy_id", "=", self.id)]
        return action
