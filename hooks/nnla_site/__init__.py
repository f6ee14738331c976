"""Building the site: server-side KaTeX, the Markdown extension for math, and the helpers the hooks use.

Nothing here is imported by the engine (`nnla` itself); these modules need MkDocs, Python-Markdown and,
for rendering formulas, Node.js with the project's pinned npm package `katex`.
"""
