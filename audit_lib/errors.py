"""Named failures: each one is a problem the user must fix, and its message is one line."""


class AuditError(Exception):
    """Base of every failure the command line shows as one line (exit 2)."""


class PolicyError(AuditError):
    """The policy file is unreadable or invalid; the message names the key."""


class InputError(AuditError):
    """An extract is structurally unusable; the message names the file, column or row."""


class CheckError(AuditError):
    """A declared check is wrong or cannot run; the message names the check."""


class OutputError(AuditError):
    """The output folder cannot be written or replaced; the message names it."""
