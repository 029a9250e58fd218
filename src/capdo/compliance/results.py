"""Result records: one check of one requirement on one target, and JSONL files of them.

The JSON Schema in ``capdo/schemas/result-record.schema.json`` is generated from
:class:`ResultRecord` (see :func:`result_record_schema`); a test keeps it current.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, Final, Literal, get_args

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
)

from capdo.compliance.catalogue_model import RequirementId
from capdo.compliance.problems import LocatedProblem, Problem
from capdo.compliance.yaml_source import DataFileError, reader_problem
from capdo.safeio import ReadError, ReadProblem, atomic_open, read_jsonl

Status = Literal[
    "pass", "fail", "missing_evidence", "not_reviewed", "error", "waived", "not_applicable"
]
"""What a status means:

- ``pass`` / ``fail``: a deciding checker found the requirement met / not met (a finding);
- ``missing_evidence``: a documentary requirement without a valid document in the register;
- ``not_reviewed``: nobody decided it (no checker result, no document): an officer must review;
- ``error``: a checker ran and could not decide (unreachable, timeout, parse failure);
- ``waived``: set only by the evaluation from the waiver register;
- ``not_applicable``: decided by the catalogue and the model (or a registered checker's reason).
"""
STATUSES: Final[tuple[Status, ...]] = get_args(Status)

#: Statuses that keep a system from meeting its level.
FAILING: Final[frozenset[str]] = frozenset({"fail", "missing_evidence", "not_reviewed", "error"})

#: Order used to combine several results into one: the first present wins.
STATUS_PRECEDENCE: Final[tuple[Status, ...]] = (
    "fail",
    "error",
    "missing_evidence",
    "not_reviewed",
    "waived",
    "pass",
    "not_applicable",
)
_RANK: Final[dict[str, int]] = {s: i for i, s in enumerate(STATUS_PRECEDENCE)}

SCHEMA_ID = "https://capdo.invalid/schemas/result-record.schema.json"


def worst(a: Status, b: Status) -> Status:
    """The status that wins when two results for the same requirement and target combine."""
    return a if _RANK[a] <= _RANK[b] else b


class Evidence(BaseModel):
    """What the checker expected, what it saw, and a short detail (a message key or text)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    expected: JsonValue = None
    actual: JsonValue = None
    detail: str | None = None


def _legacy_status(value: object) -> object:
    """Older checkers wrote ``manual`` for "a person must decide": that is ``not_reviewed``."""
    return "not_reviewed" if value == "manual" else value


class ResultRecord(BaseModel):
    """One result: requirement × target, with evidence, checker, time and run id."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    requirement_id: RequirementId
    target: Annotated[str, Field(min_length=1)]
    target_kind: Literal["server", "network", "endpoint", "system"]
    status: Annotated[Status, BeforeValidator(_legacy_status)]
    evidence: Evidence = Evidence()
    checker: Annotated[str, Field(min_length=1)]
    time: AwareDatetime
    run_id: Annotated[str, Field(min_length=1)]
    waiver_id: str | None = None


def result_record_schema() -> dict[str, object]:
    schema = ResultRecord.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def write_results_jsonl(path: Path, records: Iterable[ResultRecord]) -> int:
    """Write one JSON object per line, atomically; returns the number of records."""
    count = 0
    with atomic_open(path) as out:
        for record in records:
            out.write(record.model_dump_json(exclude_none=True))
            out.write("\n")
            count += 1
    return count


def iter_results_jsonl(path: Path) -> Iterator[ResultRecord | LocatedProblem]:
    """Each line as a record, or a located problem for a line that is not a valid record
    (not UTF-8, not JSON, a key twice, too deep or long, not a record); raises
    :class:`DataFileError` when the file cannot be read at all (missing, FIFO, device)."""
    name = str(path)
    try:
        lines = read_jsonl(path)
        for item in lines:
            if isinstance(item, ReadProblem):
                yield reader_problem(item, name)
                continue
            try:
                yield ResultRecord.model_validate(item.value)
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    where = ".".join(str(p) for p in err["loc"]) or "record"
                    problem = Problem(
                        (), "compliance.schema.invalid", {"where": where, "detail": err["msg"]}
                    )
                    yield LocatedProblem(name, item.line, 1, problem)
    except ReadError as error:
        raise DataFileError([reader_problem(error.problem, name)]) from None


def read_results_jsonl(path: Path) -> list[ResultRecord]:
    """All records of a JSONL file; raises :class:`DataFileError` listing every bad line."""
    records: list[ResultRecord] = []
    problems: list[LocatedProblem] = []
    for item in iter_results_jsonl(path):
        if isinstance(item, LocatedProblem):
            problems.append(item)
        else:
            records.append(item)
    if problems:
        raise DataFileError(problems)
    return records
