from . import test_contract
from . import test_ledger
from . import test_ticket
from . import test_invoicing
from . import test_security
from . import test_portal
from . import test_concurrency
from . import test_tours
