"""training/: how often each team trains and how well — sessions by unit and trainer per month, attendance, scores."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..metrics.development import month_of, teams_to_train, training_by_trainer, training_by_unit, training_sessions
from ..render import Page
from .context import BoardItem, Context, Section
from .links import person_href, unit_href
from .tables import Col, Table, clean, row_dicts

# Scores have decimals (4.25): shown as written rather than through the integer number format.
SCORE = "text"

def build(ctx: Context) -> Section | None:
    """training/: tiles for the month, then by unit, by trainer, every session and the low-scoring ones."""
    if not ctx.wants("training", "training"):
        return None
    t, rules = ctx.t, ctx.config["rules"]
    standard, min_score = int(rules["training_sessions_per_month"]), float(rules["training_min_score"])
    score_text = ctx.fmt.number(min_score, 1)
    people, units = ctx.tables["people"], ctx.tables["units"]
    person_names = dict(zip(people["id"], people["name"], strict=True))
    unit_names = dict(zip(units["id"], units["name"], strict=True))
    link_unit = unit_href if ctx.wants("units") else None

    sessions = training_sessions(ctx.tables["training"], ctx.as_of, min_score)
    checked = teams_to_train(units, people, ctx.tree, ctx.as_of)
    by_unit = training_by_unit(sessions, checked, ctx.tree, ctx.as_of, standard)
    by_trainer = training_by_trainer(sessions)
    month = month_of(ctx.as_of)

    unit_rows = []
    for row in row_dicts(by_unit):
        row = {k: clean(v) for k, v in row.items()}
        row["standard"] = None if row["standard"] is None else int(row["standard"])
        below = bool(row["below"])
        status = None if row["standard"] is None else (
            t("training.below", missing=row["standard"] - int(row["sessions"])) if below else t("training.met"))
        href: dict[str, str] = {"_href": link_unit(row["unit"])} if link_unit else {}
        unit_rows.append({**row, "below": below,
                          "unit_name": unit_names.get(row["unit"], row["unit"]), "status": status,
                          "_class": "flag" if below else "", **href})
    unit_table = Table("training-units", t("training.by_unit"), [
        Col("unit_name", t("training.unit")), Col("month", t("training.month")),
        Col("sessions", t("training.count"), "number"), Col("standard", t("training.standard"), "number"),
        Col("attendees", t("training.attendees"), "number"), Col("expected", t("training.expected"), "number"),
        Col("rate", t("training.rate"), "percent"), Col("score", t("training.avg_score"), SCORE),
        Col("status", t("training.status")),
    ], unit_rows)

    trainer_rows = []
    for row in row_dicts(by_trainer):
        trainer = row["trainer"]
        href = {"_href": person_href(trainer)} if trainer and ctx.show_people else {}
        trainer_rows.append({
            **{k: clean(v) for k, v in row.items() if k != "units"},
            "trainer_name": person_names.get(trainer, trainer) if trainer else None,
            "unit_names": ctx.t("sep.list").join(unit_names.get(u, u) for u in row["units"]),
            **href,
        })
    trainer_table = Table("training-trainers", t("training.by_trainer"), [
        Col("trainer_name", t("training.trainer")), Col("month", t("training.month")),
        Col("unit_names", t("training.units")), Col("sessions", t("training.count"), "number"),
        Col("attendees", t("training.attendees"), "number"), Col("expected", t("training.expected"), "number"),
        Col("rate", t("training.rate"), "percent"), Col("score", t("training.avg_score"), SCORE),
    ], trainer_rows)

    session_rows = [_session_row(s, person_names, unit_names, t, score_text) for s in row_dicts(sessions)]
    session_cols = [
        Col("date", t("training.date"), "date"), Col("unit_name", t("training.unit")),
        Col("trainer_name", t("training.trainer")), Col("topic", t("training.topic")),
        Col("attendees", t("training.attendees"), "number"), Col("expected", t("training.expected"), "number"),
        Col("rate", t("training.rate"), "percent"), Col("score", t("training.score"), SCORE),
        Col("flag", t("training.status")), Col("followup_plan", t("training.plan")),
    ]
    session_table = Table("training-sessions", t("training.sessions"), session_cols, session_rows)
    low_rows = [{**r, "followup_plan": r["followup_plan"] or t("training.no_plan")} for r in session_rows if r["low"]]
    low_table = Table("training-low", t("training.low"), session_cols, low_rows)

    this_month = sessions[sessions["month"] == month]
    month_units = [r for r in unit_rows if r["month"] == month and r["standard"] is not None]
    below_now = [r for r in month_units if r["below"]]
    low_now = int(this_month["low"].sum())
    attendees, expected = int(this_month["attendees"].sum()), int(this_month["expected"].sum())
    tiles = {
        "sessions": len(this_month),
        "rate": attendees / expected if expected else None,
        "score": round(float(this_month["score"].mean()), 2) if this_month["score"].notna().any() else None,
        "below": len(below_now), "checked": len(month_units), "low": low_now,
    }
    page = Page("training/index.html", "training.html", t("training.title"), "training", {
        "rule": t("training.rule", sessions=standard, score=score_text),
        "month_note": t("training.month_note", month=month, as_of=ctx.fmt.date(ctx.as_of)),
        "summary": tiles, "by_unit": unit_table, "by_trainer": trainer_table,
        "sessions": session_table, "low": low_table,
    })
    board = [
        BoardItem(t("training.board_sessions"), len(this_month), "training/"),
        BoardItem(t("training.board_below"), len(below_now), "training/index.html#training-units",
                  "warning" if below_now else "info"),
        BoardItem(t("training.board_low"), low_now, "training/index.html#training-low",
                  "warning" if low_now else "info"),
    ]
    return Section("training", "training/", [page], board=board)


def _session_row(session: dict[str, Any], person_names: dict[str, str], unit_names: dict[str, str],
                 t: Callable[..., str], score_text: str) -> dict[str, Any]:
    trainer = clean(session["trainer"])
    low = bool(session["low"])
    return {
        "date": session["date"].date(), "unit": session["unit"], "unit_name": unit_names.get(session["unit"]),
        "trainer": trainer, "trainer_name": person_names.get(trainer, trainer) if trainer else None,
        "topic": clean(session["topic"]), "attendees": int(session["attendees"]),
        "expected": int(session["expected"]), "rate": clean(session["rate"]), "score": clean(session["score"]),
        "low": low, "flag": t("training.low_flag", score=score_text) if low else None,
        "followup_plan": clean(session["followup_plan"]), "_class": "flag" if low else "",
    }

