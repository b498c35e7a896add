"""Which file goes through which profile: ``--profile TABLE=NAME``, extract.yaml, or a shipped profile
whose file pattern the file matches unambiguously (applied, and said so). Profile choices travel as
arguments and are recorded in the manifest, never through the environment.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..contract import load_contract
from ..errors import InputError
from ..safeyaml import safe_load
from .paths import inside, profile_name, relative_entry
from .profile_model import Derived, Mapping, Profile, load_profile, yaml_problem
from .profile_sql import missing_column
from .readers import header_names, sniff_csv
from .sources import SourceFile, TableSource, is_error_log

SHIPPED_DIR = Path(__file__).resolve().parents[1] / "profiles"
EXTRACT_FILE = "extract.yaml"
CLF_DEFAULT = "apache_combined"  # connection_logs/ web-server logs are read through it without being named


@dataclass
class ProfiledFiles:
    """The files one profile reads, and (once read) the relation holding their raw rows."""

    profile: Profile
    files: list[SourceFile]
    raw: str | None = None
    columns: dict[Path, set[str]] = field(default_factory=dict)
    auto: bool = False  # applied because the file matched its pattern, without --profile
    date_order: str | None = None  # DMY / MDY used for its dates
    date_order_note: str = ""  # how that order was chosen
    notices: list[str] = field(default_factory=list)  # optional columns absent, derived rows left out


@dataclass
class Choices:
    """The run's profile settings: ``--profile TABLE=NAME``, ``--profile-dir``, ``--date-order``."""

    profiles: list[str] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)
    date_order: str | None = None

    def record(self) -> dict:
        return {"choices": list(self.profiles), "dirs": [str(d) for d in self.dirs], "date_order": self.date_order}


def profile_dirs(root: Path, extra: list[Path]) -> list[Path]:
    """Where profiles are looked up, first match wins: given folders, ``<extract>/profiles``, shipped."""
    dirs = [Path(d) for d in extra] + [root / "profiles", SHIPPED_DIR]
    return [d for d in dirs if d.is_dir()]


def find_profile(name: str, dirs: list[Path]) -> Profile:
    """The one place a profile name becomes a profile file (a name, never a path)."""
    profile_name(name)
    for d in dirs:
        path = d / f"{name}.yaml"
        if path.is_file():
            return load_profile(path)
    known = sorted({p.stem for d in dirs for p in d.glob("*.yaml")})
    raise InputError(f"profile {name}: not found (known profiles: {', '.join(known)})")


def shipped_profiles() -> list[str]:
    """Names of the profiles that ship with the tool."""
    return sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml"))


def parse_choices(choices: list[str]) -> list[tuple[str, str]]:
    """``TABLE=NAME`` strings as (table, name) pairs."""
    pairs = []
    for choice in choices:
        table, sep, name = choice.partition("=")
        if not sep or not table.strip() or not name.strip():
            raise InputError(f"--profile {choice}: expected TABLE=NAME, e.g. persons=salesforce_lead_api")
        pairs.append((table.strip(), profile_name(name.strip())))
    return pairs


def _read_extract_yaml(root: Path) -> dict:
    path = root / EXTRACT_FILE
    if not path.is_file():
        return {}
    inside(root, path)
    try:
        spec = safe_load(path.read_bytes()) or {}
    except (OSError, yaml.YAMLError) as err:
        raise InputError(f"{path}: unreadable YAML ({yaml_problem(err)})") from None
    if not isinstance(spec, dict):
        raise InputError(f"{path}: expected a mapping with the keys files, profile_dirs")
    unknown = {str(k) for k in spec} - {"files", "profile_dirs"}
    if unknown:
        raise InputError(f"{path}: unknown key '{sorted(unknown)[0][:60]}' (expected files, profile_dirs)")
    if not isinstance(spec.get("files") or {}, dict):
        raise InputError(f"{path}: files: expected a mapping of file name to profile name")
    if not isinstance(spec.get("profile_dirs") or [], list):
        raise InputError(f"{path}: profile_dirs: expected a list of folders inside the extract")
    return spec


def _matches(rel: str, patterns: list[str]) -> bool:
    return any(fnmatch.fnmatch(rel.lower(), pat.lower()) for pat in patterns)


def _files(root: Path) -> list[Path]:
    found = []
    for p in sorted(root.rglob("*")):
        if not p.name.startswith("."):
            inside(root, p)  # a symlink out of the extract is refused, never followed
            if p.is_file():
                found.append(p)
    return found


def plan_profiles(
    root: Path,
    choices: Choices,
    canonical: set[Path] = frozenset(),
    progress=lambda msg: None,
    skipped: list[tuple[Path, str]] | None = None,
) -> list[ProfiledFiles]:
    """The profiles of the run and their files: ``--profile`` globs, extract.yaml ``files``, then files
    matching exactly one shipped profile (applied and said so); several matches stop the run (exit 2)."""
    spec = _read_extract_yaml(root)
    where = root / EXTRACT_FILE
    own = [relative_entry(root, str(d), f"{where}: profile_dirs") for d in spec.get("profile_dirs", []) or []]
    for d in [*own, root / "profiles"]:
        if d.exists() or d.is_symlink():
            inside(root, d)
    dirs = profile_dirs(root, [*choices.dirs, *own])
    claimed: dict[Path, str] = {}
    skipped = [] if skipped is None else skipped  # (file, why): error logs a profile's pattern caught
    plans: dict[str, ProfiledFiles] = {}

    def claim(profile: Profile, path: Path, auto: bool = False) -> None:
        if claimed.get(path, profile.name) != profile.name:
            raise InputError(f"{path.name}: chosen for two profiles ({claimed[path]}, {profile.name}); keep one")
        if path in claimed:
            return
        claimed[path] = profile.name
        if profile.format == "clf" and is_error_log(path.name):
            skipped.append((path, "web-server error log, not access lines: not read"))
            return
        size = path.stat().st_size
        if size == 0 and profile.format != "clf":
            raise InputError(f"{path}: file is empty (expected a {profile.name} export)")
        plan = plans.setdefault(profile.name, ProfiledFiles(profile, [], auto=auto))
        plan.files.append(
            SourceFile(path=path, table=profile.table, format=profile.format, size=size, profile=profile.name)
        )

    all_files = _files(root)
    for table, name in parse_choices(choices.profiles):
        profile = find_profile(name, dirs)
        if profile.table != table:
            raise InputError(f"--profile {table}={name}: profile {name} maps onto {profile.table}, not {table}")
        files = [p for p in all_files if _matches(p.relative_to(root).as_posix(), profile.match)]
        if not files:
            raise InputError(f"profile {name}: no file in {root} matches {', '.join(profile.match)}")
        for path in files:
            claim(profile, path)
    for file_name, name in (spec.get("files") or {}).items():
        path = relative_entry(root, str(file_name), f"{where}: files")
        if not (path.exists() or path.is_symlink()):
            raise InputError(f"{where}: files: '{file_name}' not found in {root}")
        inside(root, path)
        if not path.is_file():
            raise InputError(f"{where}: files: '{file_name}' not found in {root}")
        claim(find_profile(profile_name(str(name), f"{where}: files: {file_name}"), dirs), path)
    _auto_apply(root, all_files, set(claimed) | set(canonical), claim, progress)
    return list(plans.values())


def _auto_apply(root: Path, files: list[Path], taken: set[Path], claim, progress) -> None:
    """A file nobody chose that matches a shipped profile's pattern is never silently ignored."""
    shipped = [find_profile(n, [SHIPPED_DIR]) for n in shipped_profiles()]
    for path in files:
        rel = path.relative_to(root).as_posix()
        if path in taken or rel.split("/")[0] in ("profiles",) or path.suffix.lower() in (".yaml", ".yml", ".md"):
            continue
        hits = [p for p in shipped if _matches(rel, p.match)]
        if len(hits) == 1:
            progress(
                f"{rel}: read through profile {hits[0].name} (its file name matches {', '.join(hits[0].match)}; "
                f"--profile {hits[0].table}=NAME chooses another)"
            )
            claim(hits[0], path, auto=True)
        elif hits:
            options = " or ".join(f"--profile {p.table}={p.name}" for p in hits)
            raise InputError(f"{rel}: matches several shipped profiles; add {options}")


def derived_fits(plan: ProfiledFiles, mapping: Derived) -> bool:
    """Whether every file has the columns a derived mapping reads (known from the headers)."""
    for f in plan.files:
        have = plan.columns.get(f.path) if plan.columns else _header(f, plan.profile)
        if have is not None and missing_column(mapping, have):
            return False
    return True


def _header(f: SourceFile, profile: Profile) -> set[str] | None:
    if profile.format != "csv":
        return None
    encoding, delimiter = sniff_csv(f.path)
    return set(header_names(f.path, profile.encoding or encoding, profile.delimiter or delimiter, dedupe=True))


def merge_sources(sources: dict[str, TableSource], plans: list[ProfiledFiles], root: Path) -> dict[str, TableSource]:
    """Add the profiled files to the tables they feed, in contract order. A derived table (objections from
    an opt-out column) is provided only when some file has the columns it reads."""
    claimed = {f.path for p in plans for f in p.files}
    merged: dict[str, TableSource] = {}
    for table, source in sources.items():
        keep = [f for f in source.files if f.path not in claimed]
        if keep:
            if source.format == "clf":
                for f in keep:
                    f.profile = CLF_DEFAULT
            merged[table] = TableSource(table=table, format=source.format, files=keep, skipped=source.skipped)
    for plan in plans:
        for mapping in plan.profile.mappings():
            if mapping is plan.profile:
                target = merged.setdefault(mapping.table, TableSource(table=mapping.table, format=plan.profile.format))
                target.files.extend(plan.files)
            elif derived_fits(plan, mapping):
                merged.setdefault(mapping.table, TableSource(table=mapping.table, format=plan.profile.format))
            elif not any(n.startswith(f"{mapping.table}: not filled") for n in plan.notices):
                have = _header(plan.files[0], plan.profile) or set()
                plan.notices.append(
                    f"{mapping.table}: not filled by {plan.profile.name} (the export has no "
                    f"{missing_column(mapping, have)})"
                )
    return {t: merged[t] for t in load_contract() if t in merged}


def contributions(plans: list[ProfiledFiles], table: str) -> list[tuple[ProfiledFiles, Mapping]]:
    return [(p, m) for p in plans for m in p.profile.mappings() if m.table == table]


def _display(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def skipped_lines(skipped: list[tuple[Path, str]], root: Path) -> list[str]:
    """One line per reason for the files seen and not read (the full list is in the manifest)."""
    by_reason: dict[str, list[str]] = {}
    for path, why in skipped:
        by_reason.setdefault(why, []).append(_display(path, root))
    lines = []
    for why, paths in by_reason.items():
        shown = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
        lines.append(f"skipped {len(paths)} file(s): {shown} ({why}; listed in manifest.json)")
    return lines


def profile_notes(plans: list[ProfiledFiles]) -> list[dict]:
    """What the manifest records per profile: applied by name or chosen, date order and why, notices."""
    return [
        {
            "profile": p.profile.name,
            "table": p.profile.table,
            "auto": p.auto,
            "date_order": p.date_order,
            "date_order_note": p.date_order_note,
            "notices": p.notices,
        }
        for p in plans
    ]


def note_lines(notes: list[dict]) -> list[str]:
    return [
        f"profile {n['profile']}: {line}"
        for n in notes
        for line in n["notices"]
        + ([f"dates {n['date_order']} ({n['date_order_note']})"] if n["date_order_note"] else [])
    ]
