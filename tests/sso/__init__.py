"""Single sign-on through an OpenID Connect provider, tested against a real one."""
