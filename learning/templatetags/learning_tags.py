from django import template

register = template.Library()


@register.filter
def option_letter(index: int) -> str:
    """1 → A, 2 → B … for option labels."""
    try:
        return "ABCDEFGH"[int(index) - 1]
    except (ValueError, IndexError, TypeError):
        return ""
