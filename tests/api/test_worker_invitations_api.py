"""The worker's invitation through the API: If-Match, the address checked, the link handed back only when no
e-mail server could carry it."""

from tests.services.journey import to_program


def test_the_api_invites_with_if_match_and_gives_the_link_only_when_it_could_not_mail_it(app, client, parties,
                                                                                         referral, bearer,
                                                                                         smtp_server):
    program_case = to_program(parties, referral)
    headers = bearer(parties.case_manager, "cases:read cases:write")
    version = client.get(f"/api/v1/cases/{program_case}", headers=headers).headers["ETag"]
    path = f"/api/v1/cases/{program_case}/worker-invitations"
    assert client.post(path, json={"email": "w@mail.example"}, headers=headers).status_code == 428
    bad = client.post(path, json={"email": "not an address"}, headers={**headers, "If-Match": version})
    assert bad.status_code == 422 and "email" in bad.json["errors"], bad.json
    sent = client.post(path, json={"email": "w@mail.example"}, headers={**headers, "If-Match": version})
    assert sent.status_code == 201 and sent.json["emailed"] is True and sent.json["link"] is None
    assert len(smtp_server.messages) == 1
    app.config.update(SMTP_HOST="")   # a deployment without e-mail: the link comes back to hand over
    again = client.post(path, json={"email": "w@mail.example"}, headers={**headers, "If-Match": sent.headers["ETag"]})
    assert again.status_code == 201 and again.json["emailed"] is False and "/invitations/" in again.json["link"]
    employer = bearer(parties.employer_user, "cases:read")
    assert client.post(path, json={"email": "w@mail.example"},
                       headers={**employer, "If-Match": again.headers["ETag"]}).status_code in (401, 403)
