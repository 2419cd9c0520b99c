# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Route audit: prove, route by route, that a portal user of client A and a
public visitor get no data of client B and cause no effect on it.

Reusable by the other addons' tests
(``odoo.addons.tma_contract.tests.route_audit``):

- ``live_routes(env)`` reads the live routing map and tells, for each rule,
  which modules' controller classes define or override its endpoint method;
- ``client_fingerprint(env, partner, models)`` is a snapshot of what is stored
  about a client (rows, messages, followers, attachments of its records) to
  prove "no effect";
- ``RouteAuditCase`` (a mixin for ``HttpCase``) probes a URL as a public
  visitor and as the portal user of client A, with no token, a wrong token and
  guessed tokens, asserts that no secret of B (unique markers in its names and
  files, its binary files) leaks in the body or the headers and that B's
  fingerprint is unchanged, then runs a positive control (B's user or B's
  valid token gets the data, or causes the effect) so that no probe passes
  vacuously; it also probes the models through JSON-RPC ``call_kw``.
"""

import functools
import inspect
import json
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlencode

from odoo import http
from odoo.tools import SQL

from .common import call_kw

# A refused visit ends in one of these (redirect to /my or to the login page,
# bad request, forbidden, not found, method not allowed).
REFUSED_STATUSES = (302, 303, 400, 403, 404, 405)
# JSON-RPC errors that mean "refused" (anything else is a server error).
REFUSED_ERRORS = (
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "werkzeug.exceptions.NotFound",
    "werkzeug.exceptions.Forbidden",
)
# Methods every model has, probed on their own (create, read, write...).
CRUD_METHODS = frozenset(
    {"create", "read", "write", "unlink", "search", "search_read", "copy"}
)


# ----------------------------------------------------------------------
# Routes
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class RouteInfo:
    rule: str
    methods: frozenset  # empty: any method
    auth: str
    type: str
    csrf: bool
    modules: frozenset  # modules whose controllers define the endpoint
    readonly: object  # the route's ``readonly``: a bool or a callable


def route_modules(endpoint):
    """The modules whose controller classes define or override the method
    behind ``endpoint`` (a rule's endpoint in the routing map)."""
    method = endpoint.func if isinstance(endpoint, functools.partial) else endpoint
    name = method.__name__
    modules = set()
    for cls in type(method.__self__).mro():
        func = cls.__dict__.get(name)
        if func is None or getattr(func, "original_routing", None) is None:
            continue
        path = cls.__module__.split(".")
        if path[:2] == ["odoo", "addons"]:
            modules.add(path[2])
    return frozenset(modules)


@contextmanager
def _thread_dbname(dbname):
    # ir.http.routing_map() looks the registry up by the thread's database
    # name, which a test thread may not carry.
    thread = threading.current_thread()
    missing = not getattr(thread, "dbname", None)
    if missing:
        thread.dbname = dbname
    try:
        yield
    finally:
        if missing:
            del thread.dbname


def live_routes(env):
    """{rule: RouteInfo} of every rule of the live routing map."""
    with _thread_dbname(env.cr.dbname):
        routing_map = env["ir.http"].routing_map()
    routes = {}
    for rule in routing_map.iter_rules():
        routing = rule.endpoint.routing
        routes[rule.rule] = RouteInfo(
            rule=rule.rule,
            methods=frozenset(rule.methods or ()) - {"OPTIONS"},
            auth=routing.get("auth", "user"),
            type=routing.get("type", "http"),
            csrf=routing.get("csrf", True),
            modules=route_modules(rule.endpoint),
            readonly=routing.get("readonly"),
        )
    return routes


def routes_of(env, modules):
    """{rule: RouteInfo} of the rules whose endpoint one of ``modules``
    defines or overrides."""
    modules = frozenset(modules)
    return {
        rule: info for rule, info in live_routes(env).items() if info.modules & modules
    }


# ----------------------------------------------------------------------
# What is stored about a client
# ----------------------------------------------------------------------
def client_fingerprint(env, partner, models):
    """A snapshot of everything stored about client ``partner``: for each
    ``model: column`` of ``models`` (the column holding the client or one of
    its contacts), a digest of each row, and the messages, followers and
    attachments of those records. Equal snapshots: nothing was changed, added
    or removed."""
    env.flush_all()
    cr = env.cr
    partner_ids = tuple(
        env["res.partner"]
        .with_context(active_test=False)
        .search([("id", "child_of", partner.id)])
        .ids
    )
    snapshot = {}
    for model_name, column in sorted(models.items()):
        table = env[model_name]._table
        cr.execute(
            SQL(
                "SELECT id, md5(t::text) FROM %s t WHERE %s IN %s ORDER BY id",
                SQL.identifier(table),
                SQL.identifier(column),
                partner_ids,
            )
        )
        rows = cr.fetchall()
        ids = tuple(row[0] for row in rows) or (0,)
        snapshot[model_name] = rows
        cr.execute(
            SQL(
                """SELECT id, md5(m::text) FROM mail_message m
                    WHERE model = %s AND res_id IN %s ORDER BY id""",
                model_name,
                ids,
            )
        )
        snapshot[model_name, "messages"] = cr.fetchall()
        cr.execute(
            SQL(
                """SELECT res_id, partner_id FROM mail_followers
                    WHERE res_model = %s AND res_id IN %s
                    ORDER BY res_id, partner_id""",
                model_name,
                ids,
            )
        )
        snapshot[model_name, "followers"] = cr.fetchall()
        # Not the access token: showing a page to its owner may set one.
        cr.execute(
            SQL(
                """SELECT id, name, checksum, file_size, res_field
                     FROM ir_attachment
                    WHERE res_model = %s AND res_id IN %s ORDER BY id""",
                model_name,
                ids,
            )
        )
        snapshot[model_name, "attachments"] = cr.fetchall()
    return snapshot


def suite_public_methods(env, model_name, addons):
    """Names of the public methods (buttons ``action_*`` and the like) that
    the classes of ``addons`` define on ``model_name`` and that take no
    argument but the records, CRUD methods aside."""
    names = set()
    for cls in type(env[model_name]).mro():
        path = cls.__module__.split(".")
        if path[:2] != ["odoo", "addons"] or path[2] not in addons:
            continue
        for name, func in cls.__dict__.items():
            if name.startswith("_") or name in CRUD_METHODS or name == "init":
                continue
            if not inspect.isfunction(func):
                continue
            params = list(inspect.signature(func).parameters.values())[1:]
            if any(
                p.default is inspect.Parameter.empty
                and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
                for p in params
            ):
                continue
            names.add(name)
    return names


def suite_models(env, addons):
    """Models (not abstract) that the classes of ``addons`` define or extend.
    A mixin of ``addons`` is audited with the models that use it, in their
    own addon."""
    result = set()
    for model_name, model_cls in env.registry.items():
        if model_cls._abstract:
            continue
        for cls in model_cls.mro():
            if getattr(cls, "_abstract", False):
                continue
            path = cls.__module__.split(".")
            if path[:2] == ["odoo", "addons"] and path[2] in addons:
                result.add(model_name)
                break
    return result


# ----------------------------------------------------------------------
# Probes
# ----------------------------------------------------------------------
@dataclass
class Probe:
    """One request on client B's data, refused to A and to the public."""

    rule: str  # the routing rule audited
    url: str  # URL of B's target (or of the page)
    method: str = "GET"  # GET, POST (a form, sent with a CSRF token), JSON
    data: dict = field(default_factory=dict)  # form fields or JSON-RPC params
    files: dict = None  # files of a multipart POST
    token: str = None  # B's valid access token, when the route takes one
    owner: object = None  # B's user, for the positive control
    effect: bool = False  # the owner's request changes B's data
    token_param: str = "access_token"  # where a token goes


class RouteAuditCase:
    """Mixin for ``HttpCase`` classes auditing routes.

    The class sets ``audit_client`` (B, a commercial partner),
    ``audit_models`` ({model: client column}) for the fingerprint,
    ``audit_secrets`` (strings and bytes of B that must never reach A or
    the public) and ``audit_guessed_tokens`` (valid tokens of A's records,
    what an attacker could try on B's ids).
    """

    audit_models = {}

    # -- helpers --------------------------------------------------------
    def _audit_fingerprint(self):
        return client_fingerprint(self.env, self.audit_client, self.audit_models)

    def _audit_login(self, user):
        if user:
            self.authenticate(user.login, user.login)
        else:
            self.authenticate(None, None)

    def _audit_url(self, probe, token):
        url = probe.url
        if token is not None and probe.method != "JSON":
            url += ("&" if "?" in url else "?") + urlencode({probe.token_param: token})
        return url

    def _audit_request(self, probe, token=None, csrf=True, follow=False):
        url = self._audit_url(probe, token)
        if probe.method == "JSON":
            params = dict(probe.data)
            if token is not None:
                params[probe.token_param] = token
            return self.url_open(
                url,
                data=json.dumps(
                    {"jsonrpc": "2.0", "method": "call", "id": 0, "params": params}
                ),
                headers={"Content-Type": "application/json"},
                allow_redirects=follow,
            )
        if probe.method == "POST":
            data = dict(probe.data)
            if csrf:
                data["csrf_token"] = http.Request.csrf_token(self)
            data.setdefault("tma_probe", "1")  # never an empty body (a GET)
            return self.url_open(
                url, data=data, files=probe.files, allow_redirects=follow
            )
        return self.url_open(url, allow_redirects=follow)

    def _audit_tokens(self):
        return [None, "wrong-token", str(uuid.uuid4()), *self.audit_guessed_tokens]

    def assertNoLeak(self, response, context=""):
        headers = "\n".join(f"{k}: {v}" for k, v in response.headers.items())
        for secret in self.audit_secrets:
            raw = secret.encode() if isinstance(secret, str) else secret
            self.assertNotIn(raw, response.content, f"{context}: B's data in the body")
            if isinstance(secret, str):
                self.assertNotIn(secret, headers, f"{context}: B's data in headers")

    def _audit_holds_secret(self, response):
        for secret in self.audit_secrets:
            raw = secret.encode() if isinstance(secret, str) else secret
            if raw in response.content:
                return True
        return False

    # -- assertions -----------------------------------------------------
    def assertRouteRefuses(self, probe, visitors=None):
        """Public visitor and A (or ``visitors``), with no token, a wrong
        token and guessed tokens: no data of B, no effect on B; then the
        positive control."""
        before = self._audit_fingerprint()
        for user in visitors or (None, self.portal_a):
            self._audit_login(user)
            for token in self._audit_tokens():
                login = user and user.login
                label = f"{probe.method} {probe.url} as {login} token={token}"
                with self.subTest(probe=label):
                    # Refused, not failed: no server error, no traceback.
                    with self.assertNoLogs("odoo.http", "ERROR"):
                        response = self._audit_request(probe, token)
                    self.assertLess(response.status_code, 500, label)
                    self.assertNoLeak(response, label)
                    self.assertEqual(
                        self._audit_fingerprint(), before, f"{label}: B changed"
                    )
        self._audit_positive_control(probe, before)

    def _audit_positive_control(self, probe, before):
        """The owner, or a public visitor with B's valid token, is served:
        the refusals above were not vacuous."""
        controls = []
        if probe.owner is not None:
            controls.append((probe.owner, None))
        if probe.token:
            controls.append((None, probe.token))
        self.assertTrue(controls, f"{probe.url}: no positive control")
        for user, token in controls:
            self._audit_login(user)
            label = f"control {probe.url} as {user and user.login} token={token}"
            response = self._audit_request(probe, token, follow=True)
            self.assertLess(response.status_code, 400, label)
            if probe.effect:
                self.assertNotEqual(
                    self._audit_fingerprint(), before, f"{label}: no effect"
                )
                return  # the effect happened once: the next control would fail
            self.assertTrue(
                self._audit_holds_secret(response), f"{label}: B's data not served"
            )
            # A page that only shows data changes nothing, even for its owner.
            self.assertEqual(
                self._audit_fingerprint(), before, f"{label}: a read route wrote"
            )

    def assertCsrfProtected(self, probe):
        """A state-changing route: POST only, CSRF checked; a GET and a POST
        without the token change nothing."""
        before = self._audit_fingerprint()
        self._audit_login(probe.owner)
        response = self._audit_request(probe, csrf=False)
        self.assertEqual(response.status_code, 400, f"{probe.url}: POST without CSRF")
        self.assertEqual(self._audit_fingerprint(), before)
        query = f"{probe.url}?{urlencode(probe.data)}" if probe.data else probe.url
        response = self.url_open(query, allow_redirects=False)
        self.assertEqual(response.status_code, 405, f"{probe.url}: GET accepted")
        self.assertEqual(self._audit_fingerprint(), before)

    # -- JSON-RPC -------------------------------------------------------
    def _audit_call_kw(self, model, method, args, kwargs=None):
        return call_kw(self, model, method, args, kwargs)

    def assertRpcRefused(self, model, method, args, kwargs=None):
        result = self._audit_call_kw(model, method, args, kwargs)
        label = f"{model}.{method}{tuple(args)}"
        self.assertIn("error", result, f"{label} was accepted: {result}")
        name = result["error"]["data"]["name"]
        self.assertIn(name, REFUSED_ERRORS, f"{label}: server error {name}")
        self.assertNoLeak(_JsonResponse(result), label)

    def assertModelRefusesRpc(
        self, model, records, write_vals=None, create_vals=None, methods=()
    ):
        """As A (already logged in): B's ``records`` are not read, searched,
        written, deleted, created against, nor acted upon by ``methods``; B's
        fingerprint is unchanged."""
        before = self._audit_fingerprint()
        ids = records.ids
        self.assertTrue(ids, f"{model}: no record of B to probe")
        self.assertRpcRefused(model, "read", [ids, []])
        for domain in ([("id", "in", ids)], []):
            result = self._audit_call_kw(
                model, "search_read", [domain], {"fields": ["id"]}
            )
            found = {row["id"] for row in result.get("result", [])}
            self.assertFalse(found & set(ids), f"{model}: B's ids returned")
            if "error" in result:
                self.assertIn(result["error"]["data"]["name"], REFUSED_ERRORS)
        self.assertRpcRefused(
            model, "write", [ids, write_vals or {"display_name": "A was here"}]
        )
        self.assertRpcRefused(model, "unlink", [ids])
        if create_vals:
            self.assertRpcRefused(model, "create", [create_vals])
        for method in sorted(methods):
            with self.subTest(method=f"{model}.{method}"):
                self.assertRpcRefused(model, method, [ids])
        self.assertEqual(self._audit_fingerprint(), before, f"{model}: B changed")


class _JsonResponse:
    """A JSON-RPC answer, seen as a response by assertNoLeak."""

    def __init__(self, result):
        self.content = json.dumps(result).encode()
        self.headers = {}
