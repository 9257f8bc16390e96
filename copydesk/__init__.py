"""copydesk: clean article text and metadata from URLs, pasted text or HTML, stored in PostgreSQL."""

__version__ = "0.1.0"
