"""GDPR audit of record extracts against a company's own privacy policy.

The public API: open an extract for an audit date, run the declared checks, read the findings.
"""

from .checks import load_checks
from .extract import Extract, open_extract
from .policy import load_policy
from .run import Results, run_check, run_checks

__all__ = ["Extract", "Results", "load_checks", "load_policy", "open_extract", "run_check", "run_checks"]
