"""Seed the checklist of common return reasons (退回原因), editable afterwards in the admin.

Common reasons apply to every business type; the others belong to one catalogue code and are
skipped when that code is not in the catalogue.
"""

from django.db import migrations

COMMON = [
    ("documents_incomplete", "要件不全或复印件不清晰"),
    ("documents_mismatch", "要件内容与申请信息不一致"),
    ("form_error", "申请表填写有误或漏填"),
    ("identity_mismatch", "身份信息与证件不符"),
    ("figures_error", "核算结果有误，请核对基数、比例或期间"),
    ("not_eligible", "不符合办理条件，请核实"),
]

BY_TYPE = {
    "REG01": [("licence_mismatch", "营业执照信息（统一社会信用代码、名称）与申请不一致"),
              ("bank_missing", "开户银行或账号信息缺失")],
    "REG02": [("change_proof", "缺少变更事项的批准或证明文件")],
    "REG03": [("arrears_open", "单位尚有欠费未清，不能注销"),
              ("employees_open", "单位尚有在册参保职工未减员")],
    "REG04": [("contract_missing", "劳动合同或录用手续不全"),
              ("already_insured", "该人员已在其他单位参保")],
    "REG05": [("separation_proof", "缺少解除或终止劳动关系证明"),
              ("stop_month", "停保月份有误")],
    "CON01": [("wage_list", "工资明细与申报基数不一致"),
              ("base_bounds", "缴费基数超出上下限未按规定调整")],
    "CON02": [("hukou", "户籍或居住证明不符合灵活就业参保条件"),
              ("grade", "缴费档次选择有误")],
    "CON03": [("period_proof", "补缴期间缺少劳动关系证明"),
              ("late_fee", "滞纳金计算期间有误")],
    "CON04": [("overpay_proof", "缺少多缴费用的缴费凭证"),
              ("refund_account", "退费账户信息有误")],
    "BEN01": [("age", "退休年龄或出生日期核定有误"),
              ("years", "累计缴费年限不足或视同缴费年限认定有误"),
              ("file_review", "人事档案审核意见缺失")],
    "BEN02": [("flex_window", "弹性退休申请期限或幅度不符合规定")],
    "BEN03": [("separation_reason", "非本人意愿中断就业的证明不足"),
              ("registration", "未办理失业登记")],
    "BEN04": [("event_proof", "变更事由证明不足"),
              ("effective_month", "待遇变更起始月份有误")],
    "TRF01": [("acceptance_letter", "转入地同意接收函缺失或信息不符")],
    "TRF02": [("certificate", "参保缴费凭证与转出地信息不一致")],
    "TRF03": [("transfer_form", "转移表信息不全")],
    "SPC01": [("death_proof", "死亡证明或户籍注销证明不符合要求"),
              ("kinship", "亲属关系或继承权证明不足"),
              ("payee_account", "申领人银行账户与身份不符")],
    "SPC02": [("nationality", "丧失中国国籍或出国定居证明不足"),
              ("confirmation", "缺少已告知后果的书面确认")],
    "SPC03": [("archive", "人事档案原始记录不能证明变更事项"),
              ("police", "变更身份证号缺少公安机关更正证明")],
}


def load(apps, schema_editor):
    BusinessType = apps.get_model("counterhall", "BusinessType")
    ReturnReason = apps.get_model("review", "ReturnReason")
    for position, (code, text) in enumerate(COMMON, start=1):
        ReturnReason.objects.get_or_create(
            business_type=None, code=code, defaults={"text": text, "position": position}
        )
    types = {bt.code: bt for bt in BusinessType.objects.filter(code__in=BY_TYPE)}
    for type_code, reasons in BY_TYPE.items():
        if type_code not in types:
            continue
        for position, (code, text) in enumerate(reasons, start=1):
            ReturnReason.objects.get_or_create(
                business_type=types[type_code],
                code=code,
                defaults={"text": text, "position": position},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("review", "0001_initial"),
        ("counterhall", "0002_catalogue"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
