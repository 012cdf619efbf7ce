#!/usr/bin/env bash
# A case from referral to its first return-to-work milestone, over the JSON API with curl.
#
# Run it against `make run` (the demo's parties): `bash docs/api-walkthrough.sh`.
# BASE is the service's address; FLASK is how to run the flask CLI on the same database
# (it registers one API client per party; a partner system gets its client the same way).
# tests/api/test_walkthrough.py runs this very script against a live server.
set -euo pipefail

BASE=${BASE:-http://127.0.0.1:5000}
FLASK=${FLASK:-.venv/bin/flask --app wsgi}
PHYSICIAN_EMAIL=${PHYSICIAN_EMAIL:-physician@demo.test}
PHYSICIAN_PASSWORD=${PHYSICIAN_PASSWORD:-demo-pass-2026}
CLAIM=${CLAIM:-WC-$(date +%s)}
REDIRECT=http://127.0.0.1:8765/callback   # the physician's EHR callback (never contacted here)

day() { date -u -d "$1 days" +%F; }                       # an ISO date relative to today
json() { python3 -c 'import json,sys
value = json.load(sys.stdin)
for key in sys.argv[1:]:
    value = value[int(key)] if key.isdigit() else value[key]
print(value)' "$@"; }
step() { printf '\n== %s\n' "$*" >&2; }

# -- 1. one API client per party (secrets are shown once) -----------------------------------
client() {   # org role [extra create options...] -> "client_id client_secret"
  $FLASK clients create --org "$1" --role "$2" "${@:3}" | python3 -c \
    'import json,sys; c=json.load(sys.stdin); print(c["client_id"], c["client_secret"])'
}
read -r CLINIC_ID CLINIC_SECRET <<<"$(client northside-rehab case_manager)"
read -r THERAPY_ID THERAPY_SECRET <<<"$(client northside-rehab therapist)"
read -r EHR_ID EHR_SECRET <<<"$(client harbour-occmed physician --grant authorization_code --redirect-uri $REDIRECT)"
read -r INSURER_ID INSURER_SECRET <<<"$(client keystone-mutual insurer)"
read -r HR_ID HR_SECRET <<<"$(client acme-logistics employer)"
# the workers' app: of no organisation, it acts for whichever worker signs in (authorization code only)
read -r APP_ID APP_SECRET <<<"$($FLASK clients create --role worker --grant authorization_code \
  --redirect-uri $REDIRECT | python3 -c 'import json,sys; c=json.load(sys.stdin); print(c["client_id"], c["client_secret"])')"

# -- 2. tokens ----------------------------------------------------------------------------
step "client-credentials tokens for the clinic, the insurer and the employer"
token() {   # client_id secret scope -> access token
  curl -sf -u "$1:$2" -d grant_type=client_credentials --data-urlencode "scope=$3" "$BASE/oauth/token" \
    | json access_token
}
CM=$(token "$CLINIC_ID" "$CLINIC_SECRET" "cases:read cases:write authorizations:write")
PT=$(token "$THERAPY_ID" "$THERAPY_SECRET" "cases:read sessions:write reviews:write duty:write milestones:write")
INS=$(token "$INSURER_ID" "$INSURER_SECRET" "cases:read authorizations:write")
HR=$(token "$HR_ID" "$HR_SECRET" "cases:read duty:write milestones:write")

step "authorization code with PKCE: the physician signs in and approves the EHR"
JAR=$(mktemp); WORKER_JAR=$(mktemp); trap 'rm -f "$JAR" "$WORKER_JAR"' EXIT
csrf() { sed -n 's/.*name="csrf_token" type="hidden" value="\([^"]*\)".*/\1/p' | head -1; }
LOGIN_CSRF=$(curl -sf -c "$JAR" -b "$JAR" "$BASE/login" | csrf)
curl -sf -o /dev/null -c "$JAR" -b "$JAR" --data-urlencode "csrf_token=$LOGIN_CSRF" \
     --data-urlencode "email=$PHYSICIAN_EMAIL" --data-urlencode "password=$PHYSICIAN_PASSWORD" "$BASE/login"
code_token() {   # cookie jar, client_id, secret, scope -> the signed-in person's access token (PKCE S256)
  local verifier challenge authorize consent code
  verifier=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
  challenge=$(printf %s "$verifier" | openssl dgst -sha256 -binary | basenc --base64url | tr -d '=')
  authorize="$BASE/oauth/authorize?response_type=code&client_id=$2&state=walk&code_challenge=$challenge"
  authorize+="&code_challenge_method=S256&scope=${4// /%20}&redirect_uri=$REDIRECT"
  consent=$(curl -sf -c "$1" -b "$1" "$authorize" | csrf)
  code=$(curl -s -o /dev/null -w '%{redirect_url}' -c "$1" -b "$1" --data-urlencode "csrf_token=$consent" \
         -d decision=approve "$authorize" | sed -n 's/.*[?&]code=\([^&]*\).*/\1/p')
  curl -sf -u "$2:$3" -d grant_type=authorization_code -d "code=$code" \
       -d "redirect_uri=$REDIRECT" -d "code_verifier=$verifier" "$BASE/oauth/token" | json access_token
}
MD=$(code_token "$JAR" "$EHR_ID" "$EHR_SECRET" "cases:read clearances:write restrictions:write")

api() {   # METHOD path token [json body] -> the response body; on a non-2xx answer, shows the problem and stops
  local body=${4:-} answer
  if ! answer=$(curl -s --fail-with-body -X "$1" -H "Authorization: Bearer $3" -H "Content-Type: application/json" \
                     ${ETAG:+-H "If-Match: $ETAG"} ${body:+-d "$body"} "$BASE/api/v1$2"); then
    echo "$1 $2 failed: $answer" >&2; exit 1
  fi
  printf '%s\n' "$answer"
}
etag() {   # the case's current ETag, for If-Match on the next command
  curl -sfI -H "Authorization: Bearer $CM" "$BASE/api/v1/cases/$CASE" | tr -d '\r' | sed -n 's/^[Ee][Tt]ag: //p'
}

# -- 3. open a case -----------------------------------------------------------------------
step "who is who: /api/v1/me for each token"
CLINIC=$(api GET /me "$CM" | json org_id)
EMPLOYER=$(api GET /me "$HR" | json org_id)
INSURER=$(api GET /me "$INS" | json org_id)
PHYSICIAN=$(api GET /me "$MD" | json user_id)

step "the case manager opens the case (case manager: POST /cases)"
CASE=$(api POST /cases "$CM" "{
  \"claim_number\": \"$CLAIM\", \"worker_name\": \"Jordan Reyes\",
  \"date_of_injury\": \"$(day -150)\", \"referral_date\": \"$(day -20)\",
  \"clinic_id\": $CLINIC, \"employer_id\": $EMPLOYER, \"insurer_id\": $INSURER, \"physician_id\": $PHYSICIAN,
  \"diagnosis_code\": \"S39.012A\", \"diagnosis_text\": \"Strain of lower back muscle\",
  \"job_title\": \"Warehouse associate\", \"shift_hours\": 8,
  \"demands\": [{\"task\": \"lift_floor_to_waist\", \"amount\": 20, \"frequency\": \"occasional\"},
              {\"task\": \"carry\", \"amount\": 10, \"frequency\": \"frequent\"},
              {\"task\": \"stand\", \"amount\": 240, \"frequency\": \"constant\"}],
  \"rtw_goal\": \"Return to warehouse associate, full duty\", \"rtw_goal_agreed_by_employer\": true,
  \"rtw_goal_agreed_by_worker\": true, \"therapy_plateaued\": true,
  \"hours_per_day_available\": 4, \"days_per_week_available\": 5}" | json id)
echo "case $CASE"

# -- 4. clear it ----------------------------------------------------------------------------
step "the case manager invites the worker (no e-mail server here: the answer hands the link over); the worker
joins, and authorizes the workers' app"
LINK=$(ETAG=$(etag) api POST "/cases/$CASE/worker-invitations" "$CM" '{"email": "walk.worker@mail.example"}' \
  | json link)
JOIN_CSRF=$(curl -sf -c "$WORKER_JAR" -b "$WORKER_JAR" "$LINK" | csrf)
curl -sf -o /dev/null -c "$WORKER_JAR" -b "$WORKER_JAR" --data-urlencode "csrf_token=$JOIN_CSRF" \
     --data-urlencode "password=the worker's own password" --data-urlencode "confirm=the worker's own password" \
     "$LINK"
WK=$(code_token "$WORKER_JAR" "$APP_ID" "$APP_SECRET" "cases:read duty:write")
api GET /me "$WK" | json role

step "ask the physician for clearance, and the physician clears (If-Match: the case's ETag)"
ETAG=$(etag) api POST "/cases/$CASE/clearance-request" "$CM" >/dev/null
api GET /inbox "$MD" | python3 -c 'import json,sys
print([(i["kind"], i["due"]) for i in json.load(sys.stdin)["items"] if i["case_id"] == int(sys.argv[1])])' "$CASE"
ETAG=$(etag) api POST "/cases/$CASE/clearances" "$MD" \
  "{\"kind\": \"physician\", \"decided_on\": \"$(day -18)\"}" | json outcome

# -- 5. authorize ---------------------------------------------------------------------------
step "request the initial authorization; the insurer approves it"
AUTH=$(ETAG=$(etag) api POST "/cases/$CASE/authorizations" "$CM" \
  "{\"submitted_on\": \"$(day -17)\", \"start_date\": \"$(day -14)\"}" | json id)
ETAG=$(etag) api POST "/cases/$CASE/authorizations/$AUTH/decision" "$INS" \
  "{\"decision\": \"approve\", \"reason\": \"Meets the program criteria\", \"decided_on\": \"$(day -16)\"}" \
  | json decision

# -- 6. baseline, start, log a session --------------------------------------------------------
step "the therapist records the baseline, starts the program and logs the week's sessions"
ETAG=$(etag) api POST "/cases/$CASE/baseline" "$PT" "{\"measured_on\": \"$(day -15)\",
  \"capacities\": {\"lift_floor_to_waist\": 12, \"carry\": 6, \"stand\": 120}}" >/dev/null
ETAG=$(etag) api POST "/cases/$CASE/program-start" "$PT" "{\"start_on\": \"$(day -14)\"}" | json stage
for ago in 13 12 11 10; do   # four sessions in week 1: attendance counts in the review
  ETAG=$(etag) api POST "/cases/$CASE/sessions" "$PT" "{\"session_date\": \"$(day -$ago)\", \"minutes\": 180,
    \"rpe\": 13, \"pain\": 3, \"heart_rate\": 110, \"systolic\": 130, \"diastolic\": 80}" | json stopped
done

step "the physician (a signed-in user's token: restrictions carry a signature) sets work restrictions"
ETAG=$(etag) api POST "/cases/$CASE/restrictions" "$MD" "{\"issued_on\": \"$(day -14)\", \"max_hours_per_day\": 8,
  \"load_limits\": [{\"task\": \"carry\", \"frequency\": \"frequent\", \"max_kg\": 10}]}" | json version

# -- 7. review the week -------------------------------------------------------------------------
step "the therapist reviews week 1: the answer carries the recommendation and next week's targets"
ETAG=$(etag) api POST "/cases/$CASE/reviews" "$PT" "{\"week\": 1, \"reviewed_on\": \"$(day -8)\",
  \"capacities\": {\"lift_floor_to_waist\": 17, \"carry\": 9, \"stand\": 200},
  \"pain\": 3, \"rpe\": 13, \"fatigue\": 3, \"sessions_scheduled\": 4, \"hours_tolerated\": 4}" \
  | python3 -c 'import json,sys; review = json.load(sys.stdin)
print(review["recommendation"], review["policy"])
for t in review["result"]["targets"]: print("  %s: %s -> %s (%s)" % (t["task"], t["previous"], t["next"], t["reasons"][0]["text"]))'

# -- 8. offer duty ------------------------------------------------------------------------------
step "the employer offers modified duty (the answer lists conflicts); the therapist checks it; the worker accepts"
OFFER=$(ETAG=$(etag) api POST "/cases/$CASE/duty-offers" "$HR" "{\"sent_on\": \"$(day -7)\",
  \"start_date\": \"$(day -5)\", \"hours_per_day\": 4, \"schedule\": \"Mon-Fri 8-12\", \"location\": \"Dock 2\",
  \"wage\": 24.5, \"wage_period\": \"hourly\",
  \"tasks\": [{\"description\": \"Pick light orders\", \"task\": \"carry\", \"amount\": 8, \"frequency\": \"frequent\"}]}" \
  | json id)
ETAG=$(etag) api POST "/cases/$CASE/duty-offers/$OFFER/check" "$PT" \
  "{\"verdict\": \"fits\", \"checked_on\": \"$(day -7)\"}" | json status
ETAG=$(etag) api POST "/cases/$CASE/duty-offers/$OFFER/response" "$WK" \
  "{\"answer\": \"accept\", \"responded_on\": \"$(day -6)\"}" | json status

# -- 9. confirm a milestone -------------------------------------------------------------------------
step "the therapist starts the first return-to-work milestone; the employer confirms it"
MILESTONE=$(ETAG=$(etag) api POST "/cases/$CASE/milestones" "$PT" "{\"started_on\": \"$(day -5)\"}" | json id)
ETAG=$(etag) api POST "/cases/$CASE/milestones/$MILESTONE/confirmation" "$HR" \
  "{\"confirmed_on\": \"$(day -4)\"}" | json status

step "the timeline"
api GET "/cases/$CASE/timeline" "$CM" | python3 -c 'import json,sys
for event in json.load(sys.stdin)["items"]: print(event["at"][:19], event["kind"])'
api GET "/cases/$CASE" "$HR" | json stage
