"""Survey instruments as data (调查问卷): CSAT, NPS, SERVQUAL and the loyalty questionnaire.

SERVQUAL follows seed 001: 22 paired items, an expectation (期望, E1…E22) and a perception
(感知, P1…P22) each, answered on a 7-point scale (7 = 最同意, 1 = 最不同意). E1–E9/P1–P9 are the
seed's own wording; the seed's text breaks off there, so E10–E22 complete the 22 items of
Parasuraman, Zeithaml and Berry (1988) in the same style. Items worded negatively — the seed's
E6/P6, E8/P8, E9/P9 and the original instrument's other negative items — are reverse-scored.

The loyalty questionnaire is seed 001's model P = F{attitude (A1 premium, A2 satisfaction),
product value and leadership (B1 quality, B2 leadership), brand value and differentiation
(C1 value, C2 personality, C3 company brand, C4 differentiation), communication (D1 awareness)}.
"""

from __future__ import annotations

from dataclasses import dataclass

SERVQUAL_DIMENSIONS = ("tangibles", "reliability", "responsiveness", "assurance", "empathy")
LOYALTY_FACTORS = ("attitude", "product", "brand", "communication")


@dataclass(frozen=True)
class Item:
    """One question: its code, texts, the dimension it measures and its answer range."""

    code: str
    text: str  # Chinese
    text_en: str
    dimension: str | None
    min: int
    max: int
    reverse: bool = False

    def scored(self, value: int) -> int:
        """The answer as scored: a reverse item's x counts as (min + max − x)."""
        return self.min + self.max - value if self.reverse else value


@dataclass(frozen=True)
class Instrument:
    """A questionnaire: its code, names and items, in the order they are asked."""

    code: str
    name: str
    name_en: str
    items: tuple[Item, ...]

    def item(self, code: str) -> Item | None:
        """The item with this code, or None."""
        return next((i for i in self.items if i.code == code), None)


CSAT = Instrument(
    "csat",
    "客户满意度（CSAT）",
    "Customer satisfaction (CSAT)",
    (
        Item(
            "csat",
            "您对本次服务满意吗？（1 = 非常不满意，5 = 非常满意）",
            "How satisfied are you with this service? (1 = very dissatisfied, 5 = very satisfied)",
            "satisfaction",
            1,
            5,
        ),
    ),
)

NPS = Instrument(
    "nps",
    "净推荐值（NPS）",
    "Net promoter score (NPS)",
    (
        Item(
            "nps",
            "您有多大可能向亲友推荐我们？（0 = 完全不可能，10 = 非常可能）",
            "How likely are you to recommend us to a friend or colleague? (0–10)",
            "recommendation",
            0,
            10,
        ),
    ),
)

# (dimension, reverse, expectation zh, perception zh, expectation en, perception en)
_PAIRS: tuple[tuple[str, bool, str, str, str, str], ...] = (
    ("tangibles", False, "中国移动应该有最新的设备和技术", "中国移动有最新的设备和技术",
     "The operator should have up-to-date equipment and technology",
     "The operator has up-to-date equipment and technology"),
    ("tangibles", False, "中国移动的有形设备应具有视觉上的吸引力",
     "中国移动的有形设备具有视觉上的吸引力",
     "Its physical facilities should be visually appealing",
     "Its physical facilities are visually appealing"),
    ("tangibles", False, "中国移动员工应穿着得体,整洁干净", "中国移动员工穿着得体,整洁干净",
     "Its employees should be well dressed and neat", "Its employees are well dressed and neat"),
    ("reliability", False, "中国移动承诺了在一定的时间内做到某事,就应信守诺言。",
     "中国移动承诺了在一定的时间内做到某事,是信守诺言的。",
     "When it promises to do something by a certain time, it should do so",
     "When it promises to do something by a certain time, it does so"),
    ("reliability", False, "当顾客遇到问题时,中国移动应给予帮助并尽力使顾客消除顾虑",
     "当您遇到问题时,中国移动给予帮助并尽力使您消除顾虑",
     "When customers have problems, it should help and reassure them",
     "When you have problems, it helps and reassures you"),
    ("responsiveness", True, "如果服务人员太忙以至于不能及时回应顾客的要求,这是可以接受的",
     "中国移动服务人员太忙以至于不能及时回应顾客的要求",
     "It is acceptable that staff are too busy to respond to customers promptly",
     "Its staff are too busy to respond to customers' requests promptly"),
    ("assurance", False, "服务人员应该有礼貌", "中国移动服务人员态度礼貌",
     "Staff should be polite", "Its staff are polite"),
    ("empathy", True, "服务人员知道顾客需求是不现实的", "服务人员不知道您的需求",
     "It is unrealistic to expect staff to know what customers need",
     "Its staff do not know what you need"),
    ("empathy", True, "中国移动不应该被期望能根据不同的顾客需要调整服务时间",
     "中国移动不根据不同的顾客需要调整服务时间",
     "It should not be expected to adjust its service hours to different customers' needs",
     "It does not adjust its service hours to different customers' needs"),
    ("tangibles", False, "中国移动营业厅等设施的外观应与所提供的服务相协调",
     "中国移动营业厅等设施的外观与所提供的服务相协调",
     "The appearance of its facilities should be in keeping with the services offered",
     "The appearance of its facilities is in keeping with the services offered"),
    ("reliability", False, "中国移动应该是可靠的", "中国移动是可靠的",
     "It should be dependable", "It is dependable"),
    ("reliability", False, "中国移动应在承诺的时间提供服务", "中国移动在承诺的时间提供服务",
     "It should provide its services at the time it promises",
     "It provides its services at the time it promises"),
    ("reliability", False, "中国移动应准确无误地保存客户记录和账单",
     "中国移动准确无误地保存客户记录和账单",
     "It should keep its records and bills accurately",
     "It keeps its records and bills accurately"),
    ("responsiveness", True, "不能指望中国移动告诉顾客服务确切何时完成",
     "中国移动没有告诉您服务确切何时完成",
     "It cannot be expected to tell customers exactly when services will be performed",
     "It does not tell you exactly when services will be performed"),
    ("responsiveness", True, "期望中国移动员工提供及时的服务是不现实的",
     "您没有从中国移动员工那里得到及时的服务",
     "Expecting prompt service from its staff is unrealistic",
     "You do not receive prompt service from its staff"),
    ("responsiveness", True, "中国移动员工不必总是乐于帮助顾客",
     "中国移动员工并不总是乐于帮助顾客",
     "Its staff need not always be willing to help customers",
     "Its staff are not always willing to help customers"),
    ("assurance", False, "顾客应该能够信任中国移动的员工", "您能够信任中国移动的员工",
     "Customers should be able to trust its staff", "You can trust its staff"),
    ("assurance", False, "顾客在与中国移动员工打交道时应感到放心",
     "您在与中国移动员工打交道时感到放心",
     "Customers should feel safe in their dealings with its staff",
     "You feel safe in your dealings with its staff"),
    ("assurance", False, "中国移动员工应从公司得到足够的支持以做好工作",
     "中国移动员工从公司得到足够的支持以做好工作",
     "Its staff should get adequate support from the company to do their jobs well",
     "Its staff get adequate support from the company to do their jobs well"),
    ("empathy", True, "不应期望中国移动给予顾客个别的关照", "中国移动没有给予您个别的关照",
     "It should not be expected to give customers individual attention",
     "It does not give you individual attention"),
    ("empathy", True, "不应期望中国移动员工给予顾客个人的关心",
     "中国移动员工没有给予您个人的关心",
     "Its staff should not be expected to give customers personal attention",
     "Its staff do not give you personal attention"),
    ("empathy", True, "期望中国移动把顾客的最大利益放在心上是不现实的",
     "中国移动没有把您的最大利益放在心上",
     "It is unrealistic to expect it to have customers' best interests at heart",
     "It does not have your best interests at heart"),
)  # fmt: skip


def _servqual_items() -> tuple[Item, ...]:
    expectations, perceptions = [], []
    for n, (dimension, reverse, e_zh, p_zh, e_en, p_en) in enumerate(_PAIRS, start=1):
        expectations.append(Item(f"E{n}", e_zh, e_en, dimension, 1, 7, reverse))
        perceptions.append(Item(f"P{n}", p_zh, p_en, dimension, 1, 7, reverse))
    return (*expectations, *perceptions)


SERVQUAL = Instrument(
    "servqual", "服务质量（SERVQUAL）", "Service quality (SERVQUAL)", _servqual_items()
)

LOYALTY = Instrument(
    "loyalty",
    "品牌忠诚度",
    "Brand loyalty",
    (
        Item("A1",
             "中国联通应比中国移动价格低多少才能使你转化品牌?（1 = 低一点就会换，5 = 再低也不换）",
             "How much cheaper would a competitor have to be for you to switch? "
             "(1 = a little, 5 = I would not switch at any price)", "attitude", 1, 5),
        Item("A2", "在使用中国移动的产品或服务时，我：1 不满意 2 满意 3 很满意",
             "Using the operator's products or services I am: 1 dissatisfied, 2 satisfied, "
             "3 very satisfied", "attitude", 1, 3),
        Item("B1", "与中国联通相比，中国移动具有：1 低质量 2 一般质量 3 高质量",
             "Compared with the competitor the operator has: 1 low, 2 average, 3 high quality",
             "product", 1, 3),
        Item("B2", "与中国联通相比，中国移动是：1 非领导品牌 2 领导品牌 3 领导品牌且时常具有创新性",
             "Compared with the competitor the operator is: 1 not a leading brand, "
             "2 the leading brand, 3 the leading brand and often innovative", "product", 1, 3),
        Item("C1", "中国移动所提供的价值与其价格相匹配（1 = 非常不同意，5 = 非常同意）",
             "The value the operator offers matches its price (1–5)", "brand", 1, 5),
        Item("C2", "中国移动具有个性（1 = 非常不同意，5 = 非常同意）",
             "The operator has a personality of its own (1–5)", "brand", 1, 5),
        Item("C3", "中国移动是我所信赖的（1 = 非常不同意，5 = 非常同意）",
             "The operator is a company I trust (1–5)", "brand", 1, 5),
        Item("C4", "中国移动与其他运营商有明显的差别（1 = 非常不同意，5 = 非常同意）",
             "The operator is clearly different from other operators (1–5)", "brand", 1, 5),
        Item("D1", "请回忆你知道的移动营运商：1 没有想到中国移动 2 想到了但不是第一个 3 第一个想到",
             "Recall the mobile operators you know: 1 the operator not named, "
             "2 named but not first, 3 named first", "communication", 1, 3),
    ),
)  # fmt: skip

INSTRUMENTS: dict[str, Instrument] = {i.code: i for i in (CSAT, NPS, SERVQUAL, LOYALTY)}
