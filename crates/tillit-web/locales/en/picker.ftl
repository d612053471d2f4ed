# Searchable choices of systems and information assets in forms.
picker-search = Search
picker-search-systems = Search systems
picker-search-hint-systems = Type part of the designation or the name, for example IS-0042 or journal, and choose Search. Then tick the systems you want.
picker-search-assets = Search information assets
picker-search-hint-assets = Type part of the name and choose Search. Then tick the assets you want.
picker-chosen = Chosen
picker-none-chosen = Nothing chosen yet.
picker-matches = Matches
picker-count = { $count ->
    [0] No matches.
    [one] One match.
   *[other] { $count } matches.
}
picker-count-more = Showing { $listed } of { $total } matches. Type more to narrow the search.
