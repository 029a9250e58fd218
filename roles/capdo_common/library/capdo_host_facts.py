#!/usr/bin/python
"""Everything the capdo roles read from a host, in one remote run.

Each role used to ask its own question with a command of its own (is there an auth log? may
chronyd set the clock? which accounts hold a password? ...): a remote module run each, about
a dozen per host and run, even when nothing changes. This module answers all of them at once;
capdo_common gathers them before the first role of a run and the roles only read the facts.

No secret leaves the host: accounts are reported with their ageing fields, never their
password hashes (``getent shadow`` put every hash in the run's job events)."""

from __future__ import annotations

import os
import pwd
import re
import shutil
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.facts import ansible_collector, default_collectors

DOCUMENTATION = r"""
module: capdo_host_facts
short_description: The host facts the capdo roles read, gathered in one remote run
description:
  - Returns, as facts, C(service_mgr) and the addresses (from the collectors of
    M(ansible.builtin.setup)), C(packages) (dpkg's status file, the shape of
    M(ansible.builtin.package_facts)), and C(capdo_*) facts the roles decide on.
  - Read-only; runs in check mode.
options:
  gather:
    description: The parts to gather.
    type: list
    elements: str
    choices: [system, packages, accounts, session, services]
    default: [system, packages, accounts, session, services]
  services:
    description: Services whose state is reported in C(capdo_services) (part C(services)).
    type: list
    elements: str
    default: []
  admin:
    description: The account whose authorized keys are counted (part C(session)).
    type: str
    default: root
  status_file:
    description: dpkg's status file (part C(packages)).
    type: path
    default: /var/lib/dpkg/status
  shadow_file:
    description: The shadow password file (part C(accounts)).
    type: path
    default: /etc/shadow
author: capdo
"""

EXAMPLES = r"""
- name: Host facts the capdo roles read
  capdo_host_facts:
    services: [rsyslog, chrony]
    admin: "{{ ansible_user | default('root') }}"
"""

RETURN = r"""
ansible_facts:
  description: >-
    system: service_mgr, all_ipv4_addresses, all_ipv6_addresses, default_ipv4;
    packages: packages; accounts: capdo_password_accounts (name to min_days, max_days,
    inactive_days, for accounts whose password field holds a hash);
    session: capdo_ssh_client (address of this SSH session's client, or empty),
    capdo_admin_keys (public keys in the admin's authorized_keys), capdo_clock_writable,
    capdo_audit_kernel (auditctl -s succeeds; null while auditctl is not installed),
    capdo_auth_log (/var/log/auth.log exists);
    services: capdo_services (each of I(services) to C(enabled running), C(enabled stopped),
    C(disabled running) or C(disabled stopped)).
  type: dict
  returned: always
"""

PARTS = ("system", "packages", "accounts", "session", "services")
# Of setup's service_mgr and network facts, those the roles read. Ansible deep-copies every
# fact of a host for every task it runs there: the rest (interfaces and their details) would
# cost controller time on every task and be read by nobody.
SYSTEM_FACTS = ("service_mgr", "all_ipv4_addresses", "all_ipv6_addresses", "default_ipv4")
KEY_LINE = re.compile(r"^(ssh-|ecdsa-|sk-)")
# a unit or init script name; never an option of systemctl or service
SERVICE_NAME = re.compile(r"^[A-Za-z0-9_.@][A-Za-z0-9_.@-]*$")
SYSV_RUNLEVELS = ("S", "2", "3", "4", "5")  # nftables starts in S


def parse_status(text: str) -> dict[str, list[dict[str, str]]]:
    """Installed packages of a dpkg status file (paragraphs of ``Field: value`` lines)."""
    packages: dict[str, list[dict[str, str]]] = {}
    for paragraph in text.split("\n\n"):
        fields: dict[str, str] = {}
        for line in paragraph.splitlines():
            if line[:1] in (" ", "\t") or ":" not in line:
                continue  # continuation lines (descriptions, conffiles)
            key, _, value = line.partition(":")
            fields[key] = value.strip()
        if fields.get("Status") != "install ok installed" or "Package" not in fields:
            continue
        name = fields["Package"]
        packages.setdefault(name, []).append(
            {"name": name, "version": fields.get("Version", ""),
             "arch": fields.get("Architecture", ""), "source": "apt"}
        )  # fmt: skip
    return packages


def password_accounts(shadow_text: str) -> dict[str, dict[str, str]]:
    """Accounts whose password field holds a hash (``$...``), with their ageing fields only."""
    accounts: dict[str, dict[str, str]] = {}
    for line in shadow_text.splitlines():
        fields = line.split(":")
        if len(fields) < 8 or not fields[1].startswith("$"):
            continue
        accounts[fields[0]] = {
            "min_days": fields[3],
            "max_days": fields[4],
            "inactive_days": fields[6],
        }
    return accounts


def admin_keys(admin: str) -> int:
    """Public keys in the admin account's authorized_keys (0 without the account or file)."""
    try:
        home = pwd.getpwnam(admin).pw_dir
        with open(
            os.path.join(home, ".ssh", "authorized_keys"), encoding="utf-8", errors="replace"
        ) as handle:
            return sum(1 for line in handle if KEY_LINE.match(line))
    except (KeyError, OSError):
        return 0


def service_states(module: AnsibleModule, names: list[str], service_mgr: str) -> dict[str, str]:
    """Each service's state as "enabled running", "enabled stopped", "disabled running" or
    "disabled stopped". Conservative: a state that reads ambiguously counts as disabled or
    stopped, so the role's own service task runs and decides."""
    states = {}
    for name in names:
        if service_mgr == "systemd":
            enabled = module.run_command(["systemctl", "is-enabled", name])[1].strip() == "enabled"
            running = module.run_command(["systemctl", "is-active", name])[1].strip() == "active"
        else:
            links = (f"/etc/rc{level}.d" for level in SYSV_RUNLEVELS)
            enabled = any(
                entry.startswith("S") and entry[3:] == name
                for folder in links if os.path.isdir(folder) for entry in os.listdir(folder)
            )  # fmt: skip
            rc, out, err = module.run_command(
                [shutil.which("service") or "/usr/sbin/service", name, "status"]
            )
            said = (out + err).lower()
            running = rc == 0 and "not " not in said and "stop" not in said
        states[name] = (
            f"{'enabled' if enabled else 'disabled'} {'running' if running else 'stopped'}"
        )
    return states


def session_facts(module: AnsibleModule) -> dict[str, Any]:
    auditctl = shutil.which("auditctl") or next(
        (path for path in ("/usr/sbin/auditctl", "/sbin/auditctl") if os.access(path, os.X_OK)),
        None,
    )
    return {
        "capdo_ssh_client": os.environ.get("SSH_CONNECTION", "").split(" ")[0],
        "capdo_admin_keys": admin_keys(module.params["admin"]),
        # chronyd may set the clock only where the kernel's settings are writable
        "capdo_clock_writable": os.access("/proc/sys/kernel/hostname", os.W_OK),
        "capdo_audit_kernel": None
        if auditctl is None
        else module.run_command([auditctl, "-s"])[0] == 0,
        "capdo_auth_log": os.path.exists("/var/log/auth.log"),
    }


def read(module: AnsibleModule, path: str, what: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError as exc:
        module.fail_json(msg=f"cannot read {what} ({path}): {exc}")
        raise  # unreachable: fail_json exits


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "gather": {
                "type": "list",
                "elements": "str",
                "choices": list(PARTS),
                "default": list(PARTS),
            },
            "services": {"type": "list", "elements": "str", "default": []},
            "admin": {"type": "str", "default": "root"},
            "status_file": {"type": "path", "default": "/var/lib/dpkg/status"},
            "shadow_file": {"type": "path", "default": "/etc/shadow"},
        },
        supports_check_mode=True,
    )
    bad = [name for name in module.params["services"] if not SERVICE_NAME.match(name)]
    if bad:
        module.fail_json(msg=f"not a service name: {', '.join(map(repr, bad))}")
    gather = set(module.params["gather"])
    facts: dict[str, Any] = {}
    if "system" in gather or "services" in gather:
        collector = ansible_collector.get_ansible_collector(
            all_collector_classes=default_collectors.collectors,
            gather_subset=["!all", "!min", "service_mgr", "network"],
        )
        collected = collector.collect(module=module)
        facts.update({key: collected[key] for key in SYSTEM_FACTS if key in collected})
    if "packages" in gather:
        facts["packages"] = parse_status(
            read(module, module.params["status_file"], "dpkg's status file")
        )
    if "accounts" in gather:
        facts["capdo_password_accounts"] = password_accounts(
            read(module, module.params["shadow_file"], "the shadow file")
        )
    if "session" in gather:
        facts.update(session_facts(module))
    if "services" in gather:
        facts["capdo_services"] = service_states(
            module, module.params["services"], facts.get("service_mgr", "")
        )
    module.exit_json(changed=False, ansible_facts=facts)


if __name__ == "__main__":
    main()
