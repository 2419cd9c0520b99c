from . import test_engine
from . import test_timer
from . import test_cron
from . import test_penalty
from . import test_report
from . import test_portal
from . import test_concurrency
from . import test_tours
