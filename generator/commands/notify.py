"""`trackboard notify`: send the published build's news to the work chat, each message exactly once per target."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..config.load import did_you_mean, load_config
from ..errors import TrackboardError
from ..notify import messages as msgs
from ..notify.delivery import Clock, Pacer, Sender, SystemClock, Target, environment, redact, shown_url
from ..notify.ledger import Ledger, locked

Echo = Callable[[str], None]


@dataclass
class TargetReport:
    name: str
    shown: str  # scheme://host at most
    sent: int = 0
    held: int = 0  # waiting for the end of quiet hours
    owed: int = 0  # not sent because the target failed
    error: str = ""
    notes: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = f"{self.name} ({self.shown}): sent {self.sent}"
        if self.held:
            text += f", {self.held} held for quiet hours"
        if self.error:
            text += f"; FAILED: {self.error}"
            if self.owed:
                text += f"; {self.owed} message(s) still owed, sent by a later run"
        return text + "".join(f"; {n}" for n in self.notes)


@dataclass
class NotifyResult:
    targets: list[TargetReport]

    @property
    def failed(self) -> list[TargetReport]:
        return [t for t in self.targets if t.error]


def load_phones(site: Path, config: dict[str, Any]) -> dict[str, str]:
    """Person id -> phone number, from the people dataset read by the project's own loader (for mentions)."""
    from ..inputs.datasets import load_one

    frame = load_one(site, "people", config["data"].get("people", {}))
    if frame is None or "phone" not in frame:
        return {}
    return {str(person): "".join(ch for ch in str(phone) if ch.isdigit())
            for person, phone in zip(frame["id"], frame["phone"]) if isinstance(phone, str) and phone.strip()}


def _targets(config: dict[str, Any]) -> list[Target]:
    targets = [Target.from_config(table) for table in config["notify"]]
    seen: set[str] = set()
    for target in targets:
        if target.name in seen:
            raise TrackboardError(f'notify target "{target.name}" is defined twice in site.toml: the ledger of '
                                  "what was sent is kept by name, so names must differ")
        seen.add(target.name)
    return targets


def _mask_phone(config: dict[str, Any], profile: str | None, target: Target) -> bool:
    from ..model import resolve_profile

    return bool(resolve_profile(config, target.profile or profile)["mask_phone"])


def notify(site: Path, out: Path | None = None, dry_run: bool = False, only: str | None = None,
           clock: Clock | None = None, environ: Mapping[str, str] | None = None,
           echo: Echo = print) -> NotifyResult:
    """Send every target what it is owed of the published build in `out` (default SITE/output)."""
    clock = clock or SystemClock()
    environ = environment() if environ is None else environ
    config, problems = load_config(site)
    fatal = [p for p in problems if p.fatal]
    if fatal:
        raise TrackboardError("site.toml has errors; nothing was sent", problems=fatal)
    targets = _targets(config)
    if not targets:
        echo("No [[notify]] targets in site.toml: nothing to send.")
        return NotifyResult([])
    for target in targets:
        if target.profile:
            _mask_phone(config, None, target)  # an unknown profile is an error before anything is sent
    published = msgs.Published(out or site / "output", config["site"]["locale"], config["site"]["base_url"])
    timezone = config["site"]["timezone"]
    reports = []
    if dry_run:
        for target in targets:
            reports.append(_dry_run(site, config, published, target, only, environ, echo))
        return NotifyResult(reports)
    with locked(site):
        ledger = Ledger(site)
        for target in targets:
            report = TargetReport(target.name, shown_url(target.url))
            reports.append(report)
            try:
                _send_target(site, config, published, target, only, environ, clock, ledger, timezone, report)
            except TrackboardError as exc:
                report.error = redact(exc.message, target.secrets(environ))
    return NotifyResult(reports)


def _unit_problem(published: msgs.Published, target: Target) -> str:
    if target.unit and target.unit not in published.unit_ids:
        return (f'unit "{target.unit}" is not in the published daily report;'
                + (did_you_mean(target.unit, published.unit_ids) or " see daily/<date>/units.csv"))
    return ""


def _owed(published: msgs.Published, target: Target, kinds: list[str], msg_target: msgs.Target,
          phones: dict[str, str] | None, ledger: Ledger | None) -> tuple[list[msgs.Message], list[str]]:
    notes: list[str] = []
    found = published.messages(kinds, msg_target, phones)
    if ledger is None:
        return found, notes
    owed = []
    for message in found:
        if ledger.sent(target.name, message.kind, message.id):
            continue
        if message.kind == "morning":
            last = ledger.last_id(target.name, "morning")
            if last is not None and last > message.id:
                notes.append(f"no morning notice for {message.id}: one for the later {last} was sent")
                continue
        owed.append(message)
    return owed, notes


def _kinds(target: Target, only: str | None) -> list[str]:
    return [k for k in target.send if only is None or k == only]


def _send_target(site: Path, config: dict[str, Any], published: msgs.Published, target: Target, only: str | None,
                 environ: Mapping[str, str], clock: Clock, ledger: Ledger, timezone: str,
                 report: TargetReport) -> None:
    problem = _unit_problem(published, target)
    if problem:
        raise TrackboardError(f'notify target "{target.name}": {problem}')
    kinds = _kinds(target, only)
    if not kinds:
        return
    sender = Sender(target, environ, clock)
    phones = load_phones(site, config) if sender.phone_mentions and "overdue" in kinds else None
    msg_target = msgs.Target(target.unit, _mask_phone(config, published.profile, target), sender.phone_mentions,
                             sender.attachment_support)
    owed, report.notes = _owed(published, target, kinds, msg_target, phones, ledger)
    pacer = Pacer(target.rate, target.rate_seconds, clock, ledger.times(target.name))
    for index, message in enumerate(owed):
        pacer.wait()
        if target.is_quiet(clock.now(), timezone):
            report.held = len(owed) - index
            until = target.quiet_until(clock.now(), timezone)
            report.notes.append(f"quiet hours until {until:%H:%M}: the rest waits for a later run")
            return
        outcome = sender.send(message)
        if not outcome.ok:
            report.owed = len(owed) - index
            tries = "1 try" if outcome.attempts == 1 else f"{outcome.attempts} tries"
            report.error = f"{message.kind} {message.id} not accepted after {tries}: {outcome.reason}"
            return
        ledger.record(target.name, message.kind, message.id, clock.now())
        pacer.sent()
        report.sent += 1


def _dry_run(site: Path, config: dict[str, Any], published: msgs.Published, target: Target, only: str | None,
             environ: Mapping[str, str], echo: Echo) -> TargetReport:
    """Print what would be sent to a target now (ignoring quiet hours and the ledger's pacing), send nothing."""
    report = TargetReport(target.name, shown_url(target.url))
    problem = _unit_problem(published, target)
    if problem:
        report.error = problem
        return report
    kinds = _kinds(target, only)
    phone_mentions = target.scheme in ("dingtalk",)
    attachments = True
    missing = [name for name in target.variables() if not environ.get(name)]
    if missing:
        report.notes.append(f"environment variable {', '.join(missing)} not set (needed to send)")
    phones = load_phones(site, config) if phone_mentions and "overdue" in kinds else None
    msg_target = msgs.Target(target.unit, _mask_phone(config, published.profile, target), phone_mentions,
                             attachments)
    ledger = Ledger(site)
    owed, notes = _owed(published, target, kinds, msg_target, phones, ledger)
    report.notes.extend(notes)
    for message in owed:
        echo(f"--- {target.name} · {message.kind} {message.id} ---")
        echo(message.title)
        echo(message.body)
        for path in message.attachments:
            echo(f"(attachment: {path.relative_to(published.out).as_posix()}, if the service takes files)")
        report.sent += 1
    return report
