"""Source profiles: map a real system's export (Salesforce, HubSpot, Mailchimp, web logs, ROPA) onto a
canonical table, as data (a YAML file), without code changes. See docs/profiles.md.

The pieces: ``profile_model`` (the YAML format), ``profile_plan`` (which file goes through which
profile), ``profile_read`` (reading), ``profile_sql`` (the mapping as one SELECT), ``logformat`` and
``clf`` (web-server logs).
"""

from __future__ import annotations

from .profile_model import Conditional, Derived, Lookup, Mapping, Profile, load_profile
from .profile_plan import (
    CLF_DEFAULT,
    EXTRACT_FILE,
    SHIPPED_DIR,
    Choices,
    ProfiledFiles,
    find_profile,
    merge_sources,
    note_lines,
    parse_choices,
    plan_profiles,
    profile_dirs,
    profile_notes,
    shipped_profiles,
    skipped_lines,
)
from .profile_read import ProfileReader

__all__ = [
    "CLF_DEFAULT",
    "EXTRACT_FILE",
    "SHIPPED_DIR",
    "Choices",
    "Conditional",
    "Derived",
    "Lookup",
    "Mapping",
    "Profile",
    "ProfileReader",
    "ProfiledFiles",
    "find_profile",
    "load_profile",
    "merge_sources",
    "note_lines",
    "parse_choices",
    "plan_profiles",
    "profile_dirs",
    "profile_notes",
    "shipped_profiles",
    "skipped_lines",
]
