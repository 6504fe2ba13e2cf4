"""One simulation, start to end: read the world, script it, place the operation in time, send
every phone's records on the clock with a live progress bar, then check the alerts.

The simulated clock maps onto `occurred_at`. A phone can't report the future (the ledger
refuses times past CLOCK_SKEW), so the replay is placed to end as the run ends: the operation
(its stages and seal deadline too) moves by whole days so that its last simulated hour falls
within the last day before the run's end, and every record's time moves with it. At --speed
500 the Banyuwangi operation, from the first convoy out of the KPU warehouse to the last box
back, replays in about half an hour.
"""

import json
import os
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kawal.simulation import check, preparation, script
from kawal.simulation.client import Clock, Fleet, Http, Outcome, enrol
from kawal.simulation.journeys import DAY
from kawal.simulation.phones import Phone

TOKEN_VARIABLE = "KAWAL_SIMULATE_TOKEN"


@dataclass(frozen=True)
class Options:
    url: str
    speed: float = 500
    seed: int = 2024
    faults: str = "realistic"
    region: str | None = None
    token: str | None = None  # one token for every phone and for reading the alerts
    report: Path | None = None  # where to write the check as JSON


def simulate(options: Options, console: Console) -> check.Verdict:
    """Run the whole simulation against `options.url`; the verdict says whether it passed."""
    if options.speed <= 0:
        raise preparation.NotReady("--speed must be above 0")
    token = options.token or os.environ.get(TOKEN_VARIABLE)
    operation = preparation.operation_for(options.region)
    world = preparation.read_world(operation, options.region)
    # With one plain token there are no enrolled phones, and a check-in needs one.
    plan = script.build(world, seed=options.seed, profile=options.faults, checkins=not token)
    run_takes = (plan.ends_at - plan.starts_at) / options.speed
    days = (timezone.now() + run_takes - plan.ends_at) // DAY
    preparation.retime(operation, days)
    http = Http(options.url)
    phones, reader = _phones(http, plan, token, operation.region_id, console)
    console.print(
        f"Replaying {operation.name} in {world.region}: {len(world.boxes):,} boxes, "
        f"{plan.events:,} custody events, {plan.checkins:,} check-ins and {plan.incidents:,} "
        f"incidents from {len(plan.devices):,} teams' phones, {len(plan.faults)} faults "
        f"({options.faults}), moved by {days:+,} days, in about "
        f"{run_takes.total_seconds() / 60:.0f} minutes."
    )
    outcome = _send(plan, Fleet(http, phones, days * DAY), options.speed, days * DAY, console)
    alerts, cut = check.read_alerts(http, reader, world.districts)
    verdict = check.judge(plan, alerts, outcome, cut)
    console.print(check.table(verdict))
    console.print(
        f"{outcome.count('accepted'):,} records accepted, {outcome.count('duplicate'):,} "
        f"duplicates, {outcome.count('rejected'):,} rejected; {verdict.lapsed} alerts lapsed "
        "or resolved as late records arrived."
    )
    console.print(check.summary(verdict))
    if options.report:
        options.report.write_text(json.dumps(verdict.as_dict(), indent=2, ensure_ascii=False))
    return verdict


def _phones(
    http: Http, plan: script.Script, token: str | None, regency: str, console: Console
) -> tuple[dict[str, Phone], str]:
    """Each team's phone, and the token to read alerts with: one plain token for all, or a
    phone enrolled for each team leader."""
    if token:
        return {post: Phone(token) for post in plan.devices}, token
    given = preparation.credentials(plan.devices, plan.region, regency)
    with console.status(f"Enrolling {len(set(given.codes.values())):,} phones…"):
        phones = enrol(http, given.codes)
    return {**phones, **{post: Phone(t) for post, t in given.tokens.items()}}, given.reader


def _send(plan: script.Script, phones: Fleet, speed: float, shift: timedelta,
          console: Console) -> Outcome:  # fmt: skip
    clock = Clock(plan.starts_at, speed)
    columns = (
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
        TextColumn("{task.fields[answers]}"), TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("", total=len(plan.sends), answers="")

        def tick(done: int) -> None:
            now = min(clock.now(), plan.ends_at) + shift
            o = phones.outcome
            progress.update(
                task, completed=done,
                description=f"{timezone.localtime(now):%a %d %b %H:%M} WIB",
                answers=f"{o.count('accepted'):,} accepted · {o.count('rejected'):,} rejected",
            )  # fmt: skip

        outcome = phones.run(plan, clock, tick)
        while clock.now() < plan.ends_at:
            tick(len(plan.sends))
            progress.refresh()
            time.sleep(min(max(clock.wall(plan.ends_at - clock.now()), 0), 0.5))
        tick(len(plan.sends))
    return outcome
