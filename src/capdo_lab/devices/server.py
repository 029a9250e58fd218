"""An SSH server per emulated device, built on fakenos's TCP server and SSH interface.

fakenos's own shell answers from a fixed table and cannot hold configuration; this server
keeps fakenos's listener, host key, authentication and platform data (``show version``...)
and puts :class:`~capdo_lab.devices.shell.Shell` behind the channel. It reads what the client
sends in chunks (fakenos sleeps 10 ms per byte), echoes it like a terminal, and answers each
line with its output and the next prompt.
"""

from __future__ import annotations

import io
import socket
import threading
from functools import cache
from typing import Any

import paramiko
from fakenos.core.nos import Nos
from fakenos.core.servers import TCPServerBase
from fakenos.plugins.nos import nos_plugins
from fakenos.plugins.servers.ssh_server_paramiko import (
    DEFAULT_SSH_KEY,
    ParamikoSshServerInterface,
)

from capdo_lab.devices.fortios import FortiShell
from capdo_lab.devices.shell import Shell
from capdo_lab.devices.state import DeviceState

POLL_SECONDS = 0.5
GROUP_EXCHANGE = ["diffie-hellman-group-exchange-sha1", "diffie-hellman-group-exchange-sha256"]


@cache
def platform_data(fakenos_platform: str) -> Nos:
    """fakenos's data for one platform, parsed once per process (0.2–0.3 s each)."""
    return Nos(filename=nos_plugins[fakenos_platform])


@cache
def host_key() -> paramiko.RSAKey:
    return paramiko.RSAKey(file_obj=io.StringIO(DEFAULT_SSH_KEY))


def extra_answers(state: DeviceState) -> Any:
    nos = platform_data(state.syntax.fakenos_platform)

    def answer(command: str) -> str | None:
        data = nos.commands.get(command)
        if not data:
            return None
        output = data.get("output")
        if callable(output):
            try:
                output = output(
                    nos.device, base_prompt=state.hostname, current_prompt="", command=command
                )
            except Exception:  # fakenos's own renderers; a broken one is just no answer
                return None
            if isinstance(output, dict):
                output = output.get("output")
        if not isinstance(output, str) or output in ("None", "null"):
            return None
        return output.replace("{base_prompt}", state.hostname)

    return answer


class DeviceServer(TCPServerBase):  # type: ignore[misc]  # fakenos is untyped
    """Listens on 127.0.0.1:port (already bound by the caller) for one device."""

    def __init__(
        self,
        state: DeviceState,
        sock: socket.socket,
        username: str,
        password: str,
        enable_secret: str | None = None,
    ) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(address=host, port=port, timeout=POLL_SECONDS)
        self.state = state
        self.username = username
        self.password = password
        self.enable_secret = enable_secret
        self._socket = sock
        self._sessions: set[paramiko.Transport] = set()
        self._sessions_lock = threading.Lock()

    def _bind_sockets(self) -> None:
        """Bound already (without SO_REUSEPORT, so a taken port fails loudly); listen now,
        before start() returns, so that the first connection is never refused."""
        assert self._socket is not None
        self._socket.settimeout(POLL_SECONDS)
        self._socket.listen(16)

    def _close_active_connections(self) -> None:
        with self._sessions_lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.close()

    def connection_function(self, client: socket.socket, is_running: threading.Event) -> None:
        # paramiko offers group exchange as a server even with no moduli file, then fails the
        # handshake when a client picks it (netmiko's fortinet driver offers little else):
        # the emulation offers only the exchanges it can finish
        transport = paramiko.Transport(client, disabled_algorithms={"kex": GROUP_EXCHANGE})
        with self._sessions_lock:
            self._sessions.add(transport)
        try:
            transport.add_server_key(host_key())
            interface = ParamikoSshServerInterface(
                ssh_banner="capdo emulated device",
                username=self.username,
                password=self.password,
            )
            transport.start_server(server=interface)
            channel = transport.accept(timeout=10)
            if channel is None:
                return
            self._serve(channel, is_running)
        except (paramiko.SSHException, EOFError, OSError):
            pass  # a client that gave up (wrong password, closed early) ends its session only
        finally:
            transport.close()
            with self._sessions_lock:
                self._sessions.discard(transport)

    def _serve(self, channel: paramiko.Channel, is_running: threading.Event) -> None:
        shell: Shell | FortiShell = (
            FortiShell(self.state)
            if self.state.spec.platform == "fortinet"
            else Shell(self.state, extra_answers(self.state), self.enable_secret)
        )
        channel.settimeout(POLL_SECONDS)
        channel.sendall(b"\r\n" + shell.prompt.encode())
        line = ""
        after_cr = False
        while is_running.is_set() and channel.active:
            try:
                data = channel.recv(4096)
            except TimeoutError:
                continue
            if not data:
                return
            out: list[str] = []
            for char in data.decode("utf-8", errors="replace"):
                if char == "\n" and after_cr:
                    after_cr = False
                    continue
                after_cr = char == "\r"
                if char in "\r\n":
                    out.append("\r\n")
                    reply = shell.feed(line)
                    line = ""
                    if reply.output:
                        out.append(reply.output.replace("\n", "\r\n") + "\r\n")
                    if reply.close:
                        channel.sendall("".join(out).encode())
                        return
                    out.append(shell.prompt)
                elif char == "\x1a":
                    reply = shell.feed(shell.state.syntax.leave_config)
                    out.append("\r\n" + shell.prompt)
                elif char in "\x08\x7f":
                    line = line[:-1]
                else:
                    line += char
                    if shell.pending != "enable":
                        out.append(char)
            if out:
                channel.sendall("".join(out).encode())
