"""The same agency across years: a stable ``agency_id`` and its region, from the printed name.

Steps:
1. ``simplify``: traditional characters to simplified (OpenCC), full-width to half-width.
2. ``locate``: province / city / county and adcode with cpca (built on jieba's dictionary of
   place names). A county-level name cpca does not know is corrected when exactly one known
   county differs from it by one character (OCR: 沐阳县 → 沭阳县); a zone named after a county
   (平潭综合实验区) is tied to that county (平潭县).
3. ``unit``: what is left once the place names are removed, with the many names of a
   government itself (人民政府, 管委会, 管理委员会 …) folded to 政府 and common short forms expanded.
``agency_id`` is ``<adcode>:<unit>``, e.g. ``321322:政府`` for 沭阳县人民政府 and 沐阳县人民政府 alike.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache

from ..textnorm import nfkc, squash

GOVERNMENT = re.compile(r"(?:党工委)?(?:人民政府|管理委员会|管委会|政府)(?=$|办公室$|办公厅$)")
ZONES = ("综合实验区", "经济技术开发区", "高新技术产业开发区", "经济开发区", "高新区", "开发区", "新区", "试验区", "实验区")
# characters OCR confuses (a dot, a stroke): used to choose among one-character corrections
CONFUSABLE = [set(g) for g in ("沐沭", "己已巳", "未末", "日曰", "士土", "戊戌戍", "拨拔", "侯候", "汩汨", "祗祇",
                               "崇祟", "荥荧", "泾经", "滦栾", "亳毫", "郫郸", "邳丕", "圳川", "鄞勤", "蓟冀", "涞淶",
                               "睢雎", "沅沉", "汶汝", "泗洒", "涪培", "阆浪", "衢瞿", "邗刊", "儋擔")]
SHORT_FORMS = {"发改局": "发展和改革局", "发改委": "发展和改革委员会", "人社局": "人力资源和社会保障局",
               "市监局": "市场监督管理局", "市场监管局": "市场监督管理局", "住建局": "住房和城乡建设局",
               "自然资源局": "自然资源和规划局", "卫健委": "卫生健康委员会", "卫健局": "卫生健康局",
               "生态环境局": "生态环境局", "教体局": "教育体育局", "农业农村局": "农业农村局"}


@dataclass(frozen=True)
class AgencyPlace:
    agency_id: str
    province: str
    city: str
    county: str
    adcode: str
    unit: str


@lru_cache(maxsize=1)
def _opencc():
    try:
        import opencc

        return opencc.OpenCC("t2s")
    except Exception:  # pragma: no cover - optional at run time
        return None


def simplify(name: str) -> str:
    cc = _opencc()
    text = squash(nfkc(name))
    return cc.convert(text) if cc else text


@lru_cache(maxsize=1)
def _gazetteer():
    from ..imports import light_pkg_resources

    with warnings.catch_warnings(), light_pkg_resources():
        warnings.simplefilter("ignore")
        import cpca
    counties, short = {}, {}
    for code, info in cpca.ad_2_addr_dict.items():
        if len(info.name) < 2:
            continue
        if info.rank == 2:
            counties.setdefault(info.name, code[:6])
        base = re.sub(r"(?:自治县|自治旗|县|区|市|旗)$", "", info.name)
        if len(base) >= 2:
            short.setdefault(base, []).append((code[:6], info.name))
    return cpca, counties, short


def _cpca(text: str) -> tuple[str, str, str, str, str]:
    cpca, _, _ = _gazetteer()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        # the record cpca.transform puts in its one-row DataFrame, without building one (and importing pandas)
        row = cpca._get_one_addr(text, False, {})

    def val(k):
        v = row.get(k)
        return "" if v is None or (isinstance(v, float)) or str(v) == "nan" else str(v)

    province, city, county, rest, adcode = val("省"), val("市"), val("区"), val("地址"), val("adcode")
    if len(county) < 2:
        county = ""
    if len(city) < 2 or city in ("县", "市辖区"):
        city = ""
    if not (province or city or county):
        adcode = ""
    return province, city, county, rest, adcode


def _one_char_off(token: str, names: dict[str, str]) -> str | None:
    """The one known name that differs from ``token`` by one character OCR could have misread."""
    hits = [n for n in names if len(n) == len(token) and sum(a != b for a, b in zip(n, token)) == 1
            and n[-1] == token[-1]]
    if len(hits) > 1:
        hits = [n for n in hits if any({a, b} <= group for a, b in zip(n, token) if a != b for group in CONFUSABLE)]
    return hits[0] if len(hits) == 1 else None


def locate(name: str) -> AgencyPlace:
    text = simplify(name)
    _, counties, short = _gazetteer()
    province, city, county, rest, adcode = _cpca(text)
    if not county:
        # a county-level word cpca did not know: an OCR slip, or a zone named after a county
        m = re.match(r"^(?:.{2,4}?[省市])?(.{2,5}?[县区旗])", text)
        fixed = _one_char_off(m.group(1), counties) if m and m.group(1) not in counties else None
        if fixed:
            text = text.replace(m.group(1), fixed, 1)
            province, city, county, rest, adcode = _cpca(text)
        else:
            for zone in ZONES:
                i = text.find(zone)
                if i >= 2:
                    base = text[:i]
                    base = re.sub(r"^.{2,4}?[省市]", "", base) if base not in short else base
                    if base in short and len(short[base]) == 1:
                        code, full = short[base][0]
                        province, city, county, _, adcode = _cpca(full)
                        county = county or full
                        adcode = adcode or code
                        rest = text[i + len(zone):]
                    break
    unit = rest
    for place in (province, city, county):
        if place:
            unit = unit.replace(place, "")
    for zone in ZONES:
        unit = unit.replace(zone, "")
    unit = GOVERNMENT.sub("政府", unit) or "政府"
    for short_form, full in SHORT_FORMS.items():
        if unit == short_form or unit.endswith(short_form):
            unit = unit[: -len(short_form)] + full
    if not adcode:  # no place found: the name itself, with the government's names folded
        return AgencyPlace(f"?:{GOVERNMENT.sub('政府', text)}", "", "", "", "", "")
    return AgencyPlace(f"{adcode}:{unit}", province, city, county, adcode, unit)
