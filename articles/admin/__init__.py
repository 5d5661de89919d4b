"""The editors' admin: content, review, the credit audit, print issues, series, corrections,
the masthead, and accounts."""

from . import (  # noqa: F401  (each registers its models)
    accounts,
    content,
    contributors,
    corrections,
    credits,
    editions,
    masthead,
    pictures,
    review,
    series,
)
