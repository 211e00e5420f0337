"""Ingestion adapters: the shared company figures file and SEC XBRL companyfacts JSON."""
