"""Keep Gradio from serving uploaded files back: they are input to ingest, never output."""

from __future__ import annotations

from typing import Any

from gradio.utils import abspath, get_upload_folder, is_in_or_equal
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send

FILE_ROUTE = "/file="


class RefuseUploadedFiles:
    """ASGI middleware answering 403 to any ``/gradio_api/file=`` request inside ``folder``.

    Gradio keeps every upload in its upload folder and serves that folder at ``file=`` to
    anyone who has the address. Its own ``blocked_paths`` cannot close it: Gradio checks the
    same list before it accepts an upload as an event's input, so uploads would stop working.
    """

    def __init__(self, app: ASGIApp, folder: str) -> None:
        self.app = app
        self.folder = folder

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse file requests into the upload folder; pass everything else on."""
        path = str(scope.get("path", "")) if scope["type"] == "http" else ""
        if FILE_ROUTE in path and self._uploaded(path.split(FILE_ROUTE, 1)[1]):
            refusal = PlainTextResponse("Uploaded files are not served.", status_code=403)
            await refusal(scope, receive, send)
            return
        await self.app(scope, receive, send)

    def _uploaded(self, requested: str) -> bool:
        try:
            return is_in_or_equal(abspath(requested), self.folder)
        except (OSError, ValueError):
            return True  # a path that cannot even be resolved is refused too


def upload_guard() -> list[Any]:
    """The middleware list for ``launch(app_kwargs={"middleware": ...})``."""
    return [Middleware(RefuseUploadedFiles, folder=get_upload_folder())]
