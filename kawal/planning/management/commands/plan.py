import json
from typing import IO, cast

from django.core.management.base import BaseCommand, CommandError, CommandParser
from rich.console import Console
from rich.table import Table

from kawal.operations.models import Operation
from kawal.personnel.models import Force
from kawal.planning import coverage, service
from kawal.territory.codes import lies_within
from kawal.territory.models import Region


class Command(BaseCommand):
    help = (
        "Print the deployment plan's coverage and shortfall. Plans the operation first if it "
        "has no current plan (or with --new)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument("--region", help="a region code inside the operation (default: all)")
        parser.add_argument("--operation", help="operation code (default: the newest)")
        parser.add_argument("--new", action="store_true", help="make a new draft plan first")

    def handle(
        self, *args: object, json: bool, region: str | None, operation: str | None, new: bool,
        **_: object,
    ) -> None:
        operations = Operation.objects.all()
        op = operations.filter(code=operation).first() if operation else operations.first()
        if op is None:
            raise CommandError(
                f"no operation {operation!r}" if operation else "no operation: run `kawal demo` first"
            )
        plan = service.current_plan(op)
        if plan is None or new:
            plan = service.make_plan(op, user=None)
        area = Region.objects.filter(code=region or op.region_id).first()
        if area is None:
            raise CommandError(f"--region: no region {region!r}")
        if not lies_within(area.code, op.region_id):
            raise CommandError(f"--region: {area.code} is outside operation {op.code}")
        result = coverage.coverage(plan, area, with_personnel=False, tps_codes=False)
        data = coverage.as_dict(result, with_personnel=False)
        if json:
            data.pop("posts")
            self.stdout.write(_json(data))
            return
        self._table(data)

    def _table(self, data: dict) -> None:
        # Django's OutputWrapper is a text stream (TextIOBase) without IO[str]'s declaration.
        console = Console(file=cast(IO[str], self.stdout), width=120)
        plan, region = data["plan"], data["region"]
        console.print(
            f"[bold]{data['operation']}[/] plan v{plan['version']} ({plan['status']}) · "
            f"{region['name']}: {region['tps_covered']:,}/{region['tps']:,} TPS covered by "
            f"{region['posts']:,} posts"
        )
        table = Table(show_footer=True, caption="assigned/required (missing)")
        table.add_column("district", footer="total", no_wrap=True)
        table.add_column("TPS", justify="right", footer=f"{region['tps_covered']}/{region['tps']}")
        for f in Force.values:
            table.add_column(f, justify="right", footer=_cell(region["forces"][f]))
        for d in data["districts"]:
            table.add_row(
                f"{d['code']} {d['name']}", f"{d['tps_covered']}/{d['tps']}",
                *(_cell(d["forces"][f]) for f in Force.values),
            )
        console.print(table)
        if data["shortfall"]:
            console.print(f"[red]{len(data['shortfall'])} posts short[/]:")
            for line in data["shortfall"]:
                missing = ", ".join(f"{n} {f}" for f, n in line["missing"].items())
                console.print(f"  {line['post']} {line['name']}: {missing}")
        else:
            console.print("[green]Every post meets its pattern.[/]")


def _cell(n: dict) -> str:
    short = f" [red](−{n['shortfall']})[/]" if n["shortfall"] else ""
    return f"{n['assigned']}/{n['required']}{short}"


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)
