"""campaigns/: every campaign's live ranking of people and units, its progress and prizes; the list of them; and
what the board and the screens show of the running ones."""

from __future__ import annotations

from typing import Any

from ..i18n import Translator
from ..metrics.campaigns import MONEY_METRICS, Campaign, Standing, campaign_from, rounds, standing, status, tier_counts
from ..render import Page
from .context import Context, Section
from .links import id_segment, person_href, unit_href
from .tables import Col, Table, clean, row_dicts

SCREEN_TOP = 6  # people on a campaign's screen slide: with its tiles, what a 720-line screen holds


def value_kind(metric: str) -> str:
    """The column kind a campaign's values are shown in."""
    return "money" if metric in MONEY_METRICS else ("percent" if metric == "achievement" else "number")


def campaign_href(campaign: Campaign) -> str:
    return f"campaigns/{id_segment(campaign.slug)}/"


def _tables(ctx: Context, campaign: Campaign, found: Standing, prefix: str, caption: str) -> list[Table]:
    t = ctx.t
    kind = value_kind(campaign.metric)
    value_label = t(f"campaigns.metric.{campaign.metric}")
    names = ctx.tables["units"].set_index("id")["name"].to_dict()
    tables = []
    if found.people is not None:
        rows = []
        for row in row_dicts(found.people):
            rows.append({**{k: clean(v) for k, v in row.items()}, "unit_name": names.get(row["unit"], row["unit"]),
                         "_href": person_href(row["person"]) if ctx.show_people else None})
        tables.append(Table(f"{prefix}people", f"{caption} · {t('campaigns.people')}", [
            Col("rank", t("kpi.rank"), "rank"), Col("name", t("kpi.person")), Col("unit_name", t("kpi.unit")),
            Col("value", value_label, kind), Col("tier", t("campaigns.tier")),
        ], rows))
    unit_rows = [{**{k: clean(v) for k, v in row.items()}, "_href": unit_href(row["unit"]) if ctx.wants("units")
                  else None} for row in row_dicts(found.units)]
    columns = [Col("rank", t("kpi.rank"), "rank"), Col("name", t("kpi.unit")), Col("value", value_label, kind),
               Col("participants", t("campaigns.participants"), "number")]
    if campaign.metric == "recruits":
        columns.append(Col("tier", t("campaigns.tier")))
    tables.append(Table(f"{prefix}units", f"{caption} · {t('campaigns.units')}", columns, unit_rows))
    return tables


def _round(ctx: Context, campaign: Campaign, found: Standing, prefix: str, caption: str) -> dict[str, Any]:
    fmt = ctx.fmt
    return {
        "caption": caption, "first": found.first, "id": prefix.rstrip("-") or "current",
        "dates": ctx.t("campaigns.dates", first=fmt.date(found.first, year=True), last=fmt.date(found.last, year=True)),
        "status": found.status, "days": found.days, "elapsed": found.elapsed, "left": found.left,
        "starts_in": (found.first - ctx.as_of).days,
        "time_progress": found.time_progress, "total": found.total, "goal": found.goal, "progress": found.progress,
        "tiers": tier_counts(found.units if campaign.metric == "recruits" else found.people, campaign.tiers),
        "tables": _tables(ctx, campaign, found, prefix, caption),
        "leader": _leader(found),
    }


def _leader(found: Standing) -> str | None:
    frame = found.people if found.people is not None else found.units
    if frame.empty or clean(frame["value"].iloc[0]) in (None, 0):
        return None
    return str(frame["name"].iloc[0])


def _summary(ctx: Context, campaign: Campaign) -> dict[str, Any]:
    """The campaign's current round (and the one before, for a repeating one), ready for its page and the lists."""
    current, previous = rounds(campaign, ctx.as_of)
    t = ctx.t
    shown = _round(ctx, campaign, standing(ctx.tables, campaign, *current, ctx.as_of), "",
                   t("campaigns.current") if campaign.repeat else t("campaigns.standings"))
    before = None
    if previous is not None and status(*previous, ctx.as_of) == "finished":
        before = _round(ctx, campaign, standing(ctx.tables, campaign, *previous, ctx.as_of), "previous-",
                        t("campaigns.previous"))
    names = ctx.tables["units"].set_index("id")["name"].to_dict()
    return {
        "slug": campaign.slug, "title": campaign.title, "href": campaign_href(campaign), "metric": campaign.metric,
        "kind": value_kind(campaign.metric), "metric_label": t(f"campaigns.metric.{campaign.metric}"),
        "repeat": campaign.repeat, "target": campaign.target,
        "span": t("campaigns.dates", first=ctx.fmt.date(campaign.start, year=True),
                  last=ctx.fmt.date(campaign.end, year=True) if campaign.end else t("campaigns.open_end")),
        "scope": t("sep.list").join(str(names.get(u, u)) for u in campaign.units) or t("campaigns.everyone"),
        "status": shown["status"], "round": shown, "previous": before,
    }


def campaign_summaries(ctx: Context) -> list[dict[str, Any]]:
    """Every campaign's summary (see _summary), running first, then upcoming, then finished; by start, then slug."""
    order = {"running": 0, "upcoming": 1, "finished": 2}
    found = [(doc, campaign_from(doc.slug, doc.meta)) for doc in ctx.site.documents["campaigns"]]
    items = [{**_summary(ctx, campaign), "html": doc.html} for doc, campaign in found]
    return sorted(items, key=lambda s: (order[s["status"]], s["round"]["first"], s["slug"]))


def screen_items(ctx: Context) -> list[dict[str, Any]]:
    """The running campaigns as the screens show them: title, progress, days left and the top people (or units)."""
    out = []
    for item in campaign_summaries(ctx):
        if item["status"] != "running":
            continue
        tables = item["round"]["tables"]
        out.append({**item, "top": tables[0].rows[:SCREEN_TOP]})
    return out


def _list_table(t: Translator, items: list[dict[str, Any]], key: str) -> Table:
    rows = [{"title": s["title"], "span": s["span"], "metric": s["metric_label"], "scope": s["scope"],
             "progress": s["round"]["progress"], "time": s["round"]["time_progress"], "left": s["round"]["left"],
             "leader": s["round"]["leader"], "_href": s["href"]} for s in items]
    return Table(f"campaigns-{key}", t(f"campaigns.list_{key}"), [
        Col("title", t("campaigns.name")), Col("span", t("campaigns.span")), Col("metric", t("campaigns.metric")),
        Col("scope", t("campaigns.scope")), Col("progress", t("campaigns.progress"), "percent"),
        Col("time", t("campaigns.time_progress"), "percent"), Col("left", t("campaigns.days_left"), "number"),
        Col("leader", t("campaigns.leader")),
    ], rows)


def build(ctx: Context) -> Section | None:
    """campaigns/: the list of campaigns and a page each; the running ones for the board."""
    if not ctx.wants("campaigns") or not ctx.site.documents["campaigns"]:
        return None
    t = ctx.t
    items = campaign_summaries(ctx)
    pages = []
    for item in items:
        pages.append(Page(f"{item['href']}index.html", "campaign.html", item["title"], "campaigns", {
            "campaign": item, "current": item["round"], "previous": item["previous"],
            # every table shown, here at the top for their CSV downloads (pages/tables.py table_files)
            "tables": [*item["round"]["tables"], *(item["previous"]["tables"] if item["previous"] else [])],
            "definitions": [t(f"campaigns.def_{key}") for key in ("people", "counted", "rank", "tiers")]
            + [t(f"campaigns.def_metric_{item['metric']}")],
        }))
    lists = {key: _list_table(t, [s for s in items if s["status"] == key], key)
             for key in ("running", "upcoming", "finished")}
    pages.insert(0, Page("campaigns/index.html", "campaigns.html", t("campaigns.title"), "campaigns",
                         {"lists": [table for table in lists.values() if table.rows]}))
    # The board's lines: the running campaigns' figures, without their tables.
    board = [{"title": s["title"], "href": s["href"], "metric_label": s["metric_label"], "kind": s["kind"],
              **{k: s["round"][k] for k in ("total", "goal", "progress", "time_progress", "left", "leader")}}
             for s in items if s["status"] == "running"]
    return Section("campaigns", "campaigns/", pages, payload=board)
