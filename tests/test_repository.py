# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Repository-wide checks: packaging of every addon and completeness of the
French translation. Plain pytest tests: they need no database."""

import ast
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
ADDONS = sorted(
    path.parent
    for path in ROOT.glob("tma_*/__manifest__.py")
    if ast.literal_eval(path.read_text()).get("installable", True)
)


def test_there_is_at_least_one_addon():
    assert ADDONS, "no tma_* addon found at the repository root"


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_french_translation_is_complete(addon):
    pot = polib.pofile(str(addon / "i18n" / f"{addon.name}.pot"))
    po = polib.pofile(str(addon / "i18n" / "fr.po"))
    translated = {
        (entry.msgctxt, entry.msgid)
        for entry in po
        if entry.msgstr and not entry.fuzzy and not entry.obsolete
    }
    missing = [
        entry.msgid for entry in pot if (entry.msgctxt, entry.msgid) not in translated
    ]
    assert not missing, (
        f"{len(missing)} strings lack a French translation: {missing[:5]}"
    )
    assert po.metadata.get("Language") == "fr"


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_translations_keep_their_placeholders(addon):
    po = polib.pofile(str(addon / "i18n" / "fr.po"))
    for entry in po:
        if not entry.msgstr:
            continue
        for token in ("%(", "%s", "{{"):
            assert entry.msgid.count(token) == entry.msgstr.count(token), entry.msgid


def test_metapackage_names_every_addon():
    meta = tomllib.loads(
        (ROOT / "setup" / "_metapackage" / "pyproject.toml").read_text()
    )
    dependencies = set(meta["project"]["dependencies"])
    for addon in ADDONS:
        assert f"odoo-addon-{addon.name}==18.0.*" in dependencies


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_addon_builds_as_an_odoo_addon_wheel(addon, tmp_path):
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            str(addon),
            "-w",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    wheels = list(tmp_path.glob(f"odoo_addon_{addon.name}-18.0.*.whl"))
    assert len(wheels) == 1, list(tmp_path.iterdir())
    with zipfile.ZipFile(wheels[0]) as wheel:
        names = wheel.namelist()
        assert f"odoo/addons/{addon.name}/__manifest__.py" in names
        metadata = next(n for n in names if n.endswith("METADATA"))
        requires = wheel.read(metadata).decode()
    manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
    oca = {"helpdesk_mgmt", "helpdesk_mgmt_timesheet", "contract"}
    for dependency in set(manifest["depends"]) & oca:
        assert f"odoo-addon-{dependency}" in requires


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_odoo_runner_sees_every_test_module(addon):
    """Odoo's runner (--test-enable) only runs the test modules that the
    addon's tests/__init__.py imports; pytest would find the others alone."""
    init = (addon / "tests" / "__init__.py").read_text()
    imported = set(_imported_names(init))
    modules = {path.stem for path in (addon / "tests").glob("test_*.py")}
    assert modules <= imported, sorted(modules - imported)


def _imported_names(source):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
            yield from (alias.name for alias in node.names)


def _demo_xml():
    """Every demo record of the suite (module.xmlid -> its XML element) and
    the text of every demo file."""
    from lxml import etree

    records, texts = {}, []
    for addon in ADDONS:
        manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
        for name in manifest.get("demo", []):
            path = addon / name
            texts.append(path.read_text(encoding="utf-8"))
            for record in etree.parse(str(path)).iter("record"):
                xmlid = record.get("id")
                if "." not in xmlid:
                    xmlid = f"{addon.name}.{xmlid}"
                records[xmlid] = record
    return records, "\n".join(texts)


def test_english_demo_texts_match_the_demo_records():
    """``setup/demo_english.py`` (the English-only demo) names demo records
    that exist, fields those records set, and texts the demo's function calls
    write."""
    demo_english = _demo_english()
    records, text = _demo_xml()
    for xmlid, values in [*demo_english.RECORDS.items(), *demo_english.FILES.items()]:
        assert xmlid in records, f"{xmlid} is no demo record"
        fields = {field.get("name") for field in records[xmlid].iter("field")}
        assert set(values) <= fields, f"{xmlid} sets none of {set(values) - fields}"
    written = {text for xmlid, _field, text in _demo_french_texts() if not xmlid}
    for french in demo_english.TEXTS:
        assert french in written, f"no demo function writes {french!r}"


# French: an accented letter, or one of the French words no English text of
# the demo uses. Proper nouns (the French clients' and contacts' names) are
# allowed as they are.
FRENCH = re.compile(
    r"[àâäçéèêëîïôöùûüÿœæ]|\b(?:le|la|les|des|du|de|d'|l'|qu'|pour|est|et|un|une|"
    r"sur|au|aux|pas|avec|dans|en|sont|ne|plus|sans|par)\b",
    re.IGNORECASE,
)
FRENCH_PROPER_NOUNS = ("Beta Santé", "Léa Moreau", "Hugo Lefèvre")


def _is_french(text):
    for noun in FRENCH_PROPER_NOUNS:
        text = text.replace(noun, "")
    return bool(FRENCH.search(text))


def _plain(text):
    """A demo text as ``demo_english`` names it: on one line, without the
    ``<p>`` around a one-paragraph HTML value."""
    text = " ".join(text.split())
    if text.startswith("<p>") and text.endswith("</p>") and text.count("<p>") == 1:
        text = text[3:-4]
    return text


def _eval_strings(source):
    """The string constants of an ``eval`` expression, but the French terms
    the demo gives a record's field in the French catalogue
    (``{'fr_FR': ...}``)."""
    tree = ast.parse(source.strip(), mode="eval")
    skipped = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "fr_FR":
                    skipped.add(id(value))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skipped
        ):
            yield node.value


def _demo_french_texts():
    """The French texts the demo XML files write: ``(xmlid, field, text)``
    for a ``<record>``'s field, ``(None, None, text)`` for an argument of a
    ``<function>`` call (a business method's text, or a ``write`` on records
    found by a search)."""
    from lxml import etree

    found = []
    for addon in ADDONS:
        manifest = ast.literal_eval((addon / "__manifest__.py").read_text())
        for name in manifest.get("demo", []):
            path = addon / name
            for element in etree.parse(str(path)).iter("field", "value"):
                if element.get("eval") is not None:
                    texts = list(_eval_strings(element.get("eval")))
                elif element.get("file"):
                    texts = [(ROOT / element.get("file")).read_text(encoding="utf-8")]
                elif element.get("ref") or element.get("search"):
                    continue
                else:
                    texts = [element.text or ""]
                owner = next(element.iterancestors("record", "function"), None)
                if owner is None:
                    continue
                for text in texts:
                    text = _plain(text)
                    if not _is_french(text):
                        continue
                    if owner.tag == "record" and element.tag == "field":
                        xmlid = owner.get("id")
                        if "." not in xmlid:
                            xmlid = f"{addon.name}.{xmlid}"
                        found.append((xmlid, element.get("name"), text))
                    else:
                        found.append((None, None, text))
    return found


def _demo_english():
    sys.path.insert(0, str(ROOT / "setup"))
    try:
        import demo_english
    finally:
        sys.path.pop(0)
    return demo_english


def test_english_demo_translates_every_french_text_of_the_demo():
    """Every French text the demo XML files write, in a record's field or as
    an argument of a function call, or as a document's file, has its English
    text in ``setup/demo_english.py`` (``RECORDS`` and ``FILES`` by xmlid and
    field, ``TEXTS`` by the French text itself): ``demo.sh --english`` leaves
    no French behind."""
    demo_english = _demo_english()
    untranslated = [
        (xmlid, field, text)
        for xmlid, field, text in _demo_french_texts()
        if (
            field not in demo_english.RECORDS.get(xmlid, {})
            and field not in demo_english.FILES.get(xmlid, {})
            if xmlid
            else text not in demo_english.TEXTS
        )
    ]
    assert not untranslated, untranslated


def test_french_texts_of_the_demo_are_found():
    """The check above is not vacuous: it finds the French texts of records
    and of function calls, and it leaves the clients' names alone."""
    texts = _demo_french_texts()
    assert (
        "tma_contract.ticket_beta_reminders",
        "name",
        "Rappels de rendez-vous non envoyés",
    ) in texts
    assert (None, None, "Correction rapide et bien expliquée, merci.") in texts
    assert not [text for _x, _f, text in texts if text in FRENCH_PROPER_NOUNS]
    assert not _is_french("Appointment reminders not sent")


def test_the_demo_command_prints_every_login_the_readme_lists():
    """`setup/demo.sh` prints the demo's logins: the same as the README's."""
    readme = (ROOT / "README.md").read_text()
    listed = set(re.findall(r"^\s*\| [^|]+\| `([^`]+)` \| `[^`]+` \|$", readme, re.M))
    demo_sh = (ROOT / "setup" / "demo.sh").read_text()
    block = demo_sh.split("DEMO_LOGINS=(", 1)[1].split("\n)", 1)[0]
    printed = set(re.findall(r'^\s*"[^"|]+\|([^|"]+)\|[^|"]+"$', block, re.M))
    assert listed, "no login table found in the README"
    assert printed == listed


WINDOW_ACTION = re.compile(
    r'<record\s+id="([\w.]+)"\s+model="ir\.actions\.act_window"', re.MULTILINE
)


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_window_actions_are_named_after_their_model(addon):
    """One naming across the addons: a window action is ``<model>_action``
    (or ``<model>_action_<variant>``, ``<model>_<what>_action``), as its views
    are ``<model>_view_<type>``; no ``action_<model>``."""
    found = {
        (path.relative_to(ROOT).as_posix(), xmlid)
        for path in addon.rglob("*.xml")
        for xmlid in WINDOW_ACTION.findall(path.read_text())
    }
    misnamed = sorted(
        (path, xmlid)
        for path, xmlid in found
        if xmlid.startswith("action_") or "_action" not in xmlid
    )
    assert not misnamed, misnamed


MODEL_FILE_MAX_LINES = 600


@pytest.mark.parametrize("addon", ADDONS, ids=lambda p: p.name)
def test_no_model_file_past_600_lines(addon):
    """A model file holds one concern: past 600 lines it is split by concern,
    each file named after what it holds (tma_contract_billing.py, ...)."""
    too_long = {
        str(path.relative_to(ROOT)): count
        for path in sorted((addon / "models").glob("*.py"))
        if (count := len(path.read_text().splitlines())) > MODEL_FILE_MAX_LINES
    }
    assert not too_long, too_long
