"""Where a lab keeps its files, sockets and interfaces, derived from its id and workdir."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from capdo_lab import netns, sshconfig
from capdo_lab.errors import LabError

SHORT_SOCKETS = Path("/run/capdo-lab")  # sockets go here when the workdir is too deep
GITIGNORE = "# capdo lab: per-run keys and state, never commit\n*\n"


@dataclass(frozen=True)
class LabLayout:
    lab_id: str
    workdir: Path

    @classmethod
    def of(cls, lab_id: str, workdir: Path) -> LabLayout:
        return cls(lab_id, Path(os.path.abspath(workdir)))

    @property
    def state_path(self) -> Path:
        return self.workdir / "lab.json"

    @property
    def gitignore(self) -> Path:
        return self.workdir / ".gitignore"

    @property
    def run_dir(self) -> Path:
        return self.workdir / "run"

    @property
    def hosts_dir(self) -> Path:
        return self.workdir / "hosts"

    def host_dir(self, name: str) -> Path:
        return self.hosts_dir / name

    def root(self, name: str) -> Path:
        return self.host_dir(name) / "root"

    @property
    def init_script(self) -> Path:
        return self.run_dir / "lab-init.sh"

    @property
    def ssh_config(self) -> Path:
        return self.run_dir / "ssh_config"

    @property
    def private_key(self) -> Path:
        return self.run_dir / "id_ed25519"

    @property
    def known_hosts(self) -> Path:
        return self.run_dir / "known_hosts"

    @property
    def socket_dir(self) -> Path:
        """The ssh control sockets' and apt relay socket's directory (short enough)."""
        if sshconfig.socket_dir_fits(self.run_dir / "cm"):
            return self.run_dir
        return SHORT_SOCKETS / self.lab_id

    @property
    def control_dir(self) -> Path:
        return self.socket_dir / "cm"

    @property
    def relay_socket(self) -> Path:
        return self.socket_dir / "apt.sock"

    @property
    def bridge(self) -> str:
        return netns.bridge_name(self.lab_id)

    def machine(self, name: str) -> str:
        """The systemd-nspawn machine name of a systemd host."""
        return f"capdo-{self.lab_id}-{name}"

    def check(self) -> None:
        text = str(self.workdir)
        if any(c in text for c in ':,%"\n!'):
            raise LabError("lab.error.bad-path", path=text)
        sshconfig.check_socket_dir(self.control_dir)

    def prepare(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        if not self.gitignore.exists():
            self.gitignore.write_text(GITIGNORE)
        for directory in (self.run_dir, self.socket_dir, self.control_dir, self.hosts_dir):
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            directory.chmod(0o700)
