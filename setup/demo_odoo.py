# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The Odoo environment of the demo's set-up scripts (``demo_company.py``,
``demo_english.py``): they take ``-c ODOO_CONF -d DATABASE`` and run one
function as the superuser, in one transaction committed when it returns."""

import argparse


def run_in_odoo(description, function, argv=None):
    """Parse ``-c``/``-d`` from ``argv`` and return ``function(env)``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-c", dest="conf", required=True)
    parser.add_argument("-d", dest="db", required=True)
    args = parser.parse_args(argv)
    import odoo
    from odoo import SUPERUSER_ID, api

    odoo.tools.config.parse_config(["-c", args.conf, "-d", args.db])
    registry = odoo.modules.registry.Registry.new(args.db)
    with registry.cursor() as cr:
        return function(api.Environment(cr, SUPERUSER_ID, {}))
