"""Every model of the association, imported together.

SQLAlchemy resolves a relationship named by string ("StoredDocument") when the first
statement is built, which may happen while a module is imported; every model class must
be known by then, whichever module was imported first. The package's __init__ imports
this module, so that holds for the app, the command line, tests and scripts alike, and
the metadata (and so Alembic) sees every table.
"""

from association.api import models as api
from association.audit import models as audit
from association.auth import models as auth
from association.documents import models as documents
from association.mail import models as mail
from association.meetings import models as meetings
from association.membership import models as membership
from association.memoranda import models as memoranda
from association.parks import models as parks
from association.residency import models as residency
from association.voting import models as voting
from association.webhooks import models as webhooks

__all__ = [
    "api",
    "audit",
    "auth",
    "documents",
    "mail",
    "meetings",
    "membership",
    "memoranda",
    "parks",
    "residency",
    "voting",
    "webhooks",
]
