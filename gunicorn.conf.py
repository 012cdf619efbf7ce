"""gunicorn's settings for the web tier (read from the working directory; flags on the command line win)."""

# the longest request line gunicorn takes; the app refuses a path and query past MAX_URL_LENGTH (4,096)
# itself, with a problem in its own words, so gunicorn's bare HTML page only meets lines past this
limit_request_line = 8190
