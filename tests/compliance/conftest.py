"""Fixtures of the compliance tests: the real catalogues and a small synthetic one."""

from __future__ import annotations

from pathlib import Path

import pytest

from capdo.compliance.catalogue_loader import load_catalogue
from capdo.compliance.catalogue_model import Catalogue

REPO = Path(__file__).resolve().parents[2]
CATALOGUE_DIR = REPO / "checks" / "catalogue"

MINI = """\
id: mini
regime: new
title: {vi: Danh mục thử, en: Test catalogue}
version: "1"
documents:
  - id: DOC
    title: {vi: Văn bản, en: Document}
levels:
  - {id: 1, title: {vi: Cấp 1, en: Level 1}, inherits_from: []}
  - {id: 2, title: {vi: Cấp 2, en: Level 2}, inherits_from: [1]}
  - {id: 3, title: {vi: Cấp 3, en: Level 3}, inherits_from: [2]}
  - {id: 4, title: {vi: Cấp 4, en: Level 4}, inherits_from: [3]}
parameters:
  min_len:
    title: {vi: Độ dài, en: Length}
    type: integer
    unit: characters
    stronger: higher
  review_months:
    title: {vi: Chu kỳ, en: Interval}
    type: integer
    unit: months
    stronger: lower
  zones:
    title: {vi: Vùng, en: Zones}
    type: string_list
    stronger: superset
traits:
  web_application:
    title: {vi: Có web, en: Has web}
scoring:
  group_weights: {server: 2.0, management: 1.0, network: 1.0}
  status_credit:
    {pass: 1.0, waived: 0.5, fail: 0.0, missing_evidence: 0.0, not_reviewed: 0.0, error: 0.0}
requirements:
  - id: SRV.01
    title: {vi: Mật khẩu, en: Passwords}
    group: server
    first_level: 1
    check: server
    confidence: secondary
    sources: [{ref: DOC 1, confidence: secondary}]
    parameters:
      1:
        min_len: {value: 8, source: DOC 1, confidence: secondary}
      3:
        min_len: {value: 12, source: DOC 3, confidence: legal_text}
  - id: SRV.02
    title: {vi: Nhật ký tập trung, en: Central logs}
    group: server
    first_level: 3
    check: server
    confidence: legal_text
    sources: [{ref: DOC 2, confidence: legal_text}]
  - id: GOV.01
    title: {vi: Chính sách, en: Policy}
    group: management
    first_level: 1
    check: manual
    confidence: legal_text
    sources: [{ref: DOC 4, confidence: legal_text}]
    parameters:
      1:
        review_months: {value: null, source: DOC 4, confidence: legal_text, note: not found}
      4:
        review_months: {value: 6, source: DOC 4, confidence: secondary}
    evidence_validity: review_months
    notes: Upload the signed policy.
  - id: NET.01
    title: {vi: WAF, en: WAF}
    group: network
    first_level: 2
    check: network
    confidence: legal_text
    sources: [{ref: DOC 5, confidence: legal_text}]
    applies_when: [web_application]
    parameters:
      2:
        zones: {value: [dmz, internal], source: DOC 5, confidence: legal_text}
  - id: GOV.02
    title: {vi: Chỉ tham khảo, en: Informative}
    group: management
    first_level: 1
    status: informative
    check: manual
    confidence: secondary
    sources: [{ref: DOC 6, confidence: secondary}]
    notes: Nothing to check.
  - id: GOV.03
    title: {vi: Hồ sơ, en: Dossier register}
    group: management
    first_level: 1
    check: inventory
    confidence: legal_text
    sources: [{ref: DOC 7, confidence: legal_text}]
"""


@pytest.fixture(scope="session")
def legacy() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR / "legacy.yml")


@pytest.fixture(scope="session")
def new() -> Catalogue:
    return load_catalogue(CATALOGUE_DIR / "new.yml")


@pytest.fixture
def mini_path(tmp_path: Path) -> Path:
    path = tmp_path / "mini.yml"
    path.write_text(MINI, encoding="utf-8")
    return path


@pytest.fixture
def mini(mini_path: Path) -> Catalogue:
    return load_catalogue(mini_path)
