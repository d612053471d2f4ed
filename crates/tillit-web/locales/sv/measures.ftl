## Åtgärdsplan (9 §) och sektorns riskkatalog

action-plan-title = Åtgärdsplan
action-plan-intro = Åtgärdsplanen visar vilka åtgärder som ska ta bort eller minska riskerna i riskanalyserna, varför de valts, vem som ansvarar och när de är planerade och genomförda. Genomförda åtgärder sparas som historik och följs upp och utvärderas varje år.
action-plan-filter = Filtrera åtgärdsplanen
action-plan-search = Sök åtgärd
action-plan-caption = Åtgärder i åtgärdsplanen, försenade först
action-plan-for-analysis = Åtgärder för risker i { $analysis }.
action-plan-show-all = Visa hela åtgärdsplanen
action-plan-empty = Inga åtgärder matchar filtret.

measure-col-designation = Beteckning
measure-col-title = Åtgärd
measure-col-risks = Antal risker
measure-col-planned = Planerad
measure-col-done = Genomförd
measure-col-status = Status
measure-col-residual = Förväntad risknivå

measure-status-planned = Planerad
measure-status-late = Försenad
measure-status-done = Genomförd

measure-category-organisational = Organisatorisk åtgärd
measure-category-personnel = Personell åtgärd
measure-category-physical = Fysisk åtgärd
measure-category-technical = Teknisk åtgärd

measure-function-preventive = Förebyggande
measure-function-detective = Upptäckande
measure-function-corrective = Korrigerande

measure-risk-status-open = ingen hantering beslutad
measure-risk-status-in-treatment = under hantering
measure-risk-status-handled = hanterad

measure-new = Ny åtgärd
measure-new-title = Ny åtgärd i åtgärdsplanen
measure-new-intro = Beskriv åtgärden med åtgärdsplanens alla punkter: vilka risker och system den gäller, varför den valts, hur risknivån förväntas förändras, vem som ansvarar och när den ska vara genomförd.
measure-from-risk = Åtgärden ska hantera risken { $risk }. Berörda system är förvalda från risken.
measure-create = Lägg till i åtgärdsplanen
measure-choose = Välj
measure-read-only = Du kan läsa åtgärdsplanen men inte ändra den.

measure-risks-hint = Välj en eller flera risker. Håll ned Ctrl (Cmd på Mac) för att välja flera. En åtgärd som kommer från ett krav som inte är uppfyllt behöver ingen risk.
measure-systems-hint = De nätverks- och informationssystem som åtgärden berör. Håll ned Ctrl (Cmd på Mac) för att välja flera.
measure-title-hint = Vad som ska göras, kort, till exempel ”Inför multifaktorautentisering för distansåtkomst”.
measure-function-hint = Förebyggande åtgärder hindrar att något händer, upptäckande åtgärder upptäcker det när det händer och korrigerande åtgärder begränsar skadan och återställer efteråt.
measure-reason-hint = Varför just den här åtgärden valdes, och vilka andra lösningar som övervägdes.
measure-residual-hint = Var i riskmatrisen hamnar risken när åtgärden är genomförd? Bedöm med organisationens egen matris. Krävs när åtgärden hanterar risker.
measure-responsible-hint = Den person i organisationen som ansvarar för att åtgärden genomförs.
measure-done-hint = Fyll i datumet när åtgärden är genomförd. En genomförd åtgärd sparas som historik och kan inte göras ogenomförd.
measure-done-note-hint = Krävs om åtgärden genomfördes före det planerade datumet.

measure-items-heading = Åtgärdsplanens tio punkter
measure-items-intro = En åtgärdsplan ska visa vilka risker åtgärden hanterar och vilka system den berör, vad som valts och varför, hur risknivån förväntas förändras, vem som ansvarar, när åtgärden planeras och genomförs, och vilka risker och åtgärder som redan är hanterade och genomförda.
measure-item-risks = Risker som åtgärden hanterar
measure-item-systems = Berörda system
measure-item-measure = Åtgärd
measure-item-reason = Motivering
measure-item-residual = Förväntad förändring av risknivån
measure-item-responsible = Ansvarig
measure-item-planned = Planerad
measure-item-done = Genomförd
measure-item-handled-risks = Risker som redan är hanterade
measure-item-carried-out = Är åtgärden genomförd?
measure-carried-out-yes = Ja, åtgärden är genomförd och sparas som historik.
measure-carried-out-no = Nej, åtgärden är inte genomförd ännu.
measure-no-risks = Åtgärden hanterar ingen risk. Den kommer från ett krav som inte är uppfyllt.
measure-no-systems = Inga system angivna.
measure-no-residual = Ingen förväntad risknivå angiven.
measure-residual-change = { $risk }: från
measure-residual-to = till
measure-not-done = Inte genomförd ännu.
measure-no-handled-risks = Ingen av riskerna är hanterad ännu.
measure-open-analysis = öppna riskanalysen

measure-follow-ups = Årlig uppföljning och utvärdering
measure-follow-ups-intro = Vidtagna åtgärder ska följas upp och utvärderas varje år: gav åtgärden avsedd effekt, och behövs den fortfarande?
measure-follow-ups-caption = Uppföljningar av { $measure }, senaste året först
measure-no-follow-ups = Åtgärden har inte följts upp ännu.
measure-follow-up-new = Registrera årets uppföljning
measure-follow-up-recorded = Registrerad
measure-follow-up-submit = Spara uppföljningen
measure-effect-hint = Vad åtgärden har åstadkommit, och hur ni vet det.
measure-next-step-hint = Krävs om åtgärden inte längre är relevant: vad som ska göras i stället.

measure-edit = Ändra åtgärden
measure-delete = Ta bort åtgärden
measure-delete-hint = Bara åtgärder som varken är genomförda eller uppföljda kan tas bort. Genomförda och uppföljda åtgärder sparas som historik i åtgärdsplanen.

notice-measure-created = Åtgärden har lagts till i åtgärdsplanen.
notice-measure-saved = Åtgärden har sparats.
notice-measure-deleted = Åtgärden har tagits bort ur åtgärdsplanen.
notice-measure-followed-up = Uppföljningen har sparats.

sector-catalogue-title = Sektorns riskkatalog
sector-catalogue-intro = Typiska informationssäkerhetsrisker i hälso- och sjukvård och omsorg, med förslag på åtgärder. Katalogen är en utgångspunkt, inte en färdig analys: välj de risker som gäller er verksamhet, bedöm sannolikhet och konsekvens med er egen riskmatris och besluta om hantering.
sector-catalogue-contents = Risker i katalogen
sector-catalogue-threat = Hot
sector-catalogue-vulnerability = Sårbarhet
sector-catalogue-consequence = Konsekvens
sector-catalogue-aspects = Skyddsvärden som hotas
sector-catalogue-sources = Källor
sector-catalogue-measures-caption = Föreslagna åtgärder: { $risk }
sector-catalogue-measure = Åtgärd och motivering
sector-catalogue-iso = Säkerhetsåtgärder i SS-EN ISO/IEC 27002:2022
sector-catalogue-start = Starta en risk från katalogen i analys:
sector-catalogue-continue = Fortsätt
sector-catalogue-no-drafts = Det finns ingen riskanalys under arbete att lägga till risker i.
sector-catalogue-new-analysis = Starta en ny riskanalys
measure-from-incident = Åtgärden följer av incidenten, och kopplas till ärendet när den skapas:
measure-from-incident-reason = Lärdom från incidenten { $case }.
