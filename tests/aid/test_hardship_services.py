"""困难职工帮扶 through its services: the whole journey, the refused moves, the scope of
each decision, the yearly re-check and the member's notices."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from aid.models import AidForm, HardshipApplication, HardshipStatus
from aid.selectors import hardship_application_ids_recheck_due
from aid.services import hardship
from aid.tasks import flag_rechecks
from core.models import AuditLog, Notification
from tests.accounts.factories import UserFactory
from tests.aid.factories import approved, submit

pytestmark = pytest.mark.django_db
S = HardshipStatus


def test_the_whole_journey_is_recorded_step_by_step_and_told_to_the_member(aid_world):
    w = aid_world
    application = submit(w.member)
    assert application.status == S.SUBMITTED
    assert application.region.code == "130102"
    assert application.documents.get().kind == "pdf"

    hardship.hardship_application_verify(
        actor=w.officer, application=application, note="入户走访，情况属实"
    )
    hardship.hardship_application_approve(
        actor=w.city_editor, application=application, amount="6000", form=AidForm.MEDICAL
    )
    record = hardship.hardship_disburse(
        actor=w.county_editor,
        application=application,
        amount="6000",
        form=AidForm.MEDICAL,
        disbursed_on=date(2026, 1, 20),
    )
    application.refresh_from_db()
    assert application.status == S.DISBURSED
    assert record.amount == Decimal("6000.00")
    assert application.recheck_due == date(2026, 1, 20) + timedelta(days=365)
    steps = list(application.steps.values_list("to_status", flat=True))
    assert steps == [S.SUBMITTED, S.VERIFIED, S.APPROVED, S.DISBURSED]
    titles = list(
        Notification.objects.filter(user=w.member, kind="aid.hardship").values_list(
            "title", flat=True
        )
    )
    assert len(titles) == 4 and "帮扶资金已发放" in titles
    actions = set(
        AuditLog.objects.filter(
            target_type="aid.hardshipapplication", target_id=str(application.pk)
        ).values_list("action", flat=True)
    )
    assert actions == {"aid.hardship.verify", "aid.hardship.approve", "aid.hardship.disburse"}


def test_a_move_out_of_order_is_refused_in_chinese_and_changes_nothing(aid_world):
    w = aid_world
    application = submit(w.member)
    with pytest.raises(ValidationError, match=r"待基层工会核实.*不能审批"):
        hardship.hardship_application_approve(
            actor=w.city_editor, application=application, amount="100", form=AidForm.LIVING
        )
    with pytest.raises(ValidationError, match="不能登记发放"):
        hardship.hardship_disburse(
            actor=w.city_editor, application=application, amount="100", form=AidForm.LIVING
        )
    application.refresh_from_db()
    assert application.status == S.SUBMITTED and application.approved_amount == 0
    assert application.steps.count() == 1


def test_only_the_city_union_approves_and_only_in_its_city(aid_world):
    w = aid_world
    application = submit(w.member)
    hardship.hardship_application_verify(actor=w.officer, application=application, note="情况属实")
    for outsider in (w.officer, w.county_editor, w.langfang_editor):
        with pytest.raises(ValidationError, match="石家庄市总工会审批"):
            hardship.hardship_application_approve(
                actor=outsider, application=application, amount="100", form=AidForm.LIVING
            )
    with pytest.raises(ValidationError, match="只有"):
        hardship.hardship_application_verify(
            actor=w.langfang_editor, application=submit(w.other_member), note="情况属实"
        )


def test_refusal_needs_a_reason_and_the_member_is_told_it(aid_world):
    w = aid_world
    application = submit(w.member)
    with pytest.raises(ValidationError):
        hardship.hardship_application_refuse(actor=w.officer, application=application, reason="")
    hardship.hardship_application_refuse(
        actor=w.officer, application=application, reason="家庭人均收入高于当地困难标准"
    )
    application.refresh_from_db()
    assert application.status == S.REFUSED
    assert Notification.objects.filter(user=w.member, body__contains="困难标准").exists()
    # refused, the member may apply again
    assert submit(w.member).status == S.SUBMITTED


def test_bad_input_is_refused_before_anything_is_saved(aid_world):
    w = aid_world
    fake = SimpleUploadedFile("证明.pdf", b"MZ not a pdf", content_type="application/pdf")
    cases = [
        ({"documents": []}, "请上传证明材料"),
        ({"documents": [fake]}, "内容与扩展名不符"),
        ({"family_size": 0}, "1到20"),
        ({"monthly_income": "-5"}, "金额"),
        ({"monthly_income": "abc"}, "正确的金额"),
        ({"family_situation": "困难"}, "至少"),
        ({"reason": "rich"}, "困难原因"),
    ]
    for extra, message in cases:
        with pytest.raises(ValidationError, match=message):
            submit(w.member, **extra)
    assert not HardshipApplication.objects.exists()
    with pytest.raises(ValidationError, match="工会会员"):
        submit(UserFactory())


def test_one_pending_application_per_member(aid_world):
    submit(aid_world.member)
    with pytest.raises(ValidationError, match="正在审核"):
        submit(aid_world.member)


def test_disbursement_cannot_exceed_what_was_approved(aid_world):
    w = aid_world
    application = approved(w, amount="3000")
    with pytest.raises(ValidationError, match="3000"):
        hardship.hardship_disburse(
            actor=w.city_editor, application=application, amount="3000.01", form=AidForm.MEDICAL
        )
    with pytest.raises(ValidationError, match="晚于今天"):
        hardship.hardship_disburse(
            actor=w.city_editor,
            application=application,
            amount="100",
            form=AidForm.MEDICAL,
            disbursed_on=date.today() + timedelta(days=3),
        )


def test_the_member_may_withdraw_while_it_is_being_checked_but_nobody_else(aid_world):
    w = aid_world
    application = submit(w.member)
    with pytest.raises(ValidationError, match="不是您的"):
        hardship.hardship_application_withdraw(member=w.other_member, application=application)
    hardship.hardship_application_withdraw(member=w.member, application=application)
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN


def test_the_yearly_recheck_falls_due_a_year_after_disbursement(aid_world):
    w = aid_world
    application = approved(w)
    last_year = date.today() - timedelta(days=366)
    hardship.hardship_disburse(
        actor=w.city_editor,
        application=application,
        amount="5000",
        form=AidForm.MEDICAL,
        disbursed_on=last_year,
    )
    assert hardship_application_ids_recheck_due() == [application.pk]
    assert flag_rechecks.delay().get() == 1
    assert flag_rechecks.delay().get() == 0  # idempotent
    application.refresh_from_db()
    assert application.status == S.RECHECK_DUE

    with pytest.raises(ValidationError):
        hardship.hardship_application_recheck(
            actor=w.city_editor,
            application=application,
            still_in_hardship=True,
            note="仍在透析",
            amount="",
            form=AidForm.MEDICAL,
        )
    hardship.hardship_application_recheck(
        actor=w.city_editor,
        application=application,
        still_in_hardship=True,
        note="妻子仍在透析，继续帮扶",
        amount="4000",
        form=AidForm.MEDICAL,
    )
    application.refresh_from_db()
    assert application.status == S.APPROVED
    assert application.approved_amount == Decimal("9000.00")
    hardship.hardship_disburse(
        actor=w.city_editor, application=application, amount="4000", form=AidForm.MEDICAL
    )
    application.refresh_from_db()
    assert application.status == S.DISBURSED
    assert application.recheck_due == date.today() + timedelta(days=365)


def test_a_recheck_out_of_hardship_closes_the_aid(aid_world):
    w = aid_world
    application = approved(w)
    hardship.hardship_disburse(
        actor=w.city_editor,
        application=application,
        amount="5000",
        form=AidForm.MEDICAL,
        disbursed_on=date.today() - timedelta(days=400),
    )
    hardship.hardship_application_flag_recheck(application_id=application.pk)
    hardship.hardship_application_recheck(
        actor=w.county_editor,
        application=application,
        still_in_hardship=False,
        note="本人已再就业，家庭收入恢复",
    )
    application.refresh_from_db()
    assert application.status == S.CLOSED and application.recheck_due is None
