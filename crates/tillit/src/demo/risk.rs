//! The demo's risk work: the region's recorded method, the risk analysis of the journal
//! system approved last winter with its action plan (done, planned and late measures, an
//! accepted and an eliminated risk, a yearly follow-up), this year's organisation-wide
//! analysis still in draft with a very high risk no one has decided on yet, and the
//! social care system's analysis whose yearly renewal has lapsed.
//!
//! Risks start from the sector catalogue in `content/risk/` (its threat text is kept)
//! and are adapted to Region Sörmark. Every step is dated in the past and done by the
//! demo person whose job it is: the coordinator leads the work and writes the action
//! plan, information owners decide treatments and approve.

use anyhow::{anyhow, Context};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use tillit_domain::risk::{
    AnalysisInput, FollowUpInput, MeasureCategory, MeasureFunction, MeasureInput, MethodInput,
    RiskContent, RiskInput, RiskMatrix, Scope, Treatment,
};
use tillit_store::risk::{self as store, TreatmentDecision};
use tillit_store::Actor;

use super::registers::{DemoRegister, HEALTH_OWNER, IDENTITY, IT_SECURITY, SOCIAL_CARE, VIS};
use super::{lookup, Ids, Writer};

/// The coordinator, who leads the analyses and keeps the method and the action plans.
const COORDINATOR: &str = "samordnare@region.example";
const IT_CHIEF: &str = "linda.nyberg@region.example";
const LVS: &str = "malin.axelsson@region.example";
const LEGAL: &str = "peter.sjoberg@region.example";
const PRIMARY_CARE: &str = "annika.wallin@region.example";
const EMERGENCY: &str = "verksamhetschef@region.example";
const MEDICINE: &str = "karin.holm@region.example";
const HOME_CARE: &str = "ingrid.dahl@region.example";
const LSS: &str = "camilla.svensson@region.example";
/// The journal system's network (named in the register, not exported from it).
const CARE_NETWORK: &str = "Vårdnätet";

/// The title of the journal system's analysis.
pub(super) const JOURNAL_ANALYSIS: &str = "Riskanalys VIS Kosmos – vårdinformationssystem";
/// The title of this year's organisation-wide analysis.
pub(super) const OVERALL_ANALYSIS: &str = "Övergripande riskanalys 2026";
/// The title of the analysis whose renewal is overdue.
pub(super) const SOCIAL_CARE_ANALYSIS: &str = "Riskanalys Verksamhetssystem för vård och omsorg";

const METHOD_NAME: &str = "Regionens metod för informationssäkerhetsrisker";
const METHOD_STANDARD: &str = "SS-ISO/IEC 27005:2022";
const METHOD_DESCRIPTION: &str = "Riskanalyser görs i arbetsgrupp med informationsägare, \
    verksamhet, systemförvaltning och IT, för varje verksamhetskritiskt system och för regionen \
    som helhet, minst en gång per år och inför större förändringar. Sannolikhet och konsekvens \
    bedöms i fyra steg och vägs samman i regionens riskmatris. Höga och mycket höga risker ska ha \
    ett beslut om hantering och redovisas vid ledningens genomgång; bara informationsägaren får \
    acceptera en risk.";
const METHOD_DECIDED_BY: &str = "Regiondirektören";
/// When the regional director decided the method, and when it was recorded.
const METHOD_DECIDED_DAYS_AGO: i64 = 490;
const METHOD_RECORDED_DAYS_AGO: i64 = 485;

/// One risk in an analysis, started from a catalogue risk whose threat it keeps.
struct RiskSpec {
    catalogue: &'static str,
    title: &'static str,
    description: &'static str,
    vulnerability: &'static str,
    likelihood: i64,
    likelihood_reason: &'static str,
    consequence: i64,
    consequence_reason: &'static str,
    systems: &'static [&'static str],
    /// The decision, by whom (e-mail) and why; `None` leaves it undecided.
    treatment: Option<(Treatment, &'static str, &'static str)>,
}

/// One measure of an analysis's action plan.
struct MeasureSpec {
    title: &'static str,
    description: &'static str,
    reason: &'static str,
    category: MeasureCategory,
    function: MeasureFunction,
    /// Indexes into the analysis's risks.
    risks: &'static [usize],
    systems: &'static [&'static str],
    /// Expected likelihood and consequence once done.
    residual: (i64, i64),
    /// E-mail of the person who carries it out.
    responsible: &'static str,
    /// Days from the load; negative in the past.
    planned: i64,
    /// Days before the load it was done.
    done: Option<i64>,
    done_note: &'static str,
}

/// A yearly follow-up of a done measure (by index), recorded by the coordinator.
struct FollowUpSpec {
    measure: usize,
    effect: &'static str,
    next_step: &'static str,
}

/// An analysis and its course: created, risks added, treatments decided, action plan
/// written, then maybe approved and followed up — each so many days before the load.
struct AnalysisSpec {
    title: &'static str,
    scope: Scope,
    unit: Option<&'static str>,
    systems: &'static [&'static str],
    assets: &'static [&'static str],
    participants: &'static str,
    external_developments: &'static str,
    incidents_considered: &'static str,
    created: i64,
    risks_added: i64,
    decided: i64,
    planned: i64,
    risks: &'static [RiskSpec],
    measures: &'static [MeasureSpec],
    follow_ups: &'static [FollowUpSpec],
    followed_up: i64,
    /// Who approved it (e-mail) and when.
    approval: Option<(&'static str, i64)>,
}

const JOURNAL_RISKS: [RiskSpec; 7] = [
    RiskSpec {
        catalogue: "RC-RANSOM",
        title: "Utpressningsattack slår ut VIS Kosmos",
        description: "Skadlig kod krypterar servrar hos regionen eller hos driftleverantören så att VIS Kosmos inte går att använda. Sjukhus och vårdcentraler måste gå över till pappersrutiner, och angriparen kan ha kopierat journaluppgifter innan krypteringen.",
        vulnerability: "Vårdnätet är bara delvis segmenterat, några administratörskonton hos driftleverantören saknar multifaktorautentisering, och säkerhetskopiorna av journaldatabasen har inte återlästs på över ett år.",
        likelihood: 3,
        likelihood_reason: "Flera svenska regioner, kommuner och deras IT-leverantörer har drabbats de senaste åren, och angreppen mot vården fortsätter att öka.",
        consequence: 4,
        consequence_reason: "Utan journal, läkemedelslistor och provsvar kan patienter skadas. Reservrutinerna räcker några timmar, medan en fullständig återställning kan ta veckor.",
        systems: &[VIS, CARE_NETWORK],
        treatment: Some((
            Treatment::Reduce,
            HEALTH_OWNER,
            "Risken är mycket hög och kan inte accepteras. Den minskas med skyddade säkerhetskopior, segmentering, bevakning och övade reservrutiner enligt åtgärdsplanen.",
        )),
    },
    RiskSpec {
        catalogue: "RC-ACCESS",
        title: "För vida behörigheter i VIS Kosmos inom primärvården",
        description: "I slutenvården styrs åtkomsten av en behovs- och riskanalys, men på vårdcentralerna kan all personal öppna alla patienters journaler i regionen utan att göra ett aktivt val.",
        vulnerability: "Behörighetsprofilerna i primärvården bygger på yrkesroll i stället för vårdenhet och ses inte över när en medarbetare byter arbetsplats.",
        likelihood: 3,
        likelihood_reason: "Loggkontrollerna har tre gånger under året visat åtkomst utan vårdrelation.",
        consequence: 3,
        consequence_reason: "Känsliga uppgifter om många patienter kan läsas utan behov. Det är en personuppgiftsincident och kan leda till granskning av IMY.",
        systems: &[VIS, IDENTITY],
        treatment: Some((
            Treatment::Reduce,
            HEALTH_OWNER,
            "Behörigheterna ska bygga på en behovs- och riskanalys även i primärvården, och loggarna ska följas upp med stickprov.",
        )),
    },
    RiskSpec {
        catalogue: "RC-SUPPLIER",
        title: "Långvarigt avbrott hos leverantören av VIS Kosmos",
        description: "Kosmos Health AB och underleverantören Nordisk Drift AB driver systemet i sina datahallar. Ett intrång eller en allvarlig driftstörning hos dem stoppar journalen för hela regionen på en gång.",
        vulnerability: "Avtalet saknar krav på att leverantören rapporterar incidenter inom en bestämd tid och visar att återställning fungerar, och regionen har aldrig övat ett avbrott som varar längre än ett arbetspass.",
        likelihood: 2,
        likelihood_reason: "Två kortare oplanerade avbrott har inträffat under året. Ett avbrott över flera dygn har inte drabbat oss, men har drabbat andra kunder till liknande driftleverantörer.",
        consequence: 4,
        consequence_reason: "Ett avbrott över flera dygn drabbar akutsjukvård, slutenvård och primärvård samtidigt.",
        systems: &[VIS],
        treatment: Some((
            Treatment::Reduce,
            HEALTH_OWNER,
            "Kraven på leverantören skärps vid avtalsförlängningen och reservrutinen övas varje år.",
        )),
    },
    RiskSpec {
        catalogue: "RC-PHISH",
        title: "Nätfiske ger angripare fotfäste i vårdnätet",
        description: "Medarbetare luras att lämna ut lösenordet till e-posten eller till fjärråtkomsten. Angriparen använder kontot för att ta sig vidare mot de servrar som VIS Kosmos är beroende av.",
        vulnerability: "E-posten och flera administrativa system nås med enbart lösenord, och bara en del av personalen har gått utbildningen om nätfiske.",
        likelihood: 4,
        likelihood_reason: "Nätfiskeförsök mot regionens e-post rapporteras varje vecka, och två konton kapades under året.",
        consequence: 2,
        consequence_reason: "Inloggning i journalen kräver SITHS-kort, så ett stulet lösenord ger inte direkt åtkomst till journaluppgifter. Skadan blir röjd e-post och ett första steg mot ett större angrepp.",
        systems: &[IDENTITY],
        treatment: Some((
            Treatment::Reduce,
            HEALTH_OWNER,
            "Återkommande övningar ska göra att fler känner igen och rapporterar försöken.",
        )),
    },
    RiskSpec {
        catalogue: "RC-MISSENT",
        title: "Provsvar skickas per post till fel mottagare",
        description: "Provsvar som inte lämnas vid besöket skickas som brev från VIS Kosmos. Vid en inaktuell adress eller när vårdnadshavare förväxlas hamnar svaret hos fel person.",
        vulnerability: "Brevutskicken tar adressen från journalens egen adressuppgift, som inte alltid stämmer med folkbokföringen, och ingen kontrollerar mottagaren innan breven skickas.",
        likelihood: 3,
        likelihood_reason: "Ett provsvar om ett barn skickades under året till fel vårdnadshavare och anmäldes till IMY.",
        consequence: 2,
        consequence_reason: "Sekretessbelagda uppgifter om enstaka patienter röjs. För personer med skyddade personuppgifter kan följden bli betydligt allvarligare.",
        systems: &[VIS],
        treatment: Some((
            Treatment::Eliminate,
            HEALTH_OWNER,
            "Pappersutskicken av provsvar upphör. Svaren visas i stället i 1177 efter inloggning med e-legitimation, och den som saknar e-legitimation får svaret vid besök eller per telefon.",
        )),
    },
    RiskSpec {
        catalogue: "RC-MASTERDATA",
        title: "Felaktiga patientuppgifter förs vidare från VIS Kosmos",
        description: "VIS Kosmos skickar patientens namn, adress och vårdenhet vidare till PACS, laboratoriedatasystemet och 1177. Ett fel i en integrationskörning kan koppla bilder eller provsvar till fel patient i flera system samtidigt.",
        vulnerability: "Integrationerna kontrollerar inte om en körning är rimlig och stoppas inte när den innehåller ovanligt många ändringar.",
        likelihood: 2,
        likelihood_reason: "Ett sådant fel har inte inträffat hos oss, men har förekommit i andra regioner.",
        consequence: 2,
        consequence_reason: "Felen upptäcks i regel av personalen inom något dygn och kan rättas, men under tiden kan beslut fattas på fel underlag.",
        systems: &[VIS],
        treatment: Some((
            Treatment::Reduce,
            HEALTH_OWNER,
            "Integrationerna får en rimlighetskontroll som stoppar ovanliga körningar.",
        )),
    },
    RiskSpec {
        catalogue: "RC-CHANGE",
        title: "Otestad ändring av mallar och vyer i VIS Kosmos",
        description: "Systemförvaltningen ändrar själv journalmallar, vyer och inställningar några gånger i månaden. En ändring som inte har testats kan göra att uppgifter visas fel eller saknas i en vy.",
        vulnerability: "Mindre ändringar testas bara av den som gör dem, utan granskning av en kollega.",
        likelihood: 1,
        likelihood_reason: "Ändringarna följer förvaltningens rutin med ändringslogg, och inget fel med påverkan på vården har inträffat de senaste fem åren.",
        consequence: 2,
        consequence_reason: "Ett fel i en mall eller vy märks snabbt av användarna och kan rättas samma dag; uppgifterna finns kvar i journalen.",
        systems: &[VIS],
        treatment: Some((
            Treatment::Accept,
            HEALTH_OWNER,
            "Risken är låg, och förvaltningsgruppens rutin med ändringslogg bedöms räcka. Risken prövas igen vid nästa årliga översyn och inför uppgraderingen av systemet.",
        )),
    },
];

const JOURNAL_MEASURES: [MeasureSpec; 10] = [
    MeasureSpec {
        title: "Skyddade säkerhetskopior och provåterställning av VIS Kosmos",
        description: "En kopia av journaldatabasen och bilagorna hålls avskild från vårdnätet och kan inte ändras under 30 dagar. En fullständig återläsning provas varje halvår.",
        reason: "Kopior som angriparen inte når, och som bevisligen går att läsa tillbaka, gör att journalen kan återställas utan att någon betalar lösensumma.",
        category: MeasureCategory::Technical,
        function: MeasureFunction::Corrective,
        risks: &[0],
        systems: &[VIS],
        residual: (3, 3),
        responsible: IT_CHIEF,
        planned: -300,
        done: Some(350),
        done_note: "Genomfördes tidigare än planerat, i samband med att driftleverantören bytte lagringsplattform; den avskilda kopian och en fullständig återläsning kunde då provas i samma servicefönster.",
    },
    MeasureSpec {
        title: "Segmentering av vårdnätet och multifaktorautentisering för administratörer",
        description: "Journalsystemets servrar flyttas till en egen nätzon, och alla administratörskonton, också leverantörens, kräver multifaktorautentisering.",
        reason: "Ett intrång via en arbetsplats eller ett kapat konto ska inte kunna spridas fritt till journalsystemets servrar.",
        category: MeasureCategory::Technical,
        function: MeasureFunction::Preventive,
        risks: &[0],
        systems: &[CARE_NETWORK, IDENTITY],
        residual: (2, 4),
        responsible: IT_SECURITY,
        planned: -120,
        done: None,
        done_note: "",
    },
    MeasureSpec {
        title: "Bevakning och larm vid misstänkt intrång",
        description: "Loggar från journalsystemets servrar, katalogtjänsten och brandväggarna skickas till regionens säkerhetsbevakning, som larmar dygnet runt.",
        reason: "Ett angrepp som upptäcks innan allt är krypterat kan stoppas, och skadan blir mindre.",
        category: MeasureCategory::Technical,
        function: MeasureFunction::Detective,
        risks: &[0],
        systems: &[VIS, CARE_NETWORK],
        residual: (2, 3),
        responsible: IT_SECURITY,
        planned: 90,
        done: None,
        done_note: "",
    },
    MeasureSpec {
        title: "Behovs- och riskanalys för behörigheter i primärvården",
        description: "Vårdcentralerna gör samma behovs- och riskanalys som slutenvården, och behörigheterna begränsas till egen vårdenhet med aktivt val för annan åtkomst.",
        reason: "Behörigheter som bygger på vad varje grupp behöver minskar risken att journaler läses utan vårdrelation.",
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Preventive,
        risks: &[1],
        systems: &[VIS],
        residual: (2, 2),
        responsible: PRIMARY_CARE,
        planned: -75,
        done: None,
        done_note: "",
    },
    MeasureSpec {
        title: "Återkommande stickprov i åtkomstloggarna",
        description: "Varje månad granskas ett stickprov av åtkomsterna i VIS Kosmos, med särskild kontroll av skyddade personuppgifter.",
        reason: "Regelbundna kontroller upptäcker åtkomst utan behov och gör att fler avstår från att titta.",
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Detective,
        risks: &[1],
        systems: &[VIS],
        residual: (2, 3),
        responsible: MEDICINE,
        planned: 150,
        done: None,
        done_note: "",
    },
    MeasureSpec {
        title: "Krav på incidentrapportering och återställning i avtalet med Kosmos Health AB",
        description: "Avtalet kompletteras med krav på rapportering av incidenter inom 24 timmar, en årlig återställningsövning och rätt för regionen att följa upp underleverantören.",
        reason: "Skarpa krav i avtalet gör att leverantören förebygger och hanterar störningar på det sätt regionen behöver.",
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Preventive,
        risks: &[2],
        systems: &[VIS],
        residual: (1, 4),
        responsible: LEGAL,
        planned: -370,
        done: Some(370),
        done_note: "",
    },
    MeasureSpec {
        title: "Årlig övning av reservrutinen vid avbrott i VIS Kosmos",
        description: "Akutkliniken och en vårdavdelning arbetar ett helt pass med nödutdrag av läkemedelslistor och pappersjournal, och rapporterar vad som inte fungerade.",
        reason: "En övad reservrutin håller vården säker medan systemet återställs, oavsett om avbrottet beror på leverantören eller ett angrepp.",
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Corrective,
        risks: &[2, 0],
        systems: &[VIS],
        residual: (2, 3),
        responsible: EMERGENCY,
        planned: -345,
        done: Some(345),
        done_note: "",
    },
    MeasureSpec {
        title: "Nätfiskeövningar och utbildning för vårdpersonal",
        description: "Alla medarbetare går en kort webbutbildning, och fyra gånger om året skickas övningsmejl med återkoppling till den som klickar.",
        reason: "Den som har övat känner oftare igen ett försök och rapporterar det i stället för att klicka.",
        category: MeasureCategory::Personnel,
        function: MeasureFunction::Preventive,
        risks: &[3],
        systems: &[IDENTITY],
        residual: (2, 2),
        responsible: COORDINATOR,
        planned: 45,
        done: None,
        done_note: "",
    },
    MeasureSpec {
        title: "Provsvar visas i 1177 i stället för att skickas per post",
        description: "Brevutskicken av provsvar stängs av i VIS Kosmos. Svaren publiceras i 1177 och den som saknar e-legitimation kontaktas av mottagningen.",
        reason: "När inga provsvar skickas per post kan de inte heller hamna hos fel mottagare.",
        category: MeasureCategory::Technical,
        function: MeasureFunction::Preventive,
        risks: &[4],
        systems: &[VIS],
        residual: (1, 2),
        responsible: PRIMARY_CARE,
        planned: -360,
        done: Some(360),
        done_note: "",
    },
    MeasureSpec {
        title: "Rimlighetskontroll i integrationerna från VIS Kosmos",
        description: "Integrationerna till PACS, laboratoriedatasystemet och 1177 stoppas och larmar när en körning ändrar ovanligt många patienter.",
        reason: "Ett fel som stoppas vid källan sprids inte till de system som hämtar uppgifter därifrån.",
        category: MeasureCategory::Technical,
        function: MeasureFunction::Detective,
        risks: &[5],
        systems: &[VIS],
        residual: (1, 2),
        responsible: LVS,
        planned: 200,
        done: None,
        done_note: "",
    },
];

const JOURNAL_FOLLOW_UPS: [FollowUpSpec; 2] = [
    FollowUpSpec {
        measure: 5,
        effect: "Leverantören har rapporterat båda störningarna under året inom avtalad tid och redovisat orsak och åtgärd. Kravet på återställningsövning har uppfyllts.",
        next_step: "Följs upp vid nästa avtalsuppföljning.",
    },
    FollowUpSpec {
        measure: 6,
        effect: "Övningen visade att reservrutinen fungerar under ett arbetspass, men att nödutdragen av läkemedelslistor var inaktuella på två avdelningar.",
        next_step: "Nödutdragen kontrolleras varje månad; nästa övning omfattar ett helt dygn.",
    },
];

const OVERALL_RISKS: [RiskSpec; 5] = [
    RiskSpec {
        catalogue: "RC-SNOOP",
        title: "Medarbetare läser journaler utan vårdrelation",
        description: "En medarbetare öppnar journalen för en anhörig, en kollega eller en känd person utan att delta i vården. Systemen tillåter det, eftersom behörigheterna måste räcka för akuta lägen.",
        vulnerability: "Loggkontrollerna är slumpvisa och letar inte särskilt efter åtkomst till kollegor, anhöriga eller personer med skyddade personuppgifter.",
        likelihood: 3,
        likelihood_reason: "Två fall har utretts under året, och fler upptäcks i regioner som gör riktade kontroller.",
        consequence: 3,
        consequence_reason: "Den enskilde utsätts för ett allvarligt intrång, och händelsen är en personuppgiftsincident.",
        systems: &[VIS],
        treatment: Some((
            Treatment::Reduce,
            HEALTH_OWNER,
            "Riktade loggkontroller införs i hela hälso- och sjukvården.",
        )),
    },
    RiskSpec {
        catalogue: "RC-POWER",
        title: "Ström- eller nätavbrott på vårdcentraler och boenden",
        description: "En vårdcentral eller ett särskilt boende blir utan ström eller nätförbindelse och når inte journalen, läkemedelsordinationer eller larm.",
        vulnerability: "Vårdcentralerna har en enda nätförbindelse och saknar avbrottsfri kraft för nätutrustningen.",
        likelihood: 2,
        likelihood_reason: "Vårdcentralen Norrby var utan ström i fyra timmar under året; längre avbrott är ovanliga.",
        consequence: 3,
        consequence_reason: "Besök får ställas in eller flyttas, och läkemedel kan ges för sent.",
        systems: &[CARE_NETWORK],
        treatment: Some((
            Treatment::Reduce,
            IT_CHIEF,
            "Reservkraft och en andra nätförbindelse byggs ut på de största enheterna först.",
        )),
    },
    RiskSpec {
        catalogue: "RC-THIRDCOUNTRY",
        title: "Personuppgifter nås från tredjeland via molntjänster och support",
        description: "Samarbetsplattformen och några leverantörers supportfunktioner kan nå uppgifter från länder utanför EU/EES.",
        vulnerability: "Regionen har inte kartlagt alla underbiträden, och personuppgiftsbiträdesavtalen reglerar inte alltid var supporten sitter.",
        likelihood: 1,
        likelihood_reason: "Patientuppgifter får inte hanteras i samarbetsplattformen, och de stora vårdsystemen driftas i Sverige.",
        consequence: 3,
        consequence_reason: "En otillåten överföring av känsliga uppgifter kan leda till sanktionsavgift och att tjänsten snabbt måste bytas ut.",
        systems: &[],
        treatment: Some((
            Treatment::Reduce,
            LEGAL,
            "Dataflöden och underbiträden kartläggs innan avtalen förlängs.",
        )),
    },
    RiskSpec {
        catalogue: "RC-VULN",
        title: "Kritisk sårbarhet i fjärråtkomsten åtgärdas för sent",
        description: "Regionens lösning för fjärråtkomst och flera e-tjänster nås från internet. En kritisk sårbarhet i fjärråtkomsten åtgärdades under året först efter tolv dagar.",
        vulnerability: "Det finns ingen fullständig förteckning över vad som nås från internet, ansvaret för uppdateringar är oklart och ändringar i drift väntar på nästa servicefönster.",
        likelihood: 3,
        likelihood_reason: "Kända sårbarheter i fjärråtkomstlösningar utnyttjas ofta inom några dagar, och det har hänt oss en gång under året.",
        consequence: 4,
        consequence_reason: "Ett intrång via fjärråtkomsten kan bli en utpressningsattack mot hela regionen och en betydande incident enligt cybersäkerhetslagen.",
        systems: &[IDENTITY],
        treatment: None,
    },
    RiskSpec {
        catalogue: "RC-DEVICE",
        title: "Borttappade papperslistor och nycklar i hemtjänsten",
        description: "Under arbetspasset bär personalen utskrivna listor med namn, adresser och portkoder, och nycklar till brukarnas bostäder.",
        vulnerability: "Listorna skrivs ut varje dag, och nycklarna är märkta så att adressen går att lista ut.",
        likelihood: 3,
        likelihood_reason: "En lista och en arbetstelefon har tappats bort under året.",
        consequence: 2,
        consequence_reason: "Uppgifter om enstaka brukare röjs, och lås och koder kan behöva bytas.",
        systems: &[SOCIAL_CARE],
        treatment: Some((
            Treatment::Reduce,
            HOME_CARE,
            "Listorna ersätts av arbetstelefonernas app och nycklarna av digitala lås.",
        )),
    },
];

const OVERALL_MEASURES: [MeasureSpec; 3] = [
    MeasureSpec {
        title: "Riktad loggkontroll av åtkomst till kollegor, anhöriga och skyddade personer",
        description: "Automatiska sökningar i loggarna efter åtkomst till egen journal, kollegors och anhörigas journaler och till personer med skyddade personuppgifter.",
        reason: "Riktade sökningar hittar det som slumpvisa stickprov missar.",
        category: MeasureCategory::Technical,
        function: MeasureFunction::Detective,
        risks: &[0],
        systems: &[VIS],
        residual: (2, 3),
        responsible: MEDICINE,
        planned: 60,
        done: None,
        done_note: "",
    },
    MeasureSpec {
        title: "Reservkraft och andra nätförbindelse på de största vårdcentralerna",
        description: "Avbrottsfri kraft för nätutrustningen och en andra förbindelse via en annan operatör.",
        reason: "Enheten når journalen och larmen även när strömmen eller en förbindelse går.",
        category: MeasureCategory::Physical,
        function: MeasureFunction::Preventive,
        risks: &[1],
        systems: &[CARE_NETWORK],
        residual: (1, 3),
        responsible: IT_CHIEF,
        planned: 240,
        done: None,
        done_note: "",
    },
    MeasureSpec {
        title: "Inga utskrivna listor med portkoder i hemtjänsten",
        description: "Dagens besök och koder visas bara i arbetstelefonens app, och nycklarna förvaras i kodlåst nyckelskåp.",
        reason: "Det som inte skrivs ut kan inte tappas bort.",
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Preventive,
        risks: &[4],
        systems: &[SOCIAL_CARE],
        residual: (3, 1),
        responsible: HOME_CARE,
        planned: 30,
        done: None,
        done_note: "",
    },
];

const SOCIAL_CARE_RISKS: [RiskSpec; 2] = [
    RiskSpec {
        catalogue: "RC-DEVICE",
        title: "Borttappad arbetstelefon med brukaruppgifter",
        description: "Hemtjänstens personal dokumenterar i en app på arbetstelefonen hemma hos brukarna.",
        vulnerability: "Telefonerna saknade skärmlås och kunde inte raderas på distans.",
        likelihood: 3,
        likelihood_reason: "Flera telefoner tappas bort varje år i en verksamhet av vår storlek.",
        consequence: 2,
        consequence_reason: "Uppgifter om enstaka brukares hälsa och hem kan nå obehöriga.",
        systems: &[SOCIAL_CARE],
        treatment: Some((
            Treatment::Reduce,
            HOME_CARE,
            "Alla arbetstelefoner förs in i mobilhanteringen.",
        )),
    },
    RiskSpec {
        catalogue: "RC-ACCESS",
        title: "Omsorgspersonal kan läsa dokumentation om brukare vid andra enheter",
        description: "Behörigheterna i verksamhetssystemet gäller hela förvaltningen, inte den egna enheten.",
        vulnerability: "Ingen behovs- och riskanalys ligger bakom behörighetsprofilerna.",
        likelihood: 2,
        likelihood_reason: "Ett fall har uppmärksammats, när en genomförandeplan lästes av personal vid en annan enhet.",
        consequence: 3,
        consequence_reason: "Känsliga uppgifter om brukares personliga förhållanden kan spridas.",
        systems: &[SOCIAL_CARE],
        treatment: Some((
            Treatment::Reduce,
            HOME_CARE,
            "Behörigheterna begränsas till egen enhet.",
        )),
    },
];

const SOCIAL_CARE_MEASURES: [MeasureSpec; 2] = [
    MeasureSpec {
        title: "Mobilhantering med skärmlås, kryptering och fjärradering",
        description: "Alla arbetstelefoner i hemtjänsten hanteras centralt och kan spärras och raderas på distans.",
        reason: "En borttappad telefon går då varken att låsa upp eller läsa.",
        category: MeasureCategory::Technical,
        function: MeasureFunction::Preventive,
        risks: &[0],
        systems: &[SOCIAL_CARE],
        residual: (3, 1),
        responsible: IT_CHIEF,
        planned: -440,
        done: Some(440),
        done_note: "",
    },
    MeasureSpec {
        title: "Behörigheter begränsade till egen enhet i verksamhetssystemet",
        description: "Behovs- och riskanalys för socialtjänstens och LSS-verksamhetens behörigheter, och nya profiler per enhet.",
        reason: "Personal ska bara nå uppgifter om de brukare de arbetar med.",
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Preventive,
        risks: &[1],
        systems: &[SOCIAL_CARE],
        residual: (1, 3),
        responsible: LSS,
        planned: -200,
        done: None,
        done_note: "",
    },
];

const ANALYSES: [AnalysisSpec; 3] = [
    AnalysisSpec {
        title: SOCIAL_CARE_ANALYSIS,
        scope: Scope::Systems,
        unit: Some("Vård- och omsorgsförvaltningen"),
        systems: &[SOCIAL_CARE],
        assets: &["Social dokumentation", "LSS-dokumentation"],
        participants: "Verksamhetschefer inom hemtjänst, särskilt boende och LSS, medicinskt ansvarig sjuksköterska, systemförvaltare och informationssäkerhetssamordnare (processledare)",
        external_developments: "Allt fler omsorgsgivare dokumenterar i mobila appar hemma hos brukarna. IMY har granskat hur kommuner och regioner styr behörigheterna i socialtjänstens verksamhetssystem.",
        incidents_considered: "En borttappad arbetstelefon i hemtjänsten och en genomförandeplan som lästes av personal vid en annan enhet.",
        created: 470,
        risks_added: 465,
        decided: 445,
        planned: 442,
        risks: &SOCIAL_CARE_RISKS,
        measures: &SOCIAL_CARE_MEASURES,
        follow_ups: &[],
        followed_up: 0,
        approval: Some((HOME_CARE, 430)),
    },
    AnalysisSpec {
        title: JOURNAL_ANALYSIS,
        scope: Scope::Systems,
        unit: Some("Hälso- och sjukvårdsförvaltningen"),
        systems: &[VIS, CARE_NETWORK, IDENTITY],
        assets: &[
            "Patientjournal",
            "Läkemedelsordinationer",
            "Remisser och remissvar",
        ],
        participants: "Informationsägare (förvaltningschef), objektägare, systemförvaltare, verksamhetsutvecklare från akutkliniken, medicinkliniken och Vårdcentralen Norrby, IT-säkerhetschef, driftleverantörens säkerhetsansvarige och informationssäkerhetssamordnare (processledare)",
        external_developments: "Utpressningsattacker har under de senaste åren drabbat svenska regioner, kommuner och deras IT-leverantörer; angriparna kopierar ofta uppgifter innan de krypterar och hotar att publicera dem. Intrång hos en enda leverantör har slagit ut tjänster för många kunder samtidigt, också inom vården. CERT-SE varnar för nätfiske riktat mot vårdpersonal och för att kända sårbarheter i fjärråtkomst utnyttjas inom några dagar. Den nya cybersäkerhetslagen ställer krav på riskhantering och incidentrapportering för regionens hälso- och sjukvård.",
        incidents_considered: "Två oplanerade avbrott hos driftleverantören (det längsta tre timmar, då reservrutinen användes), ett provsvar som skickades till fel vårdnadshavare och anmäldes till IMY, tre fall av åtkomst utan vårdrelation som upptäckts vid loggkontroll, och två kapade e-postkonton efter nätfiske.",
        created: 420,
        risks_added: 410,
        decided: 392,
        planned: 390,
        risks: &JOURNAL_RISKS,
        measures: &JOURNAL_MEASURES,
        follow_ups: &JOURNAL_FOLLOW_UPS,
        followed_up: 20,
        approval: Some((HEALTH_OWNER, 335)),
    },
    AnalysisSpec {
        title: OVERALL_ANALYSIS,
        scope: Scope::Organisation,
        unit: None,
        systems: &[],
        assets: &[],
        participants: "Regiondirektörens ledningsgrupp, informationssäkerhetssamordnare, IT-säkerhetschef, säkerhetsstrateg, dataskyddsombud, chefsjurist och HR-direktör",
        external_developments: "Cybersäkerhetslagen gäller sedan den 15 januari 2026 och kräver riskbaserade säkerhetsåtgärder och rapportering av betydande incidenter till MCF. Det säkerhetspolitiska läget, med fler försök till påverkan och sabotage mot samhällsviktig verksamhet, gör att ledningen vill ha en samlad bild av riskerna i hela regionen. Hemtjänsten och hemsjukvården flyttar allt mer av arbetet till mobila enheter.",
        incidents_considered: "En borttappad arbetstelefon och en papperslista i hemtjänsten, ett strömavbrott på Vårdcentralen Norrby som varade fyra timmar, en kritisk sårbarhet i fjärråtkomsten som åtgärdades först efter tolv dagar, och två utredningar av misstänkt obehörig journalåtkomst.",
        created: 150,
        risks_added: 140,
        decided: 60,
        planned: 55,
        risks: &OVERALL_RISKS,
        measures: &OVERALL_MEASURES,
        follow_ups: &[],
        followed_up: 0,
        approval: None,
    },
];

/// What the demo's risk work wrote.
pub(super) struct DemoRisks {
    /// Analysis ids by title.
    pub(super) analyses: Ids,
    pub(super) risks: usize,
    pub(super) measures: usize,
}

/// The audit events the risk work writes, all by demo people: the method, and for
/// each analysis its creation, every risk, treatment decision, measure and follow-up,
/// and its approval.
#[cfg(test)]
pub(super) fn demo_risk_events() -> usize {
    1 + ANALYSES
        .iter()
        .map(|a| {
            let decided = a.risks.iter().filter(|r| r.treatment.is_some()).count();
            1 + a.risks.len()
                + decided
                + a.measures.len()
                + a.follow_ups.len()
                + usize::from(a.approval.is_some())
        })
        .sum::<usize>()
}

/// The risk content compiled into the binary.
pub(super) fn content() -> anyhow::Result<RiskContent> {
    RiskContent::builtin().map_err(|e| anyhow!("{e}"))
}

/// What every step of the risk work refers to.
struct Setting<'a> {
    people: &'a Ids,
    units: &'a Ids,
    register: &'a DemoRegister,
    content: RiskContent,
    matrix: RiskMatrix,
    now: DateTime<Utc>,
}

impl Setting<'_> {
    fn person(&self, email: &'static str) -> anyhow::Result<Actor> {
        person(self.people, email)
    }

    fn days_ago(&self, days: i64) -> DateTime<Utc> {
        self.now - Duration::days(days)
    }

    /// The day `offset` days from the load; negative in the past.
    fn day(&self, offset: i64) -> NaiveDate {
        (self.now + Duration::days(offset)).date_naive()
    }

    fn systems(&self, names: &[&str]) -> anyhow::Result<Vec<i64>> {
        ids(&self.register.systems, names)
    }
}

impl Writer<'_> {
    /// Records the method and writes the three analyses, dated relative to `now`.
    pub(super) async fn create_risk_work(
        &mut self,
        people: &Ids,
        units: &Ids,
        register: &DemoRegister,
        now: DateTime<Utc>,
    ) -> anyhow::Result<DemoRisks> {
        let content = content()?;
        let matrix = content.default_matrix().clone();
        let setting = Setting {
            people,
            units,
            register,
            content,
            matrix,
            now,
        };
        self.record_method(&setting).await?;
        let mut result = DemoRisks {
            analyses: Ids::new(),
            risks: 0,
            measures: 0,
        };
        for spec in &ANALYSES {
            let id = self
                .create_analysis(&setting, spec)
                .await
                .with_context(|| format!("writing the demo analysis {}", spec.title))?;
            result.analyses.insert(spec.title, id);
            result.risks += spec.risks.len();
            result.measures += spec.measures.len();
        }
        Ok(result)
    }

    async fn record_method(&mut self, setting: &Setting<'_>) -> anyhow::Result<()> {
        let draft = MethodInput {
            name: METHOD_NAME,
            standard: METHOD_STANDARD,
            description: METHOD_DESCRIPTION,
            decided_by: METHOD_DECIDED_BY,
            decided_on: Some(setting.day(-METHOD_DECIDED_DAYS_AGO)),
            matrix: setting.matrix.clone(),
        }
        .validate(setting.now.date_naive())
        .map_err(|e| anyhow!("demo method: {e:?}"))?;
        store::record_method_in(
            self.tx,
            self.organisation_id,
            &setting.person(COORDINATOR)?,
            &draft,
            setting.days_ago(METHOD_RECORDED_DAYS_AGO),
        )
        .await
        .context("recording the demo risk method")?;
        Ok(())
    }

    /// Writes one analysis through its whole course; returns its id.
    async fn create_analysis(
        &mut self,
        setting: &Setting<'_>,
        spec: &AnalysisSpec,
    ) -> anyhow::Result<i64> {
        let coordinator = setting.person(COORDINATOR)?;
        let systems = setting.systems(spec.systems)?;
        let assets = ids(&setting.register.assets, spec.assets)?;
        let draft = AnalysisInput {
            title: spec.title,
            scope: Some(spec.scope),
            unit_id: spec
                .unit
                .map(|name| lookup(setting.units, name))
                .transpose()?,
            process_name: "",
            system_ids: &systems,
            asset_ids: &assets,
            participants: spec.participants,
            external_developments: spec.external_developments,
            incidents_considered: spec.incidents_considered,
        }
        .validate()
        .map_err(|e| anyhow!("{e:?}"))?;
        let analysis = store::create_analysis_in(
            self.tx,
            self.organisation_id,
            &coordinator,
            &draft,
            setting.days_ago(spec.created),
        )
        .await?;

        let mut risks = Vec::with_capacity(spec.risks.len());
        for risk in spec.risks {
            let id = self
                .create_risk(
                    setting,
                    analysis.id,
                    risk,
                    setting.days_ago(spec.risks_added),
                )
                .await
                .with_context(|| format!("risk {}", risk.title))?;
            risks.push(id);
        }
        for (risk, id) in spec.risks.iter().zip(&risks) {
            let Some((treatment, by, justification)) = risk.treatment else {
                continue;
            };
            let decision = TreatmentDecision {
                expected_version: 1,
                treatment,
                justification,
            };
            store::decide_treatment_in(
                self.tx,
                self.organisation_id,
                &setting.person(by)?,
                *id,
                &decision,
                &setting.matrix,
                setting.days_ago(spec.decided),
            )
            .await
            .with_context(|| format!("deciding on {}", risk.title))?;
        }

        let mut measures = Vec::with_capacity(spec.measures.len());
        for measure in spec.measures {
            let id = self
                .create_measure(setting, &risks, measure, setting.days_ago(spec.planned))
                .await
                .with_context(|| format!("measure {}", measure.title))?;
            measures.push(id);
        }
        if let Some((approver, approved)) = spec.approval {
            store::approve_analysis_in(
                self.tx,
                self.organisation_id,
                &setting.person(approver)?,
                analysis.id,
                analysis.version,
                setting.days_ago(approved),
            )
            .await
            .context("approving")?;
        }
        for follow_up in spec.follow_ups {
            let measure = *measures
                .get(follow_up.measure)
                .ok_or_else(|| anyhow!("a follow-up of an unknown measure"))?;
            let today = setting.now.date_naive();
            let draft = FollowUpInput {
                year: Some(today.year()),
                effect: follow_up.effect,
                still_valid: true,
                next_step: follow_up.next_step,
            }
            .validate(today)
            .map_err(|e| anyhow!("{e:?}"))?;
            store::record_follow_up_in(
                self.tx,
                self.organisation_id,
                &coordinator,
                measure,
                &draft,
                setting.days_ago(spec.followed_up),
            )
            .await
            .context("following up")?;
        }
        Ok(analysis.id)
    }

    async fn create_risk(
        &mut self,
        setting: &Setting<'_>,
        analysis_id: i64,
        spec: &RiskSpec,
        at: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        let catalogue = setting
            .content
            .catalogue_risk(spec.catalogue)
            .ok_or_else(|| anyhow!("no catalogue risk {}", spec.catalogue))?;
        let systems = setting.systems(spec.systems)?;
        let draft = RiskInput {
            title: spec.title,
            description: spec.description,
            threat: &catalogue.threat.sv,
            vulnerability: spec.vulnerability,
            consequence: Some(spec.consequence),
            consequence_reason: spec.consequence_reason,
            likelihood: Some(spec.likelihood),
            likelihood_reason: spec.likelihood_reason,
            system_ids: &systems,
            catalogue_id: Some(spec.catalogue),
        }
        .validate(&setting.matrix)
        .map_err(|e| anyhow!("{e:?}"))?;
        let risk = store::create_risk_in(
            self.tx,
            self.organisation_id,
            &setting.person(COORDINATOR)?,
            analysis_id,
            &draft,
            at,
        )
        .await?;
        Ok(risk.id)
    }

    /// Adds a measure for `risks` (the analysis's risk ids, by the spec's indexes) to
    /// the action plan, written by the coordinator at `at`.
    async fn create_measure(
        &mut self,
        setting: &Setting<'_>,
        risks: &[i64],
        spec: &MeasureSpec,
        at: DateTime<Utc>,
    ) -> anyhow::Result<i64> {
        let risk_ids = spec
            .risks
            .iter()
            .map(|r| risks.get(*r).copied())
            .collect::<Option<Vec<i64>>>()
            .ok_or_else(|| anyhow!("a measure for an unknown risk"))?;
        let systems = setting.systems(spec.systems)?;
        let draft = MeasureInput {
            title: spec.title,
            description: spec.description,
            reason: spec.reason,
            category: Some(spec.category),
            function: Some(spec.function),
            risk_ids: &risk_ids,
            system_ids: &systems,
            residual_likelihood: Some(spec.residual.0),
            residual_consequence: Some(spec.residual.1),
            responsible_id: Some(lookup(setting.people, spec.responsible)?),
            planned_on: Some(setting.day(spec.planned)),
            done_on: spec.done.map(|d| setting.day(-d)),
            done_note: spec.done_note,
            source: None,
        }
        .validate(&setting.matrix, setting.now.date_naive())
        .map_err(|e| anyhow!("{e:?}"))?;
        let measure = store::create_measure_in(
            self.tx,
            self.organisation_id,
            &setting.person(COORDINATOR)?,
            &draft,
            &setting.matrix,
            at,
        )
        .await?;
        Ok(measure.id)
    }
}

/// A demo person as the actor of a change, labelled by e-mail as a sign-in would be.
fn person(people: &Ids, email: &'static str) -> anyhow::Result<Actor> {
    Ok(Actor::user(lookup(people, email)?, email))
}

fn ids(known: &Ids, names: &[&str]) -> anyhow::Result<Vec<i64>> {
    names.iter().map(|name| lookup(known, name)).collect()
}

#[cfg(test)]
mod tests {
    use tillit_domain::risk::RiskLevel;

    use super::*;

    #[test]
    fn demo_risks_are_spread_over_the_levels_and_plausibly_dated() {
        let content = content().expect("content");
        let matrix = content.default_matrix();
        let levels: Vec<RiskLevel> = JOURNAL_RISKS
            .iter()
            .map(|r| {
                matrix
                    .level(r.likelihood, r.consequence)
                    .expect("in matrix")
            })
            .collect();
        for level in RiskLevel::ALL {
            assert!(levels.contains(&level), "{level:?}");
        }
        for analysis in &ANALYSES {
            assert!(analysis.created >= analysis.risks_added);
            assert!(analysis.risks_added >= analysis.decided);
            assert!(analysis.decided >= analysis.planned);
            assert!(METHOD_RECORDED_DAYS_AGO > analysis.created);
            if let Some((_, approved)) = analysis.approval {
                assert!(analysis.planned > approved);
                assert!(approved > analysis.followed_up);
            }
            for risk in analysis.risks {
                assert!(content.catalogue_risk(risk.catalogue).is_some());
                let treated = risk.treatment.is_some() || analysis.approval.is_none();
                assert!(treated, "an approved analysis decides every risk");
            }
            for measure in analysis.measures {
                // Done before the analysis was approved, so its approved version agrees
                // with the action plan as it is now.
                if let (Some(done), Some((_, approved))) = (measure.done, analysis.approval) {
                    assert!(
                        done > approved && done < analysis.planned,
                        "{}",
                        measure.title
                    );
                }
                for r in measure.risks {
                    let risk = &analysis.risks[*r];
                    let (l, c) = measure.residual;
                    let before = matrix.rank(risk.likelihood, risk.consequence);
                    assert!(
                        matrix.rank(l, c) < before,
                        "{} lowers {}",
                        measure.title,
                        risk.title
                    );
                }
            }
        }
    }
}
