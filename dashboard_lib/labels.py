"""Chinese names for codes stored in the database, and the value rule as users read it.

The database stores stable English codes (``honour_national``, ``prefecture``); the words
for them are the registry's (``valuation.registry``, which reads the metrics' labels from
etl/rules/metrics.yml), and this module is how the pages ask for them, so the pages, the
charts and the exports say the same thing.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard_lib import default_year
from db import documents
from db.filters import ALL
from valuation import registry

# Code → words, each table read from the registry (valuation/registry.py).
METRIC_NAMES = {m.name: m.label for m in registry.METRICS.values()}
METRIC_SHORT = {m.name: m.short for m in registry.METRICS.values()}
METRIC_UNITS = {m.name: m.unit for m in registry.METRICS.values()}
TIER_NAMES = registry.TIER_LABELS
TIER_SHORT = registry.TIER_SHORT
STATUS_NAMES = registry.STATUS_LABELS
ROLE_NAMES = registry.ROLE_LABELS
ROLE_SHORT = registry.ROLE_SHORT  # the roles in a word or two, for counts
# An uploaded file's outcome (db.documents' codes), in the order the 导入 page counts them,
# and the stages of its progress bar.
UPLOAD_STATUS_NAMES = {
    documents.LOADED: "已导入",
    documents.UNCHANGED: "未变化已跳过",
    documents.REPLACED: "已替换旧版本",
    documents.REFUSED: "拒绝",
}
WRITTEN_STATUSES = documents.WRITTEN
REFUSED = documents.REFUSED
UPLOAD_STAGE_NAMES = {"checked": "已读入", "extracted": "已提取", "written": "完成"}


def metric_name(code: str, short: bool = False) -> str:
    """Chinese name of a metric; metrics the dashboard does not know keep their code."""
    table = METRIC_SHORT if short else METRIC_NAMES
    return table.get(code, code)


def tier_name(code: str | None, short: bool = True) -> str:
    """省级/地级/县级; empty or unknown tiers are shown as given."""
    if not code:
        return "全部层级" if code == ALL else ""
    return (TIER_SHORT if short else TIER_NAMES).get(code, code)


def region_label(region: Any, province: Any, tier: Any) -> str:
    """张掖市（甘肃省·地级）: region names repeat across provinces, so pickers show the
    province and the tier."""
    province = province if isinstance(province, str) else "省份不详"
    return f"{region}（{province}·{tier_name(tier if isinstance(tier, str) else None)}）"


def region_labels(regions: pd.DataFrame) -> list[str]:
    """:func:`region_label` of each row of a regions frame (its columns read as lists)."""
    return [
        region_label(region, province, tier)
        for region, province, tier in zip(
            regions["region"].tolist(),
            regions["province"].tolist(),
            regions["tier"].tolist(),
            strict=True,
        )
    ]


def _word(table: dict[str, str], code: str | None) -> str:
    """The words for ``code`` in ``table``; a code without words is shown as it is."""
    return table.get(code or "", code or "")


def status_name(code: str | None) -> str:
    """Why an article's region is not placed, in words."""
    return _word(STATUS_NAMES, code)


def region_basis_name(code: str | None) -> str:
    """How an article's region was decided, in words (empty when it was not)."""
    return _word(registry.REGION_BASIS_LABELS, code)


def confidence_name(code: str | None) -> str:
    return _word(registry.CONFIDENCE_LABELS, code)


def year_source_name(code: str | None) -> str:
    """Where an article's year came from (``none``: the page states no year)."""
    return _word(registry.YEAR_SOURCE_LABELS, code)


def document_kind_name(code: str | None) -> str:
    """What a document was read from: 文本, Word, PDF（扫描件，OCR 识别）…"""
    return _word(registry.DOCUMENT_KIND_LABELS, code)


def category_name(code: str | None) -> str:
    """A fund category's Chinese label, or 全部类别 for no restriction."""
    if not code:
        return "全部类别"
    return registry.FUND_CATEGORIES.get(code, code)


UNPLACED_SENTENCE = "{n} 条数据因地区无法确定未计入"

RULE_HONOUR = "取各地区所选年份内的最大命名次数（累计数，不相加）；地区无法确定的数据不计入。"
RULE_ADDITIVE = (
    "剔除标准类（每人每月…）、分项（其中…）和已含在同文更长期间同类数字中的数字；"
    "多篇报告取合计最大的一篇，期间互不重叠的报告才相加；"
    "含约数标“余/约”，统计期间不一致标“口径不一”；同期数值不同的以发布较晚者为准（数据冲突）；"
    "地区无法确定的数据不计入。"
)
RULE_COMPARE = "荣誉取最大次数；资金、人数" + RULE_ADDITIVE[: RULE_ADDITIVE.index("；地区")] + "。"


def rule_short(metric: str) -> str:
    """The one-line rule printed on an exported chart."""
    return RULE_HONOUR if registry.is_honour(metric) else RULE_ADDITIVE


VALUE_RULE = (
    """\
**取值规则：一个地区的数值如何由多条数据得出**

1. **统计口径**：每个数字都记下它所指的期间类型和年份（单一年度、多年累计、每年、年内部分时段、\
截至某时的累计数、未写明期间）。
   - **单一年度**（资金、人数的默认口径）：只用指某一年的数字，年份按**数字所指的年份**，\
不按文章年份（2024年报告中的“2023年投入……”计入2023年）；未写明期间的数字按文章年份计；\
“2016年以来”“近4年来”等多年合计、“每年”“上半年”的数字都不计入。"""
    + default_year.RULE
    + """
   - **多年累计**：只用多年合计与截至某时的累计数，图中注明起始年份；默认只把**起始年份相同**的\
数字放在一起排名（取报告地区最多的起始年份），也可选“各起始年份”。
   - **全部**：不分期间类型，年份按文章所属年份（原有做法），统计期间不一的合计标“口径不一”。
   - 荣誉命名次数本身是累计数，只按“全部”口径排名。
   以下各条在所选口径的数字范围内适用。地区无法确定的数据（地名被隐去、有同名地区无法区分、\
文中没有地名）不计入排名，图下注明“N 条数据因地区无法确定未计入”。省、市、县三级分开排名，不混排。
   标为“可疑”的数据（数值超出合理范围，如县级资金超过1000亿元、人数超过1000万、命名次数超过已评选的届数，或数字过长不成数额）保留原文、在明细中注明原因，但不计入排名和对比。
2. **全国、省级双拥模范城（县）命名次数**：取该地区各条数据中的**最大次数**。\
命名次数是截至当时的累计数，不同年份、不同文件中的次数不相加。
3. **投入资金、安置人数、子女入学入园人数**：
   - 剔除标准类数字（如“每人每月300元”），它是补助标准，不是总量；
   - 剔除分项数字（“其中……”），避免与它所属的总数重复相加；
   - 同一篇文章中，某个数字的统计期间落在另一个更大的同类数字的更长期间之内（如“2016年以来投入\
3.5亿元”与“2022年投入2000万元”），视为已含在其中，不重复相加；
   - 同一篇文章在不同位置分别写出的相同数字，按该文出现的次数计，其余数字相加；
   - 同一地区有多篇报告（多份文件、转载、汇编中重复收录）时，取合计最大的一篇；另一篇只有在\
每个数字都注明统计期间、且与已计入的报告期间互不重叠（如2022年报告与2023年报告）时才相加。\
不相加的报告仍列为依据：与已计入数字相同的标“重复报道”，其余标“期间重叠”；
   - **数据冲突**：不同文章对同一地区、同一类别、同一统计期间给出不同数值（转载时改动、事后更正）\
时，以**发布较晚**的为准（按文章日期，无日期按年份），较早的标“数据冲突”不计入，\
该柱注明“数据冲突”，点击可并排查看两条原文；数值相同的只计一次（重复报道）。
4. 参与相加的数字中有约数（“余”“多”“约”“近”），合计值也标为约数（余/约）。参与相加的数字统计期间\
不一致（如“2016年以来”与“2022年”），标注“口径不一”。
5. 某地区的统计期间与图中多数地区不同，在数值后用括号注明其期间。

点击图中的柱子，可以看到构成该数值的每一条原文。
"""
)
