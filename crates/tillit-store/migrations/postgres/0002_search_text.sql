-- Folded copies of searchable text, written by the application (SQLite's LOWER() only
-- folds ASCII). Existing rows are filled in by the application after migrating.
ALTER TABLE org_unit ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
ALTER TABLE app_user ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
