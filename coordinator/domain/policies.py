"""What every decision carries: its reasons and the named, versioned policy it applied."""

from dataclasses import dataclass


@dataclass(frozen=True)
class PolicyRef:
    """Name, version and source of a policy, so each decision can say what it applied."""

    name: str
    version: str
    source: str = ""

    def __str__(self) -> str:
        return f"{self.name}@{self.version}"


@dataclass(frozen=True)
class Reason:
    """One reason for a decision: a stable `code` for machines and a sentence for people."""

    code: str
    text: str


def reason(code: str, text: str) -> Reason:
    """Build a Reason; a short alias used throughout the domain."""
    return Reason(code, text)
