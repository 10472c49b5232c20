"""Access control for every URL, built from the URL configuration itself.

``get_resolver()`` is walked for every pattern; each must have an expectation rule below (a new
endpoint without one fails ``test_every_url_pattern_has_a_rule``). Path parameters are filled
with real seeded objects (``seed_demo``) and a few made here for 王伟 (order, attachment);
each URL is then requested by eight roles — anonymous, the owner, another member, a grassroots
officer of another union, a city editor of another city, a hotline agent of another region, an
employer and a province administrator — and must answer with the page, a sign-in redirect or
a 404, never a server error and never the owner's name, phone, member ID or ID number.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib import admin
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, reverse

from accounts.demo_identity import DEMO_IDENTITIES, synthetic_id_number
from accounts.models import Role, User
from accounts.services.roles import role_assign
from regions.models import Region
from tests.portal.access_rules import (
    PHONES,
    ROLES,
    SECRET_NAMES,
    Rule,
    all_patterns,
    rule_for,
)


def test_every_url_pattern_has_a_rule():
    missing = [(route, name) for route, name, _ in all_patterns() if rule_for(name, route) is None]
    assert missing == [], (
        f"URL patterns without an access rule in tests.portal.access_rules: {missing}"
    )


# --- The seeded world ------------------------------------------------------------------------


@dataclass
class World:
    clients: dict[str, Client]
    users: dict[str, User | None]
    params: dict[str, tuple[dict, str | None]]  # key -> (kwargs, owner phone)
    objects: dict  # key -> the owner's object behind those kwargs
    secrets: dict[str, list[str]]  # owner phone -> strings that identify them


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user, backend="accounts.backends.ModelBackend")
    return client


@pytest.fixture
def world(regions, settings, tmp_path) -> World:
    from accounts.models import DigitalIdentity, MembershipApplication, TransferRequest
    from accounts.models.wallet import Credential
    from activities.models import Activity, Campaign, MallItem, Order, Signup
    from aid.models import ClaimDocument, HardshipApplication, MutualClaim, MutualEnrolment
    from honours.models import Honour
    from hotline.models import ConsultationBooking, HotlineRequest, RequestAttachment
    from jobs.models import Application, JobPost, Resume
    from learning.models import Attempt, Competition, Course, Enrollment, Paper
    from learning.models.competitions import CompetitionRound
    from regions.models import Article

    settings.PORTAL_STAFF_MFA_REQUIRED = False
    settings.IDP_OIDC_PRIVATE_KEY = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    settings.MEDIA_ROOT = tmp_path
    settings.PORTAL_RATE_LIMITS = dict.fromkeys(settings.PORTAL_RATE_LIMITS, (10000, 60))
    call_command("seed_demo", stdout=StringIO())

    agent = User.objects.create_user(phone=PHONES["agent_other_region"], password=None)
    agent.display_name = "邢台坐席"
    agent.is_staff = True
    agent.save(update_fields=["display_name", "is_staff"])
    role_assign(user=agent, role=Role.HOTLINE_AGENT, region=Region.objects.get(code="130500"))

    secrets: dict[str, list[str]] = {}
    for phone, _real, county, birth, sequence in DEMO_IDENTITIES:
        user = User.objects.get(phone=phone)
        display, real = SECRET_NAMES[phone]
        user.display_name = display
        user.save(update_fields=["display_name"])
        identity = DigitalIdentity.objects.filter(user=user).first()
        values = [
            phone,
            display,
            synthetic_id_number(county=county, birth=birth, sequence=sequence),
        ]
        if identity is not None:
            DigitalIdentity.objects.filter(pk=identity.pk).update(real_name=real)
            values += [real, identity.member_id]
        secrets[phone] = values

    wang = User.objects.get(phone="13800000001")
    li = User.objects.get(phone="13800000002")
    wang_request = HotlineRequest.objects.filter(member=wang).first()
    attachment = RequestAttachment.objects.create(
        request=wang_request,
        file=ContentFile(b"%PDF-1.4 demo", name="contract.pdf"),
        name="劳动合同.pdf",
        kind="pdf",
        size=13,
        uploaded_by=wang,
    )
    item = MallItem.objects.order_by("pk").first()
    order = Order.objects.create(item=item, user=wang, points=0)
    li_application = Application.objects.filter(user=li).select_related("post").first()
    li_resume = Resume.objects.get(user=li)
    course = Course.objects.order_by("pk").first()
    competition = Competition.objects.order_by("pk").first()
    published = Article.objects.filter(status=Article.Status.PUBLISHED).first()
    booking = ConsultationBooking.objects.select_related("request").first()
    credential = Credential.objects.filter(user=wang).first()
    hardship = HardshipApplication.objects.filter(member=wang).first()
    aid_enrolment = MutualEnrolment.objects.filter(member=wang, status="active").first()
    aid_claim = MutualClaim.objects.filter(enrolment__member=wang).first()
    wang_honour = Honour.objects.get(user=wang, title="河北工匠")

    params = {
        "region_code": ({"code": "131000"}, None),
        "region_slugs": ({"slugs": "hebei/langfang"}, None),
        "sjz_code": ({"code": "130100"}, None),
        # An import that does not exist: staff get a 404, members never more than that.
        "datahub_import": ({"pk": 999999}, None),
        "datahub_report": ({"pk": 999999, "fmt": "csv"}, None),
        "course": ({"pk": course.pk}, None),
        "lesson": ({"pk": course.pk, "position": 1}, None),
        "paper": ({"pk": Paper.objects.order_by("pk").first().pk}, None),
        "competition": ({"pk": competition.pk}, None),
        "round": (
            {
                "pk": competition.pk,
                "round_pk": CompetitionRound.objects.filter(competition=competition).first().pk,
            },
            None,
        ),
        "job": ({"pk": JobPost.objects.order_by("pk").first().pk}, None),
        "activity": ({"pk": Activity.objects.order_by("pk").first().pk}, None),
        "campaign": ({"pk": Campaign.objects.order_by("pk").first().pk}, None),
        "mall_item": ({"pk": item.pk}, None),
        "article": ({"pk": published.pk}, None),
        "allauth_key": ({"key": "x", "uidb36": "1"}, None),
        "wang_application": (
            {"pk": MembershipApplication.objects.filter(user=wang).first().pk},
            wang.phone,
        ),
        "li_transfer": ({"pk": TransferRequest.objects.filter(user=li).first().pk}, li.phone),
        "wang_hotline": ({"pk": wang_request.pk}, wang.phone),
        "wang_attachment": ({"pk": attachment.pk}, wang.phone),
        "liu_booking": (
            {"pk": booking.request_id, "booking_pk": booking.pk},
            booking.request.member.phone,
        ),
        "wang_enrollment": ({"pk": Enrollment.objects.filter(user=wang).first().pk}, wang.phone),
        "wang_attempt": ({"pk": Attempt.objects.filter(user=wang).first().pk}, wang.phone),
        "li_application": ({"pk": li_application.pk}, li.phone),
        "li_resume": ({"pk": li_resume.pk}, li.phone),
        "wang_signup": ({"pk": Signup.objects.filter(user=wang).first().pk}, wang.phone),
        "wang_order": ({"pk": order.pk}, wang.phone),
        "wang_credential": ({"serial": credential.serial}, wang.phone),
        "honour": ({"pk": wang_honour.pk}, None),
        "wang_honour": ({"pk": wang_honour.pk}, wang.phone),
        "aid_plan": ({"pk": aid_enrolment.plan_id}, None),
        "wang_hardship": ({"pk": hardship.pk}, wang.phone),
        "wang_hardship_document": ({"pk": hardship.documents.first().pk}, wang.phone),
        "wang_enrolment_aid": ({"pk": aid_enrolment.pk}, wang.phone),
        "wang_claim": ({"pk": aid_claim.pk}, wang.phone),
        "wang_claim_document": (
            {"pk": ClaimDocument.objects.filter(claim=aid_claim).first().pk},
            wang.phone,
        ),
    }
    objects = {
        "wang_application": MembershipApplication.objects.get(
            pk=params["wang_application"][0]["pk"]
        ),
        "li_transfer": TransferRequest.objects.get(pk=params["li_transfer"][0]["pk"]),
        "wang_hotline": wang_request,
        "wang_attachment": attachment,
        "liu_booking": booking,
        "wang_enrollment": Enrollment.objects.get(pk=params["wang_enrollment"][0]["pk"]),
        "wang_attempt": Attempt.objects.get(pk=params["wang_attempt"][0]["pk"]),
        "li_application": li_application,
        "li_resume": li_resume,
        "wang_signup": Signup.objects.get(pk=params["wang_signup"][0]["pk"]),
        "wang_order": order,
        "wang_credential": credential,
        "wang_hardship": hardship,
        "wang_enrolment_aid": aid_enrolment,
        "wang_claim": aid_claim,
        "wang_honour": wang_honour,
    }
    users = {role: User.objects.get(phone=phone) for role, phone in PHONES.items()}
    users["anonymous"] = None
    return World(
        clients={role: _client(users[role]) for role in ROLES},
        users=users,
        params=params,
        objects=objects,
        secrets=secrets,
    )


# --- Checking --------------------------------------------------------------------------------


def _fill(name: str, pattern: URLPattern, kwargs: dict) -> str:
    wanted = set(pattern.pattern.regex.groupindex)
    return reverse(name, kwargs={key: kwargs[key] for key in wanted})


def _is_sign_in(response) -> bool:
    location = response.get("Location", "")
    return response.status_code == 302 and (
        "/auth/login/" in location or "/auth/code/" in location or "/admin/login/" in location
    )


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode(errors="replace")
    return response.content.decode(errors="replace")


def _leaks(world: World, role: str, owner: str | None, rule: Rule, body: str) -> list[str]:
    if role == "province_admin" or "*" in rule.may_see or role in rule.may_see:
        return []
    me = world.users[role]
    owners = [owner] if owner else list(world.secrets)
    found = []
    for phone in owners:
        if me is not None and me.phone == phone:
            continue
        found += [value for value in world.secrets[phone] if value and value in body]
    return found


def _check(world: World, role: str, path: str, rule: Rule, owner: str | None) -> list[tuple]:
    client = world.clients[role]
    response = client.get(path)
    status = response.status_code
    problems: list[tuple] = []
    is_api = path.startswith("/api/")
    if status >= 500:
        return [(role, "GET", path, status)]
    is_owner = (
        owner is not None and world.users[role] is not None and (world.users[role].phone == owner)
    )
    if rule.kind == "login" and role == "anonymous":
        if not (_is_sign_in(response) or (is_api and status in (401, 403))):
            problems.append((role, "GET", path, status, "anonymous not sent to sign in"))
    elif rule.kind == "owner" and not is_owner:
        if role == "anonymous":
            ok = _is_sign_in(response) or status in (401, 403, 404, 405)
        else:
            ok = status in (404, 405) or role == "province_admin" or role in rule.may_see
        if not ok:
            problems.append((role, "GET", path, status, "not the owner"))
        if role != "province_admin" and role not in rule.may_see:
            # Refused outright, or (a service saying "not found" as a form error) refused
            # with a message; the caller checks that the owner's object did not change.
            post = client.post(path, {}, **({"content_type": "application/json"} if is_api else {}))
            post_ok = post.status_code in (302, 400, 401, 403, 404, 405)
            if not post_ok:
                problems.append((role, "POST", path, post.status_code, "not the owner"))
    elif rule.kind == "staff" and role in ("anonymous", "member", "other_member"):
        if not (_is_sign_in(response) or status in (401, 403, 404, 405)):
            problems.append((role, "GET", path, status, "staff page open to a member"))
        post = client.post(path, {}, **({"content_type": "application/json"} if is_api else {}))
        if not (_is_sign_in(post) or post.status_code in (401, 403, 404, 405)):
            problems.append((role, "POST", path, post.status_code, "staff action open to a member"))
    elif rule.kind == "public" and status >= 400 and status not in (405,):
        problems.append((role, "GET", path, status, "public page refused"))
    if status == 200:
        leaked = _leaks(world, role, owner, rule, _body(response))
        if leaked:
            problems.append((role, "GET", path, status, f"shows {leaked}"))
    return problems


def _site_patterns():
    for route, name, pattern in all_patterns():
        rule = rule_for(name, route)
        if rule is None or rule.kind == "admin":
            continue
        yield route, name, rule, pattern


@pytest.mark.django_db
def test_every_url_for_every_role(world):
    """One seeding for three checks (seed_demo is the slow part)."""
    failures = _every_url_answers_each_role_without_leaking(world)
    failures += _owner_pages_answer_their_owner(world)
    failures += _admin_is_closed_to_members_and_scoped_for_staff(world)
    assert failures == [], "\n".join(map(str, failures))


def _every_url_answers_each_role_without_leaking(world) -> list:
    failures = []
    checked = 0
    for _route, name, rule, pattern in _site_patterns():
        kwargs, owner = world.params[rule.params] if rule.params else ({}, None)
        path = _fill(name, pattern, kwargs)
        target = world.objects.get(rule.params) if rule.kind == "owner" else None
        before = model_to_dict(target) if target is not None else None
        for role in ROLES:
            failures += _check(world, role, path, rule, owner)
            checked += 1
        if target is not None:
            target.refresh_from_db()
            if model_to_dict(target) != before:
                failures.append((name, path, "another user's POST changed the owner's object"))
    assert checked > 8 * 150
    return failures


def _owner_pages_answer_their_owner(world) -> list:
    """The positive side: each owner route really serves its owner (so a 404 elsewhere means
    'not yours', not 'broken')."""
    owners = {phone: _client(User.objects.get(phone=phone)) for phone in world.secrets}
    failures = []
    for _route, name, rule, pattern in _site_patterns():
        if rule.kind != "owner":
            continue
        kwargs, owner = world.params[rule.params]
        path = _fill(name, pattern, kwargs)
        status = owners[owner].get(path).status_code
        if name in ("jobs:manage_application", "jobs:manage_resume"):
            continue  # the employer's view of the member's application or résumé
        if status not in (200, 302, 405):
            failures.append((owner, path, status, "the owner cannot open it"))
    return failures


def _admin_objects_of(world: World, phone: str):
    """Per registered admin model, one object that belongs to the member ``phone``."""
    user = User.objects.get(phone=phone)
    for model in admin.site._registry:
        if model is User:
            yield model, user
            continue
        for f in model._meta.get_fields():
            if getattr(f, "many_to_one", False) and f.concrete and f.related_model is User:
                obj = model._default_manager.filter(**{f.name: user}).first()
                if obj is not None:
                    yield model, obj
                    break


def _admin_is_closed_to_members_and_scoped_for_staff(world) -> list:
    failures = []
    wang_phone = PHONES["member"]
    outsiders = ["officer_other_union", "editor_other_city", "agent_other_region", "employer"]
    for model, obj in _admin_objects_of(world, wang_phone):
        opts = model._meta
        for view in ("change", "history", "delete"):
            path = f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/{view}/"
            for role in ["anonymous", "other_member", *outsiders]:
                response = world.clients[role].get(path)
                status = response.status_code
                if status >= 500:
                    failures.append((role, path, status))
                elif status == 200:
                    failures.append((role, path, status, "opened 王伟's record"))
                elif role == "anonymous" and not _is_sign_in(response):
                    failures.append((role, path, status, "member not sent to admin sign-in"))
    for model in admin.site._registry:
        opts = model._meta
        path = f"/admin/{opts.app_label}/{opts.model_name}/"
        for role in outsiders:
            response = world.clients[role].get(path)
            if response.status_code >= 500:
                failures.append((role, path, response.status_code))
            elif response.status_code == 200:
                body = _body(response)
                leaked = [v for v in world.secrets[wang_phone] if v in body]
                if leaked:
                    failures.append((role, path, f"lists 王伟: {leaked}"))
    return failures
