"""playbooks/packages.yml installs the packages of site.yml's roles in one apt run: its list must
name exactly what those roles install (a package a role adds would otherwise cost its own apt
run again, and a stale one would install something no role configures)."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
PLAYBOOKS = REPO / "playbooks"
# Named by packages.yml on a condition, as by their roles: AIDE at the levels that ask for it,
# init scripts where PID 1 is not systemd.
LEFT_TO_ROLES = {"aide", "orphan-sysvinit-scripts"}


def _site_roles() -> list[str]:
    roles: list[str] = []
    site = yaml.safe_load((PLAYBOOKS / "site.yml").read_text())
    for entry in site:
        for play in yaml.safe_load(
            (PLAYBOOKS / entry["ansible.builtin.import_playbook"]).read_text()
        ):
            roles += [r if isinstance(r, str) else r["role"] for r in play.get("roles", [])]
    return roles


def _installed_by(role: str) -> set[str]:
    names: set[str] = set()
    for path in (REPO / "roles" / role / "tasks").glob("*.yml"):
        for task in yaml.safe_load(path.read_text()) or []:
            apt = task.get("ansible.builtin.apt")
            if not apt or apt.get("state") != "present":
                continue
            wanted = apt["name"] if isinstance(apt["name"], list) else task["vars"]["_capdo_pkgs"]
            if isinstance(wanted, str):  # a Jinja expression: the quoted names of its lists
                lists = re.findall(r"\[([^\]]*)\]", wanted)
                wanted = re.findall(r"'([a-z0-9][a-z0-9.+-]+)'", " ".join(lists))
            names.update(wanted)
    return names


def test_the_site_package_list_is_what_the_roles_install() -> None:
    roles = _site_roles()
    assert "capdo_logging" in roles
    assert "capdo_antimalware" in roles
    from_roles = set().union(*(_installed_by(r) for r in roles))
    play = yaml.safe_load((PLAYBOOKS / "packages.yml").read_text())[0]
    listed = set(play["vars"]["capdo_site_packages"])
    assert listed == from_roles - LEFT_TO_ROLES, (
        f"add to playbooks/packages.yml: {sorted(from_roles - LEFT_TO_ROLES - listed)}; "
        f"no role installs: {sorted(listed - from_roles)}"
    )


def test_the_reader_finds_packages_in_both_forms() -> None:
    """Control: a list (capdo_accounts) and a Jinja expression (capdo_logging) are both read."""
    assert {"libpam-pwquality", "cracklib-runtime"} <= _installed_by("capdo_accounts")
    assert {"rsyslog", "orphan-sysvinit-scripts"} <= _installed_by("capdo_logging")


def test_conditional_packages_follow_their_roles_conditions() -> None:
    """AIDE comes with the one apt run where capdo_integrity would install it (DAT.03), and the
    init scripts where PID 1 is not systemd (a separate apt run each otherwise)."""
    play = yaml.safe_load((PLAYBOOKS / "packages.yml").read_text())[0]
    wanted = play["vars"]["_capdo_site_wanted"]
    integrity = (REPO / "roles" / "capdo_integrity" / "vars" / "main.yml").read_text()
    assert "'DAT.03' in capdo_requirements" in integrity
    assert re.search(r"\['aide'\] if .*'DAT\.03' in capdo_requirements", wanted)
    assert re.search(r"\['orphan-sysvinit-scripts'\] if .*!= 'systemd'", wanted)
