# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Constants and small helpers of tma_reversibility."""

from odoo import fields
from odoo.tools import SQL

SIDES = [
    ("provider", "Provider"),
    ("client", "Client"),
    ("successor", "Successor"),
]

# Rows per round trip when the package reads PostgreSQL: memory stays bounded
# as contracts grow.
FETCH = 10000

# What html2plaintext makes of the chatter's tags: bold between stars, a line
# per paragraph or line break (plain replacements, cheaper than regular
# expressions), then links and other tags (PostgreSQL regular expressions).
HTML_TAGS_AS_TEXT = [
    ("<b>", "*"),
    ("</b>", "*"),
    ("<strong>", "*"),
    ("</strong>", "*"),
    ("<br>", "\n"),
    ("<br/>", "\n"),
    ("<br />", "\n"),
    ("</p>", "\n"),
    ("</div>", "\n"),
    ("</li>", "\n"),
]
HTML_TO_TEXT = [
    (r'<a\s[^>]*href="([^"]*)"[^>]*>([^<]*)</a>', r"\2 [\1]"),
    (r"<[^>]*>", ""),
]
# Entities html2plaintext decodes, ``&amp;`` last (``&amp;lt;`` is ``&lt;``).
HTML_ENTITIES = [
    ("&nbsp;", "\u00a0"),
    ("&lt;", "<"),
    ("&gt;", ">"),
    ("&quot;", '"'),
    ("&#39;", "'"),
    ("&#x27;", "'"),
    ("&amp;", "&"),
]


def file_digest(path, algorithm):
    """Hex digest of the file at ``path`` by ``algorithm`` (a hashlib
    constructor), read by blocks of 1 MB."""
    digest = algorithm()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sql_html_to_text(column):
    """SQL of the HTML in ``column`` as plain text, as ``html2plaintext``
    writes the chatter's messages: bold as ``*text*``, a link as
    ``text [url]``, a line per paragraph or line break, no other tag, the
    entities decoded. PostgreSQL does it while it reads the rows: no Python
    call per message."""
    text = column
    for tag, replacement in HTML_TAGS_AS_TEXT:
        text = SQL("replace(%s, %s, %s)", text, tag, replacement)
    for pattern, replacement in HTML_TO_TEXT:
        text = SQL("regexp_replace(%s, %s, %s, 'g')", text, pattern, replacement)
    for entity, char in HTML_ENTITIES:
        text = SQL("replace(%s, %s, %s)", text, entity, char)
    return SQL("btrim(%s, %s)", text, " \n\r\t")


# Take-on (reversibility's mirror, at the start of a contract).
TAKEON_SIDES = [
    ("provider", "Provider"),
    ("client", "Client"),
    ("predecessor", "Outgoing provider"),
]

TAKEON_ITEM_TYPES = [
    ("inventory", "Inventory of applications and environments"),
    ("access", "Access obtained"),
    ("documents", "Documents received"),
    ("knowledge", "Knowledge-transfer session"),
    ("shadowing", "Shadowing period"),
    ("service_start", "Service start sign-off"),
    ("other", "Other"),
]

# Where the files of an imported reversibility package go in the register.
PACKAGE_DOC_TYPES = {
    "workbook.xlsx": "inventory",
    "summary.pdf": "other",
}


def third_party_field(string, help):
    """A contract's third party (the successor, the outgoing provider): a
    company, whose portal users see its checklist and nothing else."""
    return fields.Many2one(
        "res.partner",
        string=string,
        tracking=True,
        domain=[("is_company", "=", True)],
        help=help,
    )


def checklist_template_field(comodel, string, xmlid):
    """A contract's checklist template, the one ``xmlid`` names by default."""
    return fields.Many2one(
        comodel,
        string=string,
        default=lambda self: self.env.ref(xmlid, raise_if_not_found=False),
    )
