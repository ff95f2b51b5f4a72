"""An item's scoring explanation in Chinese, for the meeting packs and the Chinese screens.

`metrics.appraisal.scoring.score_item` writes each explanation in English, and a snapshot freezes
that text under its checksum, so the stored sentence never changes; the reader's Chinese version
is made from it here, phrase by phrase, keeping every number as it was written. A phrase this
module does not know stays in English rather than being guessed.
"""

from __future__ import annotations

import re

from metrics.core.catalogue import BY_ID

_HEAD = re.compile(r"^(?P<kpi>[a-z_]+): actual (?P<actual>\S+?)(?:, target (?P<target>\S+?))?, "
                   r"(?P<rule>linear|threshold|rank): (?P<rest>.*)$")  # fmt: skip
_RULES = {"linear": "线性", "threshold": "达标制", "rank": "排名制"}
# (English phrase, Chinese), applied in order to the part after the rule.
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), chinese)
    for pattern, chinese in (
        (r"no figure, 0 points", "无数值，得0分"),
        (r"below the gate (\S+), 0 points", r"低于门槛 \1，得0分"),
        (r"above the gate (\S+), 0 points", r"高于门槛 \1，得0分"),
        (r"clamp\((actual / target|target / actual) = ", "限幅(\\1 = "),
        (r"actual / target", "实际值/目标值"),
        (r"target / actual", "目标值/实际值"),
        (r"target not met", "未达标"),
        (r"target met", "达标"),
        (r"rank (\d+) of (\d+): full weight", r"第\1名/共\2人：满权重"),
        (r"rank (\d+) of (\d+): ", r"第\1名/共\2人："),
        (r", capped at the maximum (\S+)", r"，以最高分 \1 封顶"),
        (r" = (\S+) points$", r" = \1分"),
    )
)


def explanation_zh(text: object) -> object:
    """`text` (an explanation of `score_item`) in Chinese; anything else unchanged."""
    if not isinstance(text, str):
        return text
    match = _HEAD.match(text)
    if match is None:
        return text
    metric = BY_ID.get(match["kpi"])
    name = metric.name_zh if metric else match["kpi"]
    target = f"，目标值 {match['target']}" if match["target"] else ""
    rest = match["rest"]
    for pattern, chinese in _PHRASES:
        rest = pattern.sub(chinese, rest)
    actual = "—" if match["actual"] == "None" else match["actual"]
    return f"{name}：实际值 {actual}{target}，{_RULES[match['rule']]}：{rest}"


_FLAG = re.compile(r"^(?P<what>null actual|gate not met): (?P<kpi>[a-z_]+)$")
_FLAGS_ZH = {"null actual": "无实际值", "gate not met": "未过门槛"}


def flags_zh(text: object) -> object:
    """The `flags` of an appraisal row ('null actual: kpi; gate not met: kpi') in Chinese."""
    if not isinstance(text, str) or not text:
        return text
    out = []
    for part in text.split("; "):
        match = _FLAG.match(part)
        if match is None:
            out.append(part)
            continue
        metric = BY_ID.get(match["kpi"])
        out.append(f"{_FLAGS_ZH[match['what']]}：{metric.name_zh if metric else match['kpi']}")
    return "；".join(out)


__all__ = ["explanation_zh", "flags_zh"]
