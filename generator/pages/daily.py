"""The daily report for the morning follow-up meeting: one page per day, with its CSV files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..csvfiles import SharedLead, series_csv_bytes
from ..formats import Formatter
from ..i18n import Translator
from ..metrics import daily as daily_metrics
from ..metrics.kpis import UnitTree, daily_totals, person_kpis, prepare, unit_kpis
from ..metrics.manpower import FLOW_COLUMNS, day_flows
from ..output import Output
from ..parallel import forked_map
from ..posters import poster_days
from ..render import Page
from .context import Context, Pacing, Section
from .kpi_tables import person_columns, records, unit_columns
from .links import brief_href, person_href, unit_href
from .reading import day_top, month_calendar, trend_bars
from .tables import Col, Table, clean, row_dicts, table_files

# The manpower flows come last (joiners and leavers of the day and of the month to date, metrics/manpower.py):
# readers of the older columns keep their places.
UNITS_CSV = ["unit", "name", "parent", "level", "premium_day", "premium_mtd", "premium_ytd", "fyc_mtd", "cases_day",
             "cases_mtd", "active_mtd", "headcount", "target_month", "achievement_mtd", *FLOW_COLUMNS]
DAY_TOP = 10  # the day's best sellers shown
PEOPLE_CSV = ["person", "name", "unit", "premium_day", "premium_mtd", "premium_ytd", "fyc_mtd", "cases_mtd",
              "rank_in_unit", *FLOW_COLUMNS]


def report_dates(sales: pd.DataFrame, as_of: dt.date) -> list[dt.date]:
    """Every date with sales up to the as-of date, and the as-of date itself."""
    dates = {d.date() for d in sales["date"].dropna().unique() if d.date() <= as_of}
    dates.add(as_of)
    return sorted(dates)


# The leading columns of the daily CSV files that are the same every day: the ids and what the tree and the
# people file say of them (see kpis.unit_kpis and person_kpis), encoded once for a year of reports.
UNITS_LEAD, PEOPLE_LEAD = 4, 3


def _frame_columns(frame: pd.DataFrame, columns: list[str], more: pd.DataFrame | None = None) -> dict[str, pd.Series]:
    """The index of a KPI frame as the first column, then the named columns (of the frame, else of `more`, columns
    on the same index, else empty)."""
    if more is not None and not more.index.equals(frame.index):
        more = more.reindex(frame.index)
    empty = pd.Series([None] * len(frame), dtype=object)
    return {columns[0]: frame.index.to_series(), **{
        column: frame[column] if column in frame.columns else
        more[column] if more is not None and column in more.columns else empty for column in columns[1:]}}


@dataclass(frozen=True)
class Lead:
    """The leading columns of a daily CSV file (see UNITS_LEAD), encoded once, for frames on `index`."""

    index: pd.Index
    shared: SharedLead


def lead(frame: pd.DataFrame, columns: list[str], count: int) -> Lead:
    return Lead(frame.index, SharedLead(_frame_columns(frame, columns[:count])))


def _frame_csv(frame: pd.DataFrame, columns: list[str], more: pd.DataFrame | None, first: Lead | None,
               count: int) -> bytes:
    """A KPI frame as CSV: the index as the first column, then the named columns (see _frame_columns), raw
    values; its first `count` columns taken from `first` when made for the same index."""
    if first is None or not frame.index.equals(first.index):
        return series_csv_bytes(_frame_columns(frame, columns, more))
    return first.shared.csv_bytes(dict(list(_frame_columns(frame, columns, more).items())[count:]))


def units_csv(units: pd.DataFrame, flows: pd.DataFrame | None = None, first: Lead | None = None) -> bytes:
    return _frame_csv(units, UNITS_CSV, flows, first, UNITS_LEAD)


def people_csv(people: pd.DataFrame, flows: pd.DataFrame | None = None, first: Lead | None = None) -> bytes:
    return _frame_csv(people, PEOPLE_CSV, flows, first, PEOPLE_LEAD)


def _causes_table(causes: list[daily_metrics.Cause], caption: str, t: Translator, show_people: bool) -> Table:
    rows = []
    for cause in causes:
        row: dict[str, Any] = {"name": cause.name, "today": cause.today, "before": cause.before,
                               "change": cause.change}
        if cause.kind == "unit":
            row["_href"] = unit_href(cause.id)
        elif show_people:
            row["_href"] = person_href(cause.id)
        rows.append(row)
    return Table(f"causes-{caption}", caption, [
        Col("name", t("kpi.name")), Col("today", t("daily.today"), "money"), Col("before", t("daily.before"), "money"),
        Col("change", t("daily.change"), "change")], rows, csv=False)


def daily_outputs(tables: dict[str, pd.DataFrame], tree: UnitTree, as_of: dt.date, t: Translator, fmt: Formatter,
                  show_people: bool, pacing: Pacing, briefs: int = 0, pdf: bool = False, poster_count: int = 0,
                  keep: Callable[[list[Output]], list[Output]] | None = None
                  ) -> tuple[list[Page], list[Output], pd.DataFrame, pd.DataFrame]:
    """Pages and CSV files of every daily report; also the KPIs as of the as-of date for other pages. The
    `poster_count` most recent reports link their top-ten poster (see pages/posters.py).

    The reports of the last `briefs` days link to their units' morning briefs; with `pdf`, the as-of day's report
    is also a PDF.

    Each day is computed on its own (its KPIs, CSV files and page), so a year of reports is spread over every
    core (forked workers inherit the tables).
    """
    dates = report_dates(tables["sales"], as_of)
    prepare(tables)
    leads = (lead(unit_kpis(tables, as_of), UNITS_CSV, UNITS_LEAD), lead(person_kpis(tables, as_of), PEOPLE_CSV,
                                                                        PEOPLE_LEAD))
    job = (tables, tree, as_of, t, fmt, show_people, dates, set(dates[-briefs:]) if briefs > 0 else set(), pdf,
           set(poster_days(dates, poster_count)), pacing, leads)
    # Each day's CSV files go to `keep` (the build's spool) as the day arrives: a year of a large site's is gigabytes.
    days = forked_map(lambda position: _day(position, job), range(len(dates)),
                      keep=(lambda _, made: (made[0], keep(made[1]), made[2])) if keep is not None else None)
    pages = [page for day_pages, _, _ in days for page in day_pages]
    files = [file for _, day_files, _ in days for file in day_files]
    latest = next((kpis for _, _, kpis in days if kpis is not None), None)
    latest_units, latest_people = latest if latest is not None else (pd.DataFrame(), pd.DataFrame())
    return pages, files, latest_units, latest_people


_DayOutputs = tuple[list[Page], list[Output], tuple[pd.DataFrame, pd.DataFrame] | None]


def _day(position: int, job: tuple[Any, ...]) -> _DayOutputs:
    """The page(s) and CSV files of one day's report, and its KPIs when it is the as-of date."""
    tables, tree, as_of, t, fmt, show_people, dates, brief_days, pdf, poster_dates, pacing, leads = job
    unit_lead, person_lead = leads
    day = dates[position]
    paced = pacing.on(day)  # a past report reads against its own day's time progress
    pages: list[Page] = []
    files: list[Output] = []
    tops = [u for u in tree.order if tree.depth[u] == 0]
    latest = None
    units = unit_kpis(tables, day)
    people = person_kpis(tables, day)
    stamp = day.isoformat()
    people_flows, unit_flows = day_flows(tables, day)
    files.append(Output(f"daily/{stamp}/units.csv", units_csv(units, unit_flows, unit_lead)))
    if show_people:  # a profile without people (the wall screens) gets no per-person download
        files.append(Output(f"daily/{stamp}/people.csv", people_csv(people, people_flows, person_lead)))
    focus = [u for u in tree.order if tree.depth[u] <= 1]
    forecasts = daily_metrics.forecasts(tables, day, focus)
    names = units["name"].to_dict()
    projections = [p | {"unit": u, "name": names[u]}
                   for u, p in zip(focus, daily_metrics.month_end_projections(tables, day, focus), strict=True)]
    causes = []
    for top in tops:
        found = daily_metrics.causes(tables, day, top, against="prev_day", top=5)
        units_part = [c for c in found if c.kind == "unit"]
        people_part = [c for c in found if c.kind == "person"]
        causes.append({
            "unit": names[top],
            "units": _causes_table(units_part, t("daily.causes_units"), t, show_people) if units_part else None,
            "people": _causes_table(people_part, t("daily.causes_people"), t, show_people) if people_part else None,
        })
    notes = daily_metrics.tracker_notes(tables, day)
    columns = unit_columns(t, fmt, paced.progress)
    results = Table("results", t("daily.results"), columns, records(units, unit_href, columns))
    for row in results.rows:
        row["_class"] = f"level-{row['level']}"
    # Yesterday's forecast for this day (the tracker's or the model's, as yesterday's report showed it) against it.
    premium_day = units["premium_day"].to_dict()
    check_rows = []
    for f in daily_metrics.forecasts(tables, day - dt.timedelta(days=1), focus):
        actual = float(premium_day[f.unit])
        check_rows.append({"name": names[f.unit], "forecast": f.value, "source": t(f"daily.source_{f.source}"),
                           "actual": actual, "error": round(f.value - actual, 2),
                           "error_share": (f.value - actual) / actual if actual else None,
                           "_href": unit_href(f.unit)})
    forecast_rows = [{"name": names[f.unit], "value": f.value,
                      "source": t(f"daily.source_{f.source}"), "_href": unit_href(f.unit)} for f in forecasts]
    projection_rows = [{**{k: clean(v) for k, v in p.items()}, "_href": unit_href(p["unit"])} for p in projections]
    context = {
        "day": day,
        "people_csv": show_people,
        "previous": dates[position - 1] if position else None,
        "following": dates[position + 1] if position + 1 < len(dates) else None,
        "top_units": [{**{k: clean(v) for k, v in units.loc[u].items()}, "id": u,
                       "trend": trend_bars(daily_totals(tables, day, u, days=30), fmt, t)} for u in tops],
        "paced": paced,
        "calendar": month_calendar(day, set(dates)),
        "month_label": fmt.month(day),
        "top": Table("top", t("daily.top", count=DAY_TOP), [
            Col("rank", t("kpi.rank"), "rank"), Col("name", t("kpi.person")), Col("unit_name", t("kpi.unit")),
            Col("premium_day", t("kpi.premium_day"), "money"), Col("cases_day", t("kpi.cases"), "number")],
            day_top(people, DAY_TOP, show_people), csv=False),
        "results": results,
        "forecast": Table("forecast", t("daily.forecast"), [
            Col("name", t("kpi.unit")), Col("value", t("daily.forecast_value"), "money"),
            Col("source", t("daily.source"))], forecast_rows, csv=False),
        "forecast_check": Table("forecast-check", t("daily.check"), [
            Col("name", t("kpi.unit")), Col("forecast", t("daily.check_forecast"), "money"),
            Col("source", t("daily.source")), Col("actual", t("daily.check_actual"), "money"),
            Col("error", t("daily.check_error"), "change"), Col("error_share", t("daily.check_share"), "percent")],
            check_rows, csv=False),
        "model_note": t("daily.model_note"),
        "any_model": any(f.source == "model" for f in forecasts),
        "projection": Table("projection", t("daily.projection"), [
            Col("name", t("kpi.unit")), Col("mtd", t("kpi.premium_mtd"), "money"),
            Col("projection", t("daily.projection_value"), "money"), Col("target", t("kpi.target_month"), "money"),
            Col("projected_achievement", t("daily.projected_achievement"), "percent")], projection_rows, csv=False),
        "projection_note": t("daily.projection_note"),
        "causes": causes,
        "notes": Table("notes", t("daily.notes"), [
            Col("tracker_name", t("daily.tracker")), Col("unit_name", t("kpi.unit")),
            Col("calls", t("daily.calls"), "number"), Col("sms", t("daily.sms"), "number"),
            Col("highlights", t("daily.highlights")), Col("problems", t("daily.problems")),
            Col("forecast", t("daily.forecast_value"), "money")],
            [{k: clean(v) for k, v in r.items()} for r in row_dicts(notes)], csv=False),
        "people_columns": person_columns(t, fmt, paced.progress),
        "briefs": [{"name": names[u], "href": brief_href(day, u), "depth": tree.depth[u]} for u in tree.order
                   if u in names] if day in brief_days else [],
        "report_pdf": pdf and day == as_of,
        "poster": day in poster_dates,
    }
    title = t("daily.title_for", date=fmt.date(day, year=True))
    pages.append(Page(f"daily/{stamp}/index.html", "daily.html", title, "daily", {**context, "csv_base": ""},
                      pdf=f"daily/{stamp}/report.pdf" if context["report_pdf"] else None))
    if day == as_of:
        pages.append(Page("daily/index.html", "daily.html", title, "daily", {**context, "csv_base": f"{stamp}/"}))
        latest = (units, people)
    files.extend(table_files(pages))  # here, in the worker: a year of result tables is millions of cells
    for page in pages:
        page.pack()  # a year of reports' contexts would be gigabytes of Python objects
    return pages, files, latest


def build(ctx: Context) -> Section:
    """daily/: the daily reports. Always made, even when the profile leaves the pages out: its payload, the
    KPIs of every unit and person as of the as-of date, is what the other sections show."""
    site = ctx.site
    briefs = site.config["briefs"]
    days = briefs["days"] if ctx.wants("briefs") else 0
    posters = int(ctx.config["posters"]["days"]) if ctx.wants("posters") else 0
    pages, files, units, people = daily_outputs(site.tables, ctx.tree, site.as_of, ctx.t, ctx.fmt, ctx.show_people,
                                                ctx.pacing, days, days > 0 and briefs["pdf_levels"] > 0, posters,
                                                ctx.kept)
    section = (Section("daily", "daily/", pages, files, table_files=False) if not site.excluded("daily")
               else Section("daily", None))
    section.payload = (units, people)
    return section
