"""Queries and charts behind the notebooks, one module per area."""
