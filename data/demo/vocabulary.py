"""Names, places and texts of the demo data, and the labels of its coded columns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from data.demo.arrays import Bool, Rng, categorical


@dataclass(frozen=True)
class City:
    name: str
    districts: tuple[str, ...]
    roads: tuple[str, ...]


CITIES = (
    City(
        "杭州",
        ("上城", "拱墅", "西湖", "滨江", "萧山", "余杭", "临平", "钱塘", "富阳", "临安"),
        ("延安路", "解放路", "庆春路", "文三路", "凤起路", "莫干山路"),
    ),
    City(
        "宁波",
        ("海曙", "江北", "北仑", "镇海", "鄞州", "奉化", "余姚", "慈溪", "宁海", "象山"),
        ("中山路", "江东北路", "百丈路", "天童路", "四明路", "三江路"),
    ),
    City(
        "上海",
        ("黄浦", "徐汇", "长宁", "静安", "普陀", "虹口", "杨浦", "闵行", "宝山", "浦东"),
        ("南京路", "淮海路", "四川北路", "世纪大道", "漕溪北路", "陆家嘴环路"),
    ),
    City(
        "北京",
        ("东城", "西城", "朝阳", "海淀", "丰台", "石景山", "通州", "顺义", "昌平", "大兴"),
        ("长安街", "金融街", "建国路", "中关村大街", "王府井大街", "望京街"),
    ),
    City(
        "深圳",
        ("福田", "罗湖", "南山", "宝安", "龙岗", "盐田", "龙华", "坪山", "光明", "大鹏"),
        ("深南大道", "滨海大道", "红荔路", "华强北路", "科苑路", "新安路"),
    ),
    City(
        "广州",
        ("越秀", "海珠", "荔湾", "天河", "白云", "黄埔", "番禺", "花都", "南沙", "增城"),
        ("天河路", "环市东路", "中山五路", "珠江东路", "江南大道", "北京路"),
    ),
    City(
        "南京",
        ("玄武", "秦淮", "建邺", "鼓楼", "浦口", "栖霞", "雨花台", "江宁", "六合", "溧水"),
        ("中山路", "汉中路", "中央路", "龙蟠路", "珠江路", "江东中路"),
    ),
    City(
        "苏州",
        ("姑苏", "虎丘", "吴中", "相城", "吴江", "工业园区", "常熟", "张家港", "昆山", "太仓"),
        ("人民路", "干将路", "石路", "苏州大道", "观前街", "金鸡湖大道"),
    ),
    City(
        "成都",
        ("锦江", "青羊", "金牛", "武侯", "成华", "龙泉驿", "青白江", "新都", "温江", "双流"),
        ("人民南路", "春熙路", "天府大道", "蜀都大道", "红星路", "建设路"),
    ),
    City(
        "武汉",
        ("江岸", "江汉", "硚口", "汉阳", "武昌", "青山", "洪山", "东西湖", "江夏", "黄陂"),
        ("解放大道", "中山大道", "中南路", "武珞路", "光谷大道", "建设大道"),
    ),
)

# The most common surnames, most frequent first (weights fall off like the real distribution).
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕"
    "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃"
    "武戴莫孔向汤"
) + ["欧阳", "司马", "上官", "诸葛"]
MALE_CHARS = list(
    "伟强磊军洋勇杰涛明超辉刚平鹏华飞斌宇浩凯健俊帆鑫峰建国志文博晨阳子轩睿然宏海亮波东林成"
)
FEMALE_CHARS = list(
    "芳娜敏静丽艳娟霞秀燕玲桂英红梅琳雪婷慧颖佳欣怡萱倩洁晶璐瑶悦琪思雨薇月丹蓉嘉蕾莉"
)

CHANNELS = ["visit", "phone", "sms", "email", "wechat", "event", "letter"]
CLIENT_SOURCES = ["staff_referral", "client_referral", "branch_allocation", "own_development"]
PURPOSES = ["care", "feedback", "reminder", "notice", "marketing", "advice"]
CYCLES = ["monthly", "bimonthly", "quarterly"]
RISK_LEVELS = ["C1", "C2", "C3", "C4", "C5"]
NEED_KINDS = ["need", "suggestion"]
PLAN_KINDS = ["plan", "quarterly_report"]
FIELD_GROUPS = ["basic", "comprehensive", "private"]
WORK_KINDS = ["activity", "event", "problem", "opportunity", "sms"]
WORK_STATUS = ["open", "done", "cancelled"]
EVENT_KINDS = ["large_outflow", "closure"]
REWARD_KINDS = ["reward", "penalty"]
SOURCES = ["web", "mobile"]
CERTIFICATES = ["AFP", "CFP", "CHFP", "基金从业", "银行从业", "证券从业"]

# Every text is free of ASCII commas and quotes: the CSV is written without quoting.
REQUEST_SUMMARIES = [
    "咨询理财产品到期兑付时间",
    "反映手机银行转账限额过低",
    "对基金净值下跌提出异议",
    "要求重新进行风险承受能力评估",
    "咨询大额存单利率及额度",
    "反映网点排队等候时间过长",
    "申请变更预留手机号码",
    "咨询基金赎回资金到账时间",
    "对保险产品退保流程有疑问",
    "反映产品推荐时风险揭示不充分",
    "咨询私人银行服务权益",
    "要求开具个人资产证明",
    "反映信用卡分期手续费计算有误",
    "咨询家族信托设立流程",
    "反映贵宾厅预约不便",
    "咨询个人购汇额度",
    "对账户管理费扣收提出异议",
    "要求调整基金定投扣款日期",
    "咨询养老金融产品",
    "反映营销短信过于频繁",
]
COURSES = [
    "反洗钱与合规管理",
    "理财产品销售适当性管理",
    "资产配置实务",
    "保险规划与家庭保障",
    "个人税务筹划",
    "金融消费者权益保护",
    "家族信托与财富传承",
    "基金投资分析",
    "宏观经济与市场展望",
    "客户关系管理与沟通技巧",
    "养老金融业务",
    "私人银行服务标准",
]
REWARD_REASONS = [
    "季度金融资产增量突出",
    "客户书面表扬",
    "理财产品营销竞赛获奖",
    "优秀营销案例分享",
    "新增高端客户突出",
    "客户满意度排名第一",
    "成功挽留流失客户",
    "合规检查零差错",
]
PENALTY_REASONS = [
    "客户信息维护不及时",
    "双录流程不规范",
    "客户投诉经核实属实",
    "考勤违规",
    "产品风险揭示不到位",
    "工作事项逾期未办结",
]
PHONE_PREFIXES = [130, 131, 132, 133, 135, 136, 137, 138, 139, 150, 151, 152, 155, 156, 157]
PHONE_PREFIXES += [158, 159, 166, 176, 177, 180, 181, 182, 183, 186, 187, 188, 189, 191, 199]


def chinese_names(rng: Rng, female: Bool) -> pa.Array:
    """Surname + one or two given-name characters chosen by gender."""
    n = female.size
    weights = (1.0 / (np.arange(len(SURNAMES)) + 4.0)).astype(np.float64)
    weights[-4:] = 0.002  # compound surnames are rare
    surname = pa.array(SURNAMES).take(pa.array(categorical(rng, weights, None, n)))
    pool_m = np.array(MALE_CHARS)
    pool_f = np.array(FEMALE_CHARS)
    # Two different characters: the second is drawn from the pool without the first.
    first_m = rng.integers(0, pool_m.size, n)
    first_f = rng.integers(0, pool_f.size, n)
    second_m = (first_m + rng.integers(1, pool_m.size, n)) % pool_m.size
    second_f = (first_f + rng.integers(1, pool_f.size, n)) % pool_f.size
    first = np.where(female, pool_f[first_f], pool_m[first_m])
    second = np.where(female, pool_f[second_f], pool_m[second_m])
    second = np.where(rng.random(n) < 0.25, "", second)  # a quarter have a one-character name
    return pc.binary_join_element_wise(surname, pa.array(first), pa.array(second), "")
