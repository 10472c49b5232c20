from regions.models.articles import Article, ArticleAttachment, ArticleTransition
from regions.models.catalog import ServiceEntry, ServiceOverride
from regions.models.region import Region

__all__ = [
    "Article",
    "ArticleAttachment",
    "ArticleTransition",
    "Region",
    "ServiceEntry",
    "ServiceOverride",
]
