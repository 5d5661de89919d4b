"""Importing a WordPress magazine: `manage.py import_wordpress EXPORT.xml --media DIR`."""

from .importing import import_wordpress
from .reading import WordPressProblem

__all__ = ["WordPressProblem", "import_wordpress"]
