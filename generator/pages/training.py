"""training/: how often each team trains and how well — sessions by unit and trainer per month, attendance, scores."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import register
from ..metrics.development import month_of, teams_to_train, training_by_trainer, training_by_unit, training_sessions
from ..render import Page
from .context import BoardItem, Context, Section
from .links import person_href, unit_href
from .tables import Col, Table, clean

# Scores have decimals (4.25): shown as written rather than through the integer number format.
SCORE = "text"

register({
    "zh-CN": {
        "nav.training": "培训",
        "training.title": "培训督办",
        "training.rule": "标准：每个团队每月至少 {sessions} 场培训；"
                         "单场评分低于 {score} 分为低分，需出具二次培训计划。",
        "training.month_note": "本月（{month}）截至 {as_of}，尚未结束：场次不足的团队仍可补上。",
        "training.sessions_month": "本月培训场次",
        "training.rate_month": "本月出勤率",
        "training.score_month": "本月平均评分",
        "training.below_month": "本月场次未达标团队",
        "training.low_month": "本月低分培训",
        "training.by_unit": "各单位每月培训情况",
        "training.by_trainer": "各讲师每月培训情况",
        "training.sessions": "培训记录",
        "training.low": "低分培训及二次培训计划",
        "training.month": "月份",
        "training.unit": "单位",
        "training.trainer": "讲师",
        "training.units": "培训单位",
        "training.date": "日期",
        "training.topic": "主题",
        "training.count": "场次",
        "training.standard": "标准场次",
        "training.attendees": "实到",
        "training.expected": "应到",
        "training.rate": "出勤率",
        "training.score": "评分",
        "training.avg_score": "平均评分",
        "training.plan": "后续计划",
        "training.status": "状态",
        "training.below": "未达标（差 {missing} 场）",
        "training.met": "达标",
        "training.low_flag": "低于 {score} 分",
        "training.no_plan": "未出具二次培训计划",
        "training.none": "暂无培训记录。",
        "training.no_low": "没有低分培训。",
        "training.board_sessions": "本月培训场次",
        "training.board_below": "培训场次未达标团队",
        "training.board_low": "本月低分培训",
    },
    "en": {
        "nav.training": "Training",
        "training.title": "Training",
        "training.rule": "Standard: each team holds at least {sessions} training sessions a month; a session scoring "
                         "under {score} is low and needs a plan for a second session.",
        "training.month_note": "This month ({month}) is counted to {as_of} and not over yet: teams short of sessions "
                               "can still catch up.",
        "training.sessions_month": "Sessions this month",
        "training.rate_month": "Attendance this month",
        "training.score_month": "Average score this month",
        "training.below_month": "Teams below the standard this month",
        "training.low_month": "Low-scoring sessions this month",
        "training.by_unit": "Training by unit and month",
        "training.by_trainer": "Training by trainer and month",
        "training.sessions": "Sessions",
        "training.low": "Low-scoring sessions and their follow-up plans",
        "training.month": "Month",
        "training.unit": "Unit",
        "training.trainer": "Trainer",
        "training.units": "Units trained",
        "training.date": "Date",
        "training.topic": "Topic",
        "training.count": "Sessions",
        "training.standard": "Standard",
        "training.attendees": "Attended",
        "training.expected": "Expected",
        "training.rate": "Attendance",
        "training.score": "Score",
        "training.avg_score": "Average score",
        "training.plan": "Follow-up plan",
        "training.status": "Status",
        "training.below": "Below standard ({missing} short)",
        "training.met": "Met",
        "training.low_flag": "Under {score}",
        "training.no_plan": "No follow-up plan yet",
        "training.none": "No training sessions recorded.",
        "training.no_low": "No low-scoring sessions.",
        "training.board_sessions": "Training sessions this month",
        "training.board_below": "Teams below the training standard",
        "training.board_low": "Low-scoring training this month",
    },
})


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
    for row in by_unit.to_dict("records"):
        row = {k: clean(v) for k, v in row.items()}
        row["standard"] = None if row["standard"] is None else int(row["standard"])
        below = bool(row["below"])
        status = None if row["standard"] is None else (
            t("training.below", missing=row["standard"] - int(row["sessions"])) if below else t("training.met"))
        unit_rows.append({**row, "below": below,
                          "unit_name": unit_names.get(row["unit"], row["unit"]), "status": status,
                          "_class": "flag" if below else "",
                          **({"_href": link_unit(row["unit"])} if link_unit else {})})
    unit_table = Table("training-units", t("training.by_unit"), [
        Col("unit_name", t("training.unit")), Col("month", t("training.month")),
        Col("sessions", t("training.count"), "number"), Col("standard", t("training.standard"), "number"),
        Col("attendees", t("training.attendees"), "number"), Col("expected", t("training.expected"), "number"),
        Col("rate", t("training.rate"), "percent"), Col("score", t("training.avg_score"), SCORE),
        Col("status", t("training.status")),
    ], unit_rows)

    trainer_rows = []
    for row in by_trainer.to_dict("records"):
        trainer = row["trainer"]
        trainer_rows.append({
            **{k: clean(v) for k, v in row.items() if k != "units"},
            "trainer_name": person_names.get(trainer, trainer) if trainer else None,
            "unit_names": "、".join(unit_names.get(u, u) for u in row["units"]),
            **({"_href": person_href(trainer)} if trainer and ctx.show_people else {}),
        })
    trainer_table = Table("training-trainers", t("training.by_trainer"), [
        Col("trainer_name", t("training.trainer")), Col("month", t("training.month")),
        Col("unit_names", t("training.units")), Col("sessions", t("training.count"), "number"),
        Col("attendees", t("training.attendees"), "number"), Col("expected", t("training.expected"), "number"),
        Col("rate", t("training.rate"), "percent"), Col("score", t("training.avg_score"), SCORE),
    ], trainer_rows)

    session_rows = [_session_row(s, person_names, unit_names, t, score_text) for s in sessions.to_dict("records")]
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

