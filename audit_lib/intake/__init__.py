"""Evidence intake: find each table's files, read them into DuckDB, type them, report data quality."""
