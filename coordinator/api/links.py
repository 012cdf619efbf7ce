"""OpenAPI links: which answer feeds which next call (a case's id and ETag, a new record's id), so a client
generator or a stateful tester can follow a case from referral onwards instead of guessing ids."""

import re

# the path parameter that names a record under a case, by the collection it lives in
CHILD_PARAMETER = {"authorizations": "authorization_id", "duty-offers": "offer_id", "milestones": "milestone_id",
                   "follow-ups": "follow_up_id"}
CASE_PATH = "/api/v1/cases/{case_id}"


def _pointer(path: str, method: str) -> str:
    """An operationRef: a JSON pointer into this document's paths."""
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _parameters(operation: dict, path_item: dict) -> set[str]:
    return {p["name"] for p in (*operation.get("parameters", ()), *path_item.get("parameters", ()))
            if isinstance(p, dict) and "name" in p}


def _path_parameters(path: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", path))


def _targets(paths: dict, wanted: set[str]):
    """Every operation whose path parameters are exactly `wanted`, with whether it takes If-Match."""
    for path, item in paths.items():
        if _path_parameters(path) != wanted:
            continue
        for method, operation in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method, "If-Match" in _parameters(operation, item)


def _links(paths: dict, wanted: set[str], values: dict[str, str], etag: bool) -> dict:
    """Links to every operation taking these path parameters, their values from this answer."""
    links = {}
    for path, method, takes_if_match in _targets(paths, wanted):
        parameters = {f"path.{name}": values[name] for name in wanted}
        if takes_if_match and etag:
            parameters["header.If-Match"] = "$response.header.ETag"
        name = (method + path.removeprefix("/api/v1").replace("/", "_").replace("{", "").replace("}", ""))
        links[name] = {"operationRef": _pointer(path, method), "parameters": parameters}
    return links


def add_links(paths: dict) -> None:
    """Attach links to the answers that name a case or a record under it (in place, before the spec is built).

    - a case's answer (the referral's 201, the case's 200): every call on that case, with its ETag;
    - a page of records (authorizations, offers, milestones, follow-ups): every call on its first record.

    A new record's 201 carries no links of its own: a stateful tester would take it for a place to start,
    with a random case id, where the referral's 201 is the one true start.
    """
    for path, item in paths.items():
        for method, operation in item.items():
            if method not in ("get", "post"):
                continue
            responses = operation.get("responses", {})
            if (path, method) in (("/api/v1/cases", "post"), (CASE_PATH, "get")):
                status = "201" if method == "post" else "200"
                responses[status]["links"] = _links(paths, {"case_id"}, {"case_id": "$response.body#/id"}, True)
                continue
            match = re.fullmatch(re.escape(CASE_PATH) + r"/([\w-]+)", path)
            child = CHILD_PARAMETER.get(match.group(1)) if match else None
            if child is None:
                continue
            if method == "get" and "200" in responses:
                responses["200"]["links"] = _links(paths, {"case_id", child}, {
                    "case_id": "$request.path.case_id", child: "$response.body#/items/0/id"}, False)
