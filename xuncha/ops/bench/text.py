"""Realistic Chinese text for the generated data set: names, units, petitions, problems,
measures. Deterministic for a given ``random.Random``."""

from __future__ import annotations

import random

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏"
            "苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌宇浩凯鹏飞辉波宁琳晨"
         "雪梅海燕春林峰亮俊鑫婷倩健康德新民福生才荣盛发东旭昊然佳欣怡雨晴子轩梓涵思远")

PROVINCE = "江州省"
CITIES = ["临江", "云阳", "青州", "白川", "南屏", "石城", "西陵", "东川", "北溪", "安平", "长宁",
          "永和", "清河", "泰安", "丰原", "龙泉", "金沙", "玉山", "宁海", "海门"]
COUNTY_ROOTS = ["东湖", "西山", "南岗", "北塘", "清溪", "白石", "松岭", "柳林", "桃源", "杏坛",
                "梅岭", "竹园", "枫桥", "鹤鸣", "凤台", "龙门", "云溪", "雁塔", "石门", "望江",
                "青山", "碧水", "金河", "银湖", "红岩", "黄埔", "紫阳", "翠屏", "兰亭", "菊城"]
DEPARTMENTS = ["教育局", "财政局", "卫生健康局", "住房和城乡建设局", "自然资源局", "交通运输局",
               "农业农村局", "水利局", "市场监督管理局", "人力资源和社会保障局", "民政局",
               "生态环境局", "应急管理局", "审计局", "统计局", "文化和旅游局", "医疗保障局",
               "城市管理局", "退役军人事务局", "商务局", "发展和改革局", "科学技术局",
               "司法局", "公安局", "税务局", "林业局", "供销合作社", "机关事务管理局"]
TOWN_SUFFIX = ["镇", "乡", "街道"]
PLACE_CHARS = "安宁丰和平乐福兴隆昌盛泰康永嘉华新东西南北中上下前后大小金银石桥河湖山岭坪湾塘"
POSITIONS = ["局长", "副局长", "党组书记", "办公室主任", "科长", "副科长", "股长", "主任",
             "镇长", "党委书记", "村支书", "村主任", "站长", "所长", "校长", "院长", "会计"]
ACTS = [
    "利用职务便利在工程招投标中为亲属经营的公司谋取利益",
    "违规收受管理服务对象所送礼金和购物卡",
    "长期公车私用，节假日驾驶公车外出",
    "以加班补助名义违规发放津贴补贴",
    "在扶贫资金分配中优亲厚友、虚报冒领",
    "长期不在岗，存在吃空饷问题",
    "对群众反映的问题推诿扯皮、敷衍塞责",
    "违规操办子女婚宴并收受下属礼金",
    "多次出入私人会所接受宴请",
    "违规借用下属单位车辆和人员",
    "在征地补偿款发放中截留挪用",
    "违规插手学校食堂承包和校服采购",
    "虚列会议费、培训费套取资金",
    "在干部选拔任用中搞团团伙伙",
    "违规经商办企业，在企业中持有股份",
    "违规在企业兼职取酬",
    "在低保评定中弄虚作假、优亲厚友",
    "违规审批建设用地，收受开发商好处",
    "工作日中午饮酒，上班时间打牌",
    "对上级决策部署搞选择性执行",
    "违规发放奖金福利，超标准接待",
    "挪用专项资金用于单位办公楼装修",
    "在医疗设备采购中收受回扣",
    "违规办理农村宅基地审批",
]
DETAILS = [
    "涉及金额约{n}万元", "时间集中在{y}年{m}月前后", "群众对此意见很大", "已多次向单位反映未果",
    "相关票据可以提供", "知情人较多，可向{place}村民了解", "问题持续{k}年以上", "单位内部已有议论",
    "多名职工可以作证", "有关照片已留存",
]
DEMANDS = ["请巡察组调查核实。", "希望严肃处理。", "请求依规依纪处理。", "恳请巡察组予以关注。",
           "请组织查明真相，还群众公道。"]
PROBLEM_TITLES = [
    "落实全面从严治党主体责任不到位", "“三重一大”决策制度执行不严格", "违规发放津贴补贴",
    "公务用车管理不规范", "专项资金使用监管不严", "干部选拔任用程序不规范",
    "基层党组织建设薄弱", "意识形态工作责任制落实不到位", "巡察整改落实不彻底",
    "政府采购管理不规范", "工程项目管理存在漏洞", "形式主义官僚主义问题仍然存在",
    "财务管理制度执行不严", "民生领域侵害群众利益问题", "违规兼职取酬问题",
]
MEASURE_VERBS = ["修订完善", "全面清理", "组织开展专项检查", "建立健全", "严格执行", "督促整改",
                 "追缴清退", "约谈提醒", "开展警示教育", "制定出台"]
MEASURE_OBJECTS = ["“三重一大”决策制度", "公务用车管理办法", "财务报销制度", "专项资金管理台账",
                   "干部选拔任用工作规程", "违规发放的津贴补贴", "工程项目招投标流程",
                   "基层党组织“三会一课”制度", "政府采购内控制度", "廉政风险防控机制"]
RESPONSIBLE_DEPTS = ["办公室", "财务科", "人事科", "机关党委", "计划财务科", "规划建设科", "综合科",
                     "政策法规科", "纪检组", "项目管理科"]


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def place(rng: random.Random, length: int = 2) -> str:
    return "".join(rng.choice(PLACE_CHARS) for _ in range(length))


def petition(rng: random.Random, unit_name: str) -> tuple[str, str]:
    """(content, the name of the person reported)."""
    who = name(rng)
    parts = [f"反映{unit_name}{rng.choice(POSITIONS)}{who}{rng.choice(ACTS)}"]
    for template in rng.sample(DETAILS, rng.randint(1, 3)):
        parts.append(template.format(n=rng.randint(2, 300), y=rng.randint(2019, 2026),
                                     m=rng.randint(1, 12), place=place(rng),
                                     k=rng.randint(2, 8)))
    if rng.random() < 0.4:
        parts.append(f"另外，{rng.choice(POSITIONS)}{name(rng)}{rng.choice(ACTS)}")
    return "，".join(parts) + "。" + rng.choice(DEMANDS), who


def problem(rng: random.Random, unit_name: str) -> tuple[str, str]:
    title = rng.choice(PROBLEM_TITLES)
    text = (f"{unit_name}{title}。{rng.choice(ACTS)}，"
            f"涉及金额{rng.randint(1, 500)}万元，{rng.choice(DETAILS).format(n=rng.randint(2, 99), y=2025, m=rng.randint(1, 12), place=place(rng), k=2)}。")
    return title, text


def measure(rng: random.Random) -> str:
    return f"{rng.choice(MEASURE_VERBS)}{rng.choice(MEASURE_OBJECTS)}，{rng.choice(MEASURE_VERBS)}相关问题。"
