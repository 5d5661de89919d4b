"""Moving a magazine: its content as Markdown files with YAML front matter, and back again.

`export_magazine` writes every section, contributor, picture (its credit, and its original
file), piece (whatever its status, with its corrections and updates), print issue (with its
PDF edition), series and masthead position; `import_magazine` reads such a folder into an
empty site through the models' own saves, so that rendered HTML, the search index, revisions
and renditions are made as an editor's work makes them. Accounts, and the editorial record
about the content (status changes, comments, preview links, revisions), are not part of it.
"""

from .documents import in_words
from .exporting import export_magazine
from .importing import import_magazine

__all__ = ["export_magazine", "import_magazine", "in_words"]
