"""copydesk: clean article text and metadata from URLs, text or HTML, stored in PostgreSQL."""

__version__ = "0.1.0"
