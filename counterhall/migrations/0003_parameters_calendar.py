"""Seed the policy parameters of ../shared/docs/rules.md §4 and the 2025–2026 public holidays.

Figures marked 示例值 are illustrative (the worked examples of rules.md) because the published
Jilin figure was not at hand: a hall admin replaces them in the admin when published. Every
row is dated; nothing here is read as a literal by the code.
"""

import datetime as dt

from django.db import migrations

D = dt.date
NATIONAL, JILIN, WANGQING = "000000", "220000", "222424"
ILLUSTRATIVE = "示例值（rules.md 算例），请按吉林省公布数据更新"

JIFA_MONTHS = {
    40: 233, 41: 230, 42: 226, 43: 223, 44: 220, 45: 216, 46: 212, 47: 207, 48: 204, 49: 199,
    50: 195, 51: 190, 52: 185, 53: 180, 54: 175, 55: 170, 56: 164, 57: 158, 58: 152, 59: 145,
    60: 139, 61: 132, 62: 125, 63: 117, 64: 109, 65: 101, 66: 93, 67: 84, 68: 75, 69: 65, 70: 56,
}

# region, key, value, from, to, tag, note
PARAMETERS = [
    (NATIONAL, "pension.employer_rate", "0.20", D(1998, 1, 1), D(2019, 4, 30), "national", "单位缴费比例（降费前）"),
    (NATIONAL, "pension.employer_rate", "0.16", D(2019, 5, 1), None, "national", "国办发〔2019〕13号"),
    (NATIONAL, "pension.individual_rate", "0.08", D(1998, 1, 1), None, "national", "个人缴费 8%，全部记入个人账户"),
    (NATIONAL, "pension.flexible_rate", "0.20", D(1998, 1, 1), None, "national", "灵活就业人员缴费比例"),
    (NATIONAL, "pension.flexible_account_rate", "0.08", D(1998, 1, 1), None, "national", "灵活就业人员记入个人账户比例"),
    (NATIONAL, "unemployment.employer_rate", "0.005", D(2019, 5, 1), None, "province", "默认单位 0.5%（吉林比例待核实）"),
    (NATIONAL, "unemployment.individual_rate", "0.005", D(2019, 5, 1), None, "province", "默认个人 0.5%（吉林比例待核实）"),
    *[
        (NATIONAL, f"injury.class_base_rate.{cls}", rate, D(2015, 10, 1), None, "national", "人社部发〔2015〕71号 行业基准费率")
        for cls, rate in enumerate(["0.002", "0.004", "0.007", "0.009", "0.011", "0.013", "0.016", "0.019"], 1)
    ],
    (NATIONAL, "base.floor_ratio", "0.60", D(2019, 5, 1), None, "national", "缴费基数下限 60%"),
    (NATIONAL, "base.ceiling_ratio", "3.00", D(2019, 5, 1), None, "national", "缴费基数上限 300%"),
    (JILIN, "base.avg_wage", "6500.00", D(2020, 1, 1), None, "province", ILLUSTRATIVE + "（全口径城镇单位就业人员月平均工资）"),
    (JILIN, "pension.jifa_base", "7000.00", D(2020, 1, 1), None, "province", ILLUSTRATIVE + "（计发基数）"),
    (JILIN, "pension.transition_coef", "0.012", D(1998, 1, 1), None, "province", "过渡系数 1.2%（待核实）"),
    (NATIONAL, "pension.jifa_months", {str(k): v for k, v in JIFA_MONTHS.items()}, D(2006, 1, 1), None, "national", "国发〔2005〕38号 计发月数表"),
    (NATIONAL, "pension.jifa_months_strategy", "floor_year", D(2006, 1, 1), None, "practice", "按退休时周岁取值（floor_year）或按月插值（interpolate）"),
    *[
        (NATIONAL, "pension.account_interest_rate", rate, D(year, 1, 1), D(year, 12, 31), "national", "个人账户记账利率（待核实）")
        for year, rate in [(2016, "0.0831"), (2017, "0.0712"), (2018, "0.0829"), (2019, "0.0761"), (2020, "0.0604"),
                           (2021, "0.0669"), (2022, "0.0612"), (2023, "0.0397"), (2024, "0.0262")]
    ],
    (NATIONAL, "late_fee.daily_rate", "0.0005", D(2011, 7, 1), None, "national", "社会保险法第86条 万分之五"),
    (NATIONAL, "late_fee.cap_at_principal", True, D(2011, 7, 1), None, "practice", "滞纳金不超过本金（行政强制法第45条，待与税务核实）"),
    (NATIONAL, "transfer.pooled_ratio", "0.12", D(2010, 1, 1), None, "national", "国办发〔2009〕66号 统筹基金 12%"),
    (JILIN, "transfer.move_funds_intra_province", False, D(2010, 1, 1), None, "province", "省级统筹：省内转移只转记录"),
    (WANGQING, "min_wage", "1540.00", D(2021, 12, 1), None, "province", "吉林省最低工资标准（四类地区）"),
    (JILIN, "unemployment.benefit_ratio_of_min_wage", "0.90", D(2021, 12, 1), None, "province", "失业保险金为最低工资的 90%"),
    (JILIN, "survivor.urban_disposable_income_month", "3200.00", D(2021, 9, 1), None, "province", ILLUSTRATIVE + "（城镇居民人均可支配收入÷12）"),
    (NATIONAL, "survivor.funeral_multiple", "2", D(2021, 9, 1), None, "national", "人社部发〔2021〕18号"),
    (NATIONAL, "retirement.min_contrib_months", 180, D(1998, 1, 1), D(2029, 12, 31), "national", "最低缴费年限 15 年"),
    *[
        (NATIONAL, "retirement.min_contrib_months", 180 + 6 * (year - 2029), D(year, 1, 1), D(year, 12, 31), "national", "渐进式提高最低缴费年限")
        for year in range(2030, 2039)
    ],
    (NATIONAL, "retirement.min_contrib_months", 240, D(2039, 1, 1), None, "national", "最低缴费年限 20 年"),
    (NATIONAL, "retirement.delay_rule", {
        "male_60": {"original_years": 60, "start": "1965-01", "step": 4, "cap": 36},
        "female_55": {"original_years": 55, "start": "1970-01", "step": 4, "cap": 36},
        "female_50": {"original_years": 50, "start": "1975-01", "step": 2, "cap": 60},
    }, D(2025, 1, 1), None, "national", "国务院关于渐进式延迟法定退休年龄的办法"),
    (NATIONAL, "retirement.flexible_max_months", 36, D(2025, 1, 1), None, "national", "弹性提前或延迟最长 3 年"),
    (NATIONAL, "hall.retiree_batch_on_spot_max", 5, D(2000, 1, 1), None, "practice", "退休待遇核定 5 人以下即时办结"),
    (NATIONAL, "hall.bad_rating_fix_days", 15, D(2019, 12, 1), None, "province", "差评整改时限（工作日）"),
]

# (date, kind, name): holidays and make-up working days (国务院办公厅通知; editable).
CALENDAR = []


def _span(start, end, name):
    day = start
    while day <= end:
        CALENDAR.append((day, "holiday", name))
        day += dt.timedelta(days=1)


_span(D(2025, 1, 1), D(2025, 1, 1), "元旦")
_span(D(2025, 1, 28), D(2025, 2, 4), "春节")
_span(D(2025, 4, 4), D(2025, 4, 6), "清明节")
_span(D(2025, 5, 1), D(2025, 5, 5), "劳动节")
_span(D(2025, 5, 31), D(2025, 6, 2), "端午节")
_span(D(2025, 10, 1), D(2025, 10, 8), "国庆节、中秋节")
_span(D(2026, 1, 1), D(2026, 1, 3), "元旦")
_span(D(2026, 2, 15), D(2026, 2, 23), "春节")
_span(D(2026, 4, 4), D(2026, 4, 6), "清明节")
_span(D(2026, 5, 1), D(2026, 5, 5), "劳动节")
_span(D(2026, 6, 19), D(2026, 6, 21), "端午节")
_span(D(2026, 9, 25), D(2026, 9, 27), "中秋节")
_span(D(2026, 10, 1), D(2026, 10, 7), "国庆节")
CALENDAR += [
    (D(2025, 1, 26), "workday", "春节调休"),
    (D(2025, 2, 8), "workday", "春节调休"),
    (D(2025, 4, 27), "workday", "劳动节调休"),
    (D(2025, 9, 28), "workday", "国庆节调休"),
    (D(2025, 10, 11), "workday", "国庆节调休"),
    (D(2026, 1, 4), "workday", "元旦调休"),
    (D(2026, 2, 14), "workday", "春节调休"),
    (D(2026, 2, 28), "workday", "春节调休"),
    (D(2026, 5, 9), "workday", "劳动节调休"),
    (D(2026, 9, 20), "workday", "国庆节调休"),
    (D(2026, 10, 10), "workday", "国庆节调休"),
]


def load(apps, schema_editor):
    PolicyParameter = apps.get_model("counterhall", "PolicyParameter")
    CalendarDay = apps.get_model("counterhall", "CalendarDay")
    for region, key, value, start, end, tag, note in PARAMETERS:
        PolicyParameter.objects.update_or_create(
            region=region,
            key=key,
            effective_from=start,
            defaults={"value": value, "effective_to": end, "tag": tag, "note": note},
        )
    for day, kind, name in CALENDAR:
        CalendarDay.objects.update_or_create(date=day, defaults={"kind": kind, "name": name})


class Migration(migrations.Migration):
    dependencies = [("counterhall", "0002_catalogue")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
