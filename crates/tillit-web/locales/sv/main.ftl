# Svenska texter för tillit, en fil per område. Varje id måste finnas även i en/.

skip-to-content = Hoppa till innehållet
footer-tagline = ledningssystem för informationssäkerhet i vård och omsorg
nav-main-label = Moduler
nav-account-label = Administration och konto
nav-start = Start
nav-register = Register
nav-classification = Klassning
nav-risks = Risker
nav-incidents = Incidenter
nav-follow-up = Uppföljning
nav-reports = Rapporter
nav-coming = (kommer)
nav-organisation = Organisation
nav-users = Användare
nav-audit = Granskningslogg
nav-profile = Min profil
nav-logout = Logga ut

save = Spara
yes = Ja
no = Nej
actions = Åtgärder
filter-apply = Filtrera
list-total =
    { $count ->
        [one] { $count } träff
       *[other] { $count } träffar
    }
pagination-label = Sidor
pagination-previous = Föregående sida
pagination-next = Nästa sida
pagination-page = Sida { $page }
scope-whole-organisation = Hela organisationen
password-hint = Minst 12 tecken. En lång lösenfras är bäst.

error-summary-title = Något behöver rättas
error-back-to-start = Till startsidan
error-request-id = Ärende-id för support

login-title = Logga in
login-lead = Logga in i tillit med din e-postadress och ditt lösenord.
login-submit = Logga in
login-failed = Fel e-postadress eller lösenord.
login-throttled = För många misslyckade inloggningsförsök. Vänta en stund och försök igen.
login-demo-title = Demodatabas
login-demo-text = Det här är en demodatabas. Demoanvändarna (till exempel admin@region.example, samordnare@region.example, verksamhetschef@region.example och granskare@region.example) kan logga in utan tvåfaktorsinloggning med demolösenordet som visades när servern startades.
second-factor-title = Tvåfaktorsinloggning
second-factor-lead = Skriv in den sexsiffriga koden från din autentiseringsapp.
second-factor-submit = Verifiera
second-factor-cancel = Avbryt och logga ut
conflict-reload = Någon annan har ändrat uppgifterna sedan du öppnade sidan. Ladda om sidan och gör ändringen igen.

start-title = Start
start-heading = Välkommen, { $name }
start-two-factor-recommended = Du har inte slagit på tvåfaktorsinloggning.
start-two-factor-link = Slå på tvåfaktorsinloggning
start-card-organisation = Organisationen
start-units = Organisatoriska enheter
start-users = Aktiva användare
start-show-organisation = Visa organisationen
start-card-audit = Granskningslogg
start-audit-checkpoint = Verifierad och signerad till och med händelse { $size }, kontrollerad
start-audit-no-checkpoint = Ingen signerad kontrollpunkt ännu.
start-show-audit = Öppna granskningsloggen
start-card-coming = På väg
start-coming-text = Uppföljning av behörigheter och loggar, kontinuitetsplaner och rapporter till ledningen fyller startsidan när de modulerna är på plats.

organisation-title = Organisation
organisation-kind = Typ av organisation
organisation-kind-region = Region
organisation-kind-municipality = Kommun
organisation-kind-care-provider = Vårdgivare
organisation-kind-social-care-provider = Omsorgsgivare
organisation-units = Organisatoriska enheter
unit-kind-board = Nämnd eller styrelse
unit-kind-administration = Förvaltning
unit-kind-operation = Verksamhet
unit-kind-unit = Enhet
unit-new = Ny enhet
unit-create = Skapa enhet
unit-edit = Ändra enhet
unit-back = Tillbaka till organisationen
unit-top-level = (Högsta nivån)
unit-no-manager = Ingen angiven
unit-delete = Ta bort enheten
unit-delete-help = En enhet kan bara tas bort när den saknar underenheter, rolltilldelningar och personuppgiftsansvariga.
controllers-title = Personuppgiftsansvariga
controllers-lead = I en region eller kommun är varje nämnd som bedriver vård eller omsorg personuppgiftsansvarig för sin egen behandling. Här registreras alla personuppgiftsansvariga i organisationen.
controllers-none = Inga personuppgiftsansvariga är registrerade.
controllers-new = Lägg till personuppgiftsansvarig
controllers-create = Lägg till

users-title = Användare
users-new = Ny användare
users-create = Skapa användare
users-back = Tillbaka till användarna
users-search = Sök på namn eller e-post
users-filter = Filtrera användare
users-any-role = Alla roller
field-subunits = Även underenheter
users-no-role = Ingen roll ännu
users-roles = Roller
users-no-roles = Användaren har inga roller.
users-grant-role = Tilldela roll
users-revoke-role = Ta bort roll
users-edit = Ändra användare

role-administrator = Administratör
role-coordinator = Informationssäkerhetssamordnare
role-information-owner = Informationsägare
role-head-of-operations = Verksamhetschef
role-nis-assessor = NIS-bedömare
role-mas-mar = MAS/MAR
role-data-protection-officer = Dataskyddsombud
role-employee = Medarbetare
role-auditor = Granskare

audit-title = Granskningslogg
audit-lead = Varje ändring, inloggning och export registreras i en manipuleringsskyddad logg. Händelserna är hashkedjade och omfattas av signerade kontrollpunkter.
audit-integrity = Loggens integritet
audit-checkpoint = Verifierad och signerad till och med händelse { $size }, kontrollerad
audit-verify-now = Verifiera hela loggen nu
audit-intact = Loggen är oförändrad.
audit-broken = Loggen har ändrats utanför tillit!
audit-verified-up-to = Verifierad till och med händelse { $seq }, kontrollerad
audit-first-bad = Första avvikande händelse: { $seq }.
audit-checkpoints-checked =
    { $count ->
        [one] { $count } signerad kontrollpunkt stämmer.
       *[other] { $count } signerade kontrollpunkter stämmer.
    }
audit-filter = Filtrera granskningsloggen
audit-seq = Nr
audit-time = Tidpunkt
audit-actor = Utförd av
audit-object = Objekt
audit-event-title = Händelse { $seq }
audit-before = Före
audit-after = Efter
audit-nothing = Inget värde.
audit-back = Tillbaka till granskningsloggen
audit-export-proof = Exportera med inklusionsbevis (JSON)

profile-title = Min profil
profile-language = Språk
profile-password = Byt lösenord
profile-change-password = Byt lösenord
profile-tokens = API-nycklar
profile-tokens-lead = Personliga API-nycklar ger program åtkomst till tillits API med dina behörigheter.
profile-token-name = Vad nyckeln ska användas till
profile-token-create = Skapa API-nyckel
profile-token-created = Kopiera nyckeln nu. Den visas bara den här gången.
profile-token-revoke = Återkalla

two-factor-title = Tvåfaktorsinloggning
two-factor-on = Påslagen
two-factor-off = Inte påslagen
two-factor-required = Administratörer och informationssäkerhetssamordnare måste använda tvåfaktorsinloggning. Slå på den för att fortsätta.
two-factor-intro = Med tvåfaktorsinloggning behövs både lösenordet och en kod från en autentiseringsapp i mobilen.
two-factor-start = Börja
two-factor-scan = Skanna QR-koden med din autentiseringsapp.
two-factor-qr-label = QR-kod för autentiseringsappen
two-factor-manual = Om du inte kan skanna koden kan du skriva in den här nyckeln i appen:
two-factor-confirm = Slå på tvåfaktorsinloggning

field-name = Namn
field-kind = Typ
field-parent-id = Överordnad enhet
field-manager-id = Verksamhetschef eller chef
field-description = Beskrivning
field-org-number = Organisationsnummer
field-unit-id = Enhet
field-email = E-postadress
field-display-name = Namn
field-title = Befattning
field-password = Lösenord
field-current-password = Nuvarande lösenord
field-new-password = Nytt lösenord
field-role = Roll
field-active = Aktiv
field-code = Kod
field-language = Språk
field-page = Sida
field-per-page = Antal per sida
field-id = Enhet
field-from = Från och med
field-until = Till och med
field-action = Händelse
field-object-type = Objekttyp
field-object-id = Objekt-id
field-created-at = Skapad
field-updated-at = Senast ändrad
field-version = Version

field-error-required = Fyll i det här fältet.
field-error-too-long = Texten är för lång.
field-error-invalid-email = Ange en giltig e-postadress, till exempel namn@region.se.
field-error-invalid-org-number = Ange ett giltigt organisationsnummer, tio siffror (NNNNNN-NNNN).
field-error-invalid-choice = Välj ett av alternativen.
field-error-password-too-short = Lösenordet måste ha minst 12 tecken.
field-error-out-of-range = Värdet är utanför det tillåtna intervallet.
field-error-unknown-reference = Det valda finns inte i organisationen.
field-error-cycle = Valet skulle skapa en cirkel: en enhet kan inte ligga under sig själv och ett system kan inte vara beroende av sig självt, varken direkt eller via andra.
field-error-duplicate = Det finns redan en post med det värdet.
field-error-bad-credentials = Lösenordet stämmer inte.
field-error-bad-code = Koden stämmer inte. Kontrollera att klockan i mobilen går rätt och försök igen.
field-error-no-pending-setup = Börja om inställningen av tvåfaktorsinloggning.
field-error-already-enabled = Tvåfaktorsinloggning är redan påslagen.
field-error-cannot-deactivate-self = Du kan inte inaktivera ditt eget konto.
field-error-cannot-revoke-own-admin = Du kan inte ta bort din egen administratörsroll.
field-error-unit-in-use = Enheten har underenheter, roller eller personuppgiftsansvariga kopplade till sig.
field-error-invalid-type = Värdet har fel format.
field-error-unknown-field = Fältet finns inte.
field-error-invalid-date = Ange ett datum som ÅÅÅÅ-MM-DD.

notice-unit-created = Enheten har skapats.
notice-unit-saved = Enheten har sparats.
notice-unit-deleted = Enheten har tagits bort.
notice-controller-created = Den personuppgiftsansvariga har lagts till.
notice-user-created = Användaren har skapats.
notice-user-saved = Användaren har sparats.
notice-role-granted = Rollen har tilldelats.
notice-role-revoked = Rollen har tagits bort.
notice-password-changed = Lösenordet har bytts.
notice-token-revoked = API-nyckeln har återkallats.
notice-two-factor-enabled = Tvåfaktorsinloggning är påslagen.

problem-unauthenticated-title = Inloggning krävs
problem-unauthenticated-detail = Logga in eller skicka en giltig API-nyckel.
problem-forbidden-title = Åtkomst nekad
problem-forbidden-detail = Din roll ger inte behörighet till det här.
problem-not-found-title = Sidan eller objektet finns inte
problem-not-found-detail = Det du söker finns inte, eller så har du inte tillgång till det.
problem-conflict-title = Ändrat av någon annan
problem-conflict-detail = Objektet har ändrats sedan du läste det. Hämta det igen och gör om ändringen.
problem-malformed-body-title = Felaktig begäran
problem-malformed-body-detail = Innehållet i begäran kunde inte tolkas.
problem-invalid-input-title = Ogiltiga uppgifter
problem-invalid-input-detail = Ett eller flera fält behöver rättas.
problem-payload-too-large-title = För stor begäran
problem-payload-too-large-detail = Innehållet är större än vad tillit tar emot.
problem-too-many-attempts-title = För många försök
problem-too-many-attempts-detail = Vänta en stund och försök igen.
problem-csrf-rejected-title = Formuläret har gått ut
problem-csrf-rejected-detail = Ladda om sidan och skicka formuläret igen.
problem-internal-title = Något gick fel
problem-internal-detail = Ett oväntat fel inträffade. Inget har sparats till hälften. Ange ärende-id om du kontaktar support.

organisation-edit = Ändra organisationens uppgifter
controllers-unit = Nämnd eller enhet som är ansvarig
controllers-edit = Ändra personuppgiftsansvarig
users-reset-two-factor = Återställ tvåfaktorsinloggning
users-reset-two-factor-help = Använd om användaren har tappat bort sin autentiseringsapp. Användaren loggas ut och får ställa in tvåfaktorsinloggning på nytt.
notice-organisation-saved = Organisationens uppgifter har sparats.
notice-controller-saved = Den personuppgiftsansvariga har sparats.
notice-two-factor-reset = Tvåfaktorsinloggningen har återställts.
