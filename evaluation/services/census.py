from decimal import Decimal

from django.db import transaction

from evaluation.models import PopulationShare


@transaction.atomic
def population_shares_replace(*, shares: dict[str, dict[str, Decimal]]) -> int:
    """Replace the census shares of each dimension given ({dimension: {group: per
    cent}}) all at once: an empty dict clears that dimension. Dimensions not given keep
    their shares. Returns how many shares there are now."""
    for dimension, groups in shares.items():
        PopulationShare.objects.filter(dimension=dimension).delete()
        PopulationShare.objects.bulk_create(
            PopulationShare(dimension=dimension, group=group, percent=percent)
            for group, percent in groups.items()
        )
    return PopulationShare.objects.count()
