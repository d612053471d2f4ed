# Sökbara val av system och informationstillgångar i formulär.
picker-search = Sök
picker-search-systems = Sök system
picker-search-hint-systems = Skriv en del av beteckningen eller namnet, till exempel IS-0042 eller journal, och välj Sök. Kryssa sedan i de system du vill välja.
picker-search-assets = Sök informationstillgångar
picker-search-hint-assets = Skriv en del av namnet och välj Sök. Kryssa sedan i de tillgångar du vill välja.
picker-chosen = Valda
picker-none-chosen = Inget valt ännu.
picker-matches = Sökträffar
picker-count = { $count ->
    [0] Inga träffar.
    [one] En träff.
   *[other] { $count } träffar.
}
picker-count-more = Visar { $listed } av { $total } träffar. Skriv mer för att begränsa sökningen.
