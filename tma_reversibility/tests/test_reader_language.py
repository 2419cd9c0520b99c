# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The checklists tma_reversibility writes read in the client's language,
whoever starts the phase (here OdooBot, reading English); a party's sign-off
is confirmed in that party's language (the successor's, not the client's)."""

from odoo.tests import tagged

from odoo.addons.tma_contract.tests.reader_language import (
    ReaderLanguageMixin,
)

from .common import TmaReversibilityCommon

OTHER = {"fr_FR": "en_US", "en_US": "fr_FR"}


@tagged("post_install", "-at_install")
class TestChecklistReaderLanguage(ReaderLanguageMixin, TmaReversibilityCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_french()
        cls.bot = cls._bot_env()
        cls.predecessor = cls.env["res.partner"].create(
            {"name": "Predecessor SA", "is_company": True}
        )

    def _read_as(self, lang):
        """Client A reads ``lang``; the successor the other language."""
        (self.client_a | self.contact_a).lang = lang
        (self.successor | self.successor_contact).lang = OTHER[lang]

    def _assert_items_read(self, items, lang):
        self.assertTrue(items)
        for item, line_name in zip(items, self._template_names(items), strict=True):
            self.assertReads(item.name, lang, line_name)

    def _template_names(self, items):
        """The English names (the msgids) of the template lines ``items``
        were copied from, by sequence."""
        template = items.contract_id[
            "takeon_template_id"
            if items._name == "tma.takeon.item"
            else "reversibility_template_id"
        ]
        if not template:
            field = items.contract_id._fields[
                "takeon_template_id"
                if items._name == "tma.takeon.item"
                else "reversibility_template_id"
            ]
            template = field.default(items.contract_id)
        lines = template.with_context(lang="en_US").line_ids
        by_sequence = {line.sequence: line.name for line in lines}
        return [by_sequence[item.sequence] for item in items]

    def test_the_takeon_checklist_reads_in_the_clients_language(self):
        def check(lang):
            self._read_as(lang)
            contract = self._create_contract(
                activate=False,
                title="Taken over",
                predecessor_id=self.predecessor.id,
            )
            contract.with_env(self.bot).action_start_transition()
            self._assert_items_read(contract.takeon_item_ids, lang)

        self._for_each_reader(check)

    def test_the_handover_checklist_reads_in_the_clients_language(self):
        def check(lang):
            self._read_as(lang)
            contract = self._create_contract(
                title="Handover", successor_id=self.successor.id
            )
            contract.with_env(self.bot).action_start_reversibility()
            items = contract.reversibility_item_ids
            self._assert_items_read(items, lang)
            # The successor's sign-off, in a session reading the client's
            # language, is confirmed in the successor's.
            item = items.filtered(
                lambda i: i.side == "successor" and not i.evidence_required
            )[:1]
            portal = self.portal_successor.with_context(lang=lang)
            item.with_context(lang=lang)._sign(portal)
            self.assertReads(
                item.message_ids[:1].body,
                OTHER[lang],
                "Signed off by %(user)s.",
                "Journal of acts: entry No. %(number)s, hash %(hash)s.",
            )

        self._for_each_reader(check)
