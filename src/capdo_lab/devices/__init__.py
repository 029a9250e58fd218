"""Emulated network devices (Cisco IOS, Huawei VRP) for the lab and the tests.

A thin stateful layer on fakenos: each device keeps a running and a saved configuration,
has a configuration mode with sections, and answers over real SSH on a loopback port the
kernel chose::

    with DeviceLab([DeviceSpec("r1", "cisco_ios")], username="u", password="p") as lab:
        ConnectHandler(**lab.netmiko_params("r1")).send_command("show running-config")
"""

from capdo_lab.devices.lab import DeviceLab, write_overlay
from capdo_lab.devices.process import DeviceProcess, DeviceProcessError, specs_for_estate
from capdo_lab.devices.state import DeviceSpec

__all__ = [
    "DeviceLab",
    "DeviceProcess",
    "DeviceProcessError",
    "DeviceSpec",
    "specs_for_estate",
    "write_overlay",
]
