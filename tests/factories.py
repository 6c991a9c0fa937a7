"""factory_boy factories for tests that need more than the demo personas."""

import factory

from accounts.models import Membership, Organisation, User
from accounts.roles import OrgKind, Role, UnitCategory


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"重庆市测试单位{n}")
    short_name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = OrgKind.UNIT
    unit_category = UnitCategory.PARTY_GOV


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"tester{n}")
    full_name = factory.Sequence(lambda n: f"测试人员{n}")
    password = factory.PostGenerationMethodCall("set_password", "Govit@2026demo")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.UNIT_OFFICER
