"""Generate the province-sized data set (``manage.py seed_scale``).

Every table is written with COPY (``portal.scale.copy``) with explicit ids, so a child row
names its parent without reading it back. Counts follow the province after six months
(issue 10): 530,000 members spread over the 11 cities by census population, each county
with its grassroots unions, 1,000,000 hotline requests, 100,000 job posts, 200,000 résumés,
and the learning, activity and points records of those members. ``scale`` multiplies every
per-member count (0.01 → 5,300 members); the course catalogue and question bank keep a
province's size at any scale.

Deterministic: the same ``seed`` and ``scale`` give the same rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from bisect import bisect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone
from stdnum.cn import ric

from accounts.crypto import id_number_encrypt, id_number_hash, id_number_mask
from accounts.models import (
    ConsentRecord,
    DigitalIdentity,
    Membership,
    MembershipEvent,
    Role,
    RoleAssignment,
    UnionOrganization,
    User,
)
from accounts.services.identity import member_id_for_sequence
from accounts.services.privacy import current_policy_version
from core.search import search_document
from portal.scale import words
from portal.scale.copy import copy_rows, next_id, reset_sequences
from regions.models import Region

#: Scale members' numbers: 170 + an 8-digit sequence (a virtual-operator prefix no demo
#: user has); staff made by the generator use 171.
MEMBER_PHONE_PREFIX = "170"
STAFF_PHONE_PREFIX = "171"
#: Every generated account has this password, so a load test can sign anyone in.
SCALE_PASSWORD = "Hebei-scale-2026"  # noqa: S105

USER_COLUMNS = [
    "id",
    "phone",
    "display_name",
    "password",
    "is_staff",
    "is_superuser",
    "is_active",
    "date_joined",
    "phone_verified_at",
    "privacy_consent_version",
]
CONSENT_COLUMNS = ["id", "user_id", "kind", "version", "granted_at"]

BASE = {
    "members": 530_000,
    "hotline_requests": 1_000_000,
    "job_posts": 100_000,
    "resumes": 200_000,
    "employers": 5_000,
    "activities": 3_000,
}


@dataclass
class Province:
    province: Region
    cities: list[Region]
    counties: list[Region]
    city_of: dict[int, int]  # county id → city id
    code_of: dict[int, str]  # region id → code


@dataclass
class People:
    ids: list[int] = field(default_factory=list)
    county: list[int] = field(default_factory=list)
    joined: list[dt.datetime] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    union: list[int | None] = field(default_factory=list)  # active membership's union
    employer: list[str] = field(default_factory=list)
    occupation: list[str] = field(default_factory=list)


_VALID_PREFIX: dict[tuple[str, int], str] = {}


def resident_id_number(county_code: str, birth: dt.date, seq: int) -> str:
    """A resident ID number that python-stdnum (and so the identity form) accepts: the
    county's code if it already existed in the birth year, else the city's, else the
    province's (codes change: 肥乡区 is 130407 only since 2016; stdnum knows few before 1980)."""
    key = (county_code, birth.year)
    prefix = _VALID_PREFIX.get(key)
    if prefix is None:
        for candidate in (county_code, f"{county_code[:4]}00", "130000"):
            body = f"{candidate}{birth:%Y%m%d}000"
            try:
                ric.validate(body + ric.calc_check_digit(body + "0"))
            except Exception:  # noqa: BLE001, S112 - try the next candidate
                continue
            prefix = candidate
            break
        _VALID_PREFIX[key] = prefix or "130000"
        prefix = _VALID_PREFIX[key]
    body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
    # calc_check_digit expects a full-length number: its last character is dropped.
    return body + ric.calc_check_digit(body + "0")


class Builder:
    def __init__(
        self,
        *,
        scale: float = 1.0,
        seed: int = 12351,
        identities: bool = True,
        log: Callable[[str], None] = print,
    ) -> None:
        self.scale = scale
        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, no secrets
        self.identities = identities
        self.log = log
        self.now = timezone.now().replace(microsecond=0)
        self.start = self.now - dt.timedelta(days=183)
        self.password = make_password(SCALE_PASSWORD)
        self.counts: dict[str, int] = {}

    # --- helpers ------------------------------------------------------------------------

    def n(self, key: str, minimum: int = 1) -> int:
        return max(minimum, round(BASE[key] * self.scale))

    def when(self, after: dt.datetime | None = None) -> dt.datetime:
        """A moment in the six months, later than ``after``; more of them recently."""
        lo = after or self.start
        span = (self.now - lo).total_seconds()
        return lo + dt.timedelta(seconds=int(span * self.rng.random() ** 0.8))

    def name(self) -> str:
        rng = self.rng
        given = rng.choice(words.GIVEN)
        if rng.random() < 0.7:
            given += rng.choice(words.GIVEN)
        return rng.choice(words.SURNAMES) + given

    def note(self, label: str, count: int) -> None:
        self.counts[label] = self.counts.get(label, 0) + count
        self.log(f"  {label}: {count:,}")

    # --- the province -------------------------------------------------------------------

    def load_province(self) -> Province:
        province = Region.objects.get(code="130000")
        cities = list(Region.objects.filter(parent=province).order_by("code"))
        counties = list(Region.objects.filter(parent__in=cities).order_by("code"))
        return Province(
            province=province,
            cities=cities,
            counties=counties,
            city_of={c.pk: c.parent_id for c in counties},
            code_of={r.pk: r.code for r in [province, *cities, *counties]},
        )

    def county_weights(self, p: Province) -> tuple[list[int], list[float]]:
        per_city: dict[int, list[Region]] = {}
        for county in p.counties:
            per_city.setdefault(county.parent_id, []).append(county)
        ids: list[int] = []
        weights: list[float] = []
        for city in p.cities:
            share = words.CITY_POPULATION.get(city.code, 3.0)
            local = per_city.get(city.pk, [])
            raw = [
                (words.DISTRICT_WEIGHT if c.name.endswith("区") else 1.0)
                * (0.75 + 0.5 * self.rng.random())
                for c in local
            ]
            total = sum(raw) or 1.0
            for county, w in zip(local, raw, strict=True):
                ids.append(county.pk)
                weights.append(share * w / total)
        return ids, weights

    # --- unions -------------------------------------------------------------------------

    def federations(self, p: Province) -> dict[int, UnionOrganization]:
        """Province, city and county federations: the demo's where they exist, else new."""
        from accounts.services.unions import union_organization_create

        kind = UnionOrganization.Kind
        existing = {
            (o.region_id, o.kind): o
            for o in UnionOrganization.objects.filter(kind__in=UnionOrganization.FEDERATION_KINDS)
        }

        def get(region: Region, k: str, name: str, parent: UnionOrganization | None):
            org = existing.get((region.pk, k))
            if org is None:
                org = UnionOrganization.objects.filter(region=region, name=name).first()
            if org is None:
                org = union_organization_create(name=name, kind=k, region=region, parent=parent)
            return org

        top = get(p.province, kind.PROVINCIAL_FEDERATION, "河北省总工会", None)
        by_region = {p.province.pk: top}
        for city in p.cities:
            by_region[city.pk] = get(city, kind.CITY_FEDERATION, f"{city.name}总工会", top)
        for county in p.counties:
            by_region[county.pk] = get(
                county,
                kind.COUNTY_FEDERATION,
                f"{county.name}总工会",
                by_region[county.parent_id],
            )
        return by_region

    def unions(
        self, p: Province, feds: dict[int, UnionOrganization], members_per_county: dict[int, int]
    ) -> dict[int, list[tuple[int, str, str, bool]]]:
        """Grassroots unions (about one per 60 members) and a 新就业形态 joint union per
        county. Returns county id → [(union id, employer, typical occupation, is_joint)]."""
        rng = self.rng
        taken = set(UnionOrganization.objects.values_list("region_id", "name"))
        first = next_id(UnionOrganization)
        rows: list[tuple] = []
        out: dict[int, list[tuple[int, str, str, bool]]] = {}
        for county in p.counties:
            members = members_per_county.get(county.pk, 0)
            if not members:
                continue
            fed = feds[county.pk]
            local: list[tuple[int, str, str, bool]] = []
            joint = f"{county.short_name}新就业形态联合工会"
            if (county.pk, joint) not in taken:
                pk = first + len(rows)
                trades = "快递员、网约配送员、货车司机、网约车司机"
                rows.append(
                    (pk, joint, "joint", county.pk, fed.pk, f"{fed.path}{pk}/", "", trades, True)
                )
                taken.add((county.pk, joint))
                local.append((pk, "", "", True))
            for k in range(max(1, round(members / 60))):
                brand = rng.choice(words.EMPLOYER_BRANDS)
                industry, occupation = rng.choice(words.INDUSTRIES)
                employer = f"{county.short_name}{brand}{industry}有限公司"
                if (county.pk, f"{employer}工会") in taken:
                    employer = f"{county.short_name}{brand}{industry}有限公司第{k + 1}分公司"
                name = f"{employer}工会"
                if (county.pk, name) in taken:
                    continue
                taken.add((county.pk, name))
                pk = first + len(rows)
                rows.append(
                    (pk, name, "grassroots", county.pk, fed.pk, f"{fed.path}{pk}/", employer, "",
                     True)
                )  # fmt: skip
                local.append((pk, employer, occupation, False))
            out[county.pk] = local
        written = copy_rows(
            UnionOrganization,
            [
                "id",
                "name",
                "kind",
                "region_id",
                "parent_id",
                "path",
                "employer_name",
                "trades",
                "accepts_applications",
            ],
            rows,
        )
        reset_sequences(UnionOrganization)
        self.note("unions", written)
        return out

    # --- members ------------------------------------------------------------------------

    def members(self, p: Province) -> People:
        rng = self.rng
        count = self.n("members", minimum=50)
        county_ids, weights = self.county_weights(p)
        cumulative = list(accumulate(weights))
        top = cumulative[-1]
        first = next_id(User)
        people = People()
        for i in range(count):
            people.ids.append(first + i)
            people.county.append(
                county_ids[min(bisect(cumulative, rng.random() * top), len(county_ids) - 1)]
            )
            people.joined.append(self.when())
            people.names.append(self.name())
        prefix = MEMBER_PHONE_PREFIX
        start_seq = self._phone_start(prefix)
        # Members signed up by SMS code, agreeing to the privacy policy (the consent gate
        # lets them through): the version on the user row and its ConsentRecord.
        policy = ConsentRecord.Kind.PRIVACY_POLICY
        version = current_policy_version(policy)
        rows = (
            (
                pk,
                f"{prefix}{start_seq + i:08d}",
                people.names[i],
                self.password,
                False,
                False,
                True,
                people.joined[i],
                people.joined[i],
                version,
            )
            for i, pk in enumerate(people.ids)
        )
        written = copy_rows(
            User,
            USER_COLUMNS,
            rows,
        )
        reset_sequences(User)
        self.note("members", written)
        first_consent = next_id(ConsentRecord)
        consents = (
            (first_consent + i, pk, policy, version, people.joined[i])
            for i, pk in enumerate(people.ids)
        )
        copy_rows(ConsentRecord, CONSENT_COLUMNS, consents)
        reset_sequences(ConsentRecord)
        return people

    def _phone_start(self, prefix: str) -> int:
        """The next free 8-digit sequence behind ``prefix`` (a second run adds after the first)."""
        last = (
            User.objects.filter(phone__startswith=prefix)
            .order_by("-phone")
            .values_list("phone", flat=True)
            .first()
        )
        return int(last[len(prefix) :]) + 1 if last else 0

    def identities_and_memberships(
        self, people: People, unions: dict[int, list[tuple[int, str, str, bool]]]
    ) -> None:
        rng = self.rng
        # 实名认证: 85 % of members; a valid resident ID number for a county of Hebei.
        if self.identities:
            first = next_id(DigitalIdentity)
            taken = set(DigitalIdentity.objects.values_list("id_number_hash", flat=True))
            province = self.load_province()
            codes = province.code_of
            # 实名认证 asks a separate consent to the ID number (identity_verify records it).
            id_consents: list[tuple[int, dt.datetime]] = []

            def identity_rows() -> Iterator[tuple]:
                pk = first
                for i, user_id in enumerate(people.ids):
                    if rng.random() >= 0.85:
                        continue
                    birth = dt.date(1966, 1, 1) + dt.timedelta(days=(user_id * 7919) % 14_600)
                    seq = (user_id // 14_600) % 1000
                    number = resident_id_number(codes[people.county[i]], birth, seq)
                    digest = id_number_hash(number)
                    if digest in taken:
                        continue
                    taken.add(digest)
                    cipher, key_id = id_number_encrypt(number)
                    verified_at = people.joined[i] + dt.timedelta(minutes=rng.randint(1, 600))
                    id_consents.append((user_id, verified_at))
                    yield (
                        pk,
                        user_id,
                        member_id_for_sequence(pk),
                        people.names[i],
                        cipher,
                        digest,
                        id_number_mask(number),
                        key_id,
                        birth,
                        verified_at,
                    )
                    pk += 1

            written = copy_rows(
                DigitalIdentity,
                [
                    "id",
                    "user_id",
                    "member_id",
                    "real_name",
                    "id_number_ciphertext",
                    "id_number_hash",
                    "id_number_masked",
                    "key_id",
                    "birth_date",
                    "verified_at",
                ],
                identity_rows(),
            )
            reset_sequences(DigitalIdentity)
            self.note("digital identities", written)
            kind = ConsentRecord.Kind.ID_NUMBER
            version = current_policy_version(kind)
            first_consent = next_id(ConsentRecord)
            copy_rows(
                ConsentRecord,
                CONSENT_COLUMNS,
                (
                    (first_consent + n, user_id, kind, version, at)
                    for n, (user_id, at) in enumerate(id_consents)
                ),
            )
            reset_sequences(ConsentRecord)

        # 入会: 94 % belong to a union of their county; new-form workers to the joint union.
        first_m = next_id(Membership)
        first_e = next_id(MembershipEvent)
        memberships: list[tuple] = []
        events: list[tuple] = []
        for i, user_id in enumerate(people.ids):
            local = unions.get(people.county[i]) or []
            if not local or rng.random() >= 0.94:
                people.union.append(None)
                people.employer.append("")
                people.occupation.append("")
                continue
            if rng.random() < 0.18 and local[0][3]:
                union_id, employer, occupation, form = (
                    local[0][0],
                    rng.choice(["美团", "顺丰速运", "中通快递", "滴滴出行", "货拉拉"]),
                    rng.choice(words.NEW_FORM_OCCUPATIONS),
                    "new_form",
                )
            else:
                grassroots = [u for u in local if not u[3]] or local
                union_id, employer, occupation, _joint = rng.choice(grassroots)
                form = "flexible" if rng.random() < 0.12 else "full_time"
            started = people.joined[i] + dt.timedelta(hours=rng.randint(1, 240))
            started = min(started, self.now)
            people.union.append(union_id)
            people.employer.append(employer)
            people.occupation.append(occupation)
            memberships.append(
                (first_m + len(memberships), user_id, union_id, "active", employer, occupation,
                 form, started)
            )  # fmt: skip
            events.append(
                (first_e + len(events), user_id, "approved", union_id, started, "入会申请通过")
            )
        written = copy_rows(
            Membership,
            [
                "id",
                "user_id",
                "organization_id",
                "status",
                "employer",
                "occupation",
                "employment_form",
                "started_at",
            ],
            memberships,
        )
        self.note("memberships", written)
        written = copy_rows(
            MembershipEvent,
            ["id", "user_id", "kind", "organization_id", "created_at", "note"],
            events,
        )
        reset_sequences(Membership, MembershipEvent)
        self.note("membership events", written)

    # --- staff --------------------------------------------------------------------------

    def hotline_staff(self, p: Province) -> dict[int, list[int]]:
        """Three agents and a supervisor on each city's 12351 team. Returns city → agents."""
        from hotline.models import HotlineTeamMember

        first = next_id(User)
        start_seq = self._phone_start(STAFF_PHONE_PREFIX)
        users, roles, team = [], [], []
        first_role = next_id(RoleAssignment)
        first_team = next_id(HotlineTeamMember)
        agents: dict[int, list[int]] = {}
        for city in p.cities:
            for k, role in enumerate(
                [Role.HOTLINE_AGENT] * 3 + [Role.HOTLINE_SUPERVISOR]
            ):  # fmt: skip
                pk = first + len(users)
                suffix = "坐席" if role == Role.HOTLINE_AGENT else "班长"
                users.append(
                    (pk, f"{STAFF_PHONE_PREFIX}{start_seq + len(users):08d}",
                     f"{self.name()}（{city.short_name}12351{suffix}{k + 1}）", self.password,
                     True, False, True, self.start, self.start, "")
                )  # fmt: skip
                roles.append((first_role + len(roles), pk, role, city.pk, self.start))
                team.append((first_team + len(team), pk, city.pk, [], True))
                if role == Role.HOTLINE_AGENT:
                    agents.setdefault(city.pk, []).append(pk)
        copy_rows(
            User,
            USER_COLUMNS,
            users,
        )
        copy_rows(RoleAssignment, ["id", "user_id", "role", "region_id", "created_at"], roles)
        copy_rows(HotlineTeamMember, ["id", "user_id", "region_id", "topics", "is_active"], team)
        reset_sequences(User, RoleAssignment, HotlineTeamMember)
        self.note("hotline staff", len(users))
        return agents

    # --- learning -----------------------------------------------------------------------

    def learning(self, p: Province, people: People) -> None:
        from learning.models import (
            Choice,
            Course,
            Enrollment,
            Lesson,
            LessonProgress,
            PracticeAnswer,
            Question,
            Tag,
            WrongAnswer,
        )

        rng = self.rng
        categories = {
            "labour_law": "劳动法律",
            "safety": "安全生产",
            "skills": "职业技能",
            "union": "工会知识",
            "wellbeing": "身心健康",
        }
        topics = [
            ("labour_law", t, s) if c == "labour_law" else (c, t, s)
            for c, t, s in words.COURSE_TOPICS
        ]
        remap = {"digital": "skills", "culture": "union"}
        topics = [(remap.get(c, c), t, s) for c, t, s in topics]
        topics[-1] = ("wellbeing", topics[-1][1], topics[-1][2])
        # The catalogue: 36 provincial courses, 8 per city, 1 per county.
        course_rows, lesson_rows = [], []
        first_c, first_l = next_id(Course), next_id(Lesson)
        lessons_of: dict[int, list[int]] = {}
        reach: dict[int, list[int]] = {}  # region id → its own courses

        def add_course(region: Region, cat: str, title: str, summary: str) -> None:
            pk = first_c + len(course_rows)
            published = self.start - dt.timedelta(days=rng.randint(1, 60))
            description = f"{summary}。本课程由{region.name}总工会组织编写，面向全省职工。"
            course_rows.append(
                (pk, region.pk, cat, title, summary, description, "published", 10, published,
                 search_document(title, summary, categories[cat], description), published)
            )  # fmt: skip
            reach.setdefault(region.pk, []).append(pk)
            for position in range(1, 7):
                lpk = first_l + len(lesson_rows)
                lesson_rows.append(
                    (lpk, pk, position, f"第{position}讲 {title}要点（{position}）",
                     f"{summary}——第{position}讲。" * 20, 10 + position)
                )  # fmt: skip
                lessons_of.setdefault(pk, []).append(lpk)

        for k in range(36):
            cat, title, summary = topics[k % len(topics)]
            add_course(p.province, cat, f"{title}（{k // len(topics) + 1}）", summary)
        for city in p.cities:
            for k in range(8):
                cat, title, summary = topics[(k * 5 + city.pk) % len(topics)]
                add_course(city, cat, f"{city.short_name}·{title}", summary)
        for county in p.counties:
            cat, title, summary = topics[county.pk % len(topics)]
            add_course(county, cat, f"{county.short_name}·{title}", summary)
        copy_rows(
            Course,
            [
                "id",
                "region_id",
                "category",
                "title",
                "summary",
                "description",
                "status",
                "points",
                "published_at",
                "search_document",
                "created_at",
            ],
            course_rows,
        )
        copy_rows(Lesson, ["id", "course_id", "position", "title", "body", "minutes"], lesson_rows)
        self.note("courses", len(course_rows))
        self.note("lessons", len(lesson_rows))

        # Question bank: 2,000 questions over 8 tags.
        tag_names = ["劳动合同", "工资支付", "社会保险", "安全生产", "职业病防治", "工会章程",
                     "职业技能", "新就业形态"]  # fmt: skip
        tags = [Tag.objects.get_or_create(name=name)[0].pk for name in tag_names]
        first_q, first_ch = next_id(Question), next_id(Choice)
        through = Question.tags.through
        first_qt = next_id(through)
        q_rows, ch_rows, qt_rows = [], [], []
        question_tag: list[tuple[int, int]] = []
        for k in range(2000):
            pk = first_q + k
            tag_index = k % len(tags)
            kind = "single" if k % 7 else "true_false"
            stem = (
                f"【{tag_names[tag_index]}】第{k + 1}题：依照有关规定，"
                f"下列关于{tag_names[tag_index]}的说法正确的是？"
            )
            digest = hashlib.sha256(f"seed_scale:{k}:{stem}".encode()).hexdigest()
            q_rows.append(
                (pk, p.province.pk, kind, stem, "依据相关法律法规。", 1 + k % 3, digest, True,
                 self.start)
            )  # fmt: skip
            qt_rows.append((first_qt + k, pk, tags[tag_index]))
            question_tag.append((pk, tags[tag_index]))
            options = (
                ["正确", "错误"]
                if kind == "true_false"
                else ["选项甲", "选项乙", "选项丙", "选项丁"]
            )
            right = k % len(options)
            for position, text in enumerate(options, start=1):
                ch_rows.append((first_ch + len(ch_rows), pk, position, text, position - 1 == right))
        copy_rows(
            Question,
            [
                "id",
                "region_id",
                "kind",
                "stem",
                "explanation",
                "difficulty",
                "content_hash",
                "is_active",
                "created_at",
            ],
            q_rows,
        )
        copy_rows(through, ["id", "question_id", "tag_id"], qt_rows)
        copy_rows(Choice, ["id", "question_id", "position", "text", "is_correct"], ch_rows)
        self.note("questions", len(q_rows))

        # Enrolments (55 % of members take 1–3 courses within their reach) and progress.
        first_en, first_pr = next_id(Enrollment), next_id(LessonProgress)
        enrol_rows, progress_rows = [], []
        for i, user_id in enumerate(people.ids):
            if rng.random() >= 0.55:
                continue
            county = people.county[i]
            pool = reach.get(p.province.pk, []) + reach.get(p.city_of[county], [])
            pool += reach.get(county, [])
            for course in rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2, 3)))):
                pk = first_en + len(enrol_rows)
                enrolled = self.when(people.joined[i])
                lessons = lessons_of[course]
                done = rng.choice((0, 1, 2, 3, 6, 6))
                at = enrolled
                for lesson in lessons[:done]:
                    at = min(at + dt.timedelta(hours=rng.randint(1, 72)), self.now)
                    progress_rows.append((first_pr + len(progress_rows), pk, lesson, at))
                enrol_rows.append(
                    (pk, user_id, course, enrolled, lessons[done - 1] if done else None, at,
                     at if done == len(lessons) else None)
                )  # fmt: skip
        copy_rows(
            Enrollment,
            [
                "id",
                "user_id",
                "course_id",
                "enrolled_at",
                "last_lesson_id",
                "last_activity_at",
                "completed_at",
            ],
            enrol_rows,
        )
        self.note("enrolments", len(enrol_rows))
        copy_rows(
            LessonProgress, ["id", "enrollment_id", "lesson_id", "completed_at"], progress_rows
        )
        self.note("lesson progress", len(progress_rows))
        del enrol_rows, progress_rows

        # 网上练兵: 40 % of members practise, about ten answers each; their wrong answers
        # stay in the 错题本.
        first_pa, first_w = next_id(PracticeAnswer), next_id(WrongAnswer)
        wrong_rows: list[tuple] = []

        def answers() -> Iterator[tuple]:
            pk = first_pa
            for i, user_id in enumerate(people.ids):
                if rng.random() >= 0.4:
                    continue
                wrong: dict[int, dt.datetime] = {}
                at = self.when(people.joined[i])
                for _ in range(min(60, int(rng.expovariate(1 / 10)) + 1)):
                    question, tag = question_tag[rng.randrange(len(question_tag))]
                    correct = rng.random() < 0.72
                    at = min(at + dt.timedelta(seconds=rng.randint(20, 600)), self.now)
                    if not correct:
                        wrong[question] = at
                    yield (pk, user_id, question, tag, correct, at)
                    pk += 1
                for question, at in wrong.items():
                    wrong_rows.append(
                        (first_w + len(wrong_rows), user_id, question, 1, 0, at, None)
                    )

        written = copy_rows(
            PracticeAnswer,
            ["id", "user_id", "question_id", "tag_id", "is_correct", "answered_at"],
            answers(),
        )
        self.note("practice answers", written)
        copy_rows(
            WrongAnswer,
            [
                "id",
                "user_id",
                "question_id",
                "wrong_count",
                "right_streak",
                "last_wrong_at",
                "cleared_at",
            ],
            wrong_rows,
        )
        self.note("wrong-book entries", len(wrong_rows))
        reset_sequences(
            Course, Lesson, Question, Choice, through, Enrollment, LessonProgress,
            PracticeAnswer, WrongAnswer,
        )  # fmt: skip

    # --- hotline ------------------------------------------------------------------------

    def hotline(self, p: Province, people: People, agents: dict[int, list[int]]) -> None:
        from hotline.models import HotlineRequest, RequestTransition

        rng = self.rng
        count = self.n("hotline_requests", minimum=100)
        kinds = ["consultation"] * 6 + ["assistance"] * 2 + ["complaint", "legal_aid", "suggestion"]
        topics = list(words.HOTLINE_TEMPLATES)
        topic_weights = list(accumulate([14, 10, 8, 6, 8, 1, 5, 3, 4]))
        states = [("closed", 55), ("resolved", 10), ("in_progress", 10), ("assigned", 8),
                  ("waiting", 5), ("new", 12)]  # fmt: skip
        state_cum = list(accumulate(w for _, w in states))
        first, first_t = next_id(HotlineRequest), next_id(RequestTransition)
        transitions: list[tuple] = []
        member_count = len(people.ids)

        def requests() -> Iterator[tuple]:
            for k in range(count):
                pk = first + k
                topic = topics[bisect(topic_weights, rng.random() * topic_weights[-1])]
                state = states[bisect(state_cum, rng.random() * state_cum[-1])][0]
                online = rng.random() < 0.85
                i = rng.randrange(member_count)
                county = people.county[i]
                created = self.when(people.joined[i] if online else None)
                if state == "new":
                    created = self.now - dt.timedelta(minutes=rng.randint(5, 60 * 48))
                employer = people.employer[i] or "某公司"
                title_t, body_t = words.HOTLINE_TEMPLATES[topic]
                months = rng.randint(1, 8)
                city_agents = agents.get(p.city_of[county], [])
                assignee = None if state == "new" else rng.choice(city_agents)
                first_response_due = created + dt.timedelta(days=1)
                resolution_due = created + dt.timedelta(days=15)
                responded = (
                    created + dt.timedelta(hours=rng.randint(1, 30)) if state != "new" else None
                )
                resolved = (
                    min(created + dt.timedelta(days=rng.randint(1, 20)), self.now)
                    if state in ("resolved", "closed")
                    else None
                )
                closed = (
                    min(resolved + dt.timedelta(days=rng.randint(1, 7)), self.now)
                    if state == "closed"
                    else None
                )
                overdue = state not in ("resolved", "closed") and resolution_due < self.now
                rating = (
                    rng.choice((5, 5, 5, 4, 4, 3, 2)) if closed and rng.random() < 0.6 else None
                )
                transitions.append((first_t + len(transitions), pk, "", "new", created))
                yield (
                    pk,
                    people.ids[i] if online else None,
                    "" if online else people.names[i],
                    "" if online else f"1{rng.randint(3, 9)}{rng.randrange(10**9):09d}",
                    "online" if online else "phone",
                    rng.choice(kinds),
                    topic,
                    "ordinary" if rng.random() < 0.9 else "difficult",
                    title_t.format(employer=employer, months=months)[:80],
                    body_t.format(employer=employer, months=months),
                    county,
                    state,
                    assignee,
                    created,
                    first_response_due,
                    resolution_due,
                    responded,
                    resolved,
                    closed,
                    overdue,
                    rating,
                    closed if rating else None,
                    closed or resolved or responded or created,
                )

        written = copy_rows(
            HotlineRequest,
            [
                "id",
                "member_id",
                "caller_name",
                "caller_phone",
                "channel",
                "kind",
                "topic",
                "tier",
                "title",
                "description",
                "region_id",
                "state",
                "assignee_id",
                "created_at",
                "first_response_due",
                "resolution_due",
                "first_response_at",
                "resolved_at",
                "closed_at",
                "is_overdue",
                "rating",
                "rated_at",
                "updated_at",
            ],
            requests(),
        )
        self.note("hotline requests", written)
        copy_rows(
            RequestTransition,
            ["id", "request_id", "from_state", "to_state", "created_at"],
            transitions,
        )
        self.note("hotline transitions", len(transitions))
        reset_sequences(HotlineRequest, RequestTransition)

    # --- jobs (columns named explicitly: the model is being extended) -----------------------

    def jobs(self, p: Province, people: People) -> None:
        from jobs.matching import OCCUPATIONS
        from jobs.models import Application, Employer, JobPost, MatchResult, Resume

        rng = self.rng
        occ_codes = list(OCCUPATIONS)
        county_pool = people.county
        # Employers: spread like the members (a county with more members has more firms).
        first_emp = next_id(Employer)
        taken = set(Employer.objects.values_list("name", flat=True))
        employer_rows = []
        region_of_emp: dict[int, int] = {}
        for k in range(self.n("employers", minimum=20)):
            county = county_pool[rng.randrange(len(county_pool))]
            brand = rng.choice(words.EMPLOYER_BRANDS)
            industry, _occ = rng.choice(words.INDUSTRIES)
            name = f"河北{brand}{industry}有限公司（{p.code_of[county]}-{k + 1:05d}）"
            if name in taken:
                continue
            taken.add(name)
            pk = first_emp + len(employer_rows)
            verified = self.when()
            employer_rows.append(
                (pk, name, "", county, f"{self.name()[:1]}经理",
                 f"0311-{rng.randrange(10**7):07d}", verified, verified)
            )  # fmt: skip
            region_of_emp[pk] = county
        copy_rows(
            Employer,
            [
                "id",
                "name",
                "credit_code",
                "region_id",
                "contact_name",
                "contact_phone",
                "verified_at",
                "created_at",
            ],
            employer_rows,
        )
        self.note("employers", len(employer_rows))
        employer_ids = [row[0] for row in employer_rows]
        employer_name = {row[0]: row[1] for row in employer_rows}
        region_name = {r.pk: r.name for r in [p.province, *p.cities, *p.counties]}

        first_post = next_id(JobPost)
        posts_by_city: dict[int, list[int]] = {}
        post_info: dict[int, tuple[str, int]] = {}
        educations = ["不限", "不限", "初中", "高中", "中专", "大专", "本科"]

        def post_rows() -> Iterator[tuple]:
            for k in range(self.n("job_posts", minimum=50)):
                pk = first_post + k
                employer = employer_ids[rng.randrange(len(employer_ids))]
                region = region_of_emp[employer]
                occ = rng.choice(occ_codes)
                display, synonyms = OCCUPATIONS[occ]
                title = rng.choice(synonyms[:3])
                skills, certs = words.JOB_SKILLS.get(occ, ([], []))
                pay_min = rng.randrange(3000, 9000, 500)
                pay_max = pay_min + rng.randrange(500, 4000, 500)
                created = self.when()
                roll = rng.random()
                status = "published" if roll < 0.85 else ("taken_down" if roll < 0.95 else "draft")
                valid_until = (created + dt.timedelta(days=rng.randint(30, 240))).date()
                description = (
                    f"{employer_name[employer]}招聘{display}，工作地点{region_name[region]}，"
                    f"要求：{'、'.join(skills) or '吃苦耐劳'}。五险一金，包住宿。"
                )
                if status == "published":
                    posts_by_city.setdefault(p.city_of[region], []).append(pk)
                post_info[pk] = (display, region)
                yield (
                    pk, employer, title, occ, description, skills, certs, region, pay_min,
                    pay_max, rng.choice((0, 0, 1, 2, 3, 5)), rng.choice(educations),
                    rng.choice(("全职", "全职", "全职", "兼职", "灵活用工")), rng.randint(1, 20),
                    "五险一金、包住宿", valid_until, status,
                    "违反招聘信息发布规定" if status == "taken_down" else "",
                    created if status != "draft" else None,
                    search_document(title, employer_name[employer], " ".join(skills),
                                    " ".join(certs), description, region_name[region]),
                    created,
                )  # fmt: skip

        written = copy_rows(
            JobPost,
            [
                "id", "employer_id", "title", "occupation", "description", "skills",
                "certificates", "region_id", "pay_min", "pay_max", "experience_years",
                "education", "employment_type", "headcount", "benefits", "valid_until",
                "status", "takedown_reason", "published_at", "search_document", "updated_at",
            ],
            post_rows(),
        )  # fmt: skip
        self.note("job posts", written)

        # Résumés for 200,000 members (matched: ten recommendations each) and applications.
        count = min(self.n("resumes", minimum=20), len(people.ids))
        chosen = rng.sample(range(len(people.ids)), k=count)
        first_r, first_m, first_a = next_id(Resume), next_id(MatchResult), next_id(Application)
        matches: list[tuple] = []
        applications: list[tuple] = []

        def resume_rows() -> Iterator[tuple]:
            for k, i in enumerate(chosen):
                pk = first_r + k
                user_id = people.ids[i]
                county = people.county[i]
                city = p.city_of[county]
                occ = rng.choice(occ_codes)
                display = OCCUPATIONS[occ][0]
                skills, certs = words.JOB_SKILLS.get(occ, ([], []))
                pay = rng.randrange(3500, 10000, 500)
                matched = self.when(people.joined[i])
                local = posts_by_city.get(city) or []
                for post in rng.sample(local, k=min(10, len(local))):
                    title, post_region = post_info[post]
                    reasons = [f"同在{region_name[post_region]}" if post_region == county
                               else f"同在{region_name[city]}", f"期望职位：{display}"]  # fmt: skip
                    matches.append(
                        (first_m + len(matches), pk, post, round(rng.uniform(45, 98), 1),
                         reasons, [] if rng.random() < 0.7 else [f"缺少{title}相关证书"],
                         matched)
                    )  # fmt: skip
                    if rng.random() < 0.03:
                        applications.append(
                            (first_a + len(applications), user_id, post,
                             {"name": people.names[i], "desired_titles": [display]},
                             rng.choice(("submitted", "viewed", "interview", "rejected")),
                             matched, matched)
                        )  # fmt: skip
                yield (
                    pk, user_id, county, [display], [p.code_of[city]], pay,
                    ["全职"], skills, certs,
                    [{"employer": people.employer[i] or "个体", "title": display, "years": 2}],
                    rng.randint(0, 15), rng.choice(educations),
                    f"本人从事{display}工作多年，踏实肯干。",
                    "on_apply", "done", [], matched, 1, matched,
                )  # fmt: skip

        written = copy_rows(
            Resume,
            [
                "id", "user_id", "region_id", "desired_titles", "desired_city_codes",
                "expected_pay", "employment_types", "skills", "certificates", "work_history",
                "experience_years", "education", "summary", "visibility", "match_state",
                "match_missing", "matched_at", "revision", "updated_at",
            ],
            resume_rows(),
        )  # fmt: skip
        self.note("résumés", written)
        written = copy_rows(
            MatchResult,
            ["id", "resume_id", "post_id", "score", "reasons", "gaps", "computed_at"],
            matches,
        )
        self.note("match results", written)
        written = copy_rows(
            Application,
            ["id", "user_id", "post_id", "resume_snapshot", "status", "created_at", "updated_at"],
            applications,
        )
        self.note("applications", written)
        reset_sequences(Employer, JobPost, Resume, MatchResult, Application)

    # --- activities and points (columns named explicitly: the model is being extended) ----

    def activities(self, p: Province, people: People) -> None:
        from activities.models import Activity, PointsAccount, PointsEntry, Signup

        rng = self.rng
        kinds = [("lecture", "劳动法律宣讲"), ("job_fair", "春风行动招聘会"),
                 ("training", "职工技能培训"), ("culture", "职工趣味运动会")]  # fmt: skip
        regions = [p.province, *p.cities, *p.counties]
        first_a = next_id(Activity)
        activity_rows = []
        per_region: dict[int, list[tuple[int, int, dt.datetime]]] = {}
        for k in range(self.n("activities", minimum=30)):
            pk = first_a + k
            region = regions[k % len(regions)] if k < len(regions) else rng.choice(regions)
            kind, label = rng.choice(kinds)
            starts = self.start + dt.timedelta(days=rng.randint(0, 213), hours=rng.randint(8, 16))
            capacity = rng.choice((50, 100, 200, 500))
            activity_rows.append(
                (pk, region.pk, "", True, f"{region.short_name}{label}（第{k + 1}期）", kind,
                 f"{region.name}总工会主办的{label}。", starts, starts + dt.timedelta(hours=3),
                 f"{region.name}职工之家", "", capacity, rng.choice((0, 5, 10)), True,
                 starts - dt.timedelta(days=14))
            )  # fmt: skip
            per_region.setdefault(region.pk, []).append((pk, capacity, starts))
        copy_rows(
            Activity,
            [
                "id", "region_id", "employment_form", "membership_required", "title", "kind",
                "description", "starts_at", "ends_at", "place", "online_url", "capacity",
                "points_award", "published", "created_at",
            ],
            activity_rows,
        )  # fmt: skip
        self.note("activities", len(activity_rows))

        first_s = next_id(Signup)
        first_pa, first_pe = next_id(PointsAccount), next_id(PointsEntry)
        signups: list[tuple] = []
        taken: dict[int, int] = {}
        accounts: list[tuple] = []

        def entries() -> Iterator[tuple]:
            pk = first_pe
            for i, user_id in enumerate(people.ids):
                county = people.county[i]
                pool = (
                    per_region.get(county, [])
                    + per_region.get(p.city_of[county], [])
                    + per_region.get(p.province.pk, [])
                )
                balance = 0
                earned: list[tuple[int, str, str, dt.datetime]] = []
                if pool and rng.random() < 0.45:
                    for activity, capacity, starts in rng.sample(pool, k=min(len(pool), 2)):
                        if taken.get(activity, 0) >= capacity:
                            status = "waiting"
                        else:
                            status = "confirmed"
                            taken[activity] = taken.get(activity, 0) + 1
                        at = starts - dt.timedelta(days=rng.randint(1, 10))
                        checked = starts if status == "confirmed" and starts < self.now else None
                        signups.append(
                            (first_s + len(signups), activity, user_id, status, at, checked)
                        )
                        if checked:
                            earned.append((5, "activity", f"参加活动签到（{activity}）", checked))
                if rng.random() < 0.5:
                    for _ in range(rng.randint(1, 4)):
                        earned.append((10, "course", "完成课程", self.when(people.joined[i])))
                if not earned:
                    continue
                earned.sort(key=lambda e: e[3])
                for n, (amount, source, reason, at) in enumerate(earned):
                    balance += amount
                    yield (pk, user_id, amount, balance, reason, source,
                           f"scale:{user_id}:{n}", at)  # fmt: skip
                    pk += 1
                accounts.append((first_pa + len(accounts), user_id, balance, earned[-1][3]))

        written = copy_rows(
            PointsEntry,
            ["id", "user_id", "amount", "balance_after", "reason", "source", "idempotency_key",
             "created_at"],
            entries(),
        )  # fmt: skip
        self.note("points entries", written)
        copy_rows(PointsAccount, ["id", "user_id", "balance", "updated_at"], accounts)
        self.note("points accounts", len(accounts))
        copy_rows(
            Signup,
            ["id", "activity_id", "user_id", "status", "created_at", "checked_in_at"],
            signups,
        )
        self.note("activity sign-ups", len(signups))
        reset_sequences(Activity, Signup, PointsAccount, PointsEntry)

    # --- all ----------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        with connection.cursor() as cursor:
            # Losing the last second of a bulk load on a crash is acceptable; the load is
            # repeatable. Speeds every COPY commit.
            cursor.execute("SET synchronous_commit TO off")
        p = self.load_province()
        feds = self.federations(p)
        people = self.members(p)
        per_county: dict[int, int] = {}
        for county in people.county:
            per_county[county] = per_county.get(county, 0) + 1
        unions = self.unions(p, feds, per_county)
        self.identities_and_memberships(people, unions)
        agents = self.hotline_staff(p)
        self.learning(p, people)
        self.hotline(p, people, agents)
        self.jobs(p, people)
        self.activities(p, people)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        return self.counts


def expected_members(scale: float) -> int:
    return max(50, round(BASE["members"] * scale))


def log_scale_summary(counts: dict[str, int]) -> str:
    width = max(map(len, counts)) if counts else 0
    return "\n".join(f"{label:<{width}}  {n:>12,}" for label, n in counts.items())
