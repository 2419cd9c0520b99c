from . import test_reversibility
from . import test_package
from . import test_portal
