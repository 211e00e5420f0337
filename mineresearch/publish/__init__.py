"""Exporters, HTML and PDF: turning an executed notebook into the published files."""
