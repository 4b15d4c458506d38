"""Hover text written once and rendered as Markdown or as plain text."""

from __future__ import annotations

from ..record import record


@record
class Markup:
    """Formatting helpers; with ``markdown`` off they return the text unadorned."""

    markdown: bool

    def code(self, text: str) -> str:
        """Inline code."""
        if not self.markdown:
            return text
        fence = "``" if "`" in text else "`"
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{pad}{text}{pad}{fence}"

    def bold(self, text: str) -> str:
        """Strong emphasis."""
        return f"**{text}**" if self.markdown else text

    def block(self, text: str, language: str = "") -> str:
        """A fenced code block (plain text: indented by four spaces)."""
        if self.markdown:
            return f"```{language}\n{text}\n```"
        return "\n".join("    " + line if line else line for line in text.split("\n"))

    def prose(self, text: str) -> str:
        """Documentation text written with inline code marks (plain text: marks removed)."""
        return text if self.markdown else text.replace("`", "")

    def page(self, text: str) -> str:
        """A Markdown page (plain text: headings unmarked, code blocks indented)."""
        if self.markdown:
            return text
        out: list[str] = []
        in_code = False
        for line in text.split("\n"):
            if line.startswith("```"):
                in_code = not in_code
            elif in_code:
                out.append("    " + line if line else line)
            else:
                out.append(self.prose(line.lstrip("#").lstrip() if line.startswith("#") else line))
        return "\n".join(out)

    def link(self, text: str, url: str) -> str:
        """A link (plain text: the text followed by the address)."""
        return f"[{text}]({url})" if self.markdown else f"{text}: {url}"


def paragraphs(*parts: str) -> str:
    """Join non-empty parts with blank lines."""
    return "\n\n".join(p for p in parts if p)
