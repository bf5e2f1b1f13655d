"""The declared schema of every dataset: one declaration drives parsing, validation and docs."""

from __future__ import annotations

from dataclasses import dataclass, field

# Column types the loader knows how to coerce (see inputs/coerce.py).
TYPES = ("text", "int", "number", "money", "date", "datetime", "period", "span", "time", "bool")


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
    # name of the column (with dataset names as its choices) naming, row by row, the dataset whose key this
    # column refers to: the follow-up log points into whichever register its row names
    ref_by: str | None = None
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
    # a row per order or person-day, millions of rows: an optional text column the file does not have is held as
    # an empty Categorical (a byte a row, its cells NaN), not a None a row; its readers take NaN as empty
    bulk: bool = False

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
# The registers' datasets as the follow-up log names them (metrics/registers.py REGISTERS declares the registers;
# a test keeps the two in step).
REGISTER_CHOICES = {
    "receivables": ("回款", "回款台账"),
    "aftersales": ("售后", "售后台账"),
    "leads": ("销线", "销线台账"),
    "projects": ("项目", "项目台账"),
    "followups": ("督办事项", "一次性事项"),
}

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
            bulk=True,
        ),
        Dataset(
            "targets",
            "Targets per unit or person for a month (YYYY-MM), a week (YYYY-Www) or any span of dates "
            "(YYYY-MM-DD..YYYY-MM-DD), of premium, FYC, cases or manpower (units only).",
            (
                _c("period", "span", "Month YYYY-MM, ISO week YYYY-Www (Monday–Sunday) or dates "
                   "YYYY-MM-DD..YYYY-MM-DD (both days included).", "期间", "月份", required=True),
                _c("unit", "text", "Unit id.", "单位编码", "单位", ref="units"),
                _c("person", "text", "Person id.", "工号", ref="people"),
                _c(
                    "metric", "text", "premium, fyc, cases or manpower (headcount at the period's end; units "
                    "only).", "指标", default="premium",
                    choices={"premium": ("保费",), "fyc": ("首年佣金", "FYC"), "cases": ("件数",),
                             "manpower": ("人力", "人数")},
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
                    "kind", "text", "prepayment, in-sale, invoiced, fixed-term (a partner with a payment term) or "
                    "warranty.", "类型", required=True,
                    choices={
                        "prepayment": ("预付款",),
                        "in-sale": ("售中", "售中货款"),
                        "invoiced": ("已开票", "已开票到账期"),
                        "fixed-term": ("固定合作", "固定合作有账期", "账期客户"),
                        "warranty": ("质保", "质保款"),
                    },
                ),
                _c("invoice_date", "date", "Invoice date.", "开票日期"),
                _c("due_date", "date", "Due date.", "到期日", "账期"),
                _c("amount", "money", "Amount due.", "金额", "应收金额", required=True),
                _c("paid", "money", "Amount paid so far.", "已回款", default=0.0),
                _c("last_followup", "date", "Date of the last follow-up (督办).", "最近跟进", "跟进日期"),
                _c("plan", "text", "The collection plan: when and how the amount comes in.", "回款计划"),
                _c("feasibility", "text", "How feasible the plan is (可行性).", "可行性", "计划可行性"),
                _c("customer_risk", "text", "The customer's business risk seen (经营风险).", "客户风险", "经营风险"),
                _c("remedy", "text", "The remedy for a delayed payment (延期补救方案).", "补救方案", "延期补救方案"),
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
                _c("method", "text", "How the case is handled (处理办法).", "处理办法", "处理方式"),
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
                _c("probability", "number", "Chance of closing, 0–100 (销线质量: 合作几率).", "成交概率", "合作几率",
                   minimum=0, maximum=100),
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
                _c("handoff", "date", "Date handed to the back end (流转后端).", "移交日期", "流转日期"),
                _c("next_target", "text", "The back end's next target after the hand-off.", "移交后目标",
                   "后端下一步目标"),
            ),
        ),
        Dataset(
            "project_indicators",
            "New projects' daily, weekly and monthly indicators (新项目的日、周、月指标): one row per project, "
            "indicator and period, with its target and what is done so far. A project's current figure of an "
            "indicator is its latest row of the as-of day, week (Monday–Sunday) or month.",
            (
                _c("project", "text", "The project's id in the projects register.", "项目编号", "编号",
                   required=True, ref="projects"),
                _c("indicator", "text", "What is measured (外呼量, 拜访客户数, 签约件数 …).", "指标", "指标名称",
                   required=True),
                _c("period", "text", "day, week or month: the period the target is for.", "周期", "指标周期",
                   required=True, choices={"day": ("日", "每日", "日指标", "当日"),
                                           "week": ("周", "每周", "周指标", "本周"),
                                           "month": ("月", "每月", "月指标", "本月")}),
                _c("date", "date", "The day the figure is as of (a day of the week or month for week and month "
                   "indicators).", "日期", "统计日期", required=True, past=True),
                _c("target", "number", "The period's target.", "目标", "目标值", required=True, minimum=0),
                _c("actual", "number", "Done in the period up to that day; empty counts as 0.", "完成", "实际",
                   "完成值", default=0, minimum=0),
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
                _c("line", "text", "The line (条线) the item belongs to.", "条线"),
                _c("priority", "text", "Priority: high, normal or low.", "优先级",
                   choices={"high": ("高", "重要紧急", "紧急"), "normal": ("中", "一般"), "low": ("低",)}),
                _c("contact_times", "text", "The communication times agreed (约定沟通时间).", "约定沟通时间",
                   "沟通时间"),
            ),
        ),
        Dataset(
            "followup_log",
            "The follow-up history of the register items (督办跟进记录): one row per follow-up of any register's "
            "item. An item's latest entry is its last follow-up; an overdue item needs a remedy plan (补救措施).",
            (
                _c("register", "text", "The register the item is in.", "台账", "台账类型", required=True,
                   choices=REGISTER_CHOICES),
                _c("item", "text", "The item's id in that register.", "编号", "事项编号", required=True,
                   ref_by="register"),
                _c("date", "date", "Date of the follow-up.", "跟进日期", "日期", required=True),
                _c("by", "text", "Person id of who followed up.", "跟进人", ref="people"),
                _c("note", "text", "What was done and found.", "跟进情况", "记录"),
                _c("next_date", "date", "Date of the next follow-up agreed.", "下次跟进", "下次跟进日期"),
                _c("remedy_plan", "text", "The remedy plan for a slipping item (倒逼出的补救措施).", "补救措施",
                   "补救方案", "整改计划"),
                _c("status", "text", "Where the item stands after this follow-up.", "状态", "进展"),
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
                _c("kind", "text", "performance (the supervisor's monthly talk) or leapfrog (越级谈话: a senior "
                   "manager with a chronic laggard).", "类型", "谈话类型",
                   choices={"performance": ("绩效面谈", "绩效谈话", "面谈"), "leapfrog": ("越级谈话", "越级")}),
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
            "clearance",
            "Newcomers' 通关: each problem of the top-ten booklet a person has answered before an examiner.",
            (
                _c("person", "text", "Person id.", "工号", "姓名工号", required=True, ref="people"),
                _c("problem", "int", "The problem's rank in the top-ten booklet, 1–10.", "问题序号", "题号",
                   "问题", required=True, minimum=1, maximum=10),
                _c("date", "date", "Date of the attempt.", "日期", "通关日期", required=True, past=True),
                _c("result", "text", "passed or failed.", "结果", default="passed",
                   choices={"passed": ("通过", "已通关", "合格"), "failed": ("未通过", "不通过", "不合格")}),
                _c("examiner", "text", "Person id of the examiner.", "考官", "主考", ref="people"),
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
    # canonical choice -> other accepted spellings (editors write 早会, not morning)
    aliases: dict[str, tuple[str, ...]] | None = None


@dataclass(frozen=True)
class Collection:
    name: str
    help: str
    fields: tuple[Field, ...] = field(default_factory=tuple)
    reserved: tuple[str, ...] = ()  # slugs the collection's own pages use (a file named so gets another)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


LEVEL_NAMES = {
    "branch": ("分公司", "市分公司", "中支", "机构"),
    "division": ("营业部", "部", "事业部", "营业区"),
    "team": ("团队", "组", "营业组"),
}
LEVELS = tuple(LEVEL_NAMES)
# The seed's meetings: the branch's brainstorming of senior managers, kick-off, analysis at each stage, cadres' and
# group trainers' regular meetings; the division's kick-off, supervisors' morning meeting, morning and evening
# meetings, daily follow-up, celebration, sharing, part-time lecturers' meeting and the not-broken-zero meeting.
MEETING_KIND_NAMES = {
    "kick-off": ("启动会", "启动大会"),
    "analysis": ("经营分析会", "分析会", "业务分析会"),
    "morning": ("早会",),
    "evening": ("夕会", "晚会"),
    "daily": ("日新追踪会", "追踪会", "日新会"),
    "celebration": ("表彰会", "庆功会"),
    "sharing": ("经验分享会", "分享会"),
    "training": ("培训会", "培训"),
    "brainstorm": ("高层头脑风暴会", "头脑风暴会"),
    "cadre": ("干部例会", "营销管理干部例会"),
    "trainer": ("组训例会",),
    "lecturer": ("讲师会", "兼职讲师会"),
    "supervisor-morning": ("督导早会", "主管早会"),
    "zero": ("未破零专题会", "未破零会"),
}
MEETING_KINDS = tuple(MEETING_KIND_NAMES)
DEBRIEF_STATUS = {"passed": ("通过", "合格"), "redo": ("重做", "不合格", "退回", "返工")}
# What a campaign ranks by: sums of the sales, joiners of the units, people with a case, premium against target.
CAMPAIGN_METRICS = ("premium", "fyc", "cases", "recruits", "active", "achievement")
CAMPAIGN_REPEATS = ("weekly", "monthly")

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
                Field("units", "list", help="Unit ids it is for, e.g. [HD01]: then shown only on those units' "
                      "screens and in their scoped builds (and above them). Default: everyone."),
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
                Field("units", "list", help="Unit ids it is for, e.g. [HD01]: then shown only on those units' "
                      "screens and in their scoped builds (and above them). Default: everyone."),
            ),
            reserved=("page", "month", "unit"),  # pages.battle: the list's pages and its filters
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
                Field("level", choices=LEVELS, aliases=LEVEL_NAMES, help="branch, division or team (or 分公司, "
                      "营业部, 团队)."),
                Field("kind", choices=MEETING_KINDS, aliases=MEETING_KIND_NAMES, help="Kind of meeting (or its "
                      "Chinese name: 早会, 夕会, 干部例会, 未破零专题会 …)."),
                Field("unit", help="Unit id."),
                Field("host", help="Host."),
                Field("attendees", help="Attendees."),
                Field("agenda", help="Preparation: the agenda (议程)."),
                Field("material", help="Preparation: the material prepared (会议材料)."),
                Field("evaluation", help="The evaluation after the meeting (会后评估); missing two days after the "
                      "meeting ([rules] meeting_evaluation_days) it is a warning."),
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
                Field("status", choices=tuple(DEBRIEF_STATUS), aliases=DEBRIEF_STATUS,
                      help="passed (通过) or redo (重做): a debrief that fails the template is done again."),
                Field("redo_by", "date", help="When a redo is due; without it, [rules] debrief_redo_days after "
                      "submission."),
            ),
        ),
        Collection(
            "campaigns",
            "Sales campaigns and contests (开门红, 决胜冬季, 破零): rankings and progress over their dates.",
            (
                Field("title", required=True, help="Name of the campaign."),
                Field("start", "date", required=True, help="First day."),
                Field("end", "date", help="Last day; required unless the campaign repeats (then it may run on)."),
                Field("metric", choices=CAMPAIGN_METRICS, default="premium",
                      help="premium, fyc, cases, recruits (sales-force joiners), active (people with a case) or "
                           "achievement (premium ÷ target; target is then each person's target)."),
                Field("target", "number", minimum=0,
                      help="The campaign's goal in its metric, for the progress bar; with achievement, each "
                           "person's premium target (a unit's is it × its headcount)."),
                Field("units", "list", help="Unit ids taking part, with the units below them. Default: everyone."),
                Field("tiers", "tiers", help="Prize tiers: a list of {name, threshold}; a person reaching a "
                                             "threshold of the metric earns the tier (the highest reached)."),
                Field("repeat", choices=CAMPAIGN_REPEATS,
                      help="weekly (Monday–Sunday) or monthly: the contest starts again each period, within "
                           "start and end."),
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
