# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The readmes' pictures: every picture a readme shows exists, every screen
`setup/screenshots.py` takes is shown in its addon's readme, and the screens
name records, actions and routes the code defines (a renamed XML id or route
breaks the refresh of the pictures here, not on the day they are refreshed).
Plain pytest tests: they need no database."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _screenshots_module():
    spec = importlib.util.spec_from_file_location(
        "tma_screenshots", ROOT / "setup" / "screenshots.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCREENSHOTS = _screenshots_module()
SHOTS = SCREENSHOTS.SHOTS

READMES = sorted(
    [ROOT / "README.md"]
    + list(ROOT.glob("tma_*/README.rst"))
    + list(ROOT.glob("tma_*/readme/*.md"))
)
# Markdown ![alt](path) and reStructuredText `.. image::` / `.. figure::`.
IMAGE_REF = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)|^\.\. (?:image|figure):: (\S+)", re.M)


def _local_images(readme):
    for match in IMAGE_REF.finditer(readme.read_text()):
        target = match.group(1) or match.group(2)
        if "://" not in target:
            yield target


@pytest.mark.parametrize("readme", READMES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_picture_a_readme_shows_exists(readme):
    missing = [
        target
        for target in _local_images(readme)
        if not (readme.parent / target).is_file()
    ]
    assert not missing, missing


def test_the_readmes_show_pictures():
    """The check above is not vacuous: the README and the addons' readmes
    show pictures, by paths it resolves."""
    readme = ROOT / "README.md"
    assert "tma_contract/static/description/contract_form.png" in set(
        _local_images(readme)
    )
    usage = ROOT / "tma_sla" / "readme" / "USAGE.md"
    assert "../static/description/ticket_sla.png" in set(_local_images(usage))


@pytest.mark.parametrize("shot", SHOTS, ids=lambda s: s.name)
def test_every_screen_is_shown_in_its_addons_readme(shot):
    """A screen the script takes is shown in its addon's readme fragment and
    in the README.rst assembled from the fragments."""
    addon = ROOT / shot.addon
    fragment = set(_local_images(addon / "readme" / "USAGE.md"))
    assembled = set(_local_images(addon / "README.rst"))
    name = f"static/description/{shot.name}.png"
    assert f"../{name}" in fragment
    assert name in assembled


def test_every_picture_of_an_addon_is_a_screen_of_the_script():
    """No stale picture: the PNG files under static/description are the
    script's screens (it refreshes them all)."""
    pictures = {
        path.relative_to(ROOT) for path in ROOT.glob("tma_*/static/description/*.png")
    }
    assert pictures == {shot.file for shot in SHOTS}


def _xml_ids():
    """The XML ids the suite's addons and the host helpdesk define."""
    helpdesk = importlib.util.find_spec("odoo.addons.helpdesk_mgmt")
    folders = [*ROOT.glob("tma_*"), Path(helpdesk.submodule_search_locations[0])]
    found = set()
    for folder in folders:
        for path in folder.rglob("*.xml"):
            for name in re.findall(
                r'<(?:record|template)\s+id="([\w.]+)"', path.read_text()
            ):
                found.add(name if "." in name else f"{folder.name}.{name}")
    return found


def _routes():
    """The portal routes the suite's controllers declare, as regular expressions."""
    routes = set()
    for path in ROOT.glob("tma_*/controllers/*.py"):
        for route in re.findall(r'"(/my/tma[^"]*)"', path.read_text()):
            routes.add(re.sub(r"<\w+:\w+>", r"[^/]+", route))
    return routes


XML_IDS = _xml_ids()
ROUTES = _routes()


def _shot_xml_ids(shot):
    xml_ids = re.findall(r"/action-([\w.]+)", shot.path)
    record = shot.record
    if isinstance(record, str):
        xml_ids.append(record)
    elif isinstance(record, SCREENSHOTS.Search):
        xml_ids += [
            value.xmlid
            for _f, _o, value in record.domain
            if isinstance(value, SCREENSHOTS.Ref)
        ]
    return xml_ids


@pytest.mark.parametrize("shot", SHOTS, ids=lambda s: s.name)
def test_every_screen_names_existing_xml_ids_and_routes(shot):
    missing = [xmlid for xmlid in _shot_xml_ids(shot) if xmlid not in XML_IDS]
    assert not missing, missing
    if shot.path.startswith("/my/"):
        path = shot.path.format(record=1)
        assert any(re.fullmatch(route, path) for route in ROUTES), path


def test_the_screens_check_finds_what_is_missing():
    """The check above is not vacuous: it reads the XML ids and routes of the
    code, and a screen naming another one is caught."""
    assert "tma_contract.contract_alpha" in XML_IDS
    assert "helpdesk_mgmt.helpdesk_ticket_action" in XML_IDS
    renamed = SCREENSHOTS.Shot(
        "tma_contract",
        "x",
        "x",
        "client.beta",
        "/my/tma/agreements/{record}",
        record="tma_contract.contract_zeta",
    )
    assert _shot_xml_ids(renamed) == ["tma_contract.contract_zeta"]
    assert "tma_contract.contract_zeta" not in XML_IDS
    assert not any(re.fullmatch(route, "/my/tma/agreements/1") for route in ROUTES)
