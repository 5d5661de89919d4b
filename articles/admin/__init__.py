"""The editors' admin: content (pieces, images, people, sections), review, and accounts."""

from . import accounts, content, review  # noqa: F401  (each registers its models)
