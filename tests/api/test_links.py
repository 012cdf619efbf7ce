"""The OpenAPI links lead from a referral's answer to the calls on its case, and each one resolves."""

from coordinator.api.links import add_links


def _resolve(spec: dict, ref: str) -> dict:
    path, method = ref.removeprefix("#/paths/").rsplit("/", 1)
    return spec["paths"][path.replace("~1", "/").replace("~0", "~")][method]


def test_a_referral_links_to_every_call_on_its_case_with_its_etag(client):
    spec = client.get("/api/v1/openapi.json").json
    links = spec["paths"]["/api/v1/cases"]["post"]["responses"]["201"]["links"]
    clearance = links["post_cases_case_id_clearance-request"]
    assert clearance["parameters"] == {"path.case_id": "$response.body#/id", "header.If-Match": "$response.header.ETag"}
    assert "header.If-Match" not in links["get_cases_case_id_timeline"]["parameters"]
    case_calls = {(p, m) for p, item in spec["paths"].items() if p.count("{") == 1 and "{case_id}" in p
                  for m in item if m in ("get", "post")}
    assert {(_ref.removeprefix("#/paths/").rsplit("/", 1)[0].replace("~1", "/"), _ref.rsplit("/", 1)[1])
            for _ref in (link["operationRef"] for link in links.values())} == case_calls


def test_a_page_of_records_links_to_the_calls_on_its_first_record(client):
    spec = client.get("/api/v1/openapi.json").json
    for link in spec["paths"]["/api/v1/cases/{case_id}/authorizations"]["get"]["responses"]["200"]["links"].values():
        operation = _resolve(spec, link["operationRef"])
        assert operation["responses"]
        assert link["parameters"] == {"path.case_id": "$request.path.case_id",
                                      "path.authorization_id": "$response.body#/items/0/id"}


def test_links_leave_answers_that_name_no_case_alone():
    paths = {"/api/v1/me": {"get": {"responses": {"200": {}}}}}
    add_links(paths)
    assert paths == {"/api/v1/me": {"get": {"responses": {"200": {}}}}}
