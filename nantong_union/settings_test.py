"""Settings for the test suite: the portal's settings with a fast password hasher.

PBKDF2 at a million iterations is what protects stored passwords in production, and it made a test
that creates a hundred logins take over a minute; tests only need passwords to round-trip (as
cookiecutter-django does)."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
