"""Cue words (线索词) the classifier sees as extra features beside the character n-grams.

Pure data and one pure function: a post's cue tokens, e.g. `§regulator` when it names a
regulator. The weights of these cues are learnt with everything else; nothing here decides.
"""

from __future__ import annotations

import re

CUES: dict[str, tuple[str, ...]] = {
    "regulator": (
        "工信部",
        "12300",
        "12315",
        "消协",
        "通信管理局",
        "管局",
        "市场监管",
        "黑猫投诉",
        "申诉",
        "消费者协会",
        "监管",
    ),
    "media": ("记者", "媒体", "曝光", "电视台", "热搜", "抖音", "央视", "发到网上", "帮忙栏目"),
    "legal": ("法院", "起诉", "律师", "报警", "公安", "法律", "诈骗", "欺诈"),
    "outage": (
        "整个小区",
        "整栋楼",
        "全村",
        "全镇",
        "片区",
        "一片",
        "几千户",
        "几百户",
        "大面积",
        "全部没",
        "都没信号",
        "全断",
        "整个",
        "全市",
        "全单位",
        "几十户",
        "瘫",
        "多户",
        "个村",
    ),
    "safety": (
        "火花",
        "冒烟",
        "着火",
        "触电",
        "倒了",
        "绊倒",
        "掉下来",
        "120",
        "110",
        "救护车",
        "出人命",
        "安全",
        "出了事",
        "急病",
        "心脏病",
        "焦味",
        "裸露",
        "求救",
    ),
    "rage": ("他妈", "老子", "砸", "拉横幅", "拼了", "疯了", "骗子", "良心", "恶心", "滚"),
    "irony": (
        "呵呵",
        "真棒",
        "真是好",
        "感谢",
        "谢谢你",
        "666",
        "👍",
        "绝了",
        "可喜可贺",
        "真高",
        "真值",
        "真准",
        "太贴心",
        "优秀",
        "佩服",
        "牛逼",
        "黑科技",
        "没谁了",
        "周到",
        "好家伙",
        "买了个寂寞",
    ),
    "question": ("请问", "吗", "?", "怎么", "是不是", "有没有", "求问", "哪里", "多久"),
    "problem": (
        "不了",
        "不到",
        "没网",
        "没信号",
        "断",
        "扣",
        "失败",
        "卡顿",
        "掉线",
        "收不到",
        "没到账",
        "没人",
        "不行",
        "莫名其妙",
        "还在",
        "一直",
        "没解决",
        "乱",
    ),
    "praise": ("好评", "点赞", "满意", "给力", "耐心", "专业", "方便", "稳", "值", "暖", "快"),
    "negation": ("没", "不", "别", "未", "无"),
    "ad": ("私信", "链接", "代理", "限时", "靓号", "包邮", "回复y", "招"),
    "news": ("发布", "宣布", "公告", "新闻", "报道", "财报", "年报", "回应", "通告"),
}

_SHOUT = re.compile(r"[!?]{3,}")


def cues(text: str) -> list[str]:
    """The cue tokens of a normalised post (each kind at most once, plus shouting)."""
    found = [f"§{kind}" for kind, words in CUES.items() if any(w in text for w in words)]
    if _SHOUT.search(text):
        found.append("§shout")
    return found
