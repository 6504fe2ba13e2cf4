"""The page of a document made in the background (kawal/paper.py): a button that starts it,
its progress while it is made, and its download when it is ready. Each app's views pass
the document's name, its parts and the page's words; scope is theirs to check first."""

from collections.abc import Callable, Sequence

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from kawal import paper


def document_page(
    request: HttpRequest, name: str, parts: Callable[[], Sequence[paper.Part]], context: dict
) -> HttpResponse:
    """GET shows the document's state; POST starts making it (parts are read only then)."""
    if request.method == "POST":
        paper.start(name, parts())
        return redirect(request.path)
    return render(request, "paper/document.html", {**context, "p": paper.progress(name)})


def progress_part(request: HttpRequest, name: str, context: dict) -> HttpResponse:
    """The state alone, polled by the page while the document is made."""
    return render(request, "paper/_progress.html", {**context, "p": paper.progress(name)})


def download(name: str, filename: str) -> FileResponse | None:
    """The document's file, if it is ready."""
    path = paper.ready_file(name)
    if path is None:
        return None
    return FileResponse(
        path.open("rb"), content_type="application/pdf", as_attachment=True, filename=filename
    )
