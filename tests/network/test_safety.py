"""Never lock the operator out, one operation per device, interrupted pushes: against the
emulated devices over real SSH."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from capdo.cli import app
from capdo.network import runner
from capdo.network.estate import NetworkEstate
from capdo.network.lock import DeviceLocked, device_lock
from capdo.network.platforms import platform_info
from capdo.network.render import Renderer
from capdo.network.safety import account_first
from capdo_lab.devices import DeviceLab, DeviceSpec

from .conftest import LAB_ESTATE, PASSWORD


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["network", *args, "-i", str(LAB_ESTATE), "--lang", "en"])
    return result.exit_code, result.output


def _jobs(estate: NetworkEstate, names: list[str]) -> dict[str, runner.Job]:
    devices = estate.select(names)
    intended = Renderer(estate.templates_dir).render_many(estate.context, devices).configs
    jobs, _ = runner.jobs_for(estate, devices, intended)
    return jobs


def test_push_that_would_shut_out_the_controller_is_refused(lab: DeviceLab) -> None:
    before = lab.running_config("lab-core01")
    # the controller seen from outside the management zone (198.18.0.0/27)
    code, out = run("push", "--commit", "-l", "lab-core01", "--controller-address", "192.0.2.7")
    assert code == 2, out
    assert "would shut out the controller itself, 192.0.2.7" in out
    assert "198.18.0.0/27" in out
    assert lab.running_config("lab-core01") == before  # nothing was sent
    # from inside the management zone the same push goes through
    code, out = run("push", "--commit", "-l", "lab-core01", "--controller-address", "198.18.0.9")
    assert code == 0, out
    assert "applied, saved and verified" in out
    assert "Pre-push backups kept in" in out


def test_lockout_check_reads_the_acl_in_order(estate: NetworkEstate) -> None:
    from ipaddress import IPv4Address

    from capdo.network.safety import lockout

    info = platform_info(estate.templates_dir, "cisco_ios")
    assert info is not None
    config = (
        "ip access-list extended M\n 10 deny ip host 198.18.0.5 any\n"
        " 20 permit tcp 198.18.0.0 0.0.0.31 any eq 22\nline vty 0 4\n access-class M in\n"
    )
    assert lockout(info, config, [IPv4Address("198.18.0.6")]) is None
    assert lockout(info, config, [IPv4Address("198.18.0.5")]) is not None  # denied first
    out = config.replace("access-class M in", "access-class M out")  # "out" guards nothing
    assert lockout(info, out, [IPv4Address("192.0.2.1")]) is None
    assert lockout(info, config, []) is not None  # unknown controller: refuse, never guess


def test_local_account_created_before_aaa() -> None:
    """A device that only had line passwords gets capdo's own account before aaa new-model."""
    seed = "hostname bare01\nline vty 0 4\n password 7 0822455D0A16\n login\n"
    spec = DeviceSpec("bare01", "cisco_ios", seed=seed)
    info = platform_info(LAB_ESTATE.parents[1] / "network" / "templates", "cisco_ios")
    assert info is not None
    lines = account_first(info, seed, ("aaa new-model",), "capdo", "pw-Zq9")
    assert lines == ("username capdo privilege 15 secret pw-Zq9",)
    assert account_first(info, seed, ("service pad",), "capdo", "pw") == ()
    with DeviceLab([spec], username="capdo", password=PASSWORD) as lab:
        from netmiko import ConnectHandler

        with ConnectHandler(**lab.netmiko_params("bare01")) as conn:  # type: ignore[arg-type]
            conn.enable()
            runner._send(conn, info, (*lines, "aaa new-model"))
        shown = lab.running_config("bare01")
    assert shown.index("username capdo privilege 15 secret") < shown.index("aaa new-model")


def test_second_push_is_refused_or_waits(estate: NetworkEstate, lab: DeviceLab) -> None:
    jobs = _jobs(estate, ["lab-xa-rtr01"])
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with device_lock("lab", "lab-xa-rtr01", "push"):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(5)
    try:
        refused = runner.run_jobs(estate, jobs, runner.push_work, 1, "push")["lab-xa-rtr01"]
        assert refused.error == "network.error.locked"
        assert "(push, since " in str(refused.params["holder"])
        backup = runner.run_jobs(estate, jobs, runner.backup_work, 1, "backup")["lab-xa-rtr01"]
        assert backup.error == "network.error.locked"  # a backup never interleaves either
        threading.Timer(0.5, release.set).start()
        waited = runner.run_jobs(estate, jobs, runner.backup_work, 1, "backup", wait=10)
        assert waited["lab-xa-rtr01"].status == "read"
    finally:
        release.set()
        holder.join()


def test_lock_says_who_holds_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CAPDO_LOCK_DIR", str(tmp_path))
    with (
        device_lock("e", "d1", "push"),
        pytest.raises(DeviceLocked) as caught,
        device_lock("e", "d1", "backup", wait=0.3),
    ):
        pass
    assert "push, since" in caught.value.holder
    with device_lock("e", "d1", "push"):  # released after use
        pass


def test_interrupted_push_rolls_back_and_keeps_backup(
    estate: NetworkEstate, lab: DeviceLab, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "lab-core01"
    original = lab.running_config(name)
    saved = lab.saved_config(name)
    calls = {"n": 0}
    real_send = runner._send

    def cut(conn: object, info: object, lines: tuple[str, ...]) -> None:
        calls["n"] += 1
        if calls["n"] == 1:  # the push: half of it goes through, then the session breaks
            real_send(conn, info, lines[: len(lines) // 2])  # type: ignore[arg-type]
            raise OSError("Socket is closed")
        real_send(conn, info, lines)  # type: ignore[arg-type]

    # Why a patch: a real session break cannot be timed from outside to fall half-way through
    # one push; the wrapper sends the first half of the real lines over the real netmiko session
    # to the emulated device, then breaks the session as a dropped link would.
    monkeypatch.setattr(runner, "_send", cut)
    jobs = _jobs(estate, [name])
    jobs[name].extra["backup_dir"] = tmp_path / "pre-push"
    outcome = runner.run_jobs(estate, jobs, runner.push_work, 1, "push")[name]
    assert outcome.status == "rolled-back", outcome
    assert outcome.error == "network.error.interrupted"
    info = platform_info(estate.templates_dir, "cisco_ios")
    assert info is not None
    from capdo.network.remediate import remediation

    assert remediation(info, lab.running_config(name), original).empty  # old config again
    assert lab.saved_config(name) == saved  # never saved half-way
    kept = (tmp_path / "pre-push" / f"{name}.cfg").read_text()
    assert "ip http server" in kept
    assert "fakehash" not in kept


def test_banner_typed_with_a_real_delimiter() -> None:
    """IOS takes the first character after the keyword as the delimiter: a literal "^C"
    would make "^" the delimiter and put a stray "C" in the banner."""
    assert runner.typed_banner("banner login ^C\nA 100% B\n^C") == "banner login #\nA 100% B\n#"
    assert runner.typed_banner("no banner login ^C\nA\n^C") == "no banner login"
