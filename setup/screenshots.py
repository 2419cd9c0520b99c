#!/usr/bin/env python3
# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""TMA for Odoo - the readmes' pictures, shot from the running demo.

    python3 setup/screenshots.py --url http://localhost:8069 --db tma_demo
    bash setup/screenshots.sh            # builds the demo, serves it, shoots, stops

Each addon's readme (``readme/USAGE.md`` and ``README.rst``) and the
repository's README show its main screens, in French, kept as PNG files under
``<addon>/static/description/``. This script takes them again from a demo
database built by ``setup/demo.sh`` (French first) and served on --url, so
that they follow the screens when these change: it logs in as the demo's
users (login = password), opens each screen by its URL (a window action's XML
id and a record's XML id, or a portal route), waits until the page is idle,
takes the shot at a fixed viewport, and writes it as an 8-bit palette PNG. It
prints what it wrote and fails, naming the screen, when a record, an action
or an element it waits for is missing.

Backend screens are taken as the provider's engineer (``tma.engineer``, who
reads English in the demo): for its session the script writes its language
(French) and time zone through JSON-RPC, the way its preferences would, and
restores them afterwards, so the demo is left as it was. Portal screens are
taken as the French clients (``client.beta``, ``client.gamma``,
``client.epsilon``) and the successor (``successor.delta``).

Chromium is Debian's (``/usr/bin/chromium``, or TMA_CHROMIUM); Playwright
downloads no browser. Options: --only NAME (repeatable) takes some screens
only; --list prints the screens without shooting; --out DIR writes under DIR
(default: the repository) instead of the addons.
"""

import argparse
import io
import json
import os
import re
import shutil
import signal
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import date
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BACKEND_VIEWPORT = {"width": 1440, "height": 900}
PHONE_VIEWPORT = {"width": 390, "height": 844}
LANG = "fr_FR"
TIMEZONE = "Europe/Paris"
ENGINEER = "tma.engineer"
TIMEOUT_MS = 20000

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--font-render-hinting=none",
]

# Still pictures: no caret, no animation, no toast or chat window that a
# notification of the moment would open.
STILL_CSS = """
*, *::before, *::after {
    caret-color: transparent !important;
    animation: none !important;
    transition: none !important;
}
.o_notification_manager, .o-mail-ChatWindowContainer, .o-mail-ChatHub,
.o_loading_indicator, .o_debug_manager { display: none !important; }
/* the time spent in the current stage, on the status bar */
.o_field_statusbar_duration span.small[title] { display: none !important; }
"""


@dataclass(frozen=True)
class Ref:
    """A record's XML id inside a Search's domain."""

    xmlid: str


# In a Search's domain: the first day of the current month (ISO date).
MONTH_START = "<month start>"


@dataclass(frozen=True)
class Search:
    """A record found by a domain (for records the demo makes by a function
    call, without an XML id): the first by `order`. The domain's values may be
    Ref (replaced by the record's id) or MONTH_START."""

    model: str
    domain: tuple
    order: str = "id desc"


@dataclass(frozen=True)
class Shot:
    """One picture: who looks at what, and how it is framed.

    `path` is a URL path where `{record}` is replaced by the id of `record`
    (an XML id or a Search). Backend paths open a window action by its XML id
    (`/odoo/action-<xmlid>/<id>`). `tab` clicks a form's notebook page by its
    name, `view` switches the action's view (pivot, graph...), `unfiltered`
    removes the action's default filters, `clicks` clicks buttons (in order).
    `wait` is the element that must be there before the shot; `scroll` an
    element brought to the bottom of the view. The picture is the viewport
    (`width` x `height`), or the page from its top down to `max_height` at
    most with `full_page`, or the union of the elements `clip` names."""

    addon: str
    name: str
    caption: str
    login: str
    path: str
    record: object = None
    wait: str = ""
    tab: str = ""
    view: str = ""
    unfiltered: bool = False
    clicks: tuple = ()
    scroll: str = ""
    clip: tuple = ()
    width: int = 1440
    height: int = 900
    full_page: bool = False
    max_height: int = 1400
    phone: bool = False
    backend: bool = False

    @property
    def file(self):
        return Path(self.addon) / "static" / "description" / f"{self.name}.png"


CONTRACT_ACTION = "tma_contract.tma_contract_action"
ACTIVE_TAB = ".o_form_view .o_notebook .tab-pane.active"

SHOTS = [
    # -- tma_contract ------------------------------------------------------
    Shot(
        "tma_contract",
        "contract_form",
        "A prepaid ticket book contract: its balance, its books and their use",
        ENGINEER,
        f"/odoo/action-{CONTRACT_ACTION}/{{record}}",
        record="tma_contract.contract_alpha",
        tab="books",
        wait=f"{ACTIVE_TAB} .o_list_renderer",
        backend=True,
    ),
    Shot(
        "tma_contract",
        "contract_forecast",
        "The forecast: the burn-down of the units and the day the books run out",
        ENGINEER,
        f"/odoo/action-{CONTRACT_ACTION}/{{record}}",
        record="tma_contract.contract_alpha",
        tab="forecast",
        wait=f"{ACTIVE_TAB} svg",
        scroll=f"{ACTIVE_TAB} svg",
        backend=True,
    ),
    Shot(
        "tma_contract",
        "unit_ledger",
        "The append-only unit ledger: credits, consumption, expiry and reversals",
        ENGINEER,
        "/odoo/action-tma_contract.tma_unit_entry_action",
        wait=".o_list_view .o_data_row",
        backend=True,
    ),
    Shot(
        "tma_contract",
        "portal_contract",
        "The client's contract page in its portal: incidents, service levels, "
        "reviews, scope, ledger, tickets",
        "client.gamma",
        "/my/tma/contracts/{record}",
        record="tma_contract.contract_gamma",
        wait="#tma_contract_card",
        full_page=True,
        max_height=1600,
    ),
    Shot(
        "tma_contract",
        "portal_ledger",
        "The unit ledger as the client reads it",
        "client.gamma",
        "/my/tma/contracts/{record}",
        record="tma_contract.contract_gamma",
        wait="#tma_ledger",
        clip=("#ledger", "#tma_ledger"),
    ),
    Shot(
        "tma_contract",
        "portal_preventive",
        "The client's preventive calendar: audits done, late and planned",
        "client.gamma",
        "/my/tma/preventive",
        wait="main table",
        full_page=True,
    ),
    Shot(
        "tma_contract",
        "portal_phone",
        "The contract page on a phone",
        "client.beta",
        "/my/tma/contracts/{record}",
        record="tma_contract.contract_beta",
        wait="#tma_contract_card",
        phone=True,
    ),
    # -- tma_sla -----------------------------------------------------------
    Shot(
        "tma_sla",
        "ticket_sla",
        "A ticket's service-level timers (one breached) and its escalations",
        ENGINEER,
        "/odoo/action-helpdesk_mgmt.helpdesk_ticket_action/{record}",
        record="tma_sla.ticket_gamma_valuation",
        tab="tma_sla",
        wait=f"{ACTIVE_TAB} .o_list_renderer",
        scroll=f"{ACTIVE_TAB} .o_list_renderer",
        backend=True,
    ),
    Shot(
        "tma_sla",
        "sla_pivot",
        "The timers analysed by contract, commitment and status",
        ENGINEER,
        "/odoo/action-tma_sla.tma_sla_timer_action",
        view="pivot",
        unfiltered=True,
        # Commitments and statuses down, contracts across.
        clicks=(".o_pivot_flip_button",),
        wait=".o_pivot table",
        backend=True,
    ),
    Shot(
        "tma_sla",
        "service_report",
        "The monthly service report (the top of its PDF)",
        ENGINEER,
        "/report/html/tma_sla.report_tma_sla_service_report/{record}",
        # Gamma's last complete month.
        record=Search(
            "tma.sla.service.report",
            (
                ("contract_id", "=", Ref("tma_contract.contract_gamma")),
                ("date_to", "<", MONTH_START),
            ),
            "date_from desc, id desc",
        ),
        wait=".page",
        width=900,
        height=1270,
    ),
    Shot(
        "tma_sla",
        "portal_review",
        "A service review's agenda and minutes, waiting for the client's approval",
        "client.gamma",
        "/my/tma/reviews/{record}",
        record="tma_sla.review_gamma_operational_1",
        wait="main",
        full_page=True,
    ),
    # -- tma_reversibility -------------------------------------------------
    Shot(
        "tma_reversibility",
        "handover_checklist",
        "The handover checklist of a contract in reversibility",
        ENGINEER,
        f"/odoo/action-{CONTRACT_ACTION}/{{record}}",
        record="tma_contract.contract_beta",
        tab="reversibility",
        wait=f"{ACTIVE_TAB} .o_list_renderer",
        scroll=f"{ACTIVE_TAB} .o_list_renderer",
        backend=True,
    ),
    Shot(
        "tma_reversibility",
        "portal_handover",
        "The successor's handover page: items to sign, the package to download",
        "successor.delta",
        "/my/tma/handover/{record}",
        record="tma_contract.contract_beta",
        wait="#tma_checklist",
        full_page=True,
    ),
    Shot(
        "tma_reversibility",
        "portal_takeon",
        "Taking a contract on: the client's take-on checklist and service start",
        "client.epsilon",
        "/my/tma/contracts/{record}",
        record="tma_reversibility.contract_epsilon",
        wait="#tma_takeon_checklist",
        clip=("#tma_contract_card > .card-header", "#tma_takeon"),
    ),
]


class ShotError(Exception):
    """A screen could not be taken (a record, an action or an element is missing)."""


class Rpc:
    """A user's JSON-RPC session (the web client's), standard library only."""

    def __init__(self, url, db, login, password):
        self.url = url.rstrip("/")
        self.login = login
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar())
        )
        result = self._post(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        if not result or not result.get("uid"):
            raise ShotError(f"cannot log in as {login} on {db}")
        self.uid = result["uid"]

    def _post(self, path, params):
        body = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        )
        request = urllib.request.Request(
            self.url + path,
            data=body.encode(),
            headers={"Content-Type": "application/json"},
        )
        with self.opener.open(request, timeout=120) as response:
            payload = json.load(response)
        if payload.get("error"):
            error = payload["error"]
            message = (error.get("data") or {}).get("message") or error.get("message")
            raise ShotError(f"{path}: {message}")
        return payload["result"]

    def call(self, model, method, *args, **kwargs):
        return self._post(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def xmlid(self, xmlid):
        module, name = xmlid.split(".", 1)
        try:
            _model, res_id = self.call(
                "ir.model.data", "check_object_reference", module, name
            )
        except ShotError as error:
            raise ShotError(f"no record {xmlid} in the database ({error})") from None
        if not res_id:
            raise ShotError(f"{xmlid} cannot be read by {self.login}")
        return res_id

    def _value(self, value):
        if isinstance(value, Ref):
            return self.xmlid(value.xmlid)
        if value == MONTH_START:
            return date.today().replace(day=1).isoformat()
        return value

    def resolve(self, record):
        if record is None:
            return None
        if isinstance(record, Search):
            domain = [
                (name, operator, self._value(value))
                for name, operator, value in record.domain
            ]
            ids = self.call(record.model, "search", domain, order=record.order, limit=1)
            if not ids:
                raise ShotError(f"no {record.model} matches {record.domain}")
            return ids[0]
        return self.xmlid(record)


def optimise(png_bytes, target):
    """Write the screenshot as an 8-bit palette PNG (a screen has few colours)."""
    from PIL import Image

    image = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=0)
    target.parent.mkdir(parents=True, exist_ok=True)
    palette.save(target, optimize=True)
    return target.stat().st_size


def log_in(page, login):
    page.goto("/web/login")
    page.fill("input[name='login']", login)
    page.fill("input[name='password']", login)
    page.click("button[type='submit']")
    page.wait_for_url(re.compile(r"/(odoo|my|web)"))


class Requests:
    """The page's requests in flight (the web client keeps its bus's
    websocket open, so Playwright's `networkidle` never comes in the backend)."""

    def __init__(self, page):
        self.pending = set()
        self.page = page
        page.on("request", self._started)
        page.on("requestfinished", lambda request: self.pending.discard(request))
        page.on("requestfailed", lambda request: self.pending.discard(request))

    def _started(self, request):
        # The bus's shared worker (and its websocket) lives as long as the page.
        if "websocket" not in request.url:
            self.pending.add(request)

    def wait_idle(self, quiet_ms=500, timeout_s=TIMEOUT_MS / 1000):
        deadline = time.monotonic() + timeout_s
        quiet_since = None
        while time.monotonic() < deadline:
            if self.pending:
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif (time.monotonic() - quiet_since) * 1000 >= quiet_ms:
                return
            self.page.wait_for_timeout(100)
        urls = ", ".join(sorted(r.url for r in self.pending))
        raise ShotError(f"requests still running on {self.page.url}: {urls}")


def settle(page, requests, backend):
    """Wait until nothing moves: no request in flight, no spinner, fonts
    loaded, and the focus taken off any field."""
    requests.wait_idle()
    if backend:
        page.wait_for_function(
            "!document.querySelector('.o_loading_indicator, .o_blockUI, "
            ".o_view_nocontent_loading, .fa-spin')"
        )
    page.evaluate("document.fonts.ready")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.add_style_tag(content=STILL_CSS)
    # The pointer out of the way (no hover, no tooltip).
    size = page.viewport_size
    page.mouse.move(size["width"] - 1, size["height"] - 1)
    requests.wait_idle(quiet_ms=300)


def union_box(page, selectors, pad=12):
    boxes = []
    for selector in selectors:
        locator = page.locator(selector).first
        if not locator.count():
            raise ShotError(f"element {selector} not found on {page.url}")
        boxes.append(locator.bounding_box())
    left = min(b["x"] for b in boxes) - pad
    top = min(b["y"] for b in boxes) - pad
    right = max(b["x"] + b["width"] for b in boxes) + pad
    bottom = max(b["y"] + b["height"] for b in boxes) + pad
    return {
        "x": max(left, 0),
        "y": max(top, 0),
        "width": right - max(left, 0),
        "height": bottom - max(top, 0),
    }


class Sessions:
    """One browser context per person (and per phone or desktop), logged in
    once and reused by that person's screens."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = {}

    def page(self, shot):
        key = (shot.login, shot.phone)
        if key not in self.contexts:
            context = self.browser.new_context(
                base_url=self.base_url,
                viewport=PHONE_VIEWPORT if shot.phone else BACKEND_VIEWPORT,
                locale="fr-FR",
                timezone_id=TIMEZONE,
                is_mobile=shot.phone,
                has_touch=shot.phone,
                device_scale_factor=1,
            )
            context.set_default_timeout(TIMEOUT_MS)
            page = context.new_page()
            log_in(page, shot.login)
            page.close()
            self.contexts[key] = context
        page = self.contexts[key].new_page()
        if not shot.phone:
            page.set_viewport_size({"width": shot.width, "height": shot.height})
        return page

    def close(self):
        for context in self.contexts.values():
            context.close()


def take(sessions, shot, record_id):
    page = sessions.page(shot)
    try:
        return _shoot(page, shot, record_id)
    finally:
        page.close()


def _shoot(page, shot, record_id):
    requests = Requests(page)
    path = shot.path.format(record=record_id)
    response = page.goto(path)
    if response is not None and response.status >= 400:
        raise ShotError(f"{path} answered {response.status}")
    if "/web/login" in page.url:
        raise ShotError(f"{path} sent {shot.login} back to the login page")
    if shot.backend:
        page.wait_for_selector(".o_action_manager .o_view_controller")
    if shot.view:
        page.click(f".o_switch_view.o_{shot.view}")
        page.wait_for_selector(f".o_action_manager .o_{shot.view}_view")
    if shot.unfiltered:
        requests.wait_idle()
        while page.locator(".o_searchview_facet .o_facet_remove").count():
            page.locator(".o_searchview_facet .o_facet_remove").first.click()
            requests.wait_idle()
    for selector in shot.clicks:
        button = page.locator(selector)
        if not button.count():
            raise ShotError(f"no {selector} on {path}")
        button.first.click()
        requests.wait_idle()
    if shot.tab:
        tab = page.locator(f".o_notebook .nav-link[name='{shot.tab}']")
        if not tab.count():
            raise ShotError(f"no tab {shot.tab} on {path}")
        tab.click()
    if shot.wait:
        try:
            page.wait_for_selector(shot.wait, state="attached")
        except Exception as error:
            raise ShotError(f"{shot.wait} did not appear on {path}") from error
    settle(page, requests, shot.backend)
    if shot.scroll:
        page.locator(shot.scroll).first.evaluate(
            "element => element.scrollIntoView({block: 'end'})"
        )
        page.wait_for_timeout(100)
    if shot.clip:
        return page.screenshot(clip=union_box(page, shot.clip), full_page=True)
    if shot.full_page:
        height = page.evaluate("document.documentElement.scrollHeight")
        return page.screenshot(
            clip={
                "x": 0,
                "y": 0,
                "width": shot.width,
                "height": min(height, shot.max_height),
            },
            full_page=True,
        )
    return page.screenshot()


def with_french_engineer(rpc):
    """Give the engineer French and the demo's time zone for the session;
    returns what to restore."""
    if not rpc.call("res.lang", "search", [("code", "=", LANG)]):
        raise ShotError(
            f"{LANG} is not loaded in the database: the pictures are French "
            "(build the demo without --english)"
        )
    user = rpc.call("res.users", "read", [rpc.uid], ["lang", "tz"])[0]
    rpc.call("res.users", "write", [rpc.uid], {"lang": LANG, "tz": TIMEZONE})
    return {"lang": user["lang"], "tz": user["tz"]}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="tma_demo")
    parser.add_argument("--out", type=Path, default=ROOT)
    parser.add_argument("--only", action="append", default=[])
    parser.add_argument("--list", action="store_true")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    shots = [s for s in SHOTS if not args.only or s.name in args.only]
    unknown = set(args.only) - {s.name for s in SHOTS}
    if unknown:
        sys.exit(f"unknown screen(s): {', '.join(sorted(unknown))}")
    if args.list:
        for shot in shots:
            print(f"{str(shot.file):<56} {shot.login:<16} {shot.caption}")
        return 0
    chromium = os.environ.get("TMA_CHROMIUM") or shutil.which("chromium")
    if not chromium:
        sys.exit("Chromium not found (install Debian's chromium, or set TMA_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    # A SIGTERM (timeout, kill) still restores the engineer's language.
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    started = time.monotonic()
    rpc = Rpc(args.url, args.db, ENGINEER, ENGINEER)
    records = {}
    for shot in shots:
        try:
            records[shot.name] = rpc.resolve(shot.record)
        except ShotError as error:
            sys.exit(f"screen {shot.name}: {error}")
    try:
        restore = with_french_engineer(rpc)
    except ShotError as error:
        sys.exit(str(error))
    written, failed = [], []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_ARGS
            )
            sessions = Sessions(browser, args.url)
            try:
                for shot in shots:
                    try:
                        png = take(sessions, shot, records[shot.name])
                    except Exception as error:  # noqa: BLE001 - reported, then exit 1
                        failed.append(shot.name)
                        print(f"FAILED {shot.name}: {error}", file=sys.stderr)
                        continue
                    target = args.out / shot.file
                    size = optimise(png, target)
                    written.append(size)
                    print(f"wrote {target.relative_to(args.out)} ({size // 1024} KB)")
            finally:
                sessions.close()
                browser.close()
    finally:
        rpc.call("res.users", "write", [rpc.uid], restore)
    print(
        f"{len(written)} screens, {sum(written) // 1024} KB, "
        f"in {time.monotonic() - started:.0f} s"
    )
    if failed:
        print(f"missing screens: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
