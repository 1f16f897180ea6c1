"""Security headers on every response, and file types that do not depend on the host.

`SecurityHeaders` is plain ASGI middleware: it wraps the whole app, so pages, static files, the JSON API,
404s and validation errors (422) all carry the same headers. A header that a route sets itself wins
(`setdefault`), so one response can tighten its own policy without a second mechanism.

The page's Content-Security-Policy, and why each directive is what it is:
  default-src 'self'          anything not named below (fonts, workers, manifests) comes from this server only
  script-src 'self'           no inline scripts and no eval: the page is ES modules from /static and Plotly
                              from /vendor. Plotly.js tries `new Function("return this")` once inside a
                              try/catch and falls back to `window`, so it runs without 'unsafe-eval'
                              (only its WebGL traces compile code at run time, and the page does not use them)
  style-src 'self' 'unsafe-inline'
                              Plotly.js styles itself at run time: <style> elements in <head> filled through
                              insertRule (the mode bar, hover labels, `.main-svg { pointer-events: none }`)
                              and style="" attributes set through d3. Under `style-src 'self'` Chromium refuses
                              both (style-src-elem and style-src-attr violations, all from plotly.min.js): the
                              mode bar falls out of place and the grid lines swallow hover and zoom. Plotly.js's
                              separate strict-CSP stylesheet (plotly.js PR #7109) is no longer shipped since its
                              ESBuild move (plotly.js issue #7543), so there is nothing to link instead.
                              Inline styles cannot run code; scripts stay strict.
  img-src 'self' data: blob:  Plotly's "download plot as PNG" builds the image as a data:/blob: URL
  connect-src 'self'          fetch() only reaches this server's JSON API
  form-action 'self'          a form can only submit here
  frame-ancestors 'none'      no other site may frame the page (clickjacking); X-Frame-Options for old browsers
  object-src 'none'           no plugins
  base-uri 'self'             an injected <base> cannot redirect the page's relative URLs

FastAPI's /docs and /redoc pages load Swagger UI and ReDoc from the jsDelivr CDN and start them with an
inline script, so those two pages get a policy that allows exactly that; everything else keeps the strict one.

Content types: StaticFiles guesses them with `mimetypes`, which reads the host's /etc/mime.types when there
is one. The slim Docker image has none, and hosts disagree (.js as text/javascript or
application/javascript, .mjs missing). With `nosniff`, a browser refuses a module script or stylesheet
served with the wrong type, so the types the page needs are registered explicitly.
"""

import mimetypes

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def _policy(**directives: str) -> str:
    return "; ".join(f"{name.replace('_', '-')} {value}" for name, value in directives.items())


PAGE_CSP = _policy(
    default_src="'self'",
    script_src="'self'",
    style_src="'self' 'unsafe-inline'",
    img_src="'self' data: blob:",
    connect_src="'self'",
    form_action="'self'",
    frame_ancestors="'none'",
    object_src="'none'",
    base_uri="'self'",
)

DOCS_CSP = _policy(
    default_src="'self'",
    script_src="'self' 'unsafe-inline' https://cdn.jsdelivr.net",
    style_src="'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com",
    font_src="'self' https://fonts.gstatic.com",
    img_src="'self' data: blob: https://fastapi.tiangolo.com https://cdn.redoc.ly",
    worker_src="'self' blob:",
    connect_src="'self'",
    form_action="'self'",
    frame_ancestors="'none'",
    object_src="'none'",
    base_uri="'self'",
)

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}

CONTENT_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/vnd.microsoft.icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain",
}


def register_content_types() -> None:
    for extension, media_type in CONTENT_TYPES.items():
        mimetypes.add_type(media_type, extension)


class SecurityHeaders:
    """ASGI middleware: `app.add_middleware(SecurityHeaders)`."""

    def __init__(self, app: ASGIApp, docs_paths: tuple[str, ...] = ("/docs", "/redoc")) -> None:
        self.app = app
        self.docs_paths = docs_paths
        register_content_types()

    def policy_for(self, path: str) -> str:
        docs = any(path == p or path.startswith(p + "/") for p in self.docs_paths)
        return DOCS_CSP if docs else PAGE_CSP

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = self.policy_for(scope["path"])

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                for name, value in COMMON_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
