"""Organisation and user commands print one JSON object and refuse bad input."""

import json


def test_orgs_create_prints_json_with_a_unique_slug(runner):
    first = runner.invoke(args=["orgs", "create", "--kind", "employer", "--name", "Acme Logistics"])
    second = runner.invoke(args=["orgs", "create", "--kind", "employer", "--name", "Acme Logistics"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert json.loads(first.output)["slug"] == "acme-logistics"
    assert json.loads(second.output)["slug"] == "acme-logistics-2"


def test_orgs_create_rejects_an_unknown_kind(runner):
    result = runner.invoke(args=["orgs", "create", "--kind", "bank", "--name", "X"])
    assert result.exit_code != 0 and "bank" in result.output


def test_users_create_requires_a_role_that_fits_the_org(runner):
    runner.invoke(args=["orgs", "create", "--kind", "insurer", "--name", "Keystone"])
    bad = runner.invoke(args=["users", "create", "--org", "keystone", "--role", "therapist",
                              "--email", "a@b.test"])
    assert bad.exit_code != 0 and "does not belong" in bad.output
    good = runner.invoke(args=["users", "create", "--org", "keystone", "--role", "insurer",
                               "--email", "Adj@Keystone.test"])
    assert good.exit_code == 0, good.output
    assert json.loads(good.output)["email"] == "adj@keystone.test"


def test_users_create_refuses_a_duplicate_email(runner):
    runner.invoke(args=["orgs", "create", "--kind", "insurer", "--name", "Keystone"])
    args = ["users", "create", "--org", "keystone", "--role", "insurer", "--email", "a@k.test"]
    assert runner.invoke(args=args).exit_code == 0
    again = runner.invoke(args=args)
    assert again.exit_code != 0 and "already exists" in again.output


def test_an_insurer_names_its_review_policy(runner):
    runner.invoke(args=["orgs", "create", "--kind", "insurer", "--name", "Keystone"])
    runner.invoke(args=["orgs", "create", "--kind", "employer", "--name", "Acme"])
    done = runner.invoke(args=["orgs", "review-policy", "--org", "keystone", "--policy", "utilization-review-ca"])
    assert done.exit_code == 0 and json.loads(done.output)["review_policy"] == "utilization-review-ca"
    employer = runner.invoke(args=["orgs", "review-policy", "--org", "acme", "--policy", "utilization-review-ca"])
    assert employer.exit_code != 0 and "not an insurer" in employer.output
    unknown = runner.invoke(args=["orgs", "review-policy", "--org", "keystone", "--policy", "lenient"])
    assert unknown.exit_code != 0 and "utilization-review-basic" in unknown.output
