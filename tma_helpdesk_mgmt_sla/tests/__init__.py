from . import test_route_audit
