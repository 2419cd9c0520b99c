# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo's provider, a French IT services company invoicing in euros, on
the main company of a demo database where only ``base`` and ``web`` are
installed yet (``bash setup/demo.sh`` runs it before installing the suite):

    python3 setup/demo_company.py -c ODOO_CONF -d DATABASE

Why before the suite: a company's currency cannot change once journal items
exist, and the demo data of ``account`` and of the suite post some; the
company's country also decides the chart of accounts ``account`` loads. With
France, Odoo installs the French localisation (``l10n_fr_account``: the
French chart of accounts, 20 % VAT) with ``account``, as it would for a real
French provider; the suite's demo (invoices, penalties as credit notes,
budget control) runs on it.

Its letterhead: the logo (``setup/demo_company_logo.png``), the colours, font
and layout of Odoo's external layout (every PDF of the suite), the address,
registry numbers and contacts its footer and the emails show (the emails
take the report colours: mail, installed later, computes its colours from
them).
"""

import base64
import os
import sys

LOGO = os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo_company_logo.png")

# The registry numbers are made up but well formed (the SIREN passes its
# Luhn check, the VAT number its key), so that base_vat accepts them.
COMPANY = {
    "name": "Septentrion Services Applicatifs",
    "street": "14 rue des Arts",
    "zip": "59000",
    "city": "Lille",
    "phone": "+33 3 20 55 01 42",
    "email": "contact@septentrion.example",
    "website": "https://www.septentrion.example",
    "vat": "FR19812345676",
    "company_registry": "812 345 676 RCS Lille",
    "primary_color": "#1b3a5c",
    "secondary_color": "#c8962e",
    "font": "Montserrat",
}
LAYOUT = "web.external_layout_bold"
# The tagline and the footer of the documents (the Bold layout prints both
# at the foot of each page), in each loaded language.
TAGLINE = {
    "en_US": "Odoo application maintenance, since 2012",
    "fr_FR": "Tierce maintenance applicative Odoo, depuis 2012",
}
CONTACTS = " · ".join(COMPANY[key] for key in ("phone", "email", "website"))
FOOTER = {
    "en_US": f"<p>{CONTACTS}<br/>SAS with a share capital of EUR 50,000 · "
    f"{COMPANY['company_registry']} · VAT {COMPANY['vat']}</p>",
    "fr_FR": f"<p>{CONTACTS}<br/>SAS au capital de 50 000 € · "
    f"{COMPANY['company_registry']} · TVA {COMPANY['vat']}</p>",
}


def brand(env):
    """Write the provider on the main company."""
    company = env.ref("base.main_company")
    euro = env.ref("base.EUR")
    euro.active = True
    values = dict(
        COMPANY,
        country_id=env.ref("base.fr").id,
        currency_id=euro.id,
        external_report_layout_id=env.ref(LAYOUT).id,
        paperformat_id=env.ref("base.paperformat_euro").id,
    )
    with open(LOGO, "rb") as logo:
        values["logo"] = base64.b64encode(logo.read())
    company.write(values)
    company.partner_id.write({"is_company": True, "tz": "Europe/Paris"})
    for lang, tagline in TAGLINE.items():
        if _active(env, lang):
            company.with_context(lang=lang).write(
                {"report_header": tagline, "report_footer": FOOTER[lang]}
            )


def _active(env, lang):
    return bool(env["res.lang"]._lang_get(lang))


def main(argv=None):
    from demo_odoo import run_in_odoo

    run_in_odoo(__doc__.split("\n\n")[0], brand, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
