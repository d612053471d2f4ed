# Reports and the annual information security report (C25)

reports-title = Reports
reports-intro = Reports to management built on the work recorded in tillit: the annual report, the management review and reports to the board.
reports-card-annual = Annual information security report
reports-card-annual-text = The year's information security work for the whole organisation or one administration, with current figures, your own texts and approved versions.
reports-card-reviews = Management review
reports-card-reviews-text = Input, decisions and minutes of management's review of the management system.
reports-card-board = Board report
reports-card-board-text = A short status for the board: the largest risks and how far protective measures and governing documents are in place.
report-breadcrumb = You are here

reports-annual-title = Annual information security reports
reports-annual-intro = The annual report is part of the management review. While the report is a draft its figures are read directly from the registers, risk analyses and incidents. Approving the report freezes figures and texts as a version.
reports-annual-none = There are no annual reports yet.
reports-annual-new = New annual report
reports-annual-create = Create draft
report-annual-title = Annual information security report { $year }
report-scope-organisation = The whole organisation

report-field-year = Year
report-field-scope = Scope
report-field-unit-id = Scope
report-field-status = Status
report-field-approved = Approved
report-field-approved-by = Approved by
report-field-version = Version
report-field-downloads = Download
report-field-report = Report
report-status-draft = Draft
report-status-approved = Approved
report-approved-line = Version { $number } approved { $at } by { $by }
report-as-of = The figures describe { $day }
report-live-figures = the figures are counted again each time the page is shown
report-generated = Made { $at }
report-download-pdf = Download as PDF
report-download-xlsx = Download the figures as Excel (XLSX)
report-contents = Contents
report-no-text = No text has been written for this section.
report-no-data = Nothing recorded for { $year } within the report's scope.
report-share = { $value } of { $of } ({ $percent } %)
report-text-label = Text of the section { $section }
report-save-texts = Save the texts
report-approve-heading = Approve the report
report-approve-text = Approving freezes the figures as they are now together with the texts. The approved version cannot be changed, but a new draft can be started from it.
report-approve = Approve the report
report-new-draft-heading = New draft
report-new-draft-text = The report is approved. Start a new draft to change the texts or count the figures again; the approved versions are kept.
report-new-draft = Start a new draft
report-versions = Approved versions
report-versions-none = The report has not been approved yet.
report-version-n = version { $number }
report-sheet-figures = Figures

notice-report-created = The draft annual report has been created.
notice-report-saved = The texts have been saved.
notice-report-approved = The report is approved. Figures and texts are frozen in a new version.
notice-report-draft-started = A new draft has been started from the approved report.

field-error-report-frozen = The report is approved and cannot be changed. Start a new draft to change it; the approved version is kept.
field-error-report-already-draft = The report is already a draft.
field-error-report-outside-reach = You can only make annual reports for the units where you hold a role that compiles reports, and the units below them. A report for the whole organisation needs an organisation-wide role.
field-error-unknown-section = The annual report has no such section.

report-section-summary = Summary
report-section-organisation = Organisation and roles
report-section-work = Work during the year
report-section-classification = Information classification
report-section-risk = Risk analyses
report-section-audits = Audits and supervision
report-section-logs = Logging and log review
report-section-incidents = Incidents and deviations
report-section-maturity = Maturity assessment
report-section-measures = Improvement measures
report-section-focus = Focus areas

report-hint-summary = The year in brief: what was done, what the follow-ups show and what needs to develop.
report-hint-organisation = How the work is organised: coordinator, data protection officer, information security council and how the administrations take part.
report-hint-work = What was done during the year beyond the figures: training, information efforts, governing documents.
report-hint-classification = Comment on the coverage and where classifications are missing.
report-hint-risk = Comment on the quality of the risk analyses, renewals and the largest risks.
report-hint-audits = Internal and external audits during the year, supervision by IVO and IMY and their results.
report-hint-logs = How logs are followed up: patient logs, access checks and requested log extracts.
report-hint-incidents = Comment on the incidents: recurring causes, serious events, outages and the threat picture.
report-hint-maturity = The result of this year's maturity assessment compared with last year.
report-hint-measures = Improvement measures done and planned in IT security, training and tools.
report-hint-focus = Focus areas for next year and why.

report-figure-units = Organisational units
report-figure-analyses-approved = Risk analyses approved during the year
report-figure-classifications-approved = Information classifications approved during the year
report-figure-measures-done = Measures done during the year
report-figure-incidents-closed = Incident cases closed during the year
report-figure-systems-classified = Systems with an approved classification
report-figure-assets-classified = Information assets with an approved classification
report-figure-analyses-approved-total = Risk analyses approved
report-figure-analyses-draft = Risk analyses in progress (draft)
report-figure-renewal-overdue = Risk analyses with a late yearly renewal
report-figure-very-high-open = Very high risks not handled
report-figure-high-open = High risks not handled
report-figure-serious-untreated = High and very high risks with no treatment decided
report-figure-incidents-total = Incidents and deviations during the year
report-figure-breaches-registered = Personal data breaches documented
report-figure-breaches-reported = Personal data breaches notified to IMY
report-figure-reports-submitted = Reports to authorities
report-figure-measures-planned = Planned measures
report-figure-measures-late = Late measures
report-figure-holders = Holders
report-figure-cases = Cases
report-figure-on-time = On time

report-table-role-holders = Roles in the information security work
report-table-key-people = Key roles
report-table-coverage-per-unit = Classified information assets per administration
report-table-incidents-by-category = Incidents by kind
report-table-reports-on-time = Reports to authorities on time per regime

report-column-role = Role
report-column-holders = Number of people
report-column-person = Person
report-column-unit = Administration
report-column-assets-classified = Classified information assets
report-column-category = Kind
report-column-cases = Cases
report-column-regime = Regime
report-column-on-time = Submitted on time
report-column-section = Section
report-column-figure = Figure
report-column-value = Value
report-column-of = Out of
report-column-percent = Share (%)

# Filters the report's figures link to, on the lists of other modules
analyses-show-approved = Approved at least once
analyses-show-draft = Drafts and revisions
