"""`trackboard notify`: real Apprise against real receivers on loopback (an HTTP server behind json://, DingTalk's
and WeCom's plugins pointed at it, an SMTP server behind mailto://), faults included, and the ledger after each."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import BASELINE, FIXED_NOW, write_files

from generator import formats
from generator.cli import main
from generator.commands.build import build
from generator.commands.notify import NotifyResult, notify
from generator.notify.delivery import Target, secret_parts, shown_url
from generator.notify.ledger import Ledger
from generator.notify.messages import read_csv

REPO = Path(__file__).resolve().parents[1]

# The baseline with three sellers on the as-of day (2026-03-05) and overdue follow-ups.
EXTRA = {
    "data/sales.csv": """\
日期,工号,保费,件数,险种
2026-03-02,P003,"¥12,000.00",1,金福年金
2026-03-03,P004,"¥94,000.00",1,康宁终身
2026-03-05,P002,3000,1,意外险
2026-03-05,P003,"¥21,000.00",1,金福年金
2026-03-05,P004,15000,1,康宁终身
2026-03-05,P001,8000,1,意外险
""",
    "data/followups.csv": """\
编号,事项,负责人,截止日期,状态,最近跟进
DB1,客户回访,P003,2026-03-10,进行中,2026-02-20
DB2,资料整理,P002,2026-03-10,进行中,2026-02-25
DB3,场地预订,P004,2026-03-10,进行中,2026-03-04
""",
}
SECRET = "s3cr3t-T0KEN-9f8e7d"  # must never appear anywhere but in the environment
TEN_AM = dt.datetime(2026, 3, 5, 2, 0, tzinfo=dt.UTC)  # 10:00 in Shanghai


class FakeClock:
    """Time that moves only when slept in (and by `advance`): pacing and backoff are checked without waiting."""

    def __init__(self, start: dt.datetime = TEN_AM) -> None:
        self.current = start
        self.slept: list[float] = []

    def now(self) -> dt.datetime:
        return self.current

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.current += dt.timedelta(seconds=seconds)


class Receiver:
    """An HTTP server on 127.0.0.1 that records every request's JSON body and answers as `mode` says:
    ok (200), error (500), hang (no answer until released), close (drops the connection)."""

    def __init__(self, mode: str = "ok") -> None:
        self.mode = mode
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()
        self.arrived = threading.Event()
        self.block_at: int | None = None  # hold the answer to this request (1-based) until released
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = {"raw": raw.decode("utf-8", "replace")}
                receiver.requests.append({"path": self.path, "body": body})
                receiver.arrived.set()
                mode = receiver.mode
                if receiver.block_at == len(receiver.requests) or mode == "hang":
                    receiver.release.wait(10)
                if mode == "close":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status = 500 if mode == "error" else 200
                payload = b'{"errcode":0,"errmsg":"ok"}' if status == 200 else b"oops"
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str = "hook") -> str:
        return f"json://127.0.0.1:{self.port}/{path}"

    def texts(self) -> list[str]:
        return [f"{r['body'].get('title', '')}\n{r['body'].get('message', '')}" for r in self.requests]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Callable[..., Receiver]]:
    made: list[Receiver] = []

    def make(mode: str = "ok") -> Receiver:
        made.append(Receiver(mode))
        return made[-1]

    yield make
    for r in made:
        r.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small site built once; each test gets a copy of the site with its output."""
    root = tmp_path_factory.mktemp("notify") / "site"
    write_files(root, {**BASELINE, **EXTRA})
    build(root, clock=lambda: FIXED_NOW)
    return root


@pytest.fixture
def make_notify_site(tmp_path: Path, built: Path) -> Callable[..., Path]:
    def make(targets: str, site_extra: str = "") -> Path:
        site = tmp_path / "site"
        shutil.copytree(built, site)
        config = (site / "site.toml").read_text(encoding="utf-8")
        if site_extra:
            config = config.replace('currency = "CNY"\n', f'currency = "CNY"\n{site_extra}\n')
        (site / "site.toml").write_text(config + "\n" + targets, encoding="utf-8")
        return site

    return make


def target(name: str, url: str, **keys: object) -> str:
    lines = ["[[notify]]", f'name = "{name}"', f'url = "{url}"']
    keys.setdefault("retry_seconds", 0.01)
    keys.setdefault("timeout", 2)
    for key, value in keys.items():
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def run(site: Path, clock: FakeClock | None = None, env: dict[str, str] | None = None, **kwargs: Any
        ) -> NotifyResult:
    return notify(site, clock=clock or FakeClock(), environ=env or {}, echo=lambda _: None, **kwargs)


def ledger_lines(site: Path) -> list[dict[str, str]]:
    path = site / ".trackboard-notify" / "ledger.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def day_csv(site: Path, name: str) -> list[dict[str, str]]:
    return read_csv(site / "output" / "daily" / "2026-03-05" / name)


# --- what is sent, and once ---


def test_morning_battle_and_overdue_reach_the_chat_once(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("全员群", chat.url()))
    result = run(site)
    assert not result.failed and result.targets[0].sent == 3
    morning, battle, overdue = chat.texts()
    hq = next(r for r in day_csv(site, "units.csv") if r["unit"] == "HQ")
    assert "测试分公司" in morning
    assert f"当日保费 {formats.money(float(hq['premium_day']), 'zh-CN')}" in morning
    assert formats.money(float(hq["premium_day"]), "zh-CN") == "4.7万"
    assert "当日前三：王业务 2.1万、赵新人 1.5万、张经理 8,000" in morning
    assert "时间进度 16.1%" in morning  # 5 of 31 days
    assert "http" not in morning  # no base_url: no links
    assert "康宁终身" in battle and "9.4万" in battle
    assert "王业务" in overdue and "客户回访" in overdue and "李主管" in overdue and "资料整理" in overdue
    assert "138" not in overdue  # json:// mentions nobody by phone
    assert [(e["target"], e["kind"], e["id"]) for e in ledger_lines(site)] == [
        ("全员群", "morning", "2026-03-05"), ("全员群", "battle", battle_key(site)),
        ("全员群", "overdue", "2026-03-05")]

    again = run(site)
    assert again.targets[0].sent == 0 and len(chat.requests) == 3 and len(ledger_lines(site)) == 3


@pytest.mark.parametrize("grace", [5, 6])
def test_overdue_items_without_a_remedy_plan_are_told_by_owner_once(tmp_path, receiver, grace: int) -> None:
    # DB1 (王业务) is 13 days from its last follow-up on a weekly cadence: overdue by 6, with no plan in the log;
    # DB2 (李主管) is overdue by 1 with a plan. Over the grace days DB1 is pushed for a plan, else a plain overdue.
    log = "台账,编号,跟进日期,跟进人,跟进情况,下次跟进,补救措施,状态\n" \
          "督办事项,DB1,2026-02-20,P003,客户未接电话,2026-02-27,,跟进中\n" \
          "督办事项,DB2,2026-02-25,P002,资料缺两份,2026-03-01,周五前补齐并交督办,进行中\n"
    site = tmp_path / "site"
    chat = receiver()
    write_files(site, {**BASELINE, **EXTRA, "data/followup_log.csv": log,
                       "site.toml": BASELINE["site.toml"] + f"remedy_grace_days = {grace}\n\n"
                       + target("全员群", chat.url(), send=["overdue"])})
    build(site, clock=lambda: FIXED_NOW)
    missing = read_csv(site / "output" / "warnings" / "remedy-missing.csv")
    assert [(r["owner"], r["id"]) for r in missing] == ([("P003", "DB1")] if grace < 6 else [])
    assert not run(site).failed
    (overdue,) = chat.texts()
    assert "逾期待跟进 2 项，涉及 2 人" in overdue  # DB1 once, though it is on both lists
    pushed = "王业务（1 项）：单件事项「客户回访」逾期 6 天，未报补救措施"
    plain = "王业务（1 项）：单件事项「客户回访」逾期 6 天\n"
    assert (pushed in overdue) == (grace < 6) and (plain in overdue + "\n") == (grace >= 6)
    assert "李主管（1 项）：单件事项「资料整理」逾期 1 天" in overdue and overdue.count("未报补救措施") == (grace < 6)


def battle_key(site: Path) -> str:
    feed = (site / "output" / "battle" / "feed.xml").read_text(encoding="utf-8")
    return "order-" + feed.split("urn:trackboard:battle:order-", 1)[1].split("<", 1)[0]


def test_a_new_as_of_date_sends_a_new_morning_notice(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("全员群", chat.url(), send=["morning"]))
    run(site)
    build(site, as_of=dt.date(2026, 3, 3), clock=lambda: FIXED_NOW)  # an older day: not sent again as news
    older = run(site)
    assert older.targets[0].sent == 0 and "later 2026-03-05" in older.targets[0].notes[0]
    write_files(site, {"data/sales.csv": EXTRA["data/sales.csv"] + "2026-03-06,P003,5000,1,意外险\n"})
    build(site, clock=lambda: FIXED_NOW + dt.timedelta(days=1))  # the next day's build
    assert run(site).targets[0].sent == 1
    assert len(chat.requests) == 2 and "3月6日" in chat.texts()[1]
    assert [e["id"] for e in ledger_lines(site)] == ["2026-03-05", "2026-03-06"]


def test_a_unit_target_gets_its_subtree_only_with_links(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("一组群", chat.url(), unit="T1"),
                            site_extra='base_url = "http://intranet.example/tb"')
    assert not run(site).failed
    morning, overdue = chat.texts()  # the big order was T2's: no battle report for T1
    t1 = next(r for r in day_csv(site, "units.csv") if r["unit"] == "T1")
    assert "一组晨报" in morning and formats.money(float(t1["premium_day"]), "zh-CN") in morning
    assert "当日前三：王业务 2.1万、李主管 3,000" in morning and "赵新人" not in morning
    assert "日报：http://intranet.example/tb/daily/2026-03-05/" in morning
    assert "王业务" in overdue and "李主管" in overdue and "http://intranet.example/tb/warnings/" in overdue


def test_an_unknown_unit_fails_that_target_only(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("错群", chat.url("a"), unit="T9") + target("全员群", chat.url("b")))
    result = run(site)
    assert [t.name for t in result.failed] == ["错群"] and 'unit "T9"' in result.failed[0].error
    assert len(chat.requests) == 3 and {r["path"] for r in chat.requests} == {"/b"}


def test_english_site(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("team", chat.url(), send=["morning"]))
    config = (site / "site.toml").read_text(encoding="utf-8").replace('locale = "zh-CN"', 'locale = "en"')
    (site / "site.toml").write_text(config, encoding="utf-8")
    run(site)
    assert "Top three of the day: 王业务 21,000, 赵新人 15,000, 张经理 8,000" in chat.texts()[0]


def test_only_and_dry_run(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("全员群", chat.url("${HOOK}")))
    printed: list[str] = []
    result = notify(site, dry_run=True, environ={"HOOK": SECRET}, echo=printed.append, clock=FakeClock())
    out = "\n".join(printed)
    assert result.targets[0].sent == 3 and "--- 全员群 · morning 2026-03-05 ---" in out and "测试分公司" in out
    assert SECRET not in out and chat.requests == [] and not (site / ".trackboard-notify" / "ledger.jsonl").exists()
    run(site, env={"HOOK": SECRET}, only="battle")
    assert [e["kind"] for e in ledger_lines(site)] == ["battle"]
    assert chat.requests[0]["path"] == f"/{SECRET}"


# --- faults ---


def test_a_failing_target_is_retried_reported_and_owed(make_notify_site, receiver) -> None:
    bad, good = receiver("error"), receiver()
    site = make_notify_site(target("坏群", bad.url(), retries=2, retry_seconds=5) + target("好群", good.url()))
    clock = FakeClock()
    result = run(site, clock)
    assert [t.name for t in result.failed] == ["坏群"]
    assert "3 tries" in result.failed[0].error and "error=500" in result.failed[0].error
    assert result.failed[0].owed == 3
    assert len(bad.requests) == 3 and clock.slept == [5, 10]  # backoff doubles, bounded
    assert len(good.requests) == 3
    assert {e["target"] for e in ledger_lines(site)} == {"好群"}
    bad.mode = "ok"
    later = run(site, clock)
    assert not later.failed and later.targets[0].sent == 3 and later.targets[1].sent == 0
    assert len(ledger_lines(site)) == 6


@pytest.mark.parametrize(("mode", "why"), [("hang", "timed out"), ("close", "connection closed without an answer"),
                                          ("refused", "connection refused")])
def test_timeouts_dropped_and_refused_connections_fail_cleanly(make_notify_site, receiver, mode: str,
                                                              why: str) -> None:
    if mode == "refused":
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            url = f"json://127.0.0.1:{s.getsockname()[1]}/hook"  # closed again before the send: refused
        server = None
    else:
        server = receiver(mode)
        url = server.url()
    site = make_notify_site(target("群", url, retries=1, timeout=0.3))
    started = time.monotonic()
    result = run(site)
    assert result.failed and result.failed[0].owed == 3 and "2 tries" in result.failed[0].error
    assert result.failed[0].error.endswith(f"({why})")
    assert time.monotonic() - started < 8
    assert not (site / ".trackboard-notify" / "ledger.jsonl").exists()
    if server is not None:
        assert len(server.requests) == 2  # the first message twice, then the target is given up for this run


def test_the_cli_exits_non_zero_when_a_target_failed(make_notify_site, receiver) -> None:
    site = make_notify_site(target("坏群", receiver("error").url("${HOOK}"), retries=0) + target("好群",
                            receiver().url()))
    result = CliRunner().invoke(main, ["notify", str(site)], env={"HOOK": SECRET})
    assert result.exit_code == 1, result.output
    assert "坏群 (json://127.0.0.1:" in result.output and "FAILED" in result.output
    assert "好群" in result.output and "sent 3" in result.output
    assert SECRET not in result.output


def test_a_kill_between_two_sends_loses_no_record(make_notify_site, receiver) -> None:
    chat = receiver()
    chat.block_at = 2  # the first message is answered, the second is held while the process is killed
    site = make_notify_site(target("全员群", chat.url()))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen([sys.executable, "-m", "generator", "notify", str(site)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while len(chat.requests) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(chat.requests) == 2
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    assert [e["kind"] for e in ledger_lines(site)] == ["morning"]  # the answered one was recorded before the kill
    chat.block_at = None
    chat.release.set()
    result = run(site)
    assert not result.failed and result.targets[0].sent == 2
    kinds = [r["body"]["title"].split("】")[0] for r in chat.requests]
    assert kinds == ["【测试分公司晨报", "【战报", "【战报", "【督办提醒"]  # only the interrupted one repeated
    assert [e["kind"] for e in ledger_lines(site)] == ["morning", "battle", "overdue"]


def test_a_torn_ledger_line_is_ignored_and_cut_off(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    ledger.record("群", "morning", "2026-03-05", TEN_AM)
    with ledger.path.open("ab") as handle:
        handle.write(b'{"target": "\xe7\xbe\xa4", "kind": "bat')  # killed mid-write
    again = Ledger(tmp_path)
    assert again.sent("群", "morning", "2026-03-05") and len(again.entries) == 1
    again.record("群", "battle", "x", TEN_AM)
    assert Ledger(tmp_path).sent("群", "battle", "x") and len(Ledger(tmp_path).entries) == 2


# --- pacing and quiet hours ---


def test_sends_are_paced_per_target(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("群", chat.url(), rate=2, rate_seconds=60))
    clock = FakeClock()
    run(site, clock)
    assert len(chat.requests) == 3 and sum(clock.slept) == pytest.approx(60, abs=0.1)
    times = [dt.datetime.fromisoformat(e["sent_at"]) for e in ledger_lines(site)]
    assert (times[2] - times[0]).total_seconds() >= 60


def test_quiet_hours_across_midnight_hold_messages_for_a_later_run(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("群", chat.url(), quiet_hours=["21:30", "07:30"]))
    late = FakeClock(dt.datetime(2026, 3, 5, 15, 0, tzinfo=dt.UTC))  # 23:00 in Shanghai
    result = run(site, late)
    assert result.targets[0].held == 3 and not result.failed and chat.requests == []
    early = FakeClock(dt.datetime(2026, 3, 5, 23, 29, tzinfo=dt.UTC))  # 07:29 the next morning: still quiet
    assert run(site, early).targets[0].held == 3
    assert run(site, FakeClock(dt.datetime(2026, 3, 5, 23, 30, tzinfo=dt.UTC))).targets[0].sent == 3


def test_quiet_hours_rules() -> None:
    night = Target("t", "json://x", [], quiet_hours=["21:30", "07:30"])
    day = Target("t", "json://x", [], quiet_hours=["12:00", "13:30"])

    def at(hour: int, minute: int) -> dt.datetime:
        return dt.datetime(2026, 3, 5, hour, minute, tzinfo=dt.UTC) - dt.timedelta(hours=8)

    assert [night.is_quiet(at(h, m), "Asia/Shanghai") for h, m in [(21, 29), (21, 30), (0, 0), (7, 29), (7, 30)]] \
        == [False, True, True, True, False]
    assert [day.is_quiet(at(h, m), "Asia/Shanghai") for h, m in [(11, 59), (12, 0), (13, 29), (13, 30)]] \
        == [False, True, True, False]
    assert not Target("t", "json://x", []).is_quiet(at(3, 0), "Asia/Shanghai")


# --- secrets ---


def test_a_missing_variable_names_the_target_and_the_variable(make_notify_site) -> None:
    site = make_notify_site(target("一部群", "wecombot://${WECOM_D1}"))
    result = run(site, env={})
    assert result.failed[0].error == ('notify target "一部群": the environment variable WECOM_D1 is not set '
                                      "(its url uses ${WECOM_D1})")


def test_secrets_are_never_shown_written_or_logged(make_notify_site, receiver, capfd, caplog) -> None:
    bad = receiver("error")
    url = f"json://bot:${{PASS}}@127.0.0.1:{bad.port}/${{HOOK}}"
    site = make_notify_site(target("群", url, retries=1) + target("机器人", "wecombot://${WECOM}"))
    env = {"HOOK": SECRET, "PASS": "pa55-" + SECRET, "WECOM": "wk-" + SECRET}
    result = CliRunner().invoke(main, ["notify", str(site)], env=env)
    assert result.exit_code == 1
    captured = capfd.readouterr()
    everything = result.output + captured.out + captured.err + caplog.text
    assert SECRET not in everything and "json://127.0.0.1:" in result.output and "wecombot://…" in result.output
    assert bad.requests[0]["path"] == f"/{SECRET}"  # the secret was used, only not shown
    for path in [*site.joinpath(".trackboard-notify").rglob("*"), *site.joinpath("output").rglob("*")]:
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), path


def test_shown_urls_keep_only_scheme_and_host() -> None:
    assert shown_url("wecombot://abcd1234efgh") == "wecombot://…"
    assert shown_url("dingtalk://sec@tok/13800000001") == "dingtalk://…"
    assert shown_url("feishu://TOKEN") == "feishu://…"
    assert shown_url("mailto://user:pw@smtp.example.com:465?to=a@b.c") == "mailto://smtp.example.com:465"
    assert shown_url("json://127.0.0.1:8080/hook/SECRET") == "json://127.0.0.1:8080"
    assert shown_url("${WHOLE_URL}") == "(from the environment)"
    assert {"user", "pw", "SECRET", "hook"} <= set(secret_parts("json://user:pw@127.0.0.1:8080/hook/SECRET"))


# --- services ---


@pytest.fixture
def smtp() -> Iterator[tuple[int, list[bytes]]]:
    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Handler:
        async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:
            received.append(envelope.content)
            return "250 OK"

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()


def test_mail_through_a_real_smtp_server_with_the_pdf_and_poster_attached(make_notify_site, smtp) -> None:
    port, received = smtp
    site = make_notify_site(target("邮件", f"mailto://127.0.0.1:{port}?from=tb@example.com&to=boss@example.com",
                                   send=["morning"]))
    assert not run(site).failed
    mail = email.message_from_bytes(received[0], policy=email.policy.default)
    assert "测试分公司晨报" in str(mail["Subject"])
    assert "当日前三：王业务 2.1万" in mail.get_body(("plain",)).get_content()
    parts = {part.get_filename(): part.get_content() for part in mail.iter_attachments()}
    assert list(parts) == ["report.pdf", "2026-03-05.png"]  # what the build made: the day's report and poster
    assert parts["report.pdf"].startswith(b"%PDF") and parts["2026-03-05.png"].startswith(b"\x89PNG")


def test_a_missing_pdf_or_poster_is_no_error_and_json_takes_attachments(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("群", chat.url(), send=["morning"]))
    run(site)
    assert [a["filename"] for a in chat.requests[0]["body"]["attachments"]] == ["report.pdf", "2026-03-05.png"]
    (site / "output" / "daily" / "2026-03-05" / "report.pdf").unlink()
    (site / "output" / "posters" / "daily" / "2026-03-05.png").unlink()
    (site / ".trackboard-notify" / "ledger.jsonl").unlink()
    assert not run(site).failed
    assert chat.requests[1]["body"]["attachments"] == []


@pytest.fixture
def robots_at(monkeypatch) -> Callable[[Receiver], None]:
    """Point Apprise's DingTalk and WeCom robots (whose host is fixed) at a loopback receiver."""

    def point(chat: Receiver) -> None:
        from apprise.plugins.dingtalk import NotifyDingTalk
        from apprise.plugins.wecombot import NotifyWeComBot

        base = f"http://127.0.0.1:{chat.port}"
        monkeypatch.setattr(NotifyDingTalk, "notify_url", base + "/robot/send?access_token={token}")
        monkeypatch.setattr(NotifyWeComBot, "notify_url", base + "/cgi-bin/webhook/send?key={key}")

    return point


@pytest.mark.parametrize("profile", ["managers", "screen"])
def test_dingtalk_mentions_owners_by_phone_masked_by_profile(make_notify_site, receiver, robots_at,
                                                             profile: str) -> None:
    chat = receiver()
    robots_at(chat)
    site = make_notify_site(target("钉钉群", "dingtalk://${DING}/", send=["overdue"], profile=profile))
    assert not run(site, env={"DING": "a1b2c3d4e5f6"}).failed
    payload = chat.requests[0]["body"]
    assert sorted(payload["at"]["atMobiles"]) == ["13800000002", "13800000003"]
    content = payload["text"]["content"]
    assert "王业务" in content and "客户回访" in content
    assert ("@13800000003 王业务" in content) is (profile == "managers")
    if profile == "screen":
        assert "138000" not in content
    assert chat.requests[0]["path"] == "/robot/send?access_token=a1b2c3d4e5f6"


def test_wecom_robot_gets_the_title_in_its_text(make_notify_site, receiver, robots_at) -> None:
    chat = receiver()
    robots_at(chat)
    site = make_notify_site(target("企微群", "wecombot://${WECOM}", send=["morning"]))
    assert not run(site, env={"WECOM": "wk-0123456789"}).failed
    content = chat.requests[0]["body"]["text"]["content"]
    assert "测试分公司晨报" in content and "当日前三" in content and "13800" not in content


def test_no_targets_and_config_errors(make_notify_site) -> None:
    site = make_notify_site("")
    assert run(site).targets == []
    bad = site / "site.toml"
    bad.write_text(bad.read_text(encoding="utf-8") + '[[notify]]\nname = "x"\nurl = "json://h"\nsend = ["mornin"]\n',
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["notify", str(site)])
    assert result.exit_code == 1 and 'did you mean "morning"' in result.output


def test_no_published_build_is_a_clear_error(tmp_path: Path, make_site) -> None:
    site = make_site(tmp_path / "fresh", {"site.toml": BASELINE["site.toml"] + target("群", "json://127.0.0.1:9/x")})
    result = CliRunner().invoke(main, ["notify", str(site)])
    assert result.exit_code == 1 and "run `trackboard build` first" in result.output


def test_build_notify_sends_after_the_build(tmp_path: Path, make_site, receiver) -> None:
    chat = receiver()
    site = make_site(tmp_path / "s", {**EXTRA, "site.toml": BASELINE["site.toml"] + target("群", chat.url(),
                                                                                          send=["morning"])})
    result = CliRunner().invoke(main, ["build", str(site), "--notify"])
    assert result.exit_code == 0, result.output
    assert len(chat.requests) == 1 and "群 (json://127.0.0.1:" in result.output


# --- the example site, end to end ---


@pytest.mark.slow
def test_example_site_morning_figures_equal_units_csv(tmp_path: Path, example_build, receiver) -> None:
    out = example_build()
    chat = receiver()
    site = tmp_path / "site"
    site.mkdir()
    config = (REPO / "site.toml").read_text(encoding="utf-8")
    (site / "site.toml").write_text(config + "\n" + target("一部群", chat.url(), unit="HD01", send=["morning"]),
                                    encoding="utf-8")
    shutil.copytree(REPO / "theme", site / "theme")  # the branding's logo
    assert not run(site, out=out).failed
    as_of = json.loads((out / "build.json").read_text(encoding="utf-8"))["as_of"]
    units = read_csv(out / "daily" / as_of / "units.csv")
    people = read_csv(out / "daily" / as_of / "people.csv")
    row = next(r for r in units if r["unit"] == "HD01")
    text = chat.texts()[0]

    def money(value: str) -> str:
        return formats.money(float(value), "zh-CN")

    assert f"【{row['name']}晨报】" in text
    assert f"当日保费 {money(row['premium_day'])}，件数 {row['cases_day']}" in text
    assert (f"本月累计 {money(row['premium_mtd'])}，目标 {money(row['target_month'])}，"
            f"达成 {formats.percent(float(row['achievement_mtd']), 'zh-CN')}") in text
    subtree = {r["unit"] for r in units if r["unit"] == "HD01" or r["unit"].startswith("HD01-")}
    top = sorted((p for p in people if p["unit"] in subtree and float(p["premium_day"]) > 0),
                 key=lambda p: (-float(p["premium_day"]), -float(p["premium_mtd"]), p["person"]))[:3]
    assert "当日前三：" + "、".join(f"{p['name']} {money(p['premium_day'])}" for p in top) in text


def test_two_runs_at_once_do_not_both_send(make_notify_site, receiver) -> None:
    from generator.errors import TrackboardError
    from generator.notify.ledger import locked

    chat = receiver()
    site = make_notify_site(target("群", chat.url()))
    with locked(site), pytest.raises(TrackboardError, match="another `trackboard notify` is running"):
        run(site)
    assert chat.requests == []
    assert run(site).targets[0].sent == 3


def test_each_new_battle_report_is_sent_once(make_notify_site, receiver) -> None:
    chat = receiver()
    site = make_notify_site(target("群", chat.url(), send=["battle"]))
    run(site)
    assert len(chat.requests) == 1
    write_files(site, {"content/battle/second.md": "---\ntitle: 李主管团队单日破万\ndate: 2026-03-05\nperson: P002\n"
                                                   "unit: T1\namount: 13000\n---\n\n好样的。\n"})
    build(site, clock=lambda: FIXED_NOW)
    result = run(site)
    assert result.targets[0].sent == 1 and len(chat.requests) == 2
    assert "李主管团队单日破万" in chat.texts()[1] and "一组" in chat.texts()[1]
    assert [e["id"] for e in ledger_lines(site)] == [battle_key(site), "second"]
    assert run(site).targets[0].sent == 0


def test_an_unknown_profile_on_a_target_is_an_error(make_notify_site) -> None:
    site = make_notify_site(target("群", "json://127.0.0.1:9/x", profile="scren"))
    result = CliRunner().invoke(main, ["notify", str(site)])
    assert result.exit_code == 1 and "没有名为“scren”的发布配置（profile），是不是“screen”？" in result.output
