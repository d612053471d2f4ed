-- Management reviews (ledningens genomgång), held in spring and autumn: eight agenda
-- items and the decisions of the meeting. Holding a review stores each item's figures
-- as they were; from then on the items are never changed or removed.

CREATE TABLE management_review (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    year INTEGER NOT NULL,
    term TEXT NOT NULL,
    meeting_on TEXT NOT NULL,
    participants TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    held_at TEXT,
    held_by_label TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT management_review_term_key UNIQUE (organisation_id, year, term),
    CONSTRAINT management_review_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT management_review_term_check CHECK (term IN ('spring', 'autumn')),
    CONSTRAINT management_review_status_check CHECK (status IN ('prepared', 'held'))
);
CREATE INDEX management_review_organisation_meeting_idx ON management_review (organisation_id, meeting_on);

CREATE TABLE management_review_item (
    review_id INTEGER NOT NULL,
    item_key TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    figures TEXT,
    CONSTRAINT management_review_item_key UNIQUE (review_id, item_key),
    CONSTRAINT management_review_item_review_fkey FOREIGN KEY (review_id) REFERENCES management_review (id)
);
CREATE TRIGGER management_review_item_refuse_update_held BEFORE UPDATE ON management_review_item
WHEN OLD.figures IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the items of a held review are kept as they were');
END;
CREATE TRIGGER management_review_item_refuse_delete BEFORE DELETE ON management_review_item
BEGIN
    SELECT RAISE(ABORT, 'the items of a review are kept');
END;

CREATE TABLE management_review_decision (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    review_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    text TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    due_on TEXT NOT NULL,
    measure_id INTEGER,
    task_id INTEGER,
    created_at TEXT NOT NULL,
    CONSTRAINT management_review_decision_number_key UNIQUE (review_id, number),
    CONSTRAINT management_review_decision_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT management_review_decision_review_fkey FOREIGN KEY (review_id) REFERENCES management_review (id),
    CONSTRAINT management_review_decision_owner_fkey FOREIGN KEY (owner_id) REFERENCES app_user (id),
    CONSTRAINT management_review_decision_measure_fkey FOREIGN KEY (measure_id) REFERENCES measure (id),
    CONSTRAINT management_review_decision_task_fkey FOREIGN KEY (task_id) REFERENCES task (id)
);
CREATE INDEX management_review_decision_review_idx ON management_review_decision (review_id);
