"""Who may do what: the Editors and Contributors groups, and the tests the code asks of a user."""

EDITORS = "Editors"
CONTRIBUTORS = "Contributors"

# Made by a data migration; the permissions are "app_label.codename".
EDITOR_PERMISSIONS = [
    f"articles.{action}_{model}"
    for model in (
        "article", "byline", "contributor", "image", "imagecredit", "section", "comment",
        "previewlink", "invitation", "position", "issue", "series",
    )
    for action in ("add", "change", "delete", "view")
] + [
    # A correction is never deleted: it is removed with a reason, and kept.
    "articles.add_correction",
    "articles.change_correction",
    "articles.view_correction",
    "articles.view_historicalcorrection",
    "articles.publish_article",
    "articles.view_statuschange",
    "articles.view_submission",
    "articles.view_creditaudit",
    "articles.view_historicalarticle",
    "articles.change_historicalarticle",
    "taggit.add_tag",
    "taggit.change_tag",
    "taggit.view_tag",
]  # fmt: skip
# Contributors never use the admin: these permissions open the contributor area, where every
# piece is further limited to their own.
CONTRIBUTOR_PERMISSIONS = [
    "articles.add_article",
    "articles.change_article",
    "articles.view_article",
    "articles.add_image",
    "articles.add_imagecredit",
]


GROUPS = {EDITORS: EDITOR_PERMISSIONS, CONTRIBUTORS: CONTRIBUTOR_PERMISSIONS}


def sync_groups(group_model, permission_model):
    """Make both groups and give each the permissions listed here; run after every migrate.

    Takes the models as arguments so the data migration can pass its historical ones; a
    permission whose model a later migration adds is given when that migration has run.
    """
    for name, wanted in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for dotted in wanted:
            app_label, codename = dotted.split(".")
            group.permissions.add(
                *permission_model.objects.filter(
                    content_type__app_label=app_label, codename=codename
                )
            )


def is_editor(user):
    """Editors review and publish; a superuser is always one."""
    return user.is_active and user.is_staff and user.has_perm("articles.publish_article")


def contributor_profile(user):
    """The Contributor a signed-in user writes as, or None."""
    if not user.is_authenticated:
        return None
    return getattr(user, "contributor", None)


def may_use_contributor_area(user):
    return (
        user.is_active
        and contributor_profile(user) is not None
        and user.has_perm("articles.add_article")
    )
