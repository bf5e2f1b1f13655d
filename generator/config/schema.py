"""Every `site.toml` option, declared once: validation, defaults and the reference docs come from here."""

from __future__ import annotations

from dataclasses import dataclass

from ..branding import DEFAULT_ACCENT, DEFAULT_PRIMARY, DEFAULT_SCREEN_BACKGROUND
from ..inputs.schemas import DATASETS
from ..metrics.pace import PROGRESS_MODES
from ..metrics.registers import CADENCE_DAYS, REGISTERS


@dataclass(frozen=True)
class Opt:
    """A scalar or list option."""

    type: str  # "str", "int", "number", "bool", "time", "list[str]", "list[time]", "list[date]"
    default: object = None
    help: str = ""
    choices: tuple[str, ...] | None = None  # for str, or for each item of a list
    required: bool = False
    minimum: float | None = None
    length: int | None = None  # exact length of a list


@dataclass(frozen=True)
class Section:
    """A table of named options."""

    options: dict[str, Opt | Section | MapOf | ListOf | StrMap]
    help: str = ""


@dataclass(frozen=True)
class MapOf:
    """A table whose keys are names chosen by the user (or from `keys`), each a Section."""

    item: Section
    help: str = ""
    keys: tuple[str, ...] | None = None


@dataclass(frozen=True)
class ListOf:
    """An array of tables (`[[screens]]`)."""

    item: Section
    help: str = ""


@dataclass(frozen=True)
class StrMap:
    """A table of string values, keyed by names from `keys` (when given)."""

    help: str = ""
    keys: tuple[str, ...] | None = None
    keys_from: str | None = None  # resolved per dataset: the dataset's column names


# Follow-up cadences of the registers: the days each allows are declared in metrics/registers.py.
CADENCES = tuple(CADENCE_DAYS)
NOTIFY_KINDS = ("morning", "battle", "overdue")
SLIDES = ("kpis", "leaderboard", "battle", "notices", "chart", "awards", "campaign")
# Sections of the site a profile can leave out (page folders of the URL map); the registers' come from their
# declaration (metrics/registers.py), so a new register can be left out without a change here.
SECTIONS = (
    "people", "leaderboard", "daily", "briefs", "units", "battle", "notices", "faq", "meetings", "scripts", "tracking",
    "warnings", *(register.name for register in REGISTERS), "training", "talks", "manpower", "campaigns",
    "resources", "quality", "search", "screen", "posters",
)

DATA_OPTIONS = Section(
    {
        "file": Opt("str", help="Path of the file, relative to the site: CSV, XLSX or Parquet (.parquet: each "
                    "column's name is its header; its values are parsed and checked as a CSV's cells, and a problem "
                    "names the record as a spreadsheet row, the first record row 2). Default: data/<dataset>.csv, "
                    "else data/<dataset>.xlsx, else data/<dataset>.parquet."),
        "sheet": Opt("str", help="XLSX only: the sheet to read. Default: the first sheet."),
        "encoding": Opt("str", help="CSV only: the encoding (utf-8, utf-8-sig, gb18030, gbk…). "
                        "Default: detected."),
        "columns": StrMap(help="Canonical column name = the header used in the file.", keys_from="dataset"),
        # Reading from a database (inputs/database.py): instead of `file`, a query and where to run it.
        "sql": Opt("str", help="Read the dataset from a database with this query instead of a file (needs "
                   "connection). Its result's column names are the headers (map them with columns or AS 日期). "
                   "Rows come in the order the database returns them: add ORDER BY for a stable order."),
        "table": Opt("str", help="Read a whole database table instead of a file (name or schema.name; needs "
                     "connection); the same as sql = \"SELECT * FROM <table>\", rows in the order the database "
                     "returns them (use sql with ORDER BY for a stable order)."),
        "connection": Opt("str", help="The database URL for sql or table: postgresql://user@host:port/database, "
                          "or mysql://… (also mariadb://…) for MySQL and MariaDB, or sc://host:port for Spark "
                          "through Spark Connect (sc://host:port/;user_id=…;token=${NAME}; needs pip install "
                          "'trackboard[spark]'); Trino is not read yet. "
                          "${NAME} is read from the environment when the build runs and never written anywhere "
                          "(keep the password there: postgresql://report:${TRACKBOARD_DB_PASSWORD}@dw/sales); a "
                          "variable before the @ holds the user or password as it is, @ # / : included. A password "
                          "written in the URL itself must be percent-encoded (@ as %40)."),
    },
    help="Where a dataset's file (or database table) is and how its headers map to canonical column names.",
)

SCHEMA = Section(
    {
        "site": Section(
            {
                "title": Opt("str", "Trackboard", "Site title, shown on every page."),
                "subtitle": Opt("str", "", "A line under the title on the board."),
                "locale": Opt("str", "zh-CN", "Interface language and number formats.", choices=("zh-CN", "en")),
                "timezone": Opt("str", "Asia/Shanghai", "Time zone of the organisation (IANA name)."),
                "currency": Opt("str", "CNY", "Currency code (ISO 4217)."),
                "base_url": Opt("str", "", "Public address of the site, used for the Atom feed's ids and the links "
                                "in messages (notify). Optional; links in pages are always relative."),
            },
            help="The site as a whole.",
        ),
        "data": MapOf(DATA_OPTIONS, help="One table per dataset.", keys=tuple(DATASETS)),
        "rules": Section(
            {
                "big_order": Opt("number", 50000, "Premium at or above which an order becomes a battle report.",
                                 minimum=0),
                "tracker_calls": Opt("int", 3, "The tracker's daily standard of calls.", minimum=0),
                "tracker_sms": Opt("int", 3, "The tracker's daily standard of messages.", minimum=0),
                "quiet_hours": Opt("list[time]", ["21:00", "08:00"],
                                   "No mass texts between these times (start, end).", length=2),
                "sms_per_week": Opt("int", 3, "Most mass texts a texting group should get in a week (Monday to "
                                    "Sunday); more is flagged on tracking/ and warnings/.", minimum=0),
                "newcomer_months": Opt("int", 3, "A newcomer is someone who joined less than this many months ago.",
                                       minimum=1),
                "newcomer_premium": Opt("number", 10000, "A newcomer's monthly premium standard, pro rata since "
                                        "joining (standard × days ÷ 30); below it, at risk.", minimum=0),
                "newcomer_cases": Opt("number", 1, "A newcomer's monthly standard of cases, pro rata like the "
                                      "premium.", minimum=0),
                "supervisor_maintenance": Opt("number", 400000, "Premium a month a supervisor's team must make over "
                                              "the last three months to maintain the supervisor's grade.", minimum=0),
                "inactive_days": Opt("int", 7, "Days without a sale after which a salesperson is inactive.",
                                     minimum=1),
                "target_rollup": Opt("bool", False, "A unit without a target of its own for a metric and period "
                                     "takes the sum of its children's targets (their own, or summed in turn)."),
                "laggard_percent": Opt("number", 60, "Below this percentage of the monthly target is lagging.",
                                       minimum=0),
                "laggard_months": Opt("int", 3, "Complete months in a row below laggard_percent that make a chronic "
                                      "laggard (the list for leapfrog talks).", minimum=1),
                "receivable_large": Opt("number", 100000, "Outstanding amount at or above which a receivable is on "
                                        "the large-amount watch list.", minimum=0),
                "meeting_evaluation_days": Opt("int", 2, "Days after a meeting by which its evaluation (会后评估) "
                                               "must be written; later without one, it is a warning.", minimum=0),
                "debrief_redo_days": Opt("int", 1, "Days after submission a debrief marked redo (重做) must be done "
                                         "again, unless it gives redo_by; still redo after that, it is a warning.",
                                         minimum=0),
                "clearance_days": Opt("int", 30, "Days after joining by which a newcomer should have passed all ten "
                                      "problems of the booklet (通关); later, a warning.", minimum=0),
                "summon_count": Opt("int", 1, "Each week the best and the worst this many units (by month-to-date "
                                    "achievement) are summoned to a one-on-one debrief (述职), shown on the board; 0: "
                                    "none.", minimum=0),
                "summon_level": Opt("int", 1, "The level of the tree the summoned units are taken from: 0 the top "
                                    "unit, 1 the units under it, and so on.", minimum=0),
                "lead_quota": Opt("int", 0, "Open sales leads (销线) each owner should carry; the leads register shows "
                                  "each owner's fill. 0: no quota.", minimum=0),
                "remedy_grace_days": Opt("int", 0, "Days an item of a register may be overdue for follow-up before "
                                         "a remedy plan (补救措施) in the follow-up log is required; overdue longer "
                                         "without one is listed on warnings/ and the board.", minimum=0),
                "project_new_days": Opt("int", 90, "A project is new (新项目) until this many days after its start: "
                                        "an open new project's daily, weekly or monthly indicator "
                                        "(project_indicators) behind its pace (pace_tolerance) is listed on "
                                        "warnings/.", minimum=0),
                "training_sessions_per_month": Opt("int", 2, "Training sessions each team should hold a month; "
                                                   "teams below it are flagged on training/.", minimum=0),
                "training_min_score": Opt("number", 3.5, "Training sessions scoring under this (1–5) are flagged.",
                                          minimum=0),
                "talk_cadence": Opt("str", "monthly", "How often each person should have a performance talk: "
                                    "monthly, 2/month (1st–15th, 16th–end) or weekly (Monday–Sunday).",
                                    choices=("monthly", "2/month", "weekly")),
                "resource_receive_days": Opt("int", 2, "A resource batch not received more than this many days "
                                             "after assignment is a warning.", minimum=0),
                "resource_update_days": Opt("int", 7, "A resource table not updated for more than this many days "
                                            "is a warning.", minimum=0),
                "time_progress": Opt("str", "calendar", "How the time progress shown beside every achievement "
                                     "rate is counted: calendar (day of the month ÷ days in it) or working_days "
                                     "(Monday–Friday elapsed ÷ Monday–Friday in the month).",
                                     choices=PROGRESS_MODES),
                "holidays": Opt("list[date]", [], "Days off left out of the working days when time_progress = "
                                "working_days (TOML dates: [2026-10-01, 2026-10-02])."),
                "pace_tolerance": Opt("number", 5, "Percentage points an achievement rate may lie below or above "
                                      "the time progress and still be on track; further is behind or ahead.",
                                      minimum=0),
            },
            help="Business rules and thresholds.",
        ),
        "cadence": Section(
            {cadence.key: Opt("str", cadence.default, cadence.help, choices=CADENCES)
             for register in REGISTERS for cadence in register.cadences},
            help="How often each register's open items must be followed up (督办). An item is overdue when its "
                 "last follow-up is more days before the as-of date than the cadence allows: "
                 + ", ".join(f"{name} {days}" for name, days in CADENCE_DAYS.items()) + ".",
        ),
        "board": Section(
            {
                "notices": Opt("int", 10, "How many notices the board shows.", minimum=0),
                "battle": Opt("int", 6, "How many battle reports the board shows.", minimum=0),
            },
            help="The home page.",
        ),
        "branding": Section(
            {
                "logo": Opt("str", "", "The site's logo, an SVG or PNG file relative to the site (e.g. "
                            "\"theme/logo.svg\"), shown in the masthead of every page and on the screens. "
                            "Default: none, the site's title only."),
                "primary": Opt("str", DEFAULT_PRIMARY, "House colour (hex): the masthead of every page, the "
                               "screens' title bar and the charts' main series. White text on it must meet WCAG "
                               "AA (4.5:1)."),
                "accent": Opt("str", DEFAULT_ACCENT, "Second colour (hex): badges, battle reports, highlights. "
                              "White text on it must meet WCAG AA (4.5:1)."),
                "screen_background": Opt("str", DEFAULT_SCREEN_BACKGROUND, "Background of the office screens "
                                         "(hex). Their white text on it must meet WCAG AA (4.5:1)."),
            },
            help="The site's own look: logo and colours, on every page, screen and chart (see \"Branding in five "
                 "minutes\" in the guides).",
        ),
        "briefs": Section(
            {
                "days": Opt("int", 7, "Morning briefs (daily/<day>/units/<unit>/) are made for every unit for this "
                            "many of the most recent days with a daily report; 0 makes none.", minimum=0),
                "pdf_levels": Opt("int", 2, "The as-of day's briefs of the units this many levels from the top are "
                                  "also PDFs (daily/<day>/units/<unit>.pdf): 1 the top units, 2 adds the divisions, "
                                  "3 the teams. The as-of daily report is a PDF too (daily/<day>/report.pdf) "
                                  "unless this is 0.",
                                  minimum=0),
            },
            help="Morning briefs: one A4 page per unit and day for its morning meeting.",
        ),
        "posters": Section(
            {
                "width": Opt("int", 1080, "Width of every poster, in pixels.", minimum=240),
                "height": Opt("int", 1440, "Height of every poster, in pixels.", minimum=240),
                "days": Opt("int", 1, "The most recent report days that get a top-ten poster (1: the as-of day "
                            "only; 0: none).", minimum=0),
            },
            help="Posters: PNG pictures to share in the work chat (a 喜报 for each battle report and big order, the "
                 "day's top ten, the month's stars), drawn from the SVG templates in theme/posters/ (a site's own "
                 "theme/posters/<kind>.svg replaces the package's). Leave them out with a profile's exclude "
                 "\"posters\".",
        ),
        "screens": ListOf(
            Section(
                {
                    "name": Opt("str", None, "Name; the screen's page is screen/<name>/.", required=True),
                    "title": Opt("str", "", "Title shown on the screen."),
                    "slides": Opt("list[str]", list(SLIDES[:5]), "Slides in order.", choices=SLIDES),
                    "seconds": Opt("int", 15, "Seconds per slide.", minimum=3),
                    "refresh_seconds": Opt("int", 60, "How often the screen checks build.json for a new build.",
                                           minimum=5),
                    "unit": Opt("str", "", "Only this unit's subtree (a unit id): its figures, its teams and people in "
                                "the rankings, its battle reports, the notices meant for it. Default: the whole "
                                "site."),
                }
            ),
            help="Bulletin screens for the office walls.",
        ),
        "notify": ListOf(
            Section(
                {
                    "name": Opt("str", None, "Name of the target (a chat group, a mailbox); the ledger of what was "
                                "sent is kept by this name.", required=True),
                    "url": Opt("str", None, "An Apprise URL: wecombot://, dingtalk://, feishu://, mailto://, json://… "
                               "${NAME} is read from the environment and never written anywhere.", required=True),
                    "send": Opt("list[str]", list(NOTIFY_KINDS), "What to send: the morning figures, each new battle "
                                "report and big order, the overdue items by owner.", choices=NOTIFY_KINDS),
                    "unit": Opt("str", "", "Only this unit's subtree (a unit id). Default: the whole site."),
                    "quiet_hours": Opt("list[time]", [], "No message between these times (start, end; site time "
                                       "zone; may cross midnight): messages wait for a later run.", length=2),
                    "profile": Opt("str", "", "The profile whose rules the messages follow: with mask_phone, no "
                                   "phone number is written in a message. Default: the profile of the build."),
                    "rate": Opt("int", 20, "At most this many messages per rate_seconds (a WeCom or DingTalk robot "
                                "takes 20 a minute).", minimum=1),
                    "rate_seconds": Opt("number", 60, "The window of rate, in seconds.", minimum=0),
                    "retries": Opt("int", 3, "Tries again after a failure (error, timeout, refused) this many "
                                   "times, waiting retry_seconds, then twice as long each time.", minimum=0),
                    "retry_seconds": Opt("number", 5, "The first wait before trying again, in seconds.", minimum=0),
                    "timeout": Opt("number", 10, "Seconds to wait to connect and for an answer.", minimum=0.1),
                }
            ),
            help="Messages to the work chat: `trackboard notify` (or `build --notify`) after a build.",
        ),
        "profiles": MapOf(
            Section(
                {
                    "title": Opt("str", "", "Title of the site in this profile (default: the site title)."),
                    "mask_phone": Opt("bool", False, "Mask phone numbers (138****5678)."),
                    "exclude": Opt("list[str]", [], "Sections left out.", choices=SECTIONS),
                    "units": Opt("list[str]", [], "Unit ids: a build of these units' subtrees only, for a workplace's "
                                 "own folder or USB copy. Every page, CSV, search index, poster and build.json "
                                 "holds only their rows and documents (notices and battle reports meant for them), "
                                 "and the names of other units and people are blanked (＊＊) in what text is left. "
                                 "Default: the whole site."),
                    "totals_above": Opt("bool", False, "With units: also show the units above them, with their whole "
                                        "figures (the sales of everyone outside the scope summed into one unnamed "
                                        "line per unit above, never ranked). No other unit or person is named."),
                }
            ),
            help="Audiences: `trackboard build --profile NAME`.",
        ),
    }
)
