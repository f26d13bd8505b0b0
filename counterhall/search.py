"""Finding business types by what a teller types: code, Chinese name or pinyin initials."""

from __future__ import annotations


def pinyin_initials(name: str) -> str:
    """单位新参保登记 → dwxcbdj (first letters; non-Chinese characters kept, lowercased)."""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="default")
    return "".join(ch for part in letters for ch in part.lower() if ch.isalnum())


def _is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def match_business_type(code: str, name: str, initials: str, query: str) -> int:
    q = (query or "").strip().lower()
    if not q:
        return 1
    if code.lower() == q:
        return 100
    if code.lower().startswith(q):
        return 90
    if q in name.lower():
        return 80
    if initials.startswith(q):
        return 70
    if q in initials:
        return 60
    if q.isascii() and q.isalpha() and _is_subsequence(q, initials):
        return 50
    return 0
