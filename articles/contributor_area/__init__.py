"""The contributor area at /submit/: their own pieces, drafts and the editors' replies."""
