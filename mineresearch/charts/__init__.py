"""Altair charts: one theme, builders over tidy frames, static SVG rendering for reports."""
