"""Errors the domain raises when a rule forbids a command or a value is invalid."""


class DomainError(Exception):
    """A command the rules forbid; `code` is stable for clients, `message` for people."""

    code = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidValue(DomainError):
    """A value no rule can accept (negative load, date before the injury, ...)."""

    code = "invalid_value"


class IllegalTransition(DomainError):
    """A stage change the case's state machine does not allow."""

    code = "illegal_transition"


class RuleViolation(DomainError):
    """A command that is well-formed but forbidden by a clinical or administrative rule."""

    code = "rule_violation"
