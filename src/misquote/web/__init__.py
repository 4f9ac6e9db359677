"""The web UI: page data (`pages.py`), Jinja2 templates and static files (htmx, CSS, small JS)."""
