"""The shipped SSG content, the rule mapping and the profile settings agree with each other."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from scap_testlib import CATALOGUE, CHECKS_SCAP, LAB_ESTATE

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.scap import content
from capdo.scap.arf import datastream_profiles, datastream_rules
from capdo.scap.errors import ScapError
from capdo.scap.mapping import load_mapping
from capdo.scap.profiles import load_settings


def test_every_mapped_rule_exists_in_the_shipped_content(debian12_ds: Path) -> None:
    rules = datastream_rules(debian12_ds)
    mapping = load_mapping(CHECKS_SCAP / "ssg-debian-anssi.yml")
    missing = sorted(r for r in mapping.rules if r not in rules)
    assert not missing, f"rule ids not in {debian12_ds.name}: {missing}"
    assert len(mapping.rules) >= 60


@pytest.mark.parametrize("regime", ["legacy", "new"])
def test_every_mapped_requirement_exists_in_the_catalogue(regime: str) -> None:
    catalogue = load_catalogue(CATALOGUE / f"{regime}.yml")
    known = {r.id for r in catalogue.requirements}
    mapping = load_mapping(CHECKS_SCAP / "ssg-debian-anssi.yml")
    missing = sorted(mapping.requirement_ids() - known)
    assert not missing, f"requirement ids not in {regime}.yml: {missing}"
    settings = load_settings(CHECKS_SCAP)
    assert settings.summary.requirement in known


def test_mapping_covers_the_requirement_families_of_the_issue() -> None:
    mapping = load_mapping(CHECKS_SCAP / "ssg-debian-anssi.yml")
    of = {rule: set(m.requirements) for rule, m in mapping.rules.items()}
    assert {"SRV.02", "SRV.07"} <= of["sshd_disable_root_login"]
    assert "SRV.03" in of["accounts_password_pam_minlen"]
    assert "SRV.05" in of["accounts_passwords_pam_faillock_unlock_time"]
    assert "SRV.15" in of["audit_rules_privileged_commands_sudo"]


def test_profiles_and_walkers_exist_in_the_content(debian12_ds: Path) -> None:
    settings = load_settings(CHECKS_SCAP)
    profiles = datastream_profiles(debian12_ds)
    assert {settings.profile_for(level) for level in range(1, 6)} <= set(profiles)
    assert settings.profile_for(3) == "anssi_bp28_intermediary"
    assert settings.profile_for(5) == "anssi_bp28_high"
    rules = datastream_rules(debian12_ds)
    assert set(settings.filesystem_walkers) <= set(rules)


def test_estate_override_changes_one_level(tmp_path: Path) -> None:
    override = tmp_path / "policy" / "scap.yml"
    override.parent.mkdir(parents=True)
    override.write_text(yaml.safe_dump({"levels": {2: "anssi_bp28_intermediary"}}))
    settings = load_settings(CHECKS_SCAP, tmp_path)
    assert settings.profile_for(2) == "anssi_bp28_intermediary"
    assert settings.profile_for(1) == "anssi_bp28_minimal"
    assert load_settings(CHECKS_SCAP, LAB_ESTATE).profile_for(2) == "anssi_bp28_minimal"


def test_bad_estate_override_is_a_clear_error(tmp_path: Path) -> None:
    override = tmp_path / "policy" / "scap.yml"
    override.parent.mkdir(parents=True)
    override.write_text(yaml.safe_dump({"levels": {7: "x"}, "typo": 1}))
    with pytest.raises(ScapError) as info:
        load_settings(CHECKS_SCAP, tmp_path)
    assert info.value.key == "scap.error.config-invalid"
    assert "typo" in info.value.message("en")


def test_datastream_choice_and_no_match(ssg_content: Path) -> None:
    ds = content.datastream_for({"ID": "debian", "VERSION_ID": "12"}, ssg_content)
    assert ds.name == "ssg-debian12-ds.xml"
    assert content.datastream_for({"ID": "debian", "VERSION_ID": "11"}, ssg_content).is_file()
    with pytest.raises(ScapError) as info:
        content.datastream_for({"ID": "ubuntu", "VERSION_ID": "22.04"}, ssg_content)
    assert info.value.key == "scap.error.no-matching-content"
    assert "ubuntu 22.04" in info.value.message("en")
    assert "ssg-debian12-ds.xml" in info.value.message("vi")


def test_missing_content_dir_says_how_to_fetch(tmp_path: Path) -> None:
    with pytest.raises(ScapError) as info:
        content.datastream_for({"ID": "debian", "VERSION_ID": "12"}, tmp_path / "none")
    assert "capdo.scap.content fetch" in info.value.message("en")


def test_product_candidates() -> None:
    assert content.product_candidates("debian", "12") == ["debian12"]
    assert content.product_candidates("ubuntu", "22.04") == ["ubuntu2204", "ubuntu22"]
    assert "rhel9" in content.product_candidates("rocky", "9.3")
    assert content.parse_os_release('ID=debian\nVERSION_ID="12"\n# x\n') == {
        "ID": "debian",
        "VERSION_ID": "12",
    }


def test_fetch_is_idempotent(ssg_content: Path) -> None:
    report = content.fetch()
    assert report.cached
    assert report.commands == []
    assert report.content == ssg_content
    assert report.version.startswith("0.1.76")


def test_private_apt_sources_never_name_etc_apt() -> None:
    stanza = content.sources_stanza("http://deb.example.invalid/debian")
    assert "Suites: trixie" in stanza
    assert "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" in stanza


def _profile_rules(debian12_ds: Path, profile: str) -> set[str]:
    """Rule ids a profile of the shipped data stream selects (its own and inherited selects)."""
    import xml.etree.ElementTree as ET

    from capdo.scap.arf import RULE_PREFIX
    from capdo.scap.profiles import profile_idref

    xccdf = "{http://checklists.nist.gov/xccdf/1.2}"
    profiles = {p.get("id"): p for p in ET.parse(debian12_ds).getroot().iter(f"{xccdf}Profile")}
    selected: dict[str, bool] = {}
    chain = []
    current: str | None = profile_idref(profile)
    while current:
        chain.append(profiles[current])
        current = profiles[current].get("extends")
    for element in reversed(chain):
        for select in element.iter(f"{xccdf}select"):
            selected[select.get("idref", "")] = select.get("selected") == "true"
    return {r.removeprefix(RULE_PREFIX) for r, on in selected.items() if on}


def test_every_excluded_or_known_failing_rule_is_in_a_level_profile(debian12_ds: Path) -> None:
    """Each rule left out or left failing names a rule the levels' profiles really select,
    with a reason; a rule is either left out or counted, never both (outside environments)."""
    settings = load_settings(CHECKS_SCAP)
    in_profiles: set[str] = set()
    for level in range(1, 6):
        in_profiles |= _profile_rules(debian12_ds, settings.profile_for(level))
    named = set(settings.excluded) | set(settings.known_failures)
    for environment in settings.environments.values():
        named |= set(environment.excluded)
    assert named, "profiles.yml names no excluded or known-failing rule"
    assert sorted(named - in_profiles) == []
    assert not set(settings.excluded) & set(settings.known_failures)
    assert settings.environment is None  # production estates exclude no environment's rules


def test_lab_estate_leaves_out_what_namespace_hosts_cannot_do() -> None:
    base = load_settings(CHECKS_SCAP)
    lab = load_settings(CHECKS_SCAP, LAB_ESTATE)
    assert lab.environment == "namespace-lab-host"
    production = base.excluded_rules()
    in_lab = lab.excluded_rules()
    assert set(production) < set(in_lab)
    assert "partition_for_var_log_audit" in in_lab
    assert "partition_for_var_log_audit" not in production  # a real server is measured
    assert in_lab["sysctl_kernel_kptr_restrict"].startswith("namespace-lab-host: a kernel-wide")
    # network sysctls are per namespace: the lab host sets them and is measured
    assert "sysctl_net_ipv4_conf_all_rp_filter" not in in_lab
    assert set(base.filesystem_walkers) <= set(production)
    assert not set(base.filesystem_walkers) & set(base.excluded_rules(include_walkers=True))


def test_unknown_environment_is_a_clear_error(tmp_path: Path) -> None:
    override = tmp_path / "policy" / "scap.yml"
    override.parent.mkdir(parents=True)
    override.write_text(yaml.safe_dump({"environment": "container"}))
    with pytest.raises(ScapError) as info:
        load_settings(CHECKS_SCAP, tmp_path)
    assert "'container' is not defined" in info.value.message("en")


def test_baseline_sysctls_are_the_values_ssg_reads(debian12_ds: Path) -> None:
    """capdo_baseline writes each sysctl with the value the SSG rule's OVAL state expects."""
    import re
    import xml.etree.ElementTree as ET

    from tests.conftest import REPO

    defaults = yaml.safe_load((REPO / "roles/capdo_baseline/defaults/main.yml").read_text())
    wanted: dict[str, object] = defaults["capdo_baseline_sysctl"]
    oval = debian12_ds.with_name(debian12_ds.name.replace("-ds.xml", "-oval.xml"))
    states = {
        e.get("id"): e
        for e in ET.parse(oval).getroot().iter()
        if (e.get("id") or "").endswith("_runtime:ste:1")
    }
    profile = _profile_rules(debian12_ds, "anssi_bp28_intermediary")
    # every kernel-wide sysctl of the profile is a lab environment limit; network ones are not
    kernel_wide = {
        r for r in profile if r.startswith("sysctl_") and not r.startswith("sysctl_net_ipv")
    }
    in_lab = load_settings(CHECKS_SCAP, LAB_ESTATE).excluded_rules()
    assert kernel_wide <= set(in_lab)
    assert not {r for r in profile if r.startswith("sysctl_net_ipv")} & set(in_lab)
    for key, value in wanted.items():
        rule = "sysctl_" + key.replace(".", "_")
        assert rule in profile, rule
        state = states[f"oval:ssg-state_{rule}_runtime:ste:1"]
        expected = next(iter(state))
        if expected.text is None:  # an XCCDF value: checked by the scan with the profile's value
            continue
        if expected.get("operation") == "pattern match":
            assert re.fullmatch(expected.text, str(value)), (key, value, expected.text)
        else:
            assert str(value) == expected.text, (key, value, expected.text)


def test_every_tailored_value_id_exists_in_the_content(debian12_ds: Path) -> None:
    """A misspelt value id would leave ANSSI's value in force without a word."""
    import xml.etree.ElementTree as ET

    from capdo.scap.tailoring import VALUE_PREFIX

    xccdf = "{http://checklists.nist.gov/xccdf/1.2}"
    known = {
        str(v.get("id")).removeprefix(VALUE_PREFIX)
        for v in ET.parse(debian12_ds).getroot().iter(f"{xccdf}Value")
    }
    settings = load_settings(CHECKS_SCAP)
    assert "var_password_pam_unix_remember" in settings.values
    assert sorted(set(settings.values) - known) == []
    assert "var_password_pam_minlen_typo" not in known


def _oval_constant(debian12_ds: Path, variable_id: str) -> str:
    import xml.etree.ElementTree as ET

    oval = debian12_ds.with_name(debian12_ds.name.replace("-ds.xml", "-oval.xml"))
    for element in ET.parse(oval).getroot().iter():
        if element.get("id") == variable_id:
            return str(next(iter(element)).text)
    raise AssertionError(f"{variable_id} not in {oval.name}")


def _oval_pattern(debian12_ds: Path, object_id: str) -> str:
    import xml.etree.ElementTree as ET

    oval = debian12_ds.with_name(debian12_ds.name.replace("-ds.xml", "-oval.xml"))
    for element in ET.parse(oval).getroot().iter():
        if element.get("id") == object_id:
            pattern = next(c for c in element if c.tag.endswith("}pattern"))
            return str(pattern.text)
    raise AssertionError(f"{object_id} not in {oval.name}")


def _render(template: str, **variables: object) -> str:
    import jinja2

    from tests.conftest import REPO

    text = (REPO / "roles" / "capdo_accounts" / "templates" / template).read_text()
    return jinja2.Template(text).render(ansible_managed="managed", **variables)


def test_role_templates_are_in_the_forms_ssg_reads(debian12_ds: Path) -> None:
    """The cause of the SRV.04/05/08 conflicts, proven on the content: SSG 0.1.76's faillock
    rules want `auth required pam_faillock.so preauth` (the roles wrote `requisite`), and
    accounts_tmout wants `typeset -xr TMOUT=` or `declare -xr TMOUT=` (the roles wrote
    `TMOUT=…; readonly TMOUT; export TMOUT`). OVAL patterns are multi-line (OVAL's default)."""
    import re

    auth_form = _oval_constant(
        debian12_ds,
        "oval:ssg-var_accounts_passwords_pam_faillock_deny_pam_faillock_auth_regex:var:1",
    )
    account_form = _oval_constant(
        debian12_ds,
        "oval:ssg-var_accounts_passwords_pam_faillock_deny_pam_faillock_account_regex:var:1",
    )
    tmout_form = _oval_pattern(debian12_ds, "oval:ssg-object_etc_profiled_tmout:obj:1")

    auth = _render("common-auth.j2")
    assert len(re.findall(auth_form, auth, re.M)) == 1
    old_auth = auth.replace("auth\trequired\t\t\tpam_faillock.so preauth",
                            "auth\trequisite\t\t\tpam_faillock.so preauth")  # fmt: skip
    assert old_auth != auth
    assert re.findall(auth_form, old_auth, re.M) == []
    assert len(re.findall(account_form, _render("common-account.j2"), re.M)) == 1

    tmout = _render("tmout.sh.j2", _capdo_accounts_tmout_seconds=300)
    assert [int(v) for v in re.findall(tmout_form, tmout, re.M)] == [300]
    old_tmout = "TMOUT=300\nreadonly TMOUT\nexport TMOUT\n"
    assert re.findall(tmout_form, old_tmout, re.M) == []
