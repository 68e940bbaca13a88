# Interface text for English. Keys are shared by every locale; `brief status`
# lists keys missing here compared with the default language.

site-title = Governance Briefings
date-format = { $day } { $month ->
    [1] January
    [2] February
    [3] March
    [4] April
    [5] May
    [6] June
    [7] July
    [8] August
    [9] September
    [10] October
    [11] November
   *[12] December
} { $year }

skip-to-content = Skip to content
nav-label = Site
nav-latest = Latest
nav-sources = Sources
nav-feed = Feed
language-switcher = Language
footer-text = { $site } · Analytical briefings on technology governance.

# How the article was made. Each sentence states only what its front-matter
# records (see README, "AI disclosure"); none claims a review that is not recorded.
ai-badge-generated = AI-generated
ai-badge-assisted = AI-assisted
ai-badge-machine-translated = Machine-translated
ai-badge-ai-translated = AI-assisted translation
ai-notice-label = About this article
ai-notice-generated = This article was generated with generative AI.
ai-notice-assisted = The author wrote this article with the help of generative AI.
ai-not-reviewed = No editor has reviewed it; it may contain errors, so please check important facts against the sources below.
ai-reviewed = It was reviewed by { $reviewer } before publication.
ai-reviewed-on = It was reviewed by { $reviewer } on { $date }.
translation-notice-machine = This version was machine-translated from the original.
translation-notice-ai-assisted = This version was translated with the help of machine translation.
translation-not-reviewed = No person has checked the translation.
translation-reviewed = The translation was checked by { $reviewer }.
translation-reviewed-on = The translation was checked by { $reviewer } on { $date }.
translation-original-link = Read the original

updated-on = Updated
reading-time = { $minutes ->
    [one] { $minutes } minute read
   *[other] { $minutes } minute read
}
key-points = Key points
notes = Notes
back-to-text = Back to the text
references = References
citation-label = Reference { $number }
accessed-on = accessed { $date }
also-cited = { $count ->
    [one] also cited in 1 other briefing
   *[other] also cited in { $count } other briefings
}
back-to-citation = Back to citation { $n }
referenced-by = Referenced by
related = Related briefings
prev-next-label = More briefings
older = Older
newer = Newer
pagination-label = Pages
page-n = page { $n }
breadcrumb-label = Breadcrumb
briefing-count = { $count ->
    [one] 1 briefing
   *[other] { $count } briefings
}
latest-briefings = Latest briefings
no-briefings = There are no briefings here yet.

taxonomy-topics = Topics
taxonomy-regions = Regions

sources-title = Sources
sources-intro = Every source cited in our briefings, most cited first, with the briefings that cite it.
cited-in = { $count ->
    [one] cited in 1 briefing
   *[other] cited in { $count } briefings
}
source-all-citing = { $count ->
    [one] The briefing citing this source
   *[other] All { $count } briefings citing this source
}

not-found-title = Page not found
not-found-text = The page you asked for does not exist or has moved.
not-found-home = Go to the English home page
download-references = Download the references:

nav-search = Search
search-title = Search
search-label = Search the briefings
search-button = Search
search-hint = Words in any language; Japanese works without spaces (e.g. 上海, グローバルサウス).
search-no-js = Search needs JavaScript, which is turned off. You can browse the briefings by topic or region instead:
search-none = No briefings match.
search-count = { $count ->
    [one] 1 briefing found.
   *[other] { $count } briefings found.
}
search-loading = Searching…
search-error = The search index could not be loaded.
newer-page = Newer
older-page = Older
translation-stale = This translation was made from an earlier version of the { $language } original, which has changed since.
translation-stale-link = Read the current { $language } version

# Reader experience (issue 15): language names, why a translation is missing, footnote markers, 404
language-name-ja = Japanese
language-name-en = English
language-name-ko = Korean
language-name-zh = Chinese
language-name-zh-Hans = Chinese (Simplified)
language-name-zh-Hant = Chinese (Traditional)
language-name-zh-CN = Chinese (Simplified)
language-name-zh-TW = Chinese (Traditional)
language-name-fr = French
language-name-de = German
language-name-es = Spanish
language-name-ar = Arabic
translation-unavailable-for = This page has no { $language } version yet
footnote-marker = { $number }
footnote-label = Note { $number }
not-found-search = Search the briefings

## Publishing and navigation: redirects (aliases), callouts, contents
redirect-title = This briefing has moved
redirect-text = It is now at:
callout-note = Note
callout-tip = Tip
callout-important = Important
callout-warning = Warning
callout-caution = Caution
toc-heading = Contents

## Search results: excerpts, short queries, more results (search)
# A query shorter than the minimum ($count characters).
search-short = Type at least { $count } characters to search.
# Labels an excerpt taken from a key point or a citation.
search-part-key-point = Key point:
search-part-citation = Source:
search-more = Show more results

# Authors, "cite this briefing" and social metadata (issue 14, points 4–7).
# The label is followed directly by the names: end it with a space where the language needs one.
byline = By{" "}
byline-separator = {", "}
site-description = Analytical briefings on AI and technology governance, in English and Japanese.
cite-this = Cite this briefing
cite-this-copy = Copy citation
cite-this-copied = Copied
cite-this-download = Download the citation:
og-image-alt = Governance Briefings: analysis of AI and technology governance
