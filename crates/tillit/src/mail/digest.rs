//! The daily reminder digest: one plain-text mail per user, in the user's language,
//! with a line per item that ends in the item's full link.

use chrono::NaiveDate;
use tillit_domain::users::Language;
use tillit_store::reminders::{Reminder, ReminderKind};
use tillit_store::tasks::CLASSIFY;

/// A composed mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub subject: String,
    pub body: String,
}

/// The digest of one user's reminders, or `None` when there are none. The name and
/// language are taken from the first reminder (all are the same user's).
pub fn compose(reminders: &[Reminder], today: NaiveDate, public_url: &str) -> Option<Digest> {
    let first = reminders.first()?;
    let language = first.language;
    let mut body = match language {
        Language::Sv => format!(
            "Hej {}!\n\nDet här behöver du titta på:\n\n",
            first.display_name
        ),
        Language::En => format!(
            "Hello {},\n\nThese need your attention:\n\n",
            first.display_name
        ),
    };
    for reminder in reminders {
        body.push_str(&format!(
            "- {} ({}): {}{}\n",
            item(language, reminder),
            status(language, reminder, today),
            public_url,
            reminder.path
        ));
    }
    body.push_str(&match language {
        Language::Sv => format!(
            "\nAllt som väntar på dig finns i tillit: {public_url}/\n\n\
             Det här är ett automatiskt utskick från tillit och går inte att svara på. \
             Du får högst ett sådant brev om dagen, och bara när något behöver din uppmärksamhet.\n"
        ),
        Language::En => format!(
            "\nEverything waiting for you is in tillit: {public_url}/\n\n\
             This message was sent automatically by tillit; replies are not read. \
             You get at most one such message a day, and only when something needs your attention.\n"
        ),
    });
    let subject = match language {
        Language::Sv => "Påminnelse från tillit",
        Language::En => "Reminder from tillit",
    };
    Some(Digest {
        subject: subject.to_owned(),
        body,
    })
}

/// What to do, naming the thing.
fn item(language: Language, reminder: &Reminder) -> String {
    let subject = &reminder.subject;
    match (&reminder.kind, language) {
        (ReminderKind::Task { task_kind }, Language::Sv) if task_kind == CLASSIFY => {
            format!("Klassa och riskanalysera {subject}")
        }
        (ReminderKind::Task { task_kind }, Language::En) if task_kind == CLASSIFY => {
            format!("Classify and risk-analyse {subject}")
        }
        (ReminderKind::Task { .. }, Language::Sv) => format!("Uppgift: {subject}"),
        (ReminderKind::Task { .. }, Language::En) => format!("Task: {subject}"),
        (ReminderKind::RegisterConfirmation, Language::Sv) => {
            "Bekräfta förteckningen över nätverk och informationssystem".to_owned()
        }
        (ReminderKind::RegisterConfirmation, Language::En) => {
            "Confirm the register of network and information systems".to_owned()
        }
        (ReminderKind::ClassificationReview, Language::Sv) => {
            format!("Klassningen ska ses över: {subject}")
        }
        (ReminderKind::ClassificationReview, Language::En) => {
            format!("Review the classification of {subject}")
        }
        (ReminderKind::MeasureLate, Language::Sv) => {
            format!("Åtgärden i åtgärdsplanen är inte genomförd: {subject}")
        }
        (ReminderKind::MeasureLate, Language::En) => {
            format!("The action-plan measure is not done: {subject}")
        }
        (ReminderKind::RiskAnalysisRenewal, Language::Sv) => {
            format!("Riskanalysen ska förnyas: {subject}")
        }
        (ReminderKind::RiskAnalysisRenewal, Language::En) => {
            format!("Renew the risk analysis {subject}")
        }
        (ReminderKind::CalendarDuty { .. }, Language::Sv) => {
            format!("Dags enligt årshjulet: {subject}")
        }
        (ReminderKind::CalendarDuty { .. }, Language::En) => {
            format!("Due in the annual cycle: {subject}")
        }
        (ReminderKind::DocumentReview, Language::Sv) => {
            format!("Det styrande dokumentet ska revideras: {subject}")
        }
        (ReminderKind::DocumentReview, Language::En) => {
            format!("Review the governing document {subject}")
        }
    }
}

/// How urgent it is: due when, or late since when.
fn status(language: Language, reminder: &Reminder, today: NaiveDate) -> String {
    let confirmation = reminder.kind == ReminderKind::RegisterConfirmation;
    match (reminder.due_on, language) {
        (None, Language::Sv) if confirmation => "har aldrig bekräftats".to_owned(),
        (None, Language::En) if confirmation => "never confirmed".to_owned(),
        (None, Language::Sv) => "har aldrig gjorts".to_owned(),
        (None, Language::En) => "never done".to_owned(),
        (Some(due), Language::Sv) if due < today => format!("försenad – sista dag var {due}"),
        (Some(due), Language::En) if due < today => format!("overdue – it was due {due}"),
        (Some(due), Language::Sv) if due == today => "förfaller i dag".to_owned(),
        (Some(due), Language::En) if due == today => "due today".to_owned(),
        (Some(due), Language::Sv) => format!("förfaller {due}"),
        (Some(due), Language::En) => format!("due {due}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).unwrap()
    }

    fn reminder(
        language: Language,
        kind: ReminderKind,
        subject: &str,
        due_on: Option<NaiveDate>,
        path: &str,
    ) -> Reminder {
        Reminder {
            user_id: 1,
            email: "anna@region.example".into(),
            display_name: "Anna Berg".into(),
            language,
            kind,
            subject: subject.into(),
            due_on,
            path: path.into(),
        }
    }

    fn classify() -> ReminderKind {
        ReminderKind::Task {
            task_kind: CLASSIFY.into(),
        }
    }

    #[test]
    fn swedish_digest_has_a_line_per_item_with_its_link() {
        let reminders = [
            reminder(
                Language::Sv,
                ReminderKind::RegisterConfirmation,
                "Region Norr",
                None,
                "/register",
            ),
            reminder(
                Language::Sv,
                classify(),
                "IS-0001 Journalsystem",
                Some(day(9)),
                "/register/systems/1",
            ),
            reminder(
                Language::Sv,
                ReminderKind::ClassificationReview,
                "Patientjournal",
                Some(day(1)),
                "/classification/3",
            ),
            reminder(
                Language::Sv,
                classify(),
                "IS-0002 Lab",
                Some(day(5)),
                "/register/systems/2",
            ),
        ];
        let digest = compose(&reminders, day(5), "https://lis.region.example").unwrap();
        assert_eq!(digest.subject, "Påminnelse från tillit");
        let lines: Vec<&str> = digest.body.lines().collect();
        assert_eq!(lines[0], "Hej Anna Berg!");
        assert!(lines.contains(&"Det här behöver du titta på:"));
        for expected in [
            "- Bekräfta förteckningen över nätverk och informationssystem (har aldrig bekräftats): https://lis.region.example/register",
            "- Klassa och riskanalysera IS-0001 Journalsystem (förfaller 2026-03-09): https://lis.region.example/register/systems/1",
            "- Klassningen ska ses över: Patientjournal (försenad – sista dag var 2026-03-01): https://lis.region.example/classification/3",
            "- Klassa och riskanalysera IS-0002 Lab (förfaller i dag): https://lis.region.example/register/systems/2",
        ] {
            assert!(lines.contains(&expected), "{expected}\n{}", digest.body);
        }
    }

    #[test]
    fn english_digest_and_nothing_to_say() {
        let reminders = [reminder(
            Language::En,
            ReminderKind::RegisterConfirmation,
            "Region Norr",
            Some(day(1)),
            "/register",
        )];
        let digest = compose(&reminders, day(5), "http://127.0.0.1:8080").unwrap();
        assert_eq!(digest.subject, "Reminder from tillit");
        assert!(digest.body.starts_with("Hello Anna Berg,\n"));
        assert!(digest.body.contains(
            "- Confirm the register of network and information systems (overdue – it was due 2026-03-01): http://127.0.0.1:8080/register\n"
        ));
        assert_eq!(compose(&[], day(5), "http://x"), None);
    }
}
