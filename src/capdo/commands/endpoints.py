"""``capdo endpoints render | probe | check`` (video-conference endpoints)."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from capdo.commands._options import (
    FormatOption,
    InventoryOption,
    LangOption,
    OutputFormat,
    UsageError,
    parse_lang,
    resolve_inventory_dir,
)
from capdo.compliance import Status, write_results_jsonl
from capdo.endpoints import (
    DEFAULT_OUT,
    Planner,
    ProbeFacts,
    ProbeSettings,
    check_estate,
    probe_plans,
    render_all,
    select,
    write_tree,
)
from capdo.errors import CapdoError
from capdo.i18n import Lang, t
from capdo.inventory import Inventory, load_estate
from capdo.secrets import mask

app = typer.Typer(
    name="endpoints",
    help="Điểm cầu truyền hình: tạo tệp cấp phát, thăm dò, kiểm tra (video-conference "
    "endpoints: render provisioning files, probe, check).",
    no_args_is_help=True,
)

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_ON: dict[str, set[Status]] = {"fail": {"fail"}, "error": {"fail", "error"}, "never": set()}

LimitOption = Annotated[
    str | None,
    typer.Option("--limit", "-l", help="Endpoint names or shell patterns, comma-separated."),
]
TimeoutOption = Annotated[float, typer.Option("--timeout", help="Seconds per probe.")]
ConcurrencyOption = Annotated[
    int, typer.Option("--concurrency", min=1, help="Endpoints probed at once.")
]
CaOption = Annotated[
    Path | None,
    typer.Option(
        "--ca",
        help="CA certificate (PEM) the endpoints' HTTPS certificates must chain to before "
        "credentials are sent (default: the estate's endpoint_ca).",
    ),
]
InsecureOption = Annotated[
    bool,
    typer.Option(
        "--insecure",
        help="Send credentials even to endpoints whose certificate does not verify "
        "(recorded in every result record).",
    ),
]


def _settings(
    timeout: float, concurrency: int, ca: Path | None, insecure: bool, lang: Lang
) -> ProbeSettings:
    if ca is not None and not ca.is_file():
        raise _fail(t("endpoints.error.ca-missing", lang, path=ca))
    return ProbeSettings(
        timeout, concurrency, str(ca) if ca is not None else None, insecure=insecure
    )


def _fail(message: str) -> typer.Exit:
    typer.echo(f"capdo: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _load(inventory: Path | None, lang: Lang) -> tuple[Path, Inventory]:
    try:
        root = resolve_inventory_dir(inventory)
    except UsageError as error:
        raise _fail(str(error)) from None
    result = load_estate(root)
    if result.inventory is None or not result.ok:
        raise _fail(t("endpoints.error.inventory", lang, path=root))
    return root, result.inventory


def _tracked_by_git(path: Path) -> bool:
    """True when ``path`` lies in a git work tree and git would not ignore it."""
    probe = path if path.exists() else path.parent
    while not probe.exists():
        probe = probe.parent
    try:
        inside = subprocess.run(
            ["git", "-C", str(probe), "rev-parse", "--is-inside-work-tree"],
            capture_output=True,
            text=True,
            timeout=10,
        )
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return False
        ignored = subprocess.run(
            ["git", "-C", str(probe), "check-ignore", "-q", str(path.resolve() / "x.cfg")],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return ignored.returncode != 0


@app.command()
def render(
    inventory: InventoryOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Provisioning tree.")] = DEFAULT_OUT,
    limit: LimitOption = None,
    show: Annotated[
        str | None, typer.Option("--show", help="Print one endpoint's files (password masked).")
    ] = None,
    output: FormatOption = OutputFormat.text,
    lang: LangOption = "vi",
) -> None:
    """Tạo tệp cấp phát theo MAC cho từng điểm cầu (render per-MAC provisioning files)."""
    language = parse_lang(lang)
    root, inv = _load(inventory, language)
    planner = Planner(inv, root)
    try:
        plans = select(planner, show or limit)
        rendered, skipped = render_all(planner, plans)
    except CapdoError as exc:  # SecretError too
        if exc.handled_apart:  # caught where it is raised, as before
            raise
        raise _fail(exc.message(language)) from None
    if skipped:
        typer.echo(
            t(
                "endpoints.warning.unsupported-vendor",
                language,
                count=len(skipped),
                names=", ".join(skipped[:10]) + (" ..." if len(skipped) > 10 else ""),
            ),
            err=True,
        )
    if show:
        for item in rendered:
            for file in item.files:
                typer.echo(f"# {file.relpath}")
                typer.echo(mask(file.text, list(item.secrets)))
        raise typer.Exit(EXIT_OK)
    if _tracked_by_git(out):
        raise _fail(t("endpoints.error.inside-repo", language, path=out))
    try:
        write_tree(out, rendered)
    except OSError as exc:
        raise _fail(t("endpoints.error.output", language, path=out, detail=exc.strerror)) from None
    if output is OutputFormat.json:
        payload = {"out": str(out), "endpoints": len(rendered), "unsupported": skipped}
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    typer.echo(t("endpoints.render.done", language, count=len(rendered), path=out))


def _facts_json(fact: ProbeFacts) -> dict[str, object]:
    product = fact.product
    return {
        "name": fact.name,
        "host": fact.host,
        "reachable": fact.reachable,
        "sip": {
            k: {"port": f.port, "status": f.status, "product": f.product, "error": f.error}
            for k, f in fact.sip.items()
        },
        "product": {"vendor": product.vendor, "model": product.model, "firmware": product.firmware},
        "https": {
            "port": fact.mgmt_tls.port,
            "tls": fact.mgmt_tls.version,
            "not_after": fact.mgmt_tls.not_after,
            "error": fact.mgmt_tls.error,
            "verified": fact.tls_verified,
        },
        "insecure": fact.insecure,
        "open": fact.open_ports,
        "legacy_tls_accepted": fact.legacy_tls,
        "snmp_default_communities": list(fact.snmp_communities),
        "default_login": fact.default_login.status if fact.default_login else None,
        "config": "read" if fact.config is not None else fact.config_error,
    }


@app.command()
def probe(
    inventory: InventoryOption = None,
    limit: LimitOption = None,
    timeout: TimeoutOption = 3.0,
    concurrency: ConcurrencyOption = 128,
    output: FormatOption = OutputFormat.text,
    ca: CaOption = None,
    insecure: InsecureOption = False,
    lang: LangOption = "vi",
) -> None:
    """Thăm dò SIP (UDP/TCP/TLS), HTTPS quản trị và cổng không an toàn (probe endpoints)."""
    language = parse_lang(lang)
    root, inv = _load(inventory, language)
    planner = Planner(inv, root)
    warnings: list[tuple[str, dict[str, object]]] = []
    settings = _settings(timeout, concurrency, ca, insecure, language)
    try:
        plans = select(planner, limit)
        facts = probe_plans(planner, plans, settings, warnings)
    except CapdoError as exc:
        if exc.handled_apart:  # caught where it is raised, as before
            raise
        raise _fail(exc.message(language)) from None
    for key, params in warnings:
        typer.echo(t(key, language, **params), err=True)
    if output is OutputFormat.json:
        typer.echo(json.dumps([_facts_json(f) for f in facts], ensure_ascii=False, indent=2))
        return
    console = Console(highlight=False, soft_wrap=True)
    for fact in facts:
        sip = " ".join(f"{k}={f.status or f.error}" for k, f in fact.sip.items())
        product = fact.product
        state = "" if fact.reachable else f" [{t('endpoints.probe.unreachable', language)}]"
        console.print(
            f"{fact.name} {fact.host}{state}: {sip}; "
            f"https={fact.mgmt_tls.version or fact.mgmt_tls.error}; "
            f"{product.vendor or '?'} {product.model or '?'} {product.firmware or '?'}; "
            f"open={[k for k, v in fact.open_ports.items() if v]}; "
            f"tls1.0/1.1={fact.legacy_tls}; snmp-default={list(fact.snmp_communities)}",
            markup=False,
        )


@app.command()
def check(
    inventory: InventoryOption = None,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Result records (JSONL).")] = None,
    limit: LimitOption = None,
    fail_on: Annotated[str, typer.Option("--fail-on", help="fail | error | never.")] = "fail",
    timeout: TimeoutOption = 3.0,
    concurrency: ConcurrencyOption = 128,
    output: FormatOption = OutputFormat.text,
    ca: CaOption = None,
    insecure: InsecureOption = False,
    lang: LangOption = "vi",
) -> None:
    """Kiểm tra điểm cầu theo cấp độ của hệ thống, ghi kết quả (check endpoints at their level)."""
    language = parse_lang(lang)
    if fail_on not in FAIL_ON:
        raise _fail(t("endpoints.error.fail-on", language, allowed=", ".join(FAIL_ON)))
    root, inv = _load(inventory, language)
    try:
        settings = _settings(timeout, concurrency, ca, insecure, language)
        outcome = check_estate(inv, root, limit=limit, settings=settings)
    except CapdoError as exc:
        if exc.handled_apart:  # caught where it is raised, as before
            raise
        raise _fail(exc.message(language)) from None
    for key, params in outcome.warnings:
        typer.echo(t(key, language, **params), err=True)
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            count = write_results_jsonl(out, outcome.records)
        except OSError as exc:
            raise _fail(
                t("endpoints.error.output", language, path=out, detail=exc.strerror)
            ) from None
        typer.echo(t("endpoints.check.written", language, count=count, path=out), err=True)
    counts = Counter(r.status for r in outcome.records)
    if output is OutputFormat.json:
        typer.echo(
            json.dumps(
                [r.model_dump(mode="json", exclude_none=True) for r in outcome.records],
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        console = Console(highlight=False, soft_wrap=True)
        for record in outcome.records:
            if record.status == "pass":
                continue
            detail = t(record.evidence.detail, language) if record.evidence.detail else ""
            console.print(
                f"{record.status:5} {record.requirement_id} {record.target}: {detail}", markup=False
            )
        console.print(
            t(
                "endpoints.check.summary",
                language,
                endpoints=len(outcome.plans),
                records=len(outcome.records),
                passed=counts["pass"],
                failed=counts["fail"],
                errors=counts["error"],
                other=len(outcome.records) - counts["pass"] - counts["fail"] - counts["error"],
                run_id=outcome.run_id,
            ),
            markup=False,
        )
    hit = any(counts[s] for s in FAIL_ON[fail_on])
    raise typer.Exit(EXIT_FINDINGS if hit else EXIT_OK)
