# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the reader-language tests share (other addons import this module): a
text the suite generates for a party reads in the party's language, whoever
triggers it. A text reads in a language when it holds the fixed words of its
source in that language (the msgid, or its French msgstr in the catalogue),
none of the other language's, no ISO date and no seconds."""

import base64
import re
from functools import cache
from pathlib import Path

import polib

from odoo import SUPERUSER_ID
from odoo.modules.module import get_module_path

READERS = ("fr_FR", "en_US")
SUITE = ("tma_contract", "tma_sla", "tma_reversibility", "tma_helpdesk_mgmt_sla")
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
SECONDS = re.compile(r"\b\d{1,2}:\d{2}:\d{2}\b")
PLACEHOLDER = re.compile(r"%\(\w+\)(?:\.\d+)?[sdf]")


@cache
def french_catalogue():
    """msgid -> French msgstr, over the suite's catalogues."""
    terms = {}
    for module in SUITE:
        path = Path(get_module_path(module)) / "i18n" / "fr.po"
        for entry in polib.pofile(str(path)):
            if entry.msgstr and not entry.obsolete and not entry.fuzzy:
                terms[entry.msgid] = entry.msgstr
    return terms


def fragments(text):
    """The fixed words of a source text (between its placeholders)."""
    return {
        piece.strip() for piece in PLACEHOLDER.split(text) if len(piece.strip()) >= 4
    }


class ReaderLanguageMixin:
    """For a ``TransactionCase``: French loaded, the trigger's environment
    (OdooBot reading English) and ``assertReads``."""

    @classmethod
    def _load_french(cls):
        # Odoo's runner builds its database without French: load it.
        cls.env["res.lang"]._activate_lang("fr_FR")
        modules = cls.env["ir.module.module"].search(
            [
                ("name", "in", (*SUITE, "helpdesk_mgmt", "helpdesk_mgmt_rating")),
                ("state", "=", "installed"),
            ]
        )
        cls.env["ir.module.module"]._load_module_terms(
            modules.mapped("name"), ["fr_FR"]
        )

    @classmethod
    def _set_readers(cls):
        """French loaded; client A and its contact read French, client B
        and its contact English (``cls.client``, ``cls.contact`` by
        language); ``cls.bot``, the trigger's environment."""
        cls._load_french()
        (cls.client_a | cls.contact_a).lang = "fr_FR"
        (cls.client_b | cls.contact_b).lang = "en_US"
        cls.client = {"fr_FR": cls.client_a, "en_US": cls.client_b}
        cls.contact = {"fr_FR": cls.contact_a, "en_US": cls.contact_b}
        cls.bot = cls._bot_env()

    @classmethod
    def _bot_env(cls):
        """Who triggers the generators here: OdooBot, reading English."""
        return cls.env(user=SUPERUSER_ID, su=True, context={"lang": "en_US"})

    def _for_each_reader(self, check):
        """``check(lang)`` for a French and an English reader."""
        for lang in READERS:
            with self.subTest(reader=lang):
                check(lang)

    def assertReads(self, text, lang, *sources):
        """``text`` reads in ``lang`` (en_US or fr_FR): it holds the fixed
        words of each of ``sources`` (msgids of the catalogue) in ``lang``
        and none of the other language's; no date in ISO, no seconds."""
        catalogue = french_catalogue()
        text = str(text or "")
        self.assertTrue(text, "a text was generated")
        for source in sources:
            self.assertIn(source, catalogue, "the source is in the catalogue")
            french = catalogue[source]
            own, other = (french, source) if lang == "fr_FR" else (source, french)
            for piece in fragments(own):
                self.assertIn(piece, text, f"{lang} reader")
            for piece in fragments(other) - fragments(own):
                self.assertNotIn(piece, text, f"{lang} reader")
        self.assertNotRegex(text, ISO_DATE, "a date in the reader's format")
        self.assertNotRegex(text, SECONDS, "a time to the minute")

    def assertRegisterReads(self, ticket, lang, *sources):
        """The intervention report of ``ticket`` the register holds reads in
        ``lang``: its name, and its file with ``sources`` too."""
        document = self.env["tma.document"].search(
            [("ticket_id", "=", ticket.id), ("doc_type", "=", "intervention")]
        )
        self.assertReads(document.name, lang, "Intervention report %(ticket)s")
        self.assertReads(
            base64.b64decode(document.file).decode(),
            lang,
            "Intervention report %(ticket)s",
            "Opened: %(date)s",
            "Closed: %(date)s",
            *sources,
        )
