"""WordPress authors and Co-Authors Plus guest authors as contributors, and posts' bylines.

A person is known by their login on the old site, which the plugin's author terms share with
the site's accounts (its term "cap-maya" is the account "maya"), and by their e-mail address
across sites: one person is one contributor, however many exports name them and however often
one is imported. Contributors are made with no account, as guest writers are; an editor can tie
one to an account later.
"""

from ..models import Contributor, ImportedItem
from ..models.content import unique_slug

PERSON, EMAIL = ImportedItem.Kind.PERSON, ImportedItem.Kind.EMAIL


class People:
    """The contributors of one import, found or made as posts name them."""

    def __init__(self, site, export, report):
        self.site = site
        # The site's accounts win over the plugin's terms for the same login: their fields are
        # the people's own, the terms' a copy.
        self.known = {**export.guest_authors, **export.authors}
        self.report = report
        self.found = {}

    def contributor(self, login):
        """The contributor for this login, found or made."""
        if login not in self.found:
            self.found[login] = self._find(login) or self._make(login)
        return self.found[login]

    def _find(self, login):
        person = self.known.get(login)
        keys = [(self.site, PERSON, login)]
        if person and person.email:
            keys.append(("", EMAIL, person.email.lower()))
        for site, kind, source_id in keys:
            item = ImportedItem.objects.filter(site=site, kind=kind, source_id=source_id).first()
            contributor = item and Contributor.objects.filter(pk=item.object_id).first()
            if contributor:
                self._remember(login, contributor)
                return contributor
        return None

    def _make(self, login):
        person = self.known.get(login)
        name = (person.name if person else login)[:120] or login
        contributor = Contributor(name=name)
        contributor.slug = unique_slug(Contributor.objects, name, fallback="contributor", limit=110)
        contributor.save()
        self.report.count("contributors made")
        self._remember(login, contributor)
        return contributor

    def _remember(self, login, contributor):
        person = self.known.get(login)
        keys = [(self.site, PERSON, login[:300])]
        if person and person.email:
            keys.append(("", EMAIL, person.email.lower()[:300]))
        for site, kind, source_id in keys:
            ImportedItem.objects.get_or_create(
                site=site, kind=kind, source_id=source_id, defaults={"object_id": contributor.pk}
            )

    def byline(self, post):
        """The post's contributors in order: its author first, then its other co-authors.

        With Co-Authors Plus the byline is the post's author terms; its author (dc:creator) is
        one of them unless the plugin's byline left them out. Without it, the author alone.
        """
        coauthors = [
            nicename.removeprefix("cap-") or name
            for domain, nicename, name in post.terms
            if domain == "author"
        ]
        logins = coauthors or [post.creator]
        if post.creator in coauthors:
            logins = [post.creator] + [login for login in coauthors if login != post.creator]
        return [self.contributor(login) for login in dict.fromkeys(filter(None, logins))]
