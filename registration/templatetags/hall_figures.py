"""Labels for the figures of the registration and contribution handlers."""

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

LABELS = {
    "uscc": _("统一社会信用代码"),
    "employer_name": _("单位名称"),
    "injury_class": _("工伤保险行业类别"),
    "injury_rate": _("工伤保险基准费率"),
    "registered_on": _("参保登记日期"),
    "deregistered_on": _("注销日期"),
    "staff_count": _("在职参保职工"),
    "person_name": _("姓名"),
    "id_masked": _("身份证号码"),
    "birth_date": _("出生日期（由身份证号码得出）"),
    "sex": _("性别（由身份证号码得出）"),
    "start": _("参保日期"),
    "end": _("减员日期"),
    "spell_start": _("本单位参保起始"),
    "reason": _("减员原因"),
    "involuntary": _("非本人意愿中断就业"),
    "declared_wage": _("申报工资"),
    "avg_wage": _("全口径城镇单位就业人员月平均工资"),
    "floor": _("缴费基数下限"),
    "ceiling": _("缴费基数上限"),
    "base": _("核定缴费基数"),
    "clamped": _("基数调整"),
    "year": _("申报年度"),
    "persons": _("申报人数"),
    "base_ratio": _("缴费档次"),
    "monthly_total": _("月缴费额"),
    "to_account": _("记入个人账户"),
    "to_pool": _("记入统筹基金"),
    "period": _("所属期"),
    "month_count": _("补缴月数"),
    "principal": _("本金"),
    "late_fee": _("滞纳金"),
    "total": _("合计"),
    "employer": _("单位缴费"),
    "individual": _("个人缴费"),
    "due_date": _("缴费期限"),
    "days_late": _("滞纳天数"),
    "subject": _("退费对象"),
    "overpaid_available": _("可退多缴金额"),
    "refund_amount": _("退费金额"),
    "remaining_overpaid": _("退费后剩余多缴"),
    "pension": _("基本养老保险"),
    "unemployment": _("失业保险"),
    "work_injury": _("工伤保险"),
    "change.name": _("单位名称变更"),
    "change.address": _("地址变更"),
    "change.legal_representative": _("法定代表人变更"),
    "change.injury_class": _("行业类别变更"),
    "change.bank_name": _("开户银行变更"),
    "change.bank_account": _("银行账号变更"),
}

VALUES = {
    "floor": _("按下限"),
    "ceiling": _("按上限"),
    "none": _("未调整"),
    "male": _("男"),
    "female": _("女"),
    True: _("是"),
    False: _("否"),
}


@register.filter
def figure_label(key):
    return LABELS.get(key, key)


@register.filter
def figure_value(value):
    if isinstance(value, bool) or value in ("floor", "ceiling", "none", "male", "female"):
        return VALUES.get(value, value)
    return value


@register.filter
def percent(value):
    try:
        from decimal import Decimal

        return f"{Decimal(str(value)) * 100:.2f}".rstrip("0").rstrip(".") + "%"
    except Exception:
        return value
