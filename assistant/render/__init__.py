"""A draft as the site's page: Markdown and HTML, in the layout of a published page."""

from assistant.render.page import Approval, render_html, render_markdown

__all__ = ["Approval", "render_html", "render_markdown"]
