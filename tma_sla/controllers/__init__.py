from . import portal
from . import availability
from . import portal_review
