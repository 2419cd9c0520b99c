#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Verify a contract's journal of the parties' acts outside Odoo.

Usage::

    python3 verify_journal.py reversibility-package.zip
    python3 verify_journal.py journal.jsonl

The file is the ``journal.jsonl`` of a reversibility package (or the package
itself): one JSON object per entry, holding the hashed fields and the entry's
``inalterable_hash``. The chain is recomputed exactly as Odoo computes it
(``tma.act.journal._compute_entry_hash`` calls :func:`entry_hash` below): the
numbers follow each other without gaps from 1, and each hash is the SHA-256 of
the previous hash and the entry's canonical JSON. In a package, the SHA-256 of
``journal.jsonl`` is also checked against ``manifest.json``.

Prints ``OK`` with the last number and hash, or the first bad entry and why;
exits with 0 when the journal is intact, 1 otherwise. Python's standard
library only: no Odoo needed.
"""

import datetime
import hashlib
import json
import sys
import zipfile

# The fields an entry's hash covers, in Odoo's names (database values: ids
# for relations, "YYYY-MM-DD HH:MM:SS" in UTC for the time).
HASH_FIELDS = (
    "contract_id",
    "sequence",
    "code",
    "res_model",
    "res_id",
    "partner_id",
    "actor_partner_id",
    "user_id",
    "on_behalf_reason",
    "evidence_id",
    "recorded_on",
    "values_json",
)
HASH_KEY = "inalterable_hash"
JOURNAL_PATH = "journal.jsonl"


def canonical_json(values):
    """The one text of ``values`` the hash is computed on: sorted keys, no
    blanks, dates and records as their string and ids."""
    return json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)


def datetime_string(value):
    """``value`` as Odoo writes a datetime ("YYYY-MM-DD HH:MM:SS"); a string
    is kept, an empty value is False (``fields.Datetime.to_string``)."""
    if not value:
        return False
    if isinstance(value, datetime.datetime | datetime.date):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    return value


def entry_hash(values, previous_hash, names=HASH_FIELDS):
    """SHA-256 of the previous entry's hash and this entry's ``values``
    (field name → database value) restricted to ``names``."""
    payload = {name: values.get(name) or None for name in names}
    payload["recorded_on"] = datetime_string(values.get("recorded_on"))
    text = (previous_hash or "") + canonical_json(payload)
    return hashlib.sha256(text.encode()).hexdigest()


def check_entries(lines):
    """Check the journal's ``lines`` (JSON texts, one entry each, in order).

    Returns ``(problem, last_sequence, last_hash)``: ``problem`` is None when
    the chain is intact, else a sentence naming the first bad entry."""
    previous_hash = ""
    expected = 1
    for line_number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as error:
            return (f"line {line_number} is not JSON ({error})", expected - 1, "")
        if not isinstance(entry, dict):
            return (f"line {line_number} is not an entry", expected - 1, "")
        missing = [name for name in (*HASH_FIELDS, HASH_KEY) if name not in entry]
        if missing:
            return (
                f"line {line_number} lacks {', '.join(missing)}",
                expected - 1,
                previous_hash,
            )
        sequence = entry["sequence"]
        if sequence != expected:
            return (
                f"entry No. {expected} is missing (line {line_number} "
                f"holds No. {sequence})",
                expected - 1,
                previous_hash,
            )
        names = [name for name in entry if name != HASH_KEY]
        if entry_hash(entry, previous_hash, names) != entry[HASH_KEY]:
            return (
                f"entry No. {expected} was altered (line {line_number}: its "
                "hash does not match its values and the previous hash)",
                expected - 1,
                previous_hash,
            )
        previous_hash = entry[HASH_KEY]
        expected += 1
    return None, expected - 1, previous_hash


def check_package(path):
    """Check the package at ``path``: ``journal.jsonl``'s chain, and its
    SHA-256 against the manifest. Returns ``(problems, last, hash)``."""
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if JOURNAL_PATH not in names:
            return [f"{JOURNAL_PATH} is not in the package"], 0, ""
        data = archive.read(JOURNAL_PATH)
        manifest = None
        if "manifest.json" in names:
            manifest = json.loads(archive.read("manifest.json"))
    problem, last, last_hash = check_entries(data.decode().splitlines())
    problems = [problem] if problem else []
    if manifest is not None:
        listed = [f for f in manifest.get("files", []) if f.get("path") == JOURNAL_PATH]
        if not listed:
            problems.append(f"the manifest does not list {JOURNAL_PATH}")
        elif listed[0].get("sha256") != hashlib.sha256(data).hexdigest():
            problems.append(
                f"the SHA-256 of {JOURNAL_PATH} differs from the manifest's"
            )
    return problems, last, last_hash


def verify(path):
    """Verify ``path`` (a package or a ``journal.jsonl``): a list of problems
    (empty when intact), the last entry's number and its hash."""
    if zipfile.is_zipfile(path):
        return check_package(path)
    with open(path, encoding="utf-8") as handle:
        problem, last, last_hash = check_entries(handle.read().splitlines())
    return ([problem] if problem else []), last, last_hash


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        sys.stderr.write("usage: verify_journal.py PACKAGE.zip|journal.jsonl\n")
        return 2
    try:
        problems, last, last_hash = verify(argv[0])
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        sys.stdout.write(f"NOT OK: {error}\n")
        return 1
    if problems:
        for problem in problems:
            sys.stdout.write(f"NOT OK: {problem}\n")
        return 1
    sys.stdout.write(f"OK: {last} entries, last No. {last}, hash {last_hash}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
