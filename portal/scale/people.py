"""The province generator's part for federations, grassroots unions, members with their
identities and memberships, and the hotline staff (mixed into
``portal.scale.build.Builder``)."""

from __future__ import annotations

import datetime as dt
from bisect import bisect
from collections.abc import Iterator
from itertools import accumulate

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
from portal.scale import words
from portal.scale.base import (
    CONSENT_COLUMNS,
    MEMBER_PHONE_PREFIX,
    STAFF_PHONE_PREFIX,
    USER_COLUMNS,
    People,
    Province,
    resident_id_number,
)
from portal.scale.copy import copy_rows, next_id, reset_sequences
from regions.models import Region


class PeopleMixin:
    """Mixed into ``Builder``; uses its ``rng``, ``n``, ``when``, ``note`` and ``now``."""

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
