"""Demo users: the people of the source article and the union staff who serve them."""

from accounts.models import Role
from accounts.selectors.users import user_get_by_phone
from accounts.services.roles import role_assign
from accounts.services.users import user_create
from regions.models import Region

DEMO_PASSWORD = "Hebei-12351-demo"

# Staff roles over regions: who may do what where (accounts.permissions).
DEMO_REGION_ROLES = [
    ("13900000001", Role.PROVINCE_ADMIN, "130000"),
    ("13900000002", Role.HOTLINE_AGENT, "130100"),
    ("13900000003", Role.REGION_EDITOR, "131000"),
]

# phone, display name, role description, staff, superuser
DEMO_USERS = [
    ("13900000001", "省总工会管理员", "province administrator", True, True),
    ("13900000002", "赵敏（12351坐席）", "hotline agent", True, False),
    ("13900000003", "孙丽（廊坊市总工会编辑）", "city union editor", True, False),
    ("13800000001", "王伟", "member, equipment maker in 石家庄", False, False),
    ("13800000002", "李师傅", "member, freight driver in 廊坊", False, False),
    ("13800000003", "刘鸿", "member, technician in 石家庄", False, False),
]


def seed(*, stdout) -> None:
    for phone, name, role, is_staff, is_superuser in DEMO_USERS:
        if user_get_by_phone(phone=phone) is None:
            user_create(
                phone=phone,
                password=DEMO_PASSWORD,
                display_name=name,
                is_staff=is_staff,
                is_superuser=is_superuser,
            )
            state = "created"
        else:
            state = "exists"
        stdout.write(f"  user {phone} / {DEMO_PASSWORD}  {name} ({role}) [{state}]")
    for phone, role, region_code in DEMO_REGION_ROLES:
        user = user_get_by_phone(phone=phone)
        region = Region.objects.get(code=region_code)
        role_assign(user=user, role=role, region=region)
        stdout.write(f"  role {phone}: {Role(role).label} · {region.name}")
