## Action plan (section 9) and the sector risk catalogue

action-plan-title = Action plan
action-plan-intro = The action plan shows which measures are to eliminate or reduce the risks in the risk analyses, why they were chosen, who is responsible and when they are planned and carried out. Completed measures are kept as history and followed up and evaluated every year.
action-plan-filter = Filter the action plan
action-plan-search = Search measures
action-plan-caption = Measures in the action plan, late ones first
action-plan-for-analysis = Measures for risks in { $analysis }.
action-plan-show-all = Show the whole action plan
action-plan-empty = No measures match the filter.

measure-col-designation = Designation
measure-col-title = Measure
measure-col-risks = Number of risks
measure-col-planned = Planned
measure-col-done = Done
measure-col-status = Status
measure-col-residual = Expected risk level

measure-status-planned = Planned
measure-status-late = Late
measure-status-done = Done

measure-category-organisational = Organisational measure
measure-category-personnel = Personnel measure
measure-category-physical = Physical measure
measure-category-technical = Technical measure

measure-function-preventive = Preventive
measure-function-detective = Detective
measure-function-corrective = Corrective

measure-risk-status-open = no treatment decided
measure-risk-status-in-treatment = being treated
measure-risk-status-handled = handled

measure-new = New measure
measure-new-title = New measure in the action plan
measure-new-intro = Describe the measure with every item of the action plan: which risks and systems it concerns, why it was chosen, how the risk level is expected to change, who is responsible and when it is to be done.
measure-from-risk = The measure is to handle the risk { $risk }. The affected systems are preselected from the risk.
measure-create = Add to the action plan
measure-choose = Choose
measure-read-only = You can read the action plan but not change it.

measure-risks-hint = Choose one or more risks. Hold down Ctrl (Cmd on a Mac) to choose several. A measure that comes from an unmet requirement needs no risk.
measure-systems-hint = The network and information systems the measure affects. Hold down Ctrl (Cmd on a Mac) to choose several.
measure-title-hint = What is to be done, briefly, for example "Introduce multi-factor authentication for remote access".
measure-function-hint = Preventive measures stop something from happening, detective measures discover it when it happens and corrective measures limit the damage and restore afterwards.
measure-reason-hint = Why this measure was chosen, and which other solutions were considered.
measure-residual-hint = Where in the risk matrix does the risk end up once the measure is done? Assess with the organisation's own matrix. Required when the measure handles risks.
measure-responsible-hint = The person in the organisation responsible for carrying out the measure.
measure-done-hint = Fill in the date when the measure is done. A completed measure is kept as history and cannot be marked as not done.
measure-done-note-hint = Required if the measure was done before the planned date.

measure-items-heading = The ten items of the action plan
measure-items-intro = An action plan shows which risks the measure handles and which systems it affects, what was chosen and why, how the risk level is expected to change, who is responsible, when the measure is planned and carried out, and which risks and measures are already handled and done.
measure-item-risks = Risks the measure handles
measure-item-systems = Affected systems
measure-item-measure = Measure
measure-item-reason = Justification
measure-item-residual = Expected change of the risk level
measure-item-responsible = Responsible
measure-item-planned = Planned
measure-item-done = Carried out
measure-item-handled-risks = Risks already handled
measure-item-carried-out = Has the measure been carried out?
measure-carried-out-yes = Yes, the measure is done and kept as history.
measure-carried-out-no = No, the measure is not done yet.
measure-no-risks = The measure handles no risk. It comes from an unmet requirement.
measure-no-systems = No systems given.
measure-no-residual = No expected risk level given.
measure-residual-change = { $risk }: from
measure-residual-to = to
measure-not-done = Not done yet.
measure-no-handled-risks = None of the risks is handled yet.
measure-open-analysis = open the risk analysis

measure-follow-ups = Yearly follow-up and evaluation
measure-follow-ups-intro = Measures taken are followed up and evaluated every year: did the measure have the intended effect, and is it still needed?
measure-follow-ups-caption = Follow-ups of { $measure }, latest year first
measure-no-follow-ups = The measure has not been followed up yet.
measure-follow-up-new = Record this year's follow-up
measure-follow-up-recorded = Recorded
measure-follow-up-submit = Save the follow-up
measure-effect-hint = What the measure achieved, and how you know.
measure-next-step-hint = Required if the measure is no longer relevant: what is to be done instead.

measure-edit = Change the measure
measure-delete = Remove the measure
measure-delete-hint = Only measures that are neither done nor followed up can be removed. Completed and followed-up measures are kept as history in the action plan.

notice-measure-created = The measure has been added to the action plan.
notice-measure-saved = The measure has been saved.
notice-measure-deleted = The measure has been removed from the action plan.
notice-measure-followed-up = The follow-up has been saved.

sector-catalogue-title = Sector risk catalogue
sector-catalogue-intro = Typical information-security risks in health and social care, with suggested measures. The catalogue is a starting point, not a finished analysis: pick the risks that apply to your organisation, assess likelihood and consequence with your own risk matrix and decide the treatment.
sector-catalogue-contents = Risks in the catalogue
sector-catalogue-threat = Threat
sector-catalogue-vulnerability = Vulnerability
sector-catalogue-consequence = Consequence
sector-catalogue-aspects = Protection aspects threatened
sector-catalogue-sources = Sources
sector-catalogue-measures-caption = Suggested measures: { $risk }
sector-catalogue-measure = Measure and justification
sector-catalogue-iso = Controls in ISO/IEC 27002:2022
sector-catalogue-start = Start a risk from the catalogue in analysis:
sector-catalogue-continue = Continue
sector-catalogue-no-drafts = There is no risk analysis in progress to add risks to.
sector-catalogue-new-analysis = Start a new risk analysis
measure-from-incident = The measure follows from the incident and is linked to the case when it is created:
measure-from-incident-reason = A lesson from incident { $case }.
