"""The marshmallow schemas the API and the portals share: what a command takes (validated in the same words
for a JSON client and a form) and what a read gives, by the reader's view."""
