"""Money as a manager reads it in server-written sentences: thousands separators and the currency code."""


def money(amount: float, currency: str) -> str:
    sign = "-" if amount < -0.5 else ""
    return f"{sign}{abs(amount):,.0f} {currency}"
