# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The French catalogue covers every text of the code as Odoo extracts it:
a term whose msgid differs from the source by a space or a line break is
never applied, and the French reader sees English."""

from pathlib import Path

import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

SUITE = ("tma_contract", "tma_sla", "tma_reversibility", "tma_helpdesk_mgmt_sla")


@tagged("post_install", "-at_install")
class TestTranslationCatalogue(TransactionCase):
    def _translated(self, module):
        po = polib.pofile(str(Path(get_module_path(module)) / "i18n" / "fr.po"))
        return {
            entry.msgid
            for entry in po
            if entry.msgstr and not entry.fuzzy and not entry.obsolete
        }

    def test_every_extracted_term_has_a_french_translation(self):
        installed = self.env["ir.module.module"].search(
            [("name", "in", SUITE), ("state", "=", "installed")]
        )
        self.assertTrue(installed)
        extracted = 0
        for module in installed.mapped("name"):
            translated = self._translated(module)
            reader = TranslationModuleReader(self.env.cr, modules=[module])
            terms = {row[4] for row in reader if row[0] == module}
            extracted += len(terms)
            missing = sorted(terms - translated)
            self.assertFalse(
                missing, f"{module}: {len(missing)} terms without French: {missing[:5]}"
            )
        self.assertGreater(extracted, 1000, "the reader extracted the suite's terms")

    def test_every_code_term_is_marked_as_code_in_the_catalogue(self):
        """Odoo applies a translation to a text of the code (``_()``) only
        from an entry marked ``#. odoo-python``: unmarked, the entry is
        taken for a record's term and the French reader sees English."""
        installed = self.env["ir.module.module"].search(
            [("name", "in", SUITE), ("state", "=", "installed")]
        )
        checked = 0
        for module in installed.mapped("name"):
            path = Path(get_module_path(module)) / "i18n"
            reader = TranslationModuleReader(self.env.cr, modules=[module])
            code = {
                row[4]
                for row in reader
                if row[0] == module and "odoo-python" in (row[6] or ())
            }
            checked += len(code)
            for name in ("fr.po", f"{module}.pot"):
                if not (path / name).exists():
                    continue
                marked = {
                    entry.msgid
                    for entry in polib.pofile(str(path / name))
                    if "odoo-python" in (entry.comment or "")
                }
                unmarked = sorted(code - marked)
                self.assertFalse(
                    unmarked,
                    f"{module}/{name}: {len(unmarked)} code terms not marked "
                    f"odoo-python: {unmarked[:5]}",
                )
        self.assertGreater(checked, 300, "the reader extracted the code's terms")

    def test_a_term_absent_from_the_catalogue_is_reported(self):
        """The check is not vacuous: a text the catalogue does not hold, or
        holds with other spacing, is missing."""
        translated = self._translated("tma_contract")
        self.assertIn("Overage", translated)
        self.assertNotIn("Overage ", translated)
        self.assertNotIn("A text no catalogue holds", translated)
