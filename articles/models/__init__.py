"""The magazine's models: its content, and the editorial record kept about it."""

from .content import Article, ArticleQuerySet, Byline, Contributor, EditConflict, Section
from .editorial import Comment, Invitation, PreviewLink, StatusChange, Submission
from .images import Image, ImageCredit, image_upload_to

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
