"""A transition names its requirement; its article is worked out from the id
(core.machines.article_of_requirement), which must agree with the measures' table of
requirements for every id."""

from core.machines import article_of_requirement
from policy.requirements import REQUIREMENTS


def test_the_article_worked_out_from_every_requirement_id_is_the_tables():
    for requirement, (article, _text) in REQUIREMENTS.items():
        assert article_of_requirement(requirement) == article, requirement
