#!/usr/bin/env python3
"""Tutorflow's two developer commands, runnable with nothing but Python 3.11+.

    python3 dev.py run    # virtualenv, dependencies, migrate, demo data, then the dev server
    python3 dev.py test   # virtualenv, dependencies, then the whole pytest suite

This file runs before the virtualenv exists, so it uses only the standard library.
Dependencies come from requirements.lock, installed with `pip install --require-hashes`,
and only when the lock changed since the last install (its SHA-256 is kept in .venv/).
Variables in a `.env` file next to this one are loaded for both commands; variables already
set in the environment win.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
LOCK_STAMP = VENV / "tutorflow-requirements.sha256"
DEV_SETTINGS = "tutorflow.settings.dev"
DEFAULT_ADDRPORT = "127.0.0.1:8000"
PYTEST_NO_TESTS = 5

USAGE = """usage: python3 dev.py COMMAND [ARGS...]

commands:
  run  [runserver args]  set up, migrate, load the demo data and start the site on
                         http://127.0.0.1:8000/ (args replace the address, e.g. 0.0.0.0:8000)
  test [pytest args]     set up and run the test suite (SQLite unless DATABASE_URL is set)
"""


def say(message: str) -> None:
    """One progress line, flushed so that it appears before a child process's output."""
    print(f"[dev.py] {message}", flush=True)  # noqa: T201 - this script talks to a person


def fail(message: str, code: int = 1) -> None:
    print(f"[dev.py] error: {message}", file=sys.stderr, flush=True)  # noqa: T201
    sys.exit(code)


def venv_python() -> Path:
    """The virtualenv's interpreter, on Windows and elsewhere."""
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def run(args: list, env: dict | None = None) -> int:
    """Run a command from the repository root and return its exit code."""
    return subprocess.call([str(a) for a in args], cwd=ROOT, env=env)  # noqa: S603


def check(args: list, env: dict | None = None, what: str = "") -> None:
    """Run a command and stop with a message when it fails."""
    code = run(args, env)
    if code != 0:
        fail(f"{what or ' '.join(map(str, args))} failed (exit code {code}).", code)


def ensure_venv() -> Path:
    """Create .venv with the running interpreter unless it already has a Python."""
    python = venv_python()
    if python.exists():
        return python
    say(f"creating the virtualenv in {VENV.name}/ with Python {sys.version.split()[0]}")
    code = run([sys.executable, "-m", "venv", VENV])
    if code != 0 or not python.exists():
        fail(
            "could not create the virtualenv. On Debian or Ubuntu install the venv module "
            "first (apt-get install python3-venv), then delete .venv/ and try again."
        )
    return python


def lock_digest() -> str:
    return hashlib.sha256(LOCK.read_bytes()).hexdigest()


def ensure_dependencies(python: Path) -> None:
    """Install requirements.lock when it changed since the last successful install."""
    if not LOCK.exists():
        fail(f"{LOCK.name} is missing.")
    digest = lock_digest()
    if LOCK_STAMP.exists() and LOCK_STAMP.read_text(encoding="utf-8").strip() == digest:
        say(f"dependencies are up to date with {LOCK.name}")
        return
    say(f"installing dependencies from {LOCK.name} (hash-checked)")
    check(
        [
            python,
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--require-hashes",
            "-r",
            LOCK,
        ],
        what="pip install",
    )
    LOCK_STAMP.write_text(digest + "\n", encoding="utf-8")


def load_dotenv(env: dict) -> dict:
    """Add KEY=VALUE lines of ./.env to `env` without overriding what is already set."""
    dotenv = ROOT / ".env"
    if not dotenv.exists():
        return env
    for raw in dotenv.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        env.setdefault(key, value)
    say("loaded variables from .env")
    return env


def prepare() -> tuple[Path, dict]:
    """What both commands share: Python check, virtualenv, dependencies, environment."""
    if sys.version_info < MIN_PYTHON:
        fail(f"Tutorflow needs Python {'.'.join(map(str, MIN_PYTHON))} or newer.")
    python = ensure_venv()
    ensure_dependencies(python)
    # SQLite files (the test database, uploads) live under var/; SQLite won't create it.
    (ROOT / "var" / "static").mkdir(parents=True, exist_ok=True)
    env = load_dotenv(dict(os.environ))
    env.setdefault("PYTHONUTF8", "1")
    return python, env


def database_label(env: dict) -> str:
    url = env.get("DATABASE_URL", "")
    if url:
        return f"{url.split('://', 1)[0]} (DATABASE_URL)"
    return "SQLite"


def command_run(args: list[str]) -> int:
    python, env = prepare()
    env["DJANGO_SETTINGS_MODULE"] = DEV_SETTINGS
    manage = ROOT / "manage.py"
    say(f"database: {database_label(env)}")
    check([python, manage, "migrate", "--noinput"], env, "migrate")
    check([python, manage, "seed_demo"], env, "seed_demo")
    addr = args or [DEFAULT_ADDRPORT]
    say(f"starting the development server on {addr[0]} (Ctrl+C stops it)")
    try:
        return run([python, manage, "runserver", *addr], env)
    except KeyboardInterrupt:
        return 0


def command_test(args: list[str]) -> int:
    python, env = prepare()
    # pytest.ini_options selects tutorflow.settings.test; a stray value must not win.
    env.pop("DJANGO_SETTINGS_MODULE", None)
    say(f"running the test suite on {database_label(env)}")
    if not any(
        a in ("-n", "--numprocesses") or a.startswith(("-n", "--numprocesses=")) for a in args
    ):
        # One worker per core (pytest-xdist): the suite runs twice in every CI.
        args = ["-n", "auto", *args]
    code = run([python, "-m", "pytest", *args], env)
    if code == PYTEST_NO_TESTS:
        say("pytest collected no tests: that is a failure, not a pass.")
    return code


COMMANDS = {"run": command_run, "test": command_test}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in COMMANDS:
        print(USAGE, file=sys.stderr)  # noqa: T201
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
