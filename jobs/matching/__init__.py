"""The matching engine: ranks job posts for a résumé (and résumés for a post) and explains why.

Pure, deterministic Python (numpy/scipy for speed); no database access. The site, the Celery
tasks, ``evaluate_matching`` and the benchmarks all use this module, so what is measured is
what members see.

How a pair is judged, in the order a union job counsellor would:

1. **Occupation.** Titles are normalised to an occupation taxonomy (货车司机 = 货运司机 = 重卡司机),
   from the post's *title* only: "另招保安若干" in a description does not make a security job.
   Same occupation counts fully, a neighbouring one (叉车司机 ↔ 仓管员) a little; a title outside
   the taxonomy falls back to character-bigram similarity of the titles.
2. **Certificates are a hard requirement.** A missing licence sinks the post (and says so:
   "缺少叉车证"); a higher driving licence covers the lower ones (A2 covers B2).
3. **Fit**, each in [0, 1] and weighted equally, because each is a separate reason a seeker
   would turn a post down: location (county before city before province), employment type,
   pay (the post's maximum against the expected pay, degrading with the gap), experience
   and education (short by a little is better than short by a lot).
4. **Text relevance** of skills and description (rjieba-segmented, TF-IDF over a sparse
   matrix, cosine) breaks ties between otherwise equal posts.

The package, by seam: ``vocabulary`` (occupations, certificates, education), ``documents``
(posts and résumés, their text, the evaluation format), ``scoring`` (the signals and their
arithmetic), ``explanation``, ``job_index`` (résumé → posts), ``resume_index`` (post →
résumés), ``evaluation`` (nDCG, P@k). Everything public is importable from here.
"""

from jobs.matching.documents import (
    JobDoc,
    ResumeDoc,
    job_from_dict,
    job_text,
    occupation_key,
    resume_from_dict,
    resume_missing_fields,
    resume_text,
)
from jobs.matching.evaluation import (
    dcg,
    ndcg_at,
    precision_at,
)
from jobs.matching.explanation import (
    Match,
    explain,
    score_pair_naive,
)
from jobs.matching.job_index import (
    JobIndex,
)
from jobs.matching.resume_index import (
    ResumeIndex,
)
from jobs.matching.scoring import (
    LOC_CITY,
    LOC_COUNTY,
    LOC_PROVINCE,
    MISSING_CERT_FACTOR,
    OCC_BASE,
    W_TEXT,
    Components,
    education_fit,
    experience_fit,
    pair_components,
    pay_fit,
)
from jobs.matching.vocabulary import (
    EDUCATION_LEVELS,
    EMPLOYMENT_TYPES,
    LICENCE_COVERS,
    OCC_CODES,
    OCCUPATIONS,
    RELATED,
    RELATED_FIT,
    UNKNOWN_OCC,
    UNKNOWN_TITLE_SCALE,
    certificates_held,
    education_level,
    normalise_certificate,
    normalise_title,
    occupation_fit,
    occupation_name,
    title_similarity,
)

__all__ = [
    "EDUCATION_LEVELS",
    "EMPLOYMENT_TYPES",
    "LICENCE_COVERS",
    "LOC_CITY",
    "LOC_COUNTY",
    "LOC_PROVINCE",
    "MISSING_CERT_FACTOR",
    "OCCUPATIONS",
    "OCC_BASE",
    "OCC_CODES",
    "RELATED",
    "RELATED_FIT",
    "UNKNOWN_OCC",
    "UNKNOWN_TITLE_SCALE",
    "W_TEXT",
    "Components",
    "JobDoc",
    "JobIndex",
    "Match",
    "ResumeDoc",
    "ResumeIndex",
    "certificates_held",
    "dcg",
    "education_fit",
    "education_level",
    "experience_fit",
    "explain",
    "job_from_dict",
    "job_text",
    "ndcg_at",
    "normalise_certificate",
    "normalise_title",
    "occupation_fit",
    "occupation_key",
    "occupation_name",
    "pair_components",
    "pay_fit",
    "precision_at",
    "resume_from_dict",
    "resume_missing_fields",
    "resume_text",
    "score_pair_naive",
    "title_similarity",
]
