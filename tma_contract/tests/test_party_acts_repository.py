# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every sign-off or approval a model of the suite carries is a party's act
(``tma.party.act.mixin``): one engine, journaled and immutable. A model that
grows such fields on its own fails here."""

import re

from odoo.tests import TransactionCase, tagged

SUITE = ("tma_contract", "tma_sla", "tma_reversibility", "tma_helpdesk_mgmt_sla")
# Who gave the act: a person (user or partner) named after the act (a word
# of the field's name starts so).
ACT_PERSON = re.compile(
    r"^(sign|approv|decid|decision|refus|answer|rated|rater|rating|accept"
    r"|valid|agree)"
)
# When it was given: a moment named after the act (a word of its name).
ACT_MOMENT = re.compile(
    r"^(signed|approved|decided|refused|answered|rated|accepted|validated"
    r"|agreed)$"
)
PERSONS = ("res.users", "res.partner")
MOMENTS = ("datetime", "date")


def _named(pattern, name):
    return any(pattern.search(word) for word in name.split("_"))


def act_fields(fields_):
    """The fields of ``fields_`` ({name: (type, comodel)}) that hold a
    party's act: a user or partner named after a sign-off, an approval, a
    decision, a refusal, an answer or a rating, or a date named after one
    (word by word: ``generated_on`` is no rating)."""
    return sorted(
        name
        for name, (ftype, comodel) in fields_.items()
        if (ftype == "many2one" and comodel in PERSONS and _named(ACT_PERSON, name))
        or (ftype in MOMENTS and _named(ACT_MOMENT, name))
    )


@tagged("post_install", "-at_install")
class TestPartyActsRepository(TransactionCase):
    def _suite_act_fields(self):
        """{model: act fields} over the registry, for the fields the suite's
        addons define (the host's own fields are the host's business)."""
        found = {}
        for name in self.env.registry:
            model = self.env[name]
            if model._transient:
                continue
            fields_ = {
                fname: (field.type, field.comodel_name)
                for fname, field in model._fields.items()
                if field._module in SUITE and not fname.startswith("tma_act_")
            }
            acts = act_fields(fields_)
            if acts:
                found[name] = acts
        return found

    def test_rule_flags_sign_off_and_approval_fields(self):
        """The rule is not vacuous: it sees the usual names of an act."""
        self.assertEqual(
            act_fields(
                {
                    "approved_by_id": ("many2one", "res.users"),
                    "approved_on": ("datetime", None),
                    "signed_by_partner_id": ("many2one", "res.partner"),
                    "date_refused": ("datetime", None),
                    "answered_by_id": ("many2one", "res.partner"),
                    "rated_on": ("date", None),
                    "decided_by": ("many2one", "res.users"),
                    # Not acts: other people, other dates, other comodels.
                    "user_id": ("many2one", "res.users"),
                    "signature_template_id": ("many2one", "mail.template"),
                    "date_start": ("date", None),
                    "generated_on": ("datetime", None),
                }
            ),
            [
                "answered_by_id",
                "approved_by_id",
                "approved_on",
                "date_refused",
                "decided_by",
                "rated_on",
                "signed_by_partner_id",
            ],
        )

    def test_rule_finds_the_known_acts_in_the_registry(self):
        """The walk over the registry sees the acts the suite has: the
        checklist items, the review minutes, the amendments, the surveys."""
        found = self._suite_act_fields()
        for model, field in (
            ("tma.reversibility.item", "signed_by_id"),
            ("tma.takeon.item", "signed_on"),
            ("tma.review", "approved_by_id"),
            ("tma.contract.amendment", "date_refused"),
            ("tma.satisfaction.survey", "answered_by_id"),
        ):
            self.assertIn(field, found.get(model, ()), model)

    def test_every_act_uses_the_party_act_engine(self):
        """A model of the suite that carries a sign-off or an approval
        inherits ``tma.party.act.mixin`` (directly, or through the checklist
        item mixin): nothing re-implements the parties' acts."""
        engine = self.env.registry["tma.party.act.mixin"]
        rogue = {
            model: acts
            for model, acts in self._suite_act_fields().items()
            if not issubclass(self.env.registry[model], engine)
        }
        self.assertFalse(
            rogue,
            "These models carry a party's act without tma.party.act.mixin "
            f"(make the act through _tma_record_act): {rogue}",
        )
