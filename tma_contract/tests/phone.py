# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Portal pages on a phone: a mixin for ``HttpCase`` that opens a page in
Odoo's headless Chromium at a phone's size (390 x 844, touch enabled,
mobile viewport) and
fails when the page scrolls sideways, naming the element that sticks out.

Reusable by the other addons' tests
(``odoo.addons.tma_contract.tests.phone``).
"""

# Run in the page: the page is the one asked for (no redirection, no error)
# and a phone's width (else the check would prove nothing), and its content
# is no wider. When it is, the
# error names the element reaching furthest right outside any box that scrolls
# by itself (a ``table-responsive`` wrapper scrolls inside the page, which is
# what it is for), with its ancestors, so that the failure says what to fix.
FITS_THE_WIDTH_JS = """
const [navigation] = performance.getEntriesByType("navigation");
if (location.pathname !== "%(path)s" || navigation.responseStatus !== 200) {
    throw new Error(
        `%(path)s gave ${location.pathname} (${navigation.responseStatus}), `
        + "not the page to check"
    );
}
const doc = document.documentElement;
const width = doc.clientWidth;
if (width !== %(width)s) {
    throw new Error(`the page is ${width}px wide, not a phone's %(width)spx`);
}
if (doc.scrollWidth > width) {
    const scrollsByItself = (el) => {
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            const overflow = getComputedStyle(p).overflowX;
            if (overflow === "auto" || overflow === "scroll" || overflow === "hidden") {
                return true;
            }
        }
        return false;
    };
    const name = (el) => {
        let text = el.tagName.toLowerCase();
        if (el.id) {
            text += "#" + el.id;
        }
        for (const cls of [...el.classList].slice(0, 3)) {
            text += "." + cls;
        }
        return text;
    };
    let widest = null;
    let right = width;
    for (const el of document.body.querySelectorAll("*")) {
        const box = el.getBoundingClientRect();
        if (box.right > right + 0.5 && !scrollsByItself(el)) {
            widest = el;
            right = box.right;
        }
    }
    const path = [];
    let el = widest;
    while (el && el !== document.body && path.length < 5) {
        path.unshift(name(el));
        el = el.parentElement;
    }
    throw new Error(
        `${location.pathname} scrolls sideways: ${doc.scrollWidth}px of content `
        + `for ${width}px; widest: ${path.join(" > ") || "?"} (${Math.round(right)}px)`
    );
}
console.log("test successful");
"""


PHONE_WIDTH, PHONE_HEIGHT = 390, 844


class PhoneWidthCase:
    """Mixin for ``HttpCase``: pages opened in the browser at a phone's size."""

    browser_size = f"{PHONE_WIDTH}x{PHONE_HEIGHT}"
    touch_enabled = True

    def authenticate(self, user, password, browser=None):
        # Chrome keeps a window at least 500 px wide whatever its
        # ``--window-size``: the page is given a phone's screen through the
        # DevTools protocol, as the browser's device toolbar does.
        if browser:
            browser._websocket_request(
                "Emulation.setDeviceMetricsOverride",
                params={
                    "width": PHONE_WIDTH,
                    "height": PHONE_HEIGHT,
                    "deviceScaleFactor": 3,
                    "mobile": True,
                },
            )
        return super().authenticate(user, password, browser=browser)

    def assertFitsPhone(self, url, user):
        """Open ``url`` as ``user`` at a phone's width; fail if it scrolls
        sideways."""
        path = url.partition("?")[0]
        code = FITS_THE_WIDTH_JS % {"width": PHONE_WIDTH, "path": path}
        self.browser_js(url, code, login=user.login)
