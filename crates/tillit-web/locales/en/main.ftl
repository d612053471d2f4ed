# English texts for tillit, one file per area. Every id must also exist in sv/.

skip-to-content = Skip to content
footer-tagline = information security management for health and social care
nav-main-label = Modules
nav-account-label = Administration and account
nav-start = Start
nav-register = Registers
nav-classification = Classification
nav-risks = Risks
nav-incidents = Incidents
nav-follow-up = Follow-up
nav-reports = Reports
nav-coming = (coming)
nav-organisation = Organisation
nav-users = Users
nav-audit = Audit trail
nav-profile = My profile
nav-logout = Sign out

save = Save
yes = Yes
no = No
actions = Actions
filter-apply = Filter
list-total =
    { $count ->
        [one] { $count } result
       *[other] { $count } results
    }
pagination-label = Pages
pagination-previous = Previous page
pagination-next = Next page
pagination-page = Page { $page }
scope-whole-organisation = Whole organisation
password-hint = At least 12 characters. A long passphrase is best.

error-summary-title = There is a problem
error-back-to-start = Go to the start page
error-request-id = Reference for support

login-title = Sign in
login-lead = Sign in to tillit with your e-mail address and password.
login-submit = Sign in
login-failed = Wrong e-mail address or password.
login-throttled = Too many failed sign-in attempts. Wait a while and try again.
login-demo-title = Demo database
login-demo-text = This is a demo database. The demo users (for example admin@region.example, samordnare@region.example, verksamhetschef@region.example and granskare@region.example) can sign in without two-factor authentication, using the demo password printed when the server started.
second-factor-title = Two-factor sign-in
second-factor-lead = Enter the six-digit code from your authenticator app.
second-factor-submit = Verify
second-factor-cancel = Cancel and sign out
conflict-reload = Someone else changed this since you opened the page. Reload the page and make your change again.

start-title = Start
start-heading = Welcome, { $name }
start-two-factor-recommended = You have not turned on two-factor sign-in.
start-two-factor-link = Turn on two-factor sign-in
start-card-organisation = The organisation
start-units = Organisational units
start-users = Active users
start-show-organisation = Show the organisation
start-card-audit = Audit trail
start-audit-checkpoint = Verified and signed up to event { $size } at
start-audit-no-checkpoint = No signed checkpoint yet.
start-show-audit = Open the audit trail
start-card-coming = Coming
start-coming-text = Access and log follow-up, continuity plans and management reports fill this page as those modules arrive.

organisation-title = Organisation
organisation-kind = Kind of organisation
organisation-kind-region = Region
organisation-kind-municipality = Municipality
organisation-kind-care-provider = Health care provider
organisation-kind-social-care-provider = Social care provider
organisation-units = Organisational units
unit-kind-board = Committee or board
unit-kind-administration = Administration
unit-kind-operation = Operation
unit-kind-unit = Unit
unit-new = New unit
unit-create = Create unit
unit-edit = Edit unit
unit-back = Back to the organisation
unit-top-level = (Top level)
unit-no-manager = None given
unit-delete = Delete the unit
unit-delete-help = A unit can only be deleted when it has no sub-units, role assignments or data controllers.
controllers-title = Data controllers
controllers-lead = In a region or municipality, every committee that provides care is the controller of its own processing. Record every data controller of the organisation here.
controllers-none = No data controllers are recorded.
controllers-new = Add a data controller
controllers-create = Add

users-title = Users
users-new = New user
users-create = Create user
users-back = Back to users
users-search = Search by name or e-mail
users-filter = Filter users
users-any-role = All roles
field-subunits = Include units below
users-no-role = No role yet
users-roles = Roles
users-no-roles = The user has no roles.
users-grant-role = Grant role
users-revoke-role = Revoke role
users-edit = Edit user

role-administrator = Administrator
role-coordinator = Information security coordinator
role-information-owner = Information owner
role-head-of-operations = Head of operations
role-nis-assessor = NIS assessor
role-mas-mar = MAS/MAR
role-data-protection-officer = Data protection officer
role-employee = Employee
role-auditor = Auditor

audit-title = Audit trail
audit-lead = Every change, sign-in and export is recorded in a tamper-evident log. Events are hash-chained and covered by signed checkpoints.
audit-integrity = Integrity of the trail
audit-checkpoint = Verified and signed up to event { $size } at
audit-verify-now = Verify the whole trail now
audit-intact = The trail is unchanged.
audit-broken = The trail was changed outside tillit!
audit-verified-up-to = Verified up to event { $seq }, checked
audit-first-bad = First event that does not match: { $seq }.
audit-checkpoints-checked =
    { $count ->
        [one] { $count } signed checkpoint matches.
       *[other] { $count } signed checkpoints match.
    }
audit-filter = Filter the audit trail
audit-seq = No.
audit-time = Time
audit-actor = Done by
audit-object = Object
audit-event-title = Event { $seq }
audit-before = Before
audit-after = After
audit-nothing = No value.
audit-back = Back to the audit trail
audit-export-proof = Export with inclusion proof (JSON)

profile-title = My profile
profile-language = Language
profile-password = Change password
profile-change-password = Change password
profile-tokens = API tokens
profile-tokens-lead = Personal API tokens let programs use the tillit API with your permissions.
profile-token-name = What the token is for
profile-token-create = Create API token
profile-token-created = Copy the token now. It is shown only this once.
profile-token-revoke = Revoke

two-factor-title = Two-factor sign-in
two-factor-on = On
two-factor-off = Off
two-factor-required = Administrators and information security coordinators must use two-factor sign-in. Turn it on to continue.
two-factor-intro = With two-factor sign-in you need both your password and a code from an authenticator app on your phone.
two-factor-start = Start
two-factor-scan = Scan the QR code with your authenticator app.
two-factor-qr-label = QR code for the authenticator app
two-factor-manual = If you cannot scan the code, type this key into the app:
two-factor-confirm = Turn on two-factor sign-in

field-name = Name
field-kind = Kind
field-parent-id = Parent unit
field-manager-id = Head of operations or manager
field-description = Description
field-org-number = Organisation number
field-unit-id = Unit
field-email = E-mail address
field-display-name = Name
field-title = Job title
field-password = Password
field-current-password = Current password
field-new-password = New password
field-role = Role
field-active = Active
field-code = Code
field-language = Language
field-page = Page
field-per-page = Rows per page
field-id = Unit
field-from = From
field-until = Until
field-action = Event
field-object-type = Object type
field-object-id = Object id
field-created-at = Created
field-updated-at = Last changed
field-version = Version

field-error-required = Fill in this field.
field-error-too-long = The text is too long.
field-error-invalid-email = Enter a valid e-mail address, such as name@region.se.
field-error-invalid-org-number = Enter a valid organisation number, ten digits (NNNNNN-NNNN).
field-error-invalid-choice = Choose one of the options.
field-error-password-too-short = The password must have at least 12 characters.
field-error-out-of-range = The value is outside the allowed range.
field-error-unknown-reference = The selected item does not exist in the organisation.
field-error-cycle = That choice would make a circle: a unit cannot sit below itself and a system cannot depend on itself, directly or through others.
field-error-duplicate = There is already a record with that value.
field-error-bad-credentials = The password is not correct.
field-error-bad-code = The code is not correct. Check that your phone's clock is right and try again.
field-error-no-pending-setup = Start setting up two-factor sign-in again.
field-error-already-enabled = Two-factor sign-in is already on.
field-error-cannot-deactivate-self = You cannot deactivate your own account.
field-error-cannot-revoke-own-admin = You cannot remove your own administrator role.
field-error-unit-in-use = The unit has sub-units, roles or data controllers attached.
field-error-invalid-type = The value has the wrong format.
field-error-unknown-field = The field does not exist.
field-error-invalid-date = Enter a date as YYYY-MM-DD.

notice-unit-created = The unit has been created.
notice-unit-saved = The unit has been saved.
notice-unit-deleted = The unit has been deleted.
notice-controller-created = The data controller has been added.
notice-user-created = The user has been created.
notice-user-saved = The user has been saved.
notice-role-granted = The role has been granted.
notice-role-revoked = The role has been revoked.
notice-password-changed = Your password has been changed.
notice-token-revoked = The API token has been revoked.
notice-two-factor-enabled = Two-factor sign-in is on.

problem-unauthenticated-title = Sign-in required
problem-unauthenticated-detail = Sign in or send a valid API token.
problem-forbidden-title = Access denied
problem-forbidden-detail = Your role does not allow this.
problem-not-found-title = Not found
problem-not-found-detail = What you are looking for does not exist, or you do not have access to it.
problem-conflict-title = Changed by someone else
problem-conflict-detail = The object has changed since you read it. Fetch it again and redo your change.
problem-malformed-body-title = Malformed request
problem-malformed-body-detail = The request body could not be read.
problem-invalid-input-title = Invalid input
problem-invalid-input-detail = One or more fields need correcting.
problem-payload-too-large-title = Request too large
problem-payload-too-large-detail = The body is larger than tillit accepts.
problem-too-many-attempts-title = Too many attempts
problem-too-many-attempts-detail = Wait a while and try again.
problem-csrf-rejected-title = The form has expired
problem-csrf-rejected-detail = Reload the page and submit the form again.
problem-internal-title = Something went wrong
problem-internal-detail = An unexpected error occurred. Nothing was half-saved. Quote the reference if you contact support.

organisation-edit = Edit the organisation's details
controllers-unit = Responsible committee or unit
controllers-edit = Edit data controller
users-reset-two-factor = Reset two-factor sign-in
users-reset-two-factor-help = Use this when the user has lost their authenticator app. The user is signed out and sets up two-factor sign-in again.
notice-organisation-saved = The organisation's details have been saved.
notice-controller-saved = The data controller has been saved.
notice-two-factor-reset = Two-factor sign-in has been reset.
