"""The report notebooks, shipped inside the package as ``audit_lib.notebooks`` (see pyproject.toml)."""
