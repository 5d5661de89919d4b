"""The magazine's models: its content, and the editorial record kept about it."""

from .autosave import Autosave
from .content import Article, ArticleQuerySet, EditConflict, Section, SlugHistory
from .contributors import Byline, Contributor
from .documents import HeldDocument
from .editorial import Comment, Invitation, PreviewLink, StatusChange, Submission
from .images import CreditAudit, Image, ImageCredit, PendingUpload, image_upload_to
from .imported import ImportedItem, OldAddress
from .magazine import (
    Correction,
    Issue,
    PlaceInSeries,
    Position,
    Series,
    academic_year_label,
    academic_year_slug,
)
from .pending import PendingWork
from .renditions import Rendition

__all__ = [
    "Article",
    "ArticleQuerySet",
    "Autosave",
    "Byline",
    "Comment",
    "Contributor",
    "Correction",
    "CreditAudit",
    "EditConflict",
    "HeldDocument",
    "Image",
    "ImageCredit",
    "ImportedItem",
    "Invitation",
    "Issue",
    "OldAddress",
    "PendingUpload",
    "PendingWork",
    "PlaceInSeries",
    "Position",
    "PreviewLink",
    "Rendition",
    "Section",
    "Series",
    "SlugHistory",
    "StatusChange",
    "Submission",
    "academic_year_label",
    "academic_year_slug",
    "image_upload_to",
]
