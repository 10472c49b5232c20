"""The province generator's part for employers, job posts, résumés, match results and
applications (mixed into ``portal.scale.build.Builder``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from core.search import search_document
from portal.scale import words
from portal.scale.base import People, Province
from portal.scale.copy import copy_rows, next_id, reset_sequences


class JobsMixin:
    """Mixed into ``Builder``; uses its ``rng``, ``n``, ``when``, ``note`` and ``now``."""

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
