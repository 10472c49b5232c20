"""The matching engine: ranks job posts for a résumé (and résumés for a post) and explains why.

Pure, deterministic Python (numpy/scipy for speed); no database access. The site, the Celery
tasks, ``evaluate_matching`` and the benchmarks all use this module, so what is measured is
what members see.

How a pair is judged, in the order a union job counsellor would:

1. **Occupation.** Titles are mapped onto the national occupation classification (CSCO
   2022: exact name or alias, then token and character n-gram similarity, ``occupations``)
   and onto the titles learned from the corpus of posts (``learning``), from the post's
   *title* only: "另招保安若干" in a description does not make a security job. Same code
   counts fully, the same minor group closely, the same medium group a little, each scaled
   by the mapping's confidence; a title that maps to nothing falls back to character-bigram
   similarity of the titles, else to text and skills.
2. **Certificates are a hard requirement.** A missing licence sinks the post (and says so:
   "缺少叉车证"); a higher driving licence covers the lower ones (A2 covers B2).
3. **Fit**, each in [0, 1] and weighted equally, because each is a separate reason a seeker
   would turn a post down: location (county before city before province), employment type,
   pay (the post's maximum against the expected pay, degrading with the gap), experience
   and education (short by a little is better than short by a lot).
4. **Text relevance** of skills and description (rjieba-segmented, TF-IDF over a sparse
   matrix, cosine) breaks ties between otherwise equal posts.

The package, by seam: ``occupations`` (the classification and the title mapper),
``learning`` (titles learned from posts), ``vocabulary`` (certificates, education), ``documents``
(posts and résumés, their text, the evaluation format), ``scoring`` (the signals and their
arithmetic), ``explanation``, ``job_index`` (résumé → posts), ``resume_index`` (post →
résumés), ``evaluation`` (nDCG, P@k). Everything public is importable from here.
"""

from jobs.matching.documents import (
    JobDoc,
    ResumeDoc,
    job_from_dict,
    job_occupation,
    job_text,
    occupation_key,
    resume_from_dict,
    resume_missing_fields,
    resume_occupations,
    resume_text,
    term_counter,
)
from jobs.matching.evaluation import (
    dcg,
    ndcg_at,
    precision_at,
)
from jobs.matching.explanation import (
    Match,
    explain,
    occupation_link,
    score_pair_naive,
)
from jobs.matching.job_index import (
    JobIndex,
    Vocab,
)
from jobs.matching.learning import (
    ANCHOR,
    MAX_LEARNED,
    MAX_LINK,
    MAX_TERMS,
    MAX_TITLES,
    MIN_LINK_COSINE,
    MIN_PROFILE_COSINE,
    NEIGHBOURS,
    ROUNDS,
    SAME_JOB,
    LearnedTitle,
    Vocabulary,
    learn_titles,
    mapper_with,
)
from jobs.matching.occupations import (
    CLOSE_FIT,
    DATA_FILE,
    KEEP_WITHIN,
    MAX_CODES,
    MIN_SIMILARITY,
    RELATED_FIT,
    SPLIT_WEIGHT,
    Classification,
    Occupation,
    OccupationFileError,
    TitleMapper,
    classification,
    classification_from_rows,
    clean_title,
    default_mapper,
    group_ids,
    hierarchy_fit,
    hierarchy_row,
    parse_occupations,
)
from jobs.matching.resume_index import (
    ResumeIndex,
)
from jobs.matching.samples import (
    OCCUPATIONS,
)
from jobs.matching.scoring import (
    EDU_TRACK_FIT,
    LOC_CITY,
    LOC_COUNTY,
    LOC_PROVINCE,
    MISSING_CERT_FACTOR,
    OCC_BASE,
    W_TEXT,
    Components,
    education_fit,
    education_fits,
    experience_fit,
    experience_fits,
    fit_table,
    jaccard,
    occupation_fit,
    pair_components,
    pay_fit,
    pay_fits,
    scores_of,
    unmapped_fit,
    unmapped_fits,
)
from jobs.matching.vocabulary import (
    EDUCATION_LEVELS,
    EMPLOYMENT_TYPES,
    LICENCE_COVERS,
    UNKNOWN_TEXT_SCALE,
    UNKNOWN_TITLE_SCALE,
    certificates_held,
    education_code,
    education_level,
    normalise_certificate,
    title_bigrams,
    title_similarity,
)

__all__ = [
    "ANCHOR",
    "CLOSE_FIT",
    "DATA_FILE",
    "EDUCATION_LEVELS",
    "EDU_TRACK_FIT",
    "EMPLOYMENT_TYPES",
    "KEEP_WITHIN",
    "LICENCE_COVERS",
    "LOC_CITY",
    "LOC_COUNTY",
    "LOC_PROVINCE",
    "MAX_CODES",
    "MAX_LEARNED",
    "MAX_LINK",
    "MAX_TERMS",
    "MAX_TITLES",
    "MIN_LINK_COSINE",
    "MIN_PROFILE_COSINE",
    "MIN_SIMILARITY",
    "MISSING_CERT_FACTOR",
    "NEIGHBOURS",
    "OCCUPATIONS",
    "OCC_BASE",
    "RELATED_FIT",
    "ROUNDS",
    "SAME_JOB",
    "SPLIT_WEIGHT",
    "UNKNOWN_TEXT_SCALE",
    "UNKNOWN_TITLE_SCALE",
    "W_TEXT",
    "Classification",
    "Components",
    "JobDoc",
    "JobIndex",
    "LearnedTitle",
    "Match",
    "Occupation",
    "OccupationFileError",
    "ResumeDoc",
    "ResumeIndex",
    "TitleMapper",
    "Vocab",
    "Vocabulary",
    "certificates_held",
    "classification",
    "classification_from_rows",
    "clean_title",
    "dcg",
    "default_mapper",
    "education_code",
    "education_fit",
    "education_fits",
    "education_level",
    "experience_fit",
    "experience_fits",
    "explain",
    "fit_table",
    "group_ids",
    "hierarchy_fit",
    "hierarchy_row",
    "jaccard",
    "job_from_dict",
    "job_occupation",
    "job_text",
    "learn_titles",
    "mapper_with",
    "ndcg_at",
    "normalise_certificate",
    "occupation_fit",
    "occupation_key",
    "occupation_link",
    "pair_components",
    "parse_occupations",
    "pay_fit",
    "pay_fits",
    "precision_at",
    "resume_from_dict",
    "resume_missing_fields",
    "resume_occupations",
    "resume_text",
    "score_pair_naive",
    "scores_of",
    "term_counter",
    "title_bigrams",
    "title_similarity",
    "unmapped_fit",
    "unmapped_fits",
]
