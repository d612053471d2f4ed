-- Registers: networks and information systems (C06) and information assets (C07).

-- Per organisation and kind, the prefix and the last number handed out. Numbers only
-- ever grow, so a designation is never reused.
CREATE TABLE designation_counter (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    prefix TEXT NOT NULL,
    last_number INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT designation_counter_organisation_kind_key UNIQUE (organisation_id, kind),
    CONSTRAINT designation_counter_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id)
);

CREATE TABLE information_system (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    designation TEXT NOT NULL,
    name TEXT NOT NULL,
    search_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    functionality TEXT NOT NULL DEFAULT '',
    essential_services TEXT NOT NULL DEFAULT '',
    in_cyber_security_act_scope BOOLEAN NOT NULL DEFAULT FALSE,
    criticality TEXT NOT NULL,
    object_owner_id INTEGER,
    system_administrator_id INTEGER,
    supplier TEXT NOT NULL DEFAULT '',
    sub_suppliers TEXT NOT NULL DEFAULT '',
    hosting TEXT NOT NULL,
    storage_country TEXT NOT NULL DEFAULT '',
    acceptable_recovery_time_hours INTEGER,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT information_system_designation_key UNIQUE (organisation_id, designation),
    CONSTRAINT information_system_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT information_system_object_owner_fkey FOREIGN KEY (object_owner_id) REFERENCES app_user (id),
    CONSTRAINT information_system_administrator_fkey FOREIGN KEY (system_administrator_id) REFERENCES app_user (id),
    CONSTRAINT information_system_recovery_time_check CHECK (acceptable_recovery_time_hours IS NULL OR acceptable_recovery_time_hours >= 0)
);
CREATE INDEX information_system_organisation_name_idx ON information_system (organisation_id, name);
CREATE INDEX information_system_organisation_kind_idx ON information_system (organisation_id, kind);
CREATE INDEX information_system_organisation_criticality_idx ON information_system (organisation_id, criticality);
CREATE INDEX information_system_object_owner_idx ON information_system (object_owner_id);

-- Information owners (informationsägare) of a system; several are allowed.
CREATE TABLE information_system_owner (
    system_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    CONSTRAINT information_system_owner_key UNIQUE (system_id, user_id),
    CONSTRAINT information_system_owner_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id),
    CONSTRAINT information_system_owner_user_fkey FOREIGN KEY (user_id) REFERENCES app_user (id)
);
CREATE INDEX information_system_owner_user_idx ON information_system_owner (user_id);

-- `system_id` depends on `depends_on_id`; the application keeps the graph acyclic.
CREATE TABLE system_dependency (
    system_id INTEGER NOT NULL,
    depends_on_id INTEGER NOT NULL,
    CONSTRAINT system_dependency_key UNIQUE (system_id, depends_on_id),
    CONSTRAINT system_dependency_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id),
    CONSTRAINT system_dependency_depends_on_fkey FOREIGN KEY (depends_on_id) REFERENCES information_system (id),
    CONSTRAINT system_dependency_not_self CHECK (system_id <> depends_on_id)
);
CREATE INDEX system_dependency_depends_on_idx ON system_dependency (depends_on_id);

-- Every version of every entry, as a JSON snapshot, so earlier versions stay viewable.
CREATE TABLE information_system_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    system_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by INTEGER,
    changed_by_label TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    CONSTRAINT information_system_history_version_key UNIQUE (system_id, version),
    CONSTRAINT information_system_history_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id)
);
CREATE INDEX information_system_history_organisation_changed_idx ON information_system_history (organisation_id, changed_at);

-- The yearly confirmation of the register.
CREATE TABLE register_confirmation (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    confirmed_at TEXT NOT NULL,
    confirmed_by INTEGER,
    confirmed_by_label TEXT NOT NULL,
    system_count INTEGER NOT NULL,
    changes_summary TEXT NOT NULL,
    CONSTRAINT register_confirmation_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id)
);
CREATE INDEX register_confirmation_organisation_idx ON register_confirmation (organisation_id, confirmed_at);

CREATE TABLE information_asset (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    search_name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    form TEXT NOT NULL,
    owner_id INTEGER NOT NULL,
    unit_id INTEGER,
    processes TEXT NOT NULL DEFAULT '',
    contains_personal_data BOOLEAN NOT NULL DEFAULT FALSE,
    personal_data_categories TEXT NOT NULL DEFAULT '[]',
    business_critical BOOLEAN NOT NULL DEFAULT FALSE,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CONSTRAINT information_asset_organisation_fkey FOREIGN KEY (organisation_id) REFERENCES organisation (id),
    CONSTRAINT information_asset_owner_fkey FOREIGN KEY (owner_id) REFERENCES app_user (id),
    CONSTRAINT information_asset_unit_fkey FOREIGN KEY (unit_id) REFERENCES org_unit (id)
);
CREATE INDEX information_asset_organisation_name_idx ON information_asset (organisation_id, name);
CREATE INDEX information_asset_owner_idx ON information_asset (owner_id);
CREATE INDEX information_asset_unit_idx ON information_asset (unit_id);

-- Which systems hold which assets.
CREATE TABLE asset_system (
    asset_id INTEGER NOT NULL,
    system_id INTEGER NOT NULL,
    CONSTRAINT asset_system_key UNIQUE (asset_id, system_id),
    CONSTRAINT asset_system_asset_fkey FOREIGN KEY (asset_id) REFERENCES information_asset (id),
    CONSTRAINT asset_system_system_fkey FOREIGN KEY (system_id) REFERENCES information_system (id)
);
CREATE INDEX asset_system_system_idx ON asset_system (system_id);
