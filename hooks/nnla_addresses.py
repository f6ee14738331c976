"""This site's hook for the addresses it is published at and from: `site_url` (NNLA_SITE_URL) and `repo_url`
(NNLA_REPO_URL), both from the environment (mkdocs.yml), both optional.

Without `repo_url` there is no repository to edit a page in, so no "edit this page" button: the hook drops
`edit_uri`, which mkdocs.yml gives for the case with one (MkDocs would otherwise warn, and fail `--strict`, that
`edit/main/docs/PAGE.md` is no address).

Without `site_url`, the build says what it cannot do: a 404 page under a sub-path.

The pages link to each other relatively and work at any address, but `404.html` is served in place of a missing
page at any depth, so its links and stylesheets are absolute: from `site_url`'s path when it is given
(`NNLA_SITE_URL`, mkdocs.yml), from the host's root when not. Deployed under a sub-path (a GitHub project page,
https://USER.github.io/nnla/) without it, a mistyped address shows a 404 page without its styles whose links lead
nowhere. Only the build can know `site_url` is missing, so it says so, as an INFO line: not a warning, which
`--strict` would turn into a failure of every build meant for a host's root, where nothing is wrong.
"""

from __future__ import annotations

import logging

from mkdocs.config.defaults import MkDocsConfig

log = logging.getLogger("mkdocs.hooks.nnla_addresses")

NOTE = (
    "site_url is not set (NNLA_SITE_URL): 404.html links from the host's root, so published under a sub-path such "
    "as https://USER.github.io/nnla/ the site's 404 page would show without its styles and with links that lead "
    "nowhere, and the pages would have no canonical links or link-preview images. Give the address: "
    "NNLA_SITE_URL=https://USER.github.io/nnla/ make build"
)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if not config.repo_url:
        config.edit_uri = None
    if not config.site_url:
        log.info(NOTE)
    return config
