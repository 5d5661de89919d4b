"""Derived work a committed change still awaits, recorded in the change's own transaction."""

from django.db import models


class PendingWork(models.Model):
    """One change whose derived work (articles/derived.py) is not done yet.

    Written in the transaction that makes the change, and deleted once the work after its
    commit is done: a worker killed in between leaves it for the next start of the site.
    """

    kind = models.CharField(max_length=20)
    value = models.JSONField()
    # "host:pid" of the process that will do the work, so that the master of that host's
    # gunicorn can do it should the process die first.
    process = models.CharField(max_length=100)
    noted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "pending work"

    def __str__(self):
        return f"{self.kind} {self.value}"
