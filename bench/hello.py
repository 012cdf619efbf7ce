"""The baseline of the throughput runs: a bare Flask hello-world, served by the same gunicorn settings."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    """The smallest page Flask can serve."""
    return "hello"
