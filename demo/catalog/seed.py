"""The demo catalog, created on first start and re-seeded on demand."""

from sqlalchemy import select

from ..extensions import db
from .models import CatalogVersion, Product

PRODUCTS = [
    dict(
        slug="choco-pie",
        name="초코파이",
        summary="결제 개발 문서 예제에 나오는 그 상품",
        description="단건결제 개발 문서 예제에 나오는 바로 그 초코파이. "
        "공급가액과 부가세가 나뉘는 과세 상품으로 결제 흐름을 확인해 보세요.",
        price=2200,
        art="choco",
    ),
    dict(
        slug="strada-plus",
        name="Strada Plus 1개월 구독",
        summary="광고 없는 Strada, 한 달 이용권",
        description="Strada의 모든 프리미엄 기능을 한 달 동안 이용할 수 있는 구독권입니다. "
        "한 달만 이용하려면 단건결제로, 매달 이어서 이용하려면 정기결제로 시작하세요.",
        price=9900,
        art="strada",
        recurring=True,
    ),
    dict(
        slug="jeju-tangerine",
        name="제주 감귤 3kg",
        summary="농산물이라 부가세가 없는 면세 상품",
        description="제주에서 갓 수확한 노지 감귤 3kg. 미가공 농산물은 부가가치세 면세 대상이라 "
        "결제 금액 전체가 비과세 금액으로 전달됩니다.",
        price=15000,
        tax_free=True,
        art="tangerine",
    ),
    dict(
        slug="americano",
        name="아메리카노 기프티콘",
        summary="회의 전에 한 잔, 팀 전체에 선물하기",
        description="디자인 리뷰를 버티게 해 줄 아메리카노 한 잔. 수량을 바꿔 팀 전체에 선물해 보세요.",
        price=4500,
        art="coffee",
    ),
    dict(
        slug="payments-book",
        name="도서 《결제 시스템 설계》",
        summary="상태 머신부터 대사까지, 면세 도서",
        description="결제 상태 머신, 멱등성, 대사까지 다루는 실무서. 도서는 부가가치세 면세 상품입니다.",
        price=22000,
        tax_free=True,
        art="book",
    ),
]


def seed_catalog(replace: bool) -> int:
    """Insert missing products; with ``replace`` also reset existing ones. Returns rows written."""
    if db.session.get(CatalogVersion, 1) is None:
        db.session.add(CatalogVersion(id=1, version=1))
    existing = {p.slug: p for p in db.session.scalars(select(Product))}
    written = 0
    for position, fields in enumerate(PRODUCTS):
        product = existing.get(fields["slug"])
        if product is None:
            db.session.add(Product(position=position, **fields))
        elif replace:
            for key, value in {"tax_free": False, "recurring": False, **fields, "position": position}.items():
                setattr(product, key, value)
        else:
            continue
        written += 1
    db.session.commit()
    return written
