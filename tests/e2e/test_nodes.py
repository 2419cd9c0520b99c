# Copyright 2026 TMA for Odoo
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The server runs as several Odoo nodes behind nginx (see harness.OdooServer):
a session opened through one node holds on every node, and the web client's
websocket reaches the nodes' gevent ports through the balancer."""

import base64
import os
import re
import socket
from urllib.parse import urlparse

from conftest import ENGINEER
from harness import wait_for


def upstreams(server, path):
    """The upstream addresses nginx sent the requests for ``path`` to."""
    log = (server.dir / "nginx" / "access.log").read_text("utf-8", "replace")
    return [
        address
        for request_path, address in re.findall(
            r'"\w+ (\S+) HTTP/[\d.]+" \d+ upstream=(\S+)', log
        )
        if request_path.startswith(path)
    ]


def test_a_session_holds_on_every_node(server, rpc):
    session = rpc(ENGINEER)
    before = len(upstreams(server, "/web/session/get_session_info"))
    for _attempt in range(2 * len(server.nodes)):
        info = session._post("/web/session/get_session_info", {})
        assert info["uid"] == session.uid
    served = set(upstreams(server, "/web/session/get_session_info")[before:])
    nodes = {f"127.0.0.1:{node.http_port}" for node in server.nodes}
    assert served == nodes, f"requests went to {served}, nodes are {nodes}"


def handshake(server, cookie):
    """Open a websocket through nginx; return the status line."""
    url = urlparse(server.url)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        "GET /websocket?version=18.0-2 HTTP/1.1\r\n"
        f"Host: {url.netloc}\r\n"
        f"Origin: {server.url}\r\n"
        "Upgrade: websocket\r\n"
        "Connection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key}\r\n"
        "Sec-WebSocket-Version: 13\r\n"
        f"Cookie: session_id={cookie}\r\n\r\n"
    )
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(request.encode())
        return sock.recv(4096).decode("latin-1").split("\r\n", 1)[0]


def test_websockets_reach_every_nodes_gevent_port(server, rpc):
    cookie = rpc(ENGINEER).http.cookies.get("session_id")
    assert cookie
    before = len(upstreams(server, "/websocket"))
    for _attempt in range(2 * len(server.nodes)):
        status = handshake(server, cookie)
        assert " 101 " in status, status
    # nginx logs a websocket when it closes.
    count = 2 * len(server.nodes)
    wait_for(
        lambda: len(upstreams(server, "/websocket")) >= before + count,
        message="nginx to log the websockets",
    )
    served = set(upstreams(server, "/websocket")[before:])
    gevent = {f"127.0.0.1:{node.gevent_port}" for node in server.nodes}
    assert served == gevent, f"websockets went to {served}, gevent ports {gevent}"
