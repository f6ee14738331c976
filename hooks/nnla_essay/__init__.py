"""The essay's side of the build: its registry of values computed by `nnla`, its kinds, their forms and figures.

The proven-numbers plugin imports `nnla_essay.registry.compute_all` (mkdocs.yml's ``values``) and shows what it
returns; nothing here is machinery, and nothing of the plugin imports this package.
"""
