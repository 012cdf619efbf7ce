"""Turn the domain's decision values into JSON stored beside the records they justify."""

from ..domain.policies import Reason


def reasons_json(reasons) -> list[dict]:
    """Reasons as [{'code', 'text'}] for JSON columns and API answers."""
    return [{"code": r.code, "text": r.text} for r in reasons if isinstance(r, Reason)]
