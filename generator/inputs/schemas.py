"""The declared schema of every dataset: one declaration drives parsing, validation and docs."""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types the loader knows how to coerce (see inputs/coerce.py).
TYPES = ("text", "int", "number", "money", "date", "datetime", "period", "time", "bool")


@dataclass(frozen=True)
class Column:
    """One column of a dataset, under its canonical (English) name."""

    name: str
    type: str = "text"
    required: bool = False
    help: str = ""
    default: object = None
    # canonical value -> accepted spellings (Chinese exports rarely use our English words)
    choices: dict[str, tuple[str, ...]] | None = None
    ref: str | None = None  # name of the dataset whose key this column refers to
    key: bool = False
    headers: tuple[str, ...] = ()  # header spellings recognised without a mapping
    personal: bool = False  # masked by profiles with mask_phone
    minimum: float | None = None
    maximum: float | None = None
    past: bool = False  # a date that has happened: after today (+ a margin) or before 2000 it is a typo


@dataclass(frozen=True)
class Dataset:
    name: str
    help: str
    columns: tuple[Column, ...]
    required: bool = False
    # at least one of these columns must be filled on each row
    one_of: tuple[str, ...] = ()
    # the columns that name a row read from a database in problems (default: the key, else the required columns)
    identity: tuple[str, ...] = ()

    @property
    def key(self) -> Column | None:
        return next((c for c in self.columns if c.key), None)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


def _c(name: str, type: str = "text", help: str = "", *headers: str, **kw: object) -> Column:
    return Column(name=name, type=type, help=help, headers=headers, **kw)  # type: ignore[arg-type]


ROLES = {
    "agent": ("业务员", "代理人", "营销员", "销售", "坐席"),
    "supervisor": ("主管", "组长", "业务主任"),
    "manager": ("经理", "总监", "部经理"),
    "tracker": ("督办", "追踪员", "跟踪员"),
    "staff": ("内勤", "职员", "行政"),
}
SALES_FORCE = ("agent", "supervisor")

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            "units",
            "The organisation tree, any depth (branch → division → team).",
            (
                _c("id", "text", "Unit id, unique.", "单位编码", "机构代码", "编号", required=True, key=True),
                _c("name", "text", "Display name.", "单位名称", "机构名称", "名称", required=True),
                _c("parent", "text", "Id of the parent unit; empty for the top.", "上级单位", "上级", ref="units"),
                _c("head", "text", "Person id of the unit's head.", "负责人", ref="people"),
                _c("tracker", "text", "Person id of the unit's tracker (督办).", "督办人", ref="people"),
            ),
            required=True,
        ),
        Dataset(
            "people",
            "Everyone in the organisation.",
            (
                _c("id", "text", "Person id (工号), unique.", "工号", "员工编号", required=True, key=True),
                _c("name", "text", "Name.", "姓名", required=True),
                _c("unit", "text", "Id of the person's unit.", "所属单位", "单位编码", "团队", required=True,
                   ref="units"),
                _c("role", "text", "Role.", "岗位", "角色", default="agent", choices=ROLES),
                _c("grade", "text", "Grade (职级).", "职级"),
                _c("join_date", "date", "Date the person joined.", "入司日期", "入职日期"),
                _c("leave_date", "date", "Date the person left; empty while employed.", "离司日期", "离职日期"),
                _c("phone", "text", "Phone number (personal data).", "手机", "电话", "手机号", personal=True),
            ),
            required=True,
        ),
        Dataset(
            "sales",
            "One row per order or per person-day.",
            (
                _c("date", "date", "Date of the sale.", "日期", "承保日期", "签单日期", required=True,
                   past=True),
                _c("person", "text", "Person id of the seller.", "工号", required=True, ref="people"),
                _c("premium", "money", "Premium.", "保费", "规模保费", "金额", required=True),
                _c("fyc", "money", "First-year commission.", "FYC", "首年佣金", default=0.0),
                _c("cases", "int", "Number of cases (default 1 a row).", "件数", default=1),
                _c("product", "text", "Product.", "产品", "险种"),
                _c("order", "text", "Order or policy number.", "保单号", "订单号"),
                _c("customer", "text", "Customer.", "客户", "投保人"),
            ),
            identity=("order", "date", "person"),
        ),
        Dataset(
            "targets",
            "Targets per unit or person per month (YYYY-MM) or week (YYYY-Www).",
            (
                _c("period", "period", "Month YYYY-MM or ISO week YYYY-Www.", "期间", "月份", required=True),
                _c("unit", "text", "Unit id.", "单位编码", "单位", ref="units"),
                _c("person", "text", "Person id.", "工号", ref="people"),
                _c(
                    "metric", "text", "premium, fyc or cases.", "指标", default="premium",
                    choices={"premium": ("保费",), "fyc": ("首年佣金",), "cases": ("件数",)},
                ),
                _c("target", "money", "Target value.", "目标", "目标值", required=True, minimum=0),
            ),
            one_of=("unit", "person"),
        ),
        Dataset(
            "tracking",
            "The tracker's daily log (日新追踪表).",
            (
                _c("date", "date", "Date.", "日期", required=True),
                _c("tracker", "text", "Person id of the tracker.", "督办人", "追踪人", required=True, ref="people"),
                _c("unit", "text", "Unit tracked.", "单位编码", "单位", required=True, ref="units"),
                _c("calls", "int", "Calls made.", "电话", "电话数", default=0, minimum=0),
                _c("sms", "int", "Messages sent.", "短信", "短信数", default=0, minimum=0),
                _c("highlights", "text", "Highlights of the day.", "亮点"),
                _c("problems", "text", "Problems of the day.", "问题"),
                _c("forecast", "money", "Tomorrow's expected premium.", "明日预测", "预测"),
            ),
        ),
        Dataset(
            "sms",
            "Messages sent through the mass-texting platform.",
            (
                _c("sent_at", "datetime", "When sent (YYYY-MM-DD HH:MM).", "发送时间", required=True),
                _c("group", "text", "Texting group.", "群组", "分组", required=True),
                _c(
                    "category", "text", "incentive, care, battle or notice.", "类别", required=True,
                    choices={
                        "incentive": ("激励", "激励类"),
                        "care": ("关怀", "关怀类", "感动类"),
                        "battle": ("战报", "战报类"),
                        "notice": ("通知", "通知类"),
                    },
                ),
                _c("recipients", "int", "Recipients.", "接收人数", default=0, minimum=0),
                _c("delivered", "int", "Delivered.", "成功", "送达", default=0, minimum=0),
                _c("failed", "int", "Failed.", "失败", default=0, minimum=0),
                _c("replies", "int", "Replies.", "回复", default=0, minimum=0),
                _c("text", "text", "Message text.", "内容"),
            ),
        ),
        Dataset(
            "sms_groups",
            "Who is in each texting group.",
            (
                _c("group", "text", "Texting group.", "群组", "分组", required=True),
                _c("person", "text", "Person id.", "工号", ref="people"),
                _c("phone", "text", "Phone number.", "手机", "手机号", personal=True),
            ),
            one_of=("person", "phone"),
        ),
        # The supervision registers' datasets; each register is declared in metrics/registers.py (REGISTERS).
        Dataset(
            "receivables",
            "Invoices and payments due (回款).",
            (
                _c("id", "text", "Item id.", "编号", required=True, key=True),
                _c("customer", "text", "Customer.", "客户", "单位", required=True),
                _c("owner", "text", "Person responsible.", "负责人", required=True, ref="people"),
                _c(
                    "kind", "text", "prepayment, in-sale, invoiced or warranty.", "类型", required=True,
                    choices={
                        "prepayment": ("预付款",),
                        "in-sale": ("售中", "售中货款"),
                        "invoiced": ("已开票", "已开票到账期"),
                        "warranty": ("质保", "质保款"),
                    },
                ),
                _c("invoice_date", "date", "Invoice date.", "开票日期"),
                _c("due_date", "date", "Due date.", "到期日", "账期"),
                _c("amount", "money", "Amount due.", "金额", "应收金额", required=True),
                _c("paid", "money", "Amount paid so far.", "已回款", default=0.0),
                _c("last_followup", "date", "Date of the last follow-up (督办).", "最近跟进", "跟进日期"),
            ),
        ),
        Dataset(
            "aftersales",
            "After-sales cases (售后).",
            (
                _c("id", "text", "Case id.", "编号", required=True, key=True),
                _c("customer", "text", "Customer.", "客户", required=True),
                _c("owner", "text", "Person responsible.", "负责人", required=True, ref="people"),
                _c("registered", "date", "Date registered.", "登记日期", required=True),
                _c("reason", "text", "Reason.", "原因"),
                _c(
                    "status", "text", "open or closed.", "状态", default="open",
                    choices={"open": ("处理中", "未结", "open"), "closed": ("已解决", "已结", "closed")},
                ),
                _c("resolved", "date", "Date resolved.", "解决日期"),
                _c("responsibility", "text", "Whose responsibility.", "责任判定", "责任"),
                _c("last_followup", "date", "Date of the last follow-up (督办).", "最近跟进", "跟进日期"),
            ),
        ),
        Dataset(
            "leads",
            "Sales leads (销线).",
            (
                _c("id", "text", "Lead id.", "编号", required=True, key=True),
                _c("owner", "text", "Person responsible.", "负责人", required=True, ref="people"),
                _c("stage", "text", "Stage.", "阶段"),
                _c("created", "date", "Date created.", "创建日期"),
                _c("last_update", "date", "Date of the last update.", "更新日期"),
                _c("next_step", "text", "Next step.", "下一步"),
                _c("next_date", "date", "Date of the next step.", "节点日期"),
                _c("value", "money", "Expected value.", "预计金额", default=0.0),
            ),
        ),
        Dataset(
            "projects",
            "Projects in hand.",
            (
                _c("id", "text", "Project id.", "编号", required=True, key=True),
                _c("name", "text", "Project name.", "项目名称", required=True),
                _c("owner", "text", "Person responsible.", "负责人", required=True, ref="people"),
                _c("start", "date", "Start date.", "开始日期", required=True),
                _c("expected_end", "date", "Expected end.", "预计结束"),
                _c("stage", "text", "Stage.", "阶段"),
                _c("next_milestone", "text", "Next milestone.", "下一节点"),
                _c("next_date", "date", "Date of the next milestone.", "节点日期"),
                _c("last_update", "date", "Date of the last follow-up.", "更新日期"),
            ),
        ),
        Dataset(
            "followups",
            "One-off supervised items.",
            (
                _c("id", "text", "Item id.", "编号", required=True, key=True),
                _c("item", "text", "What is to be done.", "事项", required=True),
                _c("owner", "text", "Person responsible.", "负责人", required=True, ref="people"),
                _c("due", "date", "Due date.", "截止日期"),
                _c("status", "text", "Status.", "状态"),
                _c("last_followup", "date", "Date of the last follow-up.", "最近跟进"),
            ),
        ),
        Dataset(
            "training",
            "Training sessions held.",
            (
                _c("date", "date", "Date.", "日期", required=True),
                _c("unit", "text", "Unit.", "单位编码", "单位", required=True, ref="units"),
                _c("trainer", "text", "Trainer's person id.", "讲师", ref="people"),
                _c("topic", "text", "Topic.", "主题"),
                _c("attendees", "int", "Attendees.", "实到", default=0, minimum=0),
                _c("expected", "int", "Expected attendees.", "应到", default=0, minimum=0),
                _c("score", "number", "Score 1–5.", "评分", minimum=1, maximum=5),
                _c("followup_plan", "text", "Follow-up plan.", "后续计划"),
            ),
        ),
        Dataset(
            "talks",
            "One-to-one performance talks.",
            (
                _c("date", "date", "Date.", "日期", required=True),
                _c("supervisor", "text", "Supervisor's person id.", "主管", required=True, ref="people"),
                _c("person", "text", "Person talked to.", "员工", "工号", required=True, ref="people"),
                _c("topic", "text", "Topic.", "主题"),
                _c("notes", "text", "Notes.", "记录"),
            ),
        ),
        Dataset(
            "resources",
            "Customer lists and lead batches handed between people.",
            (
                _c("id", "text", "Batch id.", "编号", required=True, key=True),
                _c("kind", "text", "Kind of resource.", "类型"),
                _c("size", "int", "Number of records.", "数量", default=0, minimum=0),
                _c("from_owner", "text", "Handed from.", "移交人", ref="people"),
                _c("to_owner", "text", "Handed to.", "接收人", required=True, ref="people"),
                _c("assigned", "date", "Date assigned.", "分配日期", required=True),
                _c("received", "date", "Date received.", "接收日期"),
                _c("status", "text", "Status.", "状态"),
                _c("updated", "date", "Date the resource table was last updated.", "更新日期"),
            ),
        ),
        Dataset(
            "awards",
            "Monthly recognitions.",
            (
                _c("month", "period", "Month YYYY-MM.", "月份", required=True),
                _c("person", "text", "Person id.", "工号", required=True, ref="people"),
                _c("title", "text", "Title of the award.", "奖项", required=True),
            ),
        ),
    )
}

@dataclass(frozen=True)
class Field:
    """One front-matter field of a Markdown collection."""

    name: str
    type: str = "text"
    required: bool = False
    default: object = None
    help: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Collection:
    name: str
    help: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    reserved: tuple[str, ...] = ()  # slugs the collection's own pages use (a file named so gets another)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


LEVELS = ("branch", "division", "team")
MEETING_KINDS = ("kick-off", "analysis", "morning", "daily", "celebration", "sharing", "training")

COLLECTIONS: dict[str, Collection] = {
    c.name: c
    for c in (
        Collection(
            "notices",
            "The announcement board.",
            (
                Field("title", required=True, help="Title."),
                Field("date", "date", required=True, help="Publication date; hidden before it."),
                Field("expires", "date", help="Last day shown; after it the notice drops off."),
                Field("pinned", "bool", default=False, help="Keep on top of the board."),
                Field("category", help="Category, e.g. 通知, 制度, 活动."),
                Field("audience", help="Who it is for."),
            ),
            reserved=("archive",),  # pages.notices.ARCHIVE: the archive by month
        ),
        Collection(
            "battle",
            "Battle reports (战报).",
            (
                Field("title", required=True, help="Headline."),
                Field("date", "date", required=True, help="Date."),
                Field("person", help="Person id or name."),
                Field("unit", help="Unit id or name."),
                Field("amount", "money", help="Premium won."),
            ),
        ),
        Collection(
            "faq",
            "The top-ten-problems booklet.",
            (
                Field("question", required=True, help="The problem as a partner asks it."),
                Field("rank", "int", required=True, minimum=1, maximum=10, help="Rank 1–10."),
                Field("category", help="Category."),
            ),
        ),
        Collection(
            "meetings",
            "Meetings: calendar and minutes.",
            (
                Field("title", help="Title."),
                Field("date", "date", required=True, help="Date."),
                Field("time", "text", help="Start time HH:MM."),
                Field("level", choices=LEVELS, help="branch, division or team."),
                Field("kind", choices=MEETING_KINDS, help="Kind of meeting."),
                Field("unit", help="Unit id."),
                Field("host", help="Host."),
                Field("attendees", help="Attendees."),
            ),
        ),
        Collection(
            "debriefs",
            "Debrief reports (述职).",
            (
                Field("title", help="Title."),
                Field("meeting", required=True, help="File name (slug) of the meeting."),
                Field("unit", help="Unit id."),
                Field("presenter", help="Presenter."),
                Field("submitted", "datetime", required=True, help="When submitted."),
            ),
        ),
        Collection(
            "scripts",
            "Call scripts and SMS templates.",
            (
                Field("title", required=True, help="Title."),
                Field("channel", choices=("phone", "sms"), default="phone", help="phone or sms."),
                Field("category", help="Category."),
            ),
        ),
    )
}
