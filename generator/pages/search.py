"""search/: offline full-text search over notices, battle reports, the FAQ, meetings and scripts."""

from __future__ import annotations

from ..i18n import register
from ..render import Page
from .context import Context, Section

register(
    {
        "zh-CN": {
            "nav.search": "搜索",
            "search.title": "搜索",
        "search.label": "关键词",
            "search.intro": "在通知、战报、十大问题、会议和话术中搜索。",
            "search.placeholder": "输入关键词，如：没钱、开门红",
            "search.file": "搜索需要通过网址（服务器）打开本站；从共享文件夹直接打开时无法使用。",
            "search.noscript": "搜索需要启用 JavaScript。",
        },
        "en": {
            "nav.search": "Search",
            "search.title": "Search",
        "search.label": "Words to find",
            "search.intro": "Search notices, battle reports, the top ten problems, meetings and scripts.",
            "search.placeholder": "Type a word, e.g. money",
            "search.file": "Search works when the site is opened from a web address, not straight from a file share.",
            "search.noscript": "Search needs JavaScript.",
        },
    }
)


def build(ctx: Context) -> Section | None:
    if not ctx.wants("search"):
        return None
    page = Page("search/index.html", "search.html", ctx.t("search.title"), "search", {})
    return Section("search", "search/", [page])
