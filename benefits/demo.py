"""Demo master data for the benefit types: filled in later."""


def build(*, hall, users) -> None:
    return None
