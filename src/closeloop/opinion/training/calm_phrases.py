"""Phrase banks of posts with nothing to follow up (语料片段：无须跟进): praise, questions, rants,
news, ads, off-topic uses of the brand, resolved stories, negations, tips, how-to questions,
scam warnings, chatter and good value.

Plain data; `phrases` lists every bank the generator combines.
"""

from __future__ import annotations

PRAISE: dict[str, tuple[str, ...]] = {
    "signal": (
        "yyds，信号杠杠的",
        "信号是真的好，地铁里都满格",
        "山里爬山都有5G信号，厉害",
        "换了卡以后打电话再也没掉过线",
        "新建的基站效果明显，家里信号满格了",
        "网速飞快，下个电影一分钟",
        "演唱会现场几万人照样能发消息，应急通信车给力",
    ),
    "activation": (
        "携号转网一天就办好了，很方便",
        "网上办套餐变更几分钟就生效",
        "补卡十分钟搞定，效率很高",
        "销户流程比想象中简单多了",
        "新套餐性价比很高，换了很值",
    ),
    "sms": (
        "验证码秒到，从来没延迟过",
        "垃圾短信拦截功能很好用，清净多了",
        "5G消息挺方便，能直接查话费",
    ),
    "ringback": (
        "彩铃换了首喜欢的歌，朋友都说好听",
        "视频彩铃挺有意思，免费的还不错",
        "彩铃退订很顺利，一条短信就搞定",
    ),
    "billing": (
        "账单清清楚楚，每一项都看得明白",
        "多扣的话费客服主动退回来了",
        "充值秒到账",
        "话费优惠力度很大，一个月省了不少",
        "流量超了还主动提醒我，挺贴心",
    ),
    "broadband": (
        "宽带确实稳，打了一晚上游戏一次没掉",
        "师傅上门很快，半小时就修好了",
        "千兆宽带真香，网速杠杠的",
        "宽带一次都没断过，用了三年了",
        "装宽带的师傅很专业，还帮我调好了路由器",
    ),
    "service": (
        "客服小姐姐很耐心，问题十分钟就解决了",
        "营业厅的工作人员服务特别好，给我推荐了更便宜的套餐",
        "投诉后第二天就有专人回电，处理得很到位",
        "热线一下就接通了，态度也好",
        "装维师傅冒雨上门，太感动了",
        "这次回访的客服很专业，点赞",
    ),
}

# Problem-free questions (neutral, no complaint).
QUESTIONS: dict[str, tuple[str, ...]] = {
    "signal": (
        "5G套餐在农村有信号吗",
        "出国能用手机流量吗",
        "VoLTE是什么，要不要开",
        "双卡手机哪张卡上网好",
    ),
    "activation": (
        "携号转网需要带什么材料",
        "一个身份证能办几张卡",
        "副卡怎么办理",
        "停机保号怎么办",
        "学生套餐在哪里办",
        "合约机到期了可以换套餐吗",
    ),
    "sms": ("5G消息是什么", "怎么设置短信拦截", "短信中心号码是多少"),
    "ringback": ("彩铃怎么设置成自己的歌", "视频彩铃要收费吗", "怎么查自己开没开彩铃"),
    "billing": ("怎么查这个月的账单", "话费发票在哪开", "积分可以换什么", "怎么开通自动缴费"),
    "broadband": ("千兆宽带要换光猫吗", "宽带移机要多久", "IPTV能看哪些台", "宽带续费有优惠吗"),
    "service": ("营业厅周末上班吗", "客服热线几点下班", "网上营业厅在哪登录", "怎么预约上门服务"),
}

RANTS: tuple[str, ...] = (
    "运营商的套餐越来越贵了",
    "三大运营商都一个德行",
    "现在的流量资费真的太贵了",
    "什么时候能真正提速降费啊",
    "合约套餐就是个坑，大家别办",
    "{b}的营销短信能少点吗",
    "老用户不如狗，新用户什么优惠都有",
    "套餐名字起得花里胡哨，算都算不明白",
    "感觉运营商就是靠套路赚钱",
    "宽带价格这么多年都没降过",
)

NEWS: tuple[str, ...] = (
    "{b}发布第三季度财报，营收同比增长3%",
    "工信部发布上季度电信服务质量通告",
    "{b}宣布将在本市新建500个5G基站",
    "三大运营商联合推出携号转网新规",
    "某地运营商光缆被挖断，已于今晨全部恢复",
    "工信部：严查骚扰电话和垃圾短信",
    "{b}回应网友关切：将优化宽带报修流程",
    "新闻：{b}启动防汛应急通信保障",
    "12300受理的申诉数量同比下降",
    "运营商将全面下线3G网络，老用户需换卡",
    "央视报道：多地推进千兆光网建设",
    "{b}总经理换人了",
)

ADS: tuple[str, ...] = (
    "【{b}】尊敬的客户，流量包限时五折，回复Y办理",
    "新人专享：宽带+手机融合套餐每月只要99",
    "扫码办卡送100元话费，仅限今天",
    "代理各大运营商手机卡，大流量低月租，私信我",
    "出售靓号，尾号8888，有意私聊",
    "校园卡招代理，月入过万",
    "9.9元200G流量卡，全国通用，点链接办理",
)

OFF_TOPIC: tuple[str, ...] = (
    "买了个2T的移动硬盘，拷照片真方便",
    "今天用移动支付买了杯咖啡",
    "物理课讲了连通器原理",
    "沃尔玛周末打折，买了一堆零食",
    "公司搞移动办公，在家也能上班",
    "这个游戏的移动端优化得不错",
    "电信诈骗又有新套路，大家小心",
    "今天移动了一下家具，累死",
    "两地联通的高速终于修好了",
    "新手机壳到了，颜色很好看",
    "周末和朋友去爬山了，风景很好",
    "这部电影的剧情太好哭了",
)

CALLBACK_POS: tuple[str, ...] = (
    "回访：问题已经解决，非常满意",
    "满意，师傅很专业",
    "处理很及时，谢谢",
    "服务不错，五星",
)

CALLBACK_NEG: tuple[str, ...] = (
    "回访：不满意，{p}",
    "问题根本没解决，{p}",
    "不满意！说是修好了，结果{p}",
)

CATEGORY_MARKERS: dict[str, tuple[str, ...]] = {
    "ringback": ("彩铃",),
    "sms": ("短信", "验证码"),
    "broadband": ("宽带", "光猫", "IPTV"),
}

# A problem that was fixed, told as a story (positive, nothing left to follow up).
RESOLUTIONS: tuple[str, ...] = (
    "师傅第二天就上门修好了",
    "客服当天就把钱退回来了",
    "半小时就处理好了",
    "专人回电把问题彻底解决了",
    "营业厅的小姐姐帮我弄好了",
    "报修后两个小时就恢复了",
    "客服一步步教我设置，现在好了",
    "第二天就有专人上门道歉还解决了",
)

THANKS: tuple[str, ...] = (
    "点赞",
    "真心感谢🙏",
    "这效率我给满分",
    "挺暖心的",
    "必须表扬",
    "服气",
    "好评",
    "给个五星",
    "比想象中快多了",
    "以后继续用",
)

# What did not go wrong (negation of a problem: positive).
NEGATED: tuple[tuple[str, str], ...] = (
    ("broadband", "宽带一次都没断过"),
    ("billing", "从来没被多扣过一分钱"),
    ("signal", "信号从来没让我操心过"),
    ("sms", "验证码从没延迟过"),
    ("ringback", "彩铃从来没乱扣过费"),
    ("broadband", "晚上高峰也不掉速"),
    ("signal", "走到哪都没掉过线"),
    ("service", "打客服从来不用等"),
    ("billing", "账单一次都没出过错"),
    ("signal", "地铁里也不卡"),
)

NARRATIVE_OPENERS: tuple[str, ...] = (
    "用了五年{b}，",
    "说实话，",
    "有一说一，",
    "不得不说，",
    "以前总吐槽{b}，但",
    "三家都用过，",
    "不开玩笑，",
    "没想到，",
    "",
)

# Neutral tips and hypothetical questions that mention problems without having one.
TIPS: tuple[tuple[str, str], ...] = (
    ("sms", "收不到验证码的可以看看是不是手机自带的拦截把短信拦了"),
    ("other", "10086不会让你下载什么app，收到这种短信直接删"),
    ("broadband", "宽带慢的先重启一下光猫试试，我就是这么好的"),
    ("signal", "出国前记得开国际漫游，不然落地没网"),
    ("other", "接到自称客服让你加微信的电话，直接挂"),
    ("billing", "月底流量不够的可以买加油包，比超出按量计费便宜"),
    ("activation", "携号转网前先查一下有没有没到期的合约"),
)

HYPOTHETICALS: tuple[tuple[str, str], ...] = (
    ("activation", "手机丢了"),
    ("billing", "充错号码了"),
    ("billing", "欠费停机了"),
    ("activation", "想换个号码"),
    ("broadband", "搬家了宽带"),
    ("signal", "去国外旅游"),
    ("sms", "换了手机收短信"),
    ("ringback", "不想要彩铃了"),
)

# How-to questions: a wish, no fault (neutral, no complaint).
HOW_TO: tuple[tuple[str, str], ...] = (
    ("ringback", "想把彩铃关了"),
    ("activation", "想把套餐从129降到59"),
    ("activation", "想给家里老人办张副卡"),
    ("billing", "充错号码了"),
    ("billing", "想把话费余额转给家人"),
    ("activation", "手机卡PIN码输错三次被锁了"),
    ("sms", "想设置只接收通讯录里的短信"),
    ("broadband", "想把宽带密码改一下"),
    ("signal", "想在国外用国内的号收验证码"),
    ("ringback", "想设置只给陌生人放彩铃"),
    ("activation", "换了新手机要不要换卡"),
    ("broadband", "想把光猫换成千兆的"),
)

ASKS: tuple[str, ...] = (
    "，请问怎么操作？",
    "，发什么短信可以办？",
    "，要去营业厅吗？",
    "，有没有懂的说一下",
    "，APP里哪个入口？",
    "，还能弄回来吗？",
)

# Warnings about scams and tips that name the operator (neutral, other, no complaint).
SCAM_WARNINGS: tuple[str, ...] = (
    "收到短信说我积分要清零了让点链接兑换，打{b}一问是诈骗，大家别点",
    "有人冒充{b}客服说我宽带要到期了让加微信续费，幸亏我先打电话问了",
    "提醒一下，{b}不会让你下载什么安全认证APP，这种短信直接删",
    "接到自称{b}的电话说要给我升级套餐，要验证码，果断挂了",
)

# Chatter that names the operator without any problem (neutral, no complaint).
CHATTER: tuple[str, ...] = (
    "#你的手机号用了多少年# 我的{b}号用了十五年了",
    "隔壁工位的同事在跟{b}客服聊了半小时，感觉两边都不容易😂",
    "年底了，营业厅门口又摆满了摊子，一个比一个热情",
    "{b}营业厅门口送鸡蛋，排了好长的队哈哈",
    "大家都用哪家的卡？准备给我妈换个号",
    "今天陪我爸去{b}营业厅交话费",
    "这届网友太会了，把{b}客服热线的等待音乐剪成了鬼畜视频",
)

# Good value for money (positive, no complaint).
VALUE: tuple[tuple[str, str], ...] = (
    ("activation", "给爸妈办的融合套餐，两个号加宽带一个月才99，太划算了"),
    ("activation", "老年卡一个月8块钱，打电话完全够用，实惠"),
    ("billing", "APP充话费有券，充100减5，不错"),
    ("billing", "没用完的流量自动结转到下个月了，良心"),
    ("broadband", "宽带提速不加钱，从300M升到了500M，赚了"),
    ("activation", "转网以后每个月省了40块，值了"),
    ("billing", "流量用到80%就有短信提醒，再也没超过套餐"),
)

# General opinions with an edge but nothing to follow up (negative, no complaint).
MORE_RANTS: tuple[tuple[str, str], ...] = (
    ("billing", "{b}一个比一个能扣"),
    ("billing", "优惠只给新用户，老用户就是韭菜"),
    ("service", "{b}客服就是复读机，不管问什么都是“非常抱歉给您带来不便”"),
    ("other", "打开{b}的APP全是各种会员推广，到底是卖网的还是卖会员的"),
    ("ringback", "彩铃一个月5块，一年够买一年音乐会员了，太离谱"),
    ("broadband", "不推荐这家宽带，谁办谁后悔"),
    ("billing", "每个月充50就为了保号，太不划算了"),
)
