"""Phrase banks of borderline posts (语料片段：工单边界): where "a concrete problem to follow up"
is decided by small words — kind staff but an unsolved problem, a measured shortfall against a
promise, praise words around a fault, a personal incident told as a story, a wish for a fix;
and, on the other side, policy questions, small faults forgiven, the author's own mistake, a
defence of the operator, general gripes and a process that worked the second time.

Written for the kinds of complaint errors cross-validation showed, not copied from any post.
"""

from __future__ import annotations

# Kind words for the staff, then the problem still open (negative, complaint).
STAFF_PRAISE: tuple[str, ...] = (
    "客服小姐姐声音很甜",
    "营业员态度没得挑",
    "上门的师傅人挺客气",
    "接线员从头到尾一直在道歉",
    "客服很耐心地听我讲完了",
    "工作人员笑得很亲切",
    "经理亲自给我回了电话",
    "客服记录得很认真",
)
STILL_OPEN: tuple[str, ...] = (
    "，可{p}的事一点进展都没有",
    "，然而{p}，问题还是原样",
    "，就是{p}到现在没人处理",
    "，但说了半天{p}还是老样子，态度好能当饭吃吗",
    "，可惜{p}，问题照旧🙃",
    "。然后呢？{p}，一个星期过去了",
    "，但{p}这件事，谁来给我解决？",
)

# A promise and what was measured (category, promise, reality) (negative, complaint).
SHORTFALLS: tuple[tuple[str, str, str], ...] = (
    ("broadband", "办的是{n}M宽带", "测速只有{m}M"),
    ("broadband", "合同上写的千兆", "网线直连也就跑个{m}M"),
    ("broadband", "说好晚上不限速", "一到八点就剩{m}M"),
    ("broadband", "升级了{n}M的套餐", "打游戏延迟还是两三百"),
    ("signal", "套餐写的5G不限量", "用了{g}G就被降到1M"),
    ("signal", "营业员说我们小区全覆盖", "客厅里就一格信号"),
    ("signal", "宣传说地铁全程5G", "一路上一半时间显示无服务"),
    ("signal", "换了5G套餐", "网速还不如以前的4G"),
    ("billing", "办的时候说每月{x}元", "账单扣了{y}元"),
    ("billing", "说好每月送{g}G流量", "账户里根本查不到"),
    ("billing", "承诺的话费返还", "半年了一分钱都没返"),
    ("activation", "说好当天生效", "三天了还是旧套餐"),
    ("activation", "说好合约到期自动解约", "到期后还在按合约扣钱"),
    ("sms", "说开通了短信提醒", "扣费了一条提醒都没收到"),
)
SHORTFALL_TAILS: tuple[str, ...] = (
    "",
    "，这算不算虚假宣传？",
    "，到底怎么回事",
    "，这到底是被限速了还是怎么了？",
    "，问客服也说不清楚",
    "，我是不是被坑了",
    "……",
    "，谁给个解释",
)

# Praise words around a fault (negative, complaint); {p} a problem, {b} a brand.
SARCASM_MORE: tuple[str, ...] = (
    "笑死，{p}",
    "好家伙，{p}，我直呼内行",
    "我真的会谢，{p}",
    "{b}又给我整了个惊喜：{p}😊",
    "不得不佩服{b}，{p}，这操作我服",
    "哈哈哈哈{p}，笑着笑着就哭了",
    "谁能想到呢，{p}，惊喜不断😅",
    "这就是我选的{b}：{p}，真是谢谢了",
    "年度最佳体验奖颁给{b}：{p}",
    "{b}是懂锻炼用户耐心的，{p}",
    "感动，{p}，{b}帮我戒掉了手机瘾",
    "{p}，{b}你是懂幽默的",
)

# A personal incident told as a story (category, incident) (negative, complaint).
INCIDENTS: tuple[tuple[str, str], ...] = (
    ("activation", "两个月没充值，号码直接被收回放给了别人"),
    ("activation", "新换的号码以前是别人的，快递和网贷电话一天十几个"),
    ("sms", "在APP里关了营销短信，第二周又开始收到促销"),
    ("billing", "套餐优惠到期没有任何通知，这个月话费直接翻倍"),
    ("broadband", "宽带到期前一点提醒都没有，说停就停"),
    ("billing", "营销电话天天打，说不升级套餐就取消我的老优惠"),
    ("activation", "没欠费也没违规，卡突然被停了，说是系统风控"),
    ("ringback", "从没开过彩铃，朋友打来听到的是一段广告"),
    ("billing", "充的话费被系统充到了别人号上，申请退款一直没下文"),
    ("service", "营业员把我的身份证复印件随手丢在柜台上"),
    ("activation", "销户三个月了还在扣月租"),
    ("broadband", "搬家移机约了三次都没人上门"),
    ("billing", "人在国内却被收了国际漫游日租费"),
    ("sms", "验证码短信总要等十几分钟才到，登录都超时了"),
    ("signal", "楼下基站拆了以后，屋里打电话就没信号了"),
    ("service", "投诉工单显示已办结，可从头到尾没人联系过我"),
    ("billing", "合约一到期，月租从69跳到了169，没人提前说一声"),
    ("activation", "老人的卡被营业厅偷偷换成了贵的套餐"),
    ("service", "在营业厅排了两个小时，轮到我说系统维护办不了"),
    ("billing", "电子发票在APP里死活下载不了，点了就白屏"),
)
INCIDENT_TAILS: tuple[str, ...] = (
    "，这合理吗？",
    "，这是什么操作？",
    "，找谁说理去",
    "，有人遇到过吗？",
    "，烦死了",
    "，真的服了",
    "，就因为这点事？",
    "，这也叫服务？",
    "。",
)

# A poor place and a wish for a fix (category, place and fault) (complaint).
WISHES: tuple[tuple[str, str], ...] = (
    ("signal", "我们镇上的菜市场一进去手机就没信号，扫码付款都付不了"),
    ("signal", "我们小区最里面那栋楼手机基本没信号"),
    ("signal", "学校宿舍一到晚上流量就用不了"),
    ("broadband", "我们这层楼的宽带天天掉线"),
    ("broadband", "新装的光猫隔几个小时就要重启一次"),
    ("sms", "工作号总收不到银行的验证码短信"),
    ("signal", "单位在地下一层，手机一进去就没网"),
)
WISH_TAILS: tuple[tuple[str, str], ...] = (
    ("negative", "，啥时候能建个基站啊"),
    ("negative", "，能不能派人来看看"),
    ("negative", "，拜托管一管吧"),
    ("neutral", "，想问问买个信号放大器行不行"),
    ("neutral", "，这种情况能报修吗？"),
    ("neutral", "，请问找哪个部门处理？"),
)

# Problem-free policy and how-to questions (category, question) (neutral, no complaint).
POLICY_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("activation", "未成年人自己能去营业厅办卡吗"),
    ("service", "{h}的在线客服和电话客服办的业务一样吗"),
    ("activation", "亲情号码最多能绑几个"),
    ("billing", "话费余额能不能开发票报销"),
    ("broadband", "路由器是自己买好还是用运营商送的好"),
    ("sms", "短信群发有没有条数限制"),
    ("other", "手机号实名信息在哪里能查到"),
    ("activation", "副卡能不能单独销户"),
    ("billing", "流量结转是怎么算的"),
    ("activation", "换了号码以后微信绑定要改吗"),
    ("activation", "eSIM有哪些手表能用"),
    ("signal", "老人机能不能用5G卡"),
    ("billing", "营业厅能开增值税专票吗"),
    ("activation", "携号转网之后原来的积分还在吗"),
    ("broadband", "宽带能不能暂停几个月再恢复"),
    ("signal", "去香港出差流量怎么收费"),
    ("ringback", "彩铃能不能设置成只给家人听"),
    ("service", "营业厅可以代办老人的业务吗"),
)
QUESTION_OPENERS: tuple[str, ...] = (
    "请问",
    "话说",
    "有没有人知道",
    "问下大家，",
    "小白提问：",
    "那个，",
    "",
)
QUESTION_ENDS: tuple[str, ...] = ("？", "？谢谢", "", "，在线等", "？求科普", "?")

# Small faults forgiven (category, small fault, the good side) (positive, no complaint).
FORGIVEN: tuple[tuple[str, str, str], ...] = (
    ("broadband", "光猫换新排期等了三天", "换完以后网速翻了一倍"),
    ("service", "营业厅排了一会儿队", "轮到我以后五分钟就办完了"),
    ("broadband", "晚上高峰网速会慢一点点", "平时一直很稳定"),
    ("signal", "信号不敢说满格", "打电话上网从来没掉过链子"),
    ("service", "客服接通等了几分钟", "问题一次就说清楚了"),
    ("activation", "补卡手续多跑了一趟", "营业员帮我把旧套餐的优惠也保留了"),
    ("billing", "账单格式有点复杂", "每一笔扣费都查得到，很透明"),
)
FORGIVEN_TAILS: tuple[str, ...] = (
    "，就不计较了",
    "，总体满意",
    "，可以接受",
    "，给个好评",
    "，五星",
    "",
)

# The author's own mistake (category, what really happened) (neutral, no complaint).
OWN_FAULTS: tuple[tuple[str, str], ...] = (
    ("billing", "自己把自动扣款的银行卡注销了"),
    ("broadband", "路由器电源被猫踩掉了"),
    ("billing", "我自己手滑订的会员"),
    ("billing", "家里小孩偷偷开的流量包"),
    ("broadband", "小区施工把光缆挖断了，跟运营商没关系"),
    ("signal", "手机开了飞行模式忘了关"),
    ("other", "楼里停电了，光猫根本没开机"),
    ("signal", "手机卡槽松了"),
)
OWN_FAULT_FRAMES: tuple[str, ...] = (
    "骂了半天{b}，结果是{f}，冤枉了冤枉了",
    "还以为{b}乱扣费，一查是{f}😂",
    "给客服打了半天电话，最后发现是{f}",
    "在群里吐槽{b}半天，被我老公一句话点醒：{f}",
    "先给{b}道个歉，是{f}",
)

# A defence of the operator (category, what others say, what I see) (positive, no complaint).
DEFENCES: tuple[tuple[str, str, str], ...] = (
    ("signal", "信号不好", "我们这片楼里楼外都挺稳"),
    ("broadband", "网不行", "我家晚上四个人同时看视频都不卡"),
    ("service", "客服差", "我每次打过去都挺顺利的"),
    ("billing", "乱扣费", "我的账单每一笔都对得上"),
    ("signal", "5G是摆设", "我在地铁里刷视频一点都不卡"),
)
DEFENCE_FRAMES: tuple[str, ...] = (
    "别一棍子打死，说{b}{bad}也要看地方，{good}",
    "一群人在骂{b}{bad}，我来说句公道话，{good}",
    "不太理解为什么都说{b}{bad}，{good}",
)

# General gripes without an incident (category, gripe) (negative, no complaint).
GRIPES: tuple[tuple[str, str], ...] = (
    ("billing", "{b}的套餐说明写得像天书，小字一堆"),
    ("activation", "新用户送手机老用户送空气，这种营销真让人寒心"),
    ("activation", "套餐名字一年换三次，谁记得住"),
    ("sms", "营销短信比正常短信还多，烦"),
    ("service", "客服电话永远先让你听五分钟广告，体验太差了"),
    ("other", "运营商的广告语一个比一个夸张"),
    ("billing", "现在的套餐动不动就一两百，消费降级都降不下来"),
)

# A process that worked the second time (category, story) (neutral, no complaint).
SECOND_TRIES: tuple[tuple[str, str], ...] = (
    ("activation", "副卡激活第一次提示信息不符，核对了证件号码重新提交就好了"),
    ("activation", "网上补卡没通过人脸识别，换了个光线好的地方再试就成功了"),
    ("broadband", "宽带报装一开始说地址不在覆盖范围，换成小区正式名称再填就能装了"),
    ("billing", "自动缴费第一次没扣成功，重新绑了一次银行卡就好了"),
)

# Brand words off-topic (neutral, other, no complaint).
PUNS: tuple[str, ...] = (
    "语文老师说“联通”和“连通”不是一个意思，我才发现写错了十年",
    "移动硬盘摔了一下，照片全没了，哭",
    "#移动办公# 在咖啡馆待了一下午，效率居然比公司还高",
    "公司搞“沃土计划”，跟运营商没半毛钱关系",
    "电信诈骗又出新套路了，转账前一定要多问一句",
    "这次团建的主题是“移动的城堡”，想不出节目了",
    "孩子问我为什么叫“移动”，难道手机会自己走路吗",
)
