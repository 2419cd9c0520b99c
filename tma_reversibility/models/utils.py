# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Constants and small helpers of tma_reversibility."""

SIDES = [
    ("provider", "Provider"),
    ("client", "Client"),
    ("successor", "Successor"),
]

DOCUMENT_TYPES = [
    ("source", "Source code location"),
    ("architecture", "Architecture"),
    ("runbook", "Installation and run book"),
    ("audit", "Audit"),
    ("test", "Test plan and results"),
    ("intervention", "Intervention report"),
    ("inventory", "Environment and access inventory"),
    ("other", "Other"),
]

# Rows per round trip when the package reads PostgreSQL: memory stays bounded
# as contracts grow.
FETCH = 2000


def file_digest(path, algorithm):
    """Hex digest of the file at ``path`` by ``algorithm`` (a hashlib
    constructor), read by blocks of 1 MB."""
    digest = algorithm()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
