"""Development settings: debug on, e-mail to the console, tasks run inline."""

from .base import *  # noqa: F403

DEBUG = True
INTERNAL_IPS = ["127.0.0.1"]
Q_CLUSTER["sync"] = True  # noqa: F405  - no worker needed to try the site
