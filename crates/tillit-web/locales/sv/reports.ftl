# Rapporter och årsrapporten för informationssäkerhet (C25)

reports-title = Rapporter
reports-intro = Rapporter till ledningen som bygger på det arbete som registrerats i tillit: årsrapporten, ledningens genomgång och rapporter till styrelsen.
reports-card-annual = Årsrapport informationssäkerhet
reports-card-annual-text = Årets informationssäkerhetsarbete för hela organisationen eller en förvaltning, med aktuella siffror, egna texter och fastställda versioner.
reports-card-reviews = Ledningens genomgång
reports-card-reviews-text = Underlag, beslut och protokoll från ledningens genomgång av ledningssystemet.
reports-card-board = Styrelserapport
reports-card-board-text = En kort lägesbild för styrelsen: de största riskerna och hur långt skyddsåtgärder och styrande dokument har införts.
report-breadcrumb = Du är här

reports-annual-title = Årsrapporter informationssäkerhet
reports-annual-intro = Årsrapporten är en del av ledningens genomgång. Siffrorna hämtas direkt från registren, riskanalyserna och incidenterna så länge rapporten är ett utkast. När rapporten fastställs låses siffror och texter som en version.
reports-annual-none = Det finns inga årsrapporter ännu.
reports-annual-new = Ny årsrapport
reports-annual-create = Skapa utkast
report-annual-title = Årsrapport informationssäkerhet { $year }
report-scope-organisation = Hela organisationen

report-field-year = År
report-field-scope = Omfattning
report-field-unit-id = Omfattning
report-field-status = Status
report-field-approved = Fastställd
report-field-approved-by = Fastställd av
report-field-version = Version
report-field-downloads = Hämta
report-field-report = Rapport
report-status-draft = Utkast
report-status-approved = Fastställd
report-approved-line = Version { $number } fastställd { $at } av { $by }
report-as-of = Siffrorna avser { $day }
report-live-figures = siffrorna räknas om varje gång sidan visas
report-generated = Skapad { $at }
report-download-pdf = Hämta som PDF
report-download-xlsx = Hämta siffrorna som Excel (XLSX)
report-contents = Innehåll
report-no-text = Ingen text är skriven för avsnittet.
report-no-data = Inga uppgifter registrerade för { $year } inom rapportens omfattning.
report-share = { $value } av { $of } ({ $percent } %)
report-text-label = Text till avsnittet { $section }
report-save-texts = Spara texterna
report-approve-heading = Fastställ rapporten
report-approve-text = När rapporten fastställs låses siffrorna som de ser ut nu tillsammans med texterna. Den fastställda versionen kan inte ändras, men ett nytt utkast kan startas från den.
report-approve = Fastställ rapporten
report-new-draft-heading = Nytt utkast
report-new-draft-text = Rapporten är fastställd. Starta ett nytt utkast för att ändra texterna eller räkna om siffrorna; de fastställda versionerna finns kvar.
report-new-draft = Starta nytt utkast
report-versions = Fastställda versioner
report-versions-none = Rapporten har inte fastställts ännu.
report-version-n = version { $number }
report-sheet-figures = Nyckeltal

notice-report-created = Utkastet till årsrapporten är skapat.
notice-report-saved = Texterna är sparade.
notice-report-approved = Rapporten är fastställd. Siffror och texter är låsta i en ny version.
notice-report-draft-started = Ett nytt utkast är startat från den fastställda rapporten.

field-error-report-frozen = Rapporten är fastställd och kan inte ändras. Starta ett nytt utkast för att ändra den; den fastställda versionen finns kvar.
field-error-report-already-draft = Rapporten är redan ett utkast.
field-error-report-outside-reach = Du kan bara göra årsrapporter för de enheter där du har en roll som sammanställer rapporter, och enheterna under dem. En rapport för hela organisationen kräver en roll för hela organisationen.
field-error-unknown-section = Avsnittet finns inte i årsrapporten.

report-section-summary = Sammanfattning
report-section-organisation = Organisation och roller
report-section-work = Arbetet under året
report-section-classification = Informationsklassning
report-section-risk = Riskanalyser
report-section-audits = Granskningar och tillsyn
report-section-logs = Loggning och loggranskning
report-section-incidents = Incidenter och avvikelser
report-section-maturity = Mognadsmätning
report-section-measures = Förbättringsåtgärder
report-section-focus = Fokusområden

report-hint-summary = Året i korthet: vad som har gjorts, vad uppföljningarna visar och vad som behöver utvecklas.
report-hint-organisation = Hur arbetet är organiserat: samordnare, dataskyddsombud, informationssäkerhetsråd och hur förvaltningarna deltar.
report-hint-work = Vad som gjorts under året utöver siffrorna: utbildningar, informationsinsatser, styrande dokument.
report-hint-classification = Kommentera täckningen och var klassningar saknas.
report-hint-risk = Kommentera riskanalysernas kvalitet, förnyelser och de största riskerna.
report-hint-audits = Interna och externa granskningar under året, tillsyn från IVO och IMY och resultatet av dem.
report-hint-logs = Hur loggar följs upp: patientloggar, behörighetskontroller och begärda loggutdrag.
report-hint-incidents = Kommentera incidenterna: återkommande orsaker, allvarliga händelser, avbrott och hotbild.
report-hint-maturity = Resultatet av årets mognadsmätning och jämförelse med förra året.
report-hint-measures = Genomförda och planerade förbättringsåtgärder inom it-säkerhet, utbildning och verktyg.
report-hint-focus = Fokusområden för nästa år och varför.

report-figure-units = Organisatoriska enheter
report-figure-analyses-approved = Riskanalyser fastställda under året
report-figure-classifications-approved = Informationsklassningar fastställda under året
report-figure-measures-done = Åtgärder genomförda under året
report-figure-incidents-closed = Incidentärenden avslutade under året
report-figure-systems-classified = System med fastställd klassning
report-figure-assets-classified = Informationstillgångar med fastställd klassning
report-figure-analyses-approved-total = Riskanalyser som fastställts
report-figure-analyses-draft = Riskanalyser under arbete (utkast)
report-figure-renewal-overdue = Riskanalyser med försenad årlig förnyelse
report-figure-very-high-open = Mycket höga risker som inte är hanterade
report-figure-high-open = Höga risker som inte är hanterade
report-figure-serious-untreated = Höga och mycket höga risker utan beslutad hantering
report-figure-incidents-total = Incidenter och avvikelser under året
report-figure-breaches-registered = Personuppgiftsincidenter dokumenterade
report-figure-breaches-reported = Personuppgiftsincidenter anmälda till IMY
report-figure-reports-submitted = Rapporter till myndigheter
report-figure-measures-planned = Planerade åtgärder
report-figure-measures-late = Försenade åtgärder
report-figure-holders = Innehavare
report-figure-cases = Ärenden
report-figure-on-time = I tid

report-table-role-holders = Roller i informationssäkerhetsarbetet
report-table-key-people = Nyckelroller
report-table-coverage-per-unit = Klassade informationstillgångar per förvaltning
report-table-incidents-by-category = Incidenter per typ
report-table-reports-on-time = Rapporter till myndigheter i tid per regelverk

report-column-role = Roll
report-column-holders = Antal personer
report-column-person = Person
report-column-unit = Förvaltning
report-column-assets-classified = Klassade informationstillgångar
report-column-category = Typ
report-column-cases = Ärenden
report-column-regime = Regelverk
report-column-on-time = Inlämnade i tid
report-column-section = Avsnitt
report-column-figure = Nyckeltal
report-column-value = Värde
report-column-of = Av totalt
report-column-percent = Andel (%)

# Filters the report's figures link to, on the lists of other modules
analyses-show-approved = Fastställda minst en gång
analyses-show-draft = Utkast och revideringar
