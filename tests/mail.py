"""A real SMTP server for the tests (aiosmtpd on 127.0.0.1) that keeps every message it receives."""

import socket

import pytest


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp_server(app):
    """The app's SMTP server for the test: an Inbox of what was sent."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:   # aiosmtpd checks its own port at start: it needs a real one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port)
    try:
        yield inbox
    finally:
        app.config.update(SMTP_HOST="")
        controller.stop()
