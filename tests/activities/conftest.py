import pytest

from accounts.models import Credential, Role, UnionOrganization
from accounts.models.membership import EmploymentForm
from accounts.services.roles import role_assign
from accounts.tokens import credential_token_issue
from regions.models import Region
from tests.accounts.factories import StaffUserFactory, make_member, make_officer, make_union


@pytest.fixture
def officer(union_tree):
    return make_officer(organization=union_tree["province"])


@pytest.fixture
def courier(union_tree, officer):
    """张强: a 新就业形态 member in 三河 (廊坊)."""
    return make_member(
        organization=union_tree["joint"],
        officer=officer,
        employment_form=EmploymentForm.NEW_FORM,
        occupation="快递员",
    )


@pytest.fixture
def make_courier(union_tree, officer):
    def make():
        return make_member(
            organization=union_tree["joint"],
            officer=officer,
            employment_form=EmploymentForm.NEW_FORM,
        )

    return make


@pytest.fixture
def worker(union_tree, officer):
    """王伟: a full-time member in 石家庄."""
    return make_member(organization=union_tree["factory"], officer=officer)


@pytest.fixture
def make_in(union_tree, officer):
    """A 新就业形态 member of a joint union in the given region (三河's exists; 长安区's
    member belongs to the factory union there)."""
    unions = {"131082": union_tree["joint"], "130102": union_tree["factory"]}

    def make(code: str):
        if code not in unions:
            region = Region.objects.get(code=code)
            unions[code] = make_union(
                name=f"{region.name}新就业形态联合工会",
                kind=UnionOrganization.Kind.JOINT,
                region_code=code,
                parent=union_tree["langfang" if code.startswith("1310") else "province"],
            )
        return make_member(
            organization=unions[code], officer=officer, employment_form=EmploymentForm.NEW_FORM
        )

    return make


@pytest.fixture
def province_staff(regions):
    staff = StaffUserFactory()
    role_assign(user=staff, role=Role.REGION_EDITOR, region=Region.objects.get(code="130000"))
    return staff


@pytest.fixture
def langfang_staff(regions):
    staff = StaffUserFactory()
    role_assign(user=staff, role=Role.REGION_EDITOR, region=Region.objects.get(code="131000"))
    return staff


@pytest.fixture
def sjz_staff(regions):
    staff = StaffUserFactory()
    role_assign(user=staff, role=Role.REGION_EDITOR, region=Region.objects.get(code="130100"))
    return staff


def card_token(user) -> str:
    card = Credential.objects.get(user=user, kind=Credential.Kind.MEMBER_CARD)
    return credential_token_issue(credential=card).token


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks enqueued after commit run in-process, even with REDIS_URL set."""
    from portal.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
