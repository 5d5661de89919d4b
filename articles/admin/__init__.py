"""The editors' admin: content, review, the credit audit, and accounts."""

from . import accounts, content, credits, review  # noqa: F401  (each registers its models)
