from . import test_reversibility
from . import test_package
from . import test_portal
from . import test_route_audit
from . import test_portal_input
from . import test_cron
from . import test_preventive_register
from . import test_intervention_register
