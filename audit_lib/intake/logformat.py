"""Web-server log formats as one regular expression, written the way administrators already write them.

A profile may state its format as an Apache ``LogFormat`` string or an nginx ``log_format`` line; it is
translated here into a regular expression with named fields (``ip, ident, user, time, request, status,
bytes, referer, user_agent, host``) that DuckDB applies to every line (no Python per line). Without a
stated format, ``AUTO`` reads the common ones: Common, Combined, Apache ``vhost_combined`` (``%v:%p``
first), nginx formats with ``$host`` first, and trailing extra fields of load balancers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

QUOTED = r'((?:[^"\\]|\\.)*)'
TOKEN = r"(\S*)"
FIELDS = ["ip", "ident", "user", "time", "request", "status", "bytes", "referer", "user_agent", "host"]


@dataclass(frozen=True)
class LogFormat:
    """A regular expression and the field each of its groups fills (``None``: a group not kept)."""

    name: str
    regex: str
    groups: tuple[str | None, ...]

    def group_of(self, field: str) -> int | None:
        return self.groups.index(field) + 1 if field in self.groups else None


# host ident authuser [time] "request" status bytes ["referer" "user agent"] [extra fields...],
# optionally preceded by a virtual host (Apache %v[:%p], nginx $host; empty $host = a leading space)
AUTO = LogFormat(
    "auto",
    rf'^\s*(?:(\S+)\s+)?(\S+) (\S+) (\S+) \[([^\]]*)\] "{QUOTED}" (\S+) (\S+)(?: "{QUOTED}" "{QUOTED}")?',
    ("host", "ip", "ident", "user", "time", "request", "status", "bytes", "referer", "user_agent"),
)
AUTO_TRIED = "Common, Combined, Apache vhost_combined (%v:%p first), nginx $host first, each with trailing extra fields"

APACHE = {
    "h": "ip",
    "a": "ip",
    "l": "ident",
    "u": "user",
    "t": "time",
    "r": "request",
    ">s": "status",
    "s": "status",
    "b": "bytes",
    "B": "bytes",
    "v": "host",
    "V": "host",
    "{referer}i": "referer",
    "{user-agent}i": "user_agent",
    "{c}a": "ip",
}
NGINX = {
    "remote_addr": "ip",
    "remote_user": "user",
    "time_local": "time",
    "time_iso8601": "time",
    "request": "request",
    "status": "status",
    "body_bytes_sent": "bytes",
    "bytes_sent": "bytes",
    "http_referer": "referer",
    "http_user_agent": "user_agent",
    "host": "host",
    "server_name": "host",
    "http_host": "host",
}
APACHE_DIRECTIVE = re.compile(r"%[<>]?(?:\{[^}]*\})?[a-zA-Z%]")
NGINX_VARIABLE = re.compile(r"\$(?:\{([a-zA-Z0-9_]+)\}|([a-zA-Z0-9_]+))")


def _unwrap(text: str) -> tuple[str, str]:
    """The format string of a pasted configuration line, and which server's syntax it uses."""
    text = text.strip().rstrip(";").strip()
    m = re.match(r"^LogFormat\s+\"((?:[^\"\\]|\\.)*)\"(?:\s+\S+)?$", text, re.IGNORECASE)
    if m:
        return m.group(1).replace('\\"', '"'), "apache"
    m = re.match(r"^log_format\s+\S+\s+(?:escape=\S+\s+)?(.*)$", text, re.DOTALL)
    if m:  # nginx: one or more quoted pieces that concatenate
        pieces = re.findall(r"'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\"", m.group(1))
        return "".join(a or b for a, b in pieces), "nginx"
    if "$" in text and "%" not in text:
        return text, "nginx"
    return text.replace('\\"', '"'), "apache"


def compile_format(text: str, where: str = "log_format") -> LogFormat:
    """An Apache LogFormat string or an nginx log_format line as a ``LogFormat``."""
    fmt, server = _unwrap(text)
    pattern = re.compile(APACHE_DIRECTIVE.pattern if server == "apache" else NGINX_VARIABLE.pattern)
    regex, groups, pos = ["^\\s*"], [], 0
    for m in pattern.finditer(fmt):
        literal = fmt[pos : m.start()]
        regex.append(re.escape(literal).replace("\\ ", " "))
        if server == "apache":
            key = m.group(0)[1:].removeprefix("<")
            if key == "%":
                regex.append("%")
                pos = m.end()
                continue
            name = APACHE.get(key.lower() if key.startswith("{") else key)
        else:
            name = NGINX.get(m.group(1) or m.group(2))
        quoted = literal.endswith('"')
        if name == "time" and literal.endswith("["):  # nginx: [$time_local]
            regex.append(r"([^\]]*)")
        elif server == "apache" and key == "t":  # Apache's %t writes its own brackets
            regex.append(r"\[([^\]]*)\]")
        else:
            regex.append(QUOTED if quoted else TOKEN)
        groups.append(name if name not in groups else None)
        pos = m.end()
    regex.append(re.escape(fmt[pos:]).replace("\\ ", " "))
    if "ip" not in groups or "time" not in groups:
        raise InputError(
            f"{where}: '{text.strip()[:120]}' has no client address (%h / $remote_addr) or no time (%t / $time_local)"
        )
    return LogFormat(fmt, "".join(regex), tuple(groups))
