"""Suggesting a category from the text: Chinese keyword rules over jieba segmentation.

Each rule is a keyword and a weight. The text is segmented with jieba (the keywords are
added to its dictionary, so compounds such as 征地拆迁 stay whole); a keyword counts once
per text. The highest score wins and its matched words are shown as the reason; a person
confirms. Transfer categories (out of scope: personal appeals, land, litigation) beat a
discipline only when they score higher.
"""

from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from xuncha.lib.textnorm import normalize

from .models import Discipline, TransferCategory

if TYPE_CHECKING:
    import jieba

RULES: dict[tuple[str, str], dict[str, int]] = {
    ("discipline", Discipline.POLITICAL): {
        "对抗组织审查": 5, "妄议": 4, "两面人": 4, "团团伙伙": 4, "拉帮结派": 4, "封建迷信": 3,
        "搞迷信": 3, "违背党中央": 4, "阳奉阴违": 3, "对抗审查": 4, "串供": 4, "政治纪律": 3,
        "政治规矩": 3, "信教": 2, "宗族势力": 3, "黑恶势力": 3, "保护伞": 4,
    },
    ("discipline", Discipline.ORGANIZATIONAL): {
        "选人用人": 4, "跑官要官": 5, "买官卖官": 5, "违规提拔": 4, "突击提拔": 4,
        "个人有关事项": 4, "档案造假": 4, "超职数": 3, "拉票": 4, "任人唯亲": 4, "近亲繁殖": 3,
        "不如实报告": 3, "组织纪律": 3, "违规用人": 3, "换届": 2, "编制": 2, "提拔": 2,
    },
    ("discipline", Discipline.INTEGRITY): {
        "收受": 3, "红包": 4, "礼金": 4, "贿赂": 5, "受贿": 5, "行贿": 4, "回扣": 4,
        "公款吃喝": 4, "公款旅游": 4, "违规经商": 4, "权钱交易": 5, "亲属经商": 3, "套取": 4,
        "虚报冒领": 4, "侵占": 3, "挪用": 4, "公车私用": 4, "吃拿卡要": 3, "购物卡": 3,
        "违规发放": 3, "津贴补贴": 3, "宴请": 3, "送礼": 3, "好处费": 4, "干股": 4,
        "利益输送": 4, "围标": 3, "串标": 3, "招投标": 2, "工程款": 2, "化整为零": 3,
        "规避公开招标": 4, "规避招标": 4,
    },
    ("discipline", Discipline.MASS): {
        "优亲厚友": 5, "克扣": 4, "截留": 4, "扶贫资金": 3, "惠民资金": 3, "低保": 3,
        "危房改造": 3, "补助款": 3, "侵害群众利益": 5, "态度恶劣": 3, "刁难群众": 4,
        "冷硬横推": 4, "乱收费": 4, "乱摊派": 4, "集体资产": 3, "村务不公开": 4,
        "群众纪律": 3, "强拿": 3, "违规收费": 3, "重复收费": 3,
    },
    ("discipline", Discipline.WORK): {
        "不作为": 4, "乱作为": 4, "慢作为": 3, "形式主义": 4, "官僚主义": 4, "推诿": 3,
        "扯皮": 3, "失职": 4, "渎职": 4, "违规决策": 4, "敷衍": 3, "弄虚作假": 3,
        "泄露": 3, "工作纪律": 3, "拖延": 2, "懒政": 4, "监管不力": 3, "干预": 2,
        "监管不到位": 3, "职称评审": 2,
    },
    ("discipline", Discipline.LIFE): {
        "赌博": 4, "包养": 5, "情人": 4, "嫖娼": 5, "酗酒": 3, "生活作风": 4, "婚外情": 5,
        "奢靡": 3, "高档会所": 3, "生活纪律": 3, "不正当关系": 5,
    },
    ("transfer", TransferCategory.PERSONAL): {
        "工资": 2, "拖欠": 2, "社保": 3, "养老保险": 3, "退休待遇": 4, "工伤": 4, "医疗纠纷": 4,
        "离婚": 3, "邻里纠纷": 4, "个人待遇": 4, "调动工作": 3, "评职称": 3, "劳动合同": 3,
        "欠薪": 3, "抚恤": 3,
    },
    ("transfer", TransferCategory.LAND): {
        "征地": 4, "拆迁": 4, "征地拆迁": 5, "补偿款": 3, "安置": 3, "宅基地": 4, "土地承包": 4,
        "强拆": 4, "青苗补偿": 4, "征收": 3, "房屋征收": 4, "土地流转": 3,
    },
    ("transfer", TransferCategory.LITIGATION): {
        "判决": 4, "诉讼": 4, "起诉": 3, "上诉": 4, "法院": 2, "执行": 2, "申诉": 3, "仲裁": 3,
        "涉法涉诉": 5, "再审": 4, "裁定": 3, "执行难": 4, "错案": 4,
    },
}


@dataclass
class Suggestion:
    kind: str = ""  # "discipline" | "transfer" | ""
    category: str = ""
    score: int = 0
    matched: list[str] = field(default_factory=list)
    scores: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "category": self.category, "score": self.score,
                "matched": self.matched, "scores": self.scores}


@lru_cache(maxsize=1)
def _tokenizer() -> "jieba.Tokenizer":
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    for table in RULES.values():
        for word in table:
            tokenizer.add_word(word, freq=200000)
    return tokenizer


def segment(text: str) -> list[str]:
    return [w for w in _tokenizer().lcut(normalize(text)[:5000]) if w.strip()]


def suggest(text: str) -> Suggestion:
    words = set(segment(text))
    best = Suggestion()
    scores = {}
    for (kind, category), table in RULES.items():
        matched = sorted((w for w in table if w in words), key=lambda w: -table[w])
        score = sum(table[w] for w in matched)
        scores[category] = score
        if score > best.score:
            best = Suggestion(kind=kind, category=category, score=score, matched=matched)
    best.scores = {k: v for k, v in scores.items() if v}
    return best
