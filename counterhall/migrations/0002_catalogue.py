"""Load the business-type catalogue (docs: ../shared/docs/catalogue.md) and the staff roles."""

from django.db import migrations

ROLES = ["teller", "special_clerk", "reviewer", "leader", "finance", "auditor", "hall_admin"]

# code, name, name_en, category, special, mode, limit, signoff, baseline, documents
# documents: (code, name, name_en, deferrable, proves_payout)
CATALOGUE = [
    ("REG01", "单位新参保登记", "employer new enrollment", "registration", False, "immediate", None, [],
     (7, "5–6", 2, 30), [
        ("business_licence", "营业执照（统一社会信用代码）", "business licence with unified social credit code", False, False),
        ("legal_rep_id", "法定代表人身份证", "legal representative's ID", False, False),
        ("bank_account", "银行开户信息", "bank account details", True, False),
        ("agent_authorisation", "经办人身份证及授权委托书", "agent's ID and authorisation", False, False),
        ("employer_form", "单位参保登记表", "employer registration form", False, False),
    ]),
    ("REG02", "单位信息变更登记", "employer information change", "registration", False, "immediate", None, [],
     None, [
        ("change_proof", "营业执照或变更证明", "licence or proof of the change", False, False),
        ("agent_id", "经办人身份证", "agent's ID", False, False),
        ("change_form", "单位信息变更表", "employer change form", False, False),
    ]),
    ("REG03", "单位注销登记", "employer deregistration", "registration", False, "time_limited", 5, ["leader"],
     None, [
        ("deregistration_document", "注销、吊销或清算文件", "deregistration, revocation or liquidation document", False, False),
        ("agent_id", "经办人身份证", "agent's ID", False, False),
    ]),
    ("REG04", "职工参保登记（增员）", "employee enrollment", "registration", False, "immediate", None, [],
     (6, "5", None, None), [
        ("employee_id", "职工身份证", "employee's ID", False, False),
        ("labour_contract", "劳动合同（用工证明）", "proof of employment (labour contract)", True, False),
        ("enrollment_form", "参保人员登记表", "enrollment form", False, False),
    ]),
    ("REG05", "职工减员（停保）", "employee separation", "registration", False, "immediate", None, [],
     None, [
        ("separation_form", "减员申报表", "separation form", False, False),
        ("termination_proof", "解除或终止劳动合同证明（涉及失业保险时）", "proof of termination of the labour contract where the reason matters for unemployment insurance", False, False),
    ]),
    ("CON01", "缴费基数申报核定", "contribution-base declaration", "contribution", False, "immediate", None, [],
     None, [
        ("wage_declaration", "工资总额申报表", "wage-total declaration form", False, False),
        ("wage_list", "职工工资明细表", "per-employee wage list", False, False),
    ]),
    ("CON02", "灵活就业人员参保登记与缴费核定", "flexible-employment enrollment and contribution assessment", "contribution", False, "immediate", None, [],
     None, [
        ("applicant_id", "申请人身份证", "applicant's ID", False, False),
        ("residence_proof", "户口簿或居住证", "household registration or residence permit", False, False),
        ("application_form", "灵活就业人员参保申请表", "application form", False, False),
        ("withholding_account", "代扣银行账户", "bank account for withholding", False, False),
    ]),
    ("CON03", "补缴核定（含滞纳金）", "back-payment assessment with late fee", "contribution", False, "time_limited", 5, ["leader"],
     None, [
        ("backpay_application", "补缴申请", "back-payment application", False, False),
        ("contracts_and_wages", "相关月份劳动合同及工资记录", "labour contracts and wage records of the months concerned", False, False),
        ("inspection_documents", "劳动监察或仲裁文书（如有）", "labour-inspection or arbitration documents where they exist", False, False),
    ]),
    ("CON04", "多缴退费核定", "refund of overpaid contributions", "contribution", False, "time_limited", 10, ["leader", "finance"],
     None, [
        ("refund_application", "退费申请", "refund application", False, False),
        ("identity", "身份证或单位证明", "ID or employer certificate", False, False),
        ("payment_receipts", "缴费凭证", "payment receipts", False, True),
        ("bank_account", "银行账户信息", "bank account details", False, True),
    ]),
    ("BEN01", "企业职工退休待遇核定", "retirement pension determination", "benefit", False, "time_limited", 10, [],
     None, [
        ("retiree_id", "退休人员身份证", "retiree's ID", False, False),
        ("personnel_file", "人事档案", "personnel file", False, False),
        ("retirement_form", "退休申请表", "retirement application form", False, False),
        ("bank_account", "银行账户信息", "bank account details", False, True),
    ]),
    ("BEN02", "弹性提前/延迟退休申请", "flexible early or deferred retirement", "benefit", False, "immediate", None, [],
     None, [
        ("written_application", "书面申请", "written application", False, False),
        ("deferral_agreement", "延迟退休的单位与职工书面协议（延迟时）", "for deferral, the written agreement of employer and employee", False, False),
    ]),
    ("BEN03", "失业保险金申领核定", "unemployment benefit claim", "benefit", False, "immediate", None, [],
     None, [
        ("applicant_id", "申请人身份证", "applicant's ID", False, False),
        ("separation_proof", "非本人意愿中断就业证明", "proof of involuntary separation", False, False),
        ("unemployment_registration", "失业登记证明", "unemployment registration", False, False),
        ("bank_account", "银行账户信息", "bank account details", False, True),
    ]),
    ("BEN04", "失业保险待遇变更", "unemployment benefit change", "benefit", False, "immediate", None, [],
     None, [
        ("event_proof", "变更事由证明（再就业、应征入伍、出境定居、领取养老金、死亡）", "proof of the event (re-employment, enlistment, emigration, pension start, death)", False, False),
    ]),
    ("TRF01", "养老保险关系转出", "pension relationship transfer-out", "transfer", False, "time_limited", 15, [],
     None, [
        ("acceptance_letter", "转入地同意接收函", "acceptance letter from the receiving agency", False, False),
        ("applicant_id", "申请人身份证", "applicant's ID", False, False),
    ]),
    ("TRF02", "养老保险关系转入", "pension relationship transfer-in", "transfer", False, "time_limited", 15, [],
     None, [
        ("applicant_id", "申请人身份证", "applicant's ID", False, False),
        ("contribution_certificate", "参保缴费凭证", "contribution certificate from the sending agency", False, False),
        ("transfer_in_application", "转入申请", "transfer-in application", False, False),
    ]),
    ("TRF03", "失业保险关系转移", "unemployment insurance transfer", "transfer", False, "time_limited", 15, [],
     None, [
        ("applicant_id", "申请人身份证", "applicant's ID", False, False),
        ("contribution_certificate", "参保缴费凭证", "contribution certificate", False, False),
        ("transfer_form", "转移表", "transfer form", False, False),
    ]),
    ("SPC01", "在职死亡", "death in service", "account", True, "time_limited", 10, ["leader", "finance"],
     None, [
        ("death_certificate", "死亡证明或户籍注销证明", "death certificate or cancelled household registration", False, True),
        ("ids", "死者及申领人身份证", "IDs of the deceased and the claimant", False, False),
        ("kinship_proof", "亲属关系或继承权证明（有争议时提供公证或法院文书）", "proof of kinship or of inheritance", False, True),
        ("claimant_bank_account", "申领人银行账户", "claimant's bank account", False, True),
    ]),
    ("SPC02", "出国定居", "settling abroad", "account", True, "time_limited", 10, ["leader", "finance"],
     None, [
        ("written_application", "书面申请", "written application", False, False),
        ("id_or_passport", "身份证或护照", "ID or passport", False, False),
        ("nationality_loss_proof", "丧失中国国籍及出国定居证明", "proof of loss of nationality and of settling abroad", False, True),
        ("signed_confirmation", "已告知后果的书面确认", "the signed confirmation that the applicant was told the consequences", False, True),
        ("bank_account", "银行账户信息", "bank account details", False, True),
    ]),
    ("SPC03", "在职基本信息维护", "core-data maintenance of an employed person", "basic_info", True, "time_limited", 5, ["leader"],
     None, [
        ("id_and_household", "身份证及户口簿", "ID and household register", False, False),
        ("personnel_records", "人事档案原始记录", "the original personnel-file records", False, False),
        ("police_certificate", "公安机关更正证明（变更身份证号时）", "the public-security correction certificate where the ID changes", False, False),
        ("change_form", "信息变更表", "data-change form", False, False),
    ]),
]


def load(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    BusinessType = apps.get_model("counterhall", "BusinessType")
    RequiredDocument = apps.get_model("counterhall", "RequiredDocument")
    for role in ROLES:
        Group.objects.get_or_create(name=role)
    for position, row in enumerate(CATALOGUE, start=1):
        # The baselines are set by 0016_baselines (min/max trips and the source named).
        code, name, name_en, category, special, mode, limit, signoff, _baseline, documents = row
        bt, _ = BusinessType.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "category": category,
                "is_special": special,
                "completion_mode": mode,
                "limit_days": limit,
                "signoff_roles": signoff,
                "position": position,
            },
        )
        for doc_position, (doc_code, doc_name, doc_en, deferrable, payout) in enumerate(documents, 1):
            RequiredDocument.objects.update_or_create(
                business_type=bt,
                code=doc_code,
                defaults={
                    "name": doc_name,
                    "name_en": doc_en,
                    "deferrable": deferrable,
                    "proves_payout": payout,
                    "position": doc_position,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("counterhall", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
