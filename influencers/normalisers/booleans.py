"""Yes/no cells as sellers write them, in English and Chinese."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .errors import NormaliseError, clean_text

YES = frozenset(
    {"yes", "y", "true", "t", "1", "x", "✓", "✔", "☑", "ok", "agreed", "consented", "opt-in",
     "opted in", "是", "同意", "已同意", "好", "可以", "对", "有", "已授权", "授权"}
)  # fmt: skip
NO = frozenset(
    {"no", "n", "false", "f", "0", "✗", "✘", "declined", "refused", "opt-out", "opted out",
     "否", "不同意", "拒绝", "不", "无", "没有", "未同意", "未授权"}
)  # fmt: skip


class InvalidYesNo(NormaliseError):
    default_code = "invalid_yes_no"
    default_reason = _("Write yes or no (是 / 否)")


def parse_yes_no(value: str) -> bool:
    text = clean_text(str(value)).casefold()
    if text in YES:
        return True
    if text in NO:
        return False
    raise InvalidYesNo(value)
