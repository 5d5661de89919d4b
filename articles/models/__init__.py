"""The magazine's models: its content, and the editorial record kept about it."""

from .autosave import Autosave
from .content import (
    Article,
    ArticleQuerySet,
    Byline,
    Contributor,
    EditConflict,
    Section,
    SlugHistory,
)
from .editorial import Comment, Invitation, PreviewLink, StatusChange, Submission
from .images import CreditAudit, Image, ImageCredit, PendingUpload, image_upload_to
from .pending import PendingWork
from .renditions import Rendition

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Autosave",
    "Byline",
    "Comment",
    "Contributor",
    "CreditAudit",
    "EditConflict",
    "Image",
    "ImageCredit",
    "Invitation",
    "PendingUpload",
    "PendingWork",
    "PreviewLink",
    "Rendition",
    "Section",
    "SlugHistory",
    "StatusChange",
    "Submission",
    "image_upload_to",
]
