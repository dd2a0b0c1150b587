"""The README stays true: every command is documented, and both set-up commands are shown."""

from pathlib import Path

from aggregator.cli.app import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    import aggregator.cli  # noqa: F401  registers the commands

    names = [c.name for c in app.registered_commands]
    assert set(names) >= {"run", "check", "templates", "status", "report", "demo"}
    names += [f"{g.name} {c.name}" for g in app.registered_groups
              for c in g.typer_instance.registered_commands]
    assert "units import" in names
    for name in names:
        assert f"aggregator {name}" in README, name


def test_readme_shows_the_two_commands():
    assert "make demo" in README and "make test" in README
