"""Web-server log folders as servers leave them (issue 13): rotation names, formats, error logs, bad lines."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import duckdb
import pytest

from audit_lib.cli import main
from audit_lib.intake.logformat import compile_format
from audit_lib.intake.sources import is_error_log, is_log_name

UA = '"-" "Mozilla/5.0 (X11; Linux x86_64)"'


def common(ip: str, when: str) -> str:
    return f'{ip} - - [{when}] "GET / HTTP/1.1" 200 512'


def combined(ip: str, when: str) -> str:
    return f"{common(ip, when)} {UA}"


def write(path: Path, lines: list[str], gz: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = "".join(line + "\n" for line in lines).encode()
    path.write_bytes(gzip.compress(data) if gz else data)


def run(tmp_path: Path, data: Path, *args: str) -> int:
    return main(
        ["check", "--data", str(data), "--as-of", "2026-10-31", "--out", str(tmp_path / "out"), "--quiet", *args]
    )


def findings(tmp_path: Path) -> list[tuple[str, str, str]]:
    with open(tmp_path / "out" / "findings.csv", newline="", encoding="utf-8-sig") as f:
        return sorted((r["check_id"], r["record_id"].lstrip("'"), r["count"]) for r in csv.DictReader(f))


def manifest(tmp_path: Path) -> dict:
    return json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))


def test_log_names_as_logrotate_and_distributions_leave_them():
    for name in [
        "access.log",
        "access.log.1",
        "access.log.2.gz",
        "access.log-20261001",
        "access.log-20261001.gz",
        "access_log",
        "access_log.1",
        "other_vhosts_access.log.14.gz",
        "access-com-linweb330.log",
        "ssl_access_log-20261001",
    ]:
        assert is_log_name(name), name
    for name in ["access.csv", "notes.txt", "access.log.bak", "logs.zip"]:
        assert not is_log_name(name), name
    assert [
        n for n in ["error.log", "error.log.3.gz", "error_log", "ssl_error_log", "access.log"] if is_error_log(n)
    ] == ["error.log", "error.log.3.gz", "error_log", "ssl_error_log"]


def test_a_log_folder_with_every_rotation_name_formats_and_error_logs(tmp_path, capsys):
    logs = tmp_path / "x" / "connection_logs"
    write(logs / "access.log", [])  # emptied by logrotate: no connections, zero rows
    # Brussels midnight (CET, +01:00 after 26 Oct 2025): 22:30 UTC on 30 Oct is still 30 Oct, 23:30 UTC is 31 Oct
    write(
        logs / "access.log.1",
        [combined("10.0.0.1", "30/Oct/2025:22:30:00 +0000"), combined("10.0.0.2", "30/Oct/2025:23:30:00 +0000")],
    )
    write(logs / "access.log.2.gz", [combined("10.0.0.3", "12/Sep/2025:10:00:00 +0200")], gz=True)
    write(logs / "access.log-20250901", [common("10.0.0.4", "31/Aug/2025:12:00:00 +0200")])
    write(logs / "access.log-20250801.gz", [common("10.0.0.5", "31/Jul/2025:12:00:00 +0200")], gz=True)
    write(logs / "access_log", [common("::1", "01/Oct/2026:12:00:00 +0200")])  # Red Hat / XAMPP name, recent
    # Apache vhost_combined (%v:%p first) and nginx $host first, empty host = a leading space, trailing port
    write(logs / "other_vhosts_access.log", [f"shop.example:443 {combined('10.0.0.6', '12/Sep/2025:11:00:00 +0000')}"])
    write(
        logs / "hosts.log",
        [
            f" {combined('10.0.0.7', '12/Sep/2025:12:00:00 +0000')} 445",
            f"_ {combined('10.0.0.8', '12/Sep/2025:13:00:00 +0000')} 80",
        ],
    )
    write(logs / "error.log", ["2025/09/12 11:22:47 [error] 1#1: *9 open() failed, client: 10.0.0.9, server: x"])
    write(
        logs / "error.log.1.gz", ["[Fri Sep 12 11:22:47.1 2025] [core:error] [client 10.0.0.9:5] AH0: denied"], gz=True
    )
    assert run(tmp_path, tmp_path / "x") == 0
    got = [(f[0], f[1], f[2]) for f in findings(tmp_path)]
    # on the deadline (30 Oct 2025 + 1 year = 30 Oct 2026 < 31 Oct 2026) counted; 31 Oct Brussels not yet
    assert got == [
        ("RET-CONNECTION-LOG-1Y", "2025-07", "1"),
        ("RET-CONNECTION-LOG-1Y", "2025-08", "1"),
        ("RET-CONNECTION-LOG-1Y", "2025-09", "4"),
        ("RET-CONNECTION-LOG-1Y", "2025-10", "1"),
    ]
    m = manifest(tmp_path)
    assert {i["path"]: (i["rows"], i["unparsed"]) for i in m["inputs"]} == {
        "connection_logs/access.log": (0, 0),
        "connection_logs/access.log.1": (2, 0),
        "connection_logs/access.log.2.gz": (1, 0),
        "connection_logs/access.log-20250901": (1, 0),
        "connection_logs/access.log-20250801.gz": (1, 0),
        "connection_logs/access_log": (1, 0),
        "connection_logs/other_vhosts_access.log": (1, 0),
        "connection_logs/hosts.log": (2, 0),
    }
    assert [s["path"] for s in m["skipped_inputs"]] == ["connection_logs/error.log", "connection_logs/error.log.1.gz"]
    assert "10.0.0" not in (tmp_path / "out" / "findings.csv").read_text()


def test_error_logs_are_skipped_in_one_line_and_a_bad_share_is_said_per_file(tmp_path, capsys):
    logs = tmp_path / "x" / "connection_logs"
    write(logs / "access.log", [combined("10.0.0.1", "12/Sep/2025:10:00:00 +0000"), "junk", "junk", "junk"])
    for name in ["error.log", "error.log.1", "error.log.2", "error.log.3"]:
        write(logs / name, ["2025/09/12 11:22:47 [error] 1#1: *9 open() failed, client: 10.0.0.9"])
    assert main(["check", "--data", str(tmp_path / "x"), "--as-of", "2026-10-31", "--out", str(tmp_path / "out")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "skipped" in line] == [
        "skipped 4 file(s): connection_logs/error.log, connection_logs/error.log.1, connection_logs/error.log.2 and "
        "1 more (web-server error log, not access lines: not read; listed in manifest.json)"
    ]
    assert (
        "connection_logs/access.log: 3 of 4 lines (75%) not in a known web-server log format, left out "
        "(DQ-INVALID-VALUE)"
    ) in err
    assert not any("10.0.0" in line for line in err)


def test_one_day_past_the_deadline(tmp_path):
    logs = tmp_path / "x" / "connection_logs"
    write(logs / "access.log.1", [combined("10.0.0.1", "31/Oct/2025:12:00:00 +0100")])
    assert run(tmp_path, tmp_path / "x") == 0
    assert findings(tmp_path) == []  # 31 Oct 2025 + 1 year = as_of: not past yet
    assert (
        main(
            ["check", "--data", str(tmp_path / "x"), "--as-of", "2026-11-01", "--out", str(tmp_path / "out"), "--quiet"]
        )
        == 0
    )
    assert findings(tmp_path) == [("RET-CONNECTION-LOG-1Y", "2025-10", "1")]


def test_only_empty_logs_are_zero_rows(tmp_path):
    write(tmp_path / "x" / "connection_logs" / "access.log", [])
    assert run(tmp_path, tmp_path / "x") == 0
    assert [(i["path"], i["rows"]) for i in manifest(tmp_path)["inputs"]] == [("connection_logs/access.log", 0)]


def test_partly_unreadable_file_is_one_finding_per_file_with_its_count(tmp_path):
    logs = tmp_path / "x" / "connection_logs"
    path = logs / "access.log.1"
    write(path, [combined("10.0.0.1", "12/Sep/2025:10:00:00 +0000"), "garbage line", "more garbage"])
    # a line that is not UTF-8 and one longer than 64 KB: unparseable lines, counted, never fatal
    with open(path, "ab") as f:
        f.write(b'10.0.0.2 - - [12/Sep/2025:10:00:00 +0000] "GET /\xff\xfe HTTP/1.1" 200 5\n')
        f.write(b"x" * 70_000 + b"\n")
    write(logs / "access.log", [combined("10.0.0.3", "12/Sep/2025:11:00:00 +0000")])
    assert run(tmp_path, tmp_path / "x") == 0
    assert findings(tmp_path) == [
        ("DQ-INVALID-VALUE", "unparseable connection_logs/access.log.1", "4"),
        ("RET-CONNECTION-LOG-1Y", "2025-09", "2"),
    ]
    assert {i["path"]: i["unparsed"] for i in manifest(tmp_path)["inputs"]} == {
        "connection_logs/access.log": 0,
        "connection_logs/access.log.1": 4,
    }


def test_a_file_where_no_line_parses_stops_naming_file_line_and_formats(tmp_path, capsys):
    logs = tmp_path / "x" / "connection_logs"
    write(logs / "access.log", [combined("10.0.0.3", "12/Sep/2025:11:00:00 +0000")])
    write(logs / "access.log.1", ["", "ts=2025-09-12 ip=10.0.0.1 GET /", "ts=2025-09-12 ip=10.0.0.2 GET /"])
    assert run(tmp_path, tmp_path / "x") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "access.log.1: no line is in a known web-server log format (first bad line 2; tried Common, Combined" in err
    assert "log_format" in err and "10.0.0" not in err


def test_profile_states_the_format_as_apache_logformat_or_nginx_log_format(tmp_path):
    data = tmp_path / "x"
    # nginx: time first, then the client, then the request
    (data / "profiles").mkdir(parents=True)
    (data / "profiles" / "nginx_timefirst.yaml").write_text(
        "name: nginx_timefirst\ntable: connection_logs\nformat: clf\nmatch: ['weblogs/*']\n"
        "log_format: log_format timefirst '[$time_local] $remote_addr \"$request\" $status $body_bytes_sent';\n"
        "columns: {ts: time, ip: ip, event: request}\n"
        "timestamp_formats: {ts: ['%d/%b/%Y:%H:%M:%S %z']}\n",
        encoding="utf-8",
    )
    write(
        data / "weblogs" / "site.log",
        [
            '[12/Sep/2025:10:00:00 +0000] 10.0.0.1 "GET / HTTP/1.1" 200 5',
            '[12/Sep/2025:10:00:01 +0000] 10.0.0.2 "GET /a HTTP/1.1" 404 0',
        ],
    )
    assert run(tmp_path, data, "--profile", "connection_logs=nginx_timefirst") == 0
    assert findings(tmp_path) == [("RET-CONNECTION-LOG-1Y", "2025-09", "2")]


@pytest.mark.parametrize(
    "text, fields",
    [
        (
            'LogFormat "%v:%p %h %l %u %t \\"%r\\" %>s %O \\"%{Referer}i\\" \\"%{User-Agent}i\\"" vhost_combined',
            ["host", None, "ip", "ident", "user", "time", "request", "status", None, "referer", "user_agent"],
        ),
        ('%h %l %u %t "%r" %>s %b', ["ip", "ident", "user", "time", "request", "status", "bytes"]),
        (
            "log_format main '$host $remote_addr - $remote_user [$time_local] \"$request\" '\n"
            '                \'$status $body_bytes_sent "$http_referer" "$http_user_agent" $server_port\';',
            ["host", "ip", "user", "time", "request", "status", "bytes", "referer", "user_agent", None],
        ),
    ],
)
def test_format_strings_as_administrators_write_them(text, fields):
    assert list(compile_format(text).groups) == fields


def test_an_apache_logformat_reads_a_line_as_apache_writes_it():
    fmt = compile_format('LogFormat "%v %h %l %u %t \\"%r\\" %>s %b" vhost_common')
    line = 'shop.example 10.0.0.1 - ann [12/Sep/2025:10:00:00 +0200] "GET /a b HTTP/1.1" 200 512'
    got = (
        duckdb.connect()
        .execute(
            "SELECT regexp_extract($l, $r, ['host', 'ip', 'ident', 'user', 'time', 'request', 'status', 'b'])",
            {"l": line, "r": fmt.regex},
        )
        .fetchall()[0][0]
    )
    assert got == {
        "host": "shop.example",
        "ip": "10.0.0.1",
        "ident": "-",
        "user": "ann",
        "time": "12/Sep/2025:10:00:00 +0200",
        "request": "GET /a b HTTP/1.1",
        "status": "200",
        "b": "512",
    }


def test_a_format_without_client_or_time_is_refused_in_one_line(tmp_path, capsys):
    data = tmp_path / "x"
    (data / "profiles").mkdir(parents=True)
    (data / "profiles" / "bad.yaml").write_text(
        "name: bad\ntable: connection_logs\nformat: clf\nmatch: ['*.log']\nlog_format: '%h \"%r\" %>s'\n"
        "columns: {ts: time}\n",
        encoding="utf-8",
    )
    write(data / "a.log", [combined("10.0.0.1", "12/Sep/2025:10:00:00 +0000")])
    assert run(tmp_path, data, "--profile", "connection_logs=bad") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "log_format" in err and "no client address" in err


def test_a_stray_file_in_the_log_folder_says_what_would_work(tmp_path, capsys):
    logs = tmp_path / "x" / "connection_logs"
    write(logs / "access.log", [combined("10.0.0.1", "12/Sep/2025:10:00:00 +0000")])
    write(logs / "access.log.bak", ["x"])
    assert run(tmp_path, tmp_path / "x") == 2
    err = capsys.readouterr().err
    assert "access.log.bak: unknown table format" in err and "access.log.2.gz" in err and "--profile" in err


def test_the_documented_nginx_log_format_profile_reads_its_lines(tmp_path):
    text = (Path(__file__).resolve().parents[1] / "docs" / "profiles.md").read_text(encoding="utf-8")
    rest = text[text.index("## Worked example: a log format of your own") :]
    start = rest.index("```yaml\n") + len("```yaml\n")
    data = tmp_path / "x"
    (data / "profiles").mkdir(parents=True)
    (data / "profiles" / "nginx_upstream.yaml").write_text(rest[start : rest.index("```", start)], encoding="utf-8")
    write(
        data / "weblogs" / "access.log.1",
        [
            '10.0.0.1 [12/Sep/2025:10:00:00 +0200] "GET / HTTP/1.1" 200 612 0.004 127.0.0.1:8000',
            '10.0.0.2 [12/Sep/2025:10:00:01 +0200] "POST /login HTTP/1.1" 302 0 0.120 127.0.0.1:8000',
        ],
    )
    assert run(tmp_path, data, "--profile", "connection_logs=nginx_upstream") == 0
    assert findings(tmp_path) == [("RET-CONNECTION-LOG-1Y", "2025-09", "2")]
    assert [(i["path"], i["rows"], i["unparsed"]) for i in manifest(tmp_path)["inputs"]] == [
        ("weblogs/access.log.1", 2, 0)
    ]
