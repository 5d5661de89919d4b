"""The magazine's models: its content, and the editorial record kept about it."""

from .content import (
    Article,
    ArticleQuerySet,
    Byline,
    Contributor,
    EditConflict,
    Image,
    ImageCredit,
    Section,
    image_upload_to,
)
from .editorial import Comment, Invitation, PreviewLink, StatusChange, Submission

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Byline",
    "Comment",
    "Contributor",
    "EditConflict",
    "Image",
    "ImageCredit",
    "Invitation",
    "PreviewLink",
    "Section",
    "StatusChange",
    "Submission",
    "image_upload_to",
]
