"""The renderers: typesetting, documents, slides, exercises, figures and the web pages.

Every form here is a printer over the kernel's objects (claims, outcomes, results); the kernel
imports nothing from this package.
"""

__all__: list[str] = []
