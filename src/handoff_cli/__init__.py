"""handoff: track B2B accounts through implementation and onboarding, and the handover between them."""

__version__ = "0.1.0"

# The schema revision this version of handoff expects. A test checks it equals
# the Alembic head in migrations/, so the fast read path can compare revisions
# without importing Alembic.
SCHEMA_HEAD = "0004"
