"""Pure crawl helpers shared by ingest and worker: charset, feeds, sitemaps, discovery, URL filters.

Bytes or strings in, plain values out; no network, settings or database.
"""
