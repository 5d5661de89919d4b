"""A draft's text replaced from a Word or Google Docs file, on a page of its own that asks the
writer to confirm it (a tick box, so that it works without JavaScript)."""

from django.contrib import messages
from django.shortcuts import redirect, render

from ..models import Article, EditConflict
from .documents import ReplaceTextForm
from .views import contributor_area, own_piece, refused


@contributor_area
def replace_text(request, pk):
    article = own_piece(request, pk)
    if article.status not in Article.EDITABLE_BY_CONTRIBUTOR:
        return refused(
            request,
            f"This piece is {article.get_status_display().lower()}, so its text cannot be "
            "replaced now. Nothing was changed.",
            status=409,
        )
    form = ReplaceTextForm(
        request.POST or None, request.FILES or None, user=request.user, article=article
    )
    if request.method == "POST" and form.is_valid():
        try:
            document = form.save(request)
        except EditConflict as conflict:
            # Reloading opens the current version, and a page loaded anew keeps no file.
            form.add_error(None, f"{conflict} Choose the file again to replace the text.")
        else:
            messages.success(
                request,
                f"The text is now that of “{document.name}”. The text before is kept in the "
                "piece's history.",
            )
            return redirect("articles:submit_edit", article.pk)
    elif request.method == "POST":
        form.hold_document()
    return render(request, "articles/submit/replace_text.html", {"form": form, "article": article})
